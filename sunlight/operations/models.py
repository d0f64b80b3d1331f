"""What operators watch: when each timer handler last ran, and how it went."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimerRun(models.Model):
    """The last round of one timer handler (one row per handler, updated every round)."""

    name = models.CharField(max_length=64, unique=True)
    last_started = models.DateTimeField()
    last_finished = models.DateTimeField(null=True)
    last_count = models.IntegerField(default=0)
    last_failed = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("timer run")
        verbose_name_plural = _("timer runs")

    def __str__(self) -> str:
        return self.name
