import io
import random

from django.core.management import call_command
from django.test import TestCase

from sunlight.accounts.models import User
from sunlight.ledger.models import Leaf
from sunlight.orgs import demo, demo_data
from sunlight.orgs.models import Assignment, Organisation, OrgKind, PostKind


class DemoDistrictTests(TestCase):
    banner: str

    @classmethod
    def setUpTestData(cls) -> None:
        banner = io.StringIO()
        call_command("demo", "--no-serve", stdout=banner)
        cls.banner = banner.getvalue()

    def test_it_prints_the_banner_with_every_persona_and_the_citizens_samples(self) -> None:
        for login in demo.demo_logins():
            self.assertIn(login.username, self.banner)
        for username in ("swjxm01", "swjgc01"):
            self.assertIn(username, self.banner)
            self.assertTrue(User.objects.get(username=username).check_password(demo.DEMO_PASSWORD))
        self.assertRegex(self.banner, r"query case [A-Z]+-\d{4}-\d{6} with the code [0-9A-Z]{8}")
        self.assertRegex(self.banner, r"follow report [0-9A-Z]{4}-")

    def test_it_loads_the_98_units_of_the_seed(self) -> None:
        units = Organisation.objects.units()
        self.assertEqual(units.count(), 98)
        self.assertEqual(units.filter(kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]).count(), 20)
        for name in (
            "区财政局",
            "区水务局",
            "区城投集团",
            "区环保局",
            "区行政综合执法局",
            "区规划局",
            "区计生局",
            "区地税局",
            "铜官窑遗址管理处",
            "桥驿镇",
            "黄金园街道",
            "格塘镇",
            "区纪委",
        ):
            self.assertTrue(units.filter(name=name).exists(), name)

    def test_it_gives_every_unit_its_posts_and_staff(self) -> None:
        for unit in Organisation.objects.units():
            holders = Assignment.objects.filter(post__organisation__unit=unit)
            self.assertGreaterEqual(holders.count(), 9, unit.name)
            self.assertTrue(holders.filter(post__kind=PostKind.MONITOR).exists(), unit.name)
        self.assertGreater(User.objects.count(), 1100)

    def test_it_prints_a_working_login_for_each_persona(self) -> None:
        logins = demo.demo_logins()
        self.assertEqual(len(logins), 8)
        for login in logins:
            self.assertTrue(User.objects.get(username=login.username).check_password(demo.DEMO_PASSWORD))

    def test_it_records_the_loading_in_the_ledger(self) -> None:
        self.assertGreater(Leaf.objects.filter(action="orgs.assign_post").count(), 1100)

    def test_it_does_not_load_twice(self) -> None:
        before = Organisation.objects.count()
        call_command("demo", "--no-serve", stdout=io.StringIO())
        self.assertEqual(Organisation.objects.count(), before)

    def test_it_is_deterministic(self) -> None:
        rng = random.Random(demo.SEED)
        first, second = User.objects.filter(kind="person").order_by("pk")[:2]
        self.assertEqual(first.full_name, demo_data.person_name(rng))
        self.assertEqual(first.phone, demo_data.mobile_number(rng))
        self.assertEqual(second.full_name, demo_data.person_name(rng))
