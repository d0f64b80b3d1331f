"""The decision step under the discretion benchmark: within the range it completes; outside it is refused."""

from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.cases.models import CaseState, StepState
from sunlight.checkpoints import actions as checkpoint_actions
from sunlight.checkpoints.models import DecisionState, PenaltyDecision
from sunlight.enforcement import decisions
from sunlight.enforcement.models import CaseDecision, EvidenceUse
from sunlight.enforcement.tests.factories import (
    FACTS,
    EnforcementTestCase,
    active_step,
    evidence_for,
    open_case,
    to_decision,
)
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused


@override_settings(LANGUAGE_CODE="en")
class PenaltyDecisionTests(EnforcementTestCase):
    def setUp(self) -> None:
        self.case = open_case(self)
        self.evidence = evidence_for(self.as_actor(self.officer), self.case)
        to_decision(self, self.case)

    def decide(self, amount_fen: int, justification: str = "", **facts: object) -> CaseDecision:
        return decisions.decide_penalty(
            self.as_actor(self.zhzf_leader),
            self.case,
            benchmark=self.benchmark,
            facts=FACTS | facts,
            amount_fen=amount_fen,
            justification=justification,
            reason="当事人随意倾倒建筑垃圾，事实清楚，证据确凿",
            evidence_ids=[self.evidence.pk],
        )

    def test_it_proposes_the_basis_and_grade_for_the_facts(self) -> None:
        proposal = decisions.propose(self.benchmark, FACTS)
        self.assertEqual(
            (proposal.grade, proposal.row.penalty_min_fen, proposal.row.penalty_max_fen),
            ("general", 8_000_00, 15_000_00),
        )
        self.assertIn("《城市建筑垃圾管理规定》", proposal.legal_basis)
        self.assertEqual(decisions.propose(self.benchmark, FACTS | {"public_area": True}).grade, "serious")

    def test_it_records_a_fine_within_the_range_and_completes_the_decision_step(self) -> None:
        record = self.decide(12_000_00)
        self.assertIsNotNone(record.completed_at)
        self.assertEqual(record.penalty.state, DecisionState.WITHIN_RANGE)
        self.assertEqual(record.penalty.case_reference, self.case.number)
        decided = self.case.steps.get(node_id="decide")
        self.assertEqual((decided.state, decided.decision), (StepState.DONE, "approve"))
        self.assertEqual(decided.form_data["amount_fen"], 12_000_00)
        self.assertEqual(decided.form_data["penalty_decision"], record.penalty.pk)
        self.assertTrue(self.case.steps.filter(node_id="deliver", state=StepState.ACTIVE).exists())
        self.assertEqual(EvidenceUse.objects.get().evidence, self.evidence)
        used = Leaf.objects.about("enforcement.evidence", self.evidence.pk).filter(
            action="enforcement.use_evidence"
        )
        self.assertEqual(used.count(), 1)

    def test_it_refuses_a_fine_outside_the_range_for_the_entered_facts(self) -> None:
        with self.assertRaises(Refused) as caught:
            self.decide(15_000_01)  # 一般 grade: 8,000.00–15,000.00 元
        self.assertIn("15,000.01", caught.exception.message)
        self.assertIn("8,000.00 元 – 15,000.00 元", caught.exception.message)
        with self.assertRaises(Refused):
            self.decide(20_000_00, public_area=False, volume_m3="3", cleaned=True)  # 轻微: 5,000–8,000
        self.assertFalse(PenaltyDecision.objects.exists())
        self.assertFalse(CaseDecision.objects.exists())
        self.assertEqual(active_step(self.case, "decide").state, StepState.ACTIVE)
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.CHECKPOINT_BLOCKED, unit=self.zhzf).count(), 2)
        refusal = Leaf.objects.filter(action="refused").latest("seq")
        self.assertIn("enforcement.decide_penalty", refusal.data)

    def test_it_holds_a_justified_deviation_for_the_head_then_concludes(self) -> None:
        record = self.decide(6_000_00, justification="当事人主动清理并如实陈述，经集体讨论减轻处罚")
        self.assertIsNone(record.completed_at)
        self.assertEqual(record.penalty.state, DecisionState.AWAITING_HEAD)
        with self.assertRaises(ValidationError):
            decisions.conclude_decision(self.as_actor(self.zhzf_leader), record)
        with self.assertRaises(ValidationError):
            self.decide(10_000_00)  # a pending deviation comes first
        checkpoint_actions.review_deviation(
            self.as_actor(self.zhzf_head), record.penalty, approve=True, comment="经集体讨论同意"
        )
        decisions.conclude_decision(self.as_actor(self.zhzf_leader), record, reason="减轻处罚")
        self.assertEqual(self.case.steps.get(node_id="decide").state, StepState.DONE)
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.OTHER, unit=self.zhzf).count(), 1)

    def test_it_lets_only_the_decision_post_decide(self) -> None:
        with self.assertRaises(Refused):
            decisions.decide_penalty(
                self.as_actor(self.officer),
                self.case,
                benchmark=self.benchmark,
                facts=FACTS,
                amount_fen=10_000_00,
            )
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION).count(), 1)

    def test_it_takes_the_decision_on_its_page(self) -> None:
        url = reverse("enforcement:decision", args=[self.case.number])
        self.login(self.zhzf_leader)
        form = {
            "benchmark": self.benchmark.code,
            "fact_volume_m3": "12",
            "fact_cleaned": "on",
            "amount": "16,000.00",
            "reason": "事实清楚",
            "evidence": [str(self.evidence.pk)],
        }
        proposed = self.client.post(url, form | {"action": "propose"})
        self.assertContains(proposed, "8,000.00 元 – 15,000.00 元")
        refused = self.client.post(url, form | {"action": "decide"})
        self.assertContains(refused, "outside the range")
        self.assertEqual(self.case.steps.get(node_id="decide").state, StepState.ACTIVE)
        done = self.client.post(url, form | {"action": "decide", "amount": "9,500"})
        self.assertRedirects(done, reverse("cases:detail", args=[self.case.number]))
        self.case.refresh_from_db()
        self.assertEqual(self.case.state, CaseState.RUNNING)
        self.assertEqual(self.case.data["decide"]["amount_fen"], 9_500_00)

    def test_it_shows_a_deviation_waiting_for_the_head_and_concludes_it_on_the_page(self) -> None:
        record = self.decide(6_000_00, justification="当事人主动清理，经集体讨论减轻处罚")
        url = reverse("enforcement:decision", args=[self.case.number])
        self.login(self.zhzf_leader)
        self.assertContains(self.client.get(url), "Outside the range: awaiting the head")
        checkpoint_actions.review_deviation(
            self.as_actor(self.zhzf_head), record.penalty, approve=True, comment="同意"
        )
        response = self.client.post(url, {"action": "conclude", "reason": "减轻处罚"})
        self.assertRedirects(response, reverse("cases:detail", args=[self.case.number]))
        self.assertEqual(self.case.steps.get(node_id="decide").state, StepState.DONE)


