"""RFC 9162 (Certificate Transparency 2.0) Merkle tree over stored perfect subtrees.

Pure Python, no Django: the ledger app persists what this module computes.

Hashing (RFC 9162 §2.1.1), with a pluggable hash H (SM3 by default, SHA-256 selectable):

* empty tree:  MTH({}) = H("")
* leaf:        MTH({d0}) = H(0x00 || d0)
* interior:    MTH(D[n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest power of two < n

Storage model: the caller persists only *perfect* subtree hashes.  Node (level, index) covers
leaves [index * 2**level, (index + 1) * 2**level); level 0 is the leaf hash.  Every range the
RFC recursion visits is a right fold of at most log2(n) such nodes, so roots and proofs ask
the store for O(log n) of them.  Appending leaf number n completes exactly
1 + (trailing one bits of n) nodes.  A store may keep only the levels from `lowest` up and
hash the smaller subtrees from their leaf hashes when asked (`perfect_from_leaves`): then an
append writes a node only when it completes a block of 2**lowest leaves.

The block between the STANDALONE VERIFIER markers needs only the standard library (hmac,
collections.abc) and the `HashFunc`, `sm3` and `sha256` names defined above it:
tools/verify_bundle.py carries a verbatim copy (a test keeps the two identical) so auditors can
check proofs and checkpoint messages without this code base.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, runtime_checkable

HashFunc = Callable[[bytes], bytes]


# Copying a ready hash object skips OpenSSL's algorithm lookup that hashlib.new("sm3") does on
# every call: about 40% faster for leaf-sized inputs, which is most of a verification's time.
_SM3 = hashlib.new("sm3")


def sm3(data: bytes) -> bytes:
    """SM3 (GB/T 32905-2016), the default ledger hash."""
    h = _SM3.copy()
    h.update(data)
    return h.digest()


def sha256(data: bytes) -> bytes:
    """SHA-256, as used by Certificate Transparency; selectable for interoperability."""
    return hashlib.sha256(data).digest()


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


# ---------------------------------------------------------------------------------------------
# Storage


# (level, index, hash): a perfect subtree covering leaves [index * 2**level, (index+1) * 2**level).
Node = tuple[int, int, bytes]
Key = tuple[int, int]  # (level, index)
Range = tuple[int, int]  # (start, end) leaf positions, end exclusive


class NodeStore(Protocol):
    """Where perfect subtree hashes live.  `get` raises KeyError for a node never stored."""

    def get(self, level: int, index: int) -> bytes: ...


@runtime_checkable
class BatchNodeStore(NodeStore, Protocol):
    """A store that can fetch many nodes in one round trip (one SQL query)."""

    def get_many(self, keys: Iterable[Key]) -> Mapping[Key, bytes]: ...


class MemoryNodeStore:
    """In-memory NodeStore, for tests and for building bundles offline.

    With `lowest` > 0 it stores what the database does: the leaf hashes, and the nodes of
    levels `lowest` and up; a smaller subtree is hashed from its leaves when asked for.
    """

    def __init__(self, lowest: int = 0, hash: HashFunc = sm3) -> None:
        self.lowest = lowest
        self.hash = hash
        self.nodes: dict[Key, bytes] = {}
        self.leaves: dict[int, bytes] = {}  # leaf hashes, kept only when lowest > 0

    def get(self, level: int, index: int) -> bytes:
        return self.get_many([(level, index)])[(level, index)]

    def get_many(self, keys: Iterable[Key]) -> dict[Key, bytes]:
        """The stored or derivable nodes among `keys`; a node never stored is left out."""
        found: dict[Key, bytes] = {}
        derived: list[Key] = []
        for key in keys:
            if key[0] < self.lowest:
                derived.append(key)
            elif key in self.nodes:
                found[key] = self.nodes[key]
        found.update(perfect_from_leaves(derived, self.leaves, self.hash))
        return found

    def put(self, nodes: Iterable[Node]) -> None:
        for level, index, digest in nodes:
            self.nodes[(level, index)] = digest

    def append(self, size_before: int, leaf: bytes, hash: HashFunc | None = None) -> list[Node]:
        """Hash `leaf` (raw leaf data) as leaf number `size_before` and store its nodes."""
        hash = hash or self.hash
        digest = leaf_hash(leaf, hash)
        nodes = nodes_completed_by_append(self, size_before, digest, hash, lowest=self.lowest)
        if self.lowest:
            self.leaves[size_before] = digest
        self.put(nodes)
        return nodes


def perfect_from_leaves(
    keys: Iterable[Key], leaves: Mapping[int, bytes], hash: HashFunc = sm3
) -> dict[Key, bytes]:
    """The perfect subtrees `keys` hashed from the leaf hashes under them (2**level - 1 node
    hashes each); a key with a leaf missing from `leaves` is left out, as if never stored."""
    found: dict[Key, bytes] = {}
    for level, index in keys:
        start = index << level
        try:
            layer = [leaves[seq] for seq in range(start, start + (1 << level))]
        except KeyError:
            continue
        while len(layer) > 1:
            layer = [hash(b"\x01" + layer[i] + layer[i + 1]) for i in range(0, len(layer), 2)]
        found[(level, index)] = layer[0]
    return found


def _fetch(store: NodeStore, keys: Iterable[Key]) -> Mapping[Key, bytes]:
    wanted = list(dict.fromkeys(keys))  # de-duplicate, keep order
    if not wanted:
        return {}
    # Not isinstance() on the runtime-checkable protocol: that check alone cost more than
    # the rest of an append's tree work (every action appends).
    get_many = getattr(store, "get_many", None)
    if get_many is not None:
        found: Mapping[Key, bytes] = get_many(wanted)
        missing = [key for key in wanted if key not in found]
        if missing:
            raise KeyError(f"Merkle nodes missing from store: {missing[:5]}")
        return found
    return {key: store.get(*key) for key in wanted}


def nodes_completed_by_append(
    store: NodeStore, size_before: int, leaf_hash: bytes, hash: HashFunc = sm3, lowest: int = 0
) -> list[Node]:
    """The perfect subtrees of level `lowest` and up completed by appending leaf number
    `size_before` (0-based).

    Level 0 is the leaf hash itself; each further node exists because the node below it was a
    right child (index odd), and pairs with its left sibling, read from `store`.  Reads and
    returns 1 + (trailing one bits of size_before) nodes: O(log n).  When none of them is at
    level `lowest` or above, it returns nothing and reads nothing.
    """
    if size_before < 0:
        raise ValueError("size_before must be >= 0")
    lefts: list[Key] = []
    level, index = 0, size_before
    while index & 1:
        lefts.append((level, index - 1))
        level, index = level + 1, index >> 1
    if len(lefts) < lowest:  # the highest node completed, at level len(lefts), is not kept
        return []
    siblings = _fetch(store, lefts)
    nodes: list[Node] = [(0, size_before, leaf_hash)]
    current = leaf_hash
    for level, index in lefts:
        current = node_hash(siblings[(level, index)], current, hash)
        nodes.append((level + 1, index >> 1, current))
    return nodes[lowest:]


def _largest_power_of_two_below(n: int) -> int:
    """RFC 9162 §2.1.1's k: the largest power of two strictly smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def _perfect_key(start: int, end: int) -> Key | None:
    """(level, index) if [start, end) is a stored perfect subtree, else None."""
    width = end - start
    if width > 0 and width & (width - 1) == 0 and start % width == 0:
        return (width.bit_length() - 1, start // width)
    return None


def _range_keys(start: int, end: int, out: list[Key]) -> None:
    """Collect the stored nodes whose hashes determine MTH(D[start:end])."""
    key = _perfect_key(start, end)
    if key is not None:
        out.append(key)
    elif end - start > 1:
        k = _largest_power_of_two_below(end - start)
        _range_keys(start, start + k, out)
        _range_keys(start + k, end, out)


def _range_hash(start: int, end: int, nodes: Mapping[Key, bytes], hash: HashFunc) -> bytes:
    """MTH(D[start:end]) by the RFC 9162 §2.1.1 split, reading perfect subtrees from `nodes`.

    For ranges a proof or root uses, `start` is aligned so the recursion only splits off the
    right edge: at most log2(width) levels.  Unaligned ranges are still correct, just slower.
    """
    if end == start:
        return hash(b"")
    key = _perfect_key(start, end)
    if key is not None:
        return nodes[key]
    k = _largest_power_of_two_below(end - start)
    left = _range_hash(start, start + k, nodes, hash)
    return node_hash(left, _range_hash(start + k, end, nodes, hash), hash)


def _hash_ranges(store: NodeStore, ranges: Sequence[Range], hash: HashFunc) -> list[bytes]:
    """MTH of each (start, end) range, fetching every needed node in one batch."""
    keys: list[Key] = []
    for start, end in ranges:
        _range_keys(start, end, keys)
    nodes = _fetch(store, keys)
    return [_range_hash(start, end, nodes, hash) for start, end in ranges]


def subtree_hash(store: NodeStore, start: int, end: int, hash: HashFunc = sm3) -> bytes:
    """MTH(D[start:end]) for any 0 <= start <= end (RFC 9162 §2.1.1 decomposition)."""
    if not 0 <= start <= end:
        raise ValueError(f"bad leaf range [{start}, {end})")
    return _hash_ranges(store, [(start, end)], hash)[0]


def root(store: NodeStore, size: int, hash: HashFunc = sm3) -> bytes:
    """MTH of the first `size` leaves, from at most log2(size) + 1 stored nodes."""
    return subtree_hash(store, 0, size, hash)


def inclusion_proof(store: NodeStore, index: int, size: int, hash: HashFunc = sm3) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[size]), ordered from the leaf's sibling upwards."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of size {size}")
    siblings: list[Range] = []  # collected top-down, the proof lists them bottom-up
    start, end = 0, size
    while end - start > 1:
        k = _largest_power_of_two_below(end - start)
        if index < start + k:
            siblings.append((start + k, end))
            end = start + k
        else:
            siblings.append((start, start + k))
            start += k
    siblings.reverse()
    return _hash_ranges(store, siblings, hash)


def consistency_proof(store: NodeStore, old_size: int, new_size: int, hash: HashFunc = sm3) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(old_size, D[new_size]) = SUBPROOF(m, D[n], true).

    Empty when old_size is 0 or equals new_size (nothing to prove).
    """
    if not 0 <= old_size <= new_size:
        raise ValueError(f"no consistency proof from size {old_size} to {new_size}")
    if old_size == 0 or old_size == new_size:
        return []
    ranges: list[Range] = []  # collected top-down, the proof lists them bottom-up
    start, end, m, complete = 0, new_size, old_size, True
    while m != end - start:
        k = _largest_power_of_two_below(end - start)
        if m <= k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
            m -= k
            complete = False
    if not complete:
        # SUBPROOF(m, D[m], false) = {MTH(D[m])}; with b true the verifier knows it already.
        ranges.append((start, end))
    ranges.reverse()
    return _hash_ranges(store, ranges, hash)
