"""Verification reads each chunk of leaves and its stored nodes as streams, and still checks them all.

A chunk that differs anywhere is read again row by row, which names the problem; every stored
node is compared. `CHUNK` is made small here so that 48 leaves make whole chunks and nodes
above them, as a large ledger does (and chunks smaller than the stored blocks of 16 leaves).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any
from unittest import mock

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from sunlight.ledger import checkpoints, merkle, triggers, verification
from sunlight.ledger.report import Report
from sunlight.ledger.tests import test_tamper
from sunlight.ledger.tests.test_ledger import write_leaves


def small_chunks(test: TestCase, size: int = 4) -> None:
    patcher = mock.patch.object(verification, "CHUNK", size)
    patcher.start()
    test.addCleanup(patcher.stop)


def test_it_hashes_with_an_sm3_that_agrees_with_hashlib() -> None:
    # GB/T 32905-2016 appendix A.1: SM3("abc").
    assert (
        verification._sm3(b"abc").hex() == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )
    for length in (0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 1000):
        data = bytes(range(256)) * 4
        assert verification._sm3(data[:length]) == hashlib.new("sm3", data[:length]).digest()


def test_it_builds_every_level_of_a_subtree_like_the_rfc() -> None:
    leaves = [merkle.leaf_hash(b"leaf %d" % n) for n in range(13)]
    store = merkle.MemoryNodeStore()
    for n in range(13):
        store.append(n, b"leaf %d" % n)
    levels = verification._levels(leaves)
    for level, nodes in enumerate(levels):
        assert nodes == [store.get(level, index) for index in range(13 >> level)]


@override_settings(LEDGER_CHECKPOINT_LEAVES=5)
class TamperTestsInSmallChunks(test_tamper.TamperTests):
    """The whole tamper suite again, with leaves in whole chunks and nodes above them."""

    def setUp(self) -> None:
        small_chunks(self)
        super().setUp()


@override_settings(LEDGER_CHECKPOINT_LEAVES=12)
class StoredTreeTests(TestCase):
    """48 leaves: the stored nodes are 4/0, 4/1, 4/2 (a block of 16 leaves each) and 5/0."""

    def setUp(self) -> None:
        for _ in range(4):
            write_leaves(12)
            checkpoints.make_checkpoint(force=True)
        triggers.remove(connection)  # undone with the test's transaction

    def sql(self, statement: str, *params: str | int | bytes) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def set_node(self, level: int, index: int, digest: bytes) -> None:
        self.sql('UPDATE ledger_node SET hash = %s WHERE level = %s AND "index" = %s', digest, level, index)

    def failed(self) -> Report:
        report = verification.verify_ledger()
        self.assertFalse(report.ok)
        return report

    def in_all_chunk_sizes(self, check: Callable[[], None]) -> None:
        check()  # 48 leaves: one chunk, short of a whole one
        for size in (16, 4):  # chunks of one block each; chunks smaller than a block
            with self.subTest(chunk=size), mock.patch.object(verification, "CHUNK", size):
                check()

    def test_it_reads_a_clean_ledger_as_streams_only(self) -> None:
        small_chunks(self, 16)
        sql = verification._sql(connection.vendor)

        def refuse(*args: Any) -> list[bytes]:
            raise AssertionError("a clean chunk was read row by row")

        with (
            mock.patch.object(verification, "_read_leaf_rows", refuse),
            CaptureQueriesContext(connection) as queries,
        ):
            report = verification.verify_ledger()
        self.assertTrue(report.ok, report.problems)
        self.assertEqual(report.size, 48)
        # Whole chunks compare their nodes in one stream, not level by level.
        level_read = sql.level.split("%s")[0]
        self.assertFalse([q["sql"] for q in queries.captured_queries if q["sql"].startswith(level_read)])

    def test_it_verifies_with_hashlib_where_gmssl_is_missing(self) -> None:
        self.set_node(4, 1, b"\x12" * 32)
        with mock.patch.object(verification, "_sm3", merkle.sm3):
            report = self.failed()
        self.assertEqual(report.first_bad_seq, 16, report.problems)
        self.assertIn("node 4/1 (leaves 16–31) does not match", report.summary())

    def test_it_finds_a_changed_block_node(self) -> None:
        self.set_node(4, 1, b"\x07" * 32)

        def check() -> None:
            report = self.failed()
            self.assertEqual(report.first_bad_seq, 16, report.problems)
            self.assertIn("node 4/1 (leaves 16–31) does not match", report.summary())

        self.in_all_chunk_sizes(check)

    def test_it_finds_a_changed_interior_node(self) -> None:
        self.set_node(5, 0, b"\x21" * 32)

        def check() -> None:
            report = self.failed()
            self.assertEqual(report.first_bad_seq, 0, report.problems)
            self.assertIn("node 5/0 (leaves 0–31) does not match", report.summary())

        self.in_all_chunk_sizes(check)

    def test_it_finds_a_missing_node(self) -> None:
        self.sql('DELETE FROM ledger_node WHERE level = 4 AND "index" = 2')

        def check() -> None:
            report = self.failed()
            self.assertEqual(report.first_bad_seq, 32, report.problems)
            self.assertIn("node 4/2 (leaves 32–47) is missing", report.summary())

        self.in_all_chunk_sizes(check)

    def test_it_finds_a_changed_node_above_the_chunks(self) -> None:
        small_chunks(self, 16)
        self.set_node(5, 0, b"\x31" * 32)  # leaves 0-31: made from two chunks' roots
        report = self.failed()
        self.assertEqual(report.first_bad_seq, 0, report.problems)
        self.assertIn("node 5/0 (leaves 0–31) does not match", report.summary())

    def test_it_names_only_the_lowest_node_over_a_rewritten_leaf(self) -> None:
        test_tamper.forge_leaf(22)

        def check() -> None:
            report = self.failed()
            nodes = [p.message for p in report.problems if "stored Merkle node" in p.message]
            self.assertEqual(len(nodes), 1, nodes)  # not 5/0 above it
            self.assertIn("node 4/1 (leaves 16–31)", nodes[0])
            # The checkpoint at 24 covers 12-23 and the block 16-31: the edit lies in 16-23.
            self.assertEqual(report.first_bad_seq, 16)

        self.in_all_chunk_sizes(check)

    def test_it_finds_a_leaf_missing_at_the_end_of_a_chunk(self) -> None:
        small_chunks(self)
        self.sql("DELETE FROM ledger_leaf WHERE seq = 7")
        report = self.failed()
        self.assertEqual(report.first_bad_seq, 7, report.problems)
        self.assertIn("leaf 7 is missing (the next leaf is 8)", report.summary())

    def test_it_finds_a_leaf_split_by_a_newline(self) -> None:
        # The streams separate leaves with a newline, which canonical JSON never contains.
        self.sql("UPDATE ledger_leaf SET data = replace(data, '\"seq\"', %s) WHERE seq = 9", '\n"seq"')

        def check() -> None:
            report = self.failed()
            self.assertEqual(report.first_bad_seq, 9, report.problems)
            self.assertIn("leaf 9: its content does not match its recorded hash", report.summary())

        self.in_all_chunk_sizes(check)

    def test_it_finds_a_leaf_hash_of_the_wrong_length(self) -> None:
        self.sql("UPDATE ledger_leaf SET leaf_hash = %s WHERE seq = 3", b"\x03" * 31)

        def check() -> None:
            report = self.failed()
            self.assertEqual(report.first_bad_seq, 3, report.problems)

        self.in_all_chunk_sizes(check)
