import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.cases.tests.factories import published, start
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel, Leaf
from sunlight.ratings import actions
from sunlight.ratings.models import Callback, Grade, Rating, RatingChannel, RatingImmutable
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def portal() -> Actor:
    return Actor.system(Channel.PORTAL)


@time_machine.travel(MONDAY, tick=False)
class RatingTests(Personas):
    def setUp(self) -> None:
        self.case, self.code = conclude(self)
        self.url = reverse("ratings:rate")

    def test_it_lets_the_applicant_rate_a_concluded_case_with_the_query_code(self) -> None:
        # From the query page's button: number and code first, then the grades.
        form = self.client.post(self.url, {"number": self.case.number, "code": self.code})
        self.assertContains(form, 'name="grade"')
        self.assertContains(form, 'name="rate"')
        done = self.client.post(
            self.url,
            {"rate": "1", "number": self.case.number, "code": self.code, "grade": "5", "comment": "办事很快"},
        )
        self.assertContains(done, 'id="rating-done"')
        rating = Rating.objects.get()
        self.assertEqual(
            (rating.case, rating.grade, rating.round, rating.unit), (self.case, 5, 1, self.finance)
        )
        self.assertEqual(rating.channel, RatingChannel.PORTAL)
        leaf = Leaf.objects.get(action="ratings.rate")
        self.assertIsNone(leaf.actor_id)
        self.assertNotIn("办事很快", leaf.data)  # the comment is in the ledger as a digest only
        self.assertFalse(Callback.objects.exists())  # a good rating obliges nothing

    def test_it_rates_from_the_kiosk_too(self) -> None:
        self.client.post(
            reverse("portal:kiosk_rate"),
            {"rate": "1", "number": self.case.number, "code": self.code, "grade": "4", "comment": ""},
        )
        self.assertEqual(Rating.objects.get().channel, RatingChannel.KIOSK)

    def test_it_gives_a_wrong_code_the_generic_answer(self) -> None:
        response = self.client.post(
            self.url,
            {"rate": "1", "number": self.case.number, "code": "AAAAAAAA", "grade": "1", "comment": "x"},
        )
        self.assertContains(response, 'id="rate-error"')
        self.assertFalse(Rating.objects.exists())
        with self.assertRaises(ValidationError):
            actions.rate(portal(), self.case, code="AAAAAAAA", grade=5, comment="")

    def test_it_accepts_one_rating_per_case(self) -> None:
        actions.rate(portal(), self.case, code=self.code, grade=4, comment="")
        with self.assertRaisesMessage(ValidationError, "评价不能修改"):
            actions.rate(portal(), self.case, code=self.code, grade=1, comment="改主意了")
        response = self.client.post(self.url, {"number": self.case.number, "code": self.code})
        self.assertContains(response, 'id="rating-refusal"')
        self.assertEqual(Rating.objects.count(), 1)

    def test_it_refuses_to_rate_a_case_still_in_progress(self) -> None:
        running, code = start(self.as_actor(self.clerk), published())
        with self.assertRaisesMessage(ValidationError, "尚未办结"):
            actions.rate(portal(), running, code=code, grade=5, comment="")

    def test_it_needs_one_of_five_grades_and_a_comment_for_a_bad_one(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.rate(portal(), self.case, code=self.code, grade=6, comment="")
        self.assertIn("grade", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            actions.rate(portal(), self.case, code=self.code, grade=Grade.DISSATISFIED, comment=" ")
        self.assertIn("comment", caught.exception.message_dict)
        self.assertFalse(Rating.objects.exists())

    def test_it_never_changes_or_deletes_a_rating(self) -> None:
        rating = actions.rate(portal(), self.case, code=self.code, grade=5, comment="")
        rating.grade = 1
        with self.assertRaises(RatingImmutable):
            rating.save()
        with self.assertRaises(RatingImmutable):
            rating.delete()
        with self.assertRaises(RatingImmutable):
            Rating.objects.filter(pk=rating.pk).update(grade=1)
        with self.assertRaises(RatingImmutable):
            Rating.objects.all().delete()
        rating.refresh_from_db()
        self.assertEqual(rating.grade, 5)

    def test_it_shows_the_rater_their_rating_on_the_case_query(self) -> None:
        actions.rate(portal(), self.case, code=self.code, grade=4, comment="")
        response = self.client.post(reverse("portal:query"), {"number": self.case.number, "code": self.code})
        self.assertContains(response, 'class="rating-given"')
        self.assertNotContains(response, 'id="rate-button"')
