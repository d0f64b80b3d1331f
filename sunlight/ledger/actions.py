"""Appending to the ledger: the one write every other action makes, inside its transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from sunlight.ledger import canonical, merkle
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Head, Leaf, Node

Changes = Mapping[str, tuple[Any, Any]]


class NotInTransaction(RuntimeError):
    """Raised when an action forgets its transaction: the leaf must commit with the change."""


class DbNodeStore:
    """The Merkle node store backed by the `Node` table."""

    def get(self, level: int, index: int) -> bytes:
        return bytes(Node.objects.values_list("hash", flat=True).get(level=level, index=index))

    def get_many(self, keys: Iterable[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        wanted = list(keys)
        if not wanted:
            return {}
        from django.db.models import Q

        query = Q()
        for level, index in wanted:
            query |= Q(level=level, index=index)
        return {
            (level, index): bytes(h)
            for level, index, h in Node.objects.filter(query).values_list("level", "index", "hash")
        }


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
) -> Leaf:
    """Append one leaf for `action` on `obj`, in the caller's transaction.

    `changes` maps field → (before, after). Fields named in `confidential` are written as
    digests only, so the ledger proves them without disclosing them.
    """
    if not connection.in_atomic_block:
        raise NotInTransaction(f"ledger.append({action!r}) must run inside the action's transaction")
    hidden = set(confidential)
    changed = {
        field: (
            [
                canonical.digest(str(before)) if before is not None else None,
                canonical.digest(str(after)) if after is not None else None,
            ]
            if field in hidden
            else [before, after]
        )
        for field, (before, after) in (changes or {}).items()
    }
    object_type, object_id = object_ref(obj)
    # The row lock on Head serialises appenders (PostgreSQL); on SQLite the IMMEDIATE
    # transaction already holds the database write lock. Either way the sequence number is
    # read and bumped by one writer at a time and rolls back with the action: no gaps.
    head, _ = Head.objects.select_for_update().get_or_create(id=1)
    seq = head.size
    now = timezone.now()
    payload = {
        "seq": seq,
        "time": now,
        "actor": actor.describe(),
        "request_id": actor.request_id,
        "action": action,
        "object": {"type": object_type, "id": object_id},
        "changes": changed,
        "reason": reason,
    }
    if detail:
        payload["detail"] = dict(detail)
    data = canonical.dumps(payload)
    leaf_hash = merkle.leaf_hash(data.encode("utf-8"))
    leaf = Leaf.objects.create(
        seq=seq,
        recorded_at=now,
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor_id=actor.user.pk if actor.user is not None else None,
        data=data,
        leaf_hash=leaf_hash,
    )
    new_nodes = merkle.nodes_completed_by_append(DbNodeStore(), seq, leaf_hash)
    Node.objects.bulk_create(Node(level=lv, index=ix, hash=h) for lv, ix, h in new_nodes)
    Head.objects.filter(id=1).update(size=seq + 1)
    return leaf


def appended_atomically(*args: Any, **kwargs: Any) -> Leaf:
    """For the rare caller whose action is only the leaf (a sensitive read, for example)."""
    with transaction.atomic():
        return append(*args, **kwargs)
