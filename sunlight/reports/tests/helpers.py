"""A temporary file storage for tests that write report attachments."""

from __future__ import annotations

import shutil
import tempfile

from django.test import SimpleTestCase, override_settings


class TemporaryMedia(SimpleTestCase):
    """MEDIA_ROOT is a fresh directory for each test, removed afterwards."""

    media_root: str

    def setUp(self) -> None:
        self.media_root = tempfile.mkdtemp(prefix="sunlight-media-")
        media = override_settings(MEDIA_ROOT=self.media_root)
        media.enable()
        self.addCleanup(media.disable)
        self.addCleanup(shutil.rmtree, self.media_root, True)
        super().setUp()
