import base64
import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.core.exceptions import ImproperlyConfigured
from django.test import SimpleTestCase, override_settings

from sunlight.reports import sealing


class SealingTests(SimpleTestCase):
    def setUp(self) -> None:
        sealing.keyring.cache_clear()
        self.addCleanup(sealing.keyring.cache_clear)
        self.folder = tempfile.mkdtemp(prefix="sunlight-keys-")
        self.addCleanup(shutil.rmtree, self.folder, True)

    def key(self) -> str:
        return sealing.PREFIX + base64.b64encode(os.urandom(32)).decode()

    def test_it_generates_a_private_key_file_in_development(self) -> None:
        with (
            mock.patch.dict(os.environ, {}, clear=False),
            override_settings(VAR_DIR=Path(self.folder), REPORTS_KEY_FILE=Path(self.folder) / "reports_key"),
        ):
            os.environ.pop("REPORTS_KEY", None)
            os.environ.pop("REPORTS_KEY_FILE", None)
            blob = sealing.seal(b"secret", "place")
            path = Path(self.folder) / "reports_key"
            self.assertEqual(path.stat().st_mode & 0o777, 0o600)
            self.assertEqual(sealing.unseal(blob, "place"), b"secret")

    def test_it_refuses_to_start_without_a_key_when_one_is_required(self) -> None:
        with (
            mock.patch.dict(os.environ, {"REPORTS_KEY": "", "REPORTS_KEY_REQUIRED": "true"}),
            override_settings(
                VAR_DIR=Path(self.folder),
                REPORTS_KEY_REQUIRED=True,
                REPORTS_KEY_FILE=Path(self.folder) / "missing",
            ),
            self.assertRaises(ImproperlyConfigured),
        ):
            sealing.seal(b"x", "place")

    def test_it_opens_what_a_previous_key_sealed_after_a_rotation(self) -> None:
        old, new = self.key(), self.key()
        with mock.patch.dict(os.environ, {"REPORTS_KEY": old}):
            blob = sealing.seal(b"before the rotation", "place")
        sealing.keyring.cache_clear()
        with mock.patch.dict(os.environ, {"REPORTS_KEY": new, "REPORTS_PREVIOUS_KEYS": old}):
            self.assertEqual(sealing.unseal(blob, "place"), b"before the rotation")
        sealing.keyring.cache_clear()
        with (
            mock.patch.dict(os.environ, {"REPORTS_KEY": new, "REPORTS_PREVIOUS_KEYS": ""}),
            self.assertRaises(sealing.Unsealable),
        ):
            sealing.unseal(blob, "place")

    def test_it_refuses_an_altered_blob(self) -> None:
        with mock.patch.dict(os.environ, {"REPORTS_KEY": self.key()}):
            blob = bytearray(sealing.seal(b"text", "place"))
            blob[-1] ^= 1
            with self.assertRaises(sealing.Unsealable):
                sealing.unseal(bytes(blob), "place")
