"""Verifying the whole ledger: every leaf, every stored node, every checkpoint.

The leaves are read in sequence order, in aligned chunks of `CHUNK` leaves: each chunk is a
perfect subtree of the Merkle tree. A chunk is read as a few concatenated streams (the sequence
numbers, the data, the recorded leaf hashes) in one aggregate query, its leaves are hashed and
its subtree rebuilt level by level, and its stored nodes (those of at least `tree.BLOCK` leaves)
are read as streams the same way: every comparison is one comparison of two byte strings. A chunk where anything differs is read again
row by row (and level by level), which names each problem. The chunks compose into the root at
every checkpoint size; every checkpoint's signature and the consistency between consecutive
checkpoints are checked. The first problem found names the sequence number it concerns.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import functools
import logging
import math
import multiprocessing
import operator
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import chain, repeat
from typing import Any, cast

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Max
from django.utils import timezone

from sunlight.ledger import merkle
from sunlight.ledger.actions import size as ledger_size
from sunlight.ledger.keys import trusted_public_keys
from sunlight.ledger.models import Checkpoint, Leaf, Verification, VerificationOutcome
from sunlight.ledger.report import Problem, Report
from sunlight.ledger.tree import BLOCK_LEVEL, DbNodeStore
from sunlight.lib import signing

try:
    from gmssl_pyx import sm3_hash as _gmssl_sm3  # type: ignore[import-untyped, unused-ignore]
except ImportError:  # pragma: no cover - depends on the installed wheels
    _gmssl_sm3 = None

# Leaves per chunk, a power of two: the perfect subtree hashed, read and compared in one piece.
# About half a megabyte of leaf data: in a long-running process, 2^13 leaves (2 MB buffers) made
# a verification some 10% slower, 2^10 no faster. Scans start at multiples of it.
CHUNK = 1 << 11
# A scan stops collecting problems after this many: the first bad sequence number is known.
MAX_PROBLEMS = 20
log = logging.getLogger("sunlight.ledger")


def _pick_sm3() -> Callable[[bytes], bytes]:
    """GmSSL's one-shot SM3 (gmssl-pyx, installed for SM2) if present and agreeing with hashlib.

    One C call per hash, so `map` hashes a whole list without a Python frame per item: about a
    quarter less time per leaf than hashlib's copy, update and digest. It is also a second SM3
    implementation, independent of the one `append` hashes with.
    """
    if _gmssl_sm3 is not None:
        probes = (b"", b"abc", bytes(range(256)) * 3)
        if all(_gmssl_sm3(probe) == merkle.sm3(probe) for probe in probes):
            return cast(Callable[[bytes], bytes], _gmssl_sm3)
    return merkle.sm3  # pragma: no cover - depends on the installed wheels


_sm3 = _pick_sm3()


def _node_hash(left: bytes, right: bytes) -> bytes:
    return _sm3(b"\x01" + left + right)


# (level, index) of a perfect subtree: it covers leaves [index * 2**level, (index + 1) * 2**level).
Key = tuple[int, int]


class Frontier:
    """The perfect subtrees of the leaves seen so far (RFC 9162 compact range): O(log n) memory.

    `completed` collects the nodes that pushing creates by merging, for checking against the
    stored tree.
    """

    def __init__(self, start: int = 0) -> None:
        self.stack: list[tuple[int, bytes]] = []  # (leaf count, hash), sizes strictly decreasing
        self.end = start  # the leaf after the last one pushed
        self.completed: list[tuple[int, int, bytes]] = []  # (level, index, hash)

    def push(self, size: int, digest: bytes) -> None:
        """Add a perfect subtree of `size` leaves, merging equal neighbours."""
        stack = self.stack
        self.end += size
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            size, digest = left_size + size, _node_hash(left, digest)
            level = size.bit_length() - 1
            self.completed.append((level, (self.end >> level) - 1, digest))
        stack.append((size, digest))


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


# --- Reading chunks as streams -----------------------------------------------------------------


@dataclass(frozen=True)
class _Sql:
    leaves: str  # count, seq offsets, data joined by "\n\0", leaf hashes joined: of seq in [a, b)
    subtree: str  # node positions and hashes in insertion order, from the node (level, a >> level) on
    level: str  # index offsets and hashes of one level's nodes in an index range
    level_rows: str  # the same, row by row
    leaf_rows: str  # seq, data, leaf hash, row by row
    next_leaf: str


@functools.cache
def _sql(vendor: str) -> _Sql:
    """The statements, for SQLite (group_concat) or PostgreSQL (string_agg).

    Neither database promises the order in which an aggregate sees its rows (SQLite 3.40 has no
    ORDER BY inside an aggregate), so every stream comes with the positions of its rows as
    text, which must be exactly the expected ones: one query feeds all its aggregates the same
    rows in the same order, so the other streams are then in that order too. (Both scan the
    range in index order; a subquery with ORDER BY would cost a third more per row on SQLite.)
    """
    index = connection.ops.quote_name("index")
    # The position of a node in its chunk, packed: (index - first index at its level) * 64 + level.
    position = f"({index} - (%s >> level)) * 64 + level"
    # Nodes are inserted with the leaf that completes them, lowest first. In the order of the
    # id, a chunk's stored nodes follow the first node of its lowest stored level. The stream
    # starts at the chunk's level-0 node where a database from before the blocks has one, so
    # that such a chunk never passes for one without it.
    first = (
        f"SELECT min(id) AS first FROM ledger_node "  # noqa: S608
        f"WHERE (level = 0 AND {index} = %s) OR (level = %s AND {index} = %s)"
    )
    if vendor == "postgresql":
        text, joined, data = "string_agg(({})::text, ',')", "string_agg({}, %s)", "convert_to(data, 'UTF8')"
        # A rolled-back append leaves a gap in the id sequence: count rows, not ids.
        nodes = (
            f"(SELECT level, {index}, hash FROM ledger_node, ({first}) AS f "  # noqa: S608
            "WHERE id >= first ORDER BY id LIMIT %s) AS n"
        )
    else:
        text, joined, data = "group_concat({}, ',')", "CAST(group_concat({}, %s) AS BLOB)", "data"
        # AUTOINCREMENT ids have no gaps on SQLite (a rollback takes its numbers back too), and
        # a range of ids is read without the subquery's extra step per row.
        nodes = f"({first}) AS f, ledger_node WHERE id >= first AND id < first + %s"
    return _Sql(
        leaves=(
            f"SELECT count(*), {text.format('seq - %s')}, {joined.format(data)}, {joined.format('leaf_hash')} "  # noqa: S608
            "FROM ledger_leaf WHERE seq >= %s AND seq < %s"
        ),
        subtree=f"SELECT {text.format(position)}, {joined.format('hash')} FROM {nodes}",  # noqa: S608
        level=(
            f"SELECT {text.format(f'{index} - %s')}, {joined.format('hash')} FROM ledger_node "  # noqa: S608
            f"WHERE level = %s AND {index} >= %s AND {index} < %s"
        ),
        level_rows=f"SELECT {index}, hash FROM ledger_node WHERE level = %s AND {index} >= %s AND {index} < %s",  # noqa: S608
        leaf_rows="SELECT seq, data, leaf_hash FROM ledger_leaf WHERE seq >= %s AND seq < %s ORDER BY seq",
        next_leaf="SELECT min(seq) FROM ledger_leaf WHERE seq >= %s",
    )


@functools.lru_cache(maxsize=64)
def _offsets(count: int) -> str:
    """'0,1,…,count-1': the positions a stream of `count` rows must show."""
    return ",".join(map(str, range(count)))


@functools.cache
def _subtree_layout(chunk: int, lowest: int) -> tuple[str, Callable[[list[bytes]], tuple[bytes, ...]]]:
    """The positions of a full chunk's nodes of levels `lowest` and up in insertion order, and
    a function that picks them from the chunk's levels (concatenated, level `lowest` first)."""
    order: list[Key] = []
    for leaf in range(chunk):
        level, index = 0, leaf
        if lowest == 0:
            order.append((0, leaf))
        while index & 1:
            level, index = level + 1, index >> 1
            if level >= lowest:
                order.append((level, index))
    firsts = {lowest: 0}
    for level in range(lowest, chunk.bit_length()):
        firsts[level + 1] = firsts[level] + (chunk >> level)
    positions = ",".join(str(index * 64 + level) for level, index in order)
    at = [firsts[level] + index for level, index in order]
    if len(at) > 1:
        return positions, cast(Callable[[list[bytes]], tuple[bytes, ...]], operator.itemgetter(*at))
    return positions, lambda nodes: tuple(nodes[i] for i in at)  # itemgetter of one gives no tuple


