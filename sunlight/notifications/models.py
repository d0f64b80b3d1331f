"""Messages to staff (消息): the in-app inbox, daily digests, and notices (通知) from the commission."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ALARM = "alarm", _("Alarm")
    ALARM_STAGE = "alarm_stage", _("Alarm disposal")
    ESCALATION = "escalation", _("Escalation")
    NOTICE = "notice", _("Notice from the commission")
    OTHER = "other", _("Other")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def of(self, user_id: int) -> NotificationQuerySet:
        return self.filter(recipient_id=user_id)

    def created_between(self, start: dt.datetime, end: dt.datetime) -> NotificationQuerySet:
        return self.filter(created_at__gte=start, created_at__lt=end)


class Notification(models.Model):
    """A message in a person's inbox (站内消息)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notifications_inbox"),
            # The unread count in every page's header: a count over this small index.
            models.Index(
                fields=["recipient"], name="notifications_unread", condition=Q(read_at__isnull=True)
            ),
            # The daily digest reads one day's unread messages.
            models.Index(
                fields=["created_at"], name="notifications_digest", condition=Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DigestSent(models.Model):
    """The daily digest (每日摘要) sent to one person for one day: the unique row is the claim."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    items = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="notifications_digest_once")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day}"


class Notice(models.Model):
    """A notice (通知) from the discipline commission to units, with read receipts."""

    issuer = models.ForeignKey(
        "orgs.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("from")
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    units = models.ManyToManyField("orgs.Organisation", related_name="+", verbose_name=_("to the units"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class NoticeReceiptQuerySet(models.QuerySet["NoticeReceipt"]):
    def unread(self) -> NoticeReceiptQuerySet:
        return self.filter(read_at__isnull=True)


class NoticeReceipt(models.Model):
    """A notice to one person of a unit (its head, its monitoring centre), and when they read it."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="receipts")
    unit = models.ForeignKey("orgs.Organisation", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NoticeReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        ordering = ["unit__sort", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "recipient"], name="notifications_receipt_once")
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.recipient_id}"
