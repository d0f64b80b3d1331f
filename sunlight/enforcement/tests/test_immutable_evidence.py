"""Evidence cannot be changed or deleted by anyone: not through the models, raw SQL or the API."""

from typing import Any

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection, transaction

from sunlight.enforcement import decisions, devices
from sunlight.enforcement.models import Evidence, EvidenceUse, ImmutableEvidence
from sunlight.enforcement.tests.factories import (
    FACTS,
    EnforcementTestCase,
    evidence_for,
    jpeg,
    open_case,
    to_decision,
)
from sunlight.test import system


class ImmutableEvidenceTests(EnforcementTestCase):
    def setUp(self) -> None:
        self.case = open_case(self)
        self.data = jpeg(3)
        self.evidence = evidence_for(self.as_actor(self.officer), self.case, self.data)

    def assertUnchanged(self) -> None:
        fresh = Evidence.objects.get(pk=self.evidence.pk)
        self.assertEqual(
            (fresh.sha256, fresh.size, fresh.case_id, fresh.officer_id, fresh.storage_name, fresh.note),
            (
                self.evidence.sha256,
                self.evidence.size,
                self.case.pk,
                self.officer.pk,
                self.evidence.storage_name,
                self.evidence.note,
            ),
        )
        with default_storage.open(fresh.storage_name, "rb") as stored:
            self.assertEqual(stored.read(), self.data)

    def test_it_refuses_changes_and_deletion_through_the_orm(self) -> None:
        self.evidence.note = "改过的说明"
        with self.assertRaises(ImmutableEvidence):
            self.evidence.save()
        with self.assertRaises(ImmutableEvidence):
            self.evidence.delete()
        with self.assertRaises(ImmutableEvidence):
            Evidence.objects.filter(pk=self.evidence.pk).update(sha256="0" * 64)
        with self.assertRaises(ImmutableEvidence):
            Evidence.objects.filter(pk=self.evidence.pk).delete()
        with self.assertRaises(ImmutableEvidence):
            Evidence.objects.bulk_update([self.evidence], ["note"])
        self.evidence.refresh_from_db()
        self.assertUnchanged()

    def test_it_refuses_changes_and_deletion_in_raw_sql_on_this_database(self) -> None:
        cases: tuple[tuple[str, list[Any]], ...] = (
            ("UPDATE enforcement_evidence SET sha256 = %s WHERE id = %s", ["0" * 64, self.evidence.pk]),
            (
                "UPDATE enforcement_evidence SET officer_id = %s WHERE id = %s",
                [self.clerk.pk, self.evidence.pk],
            ),
            ("DELETE FROM enforcement_evidence WHERE id = %s", [self.evidence.pk]),
            ("DELETE FROM enforcement_evidence", []),
        )
        for statement, params in cases:
            with self.subTest(connection.vendor, statement=statement):
                with (
                    self.assertRaises(DatabaseError) as caught,
                    transaction.atomic(),
                    connection.cursor() as cursor,
                ):
                    cursor.execute(statement, params)
                self.assertIn("evidence is immutable", str(caught.exception))
        self.assertUnchanged()

    def test_it_refuses_changing_a_recorded_use_of_evidence(self) -> None:
        to_decision(self, self.case)
        decisions.decide_penalty(
            self.as_actor(self.zhzf_leader),
            self.case,
            benchmark=self.benchmark,
            facts=FACTS,
            amount_fen=10_000_00,
            evidence_ids=[self.evidence.pk],
        )
        use = EvidenceUse.objects.get()
        with self.assertRaises(ImmutableEvidence):
            use.delete()
        with self.assertRaises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM enforcement_evidenceuse WHERE id = %s", [use.pk])
        self.assertTrue(EvidenceUse.objects.filter(pk=use.pk).exists())

    def test_it_offers_no_way_to_change_or_delete_evidence_through_the_api(self) -> None:
        _device, raw = devices.register_device(
            system(), unit=self.zhzf, code="ZHZF-ZFY-009", name="执法记录仪"
        )
        url = f"/api/v1/evidence/{self.evidence.pk}"
        for who in ("device", "officer", "head", "admin", "inspector"):
            headers = {"Authorization": f"Bearer {raw}"} if who == "device" else {}
            if who != "device":
                self.login(getattr(self, {"head": "zhzf_head"}.get(who, who)), verified=True)
            for method in ("put", "patch", "delete"):
                with self.subTest(who=who, method=method):
                    response = getattr(self.client, method)(
                        url,
                        {"sha256": "0" * 64, "note": "x"},
                        content_type="application/json",
                        headers=headers,
                    )
                    self.assertEqual(response.status_code, 405)
            response = self.client.post(
                f"{url}/file", b"x", content_type="application/octet-stream", headers=headers
            )
            self.assertEqual(response.status_code, 405)
            self.client.logout()
        self.assertUnchanged()

    def test_it_lets_the_case_read_the_evidence_and_records_each_read(self) -> None:
        self.login(self.officer)
        response = self.client.get(f"/api/v1/evidence/{self.evidence.pk}/file")
        self.assertEqual(b"".join(response.streaming_content), self.data)  # type: ignore[attr-defined]
        self.assertEqual(response["X-Content-SHA256"], self.evidence.sha256)
        self.login(self.inspector, verified=True)
        self.assertEqual(self.client.get(f"/enforcement/evidence/{self.evidence.pk}/file/").status_code, 200)
        self.login(self.clerk)  # another unit
        self.assertEqual(self.client.get(f"/api/v1/evidence/{self.evidence.pk}/file").status_code, 404)
        from sunlight.ledger.models import Leaf

        views = Leaf.objects.about("enforcement.evidence", self.evidence.pk).filter(
            action="enforcement.view_evidence"
        )
        self.assertEqual(
            sorted(views.values_list("actor_id", flat=True)), sorted([self.officer.pk, self.inspector.pk])
        )
