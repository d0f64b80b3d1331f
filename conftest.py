"""Test-wide set-up: a fast password hasher (production uses Argon2: see test_settings.py)."""

from __future__ import annotations

import os
import tempfile

import pytest

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a
# thread with a running loop unless told this is deliberate.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _test_ledger_key() -> str:
    """Each test process signs checkpoints with a key of its own, never the checkout's."""
    from sunlight.lib import signing

    suite = signing.available_suites()[0]
    private, _ = signing.generate_key(suite)
    return signing.encode_private_key(suite, private)


os.environ["LEDGER_KEY"] = _test_ledger_key()
# Seal keys and uploaded files of a test process stay in its own temporary directory.
os.environ["SEAL_DIR"] = tempfile.mkdtemp(prefix="sunlight-seals-")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="sunlight-media-")


@pytest.fixture(autouse=True)
def _fresh_process_caches() -> None:
    """Each test starts with no lookups cached from another test's (rolled back) rows."""
    from django.conf import settings

    if settings.configured:
        from sunlight.processes.posts import forget

        forget()


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.hasplugin("django"):
        return  # pure tests run with -p no:django
    from django.conf import settings

    # Argon2 costs ~100 ms per hash by design; personas are created for every test class.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests run from a fresh clone, before any collectstatic: serve static files from the apps.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = True
