import time_machine
from django.test import override_settings

from sunlight.checkpoints.builtin import RIVER_WORKS, install_benchmark
from sunlight.funds.models import ChangeOrder, ChangeState
from sunlight.funds.tests.factories import TODAY, YUAN, WaterFunds, make_active_contract
from sunlight.test import system


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(TODAY, tick=False)
class FundsApiTests(WaterFunds):
    def setUp(self) -> None:
        self.contract = make_active_contract(self)

    def post(self, path: str, body: dict[str, object]) -> object:
        return self.client.post(f"/api/v1{path}", body, content_type="application/json")

    def test_it_blocks_a_change_order_over_the_red_line_with_403_naming_the_rule(self) -> None:
        self.login(self.pm)
        path = f"/funds/contracts/{self.contract.pk}/change-orders"
        ok = self.post(path, {"title": "设计变更", "reason": "地质变化", "amount_fen": 500_000 * YUAN})
        self.assertEqual(ok.status_code, 201)  # type: ignore[attr-defined]
        self.assertEqual(ok.json()["state"], "pending")  # type: ignore[attr-defined]
        blocked = self.post(
            path, {"title": "设计变更", "reason": "地质变化", "amount_fen": 500_000 * YUAN + 1}
        )
        self.assertEqual(blocked.status_code, 403)  # type: ignore[attr-defined]
        self.assertIn("CHANGE-SINGLE", blocked.json()["detail"])  # type: ignore[attr-defined]
        self.assertEqual(ChangeOrder.objects.filter(state=ChangeState.BLOCKED).count(), 1)

    def test_it_refuses_an_amount_with_a_fraction_rather_than_rounding_it(self) -> None:
        self.login(self.pm)
        response = self.post(
            f"/funds/contracts/{self.contract.pk}/change-orders",
            {"title": "设计变更", "reason": "地质变化", "amount_fen": 100.5},
        )
        self.assertEqual(response.status_code, 400)  # type: ignore[attr-defined]
        self.assertFalse(ChangeOrder.objects.exists())

    def test_it_shows_projects_and_blocked_attempts_to_inspectors(self) -> None:
        self.login(self.pm)
        self.post(
            f"/funds/contracts/{self.contract.pk}/change-orders",
            {"title": "设计变更", "reason": "地质变化", "amount_fen": 900_000 * YUAN},
        )
        self.login(self.inspector, verified=True)
        listing = self.client.get("/api/v1/funds/projects").json()
        self.assertEqual(listing["totals"]["saved_fen"], 900_000 * YUAN)
        detail = self.client.get(f"/api/v1/funds/projects/{self.contract.project_id}").json()
        self.assertIn("CHANGE-SINGLE", detail["blocked_attempts"][0]["message"])
        self.login(self.clerk)  # another unit
        self.assertEqual(
            self.client.get(f"/api/v1/funds/projects/{self.contract.project_id}").status_code, 404
        )

    def test_it_proposes_a_penalty_from_the_facts(self) -> None:
        install_benchmark(system(), RIVER_WORKS, self.water)
        self.login(self.outsider)
        response = self.post(
            "/checkpoints/benchmarks/SWJ-HDJS/propose",
            {"facts": {"area_m2": 500, "obstructs_flood": False, "repeat": False, "corrected": True}},
        )
        self.assertEqual(response.json()["grade"], "grave")  # type: ignore[attr-defined]
        self.assertEqual(response.json()["penalty_max_fen"], 100_000 * YUAN)  # type: ignore[attr-defined]

    def test_it_dry_runs_for_admins_only(self) -> None:
        self.login(self.admin, verified=True)
        response = self.post(
            "/checkpoints/rules/CHANGE-SINGLE/dry-run",
            {"expression": "change.amount_fen <= params.single_max_fen"},
        )
        self.assertEqual(response.json(), {"result": True, "problems": []})  # type: ignore[attr-defined]
        response = self.post("/checkpoints/rules/CHANGE-SINGLE/dry-run", {"expression": "change.amount <= 1"})
        self.assertIn("Line 1, column 8", response.json()["problems"][0])  # type: ignore[attr-defined]
        self.login(self.pm)
        response = self.post("/checkpoints/rules/CHANGE-SINGLE/dry-run", {"expression": "true"})
        self.assertEqual(response.status_code, 403)  # type: ignore[attr-defined]
