"""Demo alarms: the timers run over the demo cases, and a few red alarms go through their disposal
with the demo's real people (the units' monitoring centres, the commission's inspector JW-IN04)."""

from __future__ import annotations

from contextlib import suppress

from django.core.exceptions import ValidationError

from sunlight.accounts.models import User
from sunlight.alarms import actions, follower, sweep
from sunlight.alarms.models import TIME_LIMIT_KINDS, Alarm, AlarmEvent, AlarmLevel, AlarmState
from sunlight.alarms.timers import run_notifications
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.orgs.models import LEADER_POST_KINDS, Assignment, PostKind

DESCRIPTION = (
    "alarms over the demo cases, a few taken through explanation, verification, a letter and accountability"
)
INSPECTOR_POST = "JW-IN04"  # the conduct office's inspector: the whole district


def is_loaded() -> bool:
    return AlarmEvent.objects.exists()


def _holder(post_code: str) -> User | None:
    held = Assignment.objects.current().filter(post__code=post_code).select_related("person").first()
    return held.person if held else None


def _monitor(unit_id: int) -> User | None:
    held = (
        Assignment.objects.current()
        .filter(post__organisation__unit_id=unit_id, post__kind=PostKind.MONITOR)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return held.person if held else None


def _accountable(unit_id: int) -> tuple[Assignment | None, Assignment | None]:
    staff = Assignment.objects.current().filter(post__organisation__unit_id=unit_id).order_by("pk")
    return (
        staff.filter(post__kind=PostKind.CLERK).first(),
        staff.filter(post__kind__in=LEADER_POST_KINDS).order_by("post__kind", "pk").first(),
    )


def load() -> None:
    sweep.sweep()
    while follower.follow():
        pass
    inspector = _holder(INSPECTOR_POST)
    if inspector is None:
        return
    candidates = Alarm.objects.filter(level=AlarmLevel.RED, state=AlarmState.RAISED, unit__isnull=False)
    # Overdue work first (what letters are usually about), one alarm per unit, then any others.
    ordered = list(candidates.filter(kind__in=TIME_LIMIT_KINDS).order_by("raised_at", "pk")[:200])
    ordered += list(candidates.exclude(kind__in=TIME_LIMIT_KINDS).order_by("raised_at", "pk")[:50])
    chosen: list[Alarm] = []
    seen: set[int | None] = set()
    for alarm in ordered:
        if alarm.unit_id not in seen and alarm.unit_id is not None and _monitor(alarm.unit_id) is not None:
            seen.add(alarm.unit_id)
            chosen.append(alarm)
    chosen = chosen[:5]
    judge = Actor.of(inspector)
    for n, alarm in enumerate(chosen):
        assert alarm.unit_id is not None
        unit_monitor = _monitor(alarm.unit_id)
        assert unit_monitor is not None
        unit = Actor.of(unit_monitor)
        with suppress(ValidationError, Refused):
            actions.explain(
                unit, alarm, text="经核实，该件因承办人员外出培训、AB岗未及时补位导致超期，已督促办理。"
            )
            if n == 0:
                continue
            actions.verify(judge, alarm, text="经网上核查，超期情况属实，系内部衔接不畅所致。")
            if n == 1:
                continue
            if n == 3:
                responsible, leader = _accountable(alarm.unit_id)
                actions.start_accountability(
                    judge,
                    alarm,
                    responsible=responsible,
                    leader=leader,
                    text="同类问题反复发生，督促整改不力。",
                )
                continue
            actions.issue_letter(
                judge,
                alarm,
                text="一、严格落实AB岗制度；二、对超期办件逐件说明原因；三、建立限时办结提醒机制。",
            )
            if n == 4:
                actions.rectify(unit, alarm, text="已修订AB岗制度并在全局通报，相关人员已作书面检查。")
                actions.close(judge, alarm, text="整改到位，予以办结。")
    while run_notifications():
        pass