def _levels(leaf_hashes: list[bytes]) -> list[list[bytes]]:
    """The subtree over `leaf_hashes`, level by level (a last odd node has no parent yet)."""
    levels = [leaf_hashes]
    level = leaf_hashes
    while len(level) > 1:
        # 0x01 || left || right for every pair, joined and hashed without a Python frame per node.
        level = list(map(_sm3, map(b"".join, zip(repeat(b"\x01"), level[0::2], level[1::2]))))
        levels.append(level)
    return levels


def _prefix(levels: list[list[bytes]], count: int) -> list[tuple[int, bytes]]:
    """The perfect subtrees covering the first `count` leaves of a chunk, largest first."""
    out: list[tuple[int, bytes]] = []
    done = 0
    for level in range(count.bit_length() - 1, -1, -1):
        if count >> level & 1:
            out.append((1 << level, levels[level][done >> level]))
            done += 1 << level
    return out


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
    # Leaves and nodes found bad: a node above one is not reported again.
    bad: set[Key] = field(default_factory=set)
    # The lowest level of the node layout the last full chunk matched (see _check_subtree).
    layout: int = BLOCK_LEVEL


def _read_leaves(cursor: Any, start: int, stop: int, result: Scan) -> list[bytes]:
    """The leaf hashes of seq in [start, stop) up to the first missing one, checked against the
    recorded hashes and sequence numbers: as streams, or row by row if anything differs."""
    sql = _sql(connection.vendor)
    cursor.execute(sql.leaves, [start, b"\n\x00", b"", start, stop])
    count, offsets, data, recorded = cursor.fetchone()
    if not count:
        return []
    if offsets == _offsets(count) and data is not None:
        # Canonical JSON escapes control characters, so "\n" only ever separates two leaves,
        # and each piece starts with the 0x00 that makes it a leaf hash's input.
        pieces = (b"\x00" + bytes(data)).split(b"\n")
        # Canonical JSON puts the top-level "seq" right before "time", near the end: rfind.
        markers = '"seq":' + ',"time"\n"seq":'.join(map(str, range(start, start + count))) + ',"time"'
        if len(pieces) == count and min(map(bytes.rfind, pieces, markers.encode().split(b"\n"))) >= 0:
            hashes = list(map(_sm3, pieces))
            if b"".join(hashes) == recorded:
                return hashes
    return _read_leaf_rows(cursor, start, stop, result)


