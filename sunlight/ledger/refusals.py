"""Refused attempts: an action that is not allowed is stopped, and the attempt is recorded.

The refusal leaf is written after the action's own transaction has rolled back, so the
attempt survives while everything the action began does not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model

from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Leaf

P = ParamSpec("P")
R = TypeVar("R")

# Callbacks run after a refusal is recorded (the alarms app registers one to raise alarms).
_listeners: list[Callable[[Actor, Refused, Leaf], None]] = []


class Refused(PermissionDenied):
    """An attempt the rules do not allow (越权, 代劳, a second factor missing, ...)."""

    def __init__(
        self,
        message: str,
        *,
        action: str,
        obj: Model | tuple[str, str | int],
        kind: str = "authority",
        unit_id: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.action = action
        self.obj = obj
        self.kind = kind
        self.unit_id = unit_id  # the unit whose monitoring centre and inspectors must see it
        self.detail = detail or {}  # e.g. the checkpoint rules that blocked, with their inputs


def on_refusal(listener: Callable[[Actor, Refused, Leaf], None]) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def record_refusal(actor: Actor, refusal: Refused) -> None:
    from sunlight.ledger.actions import append

    with transaction.atomic():
        leaf = append(
            actor,
            "refused",
            refusal.obj,
            reason=str(refusal.message),
            detail={"attempted": refusal.action, "kind": refusal.kind, **refusal.detail},
        )
        for listener in _listeners:
            listener(actor, refusal, leaf)


def records_refusals(fn: Callable[P, R]) -> Callable[P, R]:
    """Wrap an action whose first argument is the Actor: a Refused it raises gets recorded."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except Refused as refusal:
            actor = args[0] if args else kwargs.get("actor")
            if isinstance(actor, Actor):
                record_refusal(actor, refusal)
            raise

    return wrapper
