"""The time-limit sweep (S14): yellow cards before a due date, red cards after it.

No scan of open work. The cut-off is computed once with the working-day calendar — a yellow
card is due when `due_date <= add_workdays(today, N)` — and each rule is one range query on a
partial index that holds only open rows:

- steps: `cases_active_step_due` (due_date WHERE state = 'active');
- cases: `cases_open_due` (due_date WHERE state IN ('running', 'suspended')).

So a sweep reads only the rows inside the window (what is due soon or overdue), whatever the
number of open steps. What was already raised is skipped by an anti-join on the alarm's unique
dedupe key (`NOT EXISTS … dedupe_key = 'step-red:' || id`, one unique-index probe per row in
the window), and raising is `INSERT … ON CONFLICT (dedupe_key) DO NOTHING`: the unique key is
what makes the sweep idempotent and safe on several nodes. On PostgreSQL the candidates are
claimed with `FOR UPDATE SKIP LOCKED`, so two nodes split the window instead of queueing on
the same rows; on SQLite the IMMEDIATE transaction serialises writers anyway.

Which card for what:
- a case due within the window → one CASE_DUE_SOON; overdue → one CASE_OVERDUE (its unit: the owner);
- a step due within the window while its case is not → STEP_DUE_SOON; overdue while the case is
  not → STEP_OVERDUE (its unit: the step's);
- a township's step in another unit's case, overdue → TOWNSHIP_FORWARDED_LATE (whatever the
  case), instead of STEP_OVERDUE;
- suspended cases raise nothing (行政许可法 §45: the clock stands still).

A card is per step or case, not per due date: an extension that moves the due date does not
warn again. Each chunk commits on its own, so a stopped timer loses nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.alarms import conf
from sunlight.alarms.actions import AlarmSpec, raise_many
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel
from sunlight.calendars.workdays import add_workdays
from sunlight.cases.models import Case, CaseState, Step, StepState
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Organisation, OrgKind

CHUNK = 500
MAX_CHUNKS = 10_000  # a guard: the window is finite, this is never reached

STEP_SUBJECT = "cases.step"
CASE_SUBJECT = "cases.case"
TOWNSHIP_KINDS = (OrgKind.TOWNSHIP.value, OrgKind.SUBDISTRICT.value)


@dataclass(frozen=True)
class Rule:
    name: str
    kind: AlarmKind
    level: AlarmLevel
    prefix: str  # of the dedupe key: prefix + the step's or case's id
    on_steps: bool
    window: str  # SQL on the due date: the part of the partial index to read
    extra: str  # further SQL conditions
    message: Callable[[dict[str, Any]], str]


def _quote(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


# Township steps in another unit's case (the forwarded initial review).
_TOWNSHIP_STEP = f"u.kind IN ({_quote(TOWNSHIP_KINDS)}) AND c.owner_id <> s.unit_id"

RULES = (
    Rule(
        "case-red",
        AlarmKind.CASE_OVERDUE,
        AlarmLevel.RED,
        "case-red:",
        False,
        "c.due_date < %(today)s",
        "",
        lambda r: _("Case %(case)s was due on %(due)s and is not concluded.") % r,
    ),
    Rule(
        "case-yellow",
        AlarmKind.CASE_DUE_SOON,
        AlarmLevel.YELLOW,
        "case-yellow:",
        False,
        "c.due_date >= %(today)s AND c.due_date <= %(cutoff)s",
        "",
        lambda r: _("Case %(case)s is due on %(due)s.") % r,
    ),
    Rule(
        "township-late",
        AlarmKind.TOWNSHIP_FORWARDED_LATE,
        AlarmLevel.RED,
        "township-late:",
        True,
        "s.due_date < %(today)s",
        f"AND {_TOWNSHIP_STEP}",
        lambda r: (
            _("%(unit)s has not forwarded the initial review “%(step)s” of case %(case)s, due on %(due)s.")
            % r
        ),
    ),
    Rule(
        "step-red",
        AlarmKind.STEP_OVERDUE,
        AlarmLevel.RED,
        "step-red:",
        True,
        "s.due_date < %(today)s",
        f"AND c.due_date >= %(today)s AND NOT ({_TOWNSHIP_STEP})",
        lambda r: _("Step “%(step)s” of case %(case)s was due on %(due)s and is not done.") % r,
    ),
    Rule(
        "step-yellow",
        AlarmKind.STEP_DUE_SOON,
        AlarmLevel.YELLOW,
        "step-yellow:",
        True,
        "s.due_date >= %(today)s AND s.due_date <= %(cutoff)s",
        "AND c.due_date > %(cutoff)s",
        lambda r: _("Step “%(step)s” of case %(case)s is due on %(due)s.") % r,
    ),
)


def _sql(rule: Rule) -> str:
    alarms = Alarm._meta.db_table
    cases = Case._meta.db_table
    orgs = Organisation._meta.db_table
    # The key as the alarm stores it; CAST keeps the concatenation text on both databases.
    key = f"'{rule.prefix}' || CAST({'s' if rule.on_steps else 'c'}.id AS VARCHAR(20))"
    # Every piece below is a constant of this module or a table name: no input reaches the SQL.
    not_raised = f"NOT EXISTS (SELECT 1 FROM {alarms} a WHERE a.dedupe_key = {key})"  # noqa: S608
    if rule.on_steps:
        sql = (
            f"SELECT s.id, s.unit_id, u.code, u.name, c.number, s.name, s.due_date FROM {Step._meta.db_table} s "  # noqa: S608
            f"JOIN {cases} c ON c.id = s.case_id JOIN {orgs} u ON u.id = s.unit_id "
            # s.state = 'active' is the predicate of the partial index cases_active_step_due.
            f"WHERE s.state = '{StepState.ACTIVE}' AND {rule.window} AND c.state = '{CaseState.RUNNING}' "
            f"{rule.extra} AND {not_raised} ORDER BY s.due_date, s.id LIMIT %(chunk)s"
        )
        lock = " FOR UPDATE OF s SKIP LOCKED"
    else:
        sql = (
            f"SELECT c.id, c.owner_id, u.code, u.name, c.number, '', c.due_date FROM {cases} c "  # noqa: S608
            f"JOIN {orgs} u ON u.id = c.owner_id "
            # The IN (…) term repeats the predicate of the partial index cases_open_due word for
            # word: SQLite uses a partial index only when the query contains its predicate.
            f"WHERE c.state IN ('{CaseState.RUNNING}', '{CaseState.SUSPENDED}') AND c.state = '{CaseState.RUNNING}' "
            f"AND {rule.window} {rule.extra} AND {not_raised} ORDER BY c.due_date, c.id LIMIT %(chunk)s"
        )
        lock = " FOR UPDATE OF c SKIP LOCKED"
    if connection.vendor == "postgresql":
        sql += lock
    return sql


def _candidates(rule: Rule, today: dt.date, cutoff: dt.date) -> list[tuple[Any, ...]]:
    ops = connection.ops
    params = {
        "today": ops.adapt_datefield_value(today),
        "cutoff": ops.adapt_datefield_value(cutoff),
        "chunk": CHUNK,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(rule), params)
        return list(cursor.fetchall())


def _spec(rule: Rule, row: tuple[Any, ...]) -> AlarmSpec:
    pk, unit_id, unit_code, unit_name, number, step_name, due = row
    due_text = due.isoformat() if isinstance(due, dt.date) else str(due)
    values = {"case": number, "step": step_name, "due": due_text, "unit": unit_name}
    return AlarmSpec(
        kind=rule.kind,
        level=rule.level,
        message=rule.message(values),
        dedupe_key=f"{rule.prefix}{pk}",
        unit_id=unit_id,
        unit_code=unit_code,
        subject_type=STEP_SUBJECT if rule.on_steps else CASE_SUBJECT,
        subject_id=str(pk),
        detail={"case": number, "due_date": due_text, **({"step": step_name} if rule.on_steps else {})},
    )


def cutoff_for(today: dt.date) -> dt.date:
    """The last due date inside the warning window: N working days from today."""
    return add_workdays(today, conf.warning_workdays()).date


def sweep(today: dt.date | None = None) -> int:
    """Raise the time-limit alarms that are due and not yet raised; returns how many."""
    today = today or timezone.localdate()
    cutoff = cutoff_for(today)
    actor = Actor.system(Channel.TIMER)
    raised = 0
    for rule in RULES:
        for _chunk in range(MAX_CHUNKS):
            with transaction.atomic():
                rows = _candidates(rule, today, cutoff)
                raised += raise_many(actor, [_spec(rule, row) for row in rows], today=today)
            if len(rows) < CHUNK:
                break
    return raised
