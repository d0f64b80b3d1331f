import datetime as dt
from typing import Any

import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from sunlight.checkpoints import actions, discretion
from sunlight.checkpoints.builtin import CONSTRUCTION_WASTE, RIVER_WORKS, install_benchmark
from sunlight.checkpoints.discretion import RowSpec
from sunlight.checkpoints.models import BenchmarkVersion, Grade
from sunlight.ledger.refusals import Refused
from sunlight.test import Personas, make_unit, system

NOW = dt.datetime(2026, 6, 15, 9, 0, tzinfo=dt.UTC)
WAN = 10_000_00


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class RiverWorksBenchmarkTests(Personas):
    """《水法》第六十五条: 1万–10万元, in four grades by area, flood obstruction, repeat, correction."""

    def setUp(self) -> None:
        benchmark = install_benchmark(system(), RIVER_WORKS, self.water)
        version = discretion.version_in_force(benchmark)
        assert version is not None
        self.version: BenchmarkVersion = version

    def propose(self, **facts: Any) -> discretion.Proposal:
        given = {"area_m2": "0", "obstructs_flood": False, "repeat": False, "corrected": True} | facts
        return discretion.propose(self.version, discretion.parse_facts(self.version, given))

    def assert_grade(self, grade: str, low_wan: int, high_wan: int, **facts: Any) -> None:
        proposal = self.propose(**facts)
        self.assertEqual(proposal.grade, grade, facts)
        self.assertEqual(
            (proposal.row.penalty_min_fen, proposal.row.penalty_max_fen), (low_wan * WAN, high_wan * WAN)
        )
        self.assertIn("《中华人民共和国水法》第六十五条第一款", proposal.legal_basis)

    def test_it_grades_by_area_at_every_boundary(self) -> None:
        self.assert_grade(Grade.MINOR, 1, 2, area_m2="0")
        self.assert_grade(Grade.MINOR, 1, 2, area_m2="49")
        self.assert_grade(Grade.GENERAL, 2, 4, area_m2="50")
        self.assert_grade(Grade.GENERAL, 2, 4, area_m2="199")
        self.assert_grade(Grade.SERIOUS, 4, 7, area_m2="200")
        self.assert_grade(Grade.SERIOUS, 4, 7, area_m2="499")
        self.assert_grade(Grade.GRAVE, 7, 10, area_m2="500")

    def test_it_grades_by_the_circumstances(self) -> None:
        self.assert_grade(Grade.GENERAL, 2, 4, area_m2="10", corrected=False)
        self.assert_grade(Grade.SERIOUS, 4, 7, area_m2="10", repeat="on")
        self.assert_grade(Grade.GRAVE, 7, 10, area_m2="10", obstructs_flood="on")
        self.assert_grade(Grade.GRAVE, 7, 10, area_m2="499", repeat="on", obstructs_flood="on")

    def test_it_gives_the_mitigation_basis_for_the_minor_grade(self) -> None:
        self.assertIn("行政处罚法》第三十二条", self.propose(area_m2="10").legal_basis)
        self.assertNotIn("行政处罚法", self.propose(area_m2="50").legal_basis)

    def test_it_keeps_the_range_edges_inside(self) -> None:
        proposal = self.propose(area_m2="200")
        self.assertTrue(proposal.allows(4 * WAN))
        self.assertTrue(proposal.allows(7 * WAN))
        self.assertFalse(proposal.allows(4 * WAN - 1))
        self.assertFalse(proposal.allows(7 * WAN + 1))

    def test_it_refuses_facts_that_are_not_whole_numbers(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            discretion.parse_facts(self.version, {"area_m2": "12.5"})
        self.assertIn("area_m2", caught.exception.message_dict)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class ConstructionWasteBenchmarkTests(Personas):
    """《城市建筑垃圾管理规定》第二十六条 (units): 5,000–50,000 yuan in four grades."""

    def setUp(self) -> None:
        benchmark = install_benchmark(system(), CONSTRUCTION_WASTE, make_unit("区行政综合执法局"))
        version = discretion.version_in_force(benchmark)
        assert version is not None
        self.version: BenchmarkVersion = version

    def grade(self, **facts: Any) -> tuple[str, int, int]:
        given = {"volume_m3": "0", "public_area": False, "repeat": False, "cleaned": True} | facts
        proposal = discretion.propose(self.version, discretion.parse_facts(self.version, given))
        self.assertIn("《城市建筑垃圾管理规定》（建设部令第139号）第二十六条", proposal.legal_basis)
        return proposal.grade, proposal.row.penalty_min_fen // 100, proposal.row.penalty_max_fen // 100

    def test_it_grades_by_volume_at_every_boundary(self) -> None:
        self.assertEqual(self.grade(volume_m3="4"), (Grade.MINOR, 5_000, 8_000))
        self.assertEqual(self.grade(volume_m3="5"), (Grade.GENERAL, 8_000, 15_000))
        self.assertEqual(self.grade(volume_m3="19"), (Grade.GENERAL, 8_000, 15_000))
        self.assertEqual(self.grade(volume_m3="20"), (Grade.SERIOUS, 15_000, 30_000))
        self.assertEqual(self.grade(volume_m3="49"), (Grade.SERIOUS, 15_000, 30_000))
        self.assertEqual(self.grade(volume_m3="50"), (Grade.GRAVE, 30_000, 50_000))

    def test_it_grades_by_the_circumstances(self) -> None:
        self.assertEqual(self.grade(volume_m3="1", cleaned=False)[0], Grade.GENERAL)
        self.assertEqual(self.grade(volume_m3="1", public_area="on")[0], Grade.SERIOUS)
        self.assertEqual(self.grade(volume_m3="1", repeat="on")[0], Grade.SERIOUS)
        self.assertEqual(self.grade(volume_m3="1", repeat="on", public_area="on")[0], Grade.GRAVE)


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(NOW, tick=False)
class BenchmarkAuthoringTests(Personas):
    inputs = [{"name": "amount_fen", "label": "违法所得", "type": "fen"}]

    def test_it_writes_a_new_version_and_keeps_the_old_one(self) -> None:
        benchmark = install_benchmark(system(), RIVER_WORKS, self.water)
        actions.revise_benchmark(
            system(),
            benchmark,
            note="省厅新基准",
            violation=RIVER_WORKS["violation"],
            inputs=RIVER_WORKS["inputs"],
            rows=[RowSpec(Grade.GENERAL, "true", "《水法》第六十五条", 1 * WAN, 10 * WAN)],
            effective_from=dt.date(2026, 7, 1),
        )
        self.assertEqual(discretion.version_in_force(benchmark).version, 1)  # type: ignore[union-attr]
        self.assertEqual(
            discretion.version_in_force(benchmark, dt.date(2026, 7, 1)).version,  # type: ignore[union-attr]
            2,
        )
        self.assertEqual(benchmark.versions.get(version=1).rows.count(), 4)

    def test_it_refuses_a_table_with_a_bad_condition_or_range(self) -> None:
        with self.assertRaises(ValidationError) as caught:
            actions.create_benchmark(
                system(),
                code="CZJ-TEST",
                unit=self.finance,
                violation="测试",
                inputs=self.inputs,
                rows=[
                    RowSpec(Grade.GRAVE, "amount_fen >= 1.5", "依据", 100, 200),
                    RowSpec(Grade.MINOR, "amount > 0", "依据", 300, 200),
                ],
                effective_from=dt.date(2026, 6, 15),
            )
        message = " ".join(caught.exception.message_dict["rows"])
        self.assertIn("Row 1: Line 1, column 15", message)
        self.assertIn("Row 2: Line 1, column 1", message)
        self.assertIn("Row 2: the range", message)

    def test_it_reports_a_gap_in_the_table(self) -> None:
        benchmark = actions.create_benchmark(
            system(),
            code="CZJ-TEST",
            unit=self.finance,
            violation="测试",
            inputs=self.inputs,
            rows=[RowSpec(Grade.GRAVE, "amount_fen >= 100000", "依据", 100, 200)],
            effective_from=dt.date(2026, 6, 15),
        )
        version = discretion.version_in_force(benchmark)
        assert version is not None
        with self.assertRaises(ValidationError):
            discretion.propose(version, discretion.parse_facts(version, {"amount_fen": "12.50"}))

    def test_it_lets_only_admins_author_tables(self) -> None:
        with self.assertRaises(Refused):
            install_benchmark(self.as_actor(self.head), RIVER_WORKS, self.water)
