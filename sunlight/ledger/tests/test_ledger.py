import base64
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.test import TestCase, override_settings
from django.urls import reverse

from sunlight.ledger import canonical, checkpoints, merkle
from sunlight.ledger.actions import NotInTransaction, append
from sunlight.ledger.actions import size as ledger_size
from sunlight.ledger.bundles import bundle_json
from sunlight.ledger.keys import trusted_public_keys
from sunlight.ledger.models import Checkpoint, Leaf
from sunlight.ledger.tree import DbNodeStore
from sunlight.ledger.verification import verify_ledger
from sunlight.lib import signing
from sunlight.test import Personas, system

VERIFIER = Path(__file__).resolve().parents[3] / "tools" / "verify_bundle.py"


def write_leaves(count: int) -> None:
    for number in range(count):
        with transaction.atomic():
            append(system(), "test.note", ("test.thing", number % 3), changes={"n": (None, number)})


class AppendTests(TestCase):
    def test_it_numbers_leaves_without_gaps_and_keeps_the_time_inside(self) -> None:
        write_leaves(5)
        seqs = list(Leaf.objects.order_by("seq").values_list("seq", flat=True))
        self.assertEqual(seqs, list(range(5)))
        self.assertEqual(ledger_size(), 5)
        data = json.loads(Leaf.objects.get(seq=3).data)
        self.assertEqual(data["seq"], 3)
        self.assertIn("time", data)
        self.assertEqual(data["changes"], {"n": [None, 3]})

    def test_it_records_the_moment_of_the_action_it_is_given(self) -> None:
        moment = dt.datetime(2026, 10, 8, 1, 2, 3, 456789, tzinfo=dt.UTC)
        with transaction.atomic():
            leaf = append(system(), "test.action", ("test.object", 1), at=moment)
        stored = Leaf.objects.get(seq=leaf.seq)
        self.assertEqual(stored.recorded_at, moment)
        self.assertEqual(json.loads(stored.data)["time"], "2026-10-08T01:02:03.456789+00:00")
        self.assertEqual(
            (leaf.recorded_at, leaf.data, bytes(leaf.leaf_hash)),
            (moment, stored.data, bytes(stored.leaf_hash)),
        )

    def test_it_writes_canonical_json_with_the_callers_values_made_plain(self) -> None:
        long_text = "长" * 600
        with transaction.atomic():
            leaf = append(
                system(),
                "test.action",
                ("test.object", 7),
                changes={"due": (dt.date(2026, 10, 1), dt.date(2026, 10, 8))},
                reason=long_text,
                detail={"on": dt.date(2026, 10, 8), "note": long_text, "n": 3},
            )
        data = json.loads(leaf.data)
        self.assertEqual(leaf.data, canonical.dumps(data))  # sorted keys, no spaces, UTF-8 as is
        self.assertEqual(data["changes"], {"due": ["2026-10-01", "2026-10-08"]})
        self.assertEqual(data["reason"], canonical.digest(long_text))
        self.assertEqual(data["detail"], {"on": "2026-10-08", "note": canonical.digest(long_text), "n": 3})
        with transaction.atomic(), self.assertRaises(canonical.NotCanonical):
            append(system(), "test.action", ("test.object", 7), detail={"share": 0.5})

    def test_it_refuses_an_append_outside_a_transaction(self) -> None:
        # TestCase wraps each test in a transaction; leave it to see the guard.
        with self.assertRaises(NotInTransaction):
            connection.in_atomic_block, saved = False, connection.in_atomic_block
            try:
                append(system(), "test.note", ("test.thing", 1))
            finally:
                connection.in_atomic_block = saved

    def test_it_rolls_the_leaf_back_with_the_action(self) -> None:
        try:
            with transaction.atomic():
                append(system(), "test.note", ("test.thing", 1))
                raise RuntimeError("the action failed")
        except RuntimeError:
            pass
        self.assertEqual(ledger_size(), 0)
        write_leaves(1)
        self.assertEqual(list(Leaf.objects.values_list("seq", flat=True)), [0])
        self.assertEqual(ledger_size(), 1)

    def test_it_stores_confidential_values_as_digests(self) -> None:
        with transaction.atomic():
            append(
                system(),
                "test.note",
                ("test.thing", 1),
                changes={"phone": (None, "13807310001")},
                confidential=["phone"],
            )
        self.assertNotIn("13807310001", Leaf.objects.get().data)

    def test_it_keeps_the_stored_tree_equal_to_a_fresh_one(self) -> None:
        write_leaves(37)
        hashes = [bytes(h) for h in Leaf.objects.order_by("seq").values_list("leaf_hash", flat=True)]
        fresh = merkle.MemoryNodeStore()
        for size, leaf_hash in enumerate(hashes):
            fresh.put(merkle.nodes_completed_by_append(fresh, size, leaf_hash))
        for size in (1, 2, 13, 32, 37):
            self.assertEqual(merkle.root(DbNodeStore(), size), merkle.root(fresh, size))


