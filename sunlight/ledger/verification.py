"""Verifying the whole ledger: every leaf, every checkpoint, the stored tree.

One pass over the leaves in sequence order recomputes each leaf hash and the Merkle root at
every checkpoint size; the stored nodes are checked against the recomputed leaf hashes and
every checkpoint's signature and the consistency between consecutive checkpoints are checked.
The first problem found names the sequence number it concerns.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import math
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from sunlight.ledger import merkle
from sunlight.ledger.actions import DbNodeStore
from sunlight.ledger.keys import trusted_public_keys
from sunlight.ledger.models import Checkpoint, Head, Leaf, Verification, VerificationOutcome
from sunlight.lib import signing

CHUNK = 5000
log = logging.getLogger("sunlight.ledger")


@dataclass(frozen=True)
class Problem:
    seq: int | None
    message: str
    # False when the problem is only known to lie somewhere in a window of leaves (a signed
    # root that no longer matches), not at this exact sequence number.
    exact: bool = True


@dataclass
class Report:
    size: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_bad_seq(self) -> int | None:
        exact = [p.seq for p in self.problems if p.seq is not None and p.exact]
        window = [p.seq for p in self.problems if p.seq is not None and not p.exact]
        return min(exact or window) if exact or window else None

    def summary(self) -> str:
        if self.ok:
            return f"ledger verified: {self.size} leaves, {self.checkpoints} checkpoints"
        first = self.first_bad_seq
        where = f"first bad sequence number {first}" if first is not None else "no leaf named"
        return f"ledger verification FAILED ({where}): " + "; ".join(p.message for p in self.problems[:5])


_node = merkle.sm3


class Frontier:
    """The perfect subtrees of the leaves seen so far (RFC 9162 compact range): O(log n) memory."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []  # (leaf count, hash), sizes strictly decreasing

    def append(self, leaf_hash: bytes) -> None:
        self.push(1, leaf_hash)

    def push(self, size: int, digest: bytes) -> None:
        """Add a perfect subtree of `size` leaves, merging equal neighbours."""
        stack = self.stack
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, digest = left_size + size, _node(b"\x01" + left + digest)
        stack.append((size, digest))

    def root(self) -> bytes:
        if not self.stack:
            return merkle.sm3(b"")
        digest = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            digest = merkle.node_hash(left, digest)
        return digest


def _signature_ok(checkpoint: Checkpoint, keys: dict[str, tuple[str, bytes]]) -> bool:
    if checkpoint.key_id not in keys:
        return False
    suite, public = keys[checkpoint.key_id]
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        message = merkle.checkpoint_message(
            checkpoint.origin, checkpoint.size, checkpoint.root, checkpoint.signed_at
        )
    except (binascii.Error, ValueError):
        return False
    return suite == checkpoint.suite and signing.verify(suite, public, message, signature)


def _leaves(
    start: int, stop: int | None
) -> Iterator[tuple[int, str, bytes | memoryview, bytes | memoryview | None]]:
    """(seq, data, stored leaf hash, stored level-0 node hash) for start <= seq < stop, in order.

    Keyset pagination on the primary key: each chunk is one indexed range scan joined to the
    node table's (level, index) unique index. Raw SQL: this loop is the verification's cost.
    """
    index = connection.ops.quote_name("index")
    bound = "" if stop is None else f" AND l.seq < {int(stop)}"
    sql = (
        f"SELECT l.seq, l.data, l.leaf_hash, n.hash FROM ledger_leaf l "  # noqa: S608
        f"LEFT JOIN ledger_node n ON n.level = 0 AND n.{index} = l.seq "
        f"WHERE l.seq > %s{bound} ORDER BY l.seq LIMIT {CHUNK}"
    )
    after = start - 1
    with connection.cursor() as cursor:
        while True:
            cursor.execute(sql, [after])
            chunk = cursor.fetchall()
            if not chunk:
                return
            # bytes and memoryview (PostgreSQL's bytea) compare by content: no copies needed.
            yield from chunk
            after = chunk[-1][0]


def _recorded_seq(data: str) -> int | None:
    # Canonical JSON sorts keys, so the top-level "seq" is the last one; inside a string a
    # quote is escaped, so '"seq":' cannot occur there.
    at = data.rfind('"seq":')
    if at < 0:
        return None
    digits = data[at + 6 : data.find(",", at)]
    return int(digits) if digits.isdigit() else None


@dataclass
class Scan:
    """One range of leaves, hashed: its problems, and its perfect subtrees at checkpoint sizes."""

    start: int
    next_seq: int = 0
    problems: list[Problem] = field(default_factory=list)
    snapshots: dict[int, list[tuple[int, bytes]]] = field(default_factory=dict)
    stack: list[tuple[int, bytes]] = field(default_factory=list)
    complete: bool = True


def scan(start: int, stop: int | None, checkpoint_sizes: list[int]) -> Scan:
    """Hash the leaves start <= seq < stop as a subtree of its own (start is 0 or a multiple of
    a power of two at least as large as the range, so the pieces compose into the whole tree)."""
    result = Scan(start=start, next_seq=start)
    frontier = Frontier()
    sizes = set(checkpoint_sizes)
    leaf_prefix = b"\x00"
    hash_leaf = merkle.sm3
    expected = start
    for seq, data, stored_hash, stored_node in _leaves(start, stop):
        if seq != expected:
            result.problems.append(Problem(expected, f"leaf {expected} is missing (the next leaf is {seq})"))
            result.complete = False
            break
        computed = hash_leaf(leaf_prefix + data.encode("utf-8"))
        if computed != stored_hash:
            result.problems.append(Problem(seq, f"leaf {seq}: its content does not match its recorded hash"))
        elif stored_node != computed:
            result.problems.append(Problem(seq, f"leaf {seq}: its hash does not match the Merkle tree"))
        # Fast path: canonical JSON puts the top-level "seq" right before "time".
        if f'"seq":{seq},"time"' not in data:
            recorded = _recorded_seq(data)
            if recorded != seq:
                result.problems.append(Problem(seq, f"leaf {seq}: it records sequence number {recorded}"))
        frontier.append(computed)
        expected += 1
        if expected in sizes:
            result.snapshots[expected] = list(frontier.stack)
        if len(result.problems) >= 20:
            result.complete = False
            break
    if stop is not None and expected < stop and result.complete:
        result.problems.append(Problem(expected, f"leaf {expected} is missing"))
        result.complete = False
    result.next_seq = expected
    result.stack = frontier.stack
    return result


