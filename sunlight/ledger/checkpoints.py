"""Signed checkpoints (签名检查点): the tree's size and root, signed every N leaves or T seconds.

A checkpoint commits the server to everything before it: once signed and published, changing
any earlier leaf changes the root and the signature no longer matches.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sunlight.ledger import merkle
from sunlight.ledger.actions import size as ledger_size
from sunlight.ledger.keys import signing_key
from sunlight.ledger.models import Checkpoint
from sunlight.ledger.tree import DbNodeStore


def latest() -> Checkpoint | None:
    return Checkpoint.objects.order_by("-size").first()


def signed_time(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def is_due(size: int, last: Checkpoint | None, now: dt.datetime) -> bool:
    if size == 0 or (last is not None and last.size >= size):
        return False
    if last is None or size - last.size >= settings.LEDGER_CHECKPOINT_LEAVES:
        return True
    signed = dt.datetime.fromisoformat(last.signed_at.replace("Z", "+00:00"))
    return (now - signed).total_seconds() >= settings.LEDGER_CHECKPOINT_SECONDS


def make_checkpoint(*, force: bool = False) -> Checkpoint | None:
    """Sign the current tree if a checkpoint is due (or `force`d and the tree has grown)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            # Appends hold this lock while they write; taking it here means the size we read
            # has all its nodes committed.
            size = ledger_size(lock=True)
            last = latest()
            if size == 0 or (last is not None and last.size >= size):
                return None
            if not force and not is_due(size, last, now):
                return None
            root_hex = merkle.root(DbNodeStore(), size).hex()
            signed_at = signed_time(now)
            key = signing_key()
            message = merkle.checkpoint_message(settings.LEDGER_ORIGIN, size, root_hex, signed_at)
            return Checkpoint.objects.create(
                size=size,
                root=root_hex,
                signed_at=signed_at,
                origin=settings.LEDGER_ORIGIN,
                suite=key.suite,
                key_id=key.key_id,
                signature=base64.b64encode(key.sign(message)).decode("ascii"),
            )
    except IntegrityError:
        # Another runtimers process signed the same size a moment ago: nothing to do.
        return None


def covering(seq: int) -> Checkpoint:
    """The latest checkpoint if it includes leaf `seq`; otherwise a new one, signed now."""
    last = latest()
    if last is not None and last.size > seq:
        return last
    make_checkpoint(force=True)
    last = latest()
    if last is None or last.size <= seq:
        raise LookupError(f"no checkpoint covers leaf {seq}")
    return last
