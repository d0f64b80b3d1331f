"""Discretion benchmarks (自由裁量基准, S20): enter the facts, get the legal basis, grade and range.

A benchmark version is a decision table: typed facts (inputs) and rows in order, each with a
CEL condition over the facts; the first row whose condition holds gives the grade, its legal
basis and its penalty range (hit policy FIRST, as in DMN). Fines are integer fen.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import cel
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.checkpoints import typecheck
from sunlight.checkpoints.authoring import syntax_problems
from sunlight.checkpoints.models import Benchmark, BenchmarkRow, BenchmarkVersion, Grade
from sunlight.lib.money import NotAnAmount, format_yuan, from_decimal, parse_yuan

INPUT_TYPES = ("int", "fen", "bool")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_RESERVED = {"today", "params", "true", "false", "null", "in"}
_programs: dict[str, Any] = {}  # by condition text (see engine._programs)


@dataclass(frozen=True)
class RowSpec:
    grade: str
    condition: str
    legal_basis: str
    penalty_min_fen: int
    penalty_max_fen: int
    measures: str = ""


@dataclass(frozen=True)
class Proposal:
    """What the benchmark proposes for a set of facts."""

    version: BenchmarkVersion
    row: BenchmarkRow
    facts: dict[str, int | bool]

    @property
    def grade(self) -> str:
        return self.row.grade

    @property
    def legal_basis(self) -> str:
        return self.row.legal_basis

    @property
    def range_text(self) -> str:
        return f"{format_yuan(self.row.penalty_min_fen)} – {format_yuan(self.row.penalty_max_fen)}"

    def allows(self, amount_fen: int) -> bool:
        return self.row.penalty_min_fen <= amount_fen <= self.row.penalty_max_fen


def version_in_force(benchmark: Benchmark, on: dt.date | None = None) -> BenchmarkVersion | None:
    day = on or timezone.localdate()
    return in_force(benchmark.versions.filter(effective_from__lte=day).order_by("-version").first(), day)


def in_force(newest_started: BenchmarkVersion | None, day: dt.date) -> BenchmarkVersion | None:
    """The newest version that has started on `day` is in force unless it has expired."""
    if newest_started is None:
        return None
    until = newest_started.effective_until
    return None if until is not None and until < day else newest_started


def input_problems(inputs: Sequence[Mapping[str, Any]]) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    if not inputs:
        problems.append(_("A benchmark needs at least one fact."))
    for item in inputs:
        name, kind = str(item.get("name", "")), str(item.get("type", ""))
        if not _NAME.match(name) or name in _RESERVED:
            problems.append(
                _("%(name)s: a fact's name is lower case letters, digits and _.") % {"name": name}
            )
        elif name in seen:
            problems.append(_("%(name)s is listed twice.") % {"name": name})
        if kind not in INPUT_TYPES:
            problems.append(_("%(name)s: the type is int, fen or bool.") % {"name": name})
        if not str(item.get("label", "")).strip():
            problems.append(_("%(name)s: give the fact a label.") % {"name": name})
        seen.add(name)
    return problems


def row_problems(inputs: Sequence[Mapping[str, Any]], rows: Sequence[RowSpec]) -> list[str]:
    """Each row's condition compiles and types against the facts; ranges are sound."""
    problems: list[str] = []
    sample = {str(i["name"]): (False if i["type"] == "bool" else 0) for i in inputs}
    if not rows:
        problems.append(_("A benchmark needs at least one grade row."))
    for number, row in enumerate(rows, start=1):
        prefix = _("Row %(number)d: ") % {"number": number}
        if row.grade not in Grade.values:
            problems.append(prefix + _("choose a grade."))
        if not row.legal_basis.strip():
            problems.append(prefix + _("give the legal basis."))
        if row.penalty_min_fen < 0 or row.penalty_max_fen < row.penalty_min_fen:
            problems.append(prefix + _("the range runs from a lowest to a highest fine, both zero or more."))
        found = syntax_problems(row.condition) or [str(p) for p in typecheck.check(row.condition, sample)]
        problems.extend(prefix + p for p in found)
    return problems


def parse_facts(version: BenchmarkVersion, raw: Mapping[str, Any]) -> dict[str, int | bool]:
    """Typed facts from a form or the API; a field-level ValidationError for each bad value."""
    facts: dict[str, int | bool] = {}
    errors: dict[str, str] = {}
    for item in version.inputs:
        name, kind = item["name"], item["type"]
        value = raw.get(name)
        if kind == "bool":
            facts[name] = value in (True, "true", "on", "1", "yes")
            continue
        if value is None or value == "":
            errors[name] = _("Enter %(label)s.") % {"label": item["label"]}
            continue
        try:
            facts[name] = _number(value, money=kind == "fen")
        except (ValueError, NotAnAmount, InvalidOperation):
            errors[name] = (
                _("Enter an amount in yuan, e.g. 12500.00.") if kind == "fen" else _("Enter a whole number.")
            )
    if errors:
        raise ValidationError(errors)
    return facts


def _number(value: Any, *, money: bool) -> int:
    if isinstance(value, bool | float):
        raise ValueError("not an integer")
    if isinstance(value, int):
        return value  # from the API: already fen or a count
    if isinstance(value, Decimal):
        return from_decimal(value) if money else int(value)
    text = str(value).strip()
    if money:
        return parse_yuan(text)
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(text)
    return int(text)


def propose(version: BenchmarkVersion, facts: Mapping[str, int | bool]) -> Proposal:
    """The first row whose condition holds for the facts."""
    context = cel.Context(variables=dict(facts))
    for row in version.rows.order_by("order"):
        program = _programs.get(row.condition)
        if program is None:
            program = _programs[row.condition] = cel.compile(row.condition)
        if program.execute(context) is True:
            return Proposal(version, row, dict(facts))
    raise ValidationError(
        _("No grade of %(benchmark)s fits these facts: the table has a gap. Tell the administrator.")
        % {"benchmark": version}
    )