def _read_leaf_rows(cursor: Any, start: int, stop: int, result: Scan) -> list[bytes]:
    cursor.execute(_sql(connection.vendor).leaf_rows, [start, stop])
    hashes: list[bytes] = []
    expected = start
    for seq, data, stored_hash in cursor.fetchall():
        if seq != expected:
            result.problems.append(Problem(expected, f"leaf {expected} is missing (the next leaf is {seq})"))
            result.complete = False
            break
        text = data if isinstance(data, str) else bytes(data).decode("utf-8", "replace")
        computed = _sm3(b"\x00" + text.encode("utf-8"))
        problems = len(result.problems)
        if computed != stored_hash:
            result.problems.append(Problem(seq, f"leaf {seq}: its content does not match its recorded hash"))
        if f'"seq":{seq},"time"' not in text:
            recorded = _recorded_seq(text)
            if recorded != seq:
                result.problems.append(Problem(seq, f"leaf {seq}: it records sequence number {recorded}"))
        if len(result.problems) > problems:
            result.bad.add((0, seq))
        hashes.append(computed)
        expected += 1
        if len(result.problems) >= MAX_PROBLEMS:
            result.complete = False
            break
    return hashes


def _node_problem(problems: list[Problem], bad: set[Key], level: int, index: int, missing: bool) -> None:
    """A stored node that differs from the recomputed one, unless a leaf or node under it did."""
    if level == 0:
        if (0, index) not in bad:
            problems.append(Problem(index, f"leaf {index}: its hash does not match the Merkle tree"))
    # Levels below BLOCK_LEVEL are not stored: the leaves under a node are what it is made of.
    elif not any(below < level and under >> (level - below) == index for below, under in bad):
        first, last = index << level, ((index + 1) << level) - 1
        what = "is missing" if missing else "does not match the leaves under it"
        problems.append(
            Problem(
                first,
                f"the stored Merkle node {level}/{index} (leaves {first}–{last}) {what}",
                exact=False,
                last=last,
            )
        )
    bad.add((level, index))


