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


# Pages and API reads open to anyone: the public portal, the published power list, ratings and
# satisfaction, reporting, document verification, public keys and statistics. A new public URL
# is added here on purpose. (`api:create_power` is POST /powers; its GET is the public list.)
PUBLIC = {
    "home",
    "accounts:login",
    "operations:ping",
    "ledger:public_key",
    "cases:query",
    "portal:services",
    "portal:query",
    "portal:kiosk",
    "portal:kiosk_query",
    "portal:kiosk_rate",
    "portal:kiosk_satisfaction",
    "powers:index",
    "powers:guide",
    "powers:guide_pdf",
    "powers:history",
    "powers:version_public",
    "processes:schema",
    "processes:svg",
    "ratings:rate",
    "ratings:satisfaction",
    "reports:new",
    "reports:follow",
    "risks:statistics",
    "assessments:published",
    "documents:ca",
    "documents:verify",
    "documents:verify_number",
    "api:openapi-json",
    "api:openapi-view",
    "api:power_list",
    "api:create_power",
    "api:power_detail",
    "api:power_versions",
    "api:document",
    "api:satisfaction",
    "api:statistics",
    "api:published",
}
# What 区财政局 keeps to itself and the commission: a case, an alarm, a rating and its appeal,
# a draft power version, the risk register and plan, notices to its leaders.
UNIT_PRIVATE = (
    "cases:detail",
    "cases:step",
    "api:case_detail",
    "alarms:detail",
    "api:alarm_detail",
    "ratings:detail",
    "ratings:appeal",
    "powers:version",
    "api:version_detail",
    "risks:point",
    "risks:plan",
    "notifications:notice",
)
# The commission's own work: whistleblowing reports, patrols, spot checks, penalty evidence.
SUPERVISION_ONLY = (
    "reports:detail",
    "reports:attachment",
    "supervision:patrol",
    "supervision:spot_check",
    "supervision:check_item",
    "enforcement:evidence",
    "enforcement:evidence_file",
    "api:evidence_detail",
)
ADMIN_PAGES = (
    "orgs:manage",
    "orgs:people",
    "orgs:person_new",
    "orgs:post_new",
    "orgs:organisation",
    "orgs:organisation_new",
    "orgs:assignment_new",
    "orgs:import_export",
    "orgs:export",
    "calendars:new",
    "calendars:import",
    "checkpoints:rule_new",
    "checkpoints:benchmark_new",
    "processes:edit",
    "funds:setup",
    "enforcement:devices",
)
STAFF = ("clerk", "outsider", "chief", "head", "monitor")


def rows_of(matrix: dict[str, dict[str, str]], *names: str) -> list[dict[str, str]]:
    """The rows of these URL names, each of which must be in the matrix and resolved."""
    found = {name: [row for url, row in matrix.items() if url.split(" ", 1)[0] == name] for name in names}
    unchecked = [name for name, rows in found.items() if not rows or {"*": "unresolved"} in rows]
    assert not unchecked, f"not in the matrix, or unresolved: {unchecked}"
    return [row for rows in found.values() for row in rows]


def test_it_keeps_the_invariants(matrix: dict[str, dict[str, str]]) -> None:
    public = {url for url, row in matrix.items() if row.get("anonymous") == "ok"}
    assert {url.split(" ", 1)[0] for url in public} <= PUBLIC, sorted(public)
    for row in rows_of(matrix, *UNIT_PRIVATE):
        # Another unit's clerk, administrators and anonymous visitors never read them; an
        # inspector reads them only with the supervision key.
        assert "ok" not in (row["outsider"], row["admin"], row["anonymous"], row["inspector_no_key"]), row
    for row in rows_of(matrix, *SUPERVISION_ONLY):
        assert [p for p, got in row.items() if got == "ok"] == ["inspector"], row
    for row in rows_of(matrix, *ADMIN_PAGES):
        assert row["admin"] == "ok" and all(row[p] != "ok" for p in (*STAFF, "inspector")), row
    for url, row in matrix.items():
        # Without the supervision key an inspector gets no more than any member of staff.
        if row.get("inspector_no_key") == "ok" and not url.startswith("accounts:"):
            assert row["clerk"] == "ok" or row["anonymous"] == "ok", url
    console = next(row for url, row in matrix.items() if url.startswith("supervision:console "))
    assert (
        console["inspector"] == "ok" and console["inspector_no_key"] == "2fa" and console["clerk"] == "deny"
    )
