"""Appending to the ledger: the one write every other action makes, inside its transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from sunlight.ledger import canonical, merkle
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf
from sunlight.ledger.tree import BLOCK, BLOCK_LEVEL, DbNodeStore
from sunlight.lib import rows as statements

Changes = Mapping[str, tuple[Any, Any]]


class NotInTransaction(RuntimeError):
    """Raised when an action forgets its transaction: the leaf must commit with the change."""


def object_ref(obj: Model | tuple[str, str | int]) -> tuple[str, str]:
    if isinstance(obj, tuple):
        return obj[0], str(obj[1])
    return f"{obj._meta.app_label}.{obj._meta.model_name}", str(obj.pk)


def append(
    actor: Actor,
    action: str,
    obj: Model | tuple[str, str | int],
    *,
    changes: Changes | None = None,
    reason: str = "",
    confidential: Iterable[str] = (),
    detail: Mapping[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Leaf:
    """Append one leaf for `action` on `obj`, in the caller's transaction.

    `changes` maps field → (before, after). Fields named in `confidential` are written as
    digests only, so the ledger proves them without disclosing them. `at` is the action's moment
    when it has one (timezone-aware); the leaf's time is otherwise now.
    """
    # The connection itself, not the `connection` proxy: each attribute read through the proxy
    # looks the connection up again.
    connection = statements.db()
    if not connection.in_atomic_block:
        raise NotInTransaction(f"ledger.append({action!r}) must run inside the action's transaction")
    object_type, object_id = object_ref(obj)
    actor_id = actor.user.pk if actor.user is not None else None
    now = at or timezone.now()
    seq = _next_seq(connection.vendor)
    payload = {
        "seq": seq,
        "time": now.isoformat(),  # as `canonical.plain` writes a datetime
        # Ids, codes and names from columns of at most 150 characters, the channel's value and a
        # well-formed request id: plain JSON already, as `canonical.plain` would leave them.
        "actor": actor.describe(),
        "request_id": actor.request_id,
        # What the caller gives goes through `canonical.plain` (dates, long text, floats refused).
        "action": canonical.plain(action),
        "object": canonical.plain({"type": object_type, "id": object_id}),
        "changes": canonical.plain_changes(changes, set(confidential)) if changes else {},
        "reason": canonical.plain(reason),
    }
    if detail:
        payload["detail"] = canonical.plain(detail if type(detail) is dict else dict(detail))
    raw = canonical.encoded(payload)
    leaf_hash = merkle.leaf_hash(raw)
    data = raw.decode("utf-8")
    statements.execute(
        "INSERT INTO ledger_leaf (seq, recorded_at, action, object_type, object_id, actor_id, data, leaf_hash) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
        [
            seq,
            statements.moment(connection, now),
            action,
            object_type,
            object_id,
            actor_id,
            data,
            leaf_hash,
        ],
    )
    if (seq + 1) % BLOCK == 0:
        # This leaf completes a block: one read (the block's other leaf hashes and the stored
        # left siblings above it) and one insert of the nodes it completes. The other appends
        # touch no node (tree.py says why).
        new_nodes = merkle.nodes_completed_by_append(DbNodeStore(), seq, leaf_hash, lowest=BLOCK_LEVEL)
        statements.insert_values("ledger_node", ("level", "index", "hash"), new_nodes)
    return statements.saved(
        Leaf,
        seq=seq,
        recorded_at=now,
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor_id=actor_id,
        data=data,
        leaf_hash=leaf_hash,
    )


# On SQLite the ledger's size is the last leaf's number plus one (the sequence is the rowid).
_SQLITE_SIZE = "SELECT coalesce(max(seq) + 1, 0) FROM ledger_leaf"


def _next_seq(vendor: str) -> int:
    """The number of the leaf being appended: no gaps, no duplicates, a rollback gives it back."""
    if vendor == "sqlite":
        # The IMMEDIATE transaction holds the database's write lock from its start: the last
        # leaf's number is final until this one commits. Read from the end of the table's
        # b-tree (the sequence is its rowid), it costs no write, where the head row cost a
        # statement and a page of every action's commit. The head row is kept on PostgreSQL only.
        row = statements.fetchone(_SQLITE_SIZE)
    else:
        # One UPDATE takes the next number and the row lock that makes the other appenders wait
        # until this transaction ends. (A plain UPDATE, not the upsert, but for the first leaf:
        # the upsert's conflict path cost more than the update itself.)
        row = statements.fetchone("UPDATE ledger_head SET size = size + 1 WHERE id = 1 RETURNING size - 1")
        if row is None:  # the very first leaf (two first leaves at once: the upsert orders them)
            row = statements.fetchone(
                "INSERT INTO ledger_head (id, size) VALUES (1, 1) "
                "ON CONFLICT (id) DO UPDATE SET size = ledger_head.size + 1 RETURNING size - 1"
            )
    assert row is not None
    return int(row[0])


def size(*, lock: bool = False) -> int:
    """How many leaves the ledger has. With `lock`, inside a transaction, appends wait until it
    ends (on PostgreSQL the head row's lock; on SQLite the transaction's write lock does it)."""
    if statements.db().vendor == "sqlite":
        row = statements.fetchone(_SQLITE_SIZE)
    else:
        sql = (
            "SELECT size FROM ledger_head WHERE id = 1 FOR UPDATE"
            if lock
            else "SELECT size FROM ledger_head WHERE id = 1"
        )
        row = statements.fetchone(sql)
    return int(row[0]) if row is not None else 0


def appended_atomically(*args: Any, **kwargs: Any) -> Leaf:
    """For the rare caller whose action is only the leaf (a sensitive read, for example)."""
    with transaction.atomic():
        return append(*args, **kwargs)
