"""What the public portal keeps: only recent failed look-ups, for throttling (限流)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ThrottleScope(models.TextChoices):
    CASE_QUERY = "case_query", _("Case query")
    REPORT_RECEIPT = "report_receipt", _("Report receipt")


class FailedLookup(models.Model):
    """A failed look-up (查询失败) by one client, kept for the throttle window only.

    `client` is a keyed hash of the client address and the day, never the address itself; rows
    older than the window are deleted on the next look-up, so the table holds a minute of data.
    """

    scope = models.CharField(max_length=20, choices=ThrottleScope.choices)
    client = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            # Counting one client's failures in the window, and pruning everything older.
            models.Index(fields=["scope", "client", "at"], name="portal_failed_client"),
            models.Index(fields=["at"], name="portal_failed_at"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.client[:8]}… {self.at:%H:%M:%S}"
