"""Two `runtimers` sweep at the same moment on PostgreSQL: every card is raised exactly once."""

from __future__ import annotations

import threading
import unittest

from django.db import connection, connections
from django.test import TransactionTestCase

from sunlight.alarms.models import Alarm, AlarmKind
from sunlight.alarms.sweep import sweep
from sunlight.alarms.tests.factories import at, one_step
from sunlight.cases.tests.factories import start
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.test import PersonaFields, create_personas

CASES = 30


def _race() -> list[int]:
    """Run two sweeps in two threads (two connections) released together."""
    barrier = threading.Barrier(2)
    results: list[int] = []
    errors: list[BaseException] = []

    def node() -> None:
        try:
            barrier.wait()
            results.append(sweep())
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=node) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


@unittest.skipUnless(connection.vendor == "postgresql", "concurrent timer nodes need PostgreSQL")
class ConcurrentSweepTests(PersonaFields, TransactionTestCase):
    def test_it_raises_one_yellow_and_one_red_per_case_with_two_sweeps_at_once(self) -> None:
        create_personas(self)
        definition = one_step(5)
        with at("2026-11-02"):
            cases = [start(Actor.of(self.clerk), definition)[0] for _ in range(CASES)]
        with at("2026-11-06"):
            self.assertEqual(sum(_race()), CASES)
        with at("2026-11-10"):
            self.assertEqual(sum(_race()), CASES)
            self.assertEqual(sum(_race()), 0)
        for case in cases:
            kinds = sorted(Alarm.objects.filter(subject_id=str(case.pk)).values_list("kind", flat=True))
            self.assertEqual(kinds, sorted([AlarmKind.CASE_DUE_SOON, AlarmKind.CASE_OVERDUE]))
        # One ledger leaf per alarm: the loser of each race wrote nothing.
        raised = sorted(Leaf.objects.filter(action="alarms.raise").values_list("object_id", flat=True))
        self.assertEqual(raised, sorted(str(pk) for pk in Alarm.objects.values_list("pk", flat=True)))