def _fold(stack: list[tuple[int, bytes]]) -> bytes:
    if not stack:
        return merkle.sm3(b"")
    digest = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        digest = _node(b"\x01" + left + digest)
    return digest


def _chunks(total: int, workers: int) -> list[tuple[int, int]]:
    """Power-of-two aligned ranges, a few per worker, so that their subtrees compose."""
    size = 1 << max(14, math.ceil(math.log2(max(total / (4 * workers), 1))))
    return [(start, min(start + size, total)) for start in range(0, total, size)]


def _scan_in_child(args: tuple[int, int, list[int]]) -> Scan:
    connections.close_all()  # a forked child must not share the parent's connection
    return scan(*args)


def _scans(checkpoints: list[Checkpoint]) -> list[Scan]:
    sizes = [c.size for c in checkpoints]
    total = (Leaf.objects.aggregate(top=Max("seq"))["top"] or -1) + 1
    workers = min(os.cpu_count() or 1, settings.LEDGER_VERIFY_WORKERS)
    # An in-memory SQLite database (the tests) cannot be opened from another process.
    in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()  # type: ignore[attr-defined]

    if workers < 2 or total < settings.LEDGER_VERIFY_PARALLEL_FROM or in_memory:
        return [scan(0, None, sizes)]
    ranges = _chunks(total, workers)
    jobs = [(start, stop, [s for s in sizes if start < s <= stop]) for start, stop in ranges]
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = pool.map(_scan_in_child, jobs)
    # Leaves appended after the scan was planned are checked next time.
    return results


def verify_ledger() -> Report:
    report = Report()
    checkpoints = list(Checkpoint.objects.order_by("size"))
    keys = trusted_public_keys()
    report.checkpoints = len(checkpoints)
    for checkpoint in checkpoints:
        if not _signature_ok(checkpoint, keys):
            report.problems.append(Problem(None, f"checkpoint at size {checkpoint.size} has a bad signature"))
    roots = {c.size: c.root for c in checkpoints}
    prefix = Frontier()
    last_good_size = 0
    expected = 0
    for part in _scans(checkpoints):
        report.problems.extend(part.problems)
        for size in sorted(part.snapshots):
            if _fold(prefix.stack + part.snapshots[size]).hex() != roots[size]:
                report.problems.append(
                    Problem(
                        last_good_size,
                        f"the leaves {last_good_size}–{size - 1} do not give the root signed at "
                        f"size {size}: one of them was changed",
                        exact=False,
                    )
                )
            else:
                last_good_size = size
        expected = part.next_seq
        if not part.complete:
            break
        for size, digest in part.stack:
            prefix.push(size, digest)
    report.size = expected
    head = Head.objects.values_list("size", flat=True).first() or 0
    if checkpoints and checkpoints[-1].size > expected and not report.problems:
        report.problems.append(
            Problem(
                expected, f"leaves from {expected} are missing: a checkpoint covers {checkpoints[-1].size}"
            )
        )
    if head != expected and not report.problems:
        report.problems.append(
            Problem(min(head, expected), f"the ledger head says {head} leaves, {expected} found")
        )
    if report.ok:
        _check_stored_tree(report, checkpoints)
    return report


def _check_stored_tree(report: Report, checkpoints: list[Checkpoint]) -> None:
    """The stored nodes give each checkpoint's root, and consecutive checkpoints are consistent."""
    store = DbNodeStore()
    previous: Checkpoint | None = None
    for checkpoint in checkpoints:
        if merkle.root(store, checkpoint.size).hex() != checkpoint.root:
            report.problems.append(
                Problem(None, f"the stored tree does not give the root at size {checkpoint.size}")
            )
            return
        if previous is not None:
            proof = merkle.consistency_proof(store, previous.size, checkpoint.size)
            if not merkle.verify_consistency(
                previous.size,
                checkpoint.size,
                bytes.fromhex(previous.root),
                bytes.fromhex(checkpoint.root),
                proof,
            ):
                report.problems.append(
                    Problem(None, f"checkpoints at {previous.size} and {checkpoint.size} are not consistent")
                )
                return
        previous = checkpoint


_failure_listeners: list[Callable[[int, str], None]] = []


def on_verification_failure(listener: Callable[[int, str], None]) -> None:
    """Called with (verification id, summary) after a failed verification is recorded."""
    if listener not in _failure_listeners:
        _failure_listeners.append(listener)


def record(report: Report, started: dt.datetime) -> Verification:
    with transaction.atomic():
        verification = Verification.objects.create(
            started_at=started,
            finished_at=timezone.now(),
            size=report.size,
            outcome=VerificationOutcome.PASSED if report.ok else VerificationOutcome.FAILED,
            first_bad_seq=report.first_bad_seq,
            detail=report.summary(),
        )
    if not report.ok:
        # Loud on purpose: a failed verification means someone changed the record.
        log.critical("LEDGER VERIFICATION FAILED: %s", report.summary())
        for listener in _failure_listeners:
            listener(verification.pk, report.summary())
    return verification
