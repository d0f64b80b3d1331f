"""Eight writers append at once through real actions: no gap, no duplicate, the ledger verifies."""

import threading
import unittest

from django.db import connection, connections
from django.test import TransactionTestCase

from sunlight.ledger.models import Leaf
from sunlight.ledger.verification import verify_ledger
from sunlight.orgs import actions
from sunlight.orgs.models import Organisation
from sunlight.test import make_unit, system

WRITERS = 8
LEAVES = 10_000


@unittest.skipUnless(connection.vendor == "postgresql", "concurrent writers need PostgreSQL")
class ConcurrentAppendTests(TransactionTestCase):
    def test_it_numbers_leaves_without_gaps_under_eight_concurrent_writers(self) -> None:
        units = [
            make_unit(name)
            for name in (
                "区财政局",
                "区水务局",
                "区环保局",
                "区规划局",
                "区地税局",
                "区城投集团",
                "区计生局",
                "区行政综合执法局",
            )
        ]
        start = Leaf.objects.count()
        per_writer = (LEAVES - start) // WRITERS + 1
        errors: list[BaseException] = []
        barrier = threading.Barrier(WRITERS)

        def writer(unit_id: int) -> None:
            try:
                barrier.wait()
                for n in range(per_writer):
                    unit = Organisation.objects.get(pk=unit_id)
                    actions.update_organisation(
                        system(),
                        unit,
                        name=unit.name,
                        abbr=unit.abbr,
                        sort=n + 1,
                        is_active=True,
                        reason="并发测试",
                    )
            except BaseException as exc:  # reported by the main thread
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=writer, args=(u.pk,)) for u in units]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        seqs = list(Leaf.objects.order_by("seq").values_list("seq", flat=True))
        self.assertGreaterEqual(len(seqs), LEAVES)
        self.assertEqual(seqs, list(range(len(seqs))))
        report = verify_ledger()
        self.assertTrue(report.ok, report.problems)
