import datetime as dt
from decimal import Decimal
from typing import Any

import time_machine
from django.db import transaction
from django.test import override_settings

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.checkpoints import actions, engine
from sunlight.checkpoints.contexts import FloatInContext
from sunlight.checkpoints.engine import CheckpointBlocked, NodeKind, enforce, evaluate
from sunlight.checkpoints.kinds import Severity
from sunlight.checkpoints.models import Rule
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import records_refusals
from sunlight.test import Personas, system

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


def make_rule(code: str, expression: str, **overrides: Any) -> Rule:
    fields: dict[str, Any] = {
        "code": code,
        "node_kind": NodeKind.STEP_COMPLETION,
        "name": "收费与标准一致",
        "expression": expression,
        "message": "收费金额与收费标准不一致。",
        "legal_basis": "《行政许可法》第五十八条",
        "severity": Severity.BLOCK,
        "effective_from": dt.date(2026, 1, 1),
        "effective_until": None,
        "params": {},
    } | overrides
    return actions.create_rule(system(), **fields)


def step_context(fee_fen: int = 5000) -> dict[str, Any]:
    return {
        "case": {"number": "CZJ-2026-000001", "unit": "CZJ", "data": {"fee_standard_fen": 5000}},
        "form": {"fee_fen": fee_fen},
        "decision": "approve",
    }


