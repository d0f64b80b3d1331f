"""Backups and restores: the database and the uploaded files in one archive.

SQLite is copied with `VACUUM INTO` (a consistent snapshot while the server runs); PostgreSQL
with `pg_dump --format=custom`. Keys (ledger, seals, reports) are NOT in the archive: they are
kept apart from backups on purpose (a stolen backup must not carry the keys that protect it).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT = "sunlight-backup/1"


def _pg_env() -> tuple[dict[str, str], list[str]]:
    db = settings.DATABASES["default"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["-h", str(db.get("HOST") or "localhost"), "-U", str(db.get("USER") or ""), "-d", str(db["NAME"])]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    return env, args


def _pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if not candidates:
        raise FileNotFoundError(f"{name} is not installed")
    return str(candidates[-1])


def create(target: Path) -> Path:
    """Write an archive with the database snapshot, the media files and a manifest."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database"
        if connection.vendor == "sqlite":
            connection.ensure_connection()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM INTO %s", [str(dump)])
        else:
            env, args = _pg_env()
            subprocess.run(
                [_pg_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(dump), *args],
                env=env,
                check=True,
            )
        manifest = {
            "format": FORMAT,
            "vendor": connection.vendor,
            "created_at": timezone.now().isoformat(),
            "media": str(settings.MEDIA_ROOT),
        }
        with tarfile.open(target, "w:gz") as archive:
            archive.add(dump, arcname="database")
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname="media")
            data = json.dumps(manifest).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return target


def restore(source: Path) -> dict[str, str]:
    """Replace the database and media with the archive's. The server must be stopped."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
        archive.extractall(work, filter="data")
        manifest = json.loads((Path(work) / "manifest.json").read_text())
        if manifest.get("format") != FORMAT or manifest.get("vendor") != connection.vendor:
            raise ValueError(f"not a {connection.vendor} backup of this format: {manifest}")
        dump = Path(work) / "database"
        if connection.vendor == "sqlite":
            name = str(settings.DATABASES["default"]["NAME"])
            connections.close_all()
            source_db = sqlite3.connect(dump)
            target_db = sqlite3.connect(name)
            source_db.backup(target_db)
            source_db.close()
            target_db.close()
        else:
            connections.close_all()
            env, args = _pg_env()
            subprocess.run(
                [
                    _pg_tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *args,
                    str(dump),
                ],
                env=env,
                check=True,
            )
        media = Path(work) / "media"
        if media.exists():
            target = Path(settings.MEDIA_ROOT)
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(media, target)
    return dict(manifest)
