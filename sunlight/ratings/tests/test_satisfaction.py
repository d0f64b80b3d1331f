import datetime as dt

import time_machine
from django.urls import reverse

from sunlight.cases.tests.factories import published
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.ratings import actions, queries
from sunlight.ratings.models import ContactKind, Grade, Rectification
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

MONDAY = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
class SatisfactionTests(Personas):
    def rate(self, grade: int, comment: str = "") -> None:
        case, code = conclude(self, self.definition)
        actions.rate(Actor.system(Channel.PORTAL), case, code=code, grade=grade, comment=comment)

    def setUp(self) -> None:
        self.definition = published()

    def test_it_publishes_counts_per_unit_and_per_item_without_comments(self) -> None:
        self.rate(Grade.VERY_SATISFIED)
        self.rate(Grade.SATISFIED)
        self.rate(Grade.FAIRLY_SATISFIED)
        self.rate(Grade.VERY_DISSATISFIED, "经办人13900001111态度恶劣")
        (unit,) = queries.satisfaction_by_unit()
        self.assertEqual((unit.name, unit.total, unit.satisfied, unit.rate), ("区财政局", 4, 3, 75))
        (item,) = queries.satisfaction_by_item()
        self.assertEqual((item.name, item.unit_name, item.total), ("财政票据领购审批", "区财政局", 4))
        response = self.client.get(reverse("ratings:satisfaction"))
        self.assertContains(response, 'id="satisfaction-units"')
        self.assertContains(response, "75%")
        self.assertNotContains(response, "13900001111")
        self.assertNotContains(response, "态度恶劣")

    def test_it_counts_the_re_rating_instead_of_the_rating_it_follows(self) -> None:
        case, code = conclude(self, self.definition)
        first = actions.rate(Actor.system(Channel.PORTAL), case, code=code, grade=1, comment="慢")
        actions.record_contact(
            self.as_actor(self.monitor),
            first,
            kind=ContactKind.PHONE,
            occurred_at=first.rated_at,
            note="回访",
        )
        actions.complete_rectification(
            self.as_actor(self.monitor), Rectification.objects.get(rating=first), measures="提速"
        )
        actions.rate(Actor.system(Channel.PORTAL), case, code=code, grade=5, comment="")
        (unit,) = queries.satisfaction_by_unit()
        self.assertEqual((unit.total, unit.counts), (1, {5: 1}))

    def test_it_reads_the_published_page_in_few_queries(self) -> None:
        for grade in (5, 4, 2):
            self.rate(grade, "x")
        with self.assertNumQueries(4):
            self.client.get(reverse("ratings:satisfaction"))
