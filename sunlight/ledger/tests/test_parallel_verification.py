"""Verification split over worker processes gives the same answers as one pass."""

import itertools
import unittest

from django.db import connection, transaction
from django.test import TransactionTestCase, override_settings

from sunlight.ledger import checkpoints, triggers
from sunlight.ledger.actions import append
from sunlight.ledger.verification import _chunks, verify_ledger
from sunlight.test import system


def write(count: int) -> None:
    with transaction.atomic():
        for number in range(count):
            append(system(), "test.note", ("test.thing", number % 7), changes={"n": (None, number)})


def test_it_splits_the_ledger_into_power_of_two_aligned_ranges() -> None:
    ranges = _chunks(1_000_000, 2)
    assert ranges[0][0] == 0 and ranges[-1][1] == 1_000_000
    size = ranges[0][1] - ranges[0][0]
    assert size & (size - 1) == 0  # a power of two
    assert all(start % size == 0 for start, _stop in ranges)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(ranges))


@unittest.skipUnless(connection.vendor == "postgresql", "worker processes need a shared database")
@override_settings(LEDGER_VERIFY_PARALLEL_FROM=0, LEDGER_VERIFY_WORKERS=2)
class ParallelVerificationTests(TransactionTestCase):
    def test_it_verifies_in_worker_processes_and_still_names_the_bad_leaf(self) -> None:
        # 20,000 leaves make two ranges (16,384 and the rest) with checkpoints inside and across them.
        for _ in range(4):
            write(5_000)
            checkpoints.make_checkpoint(force=True)
        report = verify_ledger()
        self.assertTrue(report.ok, report.problems)
        self.assertEqual(report.size, 20_000)
        triggers.remove(connection)
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE ledger_leaf SET data = replace(data, '\"n\"', '\"m\"') WHERE seq = 17000"
                )
            report = verify_ledger()
            self.assertFalse(report.ok)
            self.assertEqual(report.first_bad_seq, 17_000)

        finally:
            triggers.install(connection)
