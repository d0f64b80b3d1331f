import tempfile
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from sunlight.powers import jobs
from sunlight.powers.models import PowerItem
from sunlight.powers.tests.test_import_export import good_file, workbook
from sunlight.test import Personas


class InlineThread:
    """Runs the import at start() in the test's own thread (and so in its transaction)."""

    def __init__(self, target: Callable[..., None], args: tuple[Any, ...], **kwargs: Any) -> None:
        self.target, self.args = target, args

    def start(self) -> None:
        self.target(*self.args)


def upload(**overrides: Any) -> SimpleUploadedFile:
    powers, parts = good_file(**overrides)
    return SimpleUploadedFile("powers.xlsx", workbook(powers, **parts).getvalue())


class ImportPageTests(Personas):
    def setUp(self) -> None:
        media = tempfile.TemporaryDirectory()
        self.addCleanup(media.cleanup)
        self.enterContext(override_settings(MEDIA_ROOT=media.name))

    def test_it_imports_a_small_workbook_at_once_and_lists_the_errors(self) -> None:
        self.login(self.chief)
        response = self.client.post(reverse("powers:import"), {"file": upload(p0={"committed_limit": 99})})
        self.assertContains(response, 'id="import-errors"')
        self.assertFalse(PowerItem.objects.exists())
        response = self.client.post(reverse("powers:import"), {"file": upload()})
        self.assertContains(response, 'id="import-ok"')
        self.assertEqual(PowerItem.objects.count(), 3)

    def test_it_imports_a_large_workbook_in_the_background_with_progress(self) -> None:
        self.login(self.chief)
        with (
            mock.patch.object(jobs, "BACKGROUND_ROWS", 0),
            mock.patch("threading.Thread", InlineThread),
        ):
            response = self.client.post(reverse("powers:import"), {"file": upload()})
        self.assertEqual(response.status_code, 302)
        job_url = response["Location"]
        page = self.client.get(job_url)
        self.assertContains(page, 'id="import-ok"')
        self.assertEqual(PowerItem.objects.count(), 3)
        partial = self.client.get(job_url, headers={"HX-Request": "true"})
        self.assertNotContains(partial, "<html")
        self.login(self.leader)
        self.assertEqual(self.client.get(job_url).status_code, 403)  # someone else's import

    def test_it_shows_a_running_import_as_a_polled_progress_bar(self) -> None:
        job_id = "0" * 32
        state = {
            "id": job_id,
            "kind": "powers",
            "owner": self.chief.pk,
            "state": "running",
            "done": 30,
            "total": 120,
        }
        jobs._write(job_id, state)
        self.login(self.chief)
        page = self.client.get(reverse("powers:import_job", args=[job_id]))
        self.assertContains(page, '<progress value="25" max="100">')
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, 'http-equiv="refresh"')  # without JavaScript too
