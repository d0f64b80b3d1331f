"""Every change to the assessment, each with its ledger leaf: configure the scheme (admins),
compute a quarter (the timer or an inspector), add manual items, approve and publish (the
commission), and the recommendation letter for a unit graded 不合格."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.assessments import access, indicators, letters, scoring
from sunlight.assessments.models import (
    DEFAULT_RULES,
    DEFAULT_THRESHOLDS,
    FINAL_STATES,
    Assessment,
    AssessmentGrade,
    AssessmentState,
    Indicator,
    ManualItem,
    Rule,
    Scheme,
    Score,
)
from sunlight.assessments.periods import Quarter
from sunlight.documents.actions import issue
from sunlight.documents.models import DocumentKind
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import Organisation, OrgKind

MANUAL_MIN_CENTI = -2000  # at most 20 points deducted by one item
MANUAL_MAX_CENTI = 1000  # at most 10 points added by one item


@dataclass(frozen=True)
class RuleData:
    weight: int
    zero_point: int
    full_point: int


def assessed_units() -> list[Organisation]:
    """Every active unit but the commission, which assesses."""
    return list(
        Organisation.objects.units().active().exclude(kind=OrgKind.COMMISSION).order_by("sort", "code")
    )


def _quarter_object(quarter: Quarter) -> tuple[str, str]:
    return ("assessments.quarter", quarter.code)


def _district_inspector(actor: Actor, action: str, obj: Any) -> Standing:
    standing = access.district_inspector_standing(actor.user)
    if standing is None:
        raise Refused(
            _(
                "Only an inspector of the commission with the whole district in their jurisdiction may do this."
            ),
            action=action,
            obj=obj,
        )
    return standing


def _unit_inspector(actor: Actor, assessment: Assessment, action: str) -> Standing:
    standing = access.inspector_standing(actor.user, assessment.unit_id)
    if standing is None:
        raise Refused(
            _("Only an inspector whose jurisdiction includes the unit may do this."),
            action=action,
            obj=assessment,
            unit_id=assessment.unit_id,
        )
    return standing


# ------------------------------------------------------------------------------------ scheme


def _rules_of(scheme: Scheme | None) -> dict[str, list[int]]:
    if scheme is None:
        return {}
    return {r.indicator: [r.weight, r.zero_point, r.full_point] for r in scheme.rules.all()}


def _check_scheme(rules: Mapping[str, RuleData], thresholds: tuple[int, int, int]) -> None:
    errors: dict[str, str] = {}
    missing = [i for i in Indicator.values if i not in rules]
    if missing or set(rules) - set(Indicator.values):
        errors["__all__"] = _("Give a rule for every indicator, and for nothing else.")
    for indicator, rule in rules.items():
        if not 0 <= rule.weight <= 100:
            errors[f"{indicator}_weight"] = _("A weight is between 0 and 100.")
        if rule.zero_point == rule.full_point:
            errors[f"{indicator}_full_point"] = _("Full marks and zero points need different values.")
    if not missing and sum(rule.weight for rule in rules.values()) != 100:
        errors["__all__"] = _("The weights add up to %(sum)s; they must add up to 100.") % {
            "sum": sum(rule.weight for rule in rules.values())
        }
    excellent, good, passing = thresholds
    if not 0 < passing < good < excellent <= 100:
        errors["excellent_from"] = _("The thresholds must rise: pass < good < excellent ≤ 100.")
    if errors:
        raise ValidationError(errors)


def _save_scheme(
    actor: Actor, year: int, rules: Mapping[str, RuleData], thresholds: tuple[int, int, int], reason: str
) -> Scheme:
    scheme = Scheme.objects.select_for_update().filter(year=year).first()
    before_rules = _rules_of(scheme)
    before_thresholds = (
        [scheme.excellent_from, scheme.good_from, scheme.pass_from] if scheme is not None else None
    )
    if scheme is None:
        scheme = Scheme(year=year)
    scheme.excellent_from, scheme.good_from, scheme.pass_from = thresholds
    scheme.configured_at, scheme.configured_by = timezone.now(), actor.user
    scheme.save()
    for indicator, rule in rules.items():
        Rule.objects.update_or_create(
            scheme=scheme,
            indicator=indicator,
            defaults={"weight": rule.weight, "zero_point": rule.zero_point, "full_point": rule.full_point},
        )
    after = {i: [r.weight, r.zero_point, r.full_point] for i, r in rules.items()}
    append(
        actor,
        "assessments.configure_scheme",
        scheme,
        changes={"rules": (before_rules or None, after), "thresholds": (before_thresholds, list(thresholds))},
        reason=reason,
        detail={"year": year},
    )
    return scheme


@records_refusals
def configure_scheme(
    actor: Actor,
    *,
    year: int,
    rules: Mapping[str, RuleData],
    thresholds: tuple[int, int, int] = DEFAULT_THRESHOLDS,
    reason: str = "",
) -> Scheme:
    """An administrator sets the year's weights, scoring rules and grade thresholds."""
    standing = access.admin_standing(actor.user)
    if standing is None:
        raise Refused(
            _("Only a system administrator configures the assessment scheme."),
            action="assessments.configure_scheme",
            obj=("assessments.scheme", year),
        )
    if not 2016 <= year <= 2100:
        raise ValidationError({"year": _("Give a year from 2016.")})
    _check_scheme(rules, thresholds)
    if Assessment.objects.filter(year=year, state__in=FINAL_STATES).exists():
        raise ValidationError(
            _("Assessments of %(year)s are already approved: the year's scheme can no longer change.")
            % {"year": year}
        )
    with transaction.atomic():
        return _save_scheme(actor.acting_as(standing), year, rules, thresholds, reason.strip())


