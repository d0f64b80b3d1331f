"""Sealing reports at rest (加密存储): AES-256-GCM with a key kept outside the database.

`REPORTS_KEY` holds the key as "aes256gcm:<base64 of 32 bytes>" (or `REPORTS_KEY_FILE` names a
file holding that line; default var/reports_key). A development checkout without a key gets one
generated there on first use; production sets `REPORTS_KEY_REQUIRED=true`, so a missing key
stops the server instead of silently making a new one that cannot open the old reports.
`REPORTS_PREVIOUS_KEYS` (comma-separated, same format) opens what older keys sealed.

Every sealed value is bound to its place ("report <uid> content", "attachment <uid>"...) as
associated data, so a blob copied onto another report or field does not open. Layout:
version (1 byte) · key id (8 bytes) · nonce (12 bytes) · ciphertext and tag.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sunlight.lib.env import envbool, envlist

log = logging.getLogger(__name__)

VERSION = b"\x01"
PREFIX = "aes256gcm:"


class Unsealable(Exception):
    """A sealed value that does not open: wrong key, wrong place, or altered."""


@dataclass(frozen=True)
class Key:
    secret: bytes

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(b"sunlight.reports.key" + self.secret).digest()[:8]


def _parse(text: str, source: str) -> Key:
    text = text.strip()
    if not text.startswith(PREFIX):
        raise ImproperlyConfigured(f"{source}: a reports key starts with {PREFIX!r}")
    try:
        secret = base64.b64decode(text[len(PREFIX) :], validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{source}: the reports key is not base64: {exc}") from exc
    if len(secret) != 32:
        raise ImproperlyConfigured(f"{source}: a reports key has 32 bytes, not {len(secret)}")
    return Key(secret)


def key_file() -> Path:
    configured = getattr(settings, "REPORTS_KEY_FILE", None) or os.environ.get("REPORTS_KEY_FILE")
    return Path(configured) if configured else Path(settings.VAR_DIR) / "reports_key"


def _key_required() -> bool:
    configured = getattr(settings, "REPORTS_KEY_REQUIRED", None)
    return bool(configured) if configured is not None else envbool("REPORTS_KEY_REQUIRED", False)


def _load_text() -> tuple[str, str]:
    text = os.environ.get("REPORTS_KEY", "").strip()
    if text:
        return text, "REPORTS_KEY"
    path = key_file()
    if path.exists():
        return path.read_text(encoding="utf-8"), str(path)
    if _key_required() or "REPORTS_KEY_FILE" in os.environ:
        raise ImproperlyConfigured(f"the reports key file {path} does not exist and REPORTS_KEY is not set")
    path.parent.mkdir(parents=True, exist_ok=True)
    # As for the ledger key: a private temporary file linked into place, so that of two
    # processes starting at once one key wins and both use it.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(PREFIX + base64.b64encode(secrets.token_bytes(32)).decode("ascii") + "\n")
    try:
        os.link(temporary, path)
        log.warning("generated a new reports key in %s", path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="utf-8"), str(path)


@lru_cache(maxsize=1)
def keyring() -> tuple[Key, dict[bytes, Key]]:
    """The current key, and every key that may open a sealed value, by key id."""
    current = _parse(*_load_text())
    keys = {current.key_id: current}
    for text in envlist("REPORTS_PREVIOUS_KEYS", []):
        old = _parse(text, "REPORTS_PREVIOUS_KEYS")
        keys[old.key_id] = old
    return current, keys


def seal(plain: bytes, place: str) -> bytes:
    current, _keys = keyring()
    nonce = secrets.token_bytes(12)
    return VERSION + current.key_id + nonce + AESGCM(current.secret).encrypt(nonce, plain, place.encode())


def unseal(blob: bytes | memoryview, place: str) -> bytes:
    data = bytes(blob)
    if len(data) < 1 + 8 + 12 + 16 or data[:1] != VERSION:
        raise Unsealable(place)
    _current, keys = keyring()
    key = keys.get(data[1:9])
    if key is None:
        raise Unsealable(f"{place}: sealed with a key that is not configured")
    try:
        return AESGCM(key.secret).decrypt(data[9:21], data[21:], place.encode())
    except InvalidTag as exc:
        raise Unsealable(place) from exc


def seal_json(value: Any, place: str) -> bytes:
    return seal(json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8"), place)


def unseal_json(blob: bytes | memoryview, place: str) -> Any:
    return json.loads(unseal(blob, place).decode("utf-8"))
