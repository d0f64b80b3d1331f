"""Every URL × every persona, against the committed table (sunlight/tests/authz_expected.json).

A difference fails the test and is printed; an intended change is written with
`AUTHZ_WRITE=1 .venv/bin/pytest sunlight/tests/test_authorization_matrix.py` and reviewed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sunlight.tests.authz import PERSONAS, client_for, expand, outcome, routes, world

EXPECTED = Path(__file__).with_name("authz_expected.json")


_computed: dict[str, dict[str, str]] = {}


@pytest.fixture
def matrix(db: None) -> dict[str, dict[str, str]]:
    """Every route opened by every persona; computed once per run, in the test database."""
    if not _computed:
        w = world()
        clients = {persona: client_for(persona, w) for persona in PERSONAS}
        for route in sorted(routes(), key=lambda r: r.name):
            path = expand(route, w)
            key = f"{route.name} {route.template}"
            if path is None:
                _computed[key] = {"*": "unresolved"}
                continue
            _computed[key] = {persona: outcome(clients[persona], path) for persona in PERSONAS}
    return _computed


def test_it_matches_the_committed_authorization_table(matrix: dict[str, dict[str, str]]) -> None:
    if os.environ.get("AUTHZ_WRITE"):
        EXPECTED.write_text(
            json.dumps(matrix, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    differences = [
        f"{url}: expected {expected.get(url)}, got {got}"
        for url, got in matrix.items()
        if expected.get(url) != got
    ] + [f"{url}: in the table but no longer a URL" for url in expected if url not in matrix]
    assert not differences, "\n".join(differences[:40])


def test_it_never_fails_with_a_server_error(matrix: dict[str, dict[str, str]]) -> None:
    errors = [
        f"{url} {persona}"
        for url, row in matrix.items()
        for persona, got in row.items()
        if got.startswith("ERROR")
    ]
    assert not errors, errors


def test_it_keeps_the_invariants(matrix: dict[str, dict[str, str]]) -> None:
    case_pages = [
        row
        for url, row in matrix.items()
        if url.startswith(("cases:detail ", "cases:step ", "api:case_detail "))
    ]
    assert case_pages
    for row in case_pages:
        # Another unit's clerk, administrators and anonymous visitors never read a case.
        assert row["outsider"] != "ok" and row["admin"] != "ok" and row["anonymous"] != "ok", row
        # An inspector reads it only with the supervision key.
        assert row["inspector_no_key"] != "ok", row
    console = next(row for url, row in matrix.items() if url.startswith("supervision:console "))
    assert (
        console["inspector"] == "ok" and console["inspector_no_key"] == "2fa" and console["clerk"] == "deny"
    )
    manage = next(row for url, row in matrix.items() if url.startswith("orgs:manage "))
    assert manage["admin"] == "ok" and manage["clerk"] == "deny" and manage["inspector"] == "deny"
