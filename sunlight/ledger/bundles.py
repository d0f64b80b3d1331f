"""Offline verification bundles: one object's leaves, their proofs, a signed checkpoint, the key.

`tools/verify_bundle.py` checks a bundle with the standard library and a signature library
only, without the database: an auditor can verify a case's trail on a machine of their own.
"""

from __future__ import annotations

import json
from typing import Any

from sunlight.ledger import checkpoints, merkle
from sunlight.ledger.keys import trusted_public_keys
from sunlight.ledger.models import Leaf
from sunlight.ledger.tree import DbNodeStore
from sunlight.lib import signing

FORMAT = "sunlight-ledger-bundle/1"


def bundle_for(object_type: str, object_id: str) -> dict[str, Any]:
    leaves = list(Leaf.objects.about(object_type, object_id).order_by("seq"))
    if not leaves:
        raise LookupError(f"the ledger has nothing about {object_type} {object_id}")
    checkpoint = checkpoints.covering(leaves[-1].seq)
    suite, public = trusted_public_keys()[checkpoint.key_id]
    store = DbNodeStore()
    return {
        "format": FORMAT,
        "origin": checkpoint.origin,
        "hash": "sm3",
        "suite": suite,
        "public_key": signing.encode_public_key(suite, public).split(":", 1)[1],
        "object": {"type": object_type, "id": object_id},
        "checkpoint": {
            "origin": checkpoint.origin,
            "size": checkpoint.size,
            "root": checkpoint.root,
            "time": checkpoint.signed_at,
            "signature": checkpoint.signature,
        },
        "leaves": [
            {
                "index": leaf.seq,
                "leaf": leaf.data,
                "proof": [p.hex() for p in merkle.inclusion_proof(store, leaf.seq, checkpoint.size)],
            }
            for leaf in leaves
        ],
    }


def bundle_json(object_type: str, object_id: str) -> str:
    return json.dumps(bundle_for(object_type, object_id), ensure_ascii=False, indent=1)
