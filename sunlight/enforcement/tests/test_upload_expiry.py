"""Unfinished uploads expire; evidence captured before a case concluded still arrives."""

import datetime as dt

import time_machine
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import timezone

from sunlight.cases.models import CaseState
from sunlight.enforcement import actions
from sunlight.enforcement.models import UploadState
from sunlight.enforcement.tests.factories import EnforcementTestCase, declaration, jpeg, open_case
from sunlight.enforcement.timers import expire_uploads
from sunlight.ledger.models import Leaf


class UploadExpiryTests(EnforcementTestCase):
    def test_it_discards_an_upload_nobody_finished(self) -> None:
        case = open_case(self)
        data = jpeg(8, size=3000)
        actor = self.as_actor(self.officer)
        upload, created = actions.declare_upload(actor, declaration(data, case))
        self.assertTrue(created)
        upload = actions.receive_chunk(actor, upload, offset=0, data=data[:1000])
        part = f"evidence/parts/{upload.public_id}/000000000000"
        self.assertTrue(default_storage.exists(part))
        with time_machine.travel(timezone.now() + dt.timedelta(hours=71), tick=False):
            self.assertEqual(expire_uploads(), 0)
        with (
            time_machine.travel(timezone.now() + dt.timedelta(hours=73), tick=False),
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.assertEqual(expire_uploads(), 1)
        upload.refresh_from_db()
        self.assertEqual(upload.state, UploadState.DISCARDED)
        self.assertFalse(default_storage.exists(part))
        self.assertTrue(Leaf.objects.filter(action="enforcement.discard_upload").exists())

    def test_it_accepts_evidence_taken_before_the_case_concluded(self) -> None:
        case = open_case(self)
        taken = timezone.now() - dt.timedelta(minutes=30)
        case.state, case.completed_at = CaseState.APPROVED, timezone.now() - dt.timedelta(minutes=10)
        case.save(update_fields=["state", "completed_at"])
        actor = self.as_actor(self.officer)
        upload, _created = actions.declare_upload(actor, declaration(jpeg(1), case, device_time=taken))
        self.assertEqual(upload.state, UploadState.OPEN)
        with self.assertRaises(ValidationError):
            actions.declare_upload(actor, declaration(jpeg(2), case, device_time=timezone.now()))
