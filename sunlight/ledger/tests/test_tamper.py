"""Someone with database access edits the ledger behind the application's back.

The triggers are dropped first, as a superuser would; every edit must still be found by the
verification, which names the first bad sequence number.
"""

from django.db import connection
from django.test import TestCase, override_settings

from sunlight.ledger import checkpoints, merkle, triggers
from sunlight.ledger.models import Leaf
from sunlight.ledger.tests.test_ledger import write_leaves
from sunlight.ledger.verification import verify_ledger


def forge_leaf(seq: int) -> None:
    """Rewrite a leaf's content and its recorded hash together, as a careful forger would."""
    data = f'{{"forged":true,"seq":{seq},"time":"2026-01-01T00:00:00Z"}}'
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_leaf SET data = %s, leaf_hash = %s WHERE seq = %s",
            [data, merkle.leaf_hash(data.encode()), seq],
        )


@override_settings(LEDGER_CHECKPOINT_LEAVES=5)
class TamperTests(TestCase):
    def setUp(self) -> None:
        for _ in range(4):
            write_leaves(5)
            checkpoints.make_checkpoint(force=True)
        self.assertTrue(verify_ledger().ok)
        triggers.remove(connection)  # undone with the test's transaction

    def sql(self, statement: str, *params: str | int | bytes) -> None:
        with connection.cursor() as cursor:
            cursor.execute(statement, params)

    def leaf_hashes(self, below: int) -> dict[int, bytes]:
        return {
            seq: bytes(h) for seq, h in Leaf.objects.filter(seq__lt=below).values_list("seq", "leaf_hash")
        }

    def reseal_first_block(self) -> None:
        """Recompute the stored node over leaves 0-15 from their (forged) recorded hashes."""
        block = merkle.perfect_from_leaves([(4, 0)], self.leaf_hashes(16))[(4, 0)]
        self.sql('UPDATE ledger_node SET hash = %s WHERE level = 4 AND "index" = 0', block)

    def assertFirstBad(self, seq: int) -> None:
        report = verify_ledger()
        self.assertFalse(report.ok)
        self.assertEqual(report.first_bad_seq, seq, report.problems)

    def test_it_finds_an_edited_leaf(self) -> None:
        self.sql("UPDATE ledger_leaf SET data = replace(data, '\"n\"', '\"m\"') WHERE seq = 7")
        self.assertFirstBad(7)

    def test_it_finds_an_edited_leaf_whose_hash_was_recomputed(self) -> None:
        forge_leaf(7)
        report = verify_ledger()
        self.assertFalse(report.ok)
        # No node is stored for one leaf: the stored node over its block of 16 names the edit,
        # and the checkpoints signed at 10 and after narrow it to 5-9, whose first is named.
        self.assertEqual(report.first_bad_seq, 5, report.problems)
        self.assertIn("node 4/0 (leaves 0–15) does not match the leaves under it", report.summary())
        self.assertIn("the leaves 5–9 do not give the root signed at size 10", report.summary())

    def test_it_names_no_later_leaf_when_a_checkpoint_root_is_forged_too(self) -> None:
        forge_leaf(7)
        # The root at 10 replaced to fit the edit: its signature no longer holds, and it must not
        # pass for a good size past the edit (which would name 10, after the bad leaf).
        store = merkle.MemoryNodeStore(lowest=8)  # every subtree under 256 leaves hashed from its leaves
        store.leaves = self.leaf_hashes(10)
        self.sql("UPDATE ledger_checkpoint SET root = %s WHERE size = 10", merkle.root(store, 10).hex())
        report = verify_ledger()
        self.assertFalse(report.ok)
        self.assertIn("checkpoint at size 10 has a bad signature", report.summary())
        first = report.first_bad_seq
        assert first is not None
        self.assertLessEqual(first, 7, report.problems)

    def test_it_finds_a_rewrite_of_a_leaf_and_its_whole_tree_by_the_signed_root(self) -> None:
        forge_leaf(7)
        self.reseal_first_block()
        report = verify_ledger()
        self.assertFalse(report.ok)
        # The checkpoint signed at size 10 covers leaves 5-9: the window of the edit is named.
        self.assertEqual(report.first_bad_seq, 5, report.problems)
        self.assertIn("5–9", report.summary())
        self.assertNotIn("Merkle node", report.summary())

    def test_it_names_a_rewritten_leaf_before_a_plainly_edited_one(self) -> None:
        # Leaf 3 rewritten with its hash and the tree above it: only the signed root at 5 shows
        # it. Leaf 12 plainly edited: named exactly. The first bad leaf is in 0-4, not 12.
        forge_leaf(3)
        self.reseal_first_block()
        self.sql("UPDATE ledger_leaf SET data = replace(data, '\"n\"', '\"m\"') WHERE seq = 12")
        report = verify_ledger()
        self.assertIn("leaf 12: its content does not match its recorded hash", report.summary())
        self.assertEqual(report.first_bad_seq, 0, report.problems)

    def test_it_finds_a_deleted_leaf(self) -> None:
        self.sql("DELETE FROM ledger_leaf WHERE seq = 12")
        self.assertFirstBad(12)

    def test_it_finds_an_inserted_leaf(self) -> None:
        self.sql(
            "INSERT INTO ledger_leaf (seq, recorded_at, action, object_type, object_id, actor_id, data, leaf_hash) "
            "SELECT 20, recorded_at, action, object_type, object_id, actor_id, replace(data, '\"seq\":19', '\"seq\":20'), "
            "leaf_hash FROM ledger_leaf WHERE seq = 19"
        )
        self.assertFirstBad(20)

    def test_it_finds_reordered_leaves(self) -> None:
        self.sql("UPDATE ledger_leaf SET seq = 1000 WHERE seq = 3")
        self.sql("UPDATE ledger_leaf SET seq = 3 WHERE seq = 4")
        self.sql("UPDATE ledger_leaf SET seq = 4 WHERE seq = 1000")
        self.assertFirstBad(3)

    def test_it_finds_a_truncated_ledger(self) -> None:
        self.sql("DELETE FROM ledger_leaf WHERE seq >= 15")
        self.assertFirstBad(15)

    def test_it_finds_a_forged_checkpoint(self) -> None:
        self.sql("UPDATE ledger_checkpoint SET root = %s WHERE size = 10", "00" * 32)
        report = verify_ledger()
        self.assertFalse(report.ok)
        self.assertIn("bad signature", report.summary())
