"""Builders for the assessment tests: units with a window and a monitoring centre, a one-step
process per unit, and the records the indicators count, all through the other apps' actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from sunlight.accounts.models import User
from sunlight.alarms import actions as alarm_actions
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.assessments import actions
from sunlight.cases import actions as case_actions
from sunlight.cases.models import Case
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Organisation, PostKind
from sunlight.processes import actions as process_actions
from sunlight.processes.models import ProcessDefinition
from sunlight.ratings import actions as rating_actions
from sunlight.ratings.models import ContactKind, Rating
from sunlight.test import assign, make_person, make_post, make_unit, system

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> Any:
    """Freeze the clock at `day` (YYYY-MM-DD), `hour` o'clock in Changsha."""
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI), tick=False)


def one_step(abbr: str, limit: int = 5, power: str = "") -> ProcessDefinition:
    """A process of the unit `abbr` with one step at its window, whose limit is the case's."""
    document: dict[str, Any] = {
        "schema": "sunlight-process/1",
        "code": f"{abbr}-ONE",
        "name": "一步办结",
        "owner": abbr,
        "total_limit": limit,
        "stages": [{"id": "intake", "name": "受理"}],
        "nodes": [
            {"id": "start", "type": "start"},
            {
                "id": "accept",
                "type": "task",
                "stage": "intake",
                "name": "受理并办结",
                "limit": limit,
                "post": {"org": "owner", "kind": "clerk"},
            },
            {"id": "approved", "type": "end", "outcome": "approved"},
        ],
        "flows": [{"from": "start", "to": "accept"}, {"from": "accept", "to": "approved"}],
    }
    if power:
        document["power"] = power
    draft = process_actions.save_draft(system(), document)
    return process_actions.publish(system(), draft)


def staff_unit(name: str, abbr: str) -> tuple[Organisation, User, User]:
    """A unit of the demo district with a window clerk and a monitoring centre: (unit, clerk, monitor)."""
    unit = make_unit(name)
    clerk = make_person(f"{abbr.lower()}-clerk", "周建")
    monitor = make_person(f"{abbr.lower()}-monitor", "吴敏")
    assign(clerk, make_post(unit, PostKind.CLERK, f"{abbr}-CK01", "窗口受理岗"))
    assign(monitor, make_post(unit, PostKind.MONITOR, f"{abbr}-MC01", "监管员"))
    return unit, clerk, monitor


def add_monitor(unit: Organisation, abbr: str) -> User:
    monitor = make_person(f"{abbr.lower()}-monitor", "吴敏")
    assign(monitor, make_post(unit, PostKind.MONITOR, f"{abbr}-MC01", "监管员"))
    return monitor


def start(clerk: User, definition: ProcessDefinition, day: str, subject: str = "申请") -> tuple[Case, str]:
    with at(day, 9):
        return case_actions.start_case(
            Actor.of(clerk),
            definition=definition,
            subject=subject,
            applicant=case_actions.ApplicantData(
                kind="person", name="张建华", id_number="430122198801011234", phone="13807310099"
            ),
            acknowledged_risks=[],
            acknowledged=True,
        )


def finish(clerk: User, case: Case, day: str) -> Case:
    with at(day, 11):
        case_actions.complete_step(Actor.of(clerk), case.steps.get(node_id="accept"), values={})
    case.refresh_from_db()
    return case


def rate(case: Case, code: str, grade: int, day: str) -> Rating:
    with at(day, 15):
        return rating_actions.rate(
            Actor.system(Channel.PORTAL),
            case,
            code=code,
            grade=grade,
            comment="" if grade > 2 else "办事拖拉",
        )


def rectify(monitor: User, rating: Rating, day: str) -> None:
    with at(day, 10):
        rating_actions.record_contact(
            Actor.of(monitor),
            rating,
            kind=ContactKind.PHONE,
            occurred_at=dt.datetime.fromisoformat(day).replace(hour=9, tzinfo=SHANGHAI),
            note="致歉并说明整改安排",
        )
        rating_actions.complete_rectification(Actor.of(monitor), rating.rectification, measures="已整改")


def red_alarm(unit: Organisation, day: str, key: str, case: Case | None = None) -> Alarm:
    with at(day, 8):
        alarm, _created = alarm_actions.raise_alarm(
            Actor.system(),
            kind=AlarmKind.CASE_OVERDUE,
            level=AlarmLevel.RED,
            message=f"办件超期：{key}",
            dedupe_key=f"test:{key}",
            unit=unit,
            subject=case,
        )
    return alarm


def explain(monitor: User, alarm: Alarm, day: str) -> None:
    with at(day, 16):
        alarm_actions.explain(Actor.of(monitor), alarm, text="系统故障导致超期，已补办")


def register(numbers: list[str]) -> bytes:
    """A paper archive register (档案号 = case number) as CSV."""
    return ("档案号\n" + "\n".join(numbers) + "\n").encode("utf-8")


def scheme(admin: User, year: int, rules: dict[str, tuple[int, int, int]]) -> None:
    actions.configure_scheme(
        Actor.of(admin),
        year=year,
        rules={k: actions.RuleData(*v) for k, v in rules.items()},
        reason="测试方案",
    )
