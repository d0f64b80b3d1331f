"""The API's answer to a case query (办件查询, S7), read in one statement.

Kiosks and other front ends ask this endpoint more than anything else in the portal. Through the
ORM one answer took three queries (the throttle's read, the case with its power, unit, applicant
and result, its steps), and compiling them cost more than running them. Here one hand-written
statement reads all of it and the answer is built straight from its rows; the checks are those
of `lookup.find_case`, in the same order. The tests compare the answer with the ORM reading.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import weakref
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from sunlight.cases.actions import code_opens
from sunlight.cases.models import Applicant, CaseState, StepState
from sunlight.lib import rows as statements
from sunlight.portal import throttle
from sunlight.portal.models import ThrottleScope

# The throttle's read of the client's failures as a one-row table, the case by its unique number
# with what the answer shows of its power, unit, applicant and result document, and its steps,
# one row each (a case without steps still gives one row, with no step).
ANSWER_SQL = f"""
SELECT t.failures, t.oldest, c.number, c.query_code_digest,
       d.name, d.power_code, o.name, a.kind, a.name,
       c.state, c.started_at, c.due_date, c.due_provisional, c.completed_at, r.number,
       s.stage_name, s.name, s.state, s.due_date, s.completed_at
FROM ({throttle.RECENT_FAILURES_SQL}) t
LEFT JOIN cases_case c ON c.number = %s
LEFT JOIN processes_processdefinition d ON d.id = c.definition_id
LEFT JOIN orgs_organisation o ON o.id = c.owner_id
LEFT JOIN cases_applicant a ON a.id = c.applicant_id
LEFT JOIN documents_document r ON r.id = c.result_document_id
LEFT JOIN cases_step s ON s.case_id = c.id AND s.state <> %s
ORDER BY s.activated_at, s.id
"""  # noqa: S608 (the one interpolation is the throttle's constant SQL; values are parameters)

_STATE_LABELS = dict(CaseState.choices)


def find_answer(request: HttpRequest, number: str, code: str) -> dict[str, Any] | None:
    """The answer (api.CaseProgressOut's shape) when number and code match; None otherwise.

    As `lookup.find_case`: refused while the client is throttled, the code compared in constant
    time, the digest computed for an unknown number too, and a failure recorded for a wrong
    pair. Raises throttle.Throttled.
    """
    scope = ThrottleScope.CASE_QUERY
    key = throttle.client_key(request, scope)
    now = timezone.now()
    rows = _read(
        [*throttle.recent_failures_params(scope, key, now), number.strip().upper(), StepState.CANCELLED.value]
    )
    failures, oldest, found, digest = rows[0][:4]
    throttle.refuse_when_over(failures, oldest, now)
    if code_opens(found, digest or "", number, code):
        return _answer(rows)
    throttle.failed(scope, key)
    return None


# PostgreSQL plans a statement each time it runs one, and for these seven tables planning took
# four times as long as executing (0.4 ms against 0.1 ms). There the statement is prepared once
# per database session and executed by name; a session's prepared statements outlive its
# transactions, and a new session (CONN_MAX_AGE, a lost connection) is a new key here.
_PREPARED: weakref.WeakSet[Any] = weakref.WeakSet()
_PREPARED_NAME = "sunlight_portal_case_answer"


def _read(params: list[Any]) -> list[tuple[Any, ...]]:
    if connection.vendor != "postgresql":
        return statements.fetchall(ANSWER_SQL, params)
    with connection.cursor() as cursor:
        session = connection.connection
        if session not in _PREPARED:
            numbers = itertools.count(1)
            numbered = re.sub("%s", lambda _: f"${next(numbers)}", ANSWER_SQL)
            cursor.execute(f"PREPARE {_PREPARED_NAME} AS {numbered}")
            _PREPARED.add(session)
        cursor.execute(f"EXECUTE {_PREPARED_NAME} ({', '.join(['%s'] * len(params))})", params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


def _answer(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The answer from the rows, each value as the ORM's Case would have given it."""
    (number, _digest, power, power_code, unit, kind, name, state, started_at, due_date, provisional,
     completed_at, result_document) = rows[0][2:15]  # fmt: skip
    return {
        "number": number,
        "power": power,
        "power_code": power_code,
        "unit": unit,
        "applicant": Applicant(kind=kind, name=name).masked_name,
        "state": state,
        "state_label": str(_STATE_LABELS.get(state, state)),
        "accepted_on": _local_date(started_at),
        "due_date": due_date,
        "due_provisional": bool(provisional),
        "concluded_on": _local_date(completed_at),
        "result_document": result_document,
        "steps": [
            {
                "stage": stage,
                "name": step,
                "state": step_state,
                "due_date": step_due,
                "completed_on": _local_date(step_completed),
            }
            for stage, step, step_state, step_due, step_completed in (row[15:] for row in rows)
            if step_state is not None
        ],
    }


def _local_date(value: object) -> dt.date | None:
    # The day in the district's time zone, as the pages show it (not the UTC day of the moment).
    return None if value is None else timezone.localdate(throttle.as_datetime(value))
