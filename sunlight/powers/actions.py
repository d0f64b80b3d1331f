"""Every change to the power list: drafting, revising, submitting, returning and publishing.

A version is drafted by its unit (`rules.as_editor`), submitted by a leader or the monitoring
centre (`rules.as_filer`) and reviewed by a discipline inspector supervising the unit
(`rules.as_reviewer`), who returns it with findings or approves it, which publishes it. Each
step appends one ledger leaf per version; the bulk forms (used by the demo and by imports)
check authority once and still write one leaf per item.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.models import Organisation, Post
from sunlight.powers import rules, search
from sunlight.powers.content import (
    PARTS_PREFETCH,
    PowerData,
    UnitDirectory,
    changes_between,
    check,
    check_code,
    content_of,
    normalised,
)
from sunlight.powers.models import (
    EDITABLE_STATES,
    TRANSITIONS,
    AccountabilityClause,
    Fee,
    LegalBasis,
    Material,
    PowerItem,
    PowerVersion,
    SpecialProcedure,
    SubItem,
    VersionState,
)


def _refuse_transition(version: PowerVersion, step: str) -> None:
    if (version.state, step) not in TRANSITIONS:
        raise ValidationError(
            _("Version %(v)d of %(code)s is %(state)s; it cannot be %(step)s now.")
            % {
                "v": version.number,
                "code": version.item.code,
                "state": VersionState(version.state).label,
                "step": {"submit": _("submitted"), "return": _("returned"), "approve": _("approved")}[step],
            }
        )


def _latest_starts(item_ids: Sequence[int]) -> dict[int, dt.date]:
    """The latest start date among each item's published versions."""
    return dict(
        PowerVersion.objects.published()
        .filter(item_id__in=item_ids)
        .values("item_id")
        .annotate(m=Max("valid_from"))
        .values_list("item_id", "m")
    )


def _check_sequence(item: PowerItem, data: PowerData, latest: dt.date | None = None) -> None:
    """A new version starts after the published ones it replaces: history stays a line."""
    if latest is None:
        latest = _latest_starts([item.pk]).get(item.pk)
    if latest is not None and data.valid_from is not None and data.valid_from <= latest:
        raise ValidationError(
            {
                "valid_from": _(
                    "A new version must start after the published version it replaces (valid from %(d)s)."
                )
                % {"d": latest.isoformat()}
            }
        )


_PART_MODELS = (SubItem, LegalBasis, SpecialProcedure, Fee, Material, AccountabilityClause)


def _write_parts(batch: Sequence[tuple[PowerVersion, PowerData, list[Post]]], *, fresh: bool) -> None:
    """Write the parts of many versions with one INSERT per kind of part."""
    if not fresh:
        versions = [entry[0] for entry in batch]
        for model in _PART_MODELS:
            model.objects.filter(version__in=versions).delete()
        for version in versions:
            version.posts.clear()
    through = PowerVersion.posts.through
    through.objects.bulk_create(
        through(powerversion_id=version.pk, post_id=post.pk) for version, _, posts in batch for post in posts
    )
    SubItem.objects.bulk_create(
        SubItem(version=v, sort=i, name=n) for v, data, _ in batch for i, n in enumerate(data.sub_items)
    )
    parts: tuple[tuple[Any, str], ...] = (
        (LegalBasis, "legal_bases"),
        (SpecialProcedure, "special_procedures"),
        (Fee, "fees"),
        (Material, "materials"),
        (AccountabilityClause, "accountability"),
    )
    for model, attribute in parts:
        model.objects.bulk_create(
            model(version=v, sort=i, **vars_of(part))
            for v, data, _posts in batch
            for i, part in enumerate(getattr(data, attribute))
        )


def vars_of(part: object) -> dict[str, object]:
    return dict(vars(part))


def _apply_scalars(version: PowerVersion, data: PowerData, office: Organisation | None) -> None:
    for name, value in data.as_dict().items():
        if name in ("office", "posts") or isinstance(value, list | tuple):
            continue
        setattr(version, name, value)
    version.office = office


