import datetime as dt

from django.core.exceptions import ValidationError

from sunlight.ledger.models import Leaf
from sunlight.orgs import actions
from sunlight.orgs.models import Assignment, PostKind
from sunlight.test import Personas, assign, make_person, make_post, system


class SeparationOfDutiesTests(Personas):
    def test_it_refuses_a_business_post_to_a_system_admin(self) -> None:
        with self.assertRaisesMessage(ValidationError, "系统管理员"):
            assign(self.admin, self.window_post)
        self.assertFalse(Assignment.objects.filter(person=self.admin, post=self.window_post).exists())

    def test_it_refuses_an_inspector_post_to_a_system_admin(self) -> None:
        with self.assertRaisesMessage(ValidationError, "职责分离"):
            assign(self.admin, self.inspector_post)

    def test_it_refuses_the_admin_post_to_someone_holding_a_business_post(self) -> None:
        with self.assertRaisesMessage(ValidationError, "职责分离"):
            assign(self.clerk, self.admin_post)

    def test_it_refuses_a_business_post_in_a_unit_the_inspector_supervises(self) -> None:
        # The inspector's jurisdiction is the whole district: no business post anywhere.
        with self.assertRaisesMessage(ValidationError, "职责分离"):
            assign(self.inspector, self.water_window_post)

    def test_it_allows_a_business_post_outside_a_limited_jurisdiction(self) -> None:
        limited = make_post(self.commission, PostKind.INSPECTOR, "JW-IN02", "纪检监察员", [self.finance])
        person = make_person("limited", "谭明")
        assign(person, limited)
        assign(person, self.water_window_post)  # the water bureau is not in the jurisdiction
        with self.assertRaisesMessage(ValidationError, "区财政局"):
            assign(person, self.window_post)

    def test_it_allows_posts_that_do_not_overlap_in_time(self) -> None:
        person = make_person("mover", "曾建")
        assign(person, self.window_post, dt.date(2020, 1, 1), dt.date(2021, 12, 31))
        assign(person, self.admin_post, dt.date(2022, 1, 1))
        self.assertEqual(Assignment.objects.filter(person=person).count(), 2)

    def test_it_refuses_the_same_post_twice_over_the_same_days(self) -> None:
        with self.assertRaisesMessage(ValidationError, "已"):
            assign(self.clerk, self.window_post)

    def test_it_refuses_an_end_before_the_start(self) -> None:
        person = make_person("early", "易峰")
        with self.assertRaises(ValidationError) as caught:
            assign(person, self.window_post, dt.date(2024, 1, 1), dt.date(2023, 1, 1))
        self.assertIn("valid_until", caught.exception.message_dict)

    def test_it_writes_a_ledger_leaf_for_each_assignment(self) -> None:
        person = make_person("leafy", "龙华")
        before = Leaf.objects.count()
        assign(person, self.water_window_post)
        leaf = Leaf.objects.order_by("-seq").first()
        assert leaf is not None
        self.assertEqual(Leaf.objects.count(), before + 1)
        self.assertEqual(leaf.action, "orgs.assign_post")
        self.assertIn('"SWJ-CK01"', leaf.data)

    def test_it_refuses_organisation_changes_by_a_non_admin(self) -> None:
        from sunlight.ledger.refusals import Refused

        with self.assertRaises(Refused):
            actions.create_post(
                self.as_actor(self.head),
                organisation=self.finance,
                code="CZJ-CK09",
                name="x",
                kind=PostKind.CLERK,
            )
        self.assertTrue(Leaf.objects.filter(action="refused").exists())

    def test_it_refuses_an_invalid_unified_social_credit_code(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.create_organisation(
                system(),
                code="11430112MB1234567X",
                code_scheme="uscc",
                name="某局",
                kind="department",
                parent=self.finance.parent,
                abbr="MJ",
            )
        self.assertIn("code", caught.exception.message_dict)
