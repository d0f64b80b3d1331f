"""The stored Merkle tree: which perfect subtrees `ledger_node` keeps, and the store that reads it.

Only subtrees of at least `BLOCK` leaves are stored. A smaller one is hashed when asked for, from
the leaf hashes under it (`ledger_leaf.leaf_hash`, one range of the primary key, at most BLOCK
rows): so 15 appends in 16 write no node and read none, and the one that completes a block reads
that block's leaf hashes and the stored left siblings above it, and inserts the nodes it
completes. Roots and proofs at every size stay computable at once: nothing is deferred.

Databases written before this kept every level, 0 included; those rows are still there, are
correct, and are no longer read (verification checks the ones it meets).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from sunlight.ledger import merkle
from sunlight.lib import rows as statements

# log2 of the smallest stored subtree. 8 leaves would double the node rows and the appends that
# write them; 32 would double a proof's hashing of its partial blocks (docs/decisions.md).
BLOCK_LEVEL = 4
BLOCK = 1 << BLOCK_LEVEL
# The level given to leaf hashes in the store's answer, which no node has.
_LEAF = -1


def _leaf_ranges(keys: list[merkle.Key]) -> list[tuple[int, int]]:
    """The leaf ranges under `keys`, overlapping and touching ones merged."""
    ranges = sorted((index << level, (index + 1) << level) for level, index in keys)
    merged = [ranges[0]]
    for start, end in ranges[1:]:
        if start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class DbNodeStore:
    """The Merkle node store over `ledger_node` and `ledger_leaf` (raw SQL: this is the hot path)."""

    def get(self, level: int, index: int) -> bytes:
        found = self.get_many([(level, index)])
        return found[(level, index)]

    def get_many(self, keys: Iterable[merkle.Key]) -> dict[merkle.Key, bytes]:
        """The nodes among `keys` that exist: stored ones read, smaller ones hashed from leaves.

        One statement: the leaf ranges first, then the stored nodes, as a UNION ALL.
        """
        stored: list[merkle.Key] = []
        derived: list[merkle.Key] = []
        for key in keys:
            (derived if key[0] < BLOCK_LEVEL else stored).append(key)
        if not stored and not derived:
            return {}
        parts: list[str] = []
        params: list[int] = []
        if derived:
            for start, end in _leaf_ranges(derived):
                parts.append(f"SELECT {_LEAF}, seq, leaf_hash FROM ledger_leaf WHERE seq >= %s AND seq < %s")  # noqa: S608
                params += (start, end)
        if stored:
            index = connection.ops.quote_name("index")
            # OR'd equalities: one index search per key, in one round trip, on both databases.
            # Not a row-value IN: SQLite 3.40 plans that as a scan of the whole table (seconds
            # at 10M leaves).
            where = " OR ".join([f"(level = %s AND {index} = %s)"] * len(stored))
            parts.append(f"SELECT level, {index}, hash FROM ledger_node WHERE {where}")  # noqa: S608
            params += (value for key in stored for value in key)
        rows = statements.fetchall(" UNION ALL ".join(parts), params)
        found: dict[merkle.Key, bytes] = {}
        leaves: dict[int, bytes] = {}
        for level, idx, digest in rows:
            if level == _LEAF:
                leaves[idx] = bytes(digest)
            else:
                found[(level, idx)] = bytes(digest)
        if derived:
            found.update(merkle.perfect_from_leaves(derived, leaves))
        return found
