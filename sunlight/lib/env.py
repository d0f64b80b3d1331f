"""Typed parsing of environment variables for settings.py.

Every reader refuses values it does not understand with a message that names the variable,
so a typo fails at start-up instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def envstr(name: str, default: str = "") -> str:
    """A string, or the content of the file named by `<name>_FILE` (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name!r}: {exc}") from exc
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envchoice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def database_from_url(url: str, *, base_dir: Path) -> dict[str, object]:
    """Django DATABASES['default'] from `sqlite:///path` or `postgres://user:pw@host:port/db`.

    A PostgreSQL host may be a Unix socket directory given as `?host=/tmp/dir`.
    """
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # As in SQLAlchemy: sqlite:///relative/path and sqlite:////absolute/path.
        path = unquote(parts.path)[1:]
        if not path:
            raise ImproperlyConfigured("DATABASE_URL: sqlite URLs need a file, e.g. sqlite:///var/db.sqlite3")
        file = Path(path) if Path(path).is_absolute() else base_dir / path
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(file),
            # WAL lets readers run beside the single writer; IMMEDIATE makes a writing
            # transaction take the write lock at BEGIN, so two writers queue instead of
            # failing with "database is locked" half-way through. A background thread copies
            # the WAL back into the database (sunlight/lib/walcheckpoint.py); SQLite's own copy
            # at 10,000 pages (≈ 40 MB) instead of its 1,000 is the safety net: each copy ends
            # with an fsync, and the pages every action touches (the ledger's right edge, the
            # case tables' last pages) are copied once per checkpoint however often they changed.
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                    "PRAGMA wal_autocheckpoint=10000;"
                ),
            },
            # A worker keeps its connection between requests: opening one reads the whole
            # schema again (≈ 2 ms, more than most answers take).
            "CONN_MAX_AGE": 600,
            "TEST": {"NAME": os.environ.get("SQLITE_TEST_NAME") or None},
        }
    if parts.scheme in ("postgres", "postgresql"):
        query = parse_qs(parts.query)
        host = query.get("host", [parts.hostname or ""])[0]
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL: a PostgreSQL URL needs a database name")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": host,
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL must start with sqlite:// or postgres://, not {parts.scheme or url!r}"
    )
