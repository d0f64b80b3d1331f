"""Browser tests: Playwright driving Debian's Chromium against Django's live server."""

from __future__ import annotations

import shutil
from typing import ClassVar

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from sunlight.test import PASSWORD, PersonaFields, create_personas

# Chromium as the machine's own package runs it headless: no sandbox as root, and no
# background networking, which this closed network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Chromium is missing: `make test` installs Debian's chromium package")
    return path


@pytest.mark.browser
class BrowserTestCase(PersonaFields, StaticLiveServerTestCase):
    """A live server with the shared personas, and one Chromium for the whole class."""

    playwright: ClassVar[Playwright]
    browser: ClassVar[Browser]
    page: Page
    locale = "zh-CN"

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.playwright = sync_playwright().start()
        cls.browser = cls.playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)

    @classmethod
    def tearDownClass(cls) -> None:
        cls.browser.close()
        cls.playwright.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        create_personas(self)
        self.context = self.browser.new_context(locale=self.locale)
        self.context.set_default_timeout(10_000)
        self.page = self.context.new_page()

    def tearDown(self) -> None:
        self.context.close()

    def url(self, path: str) -> str:
        return f"{self.live_server_url}{path}"

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.page.goto(self.url("/accounts/login/"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("main button[type=submit]")
