"""The enforcement timer: unfinished uploads nobody touched for EVIDENCE_UPLOAD_EXPIRY_HOURS are
discarded and their chunks deleted (idempotent: a discarded upload is skipped)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from sunlight.enforcement import actions, conf
from sunlight.enforcement.models import Upload, UploadState
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.lib.timers import register

BATCH = 100


@register("enforcement.expire_uploads")
def expire_uploads() -> int:
    cutoff = timezone.now() - dt.timedelta(hours=conf.upload_expiry_hours())
    # Through the partial index enforcement_upload_open; each upload in its own transaction.
    stale = list(
        Upload.objects.filter(state=UploadState.OPEN, touched_at__lt=cutoff).order_by("touched_at")[:BATCH]
    )
    for upload in stale:
        actions.expire_upload(Actor.system(Channel.TIMER), upload)
    return len(stale)
