"""Browser: an inspector signs in with the supervision key, opens a red alarm, verifies it and
issues a sealed recommendation letter."""

from __future__ import annotations

import re

from django_otp.oath import totp
from playwright.sync_api import FilePayload, expect

from sunlight.alarms.actions import raise_alarm
from sunlight.alarms.models import Alarm, AlarmKind, AlarmLevel, AlarmState
from sunlight.browser import BrowserTestCase
from sunlight.ledger.actor import Actor
from sunlight.test import totp_device


class AlarmJourneyTests(BrowserTestCase):
    def test_it_lets_an_inspector_verify_a_red_alarm_and_issue_a_letter(self) -> None:
        alarm, _created = raise_alarm(
            Actor.system(),
            kind=AlarmKind.CASE_OVERDUE,
            level=AlarmLevel.RED,
            message="办件 CZJ-2026-000001 应于 2026-11-09 办结，至今未办结。",
            dedupe_key="case-red:browser",
            unit=self.finance,
        )
        device = totp_device(self.inspector)
        self.sign_in("inspector")
        self.page.goto(self.url("/alarms/"))
        # Sent to the second factor first.
        self.page.fill("input[name=token]", f"{totp(device.bin_key):06d}")
        self.page.click("main button[type=submit]")
        expect(self.page).to_have_url(self.url("/alarms/"))
        self.page.click(f"tr[data-alarm='{alarm.pk}'] a")
        expect(self.page.locator("#alarm-message")).to_contain_text("CZJ-2026-000001")

        self.page.fill("#step-verify textarea", "经网上核查，超期属实。")
        self.page.click("#step-verify button[type=submit]")
        expect(self.page.locator("#alarm-events")).to_contain_text("经网上核查，超期属实。")

        self.page.fill("#step-letter textarea", "一、落实AB岗制度；二、对超期办件逐件说明原因。")
        self.page.click("#step-letter button[type=submit]")
        letter = self.page.locator("#letter")
        expect(letter).to_be_visible()
        alarm.refresh_from_db()
        self.assertEqual(alarm.state, AlarmState.LETTER)
        assert alarm.letter is not None
        expect(letter).to_contain_text(alarm.letter.number)
        # The letter's public verification page opens from the alarm and says the file is genuine.
        self.page.click("#letter a[href*='/documents/verify/']")
        expect(self.page.locator("main")).to_contain_text(alarm.letter.number)
        pdf = alarm.letter.file.read()
        self.page.set_input_files(
            "main input[type=file]",
            files=[FilePayload(name="letter.pdf", mimeType="application/pdf", buffer=pdf)],
        )
        self.page.click("main form button[type=submit]")
        expect(self.page.locator("#verdict")).to_have_class(re.compile("notice-success"))
        self.assertEqual(Alarm.objects.count(), 1)
