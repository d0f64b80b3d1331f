"""The background WAL checkpoint: the log is copied back into the database file by a thread."""

from __future__ import annotations

import sqlite3
import tempfile
import time
from pathlib import Path
from unittest import mock

from django.db import connection
from django.test import SimpleTestCase

from sunlight.lib import walcheckpoint
from sunlight.operations.apps import _checkpoint_in_background


def _writer(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None)
    # As a busy writer would be between two of SQLite's own copies: nothing copied back yet.
    db.executescript(
        "PRAGMA journal_mode=WAL; CREATE TABLE t (x TEXT); PRAGMA wal_checkpoint(TRUNCATE); "
        "PRAGMA wal_autocheckpoint=0;"
    )
    return db


def _fill(db: sqlite3.Connection) -> None:
    """About 60 KiB of rows, all in the WAL until a checkpoint copies them into the file."""
    db.executemany("INSERT INTO t VALUES (?)", [("x" * 100,)] * 500)


def _copied_back(path: Path) -> bool:
    # The file's size, not a read of it: the checkpoint may be writing it at that moment.
    return path.stat().st_size > 40_000


class WalCheckpointTests(SimpleTestCase):
    def setUp(self) -> None:
        self.directory = Path(tempfile.mkdtemp())
        self.path = self.directory / "db.sqlite3"

    def wait_for(self, condition: object, seconds: float = 5) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if callable(condition) and condition():
                return True
            time.sleep(0.02)
        return False

    def test_it_copies_the_log_back_in_the_background(self) -> None:
        db = _writer(self.path)
        _fill(db)
        self.assertFalse(_copied_back(self.path))
        thread = walcheckpoint.start(str(self.path), 0.02)
        self.assertIsNotNone(thread)
        self.assertTrue(self.wait_for(lambda: _copied_back(self.path)))
        with sqlite3.connect(self.path) as reader:
            self.assertEqual(reader.execute("SELECT count(*) FROM t").fetchone(), (500,))
        db.close()

    def test_it_waits_while_the_process_forks(self) -> None:
        db = _writer(self.path)
        _fill(db)
        walcheckpoint._before_fork()  # what os.fork() runs first
        try:
            walcheckpoint.start(str(self.path), 0.02)
            self.assertFalse(self.wait_for(lambda: _copied_back(self.path), seconds=0.3))
        finally:
            walcheckpoint._after_fork_in_parent()
        self.assertTrue(self.wait_for(lambda: _copied_back(self.path)))
        db.close()

    def test_it_starts_once_per_database_and_leaves_when_the_file_is_gone(self) -> None:
        db = _writer(self.path)
        thread = walcheckpoint.start(str(self.path), 0.02)
        assert thread is not None
        self.assertIsNone(walcheckpoint.start(str(self.path), 0.02))
        db.close()
        for leftover in self.directory.iterdir():
            leftover.unlink()
        thread.join(5)
        self.assertFalse(thread.is_alive())
        # Gone, the database may come back (a new test database): a new thread can start.
        _writer(self.path).close()
        again = walcheckpoint.start(str(self.path), 0.02)
        self.assertIsNotNone(again)

    def test_it_does_nothing_for_memory_databases_or_when_switched_off(self) -> None:
        self.assertIsNone(walcheckpoint.start(":memory:", 0.25))
        self.assertIsNone(walcheckpoint.start("file:memorydb_default?mode=memory&cache=shared", 0.25))
        self.assertIsNone(walcheckpoint.start(str(self.path), 0))

    def test_it_never_creates_a_database_file(self) -> None:
        thread = walcheckpoint.start(str(self.path), 0.02)
        assert thread is not None
        thread.join(5)
        self.assertFalse(self.path.exists())

    def test_it_is_started_for_sqlite_connections_only(self) -> None:
        with mock.patch.object(walcheckpoint, "start") as start:
            _checkpoint_in_background(None, connection)
        if connection.vendor == "sqlite":
            start.assert_called_once_with(str(connection.settings_dict["NAME"]), 0.25)
        else:
            start.assert_not_called()