@records_refusals
def create_powers(
    actor: Actor,
    unit: Organisation,
    entries: Sequence[tuple[str, PowerData]],
    *,
    directory: UnitDirectory | None = None,
) -> list[PowerVersion]:
    """Create power items with their first draft version, one leaf per item.

    `directory`: the unit's offices and posts when the caller (an import) has read them already.
    """
    acting = rules.as_editor(actor, unit, action="powers.create", obj=unit)
    if not unit.is_unit:
        raise ValidationError({"unit": _("Powers belong to a unit.")})
    prepared: list[tuple[str, PowerData, Organisation | None, list[Post]]] = []
    codes = [code.strip().upper() for code, _data in entries]
    taken = set(PowerItem.objects.filter(code__in=codes).values_list("code", flat=True))
    directory = directory or UnitDirectory.of(unit)
    for code, (_code, raw) in zip(codes, entries, strict=True):
        data = normalised(raw)
        check_code(code, data.category)
        if code in taken:
            raise ValidationError(
                {"code": _("Another power already has the code %(code)s.") % {"code": code}}
            )
        taken.add(code)
        office, posts = check(data, unit, directory)
        prepared.append((code, data, office, posts))
    now = timezone.now()
    with transaction.atomic():
        items = PowerItem.objects.bulk_create(
            [PowerItem(code=entry[0], unit=unit, created_at=now) for entry in prepared]
        )
        versions = []
        for item, (_code, data, office, _posts) in zip(items, prepared, strict=True):
            version = PowerVersion(item=item, number=1, created_at=now, created_by=actor.user)
            _apply_scalars(version, data, office)
            versions.append(version)
        versions = PowerVersion.objects.bulk_create(versions)
        _write_parts(
            [(v, data, posts) for v, (_c, data, _o, posts) in zip(versions, prepared, strict=True)],
            fresh=True,
        )
        for version, (code, data, _office, _posts) in zip(versions, prepared, strict=True):
            append(
                acting,
                "powers.create",
                version,
                changes={"code": (None, code), **changes_between(None, data)},
            )
    return versions


def create_power(actor: Actor, unit: Organisation, code: str, data: PowerData) -> PowerVersion:
    return create_powers(actor, unit, [(code, data)])[0]


@records_refusals
def update_draft(actor: Actor, version: PowerVersion, data: PowerData, *, reason: str = "") -> PowerVersion:
    """Change what a draft (or a returned version) says."""
    unit = version.item.unit
    acting = rules.as_editor(actor, unit, action="powers.update", obj=version)
    if version.state not in EDITABLE_STATES:
        raise ValidationError(
            _("Version %(v)d of %(code)s is %(state)s and cannot be edited.")
            % {"v": version.number, "code": version.item.code, "state": VersionState(version.state).label}
        )
    data = normalised(data)
    check_code(version.item.code, data.category)
    office, posts = check(data, unit)
    _check_sequence(version.item, data)
    before = content_of(version)
    changes = changes_between(before, data)
    if not changes:
        return version
    with transaction.atomic():
        _apply_scalars(version, data, office)
        version.save()
        _write_parts([(version, data, posts)], fresh=False)
        append(acting, "powers.update", version, changes=changes, reason=reason)
    return version