@records_refusals
def complete_step(actor: Actor, context: dict[str, Any], unit: Any, codes: list[str]) -> engine.Evaluation:
    """What the process engine does: enforce inside an action that records refusals."""
    with transaction.atomic():
        return enforce(
            NodeKind.STEP_COMPLETION,
            context,
            action="cases.complete_step",
            obj=("cases.case", 1),
            unit=unit,
            rule_codes=codes,
        )


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class EngineTests(Personas):
    def test_it_passes_and_blocks_on_the_rule(self) -> None:
        make_rule("CASE-FEE", "form.fee_fen == case.data.fee_standard_fen")
        self.assertFalse(evaluate(NodeKind.STEP_COMPLETION, step_context(5000)).blocked)
        evaluation = evaluate(NodeKind.STEP_COMPLETION, step_context(6000))
        self.assertTrue(evaluation.blocked)
        (outcome,) = evaluation.outcomes
        self.assertEqual((outcome.rule_code, outcome.version, outcome.passed), ("CASE-FEE", 1, False))

    def test_it_records_and_alarms_a_block_from_a_step(self) -> None:
        make_rule("CASE-FEE", "form.fee_fen == case.data.fee_standard_fen")
        with self.assertRaises(CheckpointBlocked) as caught:
            complete_step(Actor.of(self.clerk), step_context(6000), self.finance, ["CASE-FEE"])
        message = str(caught.exception.message)
        self.assertIn("CASE-FEE", message)
        self.assertIn("《行政许可法》第五十八条", message)
        leaf = Leaf.objects.get(action="refused")
        self.assertIn('"attempted":"cases.complete_step"', leaf.data)
        self.assertIn('"kind":"checkpoint"', leaf.data)
        self.assertIn('"fee_fen":6000', leaf.data)  # the inputs
        self.assertIn('"version":1', leaf.data)
        alarm = Alarm.objects.get()
        self.assertEqual((alarm.kind, alarm.unit), (AlarmKind.CHECKPOINT_BLOCKED, self.finance))

    def test_it_only_warns_for_a_warning_rule(self) -> None:
        make_rule("CASE-WARN", "form.fee_fen < 100000", severity=Severity.WARN)
        evaluation = complete_step(Actor.of(self.clerk), step_context(200_000), self.finance, ["CASE-WARN"])
        self.assertFalse(evaluation.blocked)
        self.assertEqual([w.rule_code for w in evaluation.warnings], ["CASE-WARN"])

    def test_it_applies_the_version_in_force_on_the_day(self) -> None:
        rule = make_rule("CASE-FEE", "form.fee_fen <= 5000")
        actions.revise_rule(
            system(),
            rule,
            note="标准上调",
            name="收费上限",
            expression="form.fee_fen <= 8000",
            message="超过收费上限。",
            legal_basis="物价部门批复",
            severity=Severity.BLOCK,
            effective_from=dt.date(2026, 7, 1),
            effective_until=None,
            params={},
        )
        june = evaluate(NodeKind.STEP_COMPLETION, step_context(6000))
        july = evaluate(NodeKind.STEP_COMPLETION, step_context(6000), on=dt.date(2026, 7, 1))
        self.assertEqual((june.outcomes[0].version, june.blocked), (1, True))
        self.assertEqual((july.outcomes[0].version, july.blocked), (2, False))
        self.assertEqual(rule.versions.get(version=1).expression, "form.fee_fen <= 5000")  # unchanged

    def test_it_skips_a_rule_not_in_force(self) -> None:
        make_rule("CASE-OLD", "false", effective_until=dt.date(2026, 3, 31))
        make_rule("CASE-NEW", "false", effective_from=dt.date(2026, 9, 1))
        self.assertEqual(evaluate(NodeKind.STEP_COMPLETION, step_context()).outcomes, [])

    def test_it_applies_a_units_own_rule_only_to_that_unit(self) -> None:
        make_rule("CZJ-FEE", "form.fee_fen == 0", unit=self.finance)
        self.assertTrue(evaluate(NodeKind.STEP_COMPLETION, step_context(), unit=self.finance).blocked)
        self.assertFalse(evaluate(NodeKind.STEP_COMPLETION, step_context(), unit=self.water).blocked)
        self.assertFalse(evaluate(NodeKind.STEP_COMPLETION, step_context()).blocked)

    def test_it_evaluates_only_the_rules_a_step_names_from_the_case_family(self) -> None:
        make_rule("CASE-A", "false")
        make_rule("CASE-B", "true", node_kind=NodeKind.PRE_REVIEW)
        evaluation = evaluate(NodeKind.STEP_COMPLETION, step_context(), rule_codes=["CASE-B"])
        self.assertEqual([o.rule_code for o in evaluation.outcomes], ["CASE-B"])
        self.assertFalse(evaluation.blocked)

    def test_it_fails_closed_on_an_undefined_rule_or_a_rule_that_errs(self) -> None:
        evaluation = evaluate(NodeKind.STEP_COMPLETION, step_context(), rule_codes=["NO-SUCH-RULE"])
        self.assertTrue(evaluation.blocked)
        make_rule("CASE-ERR", "form.fee_fen > 0")
        evaluation = evaluate(NodeKind.STEP_COMPLETION, {"case": {}, "form": {}, "decision": ""})
        self.assertTrue(evaluation.blocked)
        self.assertIn("could not be evaluated", evaluation.outcomes[0].message)

    def test_it_names_undefined_codes_for_the_process_engine(self) -> None:
        make_rule("CASE-FEE", "form.fee_fen >= 0")
        codes = ["CASE-FEE", "CHANGE-SINGLE", "NO-SUCH-RULE"]  # CHANGE-SINGLE stands at another node
        self.assertEqual(engine.undefined_rule_codes(NodeKind.STEP_COMPLETION, codes), codes[1:])

    def test_it_refuses_floats_and_decimals_in_a_context(self) -> None:
        make_rule("CASE-FEE", "form.fee_fen >= 0")
        with self.assertRaises(FloatInContext):
            evaluate(NodeKind.STEP_COMPLETION, {**step_context(), "form": {"fee_fen": 50.0}})
        with self.assertRaises(FloatInContext):
            evaluate(NodeKind.STEP_COMPLETION, {**step_context(), "form": {"fee_fen": Decimal("50.00")}})

    def test_it_writes_rule_versions_inputs_and_results_for_the_ledger(self) -> None:
        make_rule("CASE-FEE", "form.fee_fen == case.data.fee_standard_fen")
        detail = evaluate(NodeKind.STEP_COMPLETION, step_context()).as_ledger_detail()
        self.assertEqual(
            detail["rules"], [{"code": "CASE-FEE", "version": 1, "severity": "block", "passed": True}]
        )
        self.assertEqual(detail["inputs"]["form"], {"fee_fen": 5000})
        self.assertEqual(detail["on"], "2026-06-15")
        self.assertIn("sm3", detail["inputs_digest"])

    def test_it_sees_a_new_rule_at_once_and_compiles_each_version_once(self) -> None:
        self.assertEqual(evaluate(NodeKind.STEP_COMPLETION, step_context()).outcomes, [])
        make_rule("CASE-FEE", "form.fee_fen == case.data.fee_standard_fen")
        evaluate(NodeKind.STEP_COMPLETION, step_context())
        compiled = len(engine._programs)
        with self.assertNumQueries(1):  # the rule-set token; rules and programs are cached
            self.assertEqual(len(evaluate(NodeKind.STEP_COMPLETION, step_context()).outcomes), 1)
        self.assertEqual(len(engine._programs), compiled)

    def test_it_offers_registered_helpers(self) -> None:
        make_rule("CASE-DAYS", "days_between(today, today) == 0 && today.getFullYear() == 2026")
        evaluation = evaluate(NodeKind.STEP_COMPLETION, step_context())
        self.assertFalse(evaluation.blocked, evaluation.outcomes)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class EngineSpeedTests(Personas):
    def test_it_evaluates_an_action_with_20_rules_in_under_a_millisecond(self) -> None:
        """The full benchmark is bench/checkpoints_bench.py; this guards against a regression."""
        for n in range(15):
            make_rule(f"CASE-R{n:02d}", f"form.fee_fen <= case.data.fee_standard_fen + {n}")
        for n in range(5):
            make_rule(f"CASE-S{n:02d}", "days_between(today, today) == 0 && decision == 'approve'")
        context = step_context()
        self.assertEqual(len(evaluate(NodeKind.STEP_COMPLETION, context).outcomes), 20)
        best = min(self.timed(lambda: evaluate(NodeKind.STEP_COMPLETION, context)) for _ in range(50))
        self.assertLess(best, 0.001)

    @staticmethod
    def timed(fn: Any) -> float:
        import time

        started = time.perf_counter()
        fn()
        return time.perf_counter() - started
