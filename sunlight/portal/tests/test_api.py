import datetime as dt
from typing import Any

import time_machine

from sunlight.cases.tests.factories import published, start
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
class PortalApiTests(Personas):
    def post(self, path: str, body: dict[str, object], address: str = "203.0.113.5") -> Any:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json", REMOTE_ADDR=address)

    def test_it_answers_the_case_query_with_masked_data_and_no_oracle(self) -> None:
        case, code = start(self.as_actor(self.clerk), published())
        right = self.post("/portal/case-query", {"number": case.number, "code": code})
        self.assertEqual(right.status_code, 200)
        data = right.json()
        self.assertEqual((data["applicant"], data["steps"][0]["name"]), ("张*华", "窗口受理"))
        wrong_code = self.post("/portal/case-query", {"number": case.number, "code": "AAAAAAAA"})
        wrong_number = self.post("/portal/case-query", {"number": "CZJ-2026-999999", "code": code})
        self.assertEqual(wrong_code.status_code, 404)
        self.assertEqual(wrong_code.content, wrong_number.content)

    def test_it_throttles_the_api_like_the_page(self) -> None:
        case, code = start(self.as_actor(self.clerk), published())
        for _ in range(20):
            self.post("/portal/case-query", {"number": case.number, "code": "AAAAAAAA"})
        refused = self.post("/portal/case-query", {"number": case.number, "code": code})
        self.assertEqual(refused.status_code, 429)
        self.assertEqual(refused.json()["retry_after"], 60)

    def test_it_rates_and_publishes_through_the_api(self) -> None:
        case, code = conclude(self)
        bad = self.post("/ratings", {"number": case.number, "code": code, "grade": 1, "comment": ""})
        self.assertEqual(bad.status_code, 400)
        self.assertIn("comment", bad.json()["errors"])
        done = self.post("/ratings", {"number": case.number, "code": code, "grade": 1, "comment": "太慢"})
        self.assertEqual(done.status_code, 201)
        self.assertEqual(done.json()["callback_due"], "2026-11-03")
        published_ = self.client.get("/api/v1/ratings/satisfaction").json()
        self.assertEqual(published_["units"][0]["counts"]["1"], 1)
        self.assertEqual(published_["units"][0]["satisfaction_percent"], 0)