@override_settings(LANGUAGE_CODE="en")
class BenchmarkBypassTests(EnforcementTestCase):
    """The decision step cannot be approved around the benchmark, by page or by API."""

    def setUp(self) -> None:
        self.case = open_case(self)
        to_decision(self, self.case)
        self.step = active_step(self.case, "decide")

    def test_it_refuses_approving_the_penalty_step_without_a_benchmark_decision(self) -> None:
        from sunlight.cases import actions as case_actions

        for values in ({}, {"penalty_decision": 999999}, {"penalty_decision": "1"}):
            with self.assertRaises(Refused):
                case_actions.complete_step(
                    self.as_actor(self.zhzf_leader), self.step, values=values, decision="approve"
                )
        self.step.refresh_from_db()
        self.assertEqual(self.step.state, StepState.ACTIVE)
        refusals = Leaf.objects.filter(action="refused", object_id=str(self.case.pk))
        self.assertEqual(refusals.count(), 3)
        self.assertTrue(
            Alarm.objects.filter(kind=AlarmKind.CHECKPOINT_BLOCKED, subject_id=str(self.case.pk)).exists()
        )

    def test_it_sends_the_generic_step_page_to_the_decision_page(self) -> None:
        self.login(self.zhzf_leader)
        response = self.client.get(reverse("cases:step", args=[self.case.number, self.step.pk]))
        self.assertRedirects(
            response, reverse("enforcement:decision", args=[self.case.number]), fetch_redirect_response=False
        )

    def test_it_still_lets_the_leader_decide_not_to_punish_with_reasons(self) -> None:
        from sunlight.cases import actions as case_actions

        case_actions.complete_step(
            self.as_actor(self.zhzf_leader),
            self.step,
            values={},
            decision="refuse",
            reason="违法行为轻微并及时改正",
        )
        self.step.refresh_from_db()
        self.assertEqual(self.step.state, StepState.DONE)


@override_settings(LANGUAGE_CODE="en")
class PenaltyDocumentTests(EnforcementTestCase):
    def test_it_seals_a_penalty_decision_not_a_permit(self) -> None:
        from sunlight.cases.timers import issue_results
        from sunlight.documents.models import DocumentKind

        case = open_case(self)
        evidence = evidence_for(self.as_actor(self.officer), case)
        to_decision(self, case)
        decisions.decide_penalty(
            self.as_actor(self.zhzf_leader),
            case,
            benchmark=self.benchmark,
            facts=FACTS,
            amount_fen=12_000_00,
            justification="",
            reason="事实清楚，证据确凿",
            evidence_ids=[evidence.pk],
        )
        deliver = active_step(case, "deliver")
        from sunlight.cases import actions as case_actions

        delivery = {"delivered_on": timezone.localdate().isoformat(), "delivery": "direct"}
        case_actions.complete_step(self.as_actor(self.officer), deliver, values=delivery)
        issue_results()
        case.refresh_from_db()
        self.assertEqual(case.state, CaseState.APPROVED)
        assert case.result_document is not None
        self.assertEqual(case.result_document.kind, DocumentKind.PENALTY)
        self.assertEqual(case.result_document.title, "行政处罚决定书")
