"""The enforcement pages: the plain capture form without JavaScript, a case's evidence, custody, devices."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from sunlight.enforcement.models import Device, Evidence, HashSource
from sunlight.enforcement.tests.factories import EnforcementTestCase, evidence_for, jpeg, open_case, sha256
from sunlight.ledger.models import Leaf


@override_settings(LANGUAGE_CODE="en")
class EnforcementPageTests(EnforcementTestCase):
    def setUp(self) -> None:
        self.case = open_case(self)

    def test_it_accepts_a_plain_file_upload_without_javascript(self) -> None:
        self.login(self.officer)
        page = self.client.get(reverse("enforcement:capture"))
        self.assertContains(page, 'capture="environment"')
        self.assertContains(page, self.case.number)
        self.assertContains(page, "enforcement/capture.js")
        self.assertNotContains(page, "<script>")  # no inline script (CSP script-src 'self')
        data = jpeg(5)
        response = self.client.post(
            reverse("enforcement:capture"),
            {
                "case": self.case.number,
                "kind": "photo",
                "file": SimpleUploadedFile("IMG_0001.jpg", data, content_type="image/jpeg"),
                "latitude": "28.347512",
                "longitude": "112.819633",
                "accuracy_m": "12",
                "note": "倾倒现场",
            },
        )
        self.assertRedirects(response, reverse("enforcement:case_evidence", args=[self.case.number]))
        evidence = Evidence.objects.get()
        self.assertEqual((evidence.sha256, evidence.hash_source), (sha256(data), HashSource.SERVER))
        listing = self.client.get(reverse("enforcement:case_evidence", args=[self.case.number]))
        self.assertContains(listing, sha256(data))
        self.assertContains(listing, "hashed by the server")

    def test_it_checks_a_hash_the_page_computed(self) -> None:
        self.login(self.officer)
        data = jpeg(6)
        response = self.client.post(
            reverse("enforcement:capture"),
            {
                "case": self.case.number,
                "kind": "photo",
                "file": SimpleUploadedFile("IMG_0002.jpg", data, content_type="image/jpeg"),
                "sha256": "f" * 64,
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "not to the declared")
        self.assertFalse(Evidence.objects.exists())

    def test_it_shows_the_chain_of_custody(self) -> None:
        evidence = evidence_for(self.as_actor(self.officer), self.case)
        self.login(self.inspector, verified=True)
        self.client.get(reverse("enforcement:evidence_file", args=[evidence.pk]))
        page = self.client.get(reverse("enforcement:evidence", args=[evidence.pk]))
        self.assertContains(page, evidence.sha256)
        self.assertContains(page, "Evidence captured")
        self.assertContains(page, "Evidence uploaded")
        self.assertContains(page, "Evidence viewed")
        self.assertContains(page, self.inspector.full_name)
        self.assertTrue(
            Leaf.objects.filter(action="enforcement.view_evidence", actor_id=self.inspector.pk).exists()
        )

    def test_it_hides_the_evidence_from_other_units_and_administrators(self) -> None:
        evidence = evidence_for(self.as_actor(self.officer), self.case)
        self.login(self.clerk)
        self.assertEqual(
            self.client.get(reverse("enforcement:evidence", args=[evidence.pk])).status_code, 404
        )
        self.assertEqual(
            self.client.get(reverse("enforcement:case_evidence", args=[self.case.number])).status_code, 404
        )
        self.login(self.admin, verified=True)
        self.assertEqual(
            self.client.get(reverse("enforcement:evidence", args=[evidence.pk])).status_code, 403
        )

    def test_it_lists_the_officers_cases(self) -> None:
        self.login(self.officer)
        page = self.client.get(reverse("enforcement:index"))
        self.assertContains(page, self.case.number)
        self.assertContains(page, reverse("enforcement:capture"))

    def test_it_registers_a_device_and_shows_its_token_once(self) -> None:
        self.login(self.admin, verified=True)
        response = self.client.post(
            reverse("enforcement:devices"),
            {"unit": self.zhzf.pk, "code": "ZHZF-ZFY-002", "name": "执法记录仪", "holder": "officer"},
        )
        self.assertContains(response, "sl_")
        device = Device.objects.get()
        self.assertEqual(
            (device.unit, device.holder, device.account.kind), (self.zhzf, self.officer, "integration")
        )
        self.assertNotContains(self.client.get(reverse("enforcement:devices")), "sl_")
        self.client.post(reverse("enforcement:device_retire", args=[device.pk]), {"reason": "设备遗失"})
        device.refresh_from_db()
        self.assertFalse(device.active)
        self.assertFalse(device.account.api_tokens.usable().exists())
        self.login(self.officer)
        self.assertEqual(self.client.get(reverse("enforcement:devices")).status_code, 403)
