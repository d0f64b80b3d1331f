"""The RFC 9162 Merkle tree: properties, CT reference vectors, pymerkle as an oracle."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pymerkle  # type: ignore[import-untyped, unused-ignore]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sunlight.ledger import merkle
from sunlight.ledger.merkle import (
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from sunlight.ledger.merkle import sha256 as SHA
from sunlight.lib import signing

REPO = Path(__file__).resolve().parents[3]
# Draw the size first: plain st.lists() rarely gets past a few dozen leaves.
leaf_lists = st.integers(1, 200).flatmap(lambda n: st.lists(st.binary(max_size=12), min_size=n, max_size=n))
digests = st.binary(min_size=31, max_size=33)  # mostly the wrong width on purpose


def naive_mth(leaves: list[bytes], hash: merkle.HashFunc = merkle.sm3) -> bytes:
    """RFC 9162 §2.1.1 read literally: the independent oracle for stored-node roots."""
    if not leaves:
        return hash(b"")
    if len(leaves) == 1:
        return hash(b"\x00" + leaves[0])
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return hash(b"\x01" + naive_mth(leaves[:k], hash) + naive_mth(leaves[k:], hash))


def build(leaves: list[bytes], hash: merkle.HashFunc = merkle.sm3, lowest: int = 0) -> merkle.MemoryNodeStore:
    """The tree of `leaves`, every level stored, or (as the database keeps it) from `lowest` up."""
    store = merkle.MemoryNodeStore(lowest=lowest, hash=hash)
    for i, leaf in enumerate(leaves):
        store.append(i, leaf, hash)
    return store


def flip(data: bytes, bit: int) -> bytes:
    width = len(data)
    return (int.from_bytes(data, "big") ^ 1 << bit % (8 * width)).to_bytes(width, "big")


class CountingStore:
    """Wraps a store and records which nodes were read."""

    def __init__(self, inner: merkle.MemoryNodeStore) -> None:
        self.inner = inner
        self.read: list[tuple[int, int]] = []

    def get(self, level: int, index: int) -> bytes:
        self.read.append((level, index))
        return self.inner.get(level, index)

    def get_many(self, keys: Iterable[tuple[int, int]]) -> Mapping[tuple[int, int], bytes]:
        keys = list(keys)
        self.read.extend(keys)
        return self.inner.get_many(keys)


# Certificate Transparency reference test data (RFC 6962 era merkle_tree_test.cc, also in
# transparency-dev/merkle testonly): eight leaves, SHA-256.  Every value below was also
# recomputed here with naive_mth and pymerkle before it was written down.
CT_LEAVES = [b"", b"\x00", b"\x10", b" !", b"01", b"@ABC", b"PQRSTUVW", b"`abcdefghijklmno"]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
H_96A2 = "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
H_5F08 = "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e"
H_6B47 = "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"
H_BC1A = "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
H_CA85 = "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"
H_0EBC = "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a"
CT_INCLUSION = [  # (0-based leaf index, tree size, audit path)
    (0, 1, []),
    (0, 8, [H_96A2, H_5F08, H_6B47]),
    (5, 8, [H_BC1A, H_CA85, CT_ROOTS[3]]),
    (2, 3, [CT_ROOTS[1]]),
    (1, 5, [CT_ROOTS[0], H_5F08, H_BC1A]),
]
CT_CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (1, 8, [H_96A2, H_5F08, H_6B47]),
    (6, 8, [H_0EBC, H_CA85, CT_ROOTS[3]]),
    (2, 5, [H_5F08, H_BC1A]),
]


def test_it_matches_the_ct_reference_vectors() -> None:
    store = build(CT_LEAVES, SHA)
    assert merkle.root(store, 0, SHA) == hashlib.sha256(b"").digest()
    for size, expected in enumerate(CT_ROOTS, start=1):
        assert merkle.root(store, size, SHA).hex() == expected
        assert naive_mth(CT_LEAVES[:size], SHA).hex() == expected
    for index, size, path in CT_INCLUSION:
        proof = inclusion_proof(store, index, size, SHA)
        assert [p.hex() for p in proof] == path
        root = bytes.fromhex(CT_ROOTS[size - 1])
        assert verify_inclusion(leaf_hash(CT_LEAVES[index], SHA), index, size, proof, root, SHA)
    for old, new, path in CT_CONSISTENCY:
        proof = consistency_proof(store, old, new, SHA)
        assert [p.hex() for p in proof] == path
        old_root, new_root = (bytes.fromhex(CT_ROOTS[s - 1]) for s in (old, new))
        assert verify_consistency(old, new, old_root, new_root, proof, SHA)


def test_it_defaults_to_sm3() -> None:
    store = build([b"a", b"b", b"c"])
    assert merkle.root(merkle.MemoryNodeStore(), 0) == hashlib.new("sm3", b"").digest()
    assert merkle.root(store, 3) == naive_mth([b"a", b"b", b"c"], merkle.sm3)
    assert merkle.root(store, 3) != naive_mth([b"a", b"b", b"c"], SHA)


LOWEST = pytest.mark.parametrize("lowest", [0, 2, 4])  # every level stored; blocks of 4 or 16 leaves


@LOWEST
@settings(max_examples=40, deadline=None)
@given(leaf_lists)
def test_it_stores_every_perfect_subtree_and_computes_naive_roots(lowest: int, leaves: list[bytes]) -> None:
    store = build(leaves, lowest=lowest)
    n = len(leaves)
    # Exactly the perfect subtrees inside [0, n) from `lowest` up, each the MTH of its leaves.
    assert len(store.nodes) == sum(n >> level for level in range(lowest, n.bit_length()))
    for (level, index), digest in store.nodes.items():
        assert digest == naive_mth(leaves[index << level : (index + 1) << level])
    for size in range(n + 1):
        counting = CountingStore(store)
        assert merkle.root(counting, size) == naive_mth(leaves[:size])
        # O(log n): one stored node per set bit of size, never the leaves underneath.
        assert len(counting.read) == size.bit_count()


def test_it_returns_the_new_nodes_of_an_append() -> None:
    store = build([b"%d" % i for i in range(7)])
    nodes = merkle.nodes_completed_by_append(store, 7, leaf_hash(b"7"))
    # Leaf 7 completes the pair (1, 3), the quad (2, 1) and the whole tree (3, 0).
    assert [node[:2] for node in nodes] == [(0, 7), (1, 3), (2, 1), (3, 0)]
    assert nodes[-1][2] == naive_mth([b"%d" % i for i in range(8)])
    assert len(merkle.nodes_completed_by_append(store, 6, leaf_hash(b"6"))) == 1


def test_it_returns_only_the_kept_levels_and_reads_nothing_below_them() -> None:
    store = build([b"%d" % i for i in range(7)], lowest=2)
    counting = CountingStore(store)
    assert merkle.nodes_completed_by_append(counting, 6, leaf_hash(b"6"), lowest=2) == []
    assert merkle.nodes_completed_by_append(counting, 5, leaf_hash(b"5"), lowest=2) == []
    assert counting.read == []
    nodes = merkle.nodes_completed_by_append(counting, 7, leaf_hash(b"7"), lowest=2)
    assert [node[:2] for node in nodes] == [(2, 1), (3, 0)]
    assert nodes[-1][2] == naive_mth([b"%d" % i for i in range(8)])
    # The pair (1, 2) and the leaf 6 are hashed from the stored leaf hashes.
    assert store.get(1, 2) == naive_mth([b"4", b"5"])
    assert store.get_many([(1, 5), (2, 1)]) == {}  # not there, stored or not


def test_it_hashes_arbitrary_ranges_like_the_rfc() -> None:
    leaves = [bytes([i]) for i in range(21)]
    store = build(leaves)
    for start in range(22):
        for end in range(start, 22):
            expected = naive_mth(leaves[start:end])
            assert merkle.subtree_hash(store, start, end) == expected
    with pytest.raises(ValueError):
        merkle.subtree_hash(store, 3, 2)


@LOWEST
@settings(max_examples=25, deadline=None)
@given(leaf_lists)
def test_it_proves_every_leaf_and_every_older_size(lowest: int, leaves: list[bytes]) -> None:
    store = build(leaves, lowest=lowest)
    n = len(leaves)
    roots = [merkle.root(store, size) for size in range(n + 1)]
    for index, leaf in enumerate(leaves):
        proof = inclusion_proof(store, index, n)
        assert verify_inclusion(leaf_hash(leaf), index, n, proof, roots[n])
    for old in range(n + 1):
        proof = consistency_proof(store, old, n)
        assert verify_consistency(old, n, roots[old], roots[n], proof)


@LOWEST
@settings(max_examples=200, deadline=None)
@given(leaf_lists, st.data())
def test_it_proves_any_pair_of_sizes(lowest: int, leaves: list[bytes], data: st.DataObject) -> None:
    store = build(leaves, lowest=lowest)
    new = data.draw(st.integers(1, len(leaves)))
    old = data.draw(st.integers(0, new))
    index = data.draw(st.integers(0, new - 1))
    old_root, new_root = merkle.root(store, old), merkle.root(store, new)
    proof = inclusion_proof(store, index, new)
    assert verify_inclusion(leaf_hash(leaves[index]), index, new, proof, new_root)
    proof = consistency_proof(store, old, new)
    assert verify_consistency(old, new, old_root, new_root, proof)


@settings(max_examples=200, deadline=None)
@given(leaf_lists, st.data())
def test_it_rejects_any_flipped_bit(leaves: list[bytes], data: st.DataObject) -> None:
    store = build(leaves)
    n = len(leaves)
    index = data.draw(st.integers(0, n - 1))
    bit = data.draw(st.integers(0, 10**6))
    leaf, root = leaf_hash(leaves[index]), merkle.root(store, n)
    proof = inclusion_proof(store, index, n)
    changed = flip(leaves[index], bit) if leaves[index] else b"\x00"
    assert not verify_inclusion(leaf_hash(changed), index, n, proof, root)
    assert not verify_inclusion(leaf, index, n, proof, flip(root, bit))
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = flip(bad[i], bit)
        assert not verify_inclusion(leaf, index, n, bad, root)

    old = data.draw(st.integers(1, n))
    old_root = merkle.root(store, old)
    proof = consistency_proof(store, old, n)
    assert not verify_consistency(old, n, flip(old_root, bit), root, proof)
    assert not verify_consistency(old, n, old_root, flip(root, bit), proof)
    for i in range(len(proof)):
        bad = list(proof)
        bad[i] = flip(bad[i], bit)
        assert not verify_consistency(old, n, old_root, root, bad)


@settings(max_examples=200, deadline=None)
@given(st.integers(-3, 70), st.integers(-3, 70), st.lists(digests, max_size=9), digests, digests)
def test_it_never_raises_on_malformed_proofs(
    a: int, b: int, proof: list[bytes], root: bytes, other: bytes
) -> None:
    assert verify_inclusion(other, a, b, proof, root) in (True, False)
    assert verify_consistency(a, b, other, root, proof) in (True, False)


def test_it_rejects_wrong_lengths_and_out_of_range_positions() -> None:
    leaves = [bytes([i]) for i in range(11)]
    store = build(leaves)
    root, leaf = merkle.root(store, 11), leaf_hash(leaves[4])
    proof = inclusion_proof(store, 4, 11)
    assert verify_inclusion(leaf, 4, 11, proof, root)
    assert not verify_inclusion(leaf, 4, 11, proof[:-1], root)
    assert not verify_inclusion(leaf, 4, 11, [*proof, proof[0]], root)
    assert not verify_inclusion(leaf, 11, 11, proof, root)
    assert not verify_inclusion(leaf, -1, 11, proof, root)
    assert not verify_inclusion(leaf, 4, 5, proof, root)  # (4, 12) would pass: same path shape
    assert not verify_inclusion(leaf, 0, 0, [], merkle.sm3(b""))
    assert not verify_inclusion(leaf, 4, 11, [*proof[:-1], proof[-1][:-1]], root)
    assert not verify_inclusion(leaf, 4, 11, [p.hex() for p in proof], root)  # type: ignore[misc]

    old_root = merkle.root(store, 6)
    cons = consistency_proof(store, 6, 11)
    assert verify_consistency(6, 11, old_root, root, cons)
    assert not verify_consistency(6, 11, old_root, root, cons[:-1])
    assert not verify_consistency(6, 11, old_root, root, [*cons, cons[0]])
    assert not verify_consistency(6, 11, old_root, root, [])
    assert not verify_consistency(11, 6, root, old_root, cons)
    assert not verify_consistency(6, 6, old_root, old_root, cons)
    assert verify_consistency(6, 6, old_root, old_root, [])
    assert verify_consistency(0, 11, merkle.sm3(b""), root, [])
    assert not verify_consistency(0, 11, old_root, root, [])
    with pytest.raises(ValueError):
        inclusion_proof(store, 11, 11)
    with pytest.raises(ValueError):
        consistency_proof(store, 7, 6)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.binary(max_size=12), min_size=1, max_size=70))
def test_it_agrees_with_pymerkle(leaves: list[bytes]) -> None:
    store = build(leaves, SHA)
    # security=True (the default) is pymerkle's RFC 9162 mode: 0x00 / 0x01 prefixes.
    tree = pymerkle.InmemoryTree(algorithm="sha256")
    for leaf in leaves:
        tree.append_entry(leaf)
    n = len(leaves)
    for size in range(1, n + 1):
        assert tree.get_root(size) == merkle.root(store, size, SHA)
    root = tree.get_root(n)
    for index in range(n):
        ours = inclusion_proof(store, index, n, SHA)
        theirs = tree.prove_inclusion(index + 1, n)  # pymerkle counts leaves from one
        leaf = leaf_hash(leaves[index], SHA)
        # pymerkle's path is [leaf hash, *RFC audit path]: identical hashes, same order.
        assert theirs.path == [leaf, *ours]
        pymerkle.verify_inclusion(leaf, root, theirs)
        assert verify_inclusion(leaf, index, n, theirs.path[1:], root, SHA)
        # Our path, dressed as a pymerkle proof, passes pymerkle's verifier too.
        serialized = {**theirs.serialize(), "path": [p.hex() for p in [leaf, *ours]]}
        pymerkle.verify_inclusion(leaf, root, pymerkle.InclusionProof.deserialize(serialized))
    for old in range(1, n + 1):
        # pymerkle splits consistency proofs its own way (unlike RFC 9162 when the old tree
        # is exactly the left subtree): check each proof against the other side's roots.
        old_root = tree.get_root(old)
        our_old, our_new = merkle.root(store, old, SHA), merkle.root(store, n, SHA)
        pymerkle.verify_consistency(our_old, our_new, tree.prove_consistency(old, n))
        ours = consistency_proof(store, old, n, SHA)
        assert verify_consistency(old, n, old_root, root, ours, SHA)


def test_it_keeps_the_standalone_verifier_identical() -> None:
    def block(path: Path) -> str:
        text = path.read_text(encoding="utf-8")
        return text[text.index("# --- BEGIN STANDALONE") : text.index("# --- END STANDALONE")]

    library = block(REPO / "sunlight" / "ledger" / "merkle.py")
    assert block(REPO / "tools" / "verify_bundle.py") == library


def test_it_formats_checkpoint_messages() -> None:
    message = merkle.checkpoint_message("example/log", 3, "ab12", "2025-01-02T03:04:05Z")
    assert message == b"example/log\n3\nab12\n2025-01-02T03:04:05Z\n"
    with pytest.raises(ValueError):
        merkle.checkpoint_message("two\nlines", 3, "ab", "t")
    with pytest.raises(ValueError):
        merkle.checkpoint_message("o", -1, "ab", "t")


# --- The offline bundle and tools/verify_bundle.py ------------------------------------------


def make_bundle(suite: str, leaves: list[str], show: list[int]) -> dict[str, Any]:
    """A bundle as the ledger exports it: signed checkpoint plus some leaves with proofs."""
    store = build([text.encode("utf-8") for text in leaves])
    origin, size, time = "sunlight.example/ledger", len(leaves), "2025-03-01T08:00+08:00"
    root_hex = merkle.root(store, size).hex()
    private, public = signing.generate_key(suite)
    message = merkle.checkpoint_message(origin, size, root_hex, time)
    signature = base64.b64encode(signing.sign(suite, private, message)).decode()
    checkpoint = {"origin": origin, "size": size, "root": root_hex, "time": time}
    paths = {i: inclusion_proof(store, i, size) for i in show}
    return {
        "format": "sunlight-ledger-bundle/1",
        "origin": origin,
        "hash": "sm3",
        "suite": suite,
        "public_key": base64.b64encode(public).decode(),
        "checkpoint": {**checkpoint, "signature": signature},
        "leaves": [{"index": i, "leaf": leaves[i], "proof": [p.hex() for p in paths[i]]} for i in show],
    }


def run_verifier(tmp_path: Path, bundle: object) -> tuple[int, str]:
    path = tmp_path / "bundle.json"
    text = bundle if isinstance(bundle, str) else json.dumps(bundle, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    script = str(REPO / "tools" / "verify_bundle.py")
    run = subprocess.run([sys.executable, script, str(path)], capture_output=True, text=True, check=False)
    assert run.stderr == ""  # GmSSL's C error trace is kept off the auditor's screen
    return run.returncode, run.stdout


LEAVES = [json.dumps({"seq": i, "action": "case.open", "who": "张三"}, ensure_ascii=False) for i in range(13)]


@pytest.mark.parametrize("suite", signing.available_suites())
def test_it_checks_a_bundle_with_the_standalone_verifier(tmp_path: Path, suite: str) -> None:
    bundle = make_bundle(suite, LEAVES, [0, 5, 12])
    code, out = run_verifier(tmp_path, bundle)
    assert code == 0, out
    assert "FAIL" not in out and "leaf 5 is in the tree" in out and "RESULT: all" in out

    # One changed byte in one leaf: exactly that leaf fails, by its ledger index.
    changed = copy.deepcopy(bundle)
    changed["leaves"][1]["leaf"] = LEAVES[5].replace("张三", "李三")
    code, out = run_verifier(tmp_path, changed)
    failures = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert code == 1 and len(failures) == 1 and "leaf 5" in failures[0]
    assert "FAILED: leaf 5" in out

    changed = copy.deepcopy(bundle)
    raw = base64.b64decode(changed["checkpoint"]["signature"])
    changed["checkpoint"]["signature"] = base64.b64encode(flip(raw, 8 * len(raw) - 3))
    changed["checkpoint"]["signature"] = changed["checkpoint"]["signature"].decode()
    code, out = run_verifier(tmp_path, changed)
    assert code == 1 and "FAIL  checkpoint signature is NOT valid" in out
    assert "FAILED: signature" in out


def test_it_rejects_a_checkpoint_with_another_root(tmp_path: Path) -> None:
    bundle = make_bundle(signing.available_suites()[0], LEAVES, [3])
    build_12 = build([text.encode("utf-8") for text in LEAVES[:12]])
    bundle["checkpoint"]["root"] = merkle.root(build_12, 12).hex()
    code, out = run_verifier(tmp_path, bundle)
    assert code == 1 and "FAILED: signature, leaf 3" in out


def test_it_explains_malformed_bundles(tmp_path: Path) -> None:
    code, out = run_verifier(tmp_path, '{"format": "sunlight-ledger-bundle/1",')
    assert code == 1 and "is not valid JSON" in out
    bundle = make_bundle(signing.available_suites()[0], LEAVES, [3])
    del bundle["checkpoint"]
    code, out = run_verifier(tmp_path, bundle)
    assert code == 1 and "malformed: bundle has no 'checkpoint' field" in out
    code, out = run_verifier(tmp_path, "[]")
    assert code == 1 and "malformed: bundle must be a JSON object" in out