def default_rules() -> dict[str, RuleData]:
    return {indicator: RuleData(*rule) for indicator, rule in DEFAULT_RULES.items()}


def scheme_for(year: int) -> Scheme:
    """The year's scheme; a year nobody configured starts from the previous year's, or the defaults."""
    found = Scheme.objects.filter(year=year).first()
    if found is not None:
        return found
    previous = Scheme.objects.filter(year__lt=year).order_by("-year").prefetch_related("rules").first()
    if previous is not None:
        rules = {r.indicator: RuleData(r.weight, r.zero_point, r.full_point) for r in previous.rules.all()}
        thresholds = (previous.excellent_from, previous.good_from, previous.pass_from)
        reason = f"carried over from {previous.year}"
    else:
        rules, thresholds, reason = default_rules(), DEFAULT_THRESHOLDS, "the default scheme"
    with transaction.atomic():
        return _save_scheme(Actor.system(), year, rules, thresholds, reason)


# ------------------------------------------------------------------------------ computation


def _digest(assessment: Assessment, scores: list[Score]) -> str:
    figures = {
        "as_of": assessment.as_of.isoformat(),
        "total": assessment.total_centi,
        "grade": assessment.grade,
        "rank": assessment.rank,
        "scores": [[s.indicator, s.value, s.points_centi, s.evidence] for s in scores],
    }
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode()).hexdigest()


def _settle(assessment: Assessment, scores: list[Score], items: list[ManualItem]) -> None:
    """Total, grade and letter draft from the scores and manual items (rank comes after)."""
    scheme = assessment.scheme
    assessment.auto_centi = scoring.automatic_total((s.weight, s.points_centi) for s in scores)
    assessment.manual_centi = sum(item.points_centi for item in items)
    assessment.total_centi = scoring.total(assessment.auto_centi, assessment.manual_centi)
    assessment.grade = scoring.grade(
        assessment.total_centi, scheme.excellent_from, scheme.good_from, scheme.pass_from
    )
    if assessment.letter_id is None and not assessment.letter_edited:
        failed = assessment.grade == AssessmentGrade.FAIL
        assessment.letter_draft = letters.draft(assessment, scores, items) if failed else ""


def _rank(assessments: list[Assessment]) -> None:
    for assessment, rank in zip(
        assessments, scoring.ranks([a.total_centi for a in assessments]), strict=True
    ):
        assessment.rank = rank


