import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks import actions, coverage
from sunlight.risks.content import Prompt
from sunlight.risks.models import RiskRevision
from sunlight.risks.tests.helpers import measure_data, point_data
from sunlight.test import Personas


class RiskRegisterTests(Personas):
    def setUp(self) -> None:
        self.unit = self.as_actor(self.chief)
        publish(self.as_actor(self.leader), self.inspector, draft(self.unit, self.finance))

    def test_it_grades_power_over_money_procurement_projects_and_major_matters_high(self) -> None:
        for domain in ("funds", "procurement", "projects", "major_matters"):
            with self.assertRaises(ValidationError, msg=domain) as caught:
                actions.create_risk_point(
                    self.unit, self.finance, point_data(level="medium", domains=(domain,))
                )
            self.assertIn("level", caught.exception.message_dict)
        point = actions.create_risk_point(self.unit, self.finance, point_data(domains=("funds",)))
        self.assertEqual((point.code, point.level), ("CZJ-FX-0001", "high"))

    def test_it_needs_the_red_line_of_a_high_risk_and_its_consequence(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.create_risk_point(self.unit, self.finance, point_data(red_line="", consequence=""))
        self.assertIn("red_line", caught.exception.message_dict)
        with self.assertRaises(ValidationError) as caught:
            actions.create_risk_point(self.unit, self.finance, point_data(consequence=""))
        self.assertIn("consequence", caught.exception.message_dict)

    def test_it_keeps_units_to_their_own_register(self) -> None:
        for person in (self.clerk, self.outsider, self.inspector, self.admin):
            with self.assertRaises(Refused, msg=person.username):
                actions.create_risk_point(self.as_actor(person), self.finance, point_data())
        with self.assertRaises(ValidationError):
            actions.create_risk_point(self.unit, self.finance, point_data(post="SWJ-CK01"))
        point = actions.create_risk_point(self.unit, self.finance, point_data())
        with self.assertRaises(Refused):
            actions.update_risk_point(
                self.as_actor(self.outsider), point, point_data(level="low", red_line="")
            )

    def test_it_records_what_prompted_a_revision(self) -> None:
        point = actions.create_risk_point(self.unit, self.finance, point_data(level="medium"))
        with self.assertRaises(ValidationError):
            actions.update_risk_point(self.unit, point, point_data(), prompt=Prompt(kind="complaint"))
        actions.update_risk_point(
            self.as_actor(self.monitor),
            point,
            point_data(level="high"),
            prompt=Prompt(
                kind="bad_rating",
                source="alarms.alarm:42",
                reference="好差评差评回访 2025-3",
                note="上调等级",
            ),
        )
        revision = RiskRevision.objects.get()
        self.assertEqual(
            (revision.prompt, revision.source, revision.changed), ("bad_rating", "alarms.alarm:42", ["level"])
        )
        leaf = Leaf.objects.filter(action="risks.update_point").get()
        self.assertIn("bad_rating", leaf.data)
        self.assertIn("CZJ-MC01", leaf.data)

    def test_it_shows_the_coverage_gaps(self) -> None:
        publish(
            self.as_actor(self.leader),
            self.inspector,
            draft(self.unit, self.finance, code="CZJ-XK-0002", name="未评估的事项"),
        )
        actions.create_risk_point(self.unit, self.finance, point_data())  # high, no measure
        point = actions.create_risk_point(
            self.unit,
            self.finance,
            point_data(level="medium", red_line="", consequence=""),
            measures=[measure_data(next_review=dt.date(2020, 1, 1))],
        )
        gaps = coverage.gaps(self.finance.pk)
        self.assertEqual([v.item.code for v in gaps.powers_without_risk], ["CZJ-XK-0002"])
        self.assertEqual([p.code for p in gaps.high_without_measure], ["CZJ-FX-0001"])
        self.assertEqual([m.risk_point_id for m in gaps.measures_past_review], [point.pk])
        self.login(self.clerk)
        response = self.client.get(reverse("risks:register"))
        self.assertContains(response, "CZJ-XK-0002")
        self.assertNotContains(response, 'id="new-risk"')

    def test_it_moves_the_next_review_on_when_a_measure_is_reviewed(self) -> None:
        point = actions.create_risk_point(
            self.unit, self.finance, point_data(), measures=[measure_data(cadence="quarterly")]
        )
        measure = point.measures.get()
        with time_machine.travel(dt.datetime(2026, 1, 31, 10, tzinfo=dt.UTC), tick=False):
            actions.review_measure(self.as_actor(self.monitor), measure, note="抽查10件，均按时办结")
        measure.refresh_from_db()
        self.assertEqual(
            (measure.last_reviewed_on, measure.next_review), (dt.date(2026, 1, 31), dt.date(2026, 4, 30))
        )
        with self.assertRaises(ValidationError):
            actions.review_measure(self.as_actor(self.monitor), measure, note="")
