"""Which posts handle a step: a definition names a post kind in an organisation role."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sunlight.orgs.models import Organisation, OrgKind, Post, PostKind
from sunlight.processes.definition import Definition, PostRef

TOWNSHIP_KINDS = (OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT)


def resolve_unit(ref: PostRef, owner: Organisation, intake: Organisation | None) -> Organisation | None:
    if ref.org == "owner":
        return owner
    if ref.org == "intake":
        return intake or owner
    return Organisation.objects.units().filter(abbr=ref.org).first()


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
