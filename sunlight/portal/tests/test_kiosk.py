import re

from django.test import override_settings
from django.urls import reverse

from sunlight.cases.tests.factories import published, start
from sunlight.test import Personas

KIOSK_PAGES = ("portal:kiosk", "portal:kiosk_query", "portal:kiosk_rate", "portal:kiosk_satisfaction")


class KioskTests(Personas):
    def test_it_keeps_every_link_inside_the_kiosk(self) -> None:
        for name in KIOSK_PAGES:
            response = self.client.get(reverse(name))
            self.assertEqual(response.status_code, 200, name)
            html = response.content.decode()
            for target in re.findall(r'(?:href|action)="([^"]*)"', html):
                self.assertTrue(
                    target.startswith(("/portal/kiosk/", "/static/", "/i18n/setlang/", "#")),
                    f"{name} leads out of the kiosk to {target!r}",
                )
            self.assertNotIn(reverse("accounts:login"), html)

    def test_it_resets_itself_after_the_idle_time_with_or_without_scripts(self) -> None:
        with override_settings(PORTAL_KIOSK_IDLE_SECONDS=45):
            response = self.client.get(reverse("portal:kiosk_query"))
        self.assertContains(response, 'data-kiosk-idle="45"')
        self.assertContains(response, 'data-kiosk-home="/portal/kiosk/"')
        self.assertContains(response, "portal/kiosk.js")
        self.assertRegex(
            response.content.decode(),
            r'<noscript><meta http-equiv="refresh" content="45;url=/portal/kiosk/"></noscript>',
        )
        self.assertNotRegex(response.content.decode(), r"<script>(?!</script>)|style=")

    def test_it_lets_no_page_be_cached_for_the_next_person(self) -> None:
        case, code = start(self.as_actor(self.clerk), published())
        result = self.client.post(reverse("portal:kiosk_query"), {"number": case.number, "code": code})
        self.assertContains(result, 'id="query-result"')
        self.assertContains(result, 'id="kiosk-done"')
        self.assertNotContains(result, "/documents/verify/")  # no way out, not even to verify
        for response in [result, *(self.client.get(reverse(name)) for name in KIOSK_PAGES)]:
            self.assertIn("no-store", response["Cache-Control"])

    def test_it_offers_the_language_switch_but_no_staff_links(self) -> None:
        response = self.client.get(reverse("portal:kiosk"))
        self.assertContains(response, 'name="language" value="en"')
        self.assertNotContains(response, "Staff sign-in")
        self.assertNotContains(response, reverse("reports:new"))


class PortalHomeTests(Personas):
    def test_it_links_every_citizen_service(self) -> None:
        response = self.client.get(reverse("home"))
        for name in (
            "portal:query",
            "ratings:rate",
            "ratings:satisfaction",
            "reports:new",
            "reports:follow",
            "documents:verify",
        ):
            self.assertContains(response, f'href="{reverse(name)}"')
        self.assertContains(response, 'id="departments"')

    def test_it_shows_the_services_to_signed_in_staff_too(self) -> None:
        self.login(self.clerk)
        response = self.client.get(reverse("portal:services"))
        self.assertContains(response, reverse("reports:new"))
        self.assertContains(response, reverse("portal:kiosk"))
