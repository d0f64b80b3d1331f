"""Full-text search of the published power list that works for Chinese, on both databases.

Chinese has no spaces between words, so word tokenizers do not help; trigram indexes do: any
substring of three or more characters is found through the index.

- SQLite: an FTS5 table with the trigram tokenizer (`powers_search`, migration 0002), one row
  per published version (rowid = version id), written by the approve action in its
  transaction. Published versions never change, so a row never needs updating.
- PostgreSQL: `pg_trgm` and a GIN trigram index on `PowerVersion.search_text`; a plain
  `LIKE '%term%'` uses it.

Terms shorter than three characters (建设, 低保) cannot use a trigram index; they fall back to
`LIKE` on the folded text, which over a district's ~2,200 published versions costs little.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connection
from django.db.models import Case, IntegerField, Value, When
from django.db.models.expressions import RawSQL
from django.utils.translation import override

from sunlight.powers.models import BasisKind, PowerCategory, PowerVersion, PowerVersionQuerySet

MIN_TRIGRAM = 3
MAX_TERMS = 5


def text_of(version: PowerVersion) -> str:
    """The folded text a version is found by: code, names, unit, category, bases, result.

    Reads `version.sub_items` and `version.legal_bases` (prefetch them for many versions).
    """
    with override("zh-hans"):
        category_zh = str(PowerCategory(version.category).label)
    with override("en"):
        category_en = str(PowerCategory(version.category).label)
    parts = [
        version.item.code,
        version.name,
        *(s.name for s in version.sub_items.all()),
        version.item.unit.name,
        version.implementing_body,
        category_zh,
        category_en,
        version.result_document,
        *(f"{b.law}{b.article}" for b in version.legal_bases.all() if b.kind == BasisKind.ESTABLISHING),
    ]
    return "\n".join(p for p in parts if p).lower()


def index(versions: Iterable[PowerVersion]) -> None:
    """Add published versions to the SQLite FTS table (PostgreSQL indexes the column itself)."""
    if connection.vendor != "sqlite":
        return
    rows = [(v.pk, v.search_text) for v in versions]
    with connection.cursor() as cursor:
        # A leftover row with the same id (a test database flushed between cases) is replaced.
        cursor.executemany("DELETE FROM powers_search WHERE rowid = %s", [(pk,) for pk, _ in rows])
        cursor.executemany("INSERT INTO powers_search (rowid, body) VALUES (%s, %s)", rows)


def rebuild() -> int:
    """Re-create the SQLite index from the published versions; returns how many."""
    published = list(PowerVersion.objects.published().only("pk", "search_text"))
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM powers_search")
        index(published)
    return len(published)


def terms_of(query: str) -> list[str]:
    return [t for t in query.lower().replace("\u3000", " ").split() if t][:MAX_TERMS]


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def search(
    query: str,
    *,
    day: dt.date | None = None,
    unit_id: int | None = None,
    category: str | None = None,
) -> PowerVersionQuerySet:
    """The versions in force on `day` (default today) matching every term of `query`."""
    qs = PowerVersion.objects.as_of(day) if day else PowerVersion.objects.current()
    if unit_id:
        qs = qs.filter(item__unit_id=unit_id)
    if category:
        qs = qs.filter(category=category)
    terms = terms_of(query)
    if not terms:
        return qs.order_by("item__unit__sort", "item__code")
    long_terms = [t for t in terms if len(t) >= MIN_TRIGRAM]
    if connection.vendor == "sqlite" and long_terms:
        match = " AND ".join(_fts_phrase(t) for t in long_terms)
        qs = qs.filter(pk__in=RawSQL("SELECT rowid FROM powers_search WHERE powers_search MATCH %s", [match]))
        short_terms = [t for t in terms if len(t) < MIN_TRIGRAM]
    else:
        short_terms = terms
    for term in short_terms:
        qs = qs.filter(search_text__contains=term)
    whole = query.strip()
    # Names that start with the query, then names that contain it, then the rest (found in
    # sub-items, bases or the unit's name); within each, the district's order.
    return qs.annotate(
        rank=Case(
            When(name__startswith=whole, then=Value(0)),
            When(name__icontains=whole, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "item__unit__sort", "item__code")
