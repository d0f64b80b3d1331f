"""Saving and publishing process definitions. Published versions never change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.canonical import digest, dumps
from sunlight.ledger.refusals import records_refusals
from sunlight.orgs.actions import require_admin
from sunlight.orgs.models import Organisation
from sunlight.processes import definition as defs
from sunlight.processes.models import DefinitionState, ProcessDefinition
from sunlight.processes.posts import check_posts

# The power list supplies statutory limits once it knows the power; until then a definition
# is checked against its own total limit only.
StatutoryLimit = int | None


def statutory_limit_of(power_code: str) -> StatutoryLimit:
    try:
        from sunlight.powers.lookup import statutory_workdays  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    result = statutory_workdays(power_code)
    return int(result) if result is not None else None


def check_checkpoints(graph: defs.Definition) -> list[str]:
    """Every checkpoint a step names must be a rule of its kind (an unknown one would block it)."""
    from sunlight.checkpoints.engine import NodeKind, undefined_rule_codes

    problems = []
    for node in graph.tasks:
        if node.checkpoints:
            kind = NodeKind.ADMINISTRATIVE_APPROVAL if node.decision else NodeKind.STEP_COMPLETION
            for code in undefined_rule_codes(kind, list(node.checkpoints)):
                problems.append(
                    _("Step %(step)s names the checkpoint %(code)s, which is not a rule for %(kind)s.")
                    % {"step": node.name or node.id, "code": code, "kind": kind.label}
                )
    return problems


def check(document: dict[str, Any]) -> defs.Definition:
    """Parse and check a document; raise ValidationError listing every problem."""
    try:
        graph = defs.parse(document)
    except defs.InvalidDefinition as exc:
        raise ValidationError({"document": exc.problems}) from exc
    problems = defs.check_structure(graph)
    if not problems:
        problems = check_posts(graph) + defs.check_limits(graph, statutory_limit_of(graph.power))
        problems += check_checkpoints(graph)
    if problems:
        raise ValidationError({"document": problems})
    return graph


@records_refusals
def save_draft(actor: Actor, document: dict[str, Any]) -> ProcessDefinition:
    """Save a checked document as the draft of its code (a new version after a published one)."""
    require_admin(actor, "processes.save_draft", ("processes.definition", str(document.get("code", ""))))
    graph = check(document)
    owner = Organisation.objects.units().get(abbr=graph.owner)
    with transaction.atomic():
        draft = (
            ProcessDefinition.objects.select_for_update()
            .filter(code=graph.code, state=DefinitionState.DRAFT)
            .first()
        )
        if draft is None:
            latest = ProcessDefinition.objects.filter(code=graph.code).aggregate(v=Max("version"))["v"] or 0
            draft = ProcessDefinition(code=graph.code, version=latest + 1, created_by=actor.user)
        before = digest(dumps(draft.document)) if draft.pk else None
        draft.name, draft.owner, draft.power_code = graph.name, owner, graph.power
        draft.total_limit, draft.document = graph.total_limit, document
        draft.save()
        append(
            actor,
            "processes.save_draft",
            draft,
            changes={"document": (before, digest(dumps(document))), "version": (None, draft.version)},
        )
    return draft


@records_refusals
def publish(actor: Actor, draft: ProcessDefinition, *, reason: str = "") -> ProcessDefinition:
    """Publish a draft; the previously published version retires (its cases keep running on it)."""
    require_admin(actor, "processes.publish", draft)
    if draft.state != DefinitionState.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    check(draft.document)  # posts or the power may have changed since the draft was saved
    with transaction.atomic():
        for old in ProcessDefinition.objects.select_for_update().filter(
            code=draft.code, state=DefinitionState.PUBLISHED
        ):
            old.state = DefinitionState.RETIRED
            old.save(update_fields=["state"])
            append(
                actor,
                "processes.retire",
                old,
                changes={"state": (DefinitionState.PUBLISHED, DefinitionState.RETIRED)},
            )
        draft.state, draft.published_at, draft.published_by = (
            DefinitionState.PUBLISHED,
            timezone.now(),
            actor.user,
        )
        draft.save(update_fields=["state", "published_at", "published_by"])
        append(
            actor,
            "processes.publish",
            draft,
            reason=reason,
            changes={"state": (DefinitionState.DRAFT, DefinitionState.PUBLISHED)},
            detail={"document": digest(dumps(draft.document))},
        )
    return draft
