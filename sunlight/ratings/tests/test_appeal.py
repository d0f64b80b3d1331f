import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel, Leaf
from sunlight.ledger.refusals import Refused
from sunlight.orgs.models import PostKind
from sunlight.ratings import actions, queries
from sunlight.ratings.models import Appeal, AppealState, Grade, Rectification, TaskState
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas, assign, make_person, make_post

MONDAY = dt.datetime(2026, 11, 2, 1, 0, tzinfo=dt.UTC)


@time_machine.travel(MONDAY, tick=False)
class AppealTests(Personas):
    def setUp(self) -> None:
        self.case, code = conclude(self)
        self.rating = actions.rate(
            Actor.system(Channel.PORTAL), self.case, code=code, grade=Grade.VERY_DISSATISFIED, comment="乱评"
        )

    def appeal(self) -> Appeal:
        return actions.file_appeal(
            self.as_actor(self.monitor), self.rating, reason="评价内容与本办件无关，系同行恶意差评"
        )

    def test_it_lets_the_unit_appeal_and_an_inspector_decide(self) -> None:
        appeal = self.appeal()
        self.assertEqual(appeal.state, AppealState.FILED)
        decided = actions.decide_appeal(
            self.as_actor(self.inspector), appeal, uphold=True, reason="经核实属恶意差评"
        )
        self.assertEqual((decided.state, decided.decided_by), (AppealState.UPHELD, self.inspector))
        leaf = Leaf.objects.get(action="ratings.decide_appeal")
        self.assertEqual(leaf.actor_id, self.inspector.pk)
        self.assertIn(self.inspector_post.code, leaf.data)
        # The false rating is no longer counted, and obliges nothing further.
        self.assertEqual(queries.satisfaction_by_unit(), [])
        self.assertEqual(Rectification.objects.get(rating=self.rating).state, TaskState.CANCELLED)

    def test_it_never_lets_the_unit_decide_its_own_appeal(self) -> None:
        appeal = self.appeal()
        for person in (self.monitor, self.head, self.leader):
            with self.assertRaises(Refused):
                actions.decide_appeal(self.as_actor(person), appeal, uphold=True, reason="我们认为是恶意差评")
        appeal.refresh_from_db()
        self.assertEqual(appeal.state, AppealState.FILED)
        self.assertEqual(
            Alarm.objects.filter(kind=AlarmKind.AUTHORITY_VIOLATION, unit=self.finance).count(), 3
        )

    def test_it_needs_an_inspector_whose_jurisdiction_covers_the_unit(self) -> None:
        appeal = self.appeal()
        water_inspector = make_person("water-inspector", "周敏")
        assign(
            water_inspector,
            make_post(self.commission, PostKind.INSPECTOR, "JW-IN09", jurisdiction=[self.water]),
        )
        with self.assertRaises(Refused):
            actions.decide_appeal(self.as_actor(water_inspector), appeal, uphold=False, reason="不属实")

    def test_it_keeps_a_rejected_appeals_rating_and_its_obligations(self) -> None:
        appeal = self.appeal()
        actions.decide_appeal(self.as_actor(self.inspector), appeal, uphold=False, reason="评价有据")
        self.assertEqual(Rectification.objects.get(rating=self.rating).state, TaskState.OPEN)
        self.assertEqual(queries.satisfaction_by_unit()[0].total, 1)
        with self.assertRaisesMessage(ValidationError, "该申诉已裁决"):
            actions.decide_appeal(self.as_actor(self.inspector), appeal, uphold=True, reason="再议")

    def test_it_appeals_only_a_bad_rating_once(self) -> None:
        self.appeal()
        with self.assertRaisesMessage(ValidationError, "已申诉过"):
            self.appeal()

    def test_it_decides_on_the_inspectors_page_with_the_second_factor(self) -> None:
        appeal = self.appeal()
        url = reverse("ratings:appeal", args=[appeal.pk])
        self.login(self.inspector)
        self.assertRedirects(
            self.client.get(url),
            f"{reverse('accounts:second_factor')}?next={url}",
            fetch_redirect_response=False,
        )
        self.login(self.inspector, verified=True)
        listing = self.client.get(reverse("ratings:appeals"))
        self.assertContains(listing, url)
        response = self.client.post(url, {"decision": "reject", "reason": "评价有据"})
        self.assertRedirects(response, url)
        appeal.refresh_from_db()
        self.assertEqual(appeal.state, AppealState.REJECTED)

    def test_it_keeps_the_monitoring_centre_off_the_decision_page(self) -> None:
        appeal = self.appeal()
        self.login(self.monitor)
        self.assertEqual(self.client.get(reverse("ratings:appeal", args=[appeal.pk])).status_code, 403)

    def test_it_files_the_appeal_through_the_units_page(self) -> None:
        self.login(self.monitor)
        response = self.client.post(
            reverse("ratings:appeal_file", args=[self.rating.pk]), {"reason": "恶意差评"}
        )
        self.assertRedirects(response, reverse("ratings:detail", args=[self.rating.pk]))
        self.assertEqual(Appeal.objects.get().filed_by, self.monitor)
