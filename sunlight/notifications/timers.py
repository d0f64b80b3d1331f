"""The daily digest (每日摘要): once a day, each person with unread messages gets one e-mail.

Idempotent per person and day: the `DigestSent` row (unique on person and day) is inserted
before the e-mail is queued, in the same transaction, so of two timer nodes exactly one sends.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.lib.env import envint
from sunlight.lib.timers import register
from sunlight.notifications.actions import _send_email
from sunlight.notifications.models import DigestSent, Notification

BATCH = 200


def digest_hour() -> int:
    """NOTIFICATIONS_DIGEST_HOUR: the local hour (0–23) after which the day's digest goes out."""
    value = getattr(settings, "NOTIFICATIONS_DIGEST_HOUR", None)
    hour = envint("NOTIFICATIONS_DIGEST_HOUR", 8, minimum=0) if value is None else int(value)
    return min(hour, 23)


def window(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The 24 hours a day's digest covers: from yesterday's digest hour to today's."""
    end = timezone.make_aware(dt.datetime.combine(day, dt.time(digest_hour())))
    return end - dt.timedelta(days=1), end


def _body(user: User, items: list[Notification]) -> str:
    lines = [_("Unread messages for %(name)s:") % {"name": user.full_name or user.username}, ""]
    for item in items[:50]:
        link = f" {settings.SITE_ROOT}{item.link}" if item.link else ""
        lines.append(f"- {timezone.localtime(item.created_at):%m-%d %H:%M} {item.title}{link}")
    if len(items) > 50:
        lines.append(_("… and %(n)d more.") % {"n": len(items) - 50})
    return "\n".join(lines)


@register("notifications.digest")
def run_digests() -> int:
    return send_digests()


def send_digests(now: dt.datetime | None = None) -> int:
    """Send the day's digests once the digest hour has passed; returns how many were sent."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    start, end = window(day)
    if now < end:
        return 0
    sent_today = DigestSent.objects.filter(day=day).values("recipient_id")
    pending = (
        Notification.objects.unread()
        .created_between(start, end)
        .exclude(recipient_id__in=sent_today)
        .exclude(recipient__email="")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for user in User.objects.filter(pk__in=list(pending[:BATCH]), is_active=True):
        items = list(
            Notification.objects.of(user.pk).unread().created_between(start, end).order_by("created_at")
        )
        if not items:
            continue
        try:
            with transaction.atomic():
                DigestSent.objects.create(recipient=user, day=day, items=len(items))
                subject = _("Sunlight: %(n)d unread messages") % {"n": len(items)}
                body = _body(user, items)
                address = user.email
                transaction.on_commit(functools.partial(_send_email, [address], subject, body))
        except IntegrityError:
            continue  # another node sent this person's digest a moment ago
        sent += 1
    return sent