class AppendOnlyTests(TestCase):
    def test_it_refuses_update_and_delete_through_plain_sql(self) -> None:
        write_leaves(16)  # a whole block: one stored node
        checkpoints.make_checkpoint(force=True)
        for statement in (
            "UPDATE ledger_leaf SET data = 'x' WHERE seq = 1",
            "DELETE FROM ledger_leaf WHERE seq = 2",
            "UPDATE ledger_node SET hash = hash WHERE level = 4",
            "DELETE FROM ledger_node",
            "DELETE FROM ledger_checkpoint",
        ):
            with (
                self.subTest(statement),
                self.assertRaises(DatabaseError),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute(statement)
        self.assertEqual(Leaf.objects.count(), 16)


@override_settings(LEDGER_CHECKPOINT_LEAVES=10, LEDGER_CHECKPOINT_SECONDS=60)
class CheckpointTests(TestCase):
    def test_it_signs_a_checkpoint_every_n_leaves(self) -> None:
        write_leaves(9)
        self.assertIsNotNone(checkpoints.make_checkpoint())  # the first one
        write_leaves(5)
        self.assertIsNone(checkpoints.make_checkpoint())  # 5 < 10 and not 60 s yet
        write_leaves(5)
        made = checkpoints.make_checkpoint()
        assert made is not None
        self.assertEqual(made.size, 19)

    def test_it_signs_a_checkpoint_after_t_seconds(self) -> None:
        write_leaves(2)
        checkpoints.make_checkpoint()
        write_leaves(1)
        with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(seconds=61)):
            made = checkpoints.make_checkpoint()
        assert made is not None
        self.assertEqual(made.size, 3)

    def test_it_signs_what_the_public_key_verifies(self) -> None:
        write_leaves(4)
        made = checkpoints.make_checkpoint(force=True)
        assert made is not None
        suite, public = trusted_public_keys()[made.key_id]
        message = merkle.checkpoint_message(made.origin, made.size, made.root, made.signed_at)
        self.assertTrue(signing.verify(suite, public, message, base64.b64decode(made.signature)))
        self.assertIn(suite, ("sm2-sm3", "ed25519"))

    def test_it_runs_from_the_timer_loop(self) -> None:
        write_leaves(12)
        call_command("runtimers", "--once", stdout=io.StringIO())
        self.assertEqual(Checkpoint.objects.get().size, 12)


class VerificationTests(TestCase):
    def test_it_passes_an_untouched_ledger(self) -> None:
        write_leaves(40)
        checkpoints.make_checkpoint(force=True)
        write_leaves(3)
        report = verify_ledger()
        self.assertTrue(report.ok, report.problems)
        self.assertEqual(report.size, 43)

    def test_it_exits_non_zero_and_names_the_leaf_on_failure(self) -> None:
        from sunlight.ledger import triggers

        write_leaves(6)
        triggers.remove(connection)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE ledger_leaf SET data = replace(data, 'test.note', 'test.nope') WHERE seq = 4"
            )
        err = io.StringIO()
        with self.assertRaises(SystemExit) as exited:
            call_command("verifyledger", "--no-record", stdout=io.StringIO(), stderr=err)
        self.assertEqual(exited.exception.code, 1)
        self.assertIn("first bad sequence number 4", err.getvalue())


class BundleTests(Personas):
    def test_it_writes_a_bundle_the_standalone_script_verifies(self) -> None:
        text = bundle_json("orgs.organisation", str(self.finance.pk))
        good = Path(self.tmp()) / "good.json"
        good.write_text(text, encoding="utf-8")
        result = subprocess.run([sys.executable, str(VERIFIER), str(good)], capture_output=True, text=True)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
        bundle = json.loads(text)
        leaf = bundle["leaves"][0]
        leaf["leaf"] = leaf["leaf"].replace("区财政局", "区财政厅", 1)
        bad = Path(self.tmp()) / "bad.json"
        bad.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
        result = subprocess.run([sys.executable, str(VERIFIER), str(bad)], capture_output=True, text=True)
        self.assertEqual(result.returncode, 1)

    def tmp(self) -> str:
        import tempfile

        directory = tempfile.mkdtemp()
        self.addCleanup(__import__("shutil").rmtree, directory)
        return directory

    def test_it_shows_inspectors_the_trail_and_records_that_they_read_it(self) -> None:
        url = reverse("ledger:trail", args=["orgs.organisation", self.finance.pk])
        self.login(self.clerk)
        self.assertEqual(self.client.get(url).status_code, 403)
        self.login(self.inspector, verified=True)
        response = self.client.get(url)
        self.assertContains(response, "区财政局")
        self.assertTrue(Leaf.objects.filter(action="ledger.read_trail", actor_id=self.inspector.pk).exists())
        self.assertEqual(self.client.get(url + "bundle.json").status_code, 200)

    def test_it_publishes_the_public_key_to_everyone(self) -> None:
        checkpoints.make_checkpoint(force=True)
        body = self.client.get(reverse("ledger:public_key")).json()
        self.assertTrue(body["public_key"].startswith(("sm2-sm3:", "ed25519:")))
        self.assertEqual(body["checkpoint"]["size"], ledger_size())

    def test_it_shows_the_health_page_to_admins(self) -> None:
        self.login(self.admin, verified=True)
        call_command("verifyledger", stdout=io.StringIO())
        self.assertContains(self.client.get(reverse("ledger:health")), 'id="ledger-size"')
