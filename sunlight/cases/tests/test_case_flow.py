import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.cases import actions
from sunlight.cases.models import CaseState, Step, StepState
from sunlight.cases.tests.factories import published, start
from sunlight.ledger.models import Leaf
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
class CaseFlowTests(Personas):
    def setUp(self) -> None:
        self.definition = published()

    def test_it_starts_a_case_with_its_number_query_code_and_first_step(self) -> None:
        case, code = start(self.as_actor(self.clerk), self.definition)
        self.assertRegex(case.number, r"^CZJ-2026-\d{6}$")
        self.assertEqual(len(code), 8)
        self.assertTrue(actions.query_code_matches(case, code))
        self.assertNotIn(code, case.query_code_digest)
        first = case.steps.get()
        self.assertEqual((first.node_id, first.state), ("accept", StepState.ACTIVE))
        # Monday 2026-11-02: 1 working day → Tuesday; the case's 10 → Monday 2026-11-16.
        self.assertEqual(first.due_date, dt.date(2026, 11, 3))
        self.assertEqual(case.due_date, dt.date(2026, 11, 16))
        self.assertTrue(Leaf.objects.filter(action="cases.start", object_id=str(case.pk)).exists())
        self.assertEqual(case.applicant.id_masked, "4301**********1234")

    def test_it_runs_a_case_to_its_approval(self) -> None:
        case, _code = start(self.as_actor(self.clerk), self.definition)
        actions.complete_step(
            self.as_actor(self.clerk),
            case.steps.get(node_id="accept"),
            values={"amount": 120000, "copies": 5},
        )
        actions.complete_step(self.as_actor(self.chief), case.steps.get(node_id="review"), values={})
        actions.complete_step(
            self.as_actor(self.leader), case.steps.get(node_id="decide"), values={}, decision="approve"
        )
        actions.complete_step(self.as_actor(self.clerk), case.steps.get(node_id="issue"), values={})
        case.refresh_from_db()
        self.assertEqual(case.state, CaseState.APPROVED)
        self.assertEqual(case.data["amount"], 120000)
        step = case.steps.get(node_id="decide")
        self.assertEqual((step.completed_by, step.acted_post), (self.leader, self.leader_post))

    def test_it_routes_a_refusal_to_its_end_and_needs_reasons(self) -> None:
        case, _code = start(self.as_actor(self.clerk), self.definition)
        actions.complete_step(
            self.as_actor(self.clerk), case.steps.get(node_id="accept"), values={"amount": 1, "copies": 1}
        )
        actions.complete_step(self.as_actor(self.chief), case.steps.get(node_id="review"), values={})
        decide = case.steps.get(node_id="decide")
        with self.assertRaises(ValidationError) as caught:
            actions.complete_step(
                self.as_actor(self.leader), decide, values={}, decision="refuse", reason=" "
            )
        self.assertIn("reason", caught.exception.message_dict)
        actions.complete_step(
            self.as_actor(self.leader), decide, values={}, decision="refuse", reason="票据用途不明"
        )
        case.refresh_from_db()
        self.assertEqual(case.state, CaseState.REFUSED)

    def test_it_lets_a_step_be_completed_once(self) -> None:
        case, _code = start(self.as_actor(self.clerk), self.definition)
        accept = case.steps.get(node_id="accept")
        actions.complete_step(self.as_actor(self.clerk), accept, values={"amount": 1, "copies": 1})
        stale = Step.objects.get(pk=accept.pk)
        stale.state = StepState.ACTIVE  # a second page opened before the first was submitted
        with self.assertRaisesMessage(ValidationError, self.clerk.full_name):
            actions.complete_step(self.as_actor(self.clerk), stale, values={"amount": 1, "copies": 1})
        self.assertEqual(case.steps.filter(node_id="review").count(), 1)

    def test_it_shows_the_steps_on_the_workbench_of_the_post(self) -> None:
        start(self.as_actor(self.clerk), self.definition)
        self.login(self.clerk)
        response = self.client.get(reverse("orgs:workbench"))
        self.assertContains(response, "窗口受理")
        self.login(self.chief)
        self.assertNotContains(self.client.get(reverse("orgs:workbench")), "窗口受理")

    def test_it_completes_a_step_through_its_fixed_form(self) -> None:
        case, _code = start(self.as_actor(self.clerk), self.definition)
        accept = case.steps.get(node_id="accept")
        self.login(self.clerk)
        url = reverse("cases:step", args=[case.number, accept.pk])
        bad = self.client.post(url, {"amount": "12.345", "copies": "0"})
        self.assertEqual(bad.status_code, 200)
        self.assertContains(bad, "errorlist")
        accept.refresh_from_db()
        self.assertEqual(accept.state, StepState.ACTIVE)
        good = self.client.post(url, {"amount": "1,200.50", "copies": "3"})
        self.assertRedirects(good, reverse("cases:detail", args=[case.number]))
        accept.refresh_from_db()
        self.assertEqual(accept.form_data, {"amount": 120050, "copies": 3})

    def test_it_answers_the_public_query_only_with_the_right_code(self) -> None:
        case, code = start(self.as_actor(self.clerk), self.definition)
        url = reverse("cases:query")
        right = self.client.post(url, {"number": case.number, "code": code.lower()})
        self.assertContains(right, "窗口受理")
        self.assertContains(right, "张*华")  # the applicant's name, masked
        self.assertNotContains(right, "张建华")
        wrong_code = self.client.post(url, {"number": case.number, "code": "AAAAAAAA"}).content
        wrong_number = self.client.post(url, {"number": "CZJ-2026-999999", "code": code}).content
        self.assertNotIn(b"query-result", wrong_code)
        # Identical pages but for the CSRF token.
        self.assertEqual(
            wrong_code.split(b"csrfmiddlewaretoken")[0], wrong_number.split(b"csrfmiddlewaretoken")[0]
        )


