"""The ledger's signing key: read from a file or the environment, never from the database.

`LEDGER_KEY` (or `LEDGER_KEY_FILE`, default var/ledger_key) holds one line "<suite>:private:<b64>".
A development checkout without a key gets one generated into var/ on first use; production
sets `LEDGER_KEY_REQUIRED=true` so a missing key stops the server instead.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from sunlight.lib import signing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SigningKey:
    suite: str
    private: bytes
    public: bytes

    @property
    def key_id(self) -> str:
        return signing.key_id(self.suite, self.public)

    @property
    def public_text(self) -> str:
        return signing.encode_public_key(self.suite, self.public)

    def sign(self, message: bytes) -> bytes:
        return signing.sign(self.suite, self.private, message)


def _load_text() -> str:
    text = os.environ.get("LEDGER_KEY", "").strip()
    if text:
        return text
    path = settings.LEDGER_KEY_FILE
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    if settings.LEDGER_KEY_REQUIRED:
        raise ImproperlyConfigured(f"LEDGER_KEY_FILE {path} does not exist and LEDGER_KEY is not set")
    suite = signing.available_suites()[0]
    private, _ = signing.generate_key(suite)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write a private temporary file, then link it into place: the link fails if another
    # process (a second web worker, runtimers) got there first, and then we read theirs.
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(signing.encode_private_key(suite, private) + "\n")
    try:
        os.link(temporary, path)
        log.warning("generated a new ledger signing key (%s) in %s", suite, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def signing_key() -> SigningKey:
    try:
        suite, private = signing.decode_private_key(_load_text())
    except ValueError as exc:
        raise ImproperlyConfigured(f"the ledger signing key cannot be read: {exc}") from exc
    return SigningKey(suite, private, signing.public_key_from_private(suite, private))


def trusted_public_keys() -> dict[str, tuple[str, bytes]]:
    """key id → (suite, public key): the current key and any retired ones still trusted."""
    current = signing_key()
    keys = {current.key_id: (current.suite, current.public)}
    for text in settings.LEDGER_PREVIOUS_PUBLIC_KEYS:
        suite, public = signing.decode_public_key(text)
        keys[signing.key_id(suite, public)] = (suite, public)
    return keys
