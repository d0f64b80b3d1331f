"""An alarm's disposal (报警处置, S17/S23) as an explicit transition table, and who may take each step.

    raised ──explain──▶ explained ──verify──▶ verified ──dismiss──▶ dismissed
       └──────────verify──────────┘              ├──letter──▶ letter ─┐
                                                 └──accountability──▶ accountability ──rectify──▶ rectified ──close──▶ closed
                                                  (also from letter)                                (from letter too)

The unit's monitoring centre explains and reports the rectification; an inspector whose
jurisdiction includes the unit verifies, decides (dismiss, recommendation letter,
accountability) and closes. Each stage has a deadline in working days; the escalation timer
acts on a missed one. Off-system handling (体外循环), once verified, leads to accountability of
the person directly responsible and the leader in charge (S17): no mere letter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.alarms import conf
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel, AlarmState, Transition
from sunlight.calendars.workdays import add_workdays
from sunlight.orgs.authority import Standing, standing_among
from sunlight.orgs.models import Assignment, Post, PostKind


class Party(StrEnum):
    MONITOR = "monitor"  # the alarm's unit's monitoring centre
    INSPECTOR = "inspector"  # an inspector whose jurisdiction includes the unit


@dataclass(frozen=True)
class Rule:
    sources: tuple[AlarmState, ...]
    target: AlarmState
    party: Party
    # Working days the next stage has (None: no deadline, the alarm is finished or waits on nobody).
    next_stage_days: Callable[[], int] | None
    text_required: bool = True


TRANSITIONS: dict[Transition, Rule] = {
    Transition.EXPLAIN: Rule((AlarmState.RAISED,), AlarmState.EXPLAINED, Party.MONITOR, conf.verify_workdays),
    Transition.VERIFY: Rule(
        (AlarmState.RAISED, AlarmState.EXPLAINED), AlarmState.VERIFIED, Party.INSPECTOR, conf.verify_workdays
    ),
    Transition.DISMISS: Rule((AlarmState.VERIFIED,), AlarmState.DISMISSED, Party.INSPECTOR, None),
    Transition.LETTER: Rule(
        (AlarmState.VERIFIED,), AlarmState.LETTER, Party.INSPECTOR, conf.rectify_workdays
    ),
    Transition.ACCOUNTABILITY: Rule(
        (AlarmState.VERIFIED, AlarmState.LETTER),
        AlarmState.ACCOUNTABILITY,
        Party.INSPECTOR,
        conf.rectify_workdays,
    ),
    Transition.RECTIFY: Rule(
        (AlarmState.LETTER, AlarmState.ACCOUNTABILITY),
        AlarmState.RECTIFIED,
        Party.MONITOR,
        conf.verify_workdays,
    ),
    Transition.CLOSE: Rule(
        (AlarmState.RECTIFIED,), AlarmState.CLOSED, Party.INSPECTOR, None, text_required=False
    ),
}


def allowed(alarm: Alarm, transition: Transition) -> bool:
    """Whether the table allows `transition` from the alarm's state (not who may take it)."""
    rule = TRANSITIONS[transition]
    if alarm.state not in rule.sources:
        return False
    if transition == Transition.LETTER and alarm.kind == AlarmKind.OFF_SYSTEM:
        return False  # S17: verified off-system handling is answered with accountability
    # A system alarm has no unit to explain or rectify.
    return not (rule.party == Party.MONITOR and alarm.unit_id is None)


def first_stage_due(level: str, unit_id: int | None, today: dt.date | None = None) -> dt.date | None:
    """The unit explains a red alarm within the explain deadline; warnings and system alarms wait on no one."""
    if level != AlarmLevel.RED or unit_id is None:
        return None
    return add_workdays(today or timezone.localdate(), conf.explain_workdays()).date


def next_stage_due(transition: Transition, today: dt.date | None = None) -> dt.date | None:
    days = TRANSITIONS[transition].next_stage_days
    if days is None:
        return None
    return add_workdays(today or timezone.localdate(), days()).date


def stage_workdays(state: str) -> int:
    """The length of the stage an alarm in `state` is in (for moving a missed deadline on)."""
    if state == AlarmState.RAISED:
        return conf.explain_workdays()
    if state in (AlarmState.LETTER, AlarmState.ACCOUNTABILITY):
        return conf.rectify_workdays()
    return conf.verify_workdays()


def restaged_due(state: str, today: dt.date) -> dt.date:
    """A missed stage's new deadline: the stage's length again, from today."""
    return add_workdays(today, stage_workdays(state)).date


def monitor_standing(user: User | None, alarm: Alarm) -> Standing | None:
    if user is None or alarm.unit_id is None:
        return None
    posts = Post.objects.active().filter(kind=PostKind.MONITOR, organisation__unit_id=alarm.unit_id)
    return standing_among(user, list(posts.values_list("pk", flat=True)))


def inspector_standing(user: User | None, unit_id: int | None) -> Standing | None:
    """The inspector post through which `user` supervises the unit (None for unit-less alarms:
    only inspectors of the whole district handle those)."""
    if user is None or not user.is_active:
        return None
    assignments = (
        Assignment.objects.current()
        .filter(person=user, post__kind=PostKind.INSPECTOR, post__is_active=True)
        .select_related("post__organisation__unit")
        .prefetch_related("post__jurisdiction")
    )
    for assignment in assignments:
        units = {org.unit_id for org in assignment.post.jurisdiction.all()}
        if not units or (unit_id is not None and unit_id in units):
            return Standing(post=assignment.post, assignment=assignment)
    return None


def standing_for(user: User | None, alarm: Alarm, transition: Transition) -> Standing | None:
    party = TRANSITIONS[transition].party
    if party == Party.MONITOR:
        return monitor_standing(user, alarm)
    return inspector_standing(user, alarm.unit_id)


def available(user: User | None, alarm: Alarm) -> list[Transition]:
    """The steps this person may take on the alarm now (for showing the right forms)."""
    steps: list[Transition] = []
    monitor: Standing | bool | None = False
    inspector: Standing | bool | None = False
    for transition, rule in TRANSITIONS.items():
        if not allowed(alarm, transition):
            continue
        if rule.party == Party.MONITOR:
            if monitor is False:
                monitor = monitor_standing(user, alarm)
            if monitor:
                steps.append(transition)
        else:
            if inspector is False:
                inspector = inspector_standing(user, alarm.unit_id)
            if inspector:
                steps.append(transition)
    return steps
