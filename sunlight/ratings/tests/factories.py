"""Concluded cases to rate, built through the case actions on the shared personas' district."""

from __future__ import annotations

from typing import Any

from sunlight.cases import actions
from sunlight.cases.models import Case
from sunlight.cases.tests.factories import published, start
from sunlight.ledger.actor import Actor
from sunlight.processes.models import ProcessDefinition
from sunlight.test import PersonaFields


def conclude(
    personas: PersonaFields, definition: ProcessDefinition | None = None, *, approve: bool = True
) -> tuple[Case, str]:
    """A case of 区财政局 taken from the window to its decision; returns it and its query code."""
    definition = definition or published()
    case, code = start(Actor.of(personas.clerk), definition)
    actions.complete_step(
        Actor.of(personas.clerk), case.steps.get(node_id="accept"), values={"amount": 120000, "copies": 5}
    )
    actions.complete_step(Actor.of(personas.chief), case.steps.get(node_id="review"), values={})
    decision: dict[str, Any] = (
        {"decision": "approve"} if approve else {"decision": "refuse", "reason": "票据用途不明"}
    )
    actions.complete_step(Actor.of(personas.leader), case.steps.get(node_id="decide"), values={}, **decision)
    if approve:
        actions.complete_step(Actor.of(personas.clerk), case.steps.get(node_id="issue"), values={})
    case.refresh_from_db()
    return case, code
