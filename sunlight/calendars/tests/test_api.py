"""The calendar's API: a year's days and due dates for every caller, entering years for administrators."""

from __future__ import annotations

import datetime as dt
from typing import Any

import time_machine

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import AccountKind
from sunlight.calendars.actions import enter_arrangement
from sunlight.calendars.models import HolidayArrangement
from sunlight.calendars.tests.helpers import SOURCE_2027, CalendarTestCase, days_2027
from sunlight.test import system

BODY_2027: dict[str, Any] = {
    "year": 2027,
    "source": SOURCE_2027,
    "document_number": "国办发明电〔2026〕X号",
    "holidays": [
        {"date": "2027-01-01", "name": "元旦"},
        {"date": "2027-10-01", "until": "2027-10-07", "name": "国庆节"},
    ],
    "makeup_days": [{"date": "2027-10-09", "name": "国庆节"}],
}


@time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC), tick=False)
class CalendarApiTests(CalendarTestCase):
    def test_it_gives_a_year_and_where_its_days_come_from(self) -> None:
        self.login(self.clerk)
        body = self.client.get("/api/v1/calendars/2026").json()
        self.assertEqual(body["status"], "default")
        self.assertFalse(body["provisional"])
        self.assertEqual(body["working_days"], 248)
        days = {d["date"]: d["kind"] for d in body["days"]}
        self.assertEqual(days["2026-10-01"], "holiday")
        self.assertEqual(days["2026-10-10"], "makeup")
        missing = self.client.get("/api/v1/calendars/2027").json()
        self.assertEqual((missing["status"], missing["provisional"], missing["days"]), ("fallback", True, []))
        self.assertEqual(self.client.get("/api/v1/calendars/1999").status_code, 404)

    def test_it_computes_due_dates_for_an_integration(self) -> None:
        kiosk = account_actions.create_person(
            system(), username="hall-kiosk", full_name="政务大厅查询机", kind=AccountKind.INTEGRATION
        )
        _token, raw = account_actions.issue_api_token(system(), user=kiosk, name="政务大厅查询机")
        auth = {"Authorization": f"Bearer {raw}"}
        url = "/api/v1/calendars/due-date"
        body = self.client.get(url, {"start": "2026-09-30", "workdays": "3"}, headers=auth).json()
        self.assertEqual((body["due_date"], body["provisional"]), ("2026-10-10", False))
        body = self.client.get(url, {"start": "2026-09-24", "calendar_days": "7"}, headers=auth).json()
        self.assertEqual(body["due_date"], "2026-10-08")
        body = self.client.get(url, {"start": "2026-12-30", "workdays": "3"}, headers=auth).json()
        self.assertEqual((body["due_date"], body["provisional"]), ("2027-01-04", True))
        both = self.client.get(
            url, {"start": "2026-09-30", "workdays": "3", "calendar_days": "3"}, headers=auth
        )
        self.assertEqual(both.status_code, 400)
        self.assertEqual(
            self.client.get(url, {"start": "2026-09-30", "workdays": "1000000"}, headers=auth).status_code,
            400,
        )
        self.assertEqual(self.client.get(url, {"start": "2026-09-30", "workdays": "3"}).status_code, 401)

    def test_it_lets_administrators_enter_and_edit_a_year(self) -> None:
        self.login(self.admin, verified=True)
        response = self.client.post("/api/v1/calendars", BODY_2027, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        self.assertEqual(response.json()["status"], "loaded")
        self.assertEqual(len(response.json()["days"]), 9)
        edit = {**BODY_2027, "makeup_days": []}
        del edit["year"]
        response = self.client.put("/api/v1/calendars/2027", edit, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"reason"})
        response = self.client.put(
            "/api/v1/calendars/2027", {**edit, "reason": "更正"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 200, response.content)
        self.assertEqual(response.json()["revision"], 2)
        self.assertEqual(
            self.client.put(
                "/api/v1/calendars/2028", {**edit, "reason": "x"}, content_type="application/json"
            ).status_code,
            404,
        )

    def test_it_answers_bad_input_with_field_errors(self) -> None:
        self.login(self.admin, verified=True)
        bad = {**BODY_2027, "source": "", "makeup_days": [{"date": "2027-10-11"}]}
        response = self.client.post("/api/v1/calendars", bad, content_type="application/json")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(set(response.json()["errors"]), {"source", "makeup_days"})
        backwards = {**BODY_2027, "holidays": [{"date": "2027-10-07", "until": "2027-10-01"}]}
        response = self.client.post("/api/v1/calendars", backwards, content_type="application/json")
        self.assertEqual(set(response.json()["errors"]), {"holidays"})
        self.assertFalse(HolidayArrangement.objects.exists())

    def test_it_refuses_writes_from_everyone_else(self) -> None:
        self.login(self.clerk)
        response = self.client.post("/api/v1/calendars", BODY_2027, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        self.login(self.admin)  # no second factor in this session
        response = self.client.post("/api/v1/calendars", BODY_2027, content_type="application/json")
        self.assertEqual(response.status_code, 403)
        enter_arrangement(self.as_actor(self.admin), year=2027, source=SOURCE_2027, days=days_2027())
        self.login(self.inspector, verified=True)
        response = self.client.put(
            "/api/v1/calendars/2027", {**BODY_2027, "reason": "x"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(HolidayArrangement.objects.get().revision, 1)
