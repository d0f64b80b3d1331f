"""Checkpoint signature suites: "sm2-sm3" (GB/T 32918 via gmssl_pyx) and "ed25519".

Pure Python, no Django.  Keys travel as raw bytes inside the library and as one line of text
in key files:

* public key:  "<suite>:<base64>"           e.g. "sm2-sm3:BASE64..."
* private key: "<suite>:private:<base64>"

The explicit "private" marker matters for ed25519, whose private and public keys are both 32
bytes: a key file can never be mistaken for (and published as) the other kind.

Raw key bytes per suite:

* sm2-sm3: private = 32-byte big-endian scalar d; public = 64-byte X || Y (no 0x04 prefix),
  the format gmssl_pyx uses.  Signatures are DER (r, s) over SM3(Z || M) with the
  GM/T 0009-2012 default signer ID, so standard SM2 verifiers accept them.
* ed25519: RFC 8032 raw 32-byte private seed and public key; 64-byte signatures.

verify() never raises on bad input: a bad signature, key or message yields False.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from functools import lru_cache

try:
    import gmssl_pyx as _gmssl  # type: ignore[import-untyped, unused-ignore]

    _HAVE_SM2 = True
except ImportError:  # pragma: no cover - depends on the installed wheels
    _HAVE_SM2 = False

try:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    _HAVE_ED25519 = True
except ImportError:  # pragma: no cover - depends on the installed wheels
    _HAVE_ED25519 = False

SM2_SM3 = "sm2-sm3"
ED25519 = "ed25519"
SUITES = (SM2_SM3, ED25519)

# GM/T 0009-2012 §10: default user ID "1234567812345678", mixed into Z = SM3(ENTL||ID||a||b||G||P).
SM2_SIGNER_ID = b"1234567812345678"

# SM2 recommended curve (GB/T 32918.5-2017): y^2 = x^3 + ax + b over F_p, base point G, order n.
_P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
_A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
_B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
_N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
_GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
_GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

_KEY_LENGTHS = {SM2_SM3: (32, 64), ED25519: (32, 32)}  # (private, public)
_PRIVATE_MARK = "private"


def available_suites() -> list[str]:
    """Suites usable here, preferred first: SM2 when gmssl_pyx is installed."""
    suites = []
    if _HAVE_SM2:
        suites.append(SM2_SM3)
    if _HAVE_ED25519:
        suites.append(ED25519)
    return suites


def _check_suite(suite: str) -> None:
    if suite not in SUITES:
        raise ValueError(f"unknown signature suite {suite!r}; expected one of {SUITES}")
    if suite not in available_suites():
        raise ValueError(f"signature suite {suite!r} needs a library that is not installed")


# --- SM2 public key derivation ---------------------------------------------------------------
# gmssl_pyx signs with (private, public) but cannot derive one from the other, so a key file
# holding only the 32-byte scalar needs P = d·G here.  Jacobian coordinates avoid a modular
# inverse per step; this runs once per key (cached), not per signature.

_Jacobian = tuple[int, int, int]


def _jacobian_double(pt: _Jacobian) -> _Jacobian:
    x, y, z = pt
    if y == 0 or z == 0:
        return (0, 1, 0)
    ysq = y * y % _P
    s = 4 * x * ysq % _P
    zsq = z * z % _P
    m = (3 * x * x + _A * zsq * zsq) % _P
    nx = (m * m - 2 * s) % _P
    ny = (m * (s - nx) - 8 * ysq * ysq) % _P
    return (nx, ny, 2 * y * z % _P)


def _jacobian_add(p1: _Jacobian, p2: _Jacobian) -> _Jacobian:
    if p1[2] == 0:
        return p2
    if p2[2] == 0:
        return p1
    x1, y1, z1 = p1
    x2, y2, z2 = p2
    z1sq, z2sq = z1 * z1 % _P, z2 * z2 % _P
    u1, u2 = x1 * z2sq % _P, x2 * z1sq % _P
    s1, s2 = y1 * z2sq * z2 % _P, y2 * z1sq * z1 % _P
    if u1 == u2:
        return _jacobian_double(p1) if s1 == s2 else (0, 1, 0)
    h, r = (u2 - u1) % _P, (s2 - s1) % _P
    hsq = h * h % _P
    hcu = hsq * h % _P
    nx = (r * r - hcu - 2 * u1 * hsq) % _P
    ny = (r * (u1 * hsq - nx) - s1 * hcu) % _P
    return (nx, ny, h * z1 * z2 % _P)


@lru_cache(maxsize=16)
def _sm2_public_from_private(private_key: bytes) -> bytes:
    d = int.from_bytes(private_key, "big")
    if not 1 <= d < _N - 1:  # GB/T 32918.1 §6.1: d in [1, n-2].
        raise ValueError("SM2 private key out of range")
    result: _Jacobian = (0, 1, 0)
    addend: _Jacobian = (_GX, _GY, 1)
    while d:
        if d & 1:
            result = _jacobian_add(result, addend)
        addend = _jacobian_double(addend)
        d >>= 1
    x, y, z = result
    zinv = pow(z, -1, _P)
    zinv2 = zinv * zinv % _P
    return (x * zinv2 % _P).to_bytes(32, "big") + (y * zinv2 * zinv % _P).to_bytes(32, "big")


def _sm2_public_key_valid(public_key: bytes) -> bool:
    """A 64-byte X || Y on the curve (rejects invalid-curve points before the C library)."""
    if len(public_key) != 64:
        return False
    x, y = (
        int.from_bytes(public_key[:32], "big"),
        int.from_bytes(public_key[32:], "big"),
    )
    return x < _P and y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


# --- Keys ------------------------------------------------------------------------------------


def generate_key(suite: str) -> tuple[bytes, bytes]:
    """A fresh (private_key, public_key) pair, raw bytes."""
    _check_suite(suite)
    if suite == SM2_SM3:
        public, private = _gmssl.sm2_key_generate()  # gmssl_pyx returns (public, private)
        return bytes(private), bytes(public)
    key = Ed25519PrivateKey.generate()
    return key.private_bytes_raw(), key.public_key().public_bytes_raw()


def public_key_from_private(suite: str, private_key: bytes) -> bytes:
    """Derive the public key, so a key file needs to hold only the private key."""
    _check_suite(suite)
    if len(private_key) != _KEY_LENGTHS[suite][0]:
        raise ValueError(f"{suite} private key must be {_KEY_LENGTHS[suite][0]} bytes")
    if suite == SM2_SM3:
        return _sm2_public_from_private(bytes(private_key))
    return Ed25519PrivateKey.from_private_bytes(private_key).public_key().public_bytes_raw()


def key_id(suite: str, public_key: bytes) -> str:
    """16 hex characters naming a public key (SHA-256 of its text form), for key rotation."""
    return hashlib.sha256(encode_public_key(suite, public_key).encode()).hexdigest()[:16]


def encode_public_key(suite: str, public_key: bytes) -> str:
    """Text form "<suite>:<base64>" for key files and bundles."""
    _check_length(suite, public_key, private=False)
    return f"{suite}:{base64.b64encode(public_key).decode('ascii')}"


def encode_private_key(suite: str, private_key: bytes) -> str:
    """Text form "<suite>:private:<base64>" for the server's key file."""
    _check_length(suite, private_key, private=True)
    return f"{suite}:{_PRIVATE_MARK}:{base64.b64encode(private_key).decode('ascii')}"


