"""Processes and places for the alarm tests, on the shared personas' district."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from sunlight.accounts.models import User
from sunlight.cases.tests.factories import document, published
from sunlight.orgs.models import Organisation, PostKind
from sunlight.processes.models import ProcessDefinition
from sunlight.test import assign, make_office, make_person, make_post, make_unit

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> Any:
    """Freeze the clock at `day` (YYYY-MM-DD), `hour` o'clock in Changsha."""
    return time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=SHANGHAI), tick=False)


def one_step(limit: int = 5) -> ProcessDefinition:
    """A process of one step whose limit is the case's: the step is due when the case is."""
    return published(
        document(
            code="CZJ-ONE",
            total_limit=limit,
            nodes=[
                {"id": "start", "type": "start"},
                {
                    "id": "accept",
                    "type": "task",
                    "stage": "intake",
                    "name": "窗口受理",
                    "limit": limit,
                    "post": {"org": "owner", "kind": "clerk", "office": "行政审批股"},
                },
                {"id": "approved", "type": "end", "outcome": "approved"},
            ],
            flows=[{"from": "start", "to": "accept"}, {"from": "accept", "to": "approved"}],
        )
    )


def township_process() -> ProcessDefinition:
    """Accepted at a township window (1 working day), then reviewed by the finance bureau."""
    return published(
        document(
            code="CZJ-TOWN",
            intake="township",
            total_limit=10,
            nodes=[
                {"id": "start", "type": "start"},
                {
                    "id": "accept",
                    "type": "task",
                    "stage": "intake",
                    "name": "镇（街道）初审",
                    "limit": 1,
                    "post": {"org": "intake", "kind": "clerk", "office": "便民服务中心"},
                },
                {
                    "id": "review",
                    "type": "task",
                    "stage": "review",
                    "name": "股长审查",
                    "limit": 3,
                    "post": {"org": "owner", "kind": "section_chief", "office": "行政审批股"},
                },
                {"id": "approved", "type": "end", "outcome": "approved"},
            ],
            flows=[
                {"from": "start", "to": "accept"},
                {"from": "accept", "to": "review"},
                {"from": "review", "to": "approved"},
            ],
        )
    )


def make_township(target: Any) -> None:
    """桥驿镇 with a window clerk (target.township, target.township_clerk)."""
    township: Organisation = make_unit("桥驿镇")
    desk = make_office(township, "便民服务中心")
    clerk: User = make_person("qyz01", "曾磊")
    assign(clerk, make_post(desk, PostKind.CLERK, "QYZ-CK01", "窗口受理岗"))
    target.township, target.township_clerk = township, clerk
