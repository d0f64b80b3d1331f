"""Field evidence settings: a value in settings.py wins, else the environment variable, else the default.

Read at each use (not at import), so `override_settings` works in tests and a bad value fails
with a message naming the variable.
"""

from __future__ import annotations

from django.conf import settings

from sunlight.lib.env import envint

MIB = 1024 * 1024


def _int(name: str, default: int, minimum: int) -> int:
    value = getattr(settings, name, None)
    if value is None:
        return envint(name, default, minimum=minimum)
    return int(value)


def max_bytes() -> int:
    """EVIDENCE_MAX_BYTES: the largest evidence file accepted (default 200 MiB)."""
    return _int("EVIDENCE_MAX_BYTES", 200 * MIB, 1)


def chunk_bytes() -> int:
    """EVIDENCE_CHUNK_BYTES: the largest chunk of one request (default 2 MiB).

    The chunk is read from the request stream, not through Django's form parser, so it is not
    bound by DATA_UPLOAD_MAX_MEMORY_SIZE; a reverse proxy's body limit must allow it.
    """
    return _int("EVIDENCE_CHUNK_BYTES", 2 * MIB, 1024)


def offline_after_seconds() -> int:
    """EVIDENCE_OFFLINE_AFTER_SECONDS: evidence received this long after its capture is flagged
    as queued offline (default 300)."""
    return _int("EVIDENCE_OFFLINE_AFTER_SECONDS", 300, 1)


def clock_skew_seconds() -> int:
    """EVIDENCE_CLOCK_SKEW_SECONDS: a device clock ahead of the server by more than this is
    flagged (default 120)."""
    return _int("EVIDENCE_CLOCK_SKEW_SECONDS", 120, 0)


def upload_expiry_hours() -> int:
    """EVIDENCE_UPLOAD_EXPIRY_HOURS: an unfinished upload untouched this long is discarded (default 72)."""
    return _int("EVIDENCE_UPLOAD_EXPIRY_HOURS", 72, 1)