def _check_subtree(cursor: Any, start: int, levels: list[list[bytes]], result: Scan) -> None:
    """Every stored node of the chunk starting at `start` equals the recomputed one.

    A chunk written before the blocks (`tree.py`) holds every level, in the other layout: tried
    second, and first for the next chunk once it matched."""
    sql = _sql(connection.vendor)
    if len(levels[0]) == CHUNK:
        for lowest in (result.layout, BLOCK_LEVEL if result.layout == 0 else 0):
            positions, pick = _subtree_layout(CHUNK, lowest)
            if not positions:
                return  # a chunk smaller than a block holds no stored node of its own
            cursor.execute(
                sql.subtree, [start, b"", start, lowest, start >> lowest, positions.count(",") + 1]
            )
            stored_positions, stored = cursor.fetchone()
            if stored_positions == positions and stored == b"".join(
                pick(list(chain.from_iterable(levels[lowest:])))
            ):
                result.layout = lowest
                return
    # Level by level, and where a level differs, node by node.
    for level, computed in enumerate(levels):
        first = start >> level
        cursor.execute(sql.level, [first, b"", level, first, first + len(computed)])
        offsets, stored = cursor.fetchone()
        if offsets == _offsets(len(computed)) and stored == b"".join(computed):
            continue
        if level < BLOCK_LEVEL and offsets is None:
            continue  # not stored (the rows of older databases are checked where there are any)
        cursor.execute(sql.level_rows, [level, first, first + len(computed)])
        rows = cursor.fetchall()
        found = {index: bytes(digest) for index, digest in rows}
        before = len(result.problems)
        for index, digest in enumerate(computed, start=first):
            if level < BLOCK_LEVEL and index not in found:
                continue
            if found.get(index) != digest:
                _node_problem(result.problems, result.bad, level, index, missing=index not in found)
        if len(result.problems) == before and len(rows) != len(found):  # the unique index was dropped
            result.problems.append(
                Problem(start, f"the stored Merkle tree holds a node twice at level {level}", exact=False)
            )


def _check_completed(nodes: list[tuple[int, int, bytes]], problems: list[Problem], bad: set[Key]) -> None:
    """The nodes above the chunks, made while composing them, equal the stored ones."""
    store = DbNodeStore()
    kept = [node for node in nodes if node[0] >= BLOCK_LEVEL]  # smaller ones are not stored
    for at in range(0, len(kept), 100):  # OR'd equalities: keep the statement small
        batch = kept[at : at + 100]
        stored = store.get_many([(level, index) for level, index, _ in batch])
        for level, index, digest in batch:
            if stored.get((level, index)) != digest:
                _node_problem(problems, bad, level, index, missing=(level, index) not in stored)
    nodes.clear()


