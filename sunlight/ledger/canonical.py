"""Canonical JSON for ledger leaves, in the style of RFC 8785 (JCS).

Keys are sorted (by code point), there is no insignificant whitespace, strings are UTF-8 as
they are (only `"`, `\\` and control characters escaped, as `json.dumps(ensure_ascii=False)`
does). Floats are refused rather than canonicalised: nothing in a leaf is a float (money is
integer fen), and refusing them keeps the encoding exactly reproducible by any JSON library;
integers must fit in 64 bits.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import uuid
from collections.abc import Collection, Mapping
from typing import Any

import orjson

JsonScalar = str | int | bool | None
# Values longer than this are replaced by their digest in a leaf: the leaf proves the value
# without carrying it (large text, files, confidential data).
MAX_INLINE_CHARS = 512


class NotCanonical(TypeError):
    pass


# Copied for each digest: `hashlib.new("sm3")` looks the algorithm up in OpenSSL every time.
_SM3 = hashlib.new("sm3")


def digest(value: str | bytes) -> dict[str, str]:
    hashed = _SM3.copy()
    hashed.update(value.encode("utf-8") if isinstance(value, str) else value)
    return {"sm3": hashed.hexdigest()}


_AS_IS = frozenset({type(None), bool, int})


def plain(value: Any) -> Any:
    """A JSON-ready value for a leaf: dates as ISO 8601, long text as its digest."""
    # Exact types first: every action writes a leaf, and most of its values are these.
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is str:
        return value if len(value) <= MAX_INLINE_CHARS else digest(value)
    if kind is dict:
        return _plain_dict(value)
    if kind is list:
        return _plain_list(value)
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        raise NotCanonical("floats are not allowed in ledger leaves; use integers (fen)")
    if isinstance(value, str):
        return value if len(value) <= MAX_INLINE_CHARS else digest(value)
    if isinstance(value, bytes):
        return digest(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    # Enum members (TextChoices) and model instances are reduced to their value / pk.
    if hasattr(value, "value"):
        return plain(value.value)
    if hasattr(value, "pk"):
        return plain(value.pk)
    raise NotCanonical(f"cannot put {type(value).__name__} in a ledger leaf")


def _plain_dict(value: dict[Any, Any]) -> dict[str, Any]:
    # The scalars, most of a leaf, without a call each (every action writes a leaf).
    out: dict[str, Any] = {}
    for key, item in value.items():
        kind = type(item)
        if not (kind in _AS_IS or (kind is str and len(item) <= MAX_INLINE_CHARS)):
            item = _plain_list(item) if kind is list else plain(item)
        out[key if type(key) is str else str(key)] = item
    return out


def _plain_list(value: list[Any] | tuple[Any, ...]) -> list[Any]:
    return [
        item if type(item) in _AS_IS or (type(item) is str and len(item) <= MAX_INLINE_CHARS) else plain(item)
        for item in value
    ]


def plain_changes(changes: Mapping[str, tuple[Any, Any]], confidential: Collection[str]) -> dict[str, Any]:
    """A leaf's changes, field → [before, after], made plain; confidential fields as digests
    (the ledger proves them without disclosing them)."""
    out: dict[str, Any] = {}
    for field, (before, after) in changes.items():
        key = field if type(field) is str else str(field)
        if field in confidential:
            out[key] = [
                digest(str(before)) if before is not None else None,
                digest(str(after)) if after is not None else None,
            ]
        else:
            out[key] = _plain_list((before, after))
    return out


# orjson writes exactly what `json.dumps(value, ensure_ascii=False, sort_keys=True,
# separators=(",", ":"))` writes for plain values (test_canonical compares them), in a tenth
# of the time: every action encodes a leaf. Datetimes and dataclasses are not its to encode
# (`plain` makes them text); without a `default`, anything else not plain is refused.
_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dumps(value: Any) -> str:
    return encoded(plain(value)).decode("utf-8")


def encoded(value: Any) -> bytes:
    """The canonical UTF-8 bytes of a value that is plain already (what `plain` returns, or
    built of the same): `dumps` without the pass that makes it so, before decoding."""
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except orjson.JSONEncodeError as exc:
        raise NotCanonical(f"cannot put this value in a ledger leaf: {exc}") from exc
