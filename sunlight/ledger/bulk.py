"""Writing many ledger leaves at once (the scale generator, the proof benchmark), outside `append`.

A leaf's shape is a stored leaf turned into a %-format string, so that copies differ only in
their sequence number, object id, applicant and times and stay canonical JSON. The frontier
keeps the pending left subtrees, so that a run of appends computes the nodes each leaf completes
without reading the stored tree (as `merkle.nodes_completed_by_append` would from it; a test
compares the two). Like `append`, it stores only the nodes of at least `tree.BLOCK` leaves.
"""

from __future__ import annotations

import json

from sunlight.ledger import canonical, merkle
from sunlight.ledger.tree import BLOCK_LEVEL, DbNodeStore

# Markers put into a template leaf before it is written as canonical JSON, then turned into
# %-format fields: the numbers lose their quotes, the object id (a string) keeps them.
SEQ, OBJ, APP, TIME, DUE = "@@seq@@", "@@obj@@", "@@app@@", "@@time@@", "@@due@@"


def leaf_shape(data: str, action: str) -> str:
    """A stored leaf as a %-format string with (seq, obj, app) fields and TIME/DUE markers."""
    payload = json.loads(data)
    payload["seq"], payload["time"] = SEQ, TIME
    payload["object"]["id"] = OBJ
    detail = payload.get("detail")
    if isinstance(detail, dict) and "applicant" in detail:
        detail["applicant"] = APP
    due = payload.get("changes", {}).get("due_date")
    if action == "cases.start" and isinstance(due, list) and due[1] is not None:
        due[1] = DUE
    text = canonical.dumps(payload).replace("%", "%%")
    return text.replace(f'"{SEQ}"', "%(seq)d").replace(OBJ, "%(obj)s").replace(f'"{APP}"', "%(app)d")


class Frontier:
    """The pending left subtrees of the ledger, so that appends need no reads (O(log n) memory).

    `append` gives the nodes a leaf completes, exactly as `merkle.nodes_completed_by_append`
    would from the stored tree (the test compares the two), with the ledger's own `node_hash`.
    """

    def __init__(self, size: int, lefts: dict[int, bytes]) -> None:
        self.size = size
        self.lefts = lefts  # level -> hash of the last complete subtree at that level

    @classmethod
    def load(cls, size: int) -> Frontier:
        """The frontier of a stored tree of `size` leaves: one perfect subtree per set bit."""
        keys = [(level, (size >> level) - 1) for level in range(size.bit_length()) if size >> level & 1]
        stored = DbNodeStore().get_many(keys)
        return cls(size, {level: stored[(level, index)] for level, index in keys})

    def append(self, leaf_hash: bytes, out: list[tuple[int, int, bytes]]) -> None:
        """Add the nodes `leaf_hash` completes to `out`: those the database keeps, of levels
        `BLOCK_LEVEL` and up, in the order `append` inserts them."""
        index, level, current = self.size, 0, leaf_hash
        node_hash, lefts = merkle.node_hash, self.lefts
        while index & 1:
            current = node_hash(lefts[level], current)
            level, index = level + 1, index >> 1
            if level >= BLOCK_LEVEL:
                out.append((level, index, current))
        lefts[level] = current
        self.size += 1
