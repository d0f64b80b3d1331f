"""The API's case query reads in one statement (answer.find_answer): the answer must be what the
ORM reading of the case gives through the schema, and the throttle must hold as before."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from unittest import mock

import time_machine
from django.http import HttpRequest
from django.utils import timezone, translation

from sunlight.api import api
from sunlight.cases import actions
from sunlight.cases.actions import query_digest
from sunlight.cases.models import Case, CaseState, StepState
from sunlight.cases.tests.factories import published, start
from sunlight.cases.timers import issue_results
from sunlight.portal.api import CaseProgressOut, StepOut
from sunlight.portal.models import FailedLookup
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

# 01:30 on Tuesday in Shanghai, still Monday in UTC: the answer gives the day in Shanghai, as
# the pages do.
MONDAY = dt.datetime(2026, 11, 2, 17, 30, tzinfo=dt.UTC)
CLIENT = "203.0.113.41"


def through_the_orm(case: Case) -> bytes:
    """The answer as the endpoint built it before the one-statement read: the case and its
    relations from the ORM, validated by the schema and rendered by the API."""
    case = Case.objects.select_related("definition", "owner", "applicant", "result_document").get(pk=case.pk)
    answer = CaseProgressOut(
        number=case.number,
        power=case.definition.name,
        power_code=case.definition.power_code,
        unit=case.owner.name,
        applicant=case.applicant.masked_name,
        state=case.state,
        state_label=str(case.get_state_display()),
        accepted_on=timezone.localdate(case.started_at),
        due_date=case.due_date,
        due_provisional=case.due_provisional,
        concluded_on=timezone.localdate(case.completed_at) if case.completed_at else None,
        result_document=case.result_document.number if case.result_document else None,
        steps=[
            StepOut(
                stage=s.stage_name,
                name=s.name,
                state=s.state,
                due_date=s.due_date,
                completed_on=timezone.localdate(s.completed_at) if s.completed_at else None,
            )
            for s in case.steps.exclude(state=StepState.CANCELLED).order_by("activated_at", "pk")
        ],
    )
    return str(api.renderer.render(HttpRequest(), answer.model_dump(), response_status=200)).encode()


@time_machine.travel(MONDAY, tick=False)
class CaseQueryAnswerTests(Personas):
    def ask(self, number: str, code: str, **headers: Any) -> Any:
        return self.client.post(
            "/api/v1/portal/case-query",
            {"number": number, "code": code},
            content_type="application/json",
            REMOTE_ADDR=CLIENT,
            **headers,
        )

    def refused_after_a_suspension(self) -> tuple[Case, str]:
        """Suspended and resumed at review, refused, its decision sealed: every part of the answer."""
        case, code = start(self.as_actor(self.clerk), published())
        actions.complete_step(
            self.as_actor(self.clerk), case.steps.get(node_id="accept"), values={"amount": 1, "copies": 1}
        )
        with time_machine.travel(MONDAY + dt.timedelta(hours=2), tick=False):
            actions.suspend_case(
                self.as_actor(self.chief),
                case,
                kind_code="expert_review",
                reason="专家评审",
                notice="暂停计时",
            )
        with time_machine.travel(MONDAY + dt.timedelta(days=3), tick=False):
            actions.resume_case(self.as_actor(self.chief), case)
            actions.complete_step(self.as_actor(self.chief), case.steps.get(node_id="review"), values={})
            actions.complete_step(
                self.as_actor(self.leader),
                case.steps.get(node_id="decide"),
                values={},
                decision="refuse",
                reason="票据用途不明",
            )
            issue_results()
        case.refresh_from_db()
        return case, code

    def test_it_answers_what_the_orm_reading_gives_for_a_refused_case_with_a_suspension(self) -> None:
        case, code = self.refused_after_a_suspension()
        self.assertEqual((case.state, case.suspensions.count()), (CaseState.REFUSED, 1))
        self.assertIsNotNone(case.result_document_id)
        response = self.ask(case.number, code)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(response.content, through_the_orm(case))
        data = response.json()
        self.assertEqual(len(data["steps"]), 3)
        self.assertEqual(data["accepted_on"], "2026-11-03")
        # And the answer is what the published schema says.
        self.assertEqual(CaseProgressOut.model_validate(data).model_dump(mode="json"), data)

    def test_it_answers_what_the_orm_reading_gives_for_an_open_case_and_a_withdrawn_one(self) -> None:
        running, running_code = start(self.as_actor(self.clerk), published())
        withdrawn, withdrawn_code = start(self.as_actor(self.clerk), published())
        actions.withdraw_case(self.as_actor(self.clerk), withdrawn, reason="申请人撤回")
        self.assertTrue(withdrawn.steps.filter(state=StepState.CANCELLED).exists())
        # Case number and code as a person types them: lower case, with spaces.
        answer = self.ask(f" {running.number.lower()} ", f" {running_code.lower()} ")
        self.assertEqual(answer.content, through_the_orm(running))
        self.assertEqual(json.loads(answer.content)["steps"][0]["completed_on"], None)
        # The withdrawn case's cancelled step is left out; the state's label is in the asker's language.
        with translation.override("en"):
            expected = through_the_orm(withdrawn)
        answer = self.ask(withdrawn.number, withdrawn_code, HTTP_ACCEPT_LANGUAGE="en")
        self.assertEqual(answer.content, expected)
        self.assertEqual((answer.json()["state_label"], answer.json()["steps"]), ("Withdrawn", []))

    def test_it_answers_a_concluded_case_with_its_conclusion_date(self) -> None:
        case, code = conclude(self)
        answer = self.ask(case.number, code)
        self.assertEqual(answer.content, through_the_orm(case))
        self.assertEqual(answer.json()["concluded_on"], "2026-11-03")

    def test_it_reads_in_one_statement_whatever_the_number_of_steps(self) -> None:
        opened, opened_code = start(self.as_actor(self.clerk), published())
        concluded, concluded_code = conclude(self)
        # On PostgreSQL the first answer of a database session prepares the statement.
        self.ask(opened.number, opened_code)
        with self.assertNumQueries(1):
            self.assertEqual(self.ask(opened.number, opened_code).status_code, 200)
        with self.assertNumQueries(1):
            self.assertEqual(len(self.ask(concluded.number, concluded_code).json()["steps"]), 4)

    def test_it_records_a_failure_for_a_wrong_code_and_for_an_unknown_number(self) -> None:
        case, code = start(self.as_actor(self.clerk), published())
        wrong_code = self.ask(case.number, "AAAAAAAA")
        wrong_number = self.ask("CZJ-2026-999999", code)
        self.assertEqual((wrong_code.status_code, wrong_number.status_code), (404, 404))
        self.assertEqual(wrong_code.content, wrong_number.content)
        self.assertEqual(FailedLookup.objects.count(), 2)

    def test_it_tells_browsers_and_proxies_to_keep_no_copy(self) -> None:
        case, code = start(self.as_actor(self.clerk), published())
        for answer in (self.ask(case.number, code), self.ask(case.number, "AAAAAAAA")):
            self.assertIn("no-store", answer["Cache-Control"])
            self.assertIn("private", answer["Cache-Control"])

    def test_it_computes_the_digest_for_an_unknown_number_too(self) -> None:
        # The time taken must not tell whether the number exists: one digest either way.
        case, _code = start(self.as_actor(self.clerk), published())
        with mock.patch("sunlight.cases.actions.query_digest", wraps=query_digest) as digest:
            self.ask(case.number, "AAAAAAAA")
            self.ask("CZJ-2026-999999", "AAAAAAAA")
        self.assertEqual(
            [c.args for c in digest.call_args_list],
            [(case.number, "AAAAAAAA"), ("CZJ-2026-999999", "AAAAAAAA")],
        )

    def test_it_refuses_the_right_code_after_twenty_failures_until_the_oldest_leaves_the_window(self) -> None:
        case, code = start(self.as_actor(self.clerk), published())
        for attempt in range(20):
            with time_machine.travel(MONDAY + dt.timedelta(seconds=attempt), tick=False):
                self.assertEqual(self.ask(case.number, f"WRONG{attempt:03d}").status_code, 404)
        with time_machine.travel(MONDAY + dt.timedelta(seconds=30), tick=False):
            refused = self.ask(case.number, code)
        self.assertEqual(refused.status_code, 429)
        # The oldest failure (at 0 s) leaves the 60-second window at 60 s.
        self.assertEqual(refused.json()["retry_after"], 30)
        self.assertIn("30", refused.json()["detail"])
        self.assertEqual(FailedLookup.objects.count(), 20)  # a refusal is not a failure
        with time_machine.travel(MONDAY + dt.timedelta(seconds=60, microseconds=1), tick=False):
            self.assertEqual(self.ask(case.number, code).status_code, 200)