def _leaf(
    actor: Actor, assessment: Assessment, before: tuple[int, str, int], action: str, reason: str = ""
) -> None:
    append(
        actor,
        action,
        assessment,
        changes={
            "total_centi": (before[0], assessment.total_centi),
            "grade": (before[1] or None, assessment.grade),
            "rank": (before[2] or None, assessment.rank),
        },
        reason=reason,
        detail={
            "unit": assessment.unit.code,
            "quarter": f"{assessment.year}-Q{assessment.quarter}",
            "as_of": assessment.as_of,
            "values": {s.indicator: s.value for s in assessment._scores},  # type: ignore[attr-defined]
            "points": {s.indicator: s.points_centi for s in assessment._scores},  # type: ignore[attr-defined]
        },
    )


@records_refusals
def compute_quarter(actor: Actor, quarter: Quarter) -> list[Assessment]:
    """Compute every unit's assessment of the quarter (to date while it runs).

    Idempotent: approved and published assessments are kept as they are, and a draft whose
    figures did not change is not written again (no new ledger leaf).
    """
    standing = None
    if actor.user is not None:
        standing = _district_inspector(actor, "assessments.compute", _quarter_object(quarter))
    today = timezone.localdate()
    if quarter.start > today:
        raise ValidationError({"quarter": _("This quarter has not started.")})
    scheme = scheme_for(quarter.year)
    rules = {r.indicator: r for r in scheme.rules.all()}
    period = indicators.Period(quarter.start, quarter.as_of(today), today)
    acting = actor.acting_as(standing) if standing is not None else actor
    with transaction.atomic():
        existing = {
            a.unit_id: a
            for a in Assessment.objects.of_quarter(quarter.year, quarter.number)
            .select_for_update()
            .select_related("unit", "scheme")
        }
        manual: dict[int, list[ManualItem]] = {}
        for item in ManualItem.objects.filter(assessment__in=list(existing.values())).order_by(
            "entered_at", "pk"
        ):
            manual.setdefault(item.assessment_id, []).append(item)
        every: list[Assessment] = []
        drafts: list[Assessment] = []
        for unit in assessed_units():
            assessment = existing.get(unit.pk)
            if assessment is not None and assessment.is_final:
                every.append(assessment)
                continue
            if assessment is None:
                assessment = Assessment(unit=unit, year=quarter.year, quarter=quarter.number, digest="")
            assessment.scheme, assessment.period_start, assessment.period_end = (
                scheme,
                quarter.start,
                quarter.end,
            )
            assessment.as_of = period.as_of
            figures = indicators.compute(unit, period)
            scores = []
            for indicator in Indicator.values:
                rule, figure = rules[indicator], figures[indicator]
                scores.append(
                    Score(
                        indicator=indicator,
                        weight=rule.weight,
                        zero_point=rule.zero_point,
                        full_point=rule.full_point,
                        value=figure.value,
                        numerator=figure.numerator,
                        denominator=figure.denominator,
                        points_centi=scoring.points(
                            rule.weight, rule.zero_point, rule.full_point, figure.value
                        ),
                        evidence=figure.evidence,
                    )
                )
            assessment._scores = scores  # type: ignore[attr-defined]
            _settle(assessment, scores, manual.get(assessment.pk, []) if assessment.pk else [])
            every.append(assessment)
            drafts.append(assessment)
        _rank(every)
        now = timezone.now()
        for assessment in drafts:
            scores = assessment._scores  # type: ignore[attr-defined]
            digest = _digest(assessment, scores)
            if digest == assessment.digest:
                continue
            before = (
                Assessment.objects.filter(pk=assessment.pk)
                .values_list("total_centi", "grade", "rank")
                .first()
            )
            assessment.digest, assessment.computed_at = digest, now
            assessment.save()
            for score in scores:
                Score.objects.update_or_create(
                    assessment=assessment,
                    indicator=score.indicator,
                    defaults={
                        f: getattr(score, f)
                        for f in (
                            "weight",
                            "zero_point",
                            "full_point",
                            "value",
                            "numerator",
                            "denominator",
                            "points_centi",
                            "evidence",
                        )
                    },
                )
            _leaf(acting, assessment, before or (0, "", 0), "assessments.compute")
    return every