def scan(start: int, stop: int | None, checkpoint_sizes: list[int]) -> Scan:
    """Hash the leaves start <= seq < stop as a subtree of its own (start is 0 or a multiple of
    a power of two at least as large as the range, and of CHUNK, so the pieces compose into the
    whole tree)."""
    if start % CHUNK:
        raise ValueError(f"a scan starts at a multiple of {CHUNK}, not at {start}")
    result = Scan(start=start, next_seq=start)
    frontier = Frontier(start)
    sizes = sorted(set(checkpoint_sizes))
    at = start
    with connection.cursor() as cursor:
        while result.complete and (stop is None or at < stop):
            end = at + CHUNK if stop is None else min(at + CHUNK, stop)
            hashes = _read_leaves(cursor, at, end, result)
            if hashes:
                levels = _levels(hashes)
                _check_subtree(cursor, at, levels, result)
                inside = slice(bisect.bisect_right(sizes, at), bisect.bisect_right(sizes, at + len(hashes)))
                for size in sizes[inside]:  # the checkpoints within this chunk
                    result.snapshots[size] = frontier.stack + _prefix(levels, size - at)
                for size, digest in _prefix(levels, len(hashes)):
                    frontier.push(size, digest)
                if len(frontier.completed) >= 100:
                    _check_completed(frontier.completed, result.problems, result.bad)
            at += len(hashes)
            if len(result.problems) >= MAX_PROBLEMS:
                result.complete = False
            if at < end:  # the ledger ends here, or a leaf is missing
                if result.complete and stop is None:
                    cursor.execute(_sql(connection.vendor).next_leaf, [at])
                    (following,) = cursor.fetchone()
                    # A leaf numbered `at` itself was appended since the chunk was read.
                    if following is not None and following > at:
                        result.problems.append(
                            Problem(at, f"leaf {at} is missing (the next leaf is {following})")
                        )
                        result.complete = False
                break
    _check_completed(frontier.completed, result.problems, result.bad)
    if stop is not None and at < stop and result.complete:
        result.problems.append(Problem(at, f"leaf {at} is missing"))
        result.complete = False
    result.next_seq = at
    result.stack = frontier.stack
    return result


def _fold(stack: list[tuple[int, bytes]]) -> bytes:
    if not stack:
        return merkle.sm3(b"")
    digest = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        digest = _node_hash(left, digest)
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
    signed: set[int] = set()
    for checkpoint in checkpoints:
        if _signature_ok(checkpoint, keys):
            signed.add(checkpoint.size)
        else:
            report.problems.append(Problem(None, f"checkpoint at size {checkpoint.size} has a bad signature"))
    roots = {c.size: c.root for c in checkpoints}
    prefix = Frontier()
    bad: set[Key] = set()
    last_good_size = 0
    expected = 0
    for part in _scans(checkpoints):
        report.problems.extend(part.problems)
        bad |= part.bad
        for size in sorted(part.snapshots):
            # Only a root the server signed bounds a window: a forged one is reported above, and
            # must not move the last good size past an edit (the first bad leaf is named from it).
            if size not in signed:
                continue
            if _fold(prefix.stack + part.snapshots[size]).hex() != roots[size]:
                report.problems.append(
                    Problem(
                        last_good_size,
                        f"the leaves {last_good_size}–{size - 1} do not give the root signed at "
                        f"size {size}: one of them was changed",
                        exact=False,
                        last=size - 1,
                    )
                )
            else:
                last_good_size = size
        expected = part.next_seq
        if not part.complete:
            break
        for size, digest in part.stack:
            prefix.push(size, digest)
    # The nodes joining the parallel ranges (none on the single-process path).
    _check_completed(prefix.completed, report.problems, bad)
    report.size = expected
    head = ledger_size()
    if checkpoints and checkpoints[-1].size > expected and not report.problems:
        report.problems.append(
            Problem(
                expected, f"leaves from {expected} are missing: a checkpoint covers {checkpoints[-1].size}"
            )
        )
    if head != expected and not report.problems:
        report.problems.append(
            Problem(min(head, expected), f"the ledger's size is {head} leaves, {expected} found")
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
