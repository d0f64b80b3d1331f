from django.urls import reverse

from sunlight.orgs.context import NAVIGATION
from sunlight.orgs.models import Role
from sunlight.powers.tests.helpers import draft, publish
from sunlight.risks import actions, stats
from sunlight.risks.tests.helpers import measure_data, point_data
from sunlight.test import Personas


class StatisticsTests(Personas):
    def setUp(self) -> None:
        unit = self.as_actor(self.chief)
        publish(self.as_actor(self.leader), self.inspector, draft(unit, self.finance))
        publish(
            self.as_actor(self.leader),
            self.inspector,
            draft(
                unit, self.finance, code="CZJ-CF-0001", category="penalty", name="对违规印制财政票据的处罚"
            ),
        )
        actions.create_risk_point(
            unit, self.finance, point_data(), measures=[measure_data(), measure_data(kind="cultural")]
        )
        actions.create_risk_point(
            unit,
            self.finance,
            point_data(power="CZJ-CF-0001", level="low", red_line="", consequence=""),
            measures=[measure_data()],
        )

    def test_it_counts_per_unit_category_and_level(self) -> None:
        figures = stats.statistics()
        self.assertEqual((figures.total.powers, figures.total.risk_points, figures.total.measures), (2, 2, 3))
        finance = next(line for line in figures.units if line.label == "区财政局")
        self.assertEqual((finance.high, finance.low, finance.measures), (1, 1, 3))
        by_category = {line.label: line for line in figures.categories}
        self.assertEqual(sum(line.risk_points for line in by_category.values()), 2)
        self.assertEqual([line.measures for line in figures.levels], [2, 0, 1])

    def test_it_publishes_the_figures_on_a_page_and_through_the_api(self) -> None:
        response = self.client.get(reverse("risks:statistics"))
        self.assertContains(response, 'id="total-risks">2<')
        body = self.client.get("/api/v1/risks/statistics").json()
        self.assertEqual(body["total"]["measures"], 3)

    def test_it_adds_its_pages_to_each_personas_navigation(self) -> None:
        wanted = {
            ("powers:workspace", Role.WORKBENCH),
            ("powers:workspace", Role.MONITORING),
            ("risks:register", Role.WORKBENCH),
            ("powers:review", Role.SUPERVISION),
            ("risks:reviews", Role.SUPERVISION),
        }
        self.assertLessEqual(wanted, {(item.url_name, item.role) for item in NAVIGATION})
        self.login(self.monitor)
        page = self.client.get(reverse("risks:register")).content.decode()
        self.assertIn(f'href="{reverse("powers:workspace")}"', page)
