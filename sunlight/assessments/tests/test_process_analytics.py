"""Process analytics on real cases: the demo district's construction approval, 17 sequential
steps in 30 working days (JSXM-SP) against 4 parallel stages in 14 (JSXM-BL), S8."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import TestCase
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sunlight.assessments import analytics, summary
from sunlight.assessments.tests.helpers import at
from sunlight.calendars.workdays import add_workdays
from sunlight.cases import actions as case_actions
from sunlight.cases.models import Case, CaseState, Step, StepState
from sunlight.ledger.actor import Actor
from sunlight.orgs.demo import load_district
from sunlight.orgs.models import Assignment, PostKind
from sunlight.processes import actions as process_actions
from sunlight.processes import demo as processes_demo
from sunlight.processes.definition import load_text
from sunlight.processes.models import ProcessDefinition
from sunlight.test import system


def _values(node: Any) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in node.form:
        values[spec.name] = {
            "money": 5_000_000_00,
            "integer": spec.min or 1,
            "date": "2020-01-01",
            "boolean": True,
        }.get(spec.type, spec.options[0][0] if spec.options else "望城项目")
    return values


def run(definition: ProcessDefinition, first: dt.date) -> Case:
    """Accept a case and do every open step one working day after it opened, until it concludes."""
    clerk = (
        Assignment.objects.current()
        .filter(
            post__organisation__unit=definition.owner,
            post__kind=PostKind.CLERK,
            post__organisation__name="行政审批股",
        )
        .first()
    )
    assert clerk is not None
    with at(first.isoformat(), 9):
        case, _code = case_actions.start_case(
            Actor.of(clerk.person),
            definition=definition,
            subject="望城区标准厂房建设项目",
            applicant=case_actions.ApplicantData(
                kind="company",
                name="湖南望城建设有限公司",
                id_number="91430112MA4L12345X",
                phone="13807310099",
            ),
            acknowledged_risks=[],
            acknowledged=True,
        )
    day = first
    while Case.objects.get(pk=case.pk).state == CaseState.RUNNING:
        day = add_workdays(day, 1).date
        with at(day.isoformat(), 10):
            for step in Step.objects.filter(case=case, state=StepState.ACTIVE).order_by("pk"):
                holder = Assignment.objects.current().filter(post__in=step.posts.all()).first()
                assert holder is not None, step.name
                node = definition.graph.node(step.node_id)
                case_actions.complete_step(
                    Actor.of(holder.person),
                    step,
                    values=_values(node),
                    decision="approve" if node.decision else "",
                )
    return Case.objects.get(pk=case.pk)


class ConstructionApprovalTests(TestCase):
    sequential: ProcessDefinition
    parallel: ProcessDefinition

    @classmethod
    def setUpTestData(cls) -> None:
        load_district()
        for name in ("construction-old.yaml", "construction-parallel.yaml"):
            text = (processes_demo.DEFINITIONS / name).read_text(encoding="utf-8")
            process_actions.publish(system(), process_actions.save_draft(system(), load_text(text)))
        sequential = ProcessDefinition.objects.current("JSXM-SP")
        parallel = ProcessDefinition.objects.current("JSXM-BL")
        assert sequential is not None and parallel is not None
        cls.sequential, cls.parallel = sequential, parallel
        for monday in (dt.date(2026, 7, 6), dt.date(2026, 8, 3)):
            run(cls.sequential, monday)
            run(cls.parallel, monday)
        with at("2026-10-12"):
            summary.refresh()

    def test_it_counts_working_days_per_step_and_per_case(self) -> None:
        sequential, parallel = analytics.analyse([self.sequential, self.parallel])
        self.assertEqual((sequential.tasks, parallel.tasks), (17, 12))
        self.assertEqual((sequential.definition.total_limit, parallel.definition.total_limit), (30, 14))
        # Every step was done one working day after it opened.
        for stat in (sequential, parallel):
            for step in stat.steps:
                self.assertEqual((step.days.n, step.days.median, step.days.longest), (2, 1, 1), step.name)
        # 17 steps one after the other: 17 working days; four parallel stages: accept, three
        # stages of parallel steps, the joint acceptance and the certificate: 6.
        self.assertEqual((sequential.total.n, sequential.total.mean_tenths, sequential.on_time), (2, 170, 2))
        self.assertEqual((parallel.total.n, parallel.total.mean_tenths, parallel.on_time), (2, 60, 2))

    def test_it_compares_the_two_versions_on_a_page(self) -> None:
        inspector = (
            Assignment.objects.current()
            .filter(post__kind=PostKind.INSPECTOR, post__jurisdiction__isnull=True)
            .first()
        )
        assert inspector is not None
        self.client.force_login(inspector.person)
        device = TOTPDevice.objects.create(user=inspector.person, name="key", confirmed=True)
        session = self.client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        page = self.client.get(reverse("assessments:compare"))
        self.assertContains(page, 'id="comparison"')
        self.assertContains(page, '<td class="mean">17.0</td>', html=False)
        self.assertContains(page, '<td class="mean">6.0</td>', html=False)
        self.assertContains(page, 'id="chart-totals"')
        process = self.client.get(reverse("assessments:process", args=["JSXM-BL"]))
        self.assertContains(process, "联合竣工验收")
        self.assertContains(self.client.get(reverse("assessments:analytics")), "JSXM-SP")
