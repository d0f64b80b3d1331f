"""An officer captures a photo with Chromium's fake camera on the mobile page; it reaches the case."""

from typing import Any

from django.core.files.storage import default_storage
from django.test import override_settings
from playwright.sync_api import Geolocation, Route, expect

from sunlight.browser import BrowserTestCase
from sunlight.enforcement.models import Evidence, EvidenceChannel, HashSource
from sunlight.enforcement.tests.factories import (
    EnforcementFields,
    MediaInTempDir,
    create_enforcement,
    open_case,
    sha256,
)

POSITION: Geolocation = {"latitude": 28.347512, "longitude": 112.819633, "accuracy": 9}


@override_settings(EVIDENCE_CHUNK_BYTES=4096)  # several chunks for one photo
class CaptureJourneyTests(MediaInTempDir, EnforcementFields, BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        create_enforcement(self)
        # A phone that lets the page use its camera and its position.
        self.context.close()
        self.context = self.browser.new_context(
            locale=self.locale, geolocation=POSITION, permissions=["geolocation", "camera"]
        )
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()

    def test_it_captures_a_photo_and_shows_it_in_the_case_with_its_hash(self) -> None:
        case = open_case(self)
        dropped: list[str] = []

        def drop_once(route: Route, *args: Any) -> None:
            # The network drops on the second chunk, once: the page must retry and resume.
            if "offset=4096" in route.request.url and not dropped:
                dropped.append(route.request.url)
                route.abort("internetdisconnected")
            else:
                route.continue_()

        self.page.route("**/api/v1/evidence/uploads/*/chunks*", drop_once)
        page = self.page
        self.sign_in("officer")
        page.goto(self.url(f"/enforcement/capture/?case={case.number}"))
        expect(page.locator("#position-status")).to_contain_text("28.347512")
        page.click("#camera-start")
        expect(page.locator("#camera-shoot")).to_be_enabled()
        page.click("#camera-shoot")
        done = page.locator("#uploads li[data-state=done]")
        expect(done).to_have_count(1, timeout=30_000)
        shown = done.get_attribute("data-sha256")
        self.assertEqual(len(dropped), 1)
        evidence = Evidence.objects.get()
        with default_storage.open(evidence.storage_name, "rb") as stored:
            content = stored.read()
        self.assertEqual((shown, evidence.sha256), (sha256(content), sha256(content)))
        self.assertTrue(content.startswith(b"\xff\xd8\xff"))
        self.assertEqual((evidence.case, evidence.officer), (case, self.officer))
        self.assertEqual((evidence.channel, evidence.hash_source), (EvidenceChannel.WEB, HashSource.DEVICE))
        self.assertEqual((str(evidence.latitude), str(evidence.longitude)), ("28.347512", "112.819633"))
        self.assertGreater(len(evidence.upload.part_sizes), 1)
        # The evidence is in the case, with its hash.
        done.locator("a").click()
        expect(page.locator("#evidence")).to_contain_text(evidence.sha256)
