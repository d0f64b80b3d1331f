"""The ledger's timers: sign checkpoints when due, verify the whole ledger on a schedule."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone

from sunlight.ledger import checkpoints, verification
from sunlight.ledger.models import Verification
from sunlight.lib.timers import register

log = logging.getLogger("sunlight.ledger")


@register("ledger.checkpoint")
def sign_checkpoint() -> int:
    return 1 if checkpoints.make_checkpoint() is not None else 0


def verification_due() -> bool:
    last = Verification.objects.order_by("-started_at").first()
    if last is None:
        return True
    return (timezone.now() - last.started_at).total_seconds() >= settings.LEDGER_VERIFY_SECONDS


@register("ledger.verify")
def verify_on_schedule() -> int:
    if not verification_due():
        return 0
    started = timezone.now()
    report = verification.verify_ledger()
    verification.record(report, started)
    return 1
