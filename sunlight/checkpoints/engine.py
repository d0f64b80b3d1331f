"""Evaluating electronic checkpoints (电子关卡): every applicable rule, compiled once per version.

An action calls `enforce(kind, context, action=..., obj=..., unit=...)` inside its transaction:
a failing blocking rule raises `CheckpointBlocked` (a `Refused`), which `@records_refusals`
records in the ledger after the rollback and the alarms app turns into a red
CHECKPOINT_BLOCKED alarm. Otherwise the action puts `evaluation.as_ledger_detail()` in its
own leaf, so every outcome (rule version, inputs, result) is on the record either way.

Speed: the rules are loaded once per process and kept until the rule set's token changes
(one indexed single-row read per evaluation); each version is compiled once, and the context
is converted to CEL values once per evaluation, not once per rule.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import cel
from django.db import connection
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.checkpoints.contexts import RESERVED, midnight, to_cel, to_plain
from sunlight.checkpoints.kinds import NodeKind, Severity, family
from sunlight.checkpoints.typecheck import INT, TIMESTAMP, Helper
from sunlight.ledger import canonical
from sunlight.ledger.refusals import Refused
from sunlight.lib.money import format_yuan
from sunlight.orgs.models import Organisation

__all__ = [
    "HELPERS",
    "CheckpointBlocked",
    "Evaluation",
    "NodeKind",
    "RuleOutcome",
    "Severity",
    "enforce",
    "evaluate",
    "register_helper",
    "undefined_rule_codes",
]

# Inputs whose canonical JSON is longer than this go into the ledger as their digest only.
MAX_INLINE_INPUTS = 4000


@dataclass(frozen=True)
class RuleOutcome:
    rule_code: str
    version: int
    passed: bool
    severity: str
    message: str
    legal_basis: str
    name: str = ""
    error: str = ""  # the rule could not be evaluated (it then fails: a checkpoint fails closed)
    params: Mapping[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """The sentence an officer reads: which rule, why, under which basis."""
        return _("%(code)s %(name)s (v%(version)d): %(message)s Basis: %(basis)s") % {
            "code": self.rule_code,
            "name": self.name,
            "version": self.version,
            "message": self.message,
            "basis": self.legal_basis,
        }


@dataclass(frozen=True)
class Evaluation:
    outcomes: list[RuleOutcome]
    node_kind: str = ""
    on: dt.date | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def blocked(self) -> bool:
        return any(o.severity == Severity.BLOCK and not o.passed for o in self.outcomes)

    @property
    def blocking(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.severity == Severity.BLOCK and not o.passed]

    @property
    def warnings(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.severity == Severity.WARN and not o.passed]

    def as_ledger_detail(self) -> dict[str, Any]:
        """Rule versions, inputs (or their digest when large) and results, for a ledger leaf."""
        inputs = canonical.dumps(self.inputs)
        detail: dict[str, Any] = {
            "node": self.node_kind,
            "on": self.on.isoformat() if self.on else None,
            "blocked": self.blocked,
            "rules": [
                {
                    "code": o.rule_code,
                    "version": o.version,
                    "severity": o.severity,
                    "passed": o.passed,
                    **({"params": dict(o.params)} if o.params else {}),
                    **({"error": o.error} if o.error else {}),
                }
                for o in self.outcomes
            ],
            "inputs_digest": canonical.digest(inputs),
        }
        if len(inputs) <= MAX_INLINE_INPUTS:
            detail["inputs"] = self.inputs
        return detail


class CheckpointBlocked(Refused):
    """An action stopped at an electronic checkpoint; the message names each rule and its basis."""

    def __init__(
        self, evaluation: Evaluation, *, action: str, obj: Model | tuple[str, str | int], unit_id: int | None
    ):
        message = " ".join(
            _("Stopped at checkpoint %(rule)s") % {"rule": o.describe()} for o in evaluation.blocking
        )
        super().__init__(
            message,
            action=action,
            obj=obj,
            kind="checkpoint",
            unit_id=unit_id,
            detail=evaluation.as_ledger_detail(),
        )
        self.evaluation = evaluation


# -- helper functions available to every rule -------------------------------------------------

HELPERS: dict[str, Helper] = {}
_functions: dict[str, Callable[..., Any]] = {}


def register_helper(
    name: str, function: Callable[..., Any], *, args: tuple[Any, ...], returns: Any, doc: str = ""
) -> None:
    """Make `function` callable from rules (once, at start-up: e.g. `workdays_between`)."""
    HELPERS[name] = Helper(name, function, tuple(args), returns, doc)
    _functions.clear()


def _days_between(start: dt.datetime, end: dt.datetime) -> int:
    return (end.date() - start.date()).days


register_helper(
    "days_between",
    _days_between,
    args=(TIMESTAMP, TIMESTAMP),
    returns=INT,
    doc="days_between(a, b): calendar days from a to b (negative when b is earlier)",
)


def helper_functions() -> dict[str, Callable[..., Any]]:
    if not _functions:
        _functions.update({name: helper.function for name, helper in HELPERS.items()})
    return _functions


# -- the loaded rule set ------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedVersion:
    id: int
    version: int
    name: str
    expression: str
    message: str
    legal_basis: str
    severity: str
    effective_from: dt.date
    effective_until: dt.date | None
    params: Mapping[str, int]


@dataclass
class LoadedRule:
    code: str
    node_kind: str
    unit_id: int | None
    versions: list[LoadedVersion]  # newest first
    overrides: dict[int, dict[str, int]] = field(default_factory=dict)  # unit id → name → value

    def version_on(self, day: dt.date) -> LoadedVersion | None:
        """The newest version whose validity has begun; None when that one has ended."""
        for version in self.versions:
            if version.effective_from <= day:
                if version.effective_until is not None and version.effective_until < day:
                    return None
                return version
        return None

    def params_for(self, version: LoadedVersion, unit_id: int | None) -> dict[str, int]:
        params = dict(version.params)
        if unit_id is not None:
            params.update({k: v for k, v in self.overrides.get(unit_id, {}).items() if k in params})
        return params


# (token, rules): one tuple, replaced whole, so a reader never pairs one token with other rules.
_loaded: tuple[str | None, dict[str, LoadedRule]] = (None, {})
# Compiled programs by expression text: a version never changes, so its text names its program
# (and, unlike a row id, the text cannot be reused for other content after a rollback).
_programs: dict[str, Any] = {}


def current_token() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT token FROM checkpoints_rulesettoken WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else ""


def touch_rule_set() -> None:
    """Called by every rule edit, in its transaction: evaluators everywhere reload."""
    from sunlight.checkpoints.models import RuleSetToken

    RuleSetToken.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def _load() -> dict[str, LoadedRule]:
    from sunlight.checkpoints.models import ParameterOverride, Rule, RuleVersion

    rules = {
        code: LoadedRule(code, kind, unit_id, [])
        for code, kind, unit_id in Rule.objects.values_list("code", "node_kind", "unit_id")
    }
    for row in RuleVersion.objects.order_by("rule__code", "-version").values_list(
        "rule__code",
        "id",
        "version",
        "name",
        "expression",
        "message",
        "legal_basis",
        "severity",
        "effective_from",
        "effective_until",
        "params",
    ):
        rules[row[0]].versions.append(LoadedVersion(*row[1:]))
    for code, unit_id, name, value in ParameterOverride.objects.values_list(
        "rule__code", "unit_id", "name", "value"
    ):
        rules[code].overrides.setdefault(unit_id, {})[name] = value
    return rules


def loaded_rules() -> dict[str, LoadedRule]:
    global _loaded
    token = current_token()
    cached_token, rules = _loaded
    if cached_token != token:
        rules = _load()
        _loaded = (token, rules)
    return rules


def program_for(version: LoadedVersion) -> Any:
    program = _programs.get(version.expression)
    if program is None:
        program = _programs[version.expression] = cel.compile(version.expression)
    return program


# -- evaluation -------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_message(template: str, params: Mapping[str, int]) -> str:
    """Fill {name} with the parameter: `_fen` as yuan, `_bp` as a percentage, others as is."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            return match.group(0)
        value = params[name]
        if name.endswith("_fen"):
            return format_yuan(value)
        if name.endswith("_bp"):
            whole, rest = divmod(value, 100)
            return f"{whole}.{rest:02d}%"
        return str(value)

    return _PLACEHOLDER.sub(fill, template)


