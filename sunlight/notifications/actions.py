"""Telling people: inbox messages, e-mail, text messages, and the commission's notices.

Inbox messages are a consequence of an action that is already in the ledger (an alarm raised,
a letter issued), so creating or reading them writes no leaf of its own. Notices are the
commission's own act and their read receipts are evidence: both are in the ledger.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.notifications import sms
from sunlight.notifications.models import Notice, NoticeReceipt, Notification, NotificationKind
from sunlight.orgs import authority
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import Assignment, Organisation, PostKind

log = logging.getLogger("sunlight.notifications")

# Who receives a notice in each unit: its head and its monitoring centre.
NOTICE_POST_KINDS = (PostKind.HEAD, PostKind.MONITOR)


def _send_email(addresses: list[str], subject: str, body: str) -> None:
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, addresses, fail_silently=False)
    except Exception:  # a mail server being down must not undo the action that notified
        log.exception("could not send e-mail to %d recipients", len(addresses))


def _send_sms(numbers: list[str], text: str) -> None:
    sender = sms.sender()
    for number in numbers:
        try:
            sender.send(number, text)
        except Exception:
            log.exception("could not send a text message to %s", sms.mask(number))


def notify(
    recipients: Iterable[User],
    *,
    kind: NotificationKind,
    title: str,
    body: str = "",
    link: str = "",
    email: bool = False,
    text_message: bool = False,
) -> list[Notification]:
    """Put a message in each recipient's inbox; e-mail and SMS go out after the commit."""
    people = {user.pk: user for user in recipients if user.is_active}
    if not people:
        return []
    now = timezone.now()
    created = Notification.objects.bulk_create(
        [
            Notification(recipient_id=pk, kind=kind, title=title[:200], body=body, link=link, created_at=now)
            for pk in people
        ]
    )
    if email:
        addresses = sorted({u.email for u in people.values() if u.email})
        if addresses:
            message = body + (f"\n\n{settings.SITE_ROOT}{link}" if link else "")
            transaction.on_commit(functools.partial(_send_email, addresses, title, message))
    if text_message:
        numbers = sorted({u.phone for u in people.values() if u.phone})
        if numbers:
            transaction.on_commit(functools.partial(_send_sms, numbers, f"【阳光】{title}"))
    return created


def mark_read(user: User, notification: Notification) -> Notification:
    if notification.recipient_id != user.pk:
        raise ValidationError(_("This message is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(user: User) -> int:
    return Notification.objects.of(user.pk).unread().update(read_at=timezone.now())


def _inspector_standing(actor: Actor, action: str) -> Standing:
    user = actor.user
    assignment = (
        Assignment.objects.current()
        .filter(person=user, post__kind=PostKind.INSPECTOR, post__is_active=True)
        .select_related("post__organisation__unit")
        .first()
        if user is not None
        else None
    )
    if assignment is None:
        raise Refused(
            _("Notices are sent by the commission's inspectors."),
            action=action,
            obj=("notifications.notice", 0),
        )
    return Standing(post=assignment.post, assignment=assignment)


@records_refusals
def send_notice(actor: Actor, *, title: str, body: str, units: Iterable[Organisation]) -> Notice:
    """A notice from the commission to units; their heads and monitoring centres receive it."""
    standing = _inspector_standing(actor, "notifications.send_notice")
    assert actor.user is not None
    chosen = list({u.pk: u for u in units}.values())
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Give the notice a title.")
    if not body.strip():
        errors["body"] = _("Write the notice.")
    if not chosen:
        errors["units"] = _("Choose at least one unit.")
    supervised = authority.supervised_unit_ids(actor.user)
    if supervised is not None and any(u.pk not in supervised for u in chosen):
        errors["units"] = _("You may send notices only to the units you supervise.")
    if errors:
        raise ValidationError(errors)
    issuer = standing.post.organisation.unit or standing.post.organisation
    holders = list(
        Assignment.objects.current()
        .filter(post__organisation__unit__in=chosen, post__kind__in=NOTICE_POST_KINDS, post__is_active=True)
        .select_related("person", "post__organisation")
        .order_by("pk")
    )
    with transaction.atomic():
        notice = Notice.objects.create(
            issuer=issuer, title=title.strip(), body=body.strip(), sent_by=actor.user
        )
        notice.units.set(chosen)
        receipts: dict[int, NoticeReceipt] = {}
        for held in holders:
            unit_id = held.post.organisation.unit_id
            if held.person_id not in receipts and unit_id is not None:
                receipts[held.person_id] = NoticeReceipt(
                    notice=notice, unit_id=unit_id, recipient_id=held.person_id
                )
        NoticeReceipt.objects.bulk_create(receipts.values())
        notify(
            [h.person for h in holders],
            kind=NotificationKind.NOTICE,
            title=notice.title,
            body=notice.body[:500],
            link=reverse("notifications:notice", args=[notice.pk]),
            email=True,
        )
        append(
            actor.acting_as(standing),
            "notifications.send_notice",
            notice,
            changes={"title": (None, notice.title)},
            detail={"units": [u.code for u in chosen], "recipients": len(receipts)},
        )
    return notice


def read_notice(actor: Actor, notice: Notice) -> NoticeReceipt | None:
    """Record the first reading of a notice by one of its recipients (the read receipt)."""
    if actor.user is None:
        return None
    receipt = NoticeReceipt.objects.filter(notice=notice, recipient=actor.user).first()
    if receipt is None or receipt.read_at is not None:
        return receipt
    with transaction.atomic():
        now = timezone.now()
        # Conditional: two tabs opening the notice at once record one reading.
        if NoticeReceipt.objects.filter(pk=receipt.pk, read_at__isnull=True).update(read_at=now):
            receipt.read_at = now
            append(actor, "notifications.read_notice", notice, detail={"unit": receipt.unit_id})
    return receipt
