"""A province's scale on SQLite or PostgreSQL: the demo grown by `manage.py generatescale`.

Run: `.venv/bin/python bench/scale.py [--database sqlite|postgres] [--cases N] [--leaves N] [--verify]`.

SQLite: the database is kept in `var/bench/scale-<cases>-<leaves>.sqlite3` (a second run with
the same sizes finds it complete and only tops it up; `--fresh` starts again). PostgreSQL: the
script starts a throwaway cluster with `scripts/with-postgres`, as `make test` does, and runs
itself inside it. Either way it migrates, loads the demo up to its cases (the templates), grows
the database to the sizes asked, and prints the rows written per second and the time;
`--verify` then runs the ledger's verification over the whole result.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sunlight.settings")


def sqlite_path(cases: int, leaves: int) -> Path:
    return ROOT / "var" / "bench" / f"scale-{cases}-{leaves}.sqlite3"


def use_database(database: str, path: Path | None) -> None:
    """Point Django at the database: a kept SQLite file, or the cluster `with-postgres` started."""
    if database == "sqlite":
        assert path is not None
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        os.environ["VAR_DIR"] = str(path.parent)
    else:
        os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="sunlight-scale-")
    os.environ.setdefault("SEAL_DIR", os.environ["VAR_DIR"] + "/seals")
    os.environ.setdefault("MEDIA_ROOT", os.environ["VAR_DIR"] + "/media")


def grow(cases: int, leaves: int, *, verify: bool, checkpoint_every: int) -> dict[str, float]:
    """Migrate, load the templates, generate; the figures of the run."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from sunlight.ledger.verification import verify_ledger
    from sunlight.management.commands.generatescale import load_demo_prerequisites

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    load_demo_prerequisites(print)
    prepared = time.monotonic() - started
    print(f"{connection.vendor}: migrated and demo loaded in {prepared:.0f} s", flush=True)
    started = time.monotonic()
    call_command("generatescale", cases=cases, leaves=leaves, checkpoint_every=checkpoint_every)
    figures = {"prepare_seconds": prepared, "generate_seconds": time.monotonic() - started}
    if verify:
        started = time.monotonic()
        report = verify_ledger()
        seconds = time.monotonic() - started
        print(f"{report.summary()} in {seconds:.0f} s = {report.size / seconds:,.0f} leaves/s", flush=True)
        if not report.ok:
            sys.exit(1)
        figures["verify_seconds"] = seconds
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--leaves", type=int, default=10_000_000)
    parser.add_argument("--checkpoint-every", type=int, default=1_000_000)
    parser.add_argument(
        "--path", type=Path, help="SQLite file (default: var/bench/scale-<cases>-<leaves>.sqlite3)"
    )
    parser.add_argument("--fresh", action="store_true", help="SQLite: start from an empty file")
    parser.add_argument("--verify", action="store_true", help="verify the whole ledger afterwards")
    args = parser.parse_args()

    if args.database == "postgres" and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # Start the throwaway cluster as `make test` does, and run again inside it.
        command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, *sys.argv]
        sys.exit(subprocess.run(command, cwd=ROOT, check=False).returncode)
    path = None
    if args.database == "sqlite":
        path = args.path or sqlite_path(args.cases, args.leaves)
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
    use_database(args.database, path)
    started = time.monotonic()
    figures = grow(args.cases, args.leaves, verify=args.verify, checkpoint_every=args.checkpoint_every)
    where = f" ({path}, {path.stat().st_size / 2**30:.1f} GiB)" if path else ""
    print(
        f"{args.database}: {args.cases:,} cases, {args.leaves:,} leaves ready in {time.monotonic() - started:.0f} s"
        f" (generation {figures['generate_seconds']:.0f} s){where}"
    )


if __name__ == "__main__":
    main()
