import datetime as dt
import json
from typing import Any

import time_machine
from django.test import override_settings
from django.urls import reverse

from sunlight.checkpoints import authoring
from sunlight.checkpoints.builtin import CHANGE_SINGLE, RIVER_WORKS, install_benchmark
from sunlight.checkpoints.contexts import sample_with
from sunlight.checkpoints.models import ParameterOverride, PenaltyDecision, Rule, RuleVersion
from sunlight.ledger.models import Leaf
from sunlight.orgs.models import PostKind
from sunlight.test import Personas, assign, make_person, make_post, system

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)


def rule_post(**overrides: Any) -> dict[str, Any]:
    return {
        "code": "FUND-RETENTION",
        "node_kind": "fund_payment",
        "unit": "",
        "name": "预留质保金",
        "expression": "(paid_fen + pending_fen + payment.amount_fen) * 10000 <= contract.price_fen * params.max_bp",
        "message": "累计支付超过合同价款的 {max_bp}，须预留质保金。",
        "legal_basis": "《建设工程质量保证金管理办法》第七条",
        "severity": "block",
        "effective_from": "2026-06-15",
        "effective_until": "",
        "params": '{"max_bp": 9700}',
        "note": "",
    } | overrides


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class RuleAuthoringTests(Personas):
    def setUp(self) -> None:
        self.login(self.admin, verified=True)

    def test_it_saves_a_rule_that_compiles_and_passes_the_dry_run(self) -> None:
        response = self.client.post(reverse("checkpoints:rule_new"), rule_post())
        self.assertRedirects(response, reverse("checkpoints:rule", args=["FUND-RETENTION"]))
        version = RuleVersion.objects.get(rule__code="FUND-RETENTION")
        self.assertEqual(
            (version.version, version.params, version.created_by), (1, {"max_bp": 9700}, self.admin)
        )
        self.assertTrue(Leaf.objects.filter(action="checkpoints.create_rule").exists())

    def test_it_refuses_a_syntax_error_and_points_at_it(self) -> None:
        response = self.client.post(
            reverse("checkpoints:rule_new"), rule_post(expression="payment.amount_fen <= ")
        )
        self.assertContains(response, "Line 1, column 22")
        self.assertFalse(Rule.objects.filter(code="FUND-RETENTION").exists())

    def test_it_refuses_a_type_error_and_points_at_it(self) -> None:
        response = self.client.post(
            reverse("checkpoints:rule_new"), rule_post(expression="payment.amount_fen <= contract.title")
        )
        self.assertContains(response, "Line 1, column 32")
        response = self.client.post(
            reverse("checkpoints:rule_new"), rule_post(expression="payment.on <= params.max_bp")
        )
        self.assertContains(response, "cannot be compared")
        self.assertFalse(Rule.objects.filter(code="FUND-RETENTION").exists())

    def test_it_refuses_float_parameters_and_literals(self) -> None:
        response = self.client.post(reverse("checkpoints:rule_new"), rule_post(params='{"max_bp": 97.5}'))
        self.assertContains(response, "whole number")
        response = self.client.post(
            reverse("checkpoints:rule_new"),
            rule_post(expression="payment.amount_fen <= contract.price_fen * 0.97"),
        )
        self.assertContains(response, "decimal number")
        self.assertFalse(Rule.objects.filter(code="FUND-RETENTION").exists())

    def test_it_revises_a_rule_as_a_new_version(self) -> None:
        rule = Rule.objects.get(code=CHANGE_SINGLE)
        before = rule.versions.get()
        response = self.client.post(
            reverse("checkpoints:rule_revise", args=[CHANGE_SINGLE]),
            {
                "name": before.name,
                "expression": before.expression,
                "message": before.message,
                "legal_basis": before.legal_basis,
                "severity": "block",
                "effective_from": "2026-07-01",
                "effective_until": "",
                "params": json.dumps({"single_max_fen": 40_000_000}),
                "note": "区政府常务会议调整红线",
            },
        )
        self.assertRedirects(response, reverse("checkpoints:rule", args=[CHANGE_SINGLE]))
        self.assertEqual(list(rule.versions.values_list("version", flat=True)), [2, 1])
        before.refresh_from_db()
        self.assertEqual(before.params, {"single_max_fen": 50_000_000})

    def test_it_refuses_a_version_that_takes_effect_in_the_past(self) -> None:
        response = self.client.post(reverse("checkpoints:rule_new"), rule_post(effective_from="2026-06-14"))
        self.assertContains(response, "in the past")

    def test_it_dry_runs_a_rule_on_a_typed_sample(self) -> None:
        sample = json.loads(authoring.sample_json("design_change", {"single_max_fen": 50_000_000}))
        sample["change"]["amount_fen"] = 50_000_001
        response = self.client.post(
            reverse("checkpoints:rule_dry_run", args=[CHANGE_SINGLE]),
            {"expression": "change.amount_fen <= params.single_max_fen", "sample": json.dumps(sample)},
        )
        self.assertContains(response, "Result: false")
        sample["change"]["amount_fen"] = 50_000_000
        response = self.client.post(
            reverse("checkpoints:rule_dry_run", args=[CHANGE_SINGLE]),
            {"expression": "change.amount_fen <= params.single_max_fen", "sample": json.dumps(sample)},
        )
        self.assertContains(response, "Result: true")
        response = self.client.post(
            reverse("checkpoints:rule_dry_run", args=[CHANGE_SINGLE]),
            {"expression": "true", "sample": '{"change": {"amount_fen": 1.5}}'},
        )
        self.assertContains(response, "decimal number")

    def test_it_sets_a_units_own_threshold_from_the_page(self) -> None:
        response = self.client.post(
            reverse("checkpoints:rule_parameter", args=[CHANGE_SINGLE]),
            {"unit": self.water.pk, "name": "single_max_fen", "value": "30000000", "reason": "局党组决定"},
        )
        self.assertRedirects(response, reverse("checkpoints:rule", args=[CHANGE_SINGLE]))
        self.assertEqual(ParameterOverride.objects.get().value, 30_000_000)

    def test_it_keeps_authoring_to_admins_and_lets_inspectors_read(self) -> None:
        self.login(self.head)
        self.assertEqual(self.client.get(reverse("checkpoints:rules")).status_code, 403)
        self.assertEqual(self.client.post(reverse("checkpoints:rule_new"), rule_post()).status_code, 403)
        self.login(self.inspector, verified=True)
        response = self.client.get(reverse("checkpoints:rule", args=[CHANGE_SINGLE]))
        self.assertContains(response, "change.amount_fen &lt;= params.single_max_fen")
        self.assertNotContains(response, reverse("checkpoints:rule_revise", args=[CHANGE_SINGLE]))

    def test_it_ships_built_in_rules_that_pass_their_own_checks(self) -> None:
        for version in RuleVersion.objects.select_related("rule"):
            with self.subTest(rule=version.rule.code):
                self.assertEqual(
                    authoring.problems(version.expression, version.rule.node_kind, version.params), []
                )
                self.assertIsNotNone(sample_with(version.rule.node_kind, version.params))


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class BenchmarkPageTests(Personas):
    def setUp(self) -> None:
        self.benchmark = install_benchmark(system(), RIVER_WORKS, self.water)
        self.url = reverse("checkpoints:benchmark", args=[self.benchmark.code])

    def test_it_proposes_basis_grade_and_range_from_the_facts(self) -> None:
        self.login(self.outsider)  # the water bureau's window clerk
        response = self.client.get(self.url, {"propose": "1", "area_m2": "200", "corrected": "on"})
        self.assertContains(response, 'id="proposal"')
        self.assertContains(response, "较重")
        self.assertContains(response, "40,000.00 元 – 70,000.00 元")
        self.assertContains(response, "面积200平方米以上")

    def test_it_records_a_decision_and_refuses_one_outside_the_range(self) -> None:
        self.login(self.outsider)
        decide = reverse("checkpoints:benchmark_decide", args=[self.benchmark.code])
        facts = {"area_m2": "200", "corrected": "on"}
        response = self.client.post(
            decide, facts | {"case_reference": "望水罚〔2026〕3号", "amount": "45000"}
        )
        self.assertRedirects(response, self.url)
        response = self.client.post(
            decide, facts | {"case_reference": "望水罚〔2026〕4号", "amount": "80000"}
        )
        self.assertContains(response, "outside the range", status_code=403)
        self.assertEqual(PenaltyDecision.objects.count(), 1)

    def test_it_lets_the_head_review_from_the_page(self) -> None:
        head = make_person("waterhead", "曾国平")
        assign(head, make_post(self.water, PostKind.HEAD, "SWJ-HD01", "局长"))
        self.login(self.outsider)
        self.client.post(
            reverse("checkpoints:benchmark_decide", args=[self.benchmark.code]),
            {
                "area_m2": "30",
                "corrected": "on",
                "case_reference": "望水罚〔2026〕5号",
                "amount": "5000",
                "justification": "初次违法且已自行拆除",
            },
        )
        decision = PenaltyDecision.objects.get()
        self.login(head)
        self.assertContains(
            self.client.get(self.url), reverse("checkpoints:decision_review", args=[decision.pk])
        )
        self.client.post(
            reverse("checkpoints:decision_review", args=[decision.pk]),
            {"approve": "1", "comment": "同意减轻"},
        )
        decision.refresh_from_db()
        self.assertEqual(decision.state, "approved")

    def test_it_authors_a_table_as_a_new_version(self) -> None:
        self.login(self.admin, verified=True)
        response = self.client.post(
            reverse("checkpoints:benchmark_revise", args=[self.benchmark.code]),
            {
                "violation": "在河道管理范围内建设妨碍行洪的建筑物",
                "effective_from": "2026-07-01",
                "inputs": "area_m2 | int | 面积（平方米）",
                "note": "简化",
                "rows-TOTAL_FORMS": "2",
                "rows-INITIAL_FORMS": "0",
                "rows-0-grade": "grave",
                "rows-0-condition": "area_m2 >= 500",
                "rows-0-legal_basis": "《水法》第六十五条",
                "rows-0-penalty_min": "70000",
                "rows-0-penalty_max": "100000",
                "rows-1-grade": "general",
                "rows-1-condition": "true",
                "rows-1-legal_basis": "《水法》第六十五条",
                "rows-1-penalty_min": "10000",
                "rows-1-penalty_max": "70000",
            },
        )
        self.assertRedirects(response, self.url)
        self.assertEqual(self.benchmark.versions.get(version=2).rows.count(), 2)
