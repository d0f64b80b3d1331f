from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks import actions, plans
from sunlight.risks.models import ControlPlan, PlanImmutable, PlanState
from sunlight.risks.tests.helpers import measure_data, point_data
from sunlight.test import Personas

FINDINGS = [
    plans.FindingData("missing_power", "重要权力“会计代理记账机构审批”未查找风险点", power="CZJ-XK-0002"),
    plans.FindingData("weak_measure", "防控措施停留在教育层面，不够过硬"),
]


class ControlPlanTests(Personas):
    def setUp(self) -> None:
        unit = self.as_actor(self.chief)
        publish(self.as_actor(self.leader), self.inspector, draft(unit, self.finance))
        publish(
            self.as_actor(self.leader),
            self.inspector,
            draft(unit, self.finance, code="CZJ-XK-0002", name="会计代理记账机构审批"),
        )
        actions.create_risk_point(unit, self.finance, point_data(), measures=[measure_data()])
        self.plan = plans.create_plan(unit, self.finance, title="区财政局廉政风险防控方案")

    def assert_refused(self, people: list, step, *args, **kwargs) -> None:  # type: ignore[no-untyped-def, type-arg]
        for person in people:
            with self.assertRaises(Refused, msg=person.username):
                step(self.as_actor(person), self.plan, *args, **kwargs)
            self.plan.refresh_from_db()

    def test_it_goes_from_draft_to_approval_each_step_by_its_persona(self) -> None:
        # Filed by a leader or the monitoring centre of the unit, never by anyone else.
        self.assert_refused(
            [self.clerk, self.chief, self.outsider, self.inspector, self.admin], plans.submit_plan
        )
        plans.submit_plan(self.as_actor(self.leader), self.plan, note="请审核")
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.state, self.plan.round), (PlanState.SUBMITTED, 1))
        self.assertEqual(self.plan.snapshot["gaps"]["powers_without_risk"], 1)
        # Reviewed only by an inspector of the commission.
        self.assert_refused([self.head, self.monitor, self.admin], plans.return_plan, findings=FINDINGS)
        self.assert_refused([self.head, self.monitor, self.admin], plans.approve_plan)
        with self.assertRaises(ValidationError):
            plans.return_plan(self.as_actor(self.inspector), self.plan, findings=[])
        plans.return_plan(self.as_actor(self.inspector), self.plan, findings=FINDINGS)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.state, PlanState.RETURNED)
        self.assertEqual(self.plan.findings.get(kind="missing_power").power.code, "CZJ-XK-0002")  # type: ignore[union-attr]
        with self.assertRaises(ValidationError):
            plans.approve_plan(self.as_actor(self.inspector), self.plan)
        # The unit redoes the register and files again.
        actions.create_risk_point(
            self.as_actor(self.chief),
            self.finance,
            point_data(power="CZJ-XK-0002"),
            measures=[measure_data()],
        )
        plans.submit_plan(self.as_actor(self.monitor), self.plan, note="已按意见修改")
        self.plan.refresh_from_db()
        self.assertEqual((self.plan.round, self.plan.snapshot["gaps"]["powers_without_risk"]), (2, 0))
        plans.approve_plan(self.as_actor(self.inspector), self.plan, note="同意备案")
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.state, PlanState.APPROVED)
        trail = list(
            Leaf.objects.about("risks.controlplan", self.plan.pk)
            .exclude(action="refused")
            .values_list("action", flat=True)
        )
        self.assertEqual(
            trail,
            [
                "risks.create_plan",
                "risks.submit_plan",
                "risks.return_plan",
                "risks.submit_plan",
                "risks.approve_plan",
            ],
        )
        refused = Leaf.objects.filter(action="refused", object_type="risks.controlplan").count()
        self.assertEqual(refused, 5 + 3 + 3)

    def test_it_never_changes_an_approved_plan(self) -> None:
        plans.submit_plan(self.as_actor(self.leader), self.plan)
        plans.approve_plan(self.as_actor(self.inspector), self.plan)
        self.plan.refresh_from_db()
        with self.assertRaises(ValidationError):
            plans.submit_plan(self.as_actor(self.leader), self.plan)
        self.plan.title = "改过的方案"
        with self.assertRaises(PlanImmutable):
            self.plan.save()
        filed = ControlPlan.objects.get().snapshot
        actions.create_risk_point(self.as_actor(self.chief), self.finance, point_data(power="CZJ-XK-0002"))
        self.assertEqual(ControlPlan.objects.get().snapshot, filed)  # as approved, whatever happens later

    def test_it_runs_through_the_pages_for_unit_and_commission(self) -> None:
        self.login(self.leader)
        response = self.client.post(reverse("risks:plan_submit", args=[self.plan.pk]), {"note": "请审核"})
        self.assertRedirects(response, reverse("risks:plan", args=[self.plan.pk]))
        self.login(self.inspector, verified=True)
        self.assertContains(self.client.get(reverse("risks:reviews")), "区财政局廉政风险防控方案")
        form = {
            "findings-TOTAL_FORMS": "3",
            "findings-INITIAL_FORMS": "0",
            "findings-0-kind": "weak_measure",
            "findings-0-text": "措施不够过硬",
            "findings-1-kind": "other",
            "findings-2-kind": "other",
        }
        self.client.post(reverse("risks:plan_return", args=[self.plan.pk]), form)
        self.plan.refresh_from_db()
        self.assertEqual(self.plan.state, PlanState.RETURNED)
        self.login(self.clerk)
        self.assertEqual(self.client.get(reverse("risks:reviews")).status_code, 403)
        self.assertNotContains(
            self.client.get(reverse("risks:plan", args=[self.plan.pk])), 'id="submit-plan"'
        )
