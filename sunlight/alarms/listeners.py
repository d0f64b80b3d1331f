"""Alarms raised by other apps' events: refused attempts and failed ledger verifications."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sunlight.alarms.actions import raise_alarm
from sunlight.alarms.models import AlarmKind, AlarmLevel
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.orgs.models import Organisation

KIND_OF_REFUSAL = {"authority": AlarmKind.AUTHORITY_VIOLATION, "checkpoint": AlarmKind.CHECKPOINT_BLOCKED}


def on_refusal(actor: Actor, refusal: Refused, leaf: Leaf) -> None:
    unit = Organisation.objects.filter(pk=refusal.unit_id).first() if refusal.unit_id else None
    who = actor.user.full_name if actor.user else _("the system")
    raise_alarm(
        Actor.system(actor.channel),
        kind=KIND_OF_REFUSAL.get(refusal.kind, AlarmKind.AUTHORITY_VIOLATION),
        level=AlarmLevel.RED,
        message=_("%(who)s: %(message)s") % {"who": who, "message": refusal.message},
        dedupe_key=f"refused:{leaf.seq}",
        unit=unit,
        subject=refusal.obj,
        person=actor.user,
        detail={"attempted": refusal.action, "ledger_seq": leaf.seq},
    )


def on_ledger_failure(verification_id: int, summary: str) -> None:
    raise_alarm(
        Actor.system(),
        kind=AlarmKind.LEDGER_VERIFICATION_FAILED,
        level=AlarmLevel.SYSTEM,
        message=summary,
        dedupe_key=f"ledger-verification:{verification_id}",
        subject=("ledger.verification", verification_id),
    )
