from django.urls import reverse

from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks import actions as risk_actions
from sunlight.risks.tests.helpers import measure_data, point_data
from sunlight.test import Personas


class GuideTests(Personas):
    def setUp(self) -> None:
        self.version = publish(
            self.as_actor(self.leader), self.inspector, draft(self.as_actor(self.chief), self.finance)
        )
        unit = self.as_actor(self.chief)
        risk_actions.create_risk_point(unit, self.finance, point_data(), measures=[measure_data()])
        risk_actions.create_risk_point(
            unit,
            self.finance,
            point_data(
                description="内部审批台账管理不规范",
                level="low",
                red_line="",
                consequence="",
                is_public=False,
            ),
        )

    def test_it_shows_the_service_guide_with_its_public_risk_points(self) -> None:
        response = self.client.get(reverse("powers:guide", args=["CZJ-XK-0001"]))
        self.assertContains(response, "政府采购代理机构资格认定")
        self.assertContains(response, "严禁收受申请人财物或接受宴请")  # the red line (S12)
        self.assertContains(response, "将审查流程固化到防控平台")  # its measure
        self.assertNotContains(response, "内部审批台账管理不规范")  # not public
        self.assertContains(response, "10.50")  # the fee, from fen
        self.assertContains(response, 'id="flow"')
        self.assertContains(response, reverse("powers:guide_pdf", args=["CZJ-XK-0001"]))

    def test_it_serves_a_printable_pdf_with_its_font_embedded(self) -> None:
        response = self.client.get(reverse("powers:guide_pdf", args=["CZJ-XK-0001"]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        body = response.content
        self.assertTrue(body.startswith(b"%PDF"))
        self.assertIn(b"FontFile2", body)  # the CJK TrueType subset travels with the file
        self.assertIn("CZJ-XK-0001-v1.pdf", response["Content-Disposition"])

    def test_it_shows_the_history_and_never_a_draft(self) -> None:
        draft(self.as_actor(self.chief), self.finance, code="CZJ-XK-0002", name="尚未公布")
        self.assertEqual(self.client.get(reverse("powers:guide", args=["CZJ-XK-0002"])).status_code, 404)
        self.assertEqual(self.client.get(reverse("powers:guide_pdf", args=["CZJ-XK-0002"])).status_code, 404)
        history = self.client.get(reverse("powers:history", args=["CZJ-XK-0001"]))
        self.assertContains(history, reverse("powers:version_public", args=["CZJ-XK-0001", 1]))

    def test_it_lets_unit_staff_read_but_only_editors_edit(self) -> None:
        page = reverse("powers:version", args=[self.version.pk])
        self.login(self.clerk)
        response = self.client.get(page)
        self.assertContains(response, "政府采购代理机构资格认定")
        self.assertNotContains(response, reverse("powers:revise", args=[self.version.pk]))
        self.login(self.chief)
        self.assertContains(self.client.get(page), reverse("powers:revise", args=[self.version.pk]))
        self.login(self.outsider)
        self.assertEqual(self.client.get(page).status_code, 403)
        self.login(self.admin, verified=True)
        self.assertEqual(self.client.get(page).status_code, 403)