def _resettle_quarter(actor: Actor, year: int, quarter: int, target: int) -> list[Assessment]:
    """Totals, grades and ranks again after a manual item (the indicators do not change); the
    other units whose rank moved get a leaf of their own."""
    every = list(
        Assessment.objects.of_quarter(year, quarter).select_for_update().select_related("unit", "scheme")
    )
    before = {a.pk: a.rank for a in every}
    scores: dict[int, list[Score]] = {}
    for score in Score.objects.filter(assessment__in=every).order_by("pk"):
        scores.setdefault(score.assessment_id, []).append(score)
    items: dict[int, list[ManualItem]] = {}
    for item in ManualItem.objects.filter(assessment__in=every).order_by("entered_at", "pk"):
        items.setdefault(item.assessment_id, []).append(item)
    for assessment in every:
        assessment._scores = scores.get(assessment.pk, [])  # type: ignore[attr-defined]
        if not assessment.is_final:
            _settle(assessment, assessment._scores, items.get(assessment.pk, []))  # type: ignore[attr-defined]
    _rank(every)
    fields = ["auto_centi", "manual_centi", "total_centi", "grade", "rank", "letter_draft", "digest"]
    for assessment in every:
        assessment.digest = _digest(assessment, assessment._scores)  # type: ignore[attr-defined]
        assessment.save(update_fields=fields)
        if assessment.pk != target and assessment.rank != before[assessment.pk]:
            append(
                actor,
                "assessments.rank",
                assessment,
                changes={"rank": (before[assessment.pk], assessment.rank)},
                detail={"after_manual_item_on": target},
            )
    return every


@records_refusals
def add_manual_item(actor: Actor, assessment: Assessment, *, points_centi: int, reason: str) -> ManualItem:
    """The commission adds or deducts points, with the reason (加减分)."""
    standing = _unit_inspector(actor, assessment, "assessments.add_manual_item")
    errors: dict[str, str] = {}
    if points_centi == 0 or not MANUAL_MIN_CENTI <= points_centi <= MANUAL_MAX_CENTI:
        errors["points"] = _("Add at most 10 points or deduct at most 20, and not zero.")
    if not reason.strip():
        errors["reason"] = _("Give the reason for the points.")
    if errors:
        raise ValidationError(errors)
    assert actor.user is not None
    with transaction.atomic():
        locked = _locked(assessment)
        if locked.is_final:
            raise ValidationError(_("This assessment is approved: it no longer changes."))
        before = (locked.total_centi, locked.grade)
        item = ManualItem.objects.create(
            assessment=assessment,
            points_centi=points_centi,
            reason=reason.strip(),
            entered_by=actor.user,
            post=standing.post,
            entered_at=timezone.now(),
        )
        resettled = _resettle_quarter(
            actor.acting_as(standing), assessment.year, assessment.quarter, assessment.pk
        )
        settled = {a.pk: a for a in resettled}[assessment.pk]
        append(
            actor.acting_as(standing),
            "assessments.add_manual_item",
            settled,
            changes={
                "manual_centi": (settled.manual_centi - points_centi, settled.manual_centi),
                "total_centi": (before[0], settled.total_centi),
                "grade": (before[1], settled.grade),
            },
            reason=item.reason,
            detail={"item": item.pk, "points_centi": points_centi, "unit": settled.unit.code},
        )
    return item


