"""Every change to ratings: rate, record a contact, rectify, appeal, decide an appeal.

Ratings are immutable (S26): a rating is never edited; a bad one (不满意, 非常不满意) obliges the
unit's monitoring centre to call the rater back within 1 working day and to rectify within 15,
and once the rectification is done the rater may rate once more. A unit that holds a bad rating
false appeals to the commission; an inspector, never the unit, decides.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.calendars.workdays import add_workdays
from sunlight.cases.actions import query_code_matches
from sunlight.cases.models import Case
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.authority import Standing, standing_among
from sunlight.orgs.models import Organisation, Post, PostKind
from sunlight.portal.lookup import NO_MATCH
from sunlight.ratings.models import (
    MAX_ROUNDS,
    RATEABLE_STATES,
    Appeal,
    AppealState,
    Callback,
    Contact,
    ContactKind,
    Grade,
    Rating,
    RatingChannel,
    Rectification,
    TaskState,
)
from sunlight.reports.authority import inspector_standing

CALLBACK_WORKDAYS = 1
RECTIFICATION_WORKDAYS = 15
MAX_COMMENT = 1000


@records_refusals
def rate(
    actor: Actor, case: Case, *, code: str, grade: int, comment: str, channel: str = RatingChannel.PORTAL
) -> Rating:
    """The applicant rates their case, proving it with the query code from the receipt."""
    if not query_code_matches(case, code):
        raise ValidationError(str(NO_MATCH))
    return record_rating(actor, case, grade=grade, comment=comment, channel=channel)


def rating_refusal(case: Case) -> str:
    """Why the case cannot be rated now, or "" when it can (read before the form is shown)."""
    if case.state not in RATEABLE_STATES:
        return _("This case is not concluded yet: rate the service once it is.")
    ratings = list(case.ratings.select_related("rectification", "appeal").order_by("round"))
    if not ratings:
        return ""
    last = ratings[-1]
    if len(ratings) >= MAX_ROUNDS or not last.is_bad:
        return _("You have rated this case. A rating cannot be changed.")
    rectification = getattr(last, "rectification", None)
    if rectification is None or rectification.state != TaskState.DONE:
        return _("You can rate once more after the unit has completed its rectification.")
    return ""


def record_rating(actor: Actor, case: Case, *, grade: int, comment: str, channel: str) -> Rating:
    """Record a rating whose rater is already established (the query code was checked, or the
    demo loader stands in for raters). Never exposed without that check."""
    comment = comment.strip()
    errors: dict[str, str] = {}
    if grade not in Grade.values:
        errors["grade"] = _("Choose one of the five grades.")
    elif grade in (Grade.DISSATISFIED, Grade.VERY_DISSATISFIED) and not comment:
        errors["comment"] = _("Tell us what went wrong, so that the unit can put it right.")
    if len(comment) > MAX_COMMENT:
        errors["comment"] = _("Keep the comment under %(n)s characters.") % {"n": MAX_COMMENT}
    if channel not in RatingChannel.values:
        errors["channel"] = "unknown channel"
    if errors:
        raise ValidationError(errors)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        refusal = rating_refusal(locked)
        if refusal:
            raise ValidationError(refusal)
        previous = locked.ratings.order_by("-round").first()
        rating = Rating.objects.create(
            case=locked,
            unit_id=locked.owner_id,
            grade=grade,
            comment=comment,
            round=previous.round + 1 if previous else 1,
            previous=previous,
            channel=channel,
        )
        detail: dict[str, object] = {"case": locked.number, "round": rating.round, "channel": channel}
        if rating.is_bad:
            callback_due = add_workdays(today, CALLBACK_WORKDAYS)
            rectification_due = add_workdays(today, RECTIFICATION_WORKDAYS)
            Callback.objects.create(
                rating=rating,
                unit_id=locked.owner_id,
                due_date=callback_due.date,
                due_provisional=callback_due.provisional,
            )
            Rectification.objects.create(
                rating=rating,
                unit_id=locked.owner_id,
                due_date=rectification_due.date,
                due_provisional=rectification_due.provisional,
            )
            detail |= {"callback_due": callback_due.date, "rectification_due": rectification_due.date}
        append(
            actor,
            "ratings.rate",
            rating,
            changes={"grade": (None, grade), "comment": (None, comment or None)},
            confidential=["comment"],
            detail=detail,
        )
    return rating


def _monitor_standing(actor: Actor, unit: Organisation, action: str, obj: Rating) -> tuple[User, Standing]:
    """The acting person and their standing in the monitoring centre of `unit`, or a refusal."""
    user = actor.user
    if user is not None:
        posts = list(
            Post.objects.active()
            .filter(organisation__unit=unit, kind=PostKind.MONITOR)
            .values_list("pk", flat=True)
        )
        standing = standing_among(user, posts)
        if standing is not None:
            return user, standing
    raise Refused(
        _("Only the monitoring centre of %(unit)s handles its service ratings.") % {"unit": unit.name},
        action=action,
        obj=obj,
        unit_id=unit.pk,
    )


@records_refusals
def record_contact(
    actor: Actor, rating: Rating, *, kind: str, occurred_at: dt.datetime, note: str
) -> Contact:
    """Record a contact with the rater; the first one after a bad rating is its callback (回访)."""
    user, standing = _monitor_standing(actor, rating.unit, "ratings.record_contact", rating)
    errors: dict[str, str] = {}
    if kind not in ContactKind.values:
        errors["kind"] = _("Choose how the rater was contacted.")
    if not note.strip():
        errors["note"] = _("Record what was said.")
    now = timezone.now()
    if occurred_at > now + dt.timedelta(minutes=5):
        errors["occurred_at"] = _("A contact cannot be recorded before it happens.")
    elif occurred_at < rating.rated_at:
        errors["occurred_at"] = _("Contacts are recorded from the rating on.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = Contact.objects.create(
            rating=rating,
            kind=kind,
            occurred_at=occurred_at,
            note=note.strip(),
            recorded_by=user,
            post=standing.post,
        )
        callback = Callback.objects.select_for_update().filter(rating=rating, state=TaskState.OPEN).first()
        detail: dict[str, object] = {"kind": kind, "occurred_at": occurred_at, "contact": contact.pk}
        if callback is not None:
            callback.state, callback.done_at, callback.contact = TaskState.DONE, now, contact
            callback.save(update_fields=["state", "done_at", "contact"])
            detail["callback"] = {
                "due": callback.due_date,
                "late": timezone.localdate(occurred_at) > callback.due_date,
            }
        append(
            actor.acting_as(standing),
            "ratings.record_contact",
            rating,
            changes={"note": (None, note.strip())},
            confidential=["note"],
            detail=detail,
        )
    return contact


@records_refusals
def complete_rectification(actor: Actor, rectification: Rectification, *, measures: str) -> Rectification:
    """The unit records what it put right; the rater may then rate once more."""
    user, standing = _monitor_standing(actor, rectification.unit, "ratings.rectify", rectification.rating)
    if not measures.strip():
        raise ValidationError({"measures": _("Describe what was put right.")})
    with transaction.atomic():
        locked = Rectification.objects.select_for_update().get(pk=rectification.pk)
        if locked.state != TaskState.OPEN:
            raise ValidationError(_("This rectification is closed."))
        if Callback.objects.filter(rating_id=locked.rating_id, state=TaskState.OPEN).exists():
            raise ValidationError(_("Call the rater back first, and record the contact."))
        locked.state, locked.measures = TaskState.DONE, measures.strip()
        locked.done_at, locked.done_by = timezone.now(), user
        locked.save(update_fields=["state", "measures", "done_at", "done_by"])
        append(
            actor.acting_as(standing),
            "ratings.rectify",
            locked.rating,
            changes={"rectification": (TaskState.OPEN, TaskState.DONE), "measures": (None, locked.measures)},
            detail={"due": locked.due_date, "late": timezone.localdate() > locked.due_date},
        )
    return locked


@records_refusals
def file_appeal(actor: Actor, rating: Rating, *, reason: str) -> Appeal:
    """The unit appeals against a bad rating it holds false (恶意差评); the commission decides."""
    user, standing = _monitor_standing(actor, rating.unit, "ratings.appeal", rating)
    if not rating.is_bad:
        raise ValidationError(_("Only a bad rating can be appealed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the grounds on which the rating is false.")})
    with transaction.atomic():
        if Appeal.objects.filter(rating=rating).exists():
            raise ValidationError(_("This rating has been appealed already."))
        appeal = Appeal.objects.create(rating=rating, unit=rating.unit, reason=reason.strip(), filed_by=user)
        append(
            actor.acting_as(standing),
            "ratings.appeal",
            appeal,
            changes={"state": (None, AppealState.FILED)},
            reason=reason.strip(),
            detail={"rating": rating.pk, "case": rating.case.number},
        )
    return appeal


@records_refusals
def decide_appeal(actor: Actor, appeal: Appeal, *, uphold: bool, reason: str) -> Appeal:
    """An inspector with jurisdiction over the unit decides; the unit itself never can."""
    user = actor.user
    standing = inspector_standing(user, appeal.unit) if user is not None else None
    if standing is None:
        raise Refused(
            _("Appeals against service ratings are decided by the discipline commission's inspectors."),
            action="ratings.decide_appeal",
            obj=appeal,
            unit_id=appeal.unit_id,
        )
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reasons for the decision.")})
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if locked.state != AppealState.FILED:
            raise ValidationError(_("This appeal has been decided already."))
        locked.state = AppealState.UPHELD if uphold else AppealState.REJECTED
        locked.decided_at, locked.decided_by, locked.decision_reason = timezone.now(), user, reason.strip()
        locked.save(update_fields=["state", "decided_at", "decided_by", "decision_reason"])
        cancelled: list[str] = []
        if uphold:
            # A false rating obliges nothing further: what is still open is cancelled.
            for model in (Callback, Rectification):
                if model.objects.filter(rating_id=locked.rating_id, state=TaskState.OPEN).update(
                    state=TaskState.CANCELLED
                ):
                    cancelled.append(model._meta.model_name or "")
        append(
            actor.acting_as(standing),
            "ratings.decide_appeal",
            locked,
            changes={"state": (AppealState.FILED, locked.state)},
            reason=reason.strip(),
            detail={"rating": locked.rating_id, "cancelled": cancelled},
        )
    return locked