def decode_public_key(text: str) -> tuple[str, bytes]:
    """Parse "<suite>:<base64>" into (suite, public_key); ValueError if malformed."""
    parts = text.strip().split(":")
    if len(parts) == 3 and parts[1] == _PRIVATE_MARK:
        raise ValueError("this is a private key, not a public key")
    if len(parts) != 2:
        raise ValueError("public key text must look like '<suite>:<base64>'")
    suite, key = parts[0], _b64decode(parts[1])
    _check_length(suite, key, private=False)
    if suite == SM2_SM3 and not _sm2_public_key_valid(key):
        raise ValueError("SM2 public key is not a point on the curve")
    return suite, key


def decode_private_key(text: str) -> tuple[str, bytes]:
    """Parse "<suite>:private:<base64>" into (suite, private_key); ValueError if malformed."""
    parts = text.strip().split(":")
    if len(parts) != 3 or parts[1] != _PRIVATE_MARK:
        raise ValueError("private key text must look like '<suite>:private:<base64>'")
    suite, key = parts[0], _b64decode(parts[2])
    _check_length(suite, key, private=True)
    public_key_from_private(suite, key)  # range checks the SM2 scalar
    return suite, key


def _b64decode(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("key is not valid base64") from exc


def _check_length(suite: str, key: bytes, *, private: bool) -> None:
    if suite not in _KEY_LENGTHS:
        raise ValueError(f"unknown signature suite {suite!r}; expected one of {SUITES}")
    want = _KEY_LENGTHS[suite][0 if private else 1]
    if len(key) != want:
        kind = "private" if private else "public"
        raise ValueError(f"{suite} {kind} key must be {want} bytes, got {len(key)}")


# --- Sign / verify ---------------------------------------------------------------------------


def sign(suite: str, private_key: bytes, message: bytes) -> bytes:
    """Sign `message`; ValueError for an unknown suite or malformed private key."""
    _check_suite(suite)
    public_key = public_key_from_private(suite, private_key)
    if suite == SM2_SM3:
        signature = _gmssl.sm2_sign(private_key, public_key, message, SM2_SIGNER_ID)
        return bytes(signature)
    return Ed25519PrivateKey.from_private_bytes(private_key).sign(message)


def verify(suite: str, public_key: bytes, message: bytes, signature: bytes) -> bool:
    """True only for a valid signature; never raises for bad keys, messages or signatures."""
    if suite not in available_suites():
        return False
    if not all(isinstance(v, bytes) for v in (public_key, message, signature)):
        return False
    if suite == SM2_SM3:
        if not _sm2_public_key_valid(public_key) or not signature:
            return False
        try:
            return bool(_gmssl.sm2_verify(public_key, message, signature, SM2_SIGNER_ID))
        except (_gmssl.GmsslInnerError, ValueError, TypeError):  # junk key/signature
            return False
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
