"""Step guards: rules another app adds to the completion of certain steps.

A guard sees the step about to be completed, with the values and decision given, inside the
completion's transaction, and raises `Refused` to stop it (the refusal is recorded and alarmed
like any other). Enforcement uses one so that a penalty decision step is completed only through
its discretion benchmark, whichever page or API is used.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sunlight.cases.models import Case, Step

Guard = Callable[[Case, Step, dict[str, Any], str], None]
_guards: list[Guard] = []


def register(guard: Guard) -> None:
    if guard not in _guards:
        _guards.append(guard)


def check(case: Case, step: Step, values: dict[str, Any], decision: str) -> None:
    for guard in _guards:
        guard(case, step, values, decision)
