"""What one case contributes to the summary tables, and the difference between two counts.

A case's fact is recomputed from its rows whenever the ledger shows it was touched; the
summaries change by (new contribution − old contribution), so that counting the same case
twice, or in two processes one after the other, changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from sunlight.assessments.models import CaseFact
from sunlight.calendars.workdays import workdays_between
from sunlight.cases.models import Case, CaseState, Step, StepState, Suspension
from sunlight.powers.models import PowerVersion

CONCLUDED = (CaseState.APPROVED, CaseState.REFUSED)
STATE_COLUMNS = {state.value for state in CaseState}  # running, suspended, approved, refused, withdrawn

CasesKey = tuple[dt.date, int, str]
StepKey = tuple[int, str, int]
TotalKey = tuple[int, int, bool]


class Deltas:
    """Differences to apply to DailyCases, StepDays and CaseDays, accumulated over a batch."""

    def __init__(self) -> None:
        self.cases: dict[CasesKey, Counter[str]] = defaultdict(Counter)
        self.steps: Counter[StepKey] = Counter()
        self.totals: Counter[TotalKey] = Counter()

    def add(self, fact: CaseFact | None, sign: int) -> None:
        if fact is None:
            return
        start = (fact.started_on, fact.unit_id, fact.category)
        self.cases[start]["started"] += sign
        self.cases[start][fact.state] += sign
        if fact.concluded_on is not None:
            end = (fact.concluded_on, fact.unit_id, fact.category)
            self.cases[end]["concluded"] += sign
            self.cases[end]["on_time" if fact.on_time else "late"] += sign
            if fact.total_days is not None:
                self.totals[(fact.definition_id, fact.total_days, bool(fact.on_time))] += sign
        for node_id, days in fact.steps:
            self.steps[(fact.definition_id, str(node_id), int(days))] += sign

    def change(self, old: CaseFact | None, new: CaseFact | None) -> None:
        self.add(old, -1)
        self.add(new, +1)


def categories(power_codes: Iterable[str]) -> dict[str, str]:
    """Power code → category of the version in force (one query)."""
    codes = {code for code in power_codes if code}
    if not codes:
        return {}
    return dict(
        PowerVersion.objects.current().filter(item__code__in=codes).values_list("item__code", "category")
    )


def _day(moment: dt.datetime) -> dt.date:
    return timezone.localdate(moment)


def build(
    case: Case,
    category: str,
    steps: list[tuple[str, dt.datetime, dt.datetime]],
    suspensions: list[tuple[dt.date, dt.date | None]],
    today: dt.date,
) -> CaseFact:
    """The fact of one case from its row, its done steps (node, activated, completed) and its
    suspensions (from, until or None while suspended)."""
    paused = [(first, last or today) for first, last in suspensions]
    concluded = _day(case.completed_at) if case.state in CONCLUDED and case.completed_at else None
    started = _day(case.started_at)
    return CaseFact(
        case_id=case.pk,
        definition_id=case.definition_id,
        unit_id=case.owner_id,
        category=category,
        state=case.state,
        started_on=started,
        due_date=case.due_date,
        concluded_on=concluded,
        on_time=concluded <= case.due_date if concluded is not None else None,
        total_days=workdays_between(started, concluded, suspended=paused) if concluded is not None else None,
        steps=[
            [node_id, workdays_between(_day(activated), _day(completed), suspended=paused)]
            for node_id, activated, completed in steps
        ],
    )


def build_many(case_ids: Iterable[int], today: dt.date) -> dict[int, CaseFact]:
    """Facts of these cases, in four queries whatever their number."""
    ids = list(case_ids)
    cases = list(Case.objects.filter(pk__in=ids).select_related("definition"))
    steps: dict[int, list[tuple[str, dt.datetime, dt.datetime]]] = defaultdict(list)
    for case_id, node_id, activated, completed in (
        Step.objects.filter(case_id__in=ids, state=StepState.DONE, completed_at__isnull=False)
        .order_by("pk")
        .values_list("case_id", "node_id", "activated_at", "completed_at")
    ):
        if completed is not None:
            steps[case_id].append((node_id, activated, completed))
    paused: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for case_id, first, last in Suspension.objects.filter(case_id__in=ids).values_list(
        "case_id", "started_on", "ended_on"
    ):
        paused[case_id].append((first, last))
    kinds = categories(c.definition.power_code for c in cases)
    return {
        case.pk: build(
            case, kinds.get(case.definition.power_code, ""), steps[case.pk], paused[case.pk], today
        )
        for case in cases
    }


def same(a: CaseFact | None, b: CaseFact | None) -> bool:
    if a is None or b is None:
        return a is b
    fields: list[Any] = [f.attname for f in CaseFact._meta.concrete_fields]
    return all(getattr(a, f) == getattr(b, f) for f in fields)
