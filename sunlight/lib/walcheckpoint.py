"""SQLite's write-ahead log copied back into the database by a background thread.

SQLite copies the WAL back (a checkpoint) from inside the commit that crosses its threshold: that
one action then waits while the log, tens of megabytes by then, is written to disk, a pause of
30–50 ms in one action out of some six hundred. Here each process that uses a SQLite database
file also runs a thread that checkpoints it every `SQLITE_CHECKPOINT_MS`, through its own
connection and without blocking the writers (PASSIVE), so the disk wait falls on that thread;
SQLite's own threshold stays as the safety net should the thread fall behind. The thread leaves
when the database file is gone (a throwaway test or benchmark database).

Several processes on one database each run one: a checkpoint that finds another running simply
does nothing that round. A process never forks in the middle of a checkpoint (`verifyledger`'s
worker pool, a server that forks its workers): a fork waits for the checkpoint to end, so that
the child does not inherit SQLite's locks held by a thread it does not have.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)

_started: set[tuple[int, str]] = set()
_lock = threading.Lock()
# Held by a thread while it checkpoints, and by a fork while it happens.
_busy = threading.Lock()


def _before_fork() -> None:
    _busy.acquire()


def _after_fork_in_parent() -> None:
    _busy.release()


def _after_fork_in_child() -> None:
    # The child has none of the parent's threads: fresh locks, and it starts its own thread
    # when it opens its own connection.
    global _lock, _busy
    _lock, _busy = threading.Lock(), threading.Lock()


os.register_at_fork(
    before=_before_fork, after_in_parent=_after_fork_in_parent, after_in_child=_after_fork_in_child
)


def start(path: str, interval: float) -> threading.Thread | None:
    """Start, once per process and database file, the thread that checkpoints `path`."""
    if interval <= 0 or path == ":memory:" or path.startswith("file:"):
        return None
    key = (os.getpid(), str(Path(path).resolve()))
    with _lock:
        if key in _started:
            return None
        _started.add(key)
    thread = threading.Thread(target=_run, args=(key[1], interval), name="sqlite-wal-checkpoint", daemon=True)
    thread.start()
    return thread


def checkpoint(connection: sqlite3.Connection) -> tuple[int, int, int]:
    """One passive checkpoint: (busy, frames in the log, frames copied back)."""
    busy, frames, copied = connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    return int(busy), int(frames), int(copied)


def _run(path: str, interval: float) -> None:
    stop = threading.Event()
    connection: sqlite3.Connection | None = None
    while not stop.wait(interval):
        if not Path(path).exists():
            break
        try:
            with _busy:
                if connection is None:
                    connection = _connect(path)
                checkpoint(connection)
        except sqlite3.Error as exc:
            # A locked or vanished database: try again next round with a new connection.
            log.debug("WAL checkpoint of %s skipped: %s", path, exc)
            _close(connection)
            connection = None
    _close(connection)
    with _lock:
        _started.discard((os.getpid(), path))


def _connect(path: str) -> sqlite3.Connection:
    # Read-write on an existing file only (mode=rw never creates one), autocommit.
    uri = "file:" + path.replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    return sqlite3.connect(uri, uri=True, timeout=1, isolation_level=None)


def _close(connection: sqlite3.Connection | None) -> None:
    if connection is not None:
        with contextlib.suppress(sqlite3.Error):
            connection.close()
