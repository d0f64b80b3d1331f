import datetime as dt

import time_machine

from sunlight.cases.models import CaseState
from sunlight.cases.tests.factories import published
from sunlight.test import Personas

APPLICANT = {"kind": "person", "name": "张建华", "id_number": "430122198801011234", "phone": "13807310099"}


@time_machine.travel(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC), tick=False)
class CasesApiTests(Personas):
    def post(self, url: str, body: dict[str, object]) -> dict[str, object]:
        response = self.client.post(url, body, content_type="application/json")
        self.assertLess(response.status_code, 300, response.content)
        result: dict[str, object] = response.json()
        return result

    def test_it_runs_a_case_through_the_api(self) -> None:
        published()
        self.login(self.clerk)
        started = self.post(
            "/api/v1/cases",
            {
                "process": "CZJ-TEST",
                "subject": "领购票据",
                "applicant": APPLICANT,
                "risks_acknowledged": True,
            },
        )
        case = started["case"]
        number, code = case["number"], started["query_code"]  # type: ignore[index]
        step = self.client.get("/api/v1/cases/work").json()["todo"][0]
        bad = self.client.post(
            f"/api/v1/cases/{number}/steps/{step['id']}/complete",
            {"values": {"amount": "12.345", "copies": 0}},
            content_type="application/json",
        )
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(set(bad.json()["errors"]), {"amount", "copies"})
        self.post(
            f"/api/v1/cases/{number}/steps/{step['id']}/complete",
            {"values": {"amount": "12.50", "copies": 2}},
        )
        for user, node, decision in (
            (self.chief, "review", ""),
            (self.leader, "decide", "approve"),
            (self.clerk, "issue", ""),
        ):
            self.login(user)
            detail = self.client.get(f"/api/v1/cases/{number}").json()
            step_id = next(s["id"] for s in detail["steps"] if s["node"] == node)
            self.post(f"/api/v1/cases/{number}/steps/{step_id}/complete", {"decision": decision})
        self.client.logout()
        public = self.client.post(
            "/api/v1/portal/case-query", {"number": number, "code": code}, content_type="application/json"
        )
        self.assertEqual(public.json()["state"], CaseState.APPROVED)
        self.assertNotIn("张建华", public.content.decode())
        wrong = self.client.post(
            "/api/v1/portal/case-query", {"number": number, "code": "X"}, content_type="application/json"
        )
        self.assertEqual(wrong.status_code, 404)

    def test_it_keeps_other_units_out_of_a_case(self) -> None:
        published()
        self.login(self.clerk)
        number = self.post(
            "/api/v1/cases",
            {"process": "CZJ-TEST", "subject": "s", "applicant": APPLICANT, "risks_acknowledged": True},
        )["case"]["number"]  # type: ignore[index]
        self.login(self.outsider)
        self.assertEqual(self.client.get(f"/api/v1/cases/{number}").status_code, 404)

    def test_it_publishes_definitions_through_the_api(self) -> None:
        from sunlight.cases.tests.factories import document

        self.login(self.admin, verified=True)
        draft = self.post("/api/v1/processes/drafts", {"document": document()})
        self.assertEqual(draft["state"], "draft")
        self.post(f"/api/v1/processes/{draft['id']}/publish", {"reason": "批准"})
        self.assertIn(b"bpmn:userTask", self.client.get(f"/api/v1/processes/{draft['id']}/bpmn").content)
        broken = self.client.post(
            "/api/v1/processes/drafts", {"document": {"schema": "x"}}, content_type="application/json"
        )
        self.assertEqual(broken.status_code, 400)