def _move_quarter(
    actor: Actor, quarter: Quarter, action: str, source: AssessmentState, target: AssessmentState, reason: str
) -> list[Assessment]:
    standing = _district_inspector(actor, action, _quarter_object(quarter))
    assessments = list(
        Assessment.objects.of_quarter(quarter.year, quarter.number).select_related("unit").order_by("rank")
    )
    if not assessments:
        raise ValidationError(_("This quarter has not been computed yet."))
    if any(a.state != source for a in assessments):
        raise ValidationError(
            _("Every assessment of the quarter must be “%(state)s” first.") % {"state": source.label}
        )
    if target == AssessmentState.APPROVED and any(a.to_date for a in assessments):
        raise ValidationError(
            _("The quarter's figures are to date only: compute it again after the quarter has ended.")
        )
    now = timezone.now()
    with transaction.atomic():
        for assessment in Assessment.objects.filter(pk__in=[a.pk for a in assessments]).select_for_update():
            assessment.state = target
            fields = ["state"]
            if target == AssessmentState.APPROVED:
                assessment.approved_at, assessment.approved_by = now, actor.user
                fields += ["approved_at", "approved_by"]
            else:
                assessment.published_at = now
                fields += ["published_at"]
            assessment.save(update_fields=fields)
            append(
                actor.acting_as(standing),
                action,
                assessment,
                changes={"state": (source, target)},
                reason=reason,
                detail={
                    "total_centi": assessment.total_centi,
                    "grade": assessment.grade,
                    "rank": assessment.rank,
                },
            )
    return assessments


@records_refusals
def approve_quarter(actor: Actor, quarter: Quarter, *, reason: str = "") -> list[Assessment]:
    """The commission approves the quarter's results: they no longer change."""
    return _move_quarter(
        actor, quarter, "assessments.approve", AssessmentState.COMPUTED, AssessmentState.APPROVED, reason
    )


@records_refusals
def publish_quarter(actor: Actor, quarter: Quarter) -> list[Assessment]:
    """The approved results go to the portal: ranks, totals and grades (no personal data)."""
    return _move_quarter(
        actor, quarter, "assessments.publish", AssessmentState.APPROVED, AssessmentState.PUBLISHED, ""
    )


# ----------------------------------------------------------------------------------- letter


def _locked(assessment: Assessment) -> Assessment:
    return Assessment.objects.select_for_update().select_related("unit", "scheme").get(pk=assessment.pk)


@records_refusals
def edit_letter(actor: Actor, assessment: Assessment, *, text: str) -> Assessment:
    """An inspector rewrites the draft recommendation letter of a unit graded 不合格."""
    standing = _unit_inspector(actor, assessment, "assessments.edit_letter")
    if not text.strip():
        raise ValidationError({"text": _("Write the letter.")})
    with transaction.atomic():
        locked = _locked(assessment)
        if locked.grade != AssessmentGrade.FAIL:
            raise ValidationError(_("Only a unit graded Fail gets a recommendation letter."))
        if locked.letter_id is not None:
            raise ValidationError(_("The letter is issued: it no longer changes."))
        before = locked.letter_draft
        locked.letter_draft, locked.letter_edited = text.strip(), True
        locked.save(update_fields=["letter_draft", "letter_edited"])
        append(
            actor.acting_as(standing),
            "assessments.edit_letter",
            locked,
            changes={"letter_draft": (before, locked.letter_draft)},
        )
    return locked


@records_refusals
def issue_letter(actor: Actor, assessment: Assessment) -> Assessment:
    """Issue the recommendation letter as a sealed PDF of the commission (监察建议书)."""
    standing = _unit_inspector(actor, assessment, "assessments.issue_letter")
    commission = standing.post.organisation.unit or standing.post.organisation
    with transaction.atomic():
        locked = _locked(assessment)
        errors = []
        if locked.grade != AssessmentGrade.FAIL or not locked.letter_draft.strip():
            errors.append(_("Only a unit graded Fail gets a recommendation letter."))
        if not locked.is_final:
            errors.append(_("The commission approves the quarter before the letter is issued."))
        if locked.letter_id is not None:
            errors.append(_("The letter is already issued."))
        if errors:
            raise ValidationError(errors)
        acting = actor.acting_as(standing)
        document = issue(
            acting,
            kind=DocumentKind.RECOMMENDATION,
            title="监察建议书",
            issuer=commission,
            subject=locked,
            fields=letters.fields(locked),
            body=locked.letter_draft,
        )
        locked.letter = document
        locked.save(update_fields=["letter"])
        append(acting, "assessments.issue_letter", locked, changes={"letter": (None, document.number)})
    return locked
