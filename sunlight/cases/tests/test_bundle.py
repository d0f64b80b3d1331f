"""A concluded case's trail, exported as an offline bundle, checked by the standalone verifier."""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from sunlight.ledger.bundles import bundle_json
from sunlight.ratings.tests.factories import conclude
from sunlight.test import Personas

VERIFIER = Path(__file__).resolve().parents[3] / "tools" / "verify_bundle.py"


class CaseBundleTests(Personas):
    def verify(self, text: str) -> subprocess.CompletedProcess[str]:
        directory = Path(tempfile.mkdtemp())
        self.addCleanup(__import__("shutil").rmtree, directory)
        path = directory / "bundle.json"
        path.write_bytes(text.encode("utf-8"))
        return subprocess.run([sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True)

    def test_it_verifies_a_whole_case_offline_and_fails_after_one_byte_changes(self) -> None:
        case, _ = conclude(self)
        text = bundle_json("cases.case", str(case.pk))
        bundle = json.loads(text)
        actions = [json.loads(leaf["leaf"])["action"] for leaf in bundle["leaves"]]
        self.assertEqual(actions[0], "cases.start")
        self.assertEqual(actions.count("cases.complete_step"), 4)  # accept, review, decide, issue
        result = self.verify(text)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

        # One byte of the amount the clerk entered (120000 → 920000) in the second leaf.
        leaf = bundle["leaves"][1]
        self.assertIn("120000", leaf["leaf"])
        leaf["leaf"] = leaf["leaf"].replace("120000", "920000", 1)
        result = self.verify(json.dumps(bundle, ensure_ascii=False))
        self.assertEqual(result.returncode, 1, result.stdout + result.stderr)
