import datetime as dt

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from sunlight.ledger.models import Leaf
from sunlight.ledger.refusals import Refused
from sunlight.powers import actions
from sunlight.powers.content import LegalBasisData
from sunlight.powers.models import LegalBasis, PowerVersion, PublishedVersionImmutable, VersionState
from sunlight.powers.tests.helpers import START, draft, power_data, publish
from sunlight.test import Personas


class PowerVersionTests(Personas):
    def test_it_publishes_a_version_drafted_submitted_and_approved(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance)
        self.assertEqual(version.state, VersionState.DRAFT)
        actions.submit_version(self.as_actor(self.leader), version)
        actions.approve_version(self.as_actor(self.inspector), version)
        version.refresh_from_db()
        self.assertEqual(version.state, VersionState.PUBLISHED)
        self.assertEqual(version.reviewed_by, self.inspector)
        self.assertIsNotNone(version.published_at)
        trail = list(Leaf.objects.about("powers.powerversion", version.pk).values_list("action", flat=True))
        self.assertEqual(trail, ["powers.create", "powers.submit", "powers.approve"])
        self.assertIn("CZJ-CK01", Leaf.objects.get(action="powers.create").data)  # acting in a post
        self.assertEqual(list(PowerVersion.objects.current()), [version])

    def test_it_refuses_a_committed_limit_longer_than_the_statutory_one(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            draft(self.as_actor(self.chief), self.finance, statutory_limit=20, committed_limit=25)
        message = caught.exception.message_dict["committed_limit"][0]
        self.assertIn("25", message)
        self.assertIn("20", message)
        with self.assertRaises(ValidationError) as caught:
            draft(self.as_actor(self.chief), self.finance, committed_limit_unit="calendar_days")
        self.assertIn("committed_limit_unit", caught.exception.message_dict)
        self.assertFalse(PowerVersion.objects.exists())

    def test_it_refuses_a_code_that_does_not_fit_the_scheme(self) -> None:
        draft(self.as_actor(self.chief), self.finance, code="WC-CZJ-XK-0002")  # district and unit letters
        for code in ("CZJ-CF-0001", "czj-xk-1", "CZJXK0001", "WC-CZJ-XX-XK-0001"):
            with self.assertRaises(ValidationError, msg=code):
                draft(self.as_actor(self.chief), self.finance, code=code)

    def test_it_lets_only_the_unit_draft_its_powers(self) -> None:
        for person in (self.clerk, self.outsider, self.admin, self.inspector):
            with self.assertRaises(Refused, msg=person.username):
                draft(self.as_actor(person), self.finance)
        self.assertEqual(Leaf.objects.filter(action="refused").count(), 4)
        self.assertFalse(PowerVersion.objects.exists())

    def test_it_lets_only_a_leader_or_the_monitoring_centre_submit(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance)
        for person in (self.chief, self.clerk, self.inspector):
            with self.assertRaises(Refused, msg=person.username):
                actions.submit_version(self.as_actor(person), version)
        actions.submit_version(self.as_actor(self.monitor), version)
        self.assertEqual(PowerVersion.objects.get().state, VersionState.SUBMITTED)

    def test_it_lets_only_an_inspector_review(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance)
        actions.submit_version(self.as_actor(self.leader), version)
        for person in (self.head, self.monitor, self.admin):
            with self.assertRaises(Refused, msg=person.username):
                actions.approve_version(self.as_actor(person), version)
            with self.assertRaises(Refused, msg=person.username):
                actions.return_version(self.as_actor(person), version, findings="依据不全")
        self.assertEqual(PowerVersion.objects.get().state, VersionState.SUBMITTED)

    def test_it_returns_a_version_with_findings_and_takes_it_back_corrected(self) -> None:
        version = draft(self.as_actor(self.chief), self.finance)
        actions.submit_version(self.as_actor(self.leader), version)
        with self.assertRaises(ValidationError):
            actions.return_version(self.as_actor(self.inspector), version, findings=" ")
        actions.return_version(self.as_actor(self.inspector), version, findings="承诺时限未说明计算方式")
        version.refresh_from_db()
        self.assertEqual(version.state, VersionState.RETURNED)
        with self.assertRaises(ValidationError):
            actions.approve_version(self.as_actor(self.inspector), version)
        actions.update_draft(self.as_actor(self.chief), version, power_data(committed_limit=8))
        actions.submit_version(self.as_actor(self.leader), version)
        actions.approve_version(self.as_actor(self.inspector), version)
        self.assertEqual(PowerVersion.objects.get().committed_limit, 8)

    def test_it_never_changes_a_published_version(self) -> None:
        version = publish(
            self.as_actor(self.leader), self.inspector, draft(self.as_actor(self.chief), self.finance)
        )
        with self.assertRaises(ValidationError):
            actions.update_draft(self.as_actor(self.chief), version, power_data(name="改名"))
        version.name = "改名"
        with self.assertRaises(PublishedVersionImmutable):
            version.save()
        with self.assertRaises(PublishedVersionImmutable):
            version.legal_bases.first().save()  # type: ignore[union-attr]
        with self.assertRaises(PublishedVersionImmutable), transaction.atomic():
            version.posts.clear()
        # Around the models, the database refuses it too.
        with self.assertRaises(DatabaseError), transaction.atomic():
            PowerVersion.objects.filter(pk=version.pk).update(name="改名")
        with self.assertRaises(DatabaseError), transaction.atomic():
            LegalBasis.objects.filter(version=version).update(law="改名")
        with self.assertRaises(DatabaseError), transaction.atomic():
            LegalBasis.objects.bulk_create([LegalBasis(version=version, kind="implementing", law="新增依据")])
        self.assertEqual(PowerVersion.objects.get().name, "政府采购代理机构资格认定")

    def test_it_keeps_history_and_shows_the_list_as_it_stood_on_a_date(self) -> None:
        unit = self.as_actor(self.chief)
        first = publish(self.as_actor(self.leader), self.inspector, draft(unit, self.finance))
        second = actions.revise(unit, first.item)
        self.assertEqual(second.number, 2)
        with self.assertRaises(ValidationError):
            actions.update_draft(unit, second, power_data(valid_from=START))
        revised = START + dt.timedelta(days=400)
        actions.update_draft(unit, second, power_data(committed_limit=5, valid_from=revised))
        publish(self.as_actor(self.leader), self.inspector, second)
        abolished = draft(
            unit,
            self.finance,
            code="CZJ-XK-0002",
            name="已取消的事项",
            valid_until=START + dt.timedelta(days=30),
        )
        publish(self.as_actor(self.leader), self.inspector, abolished)
        on = PowerVersion.objects.as_of
        self.assertEqual(
            {(v.item.code, v.number) for v in on(START + dt.timedelta(days=10))},
            {("CZJ-XK-0001", 1), ("CZJ-XK-0002", 1)},
        )
        self.assertEqual(
            {(v.item.code, v.number) for v in on(revised - dt.timedelta(days=1))}, {("CZJ-XK-0001", 1)}
        )
        self.assertEqual({(v.item.code, v.number) for v in on(timezone.localdate())}, {("CZJ-XK-0001", 2)})
        self.assertEqual(list(on(START - dt.timedelta(days=1))), [])
        first.refresh_from_db()
        self.assertEqual(first.committed_limit, 10)  # the old version is untouched

    def test_it_needs_an_establishing_basis_for_an_administrative_power(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            draft(
                self.as_actor(self.chief),
                self.finance,
                legal_bases=(LegalBasisData("implementing", "《中华人民共和国行政许可法》", "第四十二条"),),
            )
        self.assertIn("legal_bases", caught.exception.message_dict)
