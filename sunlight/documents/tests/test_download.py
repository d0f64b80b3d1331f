"""A sealed decision names the applicant and the reasons: it is downloaded only by those who may
read its case; anyone may still verify it by number."""

from django.urls import reverse

from sunlight.cases.timers import issue_results
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas


class DownloadTests(Personas):
    def setUp(self) -> None:
        case, _code = conclude(self, approve=False)
        issue_results()
        case.refresh_from_db()
        assert case.result_document is not None
        self.number = case.result_document.number
        self.url = reverse("documents:download", args=[self.number])

    def test_it_gives_the_decision_to_the_unit_and_to_inspectors_with_the_key(self) -> None:
        for user, verified in ((self.clerk, False), (self.monitor, False), (self.inspector, True)):
            self.client.logout()
            self.login(user, verified=verified)
            response = self.client.get(self.url)
            self.assertEqual(response.status_code, 200, user.username)
            self.assertEqual(response["Content-Type"], "application/pdf")

    def test_it_hides_the_decision_from_another_units_staff(self) -> None:
        self.login(self.outsider)
        self.assertEqual(self.client.get(self.url).status_code, 404)
        missing = reverse("documents:download", args=["CZJ-REF-2026-99999"])
        self.assertEqual(self.client.get(missing).status_code, 404)  # the same answer

    def test_it_still_lets_anyone_verify_it_by_number(self) -> None:
        response = self.client.get(reverse("documents:verify_number", args=[self.number]))
        self.assertContains(response, self.number)