def _select(
    rules: Mapping[str, LoadedRule], kind: str, unit_id: int | None, codes: Sequence[str] | None
) -> tuple[list[LoadedRule], list[str]]:
    if codes is None:
        chosen = [r for r in rules.values() if r.node_kind == kind]
        missing: list[str] = []
    else:
        kinds = family(kind)
        chosen = [rules[c] for c in dict.fromkeys(codes) if c in rules and rules[c].node_kind in kinds]
        missing = [c for c in dict.fromkeys(codes) if c not in rules or rules[c].node_kind not in kinds]
    return [r for r in chosen if r.unit_id is None or r.unit_id == unit_id], missing


def undefined_rule_codes(node_kind: NodeKind | str, codes: Sequence[str]) -> list[str]:
    """Codes a process step names that no rule of the node's family has (check them at publishing:
    at run time an undefined rule fails closed and blocks the step)."""
    return _select(loaded_rules(), str(node_kind), None, codes)[1]


def evaluate(
    node_kind: NodeKind | str,
    context: dict[str, Any],
    *,
    on: dt.date | None = None,
    unit: Organisation | None = None,
    rule_codes: Sequence[str] | None = None,
) -> Evaluation:
    """Evaluate every rule in force for `node_kind` (or just `rule_codes`) against `context`."""
    day = on or timezone.localdate()
    unit_id = unit.pk if unit is not None else None
    kind = str(node_kind)
    rules, missing = _select(loaded_rules(), kind, unit_id, rule_codes)
    variables = to_cel({k: v for k, v in context.items() if k not in RESERVED})
    variables["today"] = midnight(day)
    cel_context = cel.Context(variables=variables, functions=helper_functions())
    outcomes = [
        RuleOutcome(
            rule_code=code,
            version=0,
            passed=False,
            severity=Severity.BLOCK,
            message=_("The step names checkpoint rule %(code)s, which is not defined for this node.")
            % {"code": code},
            legal_basis="-",
            name=code,
            error="undefined",
        )
        for code in missing
    ]
    current: dict[str, int] | None = None
    for rule in sorted(rules, key=lambda r: r.code):
        version = rule.version_on(day)
        if version is None:
            continue
        params = rule.params_for(version, unit_id)
        if params != current:  # converting `params` costs more than comparing it
            cel_context.add_variable("params", params)
            current = params
        outcomes.append(_run(rule, version, params, cel_context))
    plain_inputs = to_plain({**context, "today": day})
    return Evaluation(outcomes=outcomes, node_kind=kind, on=day, inputs=plain_inputs)


