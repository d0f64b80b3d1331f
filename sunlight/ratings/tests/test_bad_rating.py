import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.alarms.models import Alarm, AlarmLevel
from sunlight.calendars.workdays import add_workdays
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel, Leaf
from sunlight.ledger.refusals import Refused
from sunlight.ratings import actions, timers
from sunlight.ratings.models import Callback, Contact, ContactKind, Grade, Rating, Rectification, TaskState
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

# Monday 2026-09-28, Shanghai: the case runs; the rating comes on Wednesday 30 September, the
# eve of the National Day holiday (1–7 October), and Saturday 10 October is a make-up workday.
MONDAY = dt.datetime(2026, 9, 28, 1, 0, tzinfo=dt.UTC)
EVE_OF_HOLIDAY = dt.datetime(2026, 9, 30, 2, 0, tzinfo=dt.UTC)


def portal() -> Actor:
    return Actor.system(Channel.PORTAL)


class BadRatingTests(Personas):
    def setUp(self) -> None:
        with time_machine.travel(MONDAY, tick=False):
            self.case, self.code = conclude(self)

    def rate_badly(self) -> Rating:
        with time_machine.travel(EVE_OF_HOLIDAY, tick=False):
            return actions.rate(
                portal(), self.case, code=self.code, grade=Grade.VERY_DISSATISFIED, comment="窗口让我跑了三趟"
            )

    def test_it_creates_the_callback_due_the_next_working_day_and_the_rectification_in_15(self) -> None:
        rating = self.rate_badly()
        callback, rectification = (
            Callback.objects.get(rating=rating),
            Rectification.objects.get(rating=rating),
        )
        # The next working day after 30 September is 8 October, past the holiday.
        self.assertEqual(callback.due_date, dt.date(2026, 10, 8))
        self.assertEqual(callback.due_date, add_workdays(dt.date(2026, 9, 30), 1).date)
        # 15 working days, counting the make-up Saturday 10 October.
        self.assertEqual(rectification.due_date, dt.date(2026, 10, 27))
        self.assertEqual((callback.unit, rectification.unit), (self.finance, self.finance))
        self.assertEqual((callback.state, rectification.state), (TaskState.OPEN, TaskState.OPEN))
        leaf = Leaf.objects.get(action="ratings.rate")
        self.assertIn('"callback_due":"2026-10-08"', leaf.data)

    def test_it_tells_the_rater_what_the_unit_must_do_by_when(self) -> None:
        with time_machine.travel(EVE_OF_HOLIDAY, tick=False):
            response = self.client.post(
                reverse("ratings:rate"),
                {
                    "rate": "1",
                    "number": self.case.number,
                    "code": self.code,
                    "grade": "2",
                    "comment": "态度差",
                },
            )
        self.assertContains(response, 'id="rating-obligations"')
        self.assertContains(response, "2026-10-08")
        self.assertContains(response, "2026-10-27")

    def test_it_records_every_contact_and_the_first_is_the_callback(self) -> None:
        rating = self.rate_badly()
        with time_machine.travel(dt.datetime(2026, 10, 8, 2, 0, tzinfo=dt.UTC), tick=False):
            contact = actions.record_contact(
                self.as_actor(self.monitor),
                rating,
                kind=ContactKind.PHONE,
                occurred_at=dt.datetime(2026, 10, 8, 1, 30, tzinfo=dt.UTC),
                note="致歉并说明整改安排",
            )
        callback = Callback.objects.get(rating=rating)
        self.assertEqual((callback.state, callback.contact), (TaskState.DONE, contact))
        self.assertEqual(contact.post, self.monitor_post)
        self.assertTrue(
            Leaf.objects.filter(action="ratings.record_contact", actor_id=self.monitor.pk).exists()
        )
        # The rater sees the recorded contact (kind and time, no names) on their case.
        response = self.client.post(reverse("portal:query"), {"number": self.case.number, "code": self.code})
        self.assertContains(response, 'id="rating-contacts"')
        self.assertNotContains(response, self.monitor.full_name)

    def test_it_lets_only_the_units_monitoring_centre_record_contacts(self) -> None:
        rating = self.rate_badly()
        with self.assertRaises(Refused):
            actions.record_contact(
                self.as_actor(self.clerk),
                rating,
                kind=ContactKind.VISIT,
                occurred_at=rating.rated_at,
                note="上门",
            )
        self.assertFalse(Contact.objects.exists())

    def test_it_allows_one_re_rating_after_the_rectification(self) -> None:
        rating = self.rate_badly()
        with self.assertRaisesMessage(ValidationError, "完成整改后"):
            actions.rate(portal(), self.case, code=self.code, grade=5, comment="")
        rectification = Rectification.objects.get(rating=rating)
        with self.assertRaisesMessage(ValidationError, "请先回访评价人"):
            actions.complete_rectification(self.as_actor(self.monitor), rectification, measures="一次告知")
        actions.record_contact(
            self.as_actor(self.monitor),
            rating,
            kind=ContactKind.PHONE,
            occurred_at=rating.rated_at,
            note="回访",
        )
        actions.complete_rectification(
            self.as_actor(self.monitor), rectification, measures="推行一次性告知清单"
        )
        again = actions.rate(portal(), self.case, code=self.code, grade=Grade.SATISFIED, comment="")
        self.assertEqual((again.round, again.previous), (2, rating))
        with self.assertRaisesMessage(ValidationError, "评价不能修改"):
            actions.rate(portal(), self.case, code=self.code, grade=5, comment="")
        self.assertEqual(Rating.objects.count(), 2)  # the first rating stays as it was
        self.assertEqual(Rating.objects.get(pk=rating.pk).grade, Grade.VERY_DISSATISFIED)

    def test_it_raises_a_yellow_card_once_when_the_callback_is_overdue(self) -> None:
        self.rate_badly()
        with time_machine.travel(dt.datetime(2026, 10, 9, 2, 0, tzinfo=dt.UTC), tick=False):
            self.assertEqual(timers.overdue(), 1)
            self.assertEqual(timers.overdue(), 0)
        alarm = Alarm.objects.get(dedupe_key__startswith="ratings.callback-overdue")
        self.assertEqual((alarm.level, alarm.unit), (AlarmLevel.YELLOW, self.finance))

    def test_it_shows_the_monitoring_centre_its_bad_ratings(self) -> None:
        rating = self.rate_badly()
        self.login(self.monitor)
        response = self.client.get(reverse("ratings:unit"))
        self.assertContains(response, reverse("ratings:detail", args=[rating.pk]))
        detail = self.client.get(reverse("ratings:detail", args=[rating.pk]))
        self.assertContains(detail, "窗口让我跑了三趟")
        self.assertContains(detail, 'id="contact-form"')
        self.login(self.outsider)
        self.assertEqual(self.client.get(reverse("ratings:detail", args=[rating.pk])).status_code, 403)

    def test_it_records_a_contact_through_the_page(self) -> None:
        rating = self.rate_badly()
        self.login(self.monitor)
        response = self.client.post(
            reverse("ratings:contact", args=[rating.pk]),
            {"kind": "phone", "occurred_at": "2026-10-08T10:00", "note": "已回访"},
        )
        self.assertRedirects(response, reverse("ratings:detail", args=[rating.pk]))
        self.assertEqual(Callback.objects.get(rating=rating).state, TaskState.DONE)
