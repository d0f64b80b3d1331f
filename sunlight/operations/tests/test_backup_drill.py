"""The backup and restore drill: back up, keep working, restore, and the ledger still verifies."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys, django
django.setup()
from django.core.management import call_command
from django.db import transaction
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.verification import verify_ledger
step = sys.argv[1]
if step == "before":
    call_command("migrate", verbosity=0)
    with transaction.atomic():
        for n in range(50):
            append(Actor.system(), "drill.note", ("drill.thing", n))
    call_command("backup", sys.argv[2])
    with transaction.atomic():
        for n in range(25):
            append(Actor.system(), "drill.after_backup", ("drill.thing", n))
    print(Leaf.objects.count())
else:
    call_command("restore", sys.argv[2])
    report = verify_ledger()
    print(Leaf.objects.count(), Leaf.objects.filter(action="drill.after_backup").count(), report.ok)
"""


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_it_restores_a_backup_that_verifies(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sunlight.settings",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path}/drill.sqlite3",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    archive = str(tmp_path / "backups" / "drill.tar.gz")
    assert run(env, "before", archive) == "75"
    # The database moves on, then the backup is restored: the 25 later leaves are gone, the 50
    # before are whole and verify.
    assert run(env, "after", archive) == "50 0 True"
