"""The resumable evidence upload: declare, chunks, resume after a drop, hash check, offline delay."""

import datetime as dt
from typing import Any

import time_machine
from django.core.files.storage import default_storage
from django.test import override_settings

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import AccountKind
from sunlight.enforcement import devices
from sunlight.enforcement.models import Evidence, EvidenceChannel, Upload, UploadState
from sunlight.enforcement.tests.factories import EnforcementTestCase, jpeg, open_case, sha256
from sunlight.ledger.models import Leaf
from sunlight.test import system

UPLOADS = "/api/v1/evidence/uploads"
NOW = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.UTC)


@override_settings(LANGUAGE_CODE="en", EVIDENCE_CHUNK_BYTES=1024)
@time_machine.travel(NOW, tick=False)
class UploadApiTests(EnforcementTestCase):
    def setUp(self) -> None:
        self.case = open_case(self)
        self.device, raw = devices.register_device(
            system(), unit=self.zhzf, code="ZHZF-ZFY-001", name="执法记录仪", holder=self.officer
        )
        self.auth = {"Authorization": f"Bearer {raw}"}
        self.data = jpeg(size=3000)

    def declare(self, **changes: Any) -> Any:
        payload = {
            "kind": "photo",
            "size": len(self.data),
            "sha256": sha256(self.data),
            "device_time": "2026-06-15T09:59:30+08:00",
            "latitude": 28.347512,
            "longitude": 112.819633,
            "accuracy_m": 6,
            "case": self.case.number,
        } | changes
        return self.client.post(UPLOADS, payload, content_type="application/json", headers=self.auth)

    def put(self, upload_id: str, offset: int, data: bytes, **headers: str) -> Any:
        return self.client.put(
            f"{UPLOADS}/{upload_id}/chunks?offset={offset}",
            data,
            content_type="application/octet-stream",
            headers=self.auth | headers,
        )

    def complete(self, upload_id: str) -> Any:
        with self.captureOnCommitCallbacks(execute=True):  # the chunks are deleted after the commit
            return self.client.post(f"{UPLOADS}/{upload_id}/complete", headers=self.auth)

    def test_it_resumes_an_upload_interrupted_halfway_and_completes_it(self) -> None:
        declared = self.declare()
        self.assertEqual(declared.status_code, 201, declared.content)
        upload_id = declared.json()["id"]
        self.assertEqual(declared.json()["offset"], 0)
        # The first half arrives, then the network drops in the middle of the next chunk.
        self.assertEqual(self.put(upload_id, 0, self.data[:1024]).json()["offset"], 1024)
        self.assertEqual(self.put(upload_id, 1024, self.data[1024:1500]).json()["offset"], 1500)
        # The device comes back, declares the same file again and asks where to go on.
        again = self.declare()
        self.assertEqual((again.status_code, again.json()["id"]), (200, upload_id))
        self.assertEqual(self.client.get(f"{UPLOADS}/{upload_id}", headers=self.auth).json()["offset"], 1500)
        # It resends the last chunk whose answer it lost: accepted once, nothing changes.
        self.assertEqual(self.put(upload_id, 1024, self.data[1024:1500]).json()["offset"], 1500)
        # A gap is refused with the offset to continue from.
        gap = self.put(upload_id, 2048, self.data[2048:])
        self.assertEqual((gap.status_code, gap.json()["offset"]), (409, 1500))
        # Content-Range works as well as ?offset=.
        rest = self.client.put(
            f"{UPLOADS}/{upload_id}/chunks",
            self.data[1500:2500],
            content_type="application/octet-stream",
            headers=self.auth | {"Content-Range": f"bytes 1500-2499/{len(self.data)}"},
        )
        self.assertEqual(rest.json()["offset"], 2500)
        self.assertEqual(self.put(upload_id, 2500, self.data[2500:]).json()["offset"], len(self.data))
        done = self.complete(upload_id)
        self.assertEqual(done.status_code, 201, done.content)
        body = done.json()
        self.assertEqual(
            (body["sha256"], body["case"], body["officer"]), (sha256(self.data), self.case.number, "officer")
        )
        self.assertEqual(
            (body["device"], body["channel"], body["delay_seconds"]), ("ZHZF-ZFY-001", "device", 30)
        )
        self.assertFalse(body["queued_offline"])
        evidence = Evidence.objects.get()
        with default_storage.open(evidence.storage_name, "rb") as stored:
            self.assertEqual(stored.read(), self.data)
        self.assertEqual(Upload.objects.get().state, UploadState.COMPLETE)
        self.assertFalse(default_storage.exists(f"evidence/parts/{upload_id}/000000000000"))
        # Completing again answers the same evidence (the device lost the answer).
        self.assertEqual((self.complete(upload_id).status_code, Evidence.objects.count()), (200, 1))
        actions = list(
            Leaf.objects.about("enforcement.evidence", evidence.pk).values_list("action", flat=True)
        )
        self.assertEqual(actions, ["enforcement.capture", "enforcement.upload"])

    def test_it_refuses_a_wrong_hash_and_discards_the_upload(self) -> None:
        upload_id = self.declare(sha256="0" * 64).json()["id"]
        self.put(upload_id, 0, self.data[:1024])
        self.put(upload_id, 1024, self.data[1024:2048])
        self.put(upload_id, 2048, self.data[2048:])
        refused = self.complete(upload_id)
        self.assertEqual(refused.status_code, 400)
        self.assertIn(sha256(self.data), refused.json()["errors"]["sha256"][0])
        self.assertFalse(Evidence.objects.exists())
        self.assertEqual(Upload.objects.get().state, UploadState.DISCARDED)
        self.assertFalse(default_storage.exists(f"evidence/parts/{upload_id}/000000000000"))
        self.assertTrue(Leaf.objects.filter(action="enforcement.discard_upload").exists())
        # The discarded upload takes no more bytes.
        self.assertEqual(self.put(upload_id, 0, self.data[:1024]).status_code, 409)

    def test_it_refuses_an_incomplete_upload_and_bytes_that_differ(self) -> None:
        upload_id = self.declare().json()["id"]
        self.put(upload_id, 0, self.data[:1024])
        early = self.complete(upload_id)
        self.assertEqual((early.status_code, early.json()["offset"]), (409, 1024))
        other = self.put(upload_id, 0, b"\xff\xd8\xff" + b"x" * 1021)
        self.assertEqual((other.status_code, other.json()["offset"]), (409, 1024))

    def test_it_checks_the_content_by_its_magic_bytes(self) -> None:
        text = b"%PDF-1.7 pretending to be a photo" + b" " * 100
        upload_id = self.declare(size=len(text), sha256=sha256(text)).json()["id"]
        refused = self.put(upload_id, 0, text)
        self.assertEqual(refused.status_code, 400)
        self.assertIn("JPEG", refused.json()["detail"])
        self.assertEqual(Upload.objects.get().received, 0)

    def test_it_refuses_a_file_over_the_size_limit_and_a_chunk_over_the_chunk_limit(self) -> None:
        with override_settings(EVIDENCE_MAX_BYTES=2000):
            self.assertEqual(self.declare().status_code, 400)
        upload_id = self.declare().json()["id"]
        self.assertEqual(self.put(upload_id, 0, self.data[:1025]).status_code, 400)

    def test_it_flags_evidence_queued_offline(self) -> None:
        upload_id = self.declare(device_time="2026-06-15T07:40:00+08:00").json()["id"]
        for start in range(0, len(self.data), 1024):
            self.put(upload_id, start, self.data[start : start + 1024])
        body = self.complete(upload_id).json()
        self.assertEqual((body["queued_offline"], body["delay_seconds"]), (True, 8400))

    def test_it_refuses_a_device_of_another_unit_and_an_unregistered_account(self) -> None:
        _device, raw = devices.register_device(
            system(), unit=self.water, code="SWJ-ZFY-001", name="执法记录仪"
        )
        other = {"Authorization": f"Bearer {raw}"}
        payload = {
            "kind": "photo",
            "size": 10,
            "sha256": "a" * 64,
            "device_time": "2026-06-15T09:59:30+08:00",
            "case": self.case.number,
            "officer": "outsider",
        }
        response = self.client.post(UPLOADS, payload, content_type="application/json", headers=other)
        self.assertEqual(response.status_code, 403)
        kiosk = account_actions.create_person(
            system(), username="kiosk", full_name="查询机", kind=AccountKind.INTEGRATION
        )
        _token, raw = account_actions.issue_api_token(system(), user=kiosk, name="查询机")
        response = self.client.post(
            UPLOADS, payload, content_type="application/json", headers={"Authorization": f"Bearer {raw}"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Upload.objects.exists())

    def test_it_lets_an_officer_upload_from_the_browser_session(self) -> None:
        self.login(self.officer)
        payload = {
            "kind": "photo",
            "size": len(self.data),
            "sha256": sha256(self.data),
            "device_time": "2026-06-15T09:59:50+08:00",
            "case": self.case.number,
        }
        declared = self.client.post(UPLOADS, payload, content_type="application/json")
        upload_id = declared.json()["id"]
        for start in range(0, len(self.data), 1024):
            self.client.put(
                f"{UPLOADS}/{upload_id}/chunks?offset={start}",
                self.data[start : start + 1024],
                content_type="application/octet-stream",
            )
        body = self.client.post(f"{UPLOADS}/{upload_id}/complete").json()
        self.assertEqual(
            (body["channel"], body["officer"], body["device"]), (EvidenceChannel.WEB, "officer", None)
        )
        # Another person cannot continue or even see that upload, nor act as another officer.
        self.login(self.clerk)
        self.assertEqual(self.client.get(f"{UPLOADS}/{upload_id}").status_code, 404)
        response = self.client.post(
            UPLOADS, payload | {"officer": "officer"}, content_type="application/json"
        )
        self.assertEqual(response.status_code, 403)
