"""Which posts handle a step: a definition names a post kind in an organisation role."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sunlight.orgs.models import Organisation, OrgKind, Post, PostKind
from sunlight.processes.definition import Definition, PostRef

TOWNSHIP_KINDS = (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT)


# Units and posts change rarely (an administrator's action) while steps open all day: lookups
# are kept for a short while per process. A step is still only done by someone holding the post
# when it is done, checked against the assignments of that moment.
CACHE_SECONDS = 30.0
_cache: dict[tuple[object, ...], tuple[float, object]] = {}


def _cached(key: tuple[object, ...], load: Callable[[], object]) -> object:
    now = time.monotonic()
    hit = _cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    value = load()
    _cache[key] = (now + CACHE_SECONDS, value)
    return value


def forget() -> None:
    """Drop cached lookups (after an organisation or post changes, and between tests)."""
    _cache.clear()


def resolve_unit(ref: PostRef, owner: Organisation, intake: Organisation | None) -> Organisation | None:
    if ref.org == "owner":
        return owner
    if ref.org == "intake":
        return intake or owner
    found = _cached(("unit", ref.org), lambda: Organisation.objects.units().filter(abbr=ref.org).first())
    return found if isinstance(found, Organisation) else None


def candidate_post_ids(ref: PostRef, unit_id: int) -> list[int]:
    def load() -> list[int]:
        posts = Post.objects.active().filter(organisation__unit_id=unit_id, kind=ref.kind)
        if ref.office:
            posts = posts.filter(organisation__name=ref.office)
        return list(posts.order_by("pk").values_list("pk", flat=True))

    ids = _cached(("posts", unit_id, ref.kind, ref.office), load)
    return list(ids) if isinstance(ids, list) else []


def candidate_posts(ref: PostRef, unit: Organisation) -> QuerySet[Post]:
    posts = Post.objects.active().filter(organisation__unit=unit, kind=ref.kind)
    if ref.office:
        posts = posts.filter(organisation__name=ref.office)
    return posts


def _describe(ref: PostRef, unit_name: str) -> str:
    kind = str(PostKind(ref.kind).label)
    return f"{unit_name} {ref.office} {kind}".replace("  ", " ")


def check_posts(d: Definition) -> list[str]:
    """Every step's post must exist where the step will run."""
    problems: list[str] = []
    owner = Organisation.objects.units().filter(abbr=d.owner).first()
    if owner is None:
        return [_("The owner %(abbr)s is not a unit of the district.") % {"abbr": d.owner}]
    refs: list[tuple[str, PostRef]] = [(n.name or n.id, n.post) for n in d.tasks if n.post is not None]
    if d.extension is not None:
        refs.append((_("extension approval"), d.extension.approver))
    townships = list(Organisation.objects.units().filter(kind__in=TOWNSHIP_KINDS))
    for step, ref in refs:
        if ref.org == "intake" and d.intake == "township":
            missing = [t for t in townships if not candidate_posts(ref, t).exists()]
            if not townships or missing:
                problems.append(
                    _("Step %(step)s: %(where)s has no such post (%(post)s).")
                    % {
                        "step": step,
                        "where": "、".join(t.name for t in missing[:3]) or _("no township"),
                        "post": _describe(ref, ""),
                    }
                )
            continue
        unit = resolve_unit(ref, owner, None)
        if unit is None:
            problems.append(
                _("Step %(step)s: %(abbr)s is not a unit of the district.") % {"step": step, "abbr": ref.org}
            )
        elif not candidate_posts(ref, unit).exists():
            problems.append(
                _("Step %(step)s: unknown post %(post)s.") % {"step": step, "post": _describe(ref, unit.name)}
            )
    return problems
