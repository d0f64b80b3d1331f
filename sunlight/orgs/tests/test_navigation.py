from django.urls import reverse

from sunlight.accounts.models import User
from sunlight.test import Personas

NAV = {
    "workbench": reverse("orgs:workbench"),
    "monitoring": reverse("orgs:monitoring"),
    "console": reverse("supervision:console"),
    "manage": reverse("orgs:manage"),
}


class NavigationTests(Personas):
    def nav_of(self, user: User, verified: bool = False) -> set[str]:
        self.login(user, verified=verified)
        response = self.client.get(reverse("accounts:security"))
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        return {name for name, url in NAV.items() if f'href="{url}"' in html}

    def test_it_shows_each_persona_its_own_navigation(self) -> None:
        self.assertEqual(self.nav_of(self.clerk), {"workbench"})
        self.assertEqual(self.nav_of(self.head), {"workbench"})
        self.assertEqual(self.nav_of(self.monitor), {"monitoring"})
        self.assertEqual(self.nav_of(self.inspector, verified=True), {"console"})
        self.assertEqual(self.nav_of(self.admin, verified=True), {"manage"})

    def test_it_refuses_pages_outside_a_persona(self) -> None:
        self.login(self.clerk)
        for url in (NAV["monitoring"], NAV["console"], NAV["manage"]):
            self.assertEqual(self.client.get(url).status_code, 403, url)

    def test_it_shows_the_monitoring_centre_only_its_own_unit(self) -> None:
        self.login(self.monitor)
        response = self.client.get(NAV["monitoring"])
        self.assertContains(response, "区财政局")
        self.assertNotContains(response, "SWJ-CK01")
        self.assertEqual(self.client.get(NAV["monitoring"] + f"?unit={self.water.pk}").status_code, 403)

    def test_it_lists_the_units_on_the_public_home_page(self) -> None:
        response = self.client.get("/")
        self.assertContains(response, "区水务局")
        self.assertContains(response, "让权力在阳光下运行")

    def test_it_redirects_anonymous_people_to_sign_in(self) -> None:
        response = self.client.get(NAV["workbench"])
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("accounts:login"), response["Location"])
