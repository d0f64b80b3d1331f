"""Imports of large workbooks in the background, with their progress, for the web pages.

A workbook of a few hundred rows imports within the request. A larger one (a whole unit's
list, the district's register) is saved to the file storage and imported by a thread of the
web process; the page polls its progress (htmx, or a plain refresh without JavaScript).

Why the progress lives in the file storage and not in the database: the import is one
transaction (all or nothing), and on SQLite that transaction holds the only write lock until
it ends, so a progress row could not be written beside it; nor could another connection see
it before the commit. A small JSON file next to the upload is visible at once to every web
worker sharing the storage (local disk, or S3 in production), and costs nothing to poll.
If the web process dies mid-import, the transaction rolls back, nothing is written, and the
job shows as stalled once its file has not moved for `STALLED_AFTER`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import connection
from django.utils import timezone, translation

from sunlight.ledger.actor import Actor
from sunlight.powers.workbook import ImportReport, Progress, count_rows

log = logging.getLogger("sunlight.imports")
BACKGROUND_ROWS = 400  # above this many rows, import in the background with progress
STALLED_AFTER = dt.timedelta(minutes=10)
_JOB_ID = re.compile(r"^[0-9a-f]{32}$")

Importer = Callable[[Actor, IO[bytes], Progress], ImportReport]


def _path(job_id: str, suffix: str) -> str:
    return f"imports/{job_id}.{suffix}"


def _write(job_id: str, state: dict[str, Any]) -> None:
    state["updated_at"] = timezone.now().isoformat()
    path = _path(job_id, "json")
    if default_storage.exists(path):
        default_storage.delete(path)
    default_storage.save(path, ContentFile(json.dumps(state, ensure_ascii=False).encode("utf-8")))


def status(job_id: str) -> dict[str, Any] | None:
    if not _JOB_ID.match(job_id):
        return None
    path = _path(job_id, "json")
    try:
        with default_storage.open(path, "rb") as f:
            state: dict[str, Any] = json.loads(f.read().decode("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, OSError):
        return None
    if state["state"] in ("queued", "running"):
        updated = dt.datetime.fromisoformat(state["updated_at"])
        if timezone.now() - updated > STALLED_AFTER:
            state["state"] = "stalled"
    state["percent"] = int(100 * state["done"] / state["total"]) if state.get("total") else 0
    return state


def start(
    kind: str, actor: Actor, upload: UploadedFile[bytes], importer: Importer
) -> tuple[str, ImportReport | None]:
    """Import `upload`; small files now (returns the report), large ones in a thread (returns None)."""
    rows = count_rows(upload)
    if rows <= BACKGROUND_ROWS:
        return "", importer(actor, upload, lambda done, total: None)
    job_id = uuid.uuid4().hex
    stored = default_storage.save(_path(job_id, "xlsx"), upload)
    owner = actor.user.pk if actor.user else None
    state = {
        "id": job_id,
        "kind": kind,
        "owner": owner,
        "state": "queued",
        "done": 0,
        "total": rows,
        "report": None,
    }
    _write(job_id, state)
    language = translation.get_language()
    thread = threading.Thread(
        target=_run,
        args=(job_id, state, actor, stored, importer, language),
        name=f"import-{job_id}",
        daemon=True,
    )
    thread.start()
    return job_id, None


def _run(
    job_id: str, state: dict[str, Any], actor: Actor, stored: str, importer: Importer, language: str
) -> None:
    last = [0.0]

    def progress(done: int, total: int) -> None:
        # A write at most twice a second: the file is for eyes, not for accounting.
        now = time.monotonic()
        if now - last[0] >= 0.5 or done == total:
            last[0] = now
            _write(job_id, state | {"state": "running", "done": done, "total": total})

    try:
        with translation.override(language), default_storage.open(stored, "rb") as f:
            report = importer(actor, f, progress)
        _write(job_id, state | {"state": "done", "done": state["total"], "report": report.as_dict()})
    except Exception:
        log.exception("import %s failed", job_id)
        _write(job_id, state | {"state": "failed"})
    finally:
        default_storage.delete(stored)
        if threading.current_thread() is not threading.main_thread():
            connection.close()  # the thread's own connection; the request's is Django's
