"""The public case query (办件查询, S7) lives in the portal; `/cases/query/` serves it too.

Receipts printed before the portal existed, and bookmarks, point here.
"""

from __future__ import annotations

from sunlight.portal.query import query

__all__ = ["query"]