def _run(rule: LoadedRule, version: LoadedVersion, params: dict[str, int], cel_context: Any) -> RuleOutcome:
    error = ""
    try:
        result = program_for(version).execute(cel_context)
    except Exception as exc:
        result, error = False, f"{type(exc).__name__}: {exc}"
    if not isinstance(result, bool):
        result, error = False, _("the rule gave %(value)r, not true or false") % {"value": result}
    message = render_message(version.message, params)
    if error:
        message = _("%(message)s (The rule could not be evaluated: %(error)s)") % {
            "message": message,
            "error": error,
        }
    return RuleOutcome(
        rule_code=rule.code,
        version=version.version,
        passed=result,
        severity=version.severity,
        message=message,
        legal_basis=version.legal_basis,
        name=version.name,
        error=error,
        params=params,
    )


def enforce(
    node_kind: NodeKind | str,
    context: dict[str, Any],
    *,
    action: str,
    obj: Model | tuple[str, str | int],
    unit: Organisation | None,
    rule_codes: Sequence[str] | None = None,
    on: dt.date | None = None,
) -> Evaluation:
    """Evaluate, and raise `CheckpointBlocked` when a blocking rule fails; else return the outcome."""
    evaluation = evaluate(node_kind, context, on=on, unit=unit, rule_codes=rule_codes)
    if evaluation.blocked:
        raise CheckpointBlocked(
            evaluation, action=action, obj=obj, unit_id=unit.pk if unit is not None else None
        )
    return evaluation
