"""Separation of duties: administrators configure, inspectors score, approve and publish; units
read their own approved results and edit nothing; the letter for a failing unit is sealed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from sunlight.assessments import actions
from sunlight.assessments.models import (
    DEFAULT_RULES,
    Assessment,
    AssessmentGrade,
    AssessmentState,
    Indicator,
    Scheme,
)
from sunlight.assessments.periods import Quarter
from sunlight.assessments.tests.helpers import at, one_step, red_alarm, scheme, start
from sunlight.documents.models import DocumentKind
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.test import Personas

Q3 = Quarter(2026, 3)
# A scheme where any unexplained red alarm fails the unit: alarms decide everything.
STRICT = dict.fromkeys(Indicator.values, (0, 0, 1)) | {
    Indicator.UNEXPLAINED: (100, 1, 0),
    Indicator.ON_TIME: (0, 5000, 10000),
}


class SchemeTests(Personas):
    def test_it_lets_only_an_administrator_configure_the_scheme(self) -> None:
        rules = actions.default_rules()
        for person in (self.inspector, self.monitor, self.head):
            with self.assertRaises(Refused, msg=person.username):
                actions.configure_scheme(Actor.of(person), year=2026, rules=rules)
        actions.configure_scheme(Actor.of(self.admin), year=2026, rules=rules, reason="年度方案")
        self.assertEqual(Scheme.objects.get(year=2026).rules.count(), 8)
        leaf = Leaf.objects.get(action="assessments.configure_scheme")
        self.assertIn("DZZW-AD01", leaf.data)

    def test_it_refuses_weights_that_do_not_add_up_and_rising_thresholds(self) -> None:
        rules = actions.default_rules() | {Indicator.REPORTS: actions.RuleData(20, 3, 0)}
        with self.assertRaises(ValidationError) as caught:
            actions.configure_scheme(Actor.of(self.admin), year=2026, rules=rules)
        self.assertIn("110", str(caught.exception))
        with self.assertRaises(ValidationError):
            actions.configure_scheme(
                Actor.of(self.admin), year=2026, rules=actions.default_rules(), thresholds=(80, 90, 60)
            )

    def test_it_saves_the_scheme_from_the_page_in_per_cents(self) -> None:
        self.login(self.admin, verified=True)
        form = {"excellent_from": "90", "good_from": "80", "pass_from": "60", "reason": "调整"}
        for indicator, (weight, zero, full) in DEFAULT_RULES.items():
            form[f"{indicator}_weight"] = str(weight)
            form[f"{indicator}_zero_point"] = str(zero)
            form[f"{indicator}_full_point"] = str(full)
        form[f"{Indicator.ON_TIME}_zero_point"] = "85"
        form[f"{Indicator.ON_TIME}_full_point"] = "100"
        form[f"{Indicator.SATISFACTION}_zero_point"] = "80"
        form[f"{Indicator.SATISFACTION}_full_point"] = "100"
        form[f"{Indicator.RECTIFICATION}_zero_point"] = "50"
        form[f"{Indicator.RECTIFICATION}_full_point"] = "100"
        form[f"{Indicator.CONTROL_PLAN}_full_point"] = "100"
        form[f"{Indicator.ALARMS_PER_100}_zero_point"] = "20"
        response = self.client.post(reverse("assessments:scheme", args=[2026]), form)
        self.assertRedirects(response, reverse("assessments:schemes"))
        rule = Scheme.objects.get(year=2026).rules.get(indicator=Indicator.ON_TIME)
        self.assertEqual((rule.zero_point, rule.full_point), (8500, 10000))
        self.login(self.inspector, verified=True)
        self.assertEqual(self.client.get(reverse("assessments:scheme", args=[2026])).status_code, 403)

    def test_it_carries_a_scheme_over_to_a_year_nobody_configured(self) -> None:
        scheme(self.admin, 2025, STRICT)
        carried = actions.scheme_for(2026)
        self.assertEqual(carried.rules.get(indicator=Indicator.UNEXPLAINED).weight, 100)


class DutiesTests(Personas):
    def setUp(self) -> None:
        with at("2026-07-01"):
            scheme(self.admin, 2026, STRICT)
        case, _code = start(self.clerk, one_step("CZJ"), "2026-07-06")
        red_alarm(self.finance, "2026-07-13", "never-explained", case)

    def compute(self, day: str = "2026-10-12") -> list[Assessment]:
        with at(day):
            return actions.compute_quarter(Actor.of(self.inspector), Q3)

    def test_it_lets_only_a_district_inspector_compute(self) -> None:
        for person in (self.admin, self.monitor, self.head):
            with self.assertRaises(Refused, msg=person.username), at("2026-10-12"):
                actions.compute_quarter(Actor.of(person), Q3)
        self.compute()
        self.assertEqual(Assessment.objects.get(unit=self.finance).grade, AssessmentGrade.FAIL)

    def test_it_keeps_units_and_administrators_from_manual_items(self) -> None:
        self.compute()
        finance = Assessment.objects.get(unit=self.finance)
        for person in (self.monitor, self.head, self.admin):
            with self.assertRaises(Refused, msg=person.username):
                actions.add_manual_item(Actor.of(person), finance, points_centi=500, reason="自评加分")
        with self.assertRaises(ValidationError):
            actions.add_manual_item(Actor.of(self.inspector), finance, points_centi=500, reason=" ")
        with self.assertRaises(ValidationError):
            actions.add_manual_item(Actor.of(self.inspector), finance, points_centi=5000, reason="过多")
        self.login(self.monitor)
        url = reverse("assessments:unit", args=[2026, 3, self.finance.pk])
        self.assertEqual(self.client.post(url, {"points": "5", "reason": "自评"}).status_code, 404)

    def test_it_approves_after_the_quarter_ended_then_publishes_and_freezes(self) -> None:
        with at("2026-09-20"):
            actions.compute_quarter(Actor.of(self.inspector), Q3)
            with self.assertRaises(ValidationError):
                actions.approve_quarter(Actor.of(self.inspector), Q3)
        self.compute()
        with self.assertRaises(Refused):
            actions.approve_quarter(Actor.of(self.admin), Q3)
        self.login(self.inspector, verified=True)
        with at("2026-10-13"):
            self.client.post(reverse("assessments:approve", args=[2026, 3]), {"reason": "常委会审定"})
        finance = Assessment.objects.get(unit=self.finance)
        self.assertEqual(finance.state, AssessmentState.APPROVED)
        with self.assertRaises(ValidationError):
            actions.add_manual_item(Actor.of(self.inspector), finance, points_centi=100, reason="迟到的加分")
        # Approved results no longer change when the quarter is computed again.
        red_alarm(self.finance, "2026-09-01", "late-found")
        self.compute("2026-10-14")
        self.assertEqual(Assessment.objects.get(unit=self.finance).digest, finance.digest)
        self.assertNotContains(self.client.get(reverse("assessments:published")), self.finance.name)
        with at("2026-10-14"):
            self.client.post(reverse("assessments:publish", args=[2026, 3]))
        public = self.client.get(reverse("assessments:published"))
        self.assertContains(public, self.finance.name)
        self.assertNotContains(public, self.clerk.full_name)
        published = {row["unit_name"]: row for row in self.client.get("/api/v1/assessments/published").json()}
        self.assertEqual((published["区财政局"]["grade"], published["区财政局"]["total_centi"]), ("fail", 0))

    def test_it_lets_units_read_only_their_approved_assessment(self) -> None:
        self.compute()
        url = reverse("assessments:unit", args=[2026, 3, self.finance.pk])
        self.login(self.monitor)
        self.assertEqual(self.client.get(url).status_code, 404)  # a draft is the commission's
        with at("2026-10-13"):
            actions.approve_quarter(Actor.of(self.inspector), Q3)
        page = self.client.get(url)
        self.assertContains(page, 'id="scores"')
        self.assertNotContains(page, 'id="manual-form"')
        water = reverse("assessments:unit", args=[2026, 3, self.water.pk])
        self.assertEqual(self.client.get(water).status_code, 404)

    def test_it_drafts_edits_and_issues_the_letter_with_the_seal(self) -> None:
        self.compute()
        finance = Assessment.objects.get(unit=self.finance)
        self.assertIn("区财政局：", finance.letter_draft)
        self.assertIn("未按时说明的红色报警：1", finance.letter_draft)
        with self.assertRaises(Refused):
            actions.edit_letter(Actor.of(self.monitor), finance, text="改写")
        actions.edit_letter(Actor.of(self.inspector), finance, text=finance.letter_draft + "\n五、另行约谈。")
        with self.assertRaises(ValidationError):
            actions.issue_letter(Actor.of(self.inspector), finance)  # not approved yet
        self.compute("2026-10-13")
        finance.refresh_from_db()
        self.assertIn("五、另行约谈。", finance.letter_draft)  # an edited draft is kept
        with at("2026-10-14"):
            actions.approve_quarter(Actor.of(self.inspector), Q3)
            actions.issue_letter(Actor.of(self.inspector), finance)
        finance.refresh_from_db()
        assert finance.letter is not None
        self.assertEqual(finance.letter.kind, DocumentKind.RECOMMENDATION)
        self.assertEqual(finance.letter.issuer, self.commission)
        self.assertTrue(Leaf.objects.filter(action="assessments.issue_letter").exists())
        url = reverse("documents:download", args=[finance.letter.number])
        for person, verified, status in (
            (self.monitor, False, 200),  # the graded unit's monitoring centre
            (self.inspector, True, 200),
            (self.outsider, False, 404),  # another unit's staff
        ):
            self.client.logout()
            self.login(person, verified=verified)
            self.assertEqual(self.client.get(url).status_code, status, person.username)

    def test_it_shows_the_evidence_of_a_score(self) -> None:
        self.compute()
        score = Assessment.objects.get(unit=self.finance).scores.get(indicator=Indicator.UNEXPLAINED)
        self.login(self.inspector, verified=True)
        page = self.client.get(reverse("assessments:evidence", args=[score.pk]))
        self.assertContains(
            page, reverse("alarms:detail", args=[score.evidence["groups"]["unexplained"]["alarm"][0]])
        )
        self.login(self.admin, verified=True)
        self.assertEqual(self.client.get(reverse("assessments:evidence", args=[score.pk])).status_code, 404)