@records_refusals
def revise(actor: Actor, item: PowerItem, *, reason: str = "") -> PowerVersion:
    """Start a new draft version from the latest published one (which stays as it is)."""
    acting = rules.as_editor(actor, item.unit, action="powers.revise", obj=item)
    if PowerVersion.objects.open().filter(item=item).exists():
        raise ValidationError(_("%(code)s already has a version being worked on.") % {"code": item.code})
    source = (
        PowerVersion.objects.published()
        .filter(item=item)
        .prefetch_related(*PARTS_PREFETCH)
        .order_by("-number")
        .first()
    )
    if source is None:
        raise ValidationError(_("%(code)s has no published version to revise.") % {"code": item.code})
    data = content_of(source)
    start = max(timezone.localdate(), source.valid_from + dt.timedelta(days=1))
    data = data.replace(valid_from=start)
    office, posts = check(data, item.unit)
    number = (item.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    with transaction.atomic():
        version = PowerVersion(item=item, number=number, created_by=actor.user)
        _apply_scalars(version, data, office)
        version.save()
        _write_parts([(version, data, posts)], fresh=True)
        append(
            acting,
            "powers.revise",
            version,
            changes={"number": (source.number, number), "valid_from": (source.valid_from, start)},
            reason=reason,
        )
    return version


def _lock(versions: Sequence[PowerVersion], *, prefetch: Sequence[str] = ()) -> list[PowerVersion]:
    """Re-read the versions inside the transaction (PostgreSQL: locked) so two reviewers queue."""
    pks = [v.pk for v in versions]
    qs = PowerVersion.objects.select_for_update(of=("self",)).filter(pk__in=pks).select_related("item__unit")
    if prefetch:
        qs = qs.prefetch_related(*prefetch)
    fresh = {v.pk: v for v in qs}
    return [fresh[pk] for pk in pks]


def content_of_dates(version: PowerVersion) -> PowerData:
    """Enough of a version for the sequence check (its dates), without reading its parts."""
    return PowerData(
        name=version.name, category=version.category, implementing_body="", valid_from=version.valid_from
    )


def _publish_rows(versions: Sequence[PowerVersion]) -> None:
    """One statement for the batch (executemany): the rows were submitted, not yet published,
    so the immutability trigger lets them through; this is the hot path of a unit's whole list."""
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.executemany(
            "UPDATE powers_powerversion SET state = %s, reviewed_at = %s, reviewed_by_id = %s, "
            "published_at = %s, search_text = %s WHERE id = %s",
            [
                (
                    v.state,
                    ops.adapt_datetimefield_value(v.reviewed_at),
                    v.reviewed_by_id,
                    ops.adapt_datetimefield_value(v.published_at),
                    v.search_text,
                    v.pk,
                )
                for v in versions
            ],
        )


def _one_unit(versions: Sequence[PowerVersion]) -> Organisation:
    units = {v.item.unit_id for v in versions}
    if len(units) != 1:
        raise ValidationError(_("Submit or review the versions of one unit at a time."))
    return versions[0].item.unit


@records_refusals
def submit_versions(actor: Actor, versions: Sequence[PowerVersion], *, note: str = "") -> list[PowerVersion]:
    """File drafts (or returned versions) with the discipline commission for review."""
    if not versions:
        return []
    unit = _one_unit(versions)
    acting = rules.as_filer(actor, unit, action="powers.submit", obj=versions[0])
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(versions)
        before = {}
        for version in locked:
            _refuse_transition(version, "submit")
            before[version.pk] = version.state
            version.state, version.submitted_at = VersionState.SUBMITTED, now
        # One UPDATE for the batch; none of these rows is published (checked just above).
        PowerVersion.objects.filter(pk__in=before).update(state=VersionState.SUBMITTED, submitted_at=now)
        for version in locked:
            append(
                acting,
                "powers.submit",
                version,
                changes={"state": (before[version.pk], version.state)},
                reason=note,
            )
    return locked


def submit_version(actor: Actor, version: PowerVersion, *, note: str = "") -> PowerVersion:
    return submit_versions(actor, [version], note=note)[0]


@records_refusals
def return_version(actor: Actor, version: PowerVersion, *, findings: str) -> PowerVersion:
    """The commission sends a submitted version back to its unit with its findings."""
    acting = rules.as_reviewer(actor, version.item.unit, action="powers.return", obj=version)
    if len(findings.strip()) < 4:
        raise ValidationError({"findings": _("Write the findings the unit must address.")})
    with transaction.atomic():
        (version,) = _lock([version])
        _refuse_transition(version, "return")
        version.state, version.findings = VersionState.RETURNED, findings.strip()
        version.reviewed_at, version.reviewed_by = timezone.now(), actor.user
        version.save(update_fields=["state", "findings", "reviewed_at", "reviewed_by"])
        append(
            acting,
            "powers.return",
            version,
            changes={"state": (VersionState.SUBMITTED, VersionState.RETURNED)},
            reason=version.findings,
        )
    return version


@records_refusals
def approve_versions(actor: Actor, versions: Sequence[PowerVersion], *, note: str = "") -> list[PowerVersion]:
    """The commission approves submitted versions, which publishes them (then they never change)."""
    if not versions:
        return []
    unit = _one_unit(versions)
    acting = rules.as_reviewer(actor, unit, action="powers.approve", obj=versions[0])
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(versions, prefetch=("sub_items", "legal_bases"))
        latest = _latest_starts([v.item_id for v in locked])
        for version in locked:
            _refuse_transition(version, "approve")
            _check_sequence(version.item, content_of_dates(version), latest.get(version.item_id, dt.date.min))
            version.state = VersionState.PUBLISHED
            version.reviewed_at = version.published_at = now
            version.reviewed_by = actor.user
            version.search_text = search.text_of(version)
        _publish_rows(locked)
        for version in locked:
            append(
                acting,
                "powers.approve",
                version,
                changes={
                    "state": (VersionState.SUBMITTED, VersionState.PUBLISHED),
                    "published_at": (None, now),
                },
                reason=note,
            )
        search.index(locked)
    return locked


def approve_version(actor: Actor, version: PowerVersion, *, note: str = "") -> PowerVersion:
    return approve_versions(actor, [version], note=note)[0]


def save_power(
    actor: Actor, unit: Organisation, code: str, data: PowerData, *, directory: UnitDirectory | None = None
) -> str:
    """Make the unit's list say `data` for `code`: "created", "changed" or "unchanged".

    A new code creates the item; an open draft is updated; a published item whose content
    differs gets a new draft version. A version under review cannot be changed.
    """
    code = code.strip().upper()
    item = PowerItem.objects.filter(code=code).select_related("unit").first()
    if item is None:
        create_powers(actor, unit, [(code, data)], directory=directory)
        return "created"
    if item.unit_id != unit.pk:
        raise Refused(
            _("%(code)s belongs to %(unit)s.") % {"code": code, "unit": item.unit.name},
            action="powers.update",
            obj=item,
            unit_id=unit.pk,
        )
    latest = item.versions.prefetch_related(*PARTS_PREFETCH).order_by("-number").first()
    assert latest is not None
    if content_of(latest) == normalised(data):
        return "unchanged"
    if latest.state == VersionState.SUBMITTED:
        raise ValidationError(
            {"code": _("%(code)s is under review and cannot be changed now.") % {"code": code}}
        )
    if latest.state == VersionState.PUBLISHED:
        latest = revise(actor, item)
    update_draft(actor, latest, data)
    return "changed"
