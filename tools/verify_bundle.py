#!/usr/bin/env python3
"""Check a Sunlight ledger bundle offline: the checkpoint signature and every leaf's proof.

Usage:  python verify_bundle.py bundle.json

Needs only Python 3.11+ and, for the signature, gmssl_pyx (suite "sm2-sm3") or cryptography
(suite "ed25519").  It deliberately imports nothing from Sunlight: an auditor can read this
one file and know exactly what was checked.

A bundle holds a signed checkpoint (origin, tree size, root hash, time) and some leaves, each
with an RFC 9162 inclusion proof.  If the signature is valid, the server vouched for that
root; if a leaf's proof leads to that root, the leaf text is exactly what the ledger
recorded at that position.  Any change to a leaf, a proof, the root or the signature makes a
check fail.

Exit status: 0 when every check passes, 1 when any check fails or the bundle is unreadable,
2 for a usage error.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import contextlib
import datetime
import hashlib
import hmac
import io
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

HashFunc = Callable[[bytes], bytes]

FORMAT = "sunlight-ledger-bundle/1"
# GM/T 0009-2012 default signer ID: the server signs with it, so the verifier must use it too.
SM2_SIGNER_ID = b"1234567812345678"


def sm3(data: bytes) -> bytes:
    """SM3 via hashlib (OpenSSL), else via gmssl_pyx when this OpenSSL lacks SM3."""
    try:
        return hashlib.new("sm3", data).digest()
    except ValueError:
        import gmssl_pyx  # type: ignore[import-untyped, unused-ignore]

        return bytes(gmssl_pyx.sm3_hash(data))


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


# The block below is a verbatim copy of sunlight/ledger/merkle.py (a test keeps them equal).
# --- BEGIN STANDALONE VERIFIER (copied verbatim into tools/verify_bundle.py) ---
HASHES: dict[str, HashFunc] = {"sm3": sm3, "sha256": sha256}


def leaf_hash(leaf: bytes, hash: HashFunc = sm3) -> bytes:
    """RFC 9162 §2.1.1: MTH({d0}) = HASH(0x00 || d0); the prefix separates leaves from nodes."""
    return hash(b"\x00" + leaf)


def node_hash(left: bytes, right: bytes, hash: HashFunc = sm3) -> bytes:
    """RFC 9162 §2.1.1: interior node = HASH(0x01 || left || right)."""
    return hash(b"\x01" + left + right)


def checkpoint_message(origin: str, size: int, root_hex: str, time: str) -> bytes:
    """The exact bytes a checkpoint signature covers: four lines, each ending in a newline.

    Newlines inside a field would let two different checkpoints share one message.
    """
    if "\n" in origin or "\n" in root_hex or "\n" in time:
        raise ValueError("checkpoint fields must not contain newlines")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ValueError("checkpoint size must be a non-negative integer")
    return f"{origin}\n{size}\n{root_hex}\n{time}\n".encode()


# Verifiers read untrusted input (a bundle, an API client): anything malformed must give
# False, never an exception from deep inside hashing.  These take `object` on purpose.
def _is_count(value: object) -> bool:
    # bool is an int subclass, but True is never a tree size or a leaf index.
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _are_digests(items: object, like: object) -> bool:
    """`items` is a list of bytes, each as long as the digest `like`."""
    return (
        isinstance(like, bytes)
        and isinstance(items, list | tuple)
        and all(isinstance(p, bytes) and len(p) == len(like) for p in items)
    )


def verify_inclusion(
    leaf_hash: bytes,
    index: int,
    size: int,
    proof: Sequence[bytes],
    root: bytes,
    hash: HashFunc = sm3,
) -> bool:
    """RFC 9162 §2.1.3.2: does `proof` show leaf `index` of a `size`-leaf tree hashes to `root`?"""
    if not (_is_count(index) and _is_count(size) and index < size):
        return False  # Step 1: leaf_index >= tree_size fails.
    if not (_are_digests([leaf_hash], root) and _are_digests(proof, root)):
        return False
    fn, sn = index, size - 1  # Step 2.
    r = leaf_hash  # Step 3.
    for p in proof:  # Step 4.
        if sn == 0:
            return False  # Proof longer than the path to the root.
        if fn & 1 or fn == sn:
            r = hash(b"\x01" + p + r)
            # Only runs when fn == sn: skip levels where the node has no sibling.
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = hash(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    # Step 5: sn == 0 rejects a proof that stops short of the root.
    return sn == 0 and hmac.compare_digest(r, root)


def verify_consistency(
    old_size: int,
    new_size: int,
    old_root: bytes,
    new_root: bytes,
    proof: Sequence[bytes],
    hash: HashFunc = sm3,
) -> bool:
    """RFC 9162 §2.1.4.2: is the `old_size` tree a prefix of the `new_size` tree?"""
    if not (_is_count(old_size) and _is_count(new_size) and old_size <= new_size):
        return False
    if not (_are_digests([old_root], new_root) and _are_digests(proof, new_root)):
        return False
    if old_size == 0:
        # Every tree extends the empty tree (§2.1.4.1 leaves PROOF(0, D[n]) undefined);
        # insist on the canonical empty proof and root so no junk is "verified".
        return len(proof) == 0 and hmac.compare_digest(old_root, hash(b""))
    if old_size == new_size:
        return len(proof) == 0 and hmac.compare_digest(old_root, new_root)
    if len(proof) == 0:
        return False  # Step 1.
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        # Step 2: a power-of-two old tree is itself a node of the new tree.
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1  # Step 3.
    while fn & 1:  # Step 4.
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]  # Step 5.
    for c in path[1:]:  # Step 6.
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = hash(b"\x01" + c + fr)
            sr = hash(b"\x01" + c + sr)
            # Only runs when fn == sn: skip levels where the node has no sibling.
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = hash(b"\x01" + sr + c)
        fn >>= 1
        sn >>= 1
    # Step 7.
    return sn == 0 and hmac.compare_digest(fr, old_root) and hmac.compare_digest(sr, new_root)


# --- END STANDALONE VERIFIER ---


T = TypeVar("T")


class BundleError(Exception):
    """The bundle is not shaped like a sunlight-ledger-bundle/1 file."""


def _field(obj: object, key: str, kind: type[T], where: str) -> T:
    if not isinstance(obj, dict):
        raise BundleError(f"{where} must be a JSON object")
    if key not in obj:
        raise BundleError(f"{where} has no {key!r} field")
    value = obj[key]
    # bool is an int subclass in Python, but true/false is never a size or an index.
    if not isinstance(value, kind) or isinstance(value, bool):
        raise BundleError(f"{where}.{key} must be a JSON {kind.__name__}")
    return value


def _b64(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise BundleError(f"{what} is not valid base64") from exc


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """GmSSL's C code prints a trace to file descriptor 2 for each bad signature."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def verify_signature(suite: str, public_key: bytes, message: bytes, sig: bytes) -> bool:
    """True only for a valid signature; ImportError if the suite's library is missing.

    sm2-sm3: DER (r, s) over SM3(Z || message), Z with the GM/T 0009 default signer ID,
    public key 64 bytes X || Y.  ed25519: RFC 8032, raw 32-byte public key.
    """
    if suite == "sm2-sm3":
        import gmssl_pyx  # type: ignore[import-untyped, unused-ignore]

        try:
            with _quiet_stderr():
                ok = gmssl_pyx.sm2_verify(public_key, message, sig, SM2_SIGNER_ID)
        except (gmssl_pyx.GmsslInnerError, ValueError, TypeError):
            return False
        return bool(ok)
    if suite == "ed25519":
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(sig, message)
        except (InvalidSignature, ValueError):
            return False
        return True
    return False


