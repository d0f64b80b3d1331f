from django.test import SimpleTestCase, override_settings

from sunlight.checkpoints import authoring, typecheck
from sunlight.checkpoints.contexts import sample_with
from sunlight.checkpoints.engine import HELPERS
from sunlight.checkpoints.kinds import NodeKind


def problems(expression: str, kind: str = NodeKind.DESIGN_CHANGE) -> list[str]:
    return authoring.problems(expression, kind, {"single_max_fen": 50_000_000})


@override_settings(LANGUAGE_CODE="en")
class TypeCheckTests(SimpleTestCase):
    def test_it_accepts_the_red_line_rule(self) -> None:
        self.assertEqual(problems("change.amount_fen <= params.single_max_fen"), [])

    def test_it_points_at_a_syntax_error(self) -> None:
        found = problems("change.amount_fen <= ")
        self.assertEqual(len(found), 1)
        self.assertIn("Line 1, column 22", found[0])

    def test_it_points_at_an_unknown_field(self) -> None:
        found = problems("change.amount_fen <= contract.prise_fen")
        self.assertIn("Line 1, column 31", found[0])
        self.assertIn("prise_fen", found[0])
        self.assertIn("price_fen", found[0])  # the fields that exist are listed

    def test_it_points_at_a_type_error_on_the_second_line(self) -> None:
        found = problems("change.amount_fen > 0 &&\n  change.title > 5")
        self.assertIn("Line 2, column 16", found[0])

    def test_it_refuses_float_literals_and_double(self) -> None:
        self.assertIn(
            "Line 1, column 30", problems("change.amount_fen * 10000 <= 0.2 * contract.price_fen")[0]
        )
        self.assertTrue(problems("double(change.amount_fen) <= 1"))

    def test_it_refuses_a_rule_that_does_not_give_true_or_false(self) -> None:
        self.assertTrue(problems("change.amount_fen + 1"))

    def test_it_refuses_an_unknown_name_or_function(self) -> None:
        self.assertIn("Unknown name", problems("amount <= 5")[0])
        self.assertIn("Unknown function", problems("frobnicate(change.amount_fen)")[0])

    def test_it_types_macros_helpers_and_dates(self) -> None:
        self.assertEqual(problems("[1, 2].all(x, x < change.amount_fen)"), [])
        self.assertEqual(problems("days_between(today, today) == 0"), [])
        self.assertEqual(problems("payment.on >= milestone.earliest_on", NodeKind.FUND_PAYMENT), [])
        self.assertTrue(problems("payment.on >= milestone.max_share_bp", NodeKind.FUND_PAYMENT))

    def test_it_lets_open_case_data_through(self) -> None:
        self.assertEqual(problems("form.fee_fen <= case.data.amount_fen", NodeKind.STEP_COMPLETION), [])
        self.assertEqual(problems("has(form.opinion) && decision == 'approve'", NodeKind.STEP_COMPLETION), [])

    def test_it_finds_errors_the_sample_does_not_reach(self) -> None:
        # The dry run on the sample never evaluates the right side: the checker still sees it.
        self.assertTrue(problems("change.amount_fen > 0 || change.title + 1 > 0"))

    def test_it_skips_constructs_it_does_not_know_rather_than_refuse_them(self) -> None:
        variables = sample_with(NodeKind.DESIGN_CHANGE, {})
        self.assertEqual(typecheck.check("google.protobuf.Int64Value{value: 1} == 1", variables, HELPERS), [])
