"""Checking a rule before it is saved: compile, type-check, dry-run against the typed sample.

A rule with a syntax error (the CEL parser's position), a type error (our checker's
position) or one that does not give true/false on the sample context cannot be saved.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import cel
from django.utils.translation import gettext as _

from sunlight.checkpoints import typecheck
from sunlight.checkpoints.contexts import Open, midnight, sample_for, sample_with, to_cel
from sunlight.checkpoints.engine import HELPERS, helper_functions

_PARSE_POSITION = re.compile(r"<input>:(\d+):(\d+): (.*?)(?:\n|$)")
PARAM_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class DryRun:
    result: bool | None
    error: str = ""
    missing_key: bool = False  # a key the sample's open maps (form data) do not have


def syntax_problems(expression: str) -> list[str]:
    if not expression.strip():
        return [_("Write the rule's expression.")]
    try:
        cel.compile(expression)
    except ValueError as exc:
        match = _PARSE_POSITION.search(str(exc))
        if match is None:
            return [_("Syntax error: %(error)s") % {"error": exc}]
        line, column, what = match.groups()
        return [
            _("Line %(line)s, column %(column)s: %(error)s") % {"line": line, "column": column, "error": what}
        ]
    return []


def check_params(params: Mapping[str, Any]) -> list[str]:
    problems = []
    for name, value in params.items():
        if not PARAM_NAME.match(name):
            problems.append(
                _("%(name)s: a parameter name is lower case letters, digits and _.") % {"name": name}
            )
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                _("%(name)s: a parameter is a whole number (fen, basis points, days or a count).")
                % {"name": name}
            )
    return problems


def problems(expression: str, node_kind: str, params: Mapping[str, int]) -> list[str]:
    """Everything wrong with a rule, each message pointing at the position where it can."""
    found = syntax_problems(expression) or check_params(params)
    if found:
        return found
    variables = sample_with(node_kind, params)
    typed = typecheck.check(expression, variables, HELPERS)
    if typed:
        return [str(p) for p in typed]
    # The type check has vouched for every fixed field, so a missing key can only be one of an
    # open map (a process's form fields, unknown to the sample): not a reason to refuse.
    run = dry_run(expression, variables)
    if run.error and not run.missing_key:
        return [run.error]
    # A second, emptier sample reaches branches the first one skips (a || b with a true).
    run = dry_run(expression, _emptied(variables))
    if run.error and not run.missing_key:
        return [_("On a sample with zeros and empty values: %(error)s") % {"error": run.error}]
    return []


def dry_run(expression: str, variables: Mapping[str, Any]) -> DryRun:
    try:
        program = cel.compile(expression)
        values = to_cel({k: v for k, v in variables.items() if k != "today"})
        values["today"] = midnight(variables.get("today") or dt.date.today())  # noqa: DTZ011
        result = program.execute(cel.Context(variables=values, functions=helper_functions()))
    except Exception as exc:
        error = _("The dry run failed: %(error)s") % {"error": f"{type(exc).__name__}: {exc}"}
        return DryRun(None, error, missing_key=isinstance(exc, KeyError))
    if not isinstance(result, bool):
        return DryRun(None, _("The rule gave %(value)r; it must give true or false.") % {"value": result})
    return DryRun(result)


def _emptied(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return 0
    if isinstance(value, str):
        return ""
    if isinstance(value, Open):
        return Open({k: _emptied(v) for k, v in value.sample.items()})
    if isinstance(value, Mapping):
        return {k: _emptied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return []
    return value


def sample_json(node_kind: str, params: Mapping[str, int]) -> str:
    """The sample context as editable JSON for the dry-run form (dates as YYYY-MM-DD)."""
    return json.dumps(_jsonable(sample_with(node_kind, params)), ensure_ascii=False, indent=2)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Open):
        return _jsonable(dict(value.sample))
    if isinstance(value, Mapping):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def parse_sample(text: str, node_kind: str) -> dict[str, Any]:
    """A dry-run context typed in by the admin: JSON, dates where the sample has dates, no floats."""
    try:
        data = json.loads(text, parse_float=_refuse_float)
    except _FloatRefused as exc:
        raise ValueError(
            _("%(value)s is a decimal number: use integer fen or basis points.") % {"value": exc}
        ) from exc
    except json.JSONDecodeError as exc:
        raise ValueError(
            _("Line %(line)d, column %(column)d: %(error)s")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from exc
    if not isinstance(data, dict):
        raise ValueError(_("The sample context is a JSON object."))
    template = {**sample_for(node_kind), "today": dt.date(2026, 1, 1)}
    return _with_dates(data, template)  # type: ignore[no-any-return]


class _FloatRefused(ValueError):
    pass


def _refuse_float(text: str) -> Any:
    raise _FloatRefused(text)


def _with_dates(value: Any, template: Any) -> Any:
    if isinstance(template, dt.date) and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(_("%(value)s is not a date (YYYY-MM-DD).") % {"value": value}) from exc
    if isinstance(template, Mapping) and isinstance(value, dict):
        return {k: _with_dates(v, template.get(k)) for k, v in value.items()}
    return value
