"""Entering and editing a year's arrangement: overrides, validation, refusals, the ledger."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import override

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.calendars.actions import DayEntry, edit_arrangement, enter_arrangement
from sunlight.calendars.models import ArrangementDay, CalendarRevision, HolidayArrangement, YearStatus
from sunlight.calendars.tests.helpers import SOURCE_2027, CalendarTestCase, D, H, W, days, days_2027
from sunlight.calendars.workdays import is_workday, year_status
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.test import system


class ArrangementTests(CalendarTestCase):
    def enter(self, **overrides: Any) -> HolidayArrangement:
        fields: dict[str, Any] = {"year": 2027, "source": SOURCE_2027, "days": days_2027()}
        fields.update(overrides)
        return enter_arrangement(self.as_actor(self.admin), **fields)

    def errors_of(self, **overrides: Any) -> dict[str, list[str]]:
        """The field errors of entering 2027 with `overrides`, in English."""
        with override("en"), pytest.raises(ValidationError) as caught:
            self.enter(**overrides)
        return caught.value.message_dict

    def assert_nothing_written(self) -> None:
        self.assertFalse(HolidayArrangement.objects.exists())
        self.assertFalse(ArrangementDay.objects.exists())
        self.assertFalse(CalendarRevision.objects.exists())
        self.assertFalse(Leaf.objects.filter(action__startswith="calendars.").exists())

    def test_it_overrides_the_package_for_its_year(self) -> None:
        # chinese-calendar: 2025's National Day holiday runs 10-01..10-08, with Sat 10-11 worked.
        self.assertEqual(year_status(2025), YearStatus.DEFAULT)
        self.assertFalse(is_workday(D(2025, 10, 8)))
        self.assertTrue(is_workday(D(2025, 10, 11)))
        # An administrator's (made-up) correction: the holiday ends on 10-07 and 10-11 is not worked.
        self.enter(year=2025, source="更正（测试）", days=days(H, D(2025, 10, 1), D(2025, 10, 7)))
        self.assertEqual(year_status(2025), YearStatus.LOADED)
        self.assertTrue(is_workday(D(2025, 10, 8)))
        self.assertFalse(is_workday(D(2025, 10, 11)))
        # The whole year is the administrator's: the package's Spring Festival is gone too.
        self.assertTrue(is_workday(D(2025, 1, 29)))
        self.assertEqual(year_status(2024), YearStatus.DEFAULT)

    def test_it_records_the_arrangement_with_its_source_in_the_ledger(self) -> None:
        arrangement = self.enter(document_number="国办发明电〔2026〕X号", published_on=D(2026, 11, 1))
        self.assertEqual(arrangement.days.count(), 9)
        self.assertEqual(arrangement.entered_by, self.admin)
        leaf = Leaf.objects.get(action="calendars.enter_arrangement")
        self.assertEqual(leaf.object_id, str(arrangement.pk))
        self.assertIn("2027-10-09 国庆节", leaf.data)
        self.assertIn(SOURCE_2027, leaf.data)

    def test_it_accepts_holidays_on_weekends_as_the_notice_prints_them(self) -> None:
        # 2027-10-02 and 10-03 are a Saturday and a Sunday inside the National Day range.
        arrangement = self.enter()
        self.assertTrue(arrangement.days.filter(date=D(2027, 10, 2), kind=H).exists())
        self.assertFalse(is_workday(D(2027, 10, 2)))

    def test_it_keeps_one_day_per_date_when_ranges_overlap(self) -> None:
        twice = [*days_2027(), *days(H, D(2027, 10, 5), D(2027, 10, 8), "国庆节")]
        arrangement = self.enter(days=twice)
        self.assertEqual(arrangement.days.filter(date__month=10, kind=H).count(), 8)

    def test_it_names_every_problem_by_field_and_writes_nothing(self) -> None:
        errors = self.errors_of(
            source=" ",
            url="gov.cn/notice",
            days=[
                *days(H, D(2026, 12, 31)),  # not in 2027
                *days(W, D(2027, 10, 11)),  # a Monday
                *days(H, D(2027, 10, 16)),
                *days(W, D(2027, 10, 16)),  # both
            ],
        )
        self.assertEqual(set(errors), {"source", "url", "holidays", "makeup_days"})
        self.assertIn("2026-12-31 is not in 2027.", errors["holidays"])
        self.assertIn("2027-10-16 is listed both as a holiday and as a make-up workday.", errors["holidays"])
        self.assertIn(
            "2027-10-11 is a Monday: a make-up workday must be a Saturday or a Sunday.", errors["makeup_days"]
        )
        self.assert_nothing_written()

    def test_it_refuses_years_outside_the_range_and_a_year_without_holidays(self) -> None:
        self.assertEqual(set(self.errors_of(year=1999, days=days(H, D(1999, 10, 1)))), {"year"})
        self.assertEqual(
            self.errors_of(days=days(W, D(2027, 10, 9))), {"holidays": ["List the holidays of the notice."]}
        )
        self.assertEqual(set(self.errors_of(published_on=D(2099, 1, 1))), {"published_on"})
        self.assert_nothing_written()

    def test_it_refuses_a_second_arrangement_for_the_same_year(self) -> None:
        self.enter()
        self.assertEqual(set(self.errors_of()), {"year"})
        self.assertEqual(HolidayArrangement.objects.count(), 1)

    def test_it_refuses_people_who_are_not_administrators_and_records_the_attempt(self) -> None:
        for person in (self.clerk, self.inspector, self.head):
            with pytest.raises(Refused):
                enter_arrangement(self.as_actor(person), year=2027, source=SOURCE_2027, days=days_2027())
        self.assert_nothing_written()
        self.assertEqual(Leaf.objects.filter(action="refused").count(), 3)
        self.assertEqual(Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION).count(), 3)
        arrangement = self.enter()
        with pytest.raises(Refused):
            edit_arrangement(
                self.as_actor(self.clerk), arrangement, source="x", days=days_2027(), reason="我觉得应该放假"
            )
        self.assertEqual(HolidayArrangement.objects.get().revision, 1)

    def test_it_edits_with_a_reason_and_records_what_changed(self) -> None:
        arrangement = self.enter()
        changed = [*days_2027(), *days(H, D(2027, 10, 8), name="国庆节")]
        with pytest.raises(ValidationError) as caught:
            edit_arrangement(
                self.as_actor(self.admin), arrangement, source=SOURCE_2027, days=changed, reason=" "
            )
        self.assertEqual(set(caught.value.message_dict), {"reason"})
        self.assertTrue(is_workday(D(2027, 10, 8)))

        edit_arrangement(
            self.as_actor(self.admin),
            arrangement,
            source=SOURCE_2027,
            days=changed,
            reason="补充通知：10月8日放假",
        )
        self.assertFalse(is_workday(D(2027, 10, 8)))
        arrangement.refresh_from_db()
        self.assertEqual(arrangement.revision, 2)
        leaf = Leaf.objects.get(action="calendars.edit_arrangement")
        self.assertIn("补充通知：10月8日放假", leaf.data)
        self.assertIn('"holidays"', leaf.data)
        self.assertNotIn('"source"', leaf.data)  # unchanged fields are not listed

    def test_it_says_so_when_an_edit_changes_nothing(self) -> None:
        arrangement = self.enter()
        with override("en"), pytest.raises(ValidationError) as caught:
            edit_arrangement(
                self.as_actor(self.admin),
                arrangement,
                source=SOURCE_2027,
                days=days_2027(),
                reason="再存一次",
            )
        self.assertIn("Nothing is changed", caught.value.messages[0])
        self.assertEqual(Leaf.objects.filter(action="calendars.edit_arrangement").count(), 0)

    def test_it_lets_the_system_enter_a_year(self) -> None:
        arrangement = enter_arrangement(
            system(), year=2027, source=SOURCE_2027, days=[DayEntry(D(2027, 1, 1), H)]
        )
        self.assertIsNone(arrangement.entered_by)
