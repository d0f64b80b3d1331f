"""Kiosk mode (自助查询机): the portal's citizen pages for the service hall's query computers.

The same views render inside a kiosk frame (`portal/kiosk/base.html`): large type and touch
targets, no link out of the kiosk pages (no staff sign-in, no power list), and a reset to the
start page after `PORTAL_KIOSK_IDLE_SECONDS` without a touch (by `portal/kiosk.js`, and by a
<noscript> refresh where scripts are off). Every kiosk response is `no-store`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

DEFAULT_IDLE_SECONDS = 90


def idle_seconds() -> int:
    return int(getattr(settings, "PORTAL_KIOSK_IDLE_SECONDS", DEFAULT_IDLE_SECONDS))


def page_context(kiosk: bool) -> dict[str, Any]:
    """Which frame a citizen page renders in, and where its links point."""
    if not kiosk:
        return {"kiosk": False, "base_template": "base.html"}
    return {
        "kiosk": True,
        "base_template": "portal/kiosk/base.html",
        "kiosk_home": reverse("portal:kiosk"),
        "kiosk_idle": idle_seconds(),
    }
