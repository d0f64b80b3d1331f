"""Raising alarms. Idempotent: the same dedupe key never raises twice."""

from __future__ import annotations

import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.ledger.actions import append, object_ref
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Organisation

log = logging.getLogger("sunlight.alarms")


def raise_alarm(
    actor: Actor,
    *,
    kind: AlarmKind,
    level: AlarmLevel,
    message: str,
    dedupe_key: str,
    unit: Organisation | None = None,
    subject: Model | tuple[str, str | int] | None = None,
    person: User | None = None,
    detail: dict[str, Any] | None = None,
) -> tuple[Alarm, bool]:
    """Raise an alarm unless one with this key exists; returns (alarm, created)."""
    existing = Alarm.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing, False
    subject_type, subject_id = object_ref(subject) if subject is not None else ("", "")
    try:
        with transaction.atomic():
            alarm = Alarm.objects.create(
                kind=kind,
                level=level,
                message=message,
                dedupe_key=dedupe_key,
                unit=unit,
                subject_type=subject_type,
                subject_id=subject_id,
                person=person,
                detail=detail or {},
            )
            append(
                actor,
                "alarms.raise",
                alarm,
                changes={
                    "kind": (None, kind),
                    "level": (None, level),
                    "unit": (None, unit.code if unit else None),
                },
                detail={"subject": f"{subject_type}:{subject_id}", "message": message},
            )
    except IntegrityError:
        # Raised a moment ago by another process (the unique key decides): not an error.
        return Alarm.objects.get(dedupe_key=dedupe_key), False
    if level == AlarmLevel.SYSTEM:
        log.error("system alarm: %s", message)
    return alarm, True
