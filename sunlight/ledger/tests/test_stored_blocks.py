"""The stored tree keeps nodes of 16 leaves and up; smaller ones are hashed from the leaves.

An append writes a node only when it completes a block; roots and proofs at every size, block
boundaries included, are what the full tree gives; a ledger written before, with every level
stored, still verifies and its old rows are still checked.
"""

from __future__ import annotations

from unittest import mock

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from sunlight.ledger import actions, merkle, triggers, verification
from sunlight.ledger.models import Leaf, Node
from sunlight.ledger.tests.test_ledger import write_leaves
from sunlight.ledger.tree import BLOCK, BLOCK_LEVEL, DbNodeStore


def leaf_hashes() -> list[bytes]:
    return [bytes(h) for h in Leaf.objects.order_by("seq").values_list("leaf_hash", flat=True)]


def full_tree(hashes: list[bytes]) -> merkle.MemoryNodeStore:
    """Every level stored, level 0 included: the tree as it was kept before."""
    store = merkle.MemoryNodeStore()
    for size, digest in enumerate(hashes):
        store.put(merkle.nodes_completed_by_append(store, size, digest))
    return store


class BlockAppendTests(TestCase):
    def test_it_stores_a_node_only_when_an_append_completes_a_block(self) -> None:
        write_leaves(BLOCK - 1)
        self.assertFalse(Node.objects.exists())
        with CaptureQueriesContext(connection) as captured:
            write_leaves(1)
        # The head, the leaf, one read of the block's leaf hashes, one insert.
        self.assertEqual(len([q for q in captured.captured_queries if "ledger_" in q["sql"]]), 4)
        self.assertEqual(list(Node.objects.values_list("level", "index")), [(4, 0)])
        write_leaves(BLOCK)
        positions = list(Node.objects.order_by("id").values_list("level", "index"))
        self.assertEqual(positions, [(4, 0), (4, 1), (5, 0)])  # in the order verification reads

    def test_it_appends_inside_a_block_in_two_statements(self) -> None:
        write_leaves(3)
        with CaptureQueriesContext(connection) as captured:
            write_leaves(1)  # leaf 3 completes the subtree of leaves 0-3, which is not stored
        self.assertEqual(len([q for q in captured.captured_queries if "ledger_" in q["sql"]]), 2)

    def test_it_hashes_small_subtrees_from_the_leaves_as_they_were_stored(self) -> None:
        write_leaves(3 * BLOCK + 5)
        full = full_tree(leaf_hashes())
        keys = list(full.nodes)
        self.assertEqual(DbNodeStore().get_many(keys), full.nodes)
        stored = {(n.level, n.index): bytes(n.hash) for n in Node.objects.all()}
        self.assertEqual(stored, {k: v for k, v in full.nodes.items() if k[0] >= BLOCK_LEVEL})
        # A subtree past the last leaf is not there, stored or not.
        self.assertEqual(DbNodeStore().get_many([(0, 3 * BLOCK + 5), (2, 13), (4, 3)]), {})

    def test_it_proves_around_block_boundaries_as_the_full_tree_does(self) -> None:
        write_leaves(2 * BLOCK + 3)
        hashes = leaf_hashes()
        full, db = full_tree(hashes), DbNodeStore()
        sizes = [1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK - 1, 2 * BLOCK, 2 * BLOCK + 1, 2 * BLOCK + 3]
        for size in sizes:
            root = merkle.root(db, size)
            self.assertEqual(root, merkle.root(full, size), size)
            for index in {0, BLOCK - 1, BLOCK, size - 1} & set(range(size)):
                proof = merkle.inclusion_proof(db, index, size)
                self.assertEqual(proof, merkle.inclusion_proof(full, index, size))
                self.assertTrue(merkle.verify_inclusion(hashes[index], index, size, proof, root))
            for old in sizes:
                if old <= size:
                    proof = merkle.consistency_proof(db, old, size)
                    self.assertEqual(proof, merkle.consistency_proof(full, old, size))
                    old_root = merkle.root(db, old)
                    self.assertTrue(merkle.verify_consistency(old, size, old_root, root, proof))


class LedgerWrittenWithEveryLevelTests(TestCase):
    """A database from before the blocks: every level stored for its first leaves."""

    def setUp(self) -> None:
        # Blocks of one leaf store every level, as every append did before.
        with mock.patch.object(actions, "BLOCK", 1), mock.patch.object(actions, "BLOCK_LEVEL", 0):
            write_leaves(2 * BLOCK + 7)  # the upgrade lands inside a block
        write_leaves(2 * BLOCK + 9)

    def test_it_verifies_it_in_every_chunk_size(self) -> None:
        self.assertTrue(Node.objects.filter(level=0).exists())
        for size in (verification.CHUNK, 2 * BLOCK, BLOCK, 4):
            with self.subTest(chunk=size), mock.patch.object(verification, "CHUNK", size):
                report = verification.verify_ledger()
                self.assertTrue(report.ok, report.problems)
                self.assertEqual(report.size, 4 * BLOCK + 16)

    def test_it_still_checks_the_old_rows_of_the_lower_levels(self) -> None:
        triggers.remove(connection)  # undone with the test's transaction
        with connection.cursor() as cursor:
            cursor.execute('UPDATE ledger_node SET hash = %s WHERE level = 0 AND "index" = 9', [b"\x09" * 32])
        for size in (verification.CHUNK, BLOCK):
            with self.subTest(chunk=size), mock.patch.object(verification, "CHUNK", size):
                report = verification.verify_ledger()
                self.assertFalse(report.ok)
                self.assertEqual(report.first_bad_seq, 9, report.problems)
                self.assertIn("leaf 9: its hash does not match the Merkle tree", report.summary())
