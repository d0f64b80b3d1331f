"""The arithmetic of the assessment: integers only, rounded down, kept in bounds."""

from __future__ import annotations

from django.test import SimpleTestCase

from sunlight.assessments import scoring
from sunlight.assessments.models import AssessmentGrade, Measure
from sunlight.assessments.periods import Quarter


class ScoringTests(SimpleTestCase):
    def test_it_scores_linearly_between_the_zero_and_full_points(self) -> None:
        self.assertEqual(scoring.points(20, 8000, 10000, 9000), 1000)  # halfway: 10.00 of 20
        self.assertEqual(scoring.points(20, 8000, 10000, 7000), 0)  # below the zero point
        self.assertEqual(scoring.points(20, 8000, 10000, 10000), 2000)
        self.assertEqual(scoring.points(10, 3, 0, 1), 666)  # lower is better: 6.666… rounded down
        self.assertEqual(scoring.points(10, 3, 0, 0), 1000)
        self.assertEqual(scoring.points(10, 3, 0, 9), 0)
        self.assertIsNone(scoring.points(10, 3, 0, None))

    def test_it_scales_to_the_weights_that_apply_and_bounds_the_total(self) -> None:
        self.assertEqual(scoring.automatic_total([(20, 2000), (10, None), (70, 3500)]), 5500 * 100 // 90)
        self.assertEqual(scoring.automatic_total([(10, None)]), 10000)
        self.assertEqual(scoring.total(9900, 500), 10000)
        self.assertEqual(scoring.total(100, -500), 0)

    def test_it_grades_and_ranks(self) -> None:
        self.assertEqual(scoring.grade(9000, 90, 80, 60), AssessmentGrade.EXCELLENT)
        self.assertEqual(scoring.grade(8999, 90, 80, 60), AssessmentGrade.GOOD)
        self.assertEqual(scoring.grade(6000, 90, 80, 60), AssessmentGrade.PASS)
        self.assertEqual(scoring.grade(5999, 90, 80, 60), AssessmentGrade.FAIL)
        self.assertEqual(scoring.ranks([8000, 9000, 8000, 7000]), [2, 1, 2, 4])

    def test_it_parses_points_without_floats(self) -> None:
        self.assertEqual(scoring.parse_centi("-3"), -300)
        self.assertEqual(scoring.parse_centi("+1.5"), 150)
        self.assertEqual(scoring.parse_centi("－2.25"), -225)
        for bad in ("1.005", "abc", "", "nan", "inf"):
            with self.assertRaises(ValueError, msg=bad):
                scoring.parse_centi(bad)
        self.assertEqual(scoring.parse_measure("97.5%", Measure.BASIS_POINTS), 9750)
        self.assertEqual(scoring.parse_measure("5", Measure.COUNT), 5)
        self.assertEqual(scoring.display_measure(9750, Measure.BASIS_POINTS), "97.5")
        self.assertEqual(scoring.format_value(1500, Measure.HUNDREDTHS), "15.00")

    def test_it_knows_its_quarters(self) -> None:
        q = Quarter.parse("2026-Q4")
        assert q is not None
        self.assertEqual((q.start.isoformat(), q.end.isoformat()), ("2026-10-01", "2026-12-31"))
        self.assertEqual(q.next(), Quarter(2027, 1))
        self.assertEqual(Quarter(2027, 1).previous(), q)
        self.assertIsNone(Quarter.parse("2026-Q5"))