class Report:
    """Prints one line per check and remembers which ones failed."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed: list[str] = []

    def check(self, name: str, ok: bool, good: str, bad: str) -> None:
        print(f"OK    {good}" if ok else f"FAIL  {bad}")
        if ok:
            self.passed += 1
        else:
            self.failed.append(name)


def check_bundle(bundle: object, report: Report) -> None:
    """Run every check; BundleError when the bundle is too malformed to go on."""
    fmt = _field(bundle, "format", str, "bundle")
    report.check(
        "format",
        fmt == FORMAT,
        f"bundle format is {FORMAT}",
        f"bundle format is {fmt!r}, this tool reads only {FORMAT!r}",
    )
    origin = _field(bundle, "origin", str, "bundle")
    hash_name = _field(bundle, "hash", str, "bundle")
    suite = _field(bundle, "suite", str, "bundle")
    key_text = _field(bundle, "public_key", str, "bundle")
    leaves = _field(bundle, "leaves", list, "bundle")
    checkpoint = _field(bundle, "checkpoint", dict, "bundle")
    cp_origin = _field(checkpoint, "origin", str, "checkpoint")
    size = _field(checkpoint, "size", int, "checkpoint")
    root_hex = _field(checkpoint, "root", str, "checkpoint")
    time = _field(checkpoint, "time", str, "checkpoint")
    sig_text = _field(checkpoint, "signature", str, "checkpoint")

    if hash_name not in HASHES:
        raise BundleError(f"unknown hash {hash_name!r}, expected one of {list(HASHES)}")
    hash = HASHES[hash_name]
    try:
        root = bytes.fromhex(root_hex)
    except ValueError:
        root = b""
    if len(root) != len(hash(b"")):
        raise BundleError(f"checkpoint root is not a {hash_name} hash in hex")
    try:
        message = checkpoint_message(cp_origin, size, root_hex, time)
    except ValueError as exc:
        raise BundleError(str(exc)) from exc

    report.check(
        "origin",
        cp_origin == origin,
        f"checkpoint is for this ledger ({origin})",
        f"checkpoint origin {cp_origin!r} differs from bundle origin {origin!r}",
    )
    try:
        datetime.datetime.fromisoformat(time)  # Python 3.11+ also accepts "...Z"
        time_ok = True
    except ValueError:
        time_ok = False
    report.check(
        "time",
        time_ok,
        f"checkpoint time {time} is a valid ISO 8601 time",
        f"checkpoint time {time!r} is not an ISO 8601 time",
    )

    # Accept the key file form "<suite>:<base64>" as well as bare base64.
    key_text = key_text.removeprefix(suite + ":")
    public_key = _b64(key_text, "bundle.public_key")
    signature = _b64(sig_text, "checkpoint.signature")
    problem = f"checkpoint signature is NOT valid for this {suite} public key"
    try:
        signed = verify_signature(suite, public_key, message, signature)
    except ImportError as exc:
        signed = False
        problem = f"cannot check the {suite} signature: {exc.name} is not installed"
    if suite not in ("sm2-sm3", "ed25519"):
        problem = f"unknown signature suite {suite!r}, expected sm2-sm3 or ed25519"
    report.check(
        "signature",
        signed,
        f"checkpoint signature ({suite}) is valid: size {size}, root {root_hex}",
        problem,
    )

    if not leaves:
        print("NOTE  the bundle contains no leaves to check")
    for position, item in enumerate(leaves):
        where = f"leaves[{position}]"
        index = _field(item, "index", int, where)
        # surrogatepass: a lone surrogate cannot be in a real leaf, so it just fails the proof.
        leaf = _field(item, "leaf", str, where).encode("utf-8", "surrogatepass")
        proof_hex = _field(item, "proof", list, where)
        try:
            proof = [bytes.fromhex(p) for p in proof_hex if isinstance(p, str)]
        except ValueError:
            proof = []
        if len(proof) != len(proof_hex):
            bad = f"leaf {index}: its proof is not a list of hex strings"
        elif not 0 <= index < size:
            bad = f"leaf {index} is outside the checkpoint's tree of size {size}"
        else:
            bad = f"leaf {index} does NOT match the checkpoint root (leaf or proof altered)"
        report.check(
            f"leaf {index}",
            len(proof) == len(proof_hex)
            and verify_inclusion(leaf_hash(leaf, hash), index, size, proof, root, hash),
            f"leaf {index} is in the tree ({len(proof)} proof hashes lead to the root)",
            bad,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify a Sunlight ledger bundle.")
    parser.add_argument("bundle", help="path to the bundle JSON file")
    path: str = parser.parse_args(argv).bundle
    if isinstance(sys.stdout, io.TextIOWrapper):  # never die printing a leaf on an ASCII console
        sys.stdout.reconfigure(errors="backslashreplace")
    try:
        bundle = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        print(f"FAIL  cannot read {path}: {exc.strerror}")
        return 1
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        print(f"FAIL  {path} is not valid JSON: {exc}")
        return 1

    report = Report()
    try:
        check_bundle(bundle, report)
    except BundleError as exc:
        print(f"FAIL  the bundle is malformed: {exc}")
        return 1
    if report.failed:
        failed = ", ".join(report.failed)
        print(f"RESULT: {len(report.failed)} check(s) FAILED: {failed}")
        return 1
    print(f"RESULT: all {report.passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
