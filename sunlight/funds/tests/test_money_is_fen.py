"""Money is integer fen end to end: fields, contexts, source code, forms and the API."""

import ast
import datetime as dt
from pathlib import Path
from typing import Any

import time_machine
from django.apps import apps
from django.db import models
from django.test import SimpleTestCase, override_settings

from sunlight.checkpoints.forms import YuanField
from sunlight.funds import actions, payments
from sunlight.funds.checks import change_context, payment_context
from sunlight.funds.models import ChangeOrder
from sunlight.funds.tests.factories import TODAY, YUAN, WaterFunds, make_active_contract
from sunlight.ledger.actor import Actor

ROOT = Path(__file__).resolve().parents[2]
# Where the word `float` may appear: the code that refuses floats.
REFUSERS = {"checkpoints/contexts.py", "checkpoints/discretion.py", "checkpoints/typecheck.py"}


def floats_in(value: Any) -> list[Any]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in floats_in(v)]
    if isinstance(value, list | tuple):
        return [f for v in value for f in floats_in(v)]
    return []


@override_settings(LANGUAGE_CODE="en")
class SourceTests(SimpleTestCase):
    def test_it_stores_every_amount_as_a_big_integer(self) -> None:
        for label in ("funds", "checkpoints"):
            for model in apps.get_app_config(label).get_models():
                for field in model._meta.get_fields():
                    if field.name.endswith("_fen"):
                        with self.subTest(field=f"{model.__name__}.{field.name}"):
                            self.assertIsInstance(field, models.BigIntegerField)

    def test_it_has_no_float_in_the_source(self) -> None:
        """No float literal, no true division (`/` makes floats of ints), no float() outside the refusers."""
        offences = []
        for app in ("funds", "checkpoints"):
            for path in (ROOT / app).rglob("*.py"):
                relative = str(path.relative_to(ROOT))
                if "/tests/" in relative or "/migrations/" in relative:
                    continue
                for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                    if (
                        (isinstance(node, ast.Constant) and isinstance(node.value, float))
                        or isinstance(node, ast.Div)
                        or (isinstance(node, ast.Name) and node.id == "float" and relative not in REFUSERS)
                    ):
                        offences.append(f"{relative}:{getattr(node, 'lineno', '?')}")
        self.assertEqual(offences, [])

    def test_it_parses_yuan_to_fen_exactly(self) -> None:
        field = YuanField()
        self.assertEqual(field.clean("500,000.01"), 50_000_001)
        self.assertEqual(field.clean("0.1"), 10)
        with self.assertRaises(Exception):  # noqa: B017 - Django's ValidationError
            field.clean("500000.001")


@override_settings(LANGUAGE_CODE="en")
@time_machine.travel(TODAY, tick=False)
class ContextTests(WaterFunds):
    def test_it_hands_only_integers_to_the_checkpoints(self) -> None:
        contract = make_active_contract(self)
        measurement = actions.submit_progress(
            Actor.of(self.pm), contract, progress_bp=3333, measured_on=dt.date(2026, 6, 1), description="计量"
        )
        actions.confirm_progress(Actor.of(self.supervisor), measurement, confirm=True)
        request = payments.request_payment(
            Actor.of(self.pm),
            contract,
            milestone=contract.milestones.get(number=1),
            amount_fen=333_333 * YUAN,  # 10.00% milestone of 10,000,000.00 allows 1,000,000.00
            invoice_number="1",
        )
        self.assertEqual(floats_in(payment_context(request, dt.date(2026, 6, 15))), [])
        self.assertEqual(floats_in(request.checkpoint), [])
        change = ChangeOrder(contract=contract, number=1, title="t", amount_fen=1)
        self.assertEqual(floats_in(change_context(change)), [])