@time_machine.travel(MONDAY, tick=False)
class AuthorityTests(Personas):
    def setUp(self) -> None:
        self.definition = published()
        self.case, _code = start(self.as_actor(self.clerk), self.definition)
        self.accept = self.case.steps.get(node_id="accept")

    def assertRefusedAndAlarmed(self, user: User, step: Step) -> None:
        from sunlight.ledger.refusals import Refused

        before = Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION).count()
        with self.assertRaises(Refused):
            actions.complete_step(self.as_actor(user), step, values={"amount": 1, "copies": 1})
        step.refresh_from_db()
        self.assertEqual(step.state, StepState.ACTIVE)
        self.assertTrue(Leaf.objects.filter(action="refused", actor_id=user.pk).exists())
        alarm = Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION).latest("pk")
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION).count(), before + 1)
        self.assertEqual((alarm.unit, alarm.person), (self.finance, user))

    def test_it_refuses_someone_without_the_post(self) -> None:
        self.assertRefusedAndAlarmed(self.chief, self.accept)  # same office, another post
        self.assertRefusedAndAlarmed(self.outsider, self.accept)  # another unit

    def test_it_opens_the_start_form_only_to_the_units_clerks(self) -> None:
        url = reverse("cases:start", args=[self.definition.pk])
        self.login(self.clerk)
        self.assertEqual(self.client.get(url).status_code, 200)
        self.client.logout()
        self.login(self.outsider)  # a clerk of another unit
        self.assertEqual(self.client.get(url).status_code, 403)
        # A form submitted all the same creates nothing.
        self.client.post(url, {"subject": "代办", "applicant_kind": "person", "applicant_name": "张三"})
        self.assertFalse(self.definition.cases.exclude(pk=self.case.pk).exists())

    def test_it_refuses_admins_and_inspectors(self) -> None:
        self.assertRefusedAndAlarmed(self.admin, self.accept)
        self.assertRefusedAndAlarmed(self.inspector, self.accept)

    def test_it_accepts_a_valid_delegation_and_refuses_an_expired_one(self) -> None:
        from django.utils import timezone

        from sunlight.orgs import actions as org_actions

        delegation = org_actions.grant_delegation(
            self.as_actor(self.head),
            post=self.window_post,
            grantee=self.chief,
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(days=1),
            reason="窗口人员请假",
        )
        actions.complete_step(self.as_actor(self.chief), self.accept, values={"amount": 1, "copies": 1})
        self.accept.refresh_from_db()
        self.assertEqual(self.accept.delegation, delegation)
        leaf = Leaf.objects.filter(action="cases.complete_step").latest("seq")
        self.assertIn(f'"delegation":{delegation.pk}', leaf.data)
        review = self.case.steps.get(node_id="review")
        org_actions.grant_delegation(
            self.as_actor(self.head),
            post=self.chief_post,
            grantee=self.clerk,
            starts_at=timezone.now(),
            ends_at=timezone.now() + dt.timedelta(hours=1),
            reason="股长外出一小时",
        )
        with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
            self.assertRefusedAndAlarmed(self.clerk, review)
