"""Ledger pages: an object's full trail for inspectors, the ledger's health, the public key."""

from __future__ import annotations

import json
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control

from sunlight.ledger import checkpoints
from sunlight.ledger.actions import appended_atomically, size
from sunlight.ledger.actor import Actor
from sunlight.ledger.bundles import bundle_json
from sunlight.ledger.keys import signing_key
from sunlight.ledger.labels import action_label
from sunlight.ledger.models import Leaf, Verification
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Role


def _entry(leaf: Leaf) -> dict[str, Any]:
    data = json.loads(leaf.data)
    actor = data.get("actor") or {}
    return {
        "seq": leaf.seq,
        "time": leaf.recorded_at,
        "label": action_label(leaf.action),
        "action": leaf.action,
        "person": (actor.get("person") or {}).get("name"),
        "post": (actor.get("post") or {}).get("name"),
        "organisation": (actor.get("organisation") or {}).get("name"),
        "delegation": actor.get("delegation"),
        "channel": actor.get("channel"),
        "changes": data.get("changes") or {},
        "reason": data.get("reason", ""),
        "detail": data.get("detail") or {},
    }


@role_required(Role.SUPERVISION)
def trail(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    leaves = list(Leaf.objects.about(object_type, object_id).order_by("seq"))
    if not leaves:
        raise Http404
    # Reading someone's full trail is itself recorded.
    appended_atomically(Actor.from_request(request), "ledger.read_trail", (object_type, object_id))
    return render(
        request,
        "ledger/trail.html",
        {"object_type": object_type, "object_id": object_id, "entries": [_entry(leaf) for leaf in leaves]},
    )


@role_required(Role.SUPERVISION)
def bundle(request: HttpRequest, object_type: str, object_id: str) -> HttpResponse:
    try:
        text = bundle_json(object_type, object_id)
    except LookupError:
        raise Http404 from None
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    name = f"sunlight-bundle-{object_type}-{object_id}.json".replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(Role.SUPERVISION, Role.ADMINISTRATION)
def health(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ledger/health.html",
        {
            "size": size(),
            "checkpoint": checkpoints.latest(),
            "verification": Verification.objects.order_by("-started_at").first(),
            "failures": Verification.objects.filter(outcome="failed").order_by("-started_at")[:10],
            "public_key": signing_key().public_text,
        },
    )


@cache_control(max_age=60, public=True)
def public_key(request: HttpRequest) -> HttpResponse:
    """The key that signs checkpoints, and the latest checkpoint: anyone may keep copies."""
    key = signing_key()
    checkpoint = checkpoints.latest()
    return JsonResponse(
        {
            "public_key": key.public_text,
            "key_id": key.key_id,
            "checkpoint": None
            if checkpoint is None
            else {
                "origin": checkpoint.origin,
                "size": checkpoint.size,
                "root": checkpoint.root,
                "time": checkpoint.signed_at,
                "signature": checkpoint.signature,
                "key_id": checkpoint.key_id,
            },
        }
    )
