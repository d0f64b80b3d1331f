"""Process documents and cases for tests, built on the shared personas' district."""

from __future__ import annotations

import copy
from typing import Any

from sunlight.cases import actions
from sunlight.cases.models import Case
from sunlight.ledger.actor import Actor
from sunlight.processes import actions as process_actions
from sunlight.processes.models import ProcessDefinition
from sunlight.test import system

# 区财政局: window clerk → section chief review → leader decides → clerk issues.
PERMIT: dict[str, Any] = {
    "schema": "sunlight-process/1",
    "code": "CZJ-TEST",
    "name": "财政票据领购审批",
    "owner": "CZJ",
    "total_limit": 10,
    "stages": [{"id": "intake", "name": "受理"}, {"id": "review", "name": "审查决定"}],
    "nodes": [
        {"id": "start", "type": "start"},
        {
            "id": "accept",
            "type": "task",
            "stage": "intake",
            "name": "窗口受理",
            "limit": 1,
            "post": {"org": "owner", "kind": "clerk", "office": "行政审批股"},
            "form": [
                {"name": "amount", "label": "金额", "type": "money", "required": True},
                {
                    "name": "copies",
                    "label": "份数",
                    "type": "integer",
                    "required": True,
                    "min": 1,
                    "max": 100,
                },
            ],
        },
        {
            "id": "review",
            "type": "task",
            "stage": "review",
            "name": "股长审查",
            "limit": 3,
            "post": {"org": "owner", "kind": "section_chief", "office": "行政审批股"},
        },
        {
            "id": "decide",
            "type": "task",
            "stage": "review",
            "name": "分管领导审批",
            "limit": 3,
            "post": {"org": "owner", "kind": "leader_in_charge"},
            "decision": True,
        },
        {"id": "decided", "type": "exclusive", "name": "是否准予"},
        {
            "id": "issue",
            "type": "task",
            "stage": "review",
            "name": "发证",
            "limit": 1,
            "post": {"org": "owner", "kind": "clerk", "office": "行政审批股"},
        },
        {"id": "approved", "type": "end", "outcome": "approved"},
        {"id": "refused", "type": "end", "outcome": "refused"},
    ],
    "flows": [
        {"from": "start", "to": "accept"},
        {"from": "accept", "to": "review"},
        {"from": "review", "to": "decide"},
        {"from": "decide", "to": "decided"},
        {"from": "decided", "to": "issue", "when": "decision == 'approve'"},
        {"from": "decided", "to": "refused", "default": True},
        {"from": "issue", "to": "approved"},
    ],
    "suspensions": [
        {
            "code": "expert_review",
            "name": "专家评审",
            "max_days": 30,
            "basis": "《中华人民共和国行政许可法》第四十五条",
        }
    ],
    "extension": {
        "max_days": 10,
        "approver": {"org": "owner", "kind": "head"},
        "basis": "《中华人民共和国行政许可法》第四十二条",
    },
}


def document(**changes: Any) -> dict[str, Any]:
    doc = copy.deepcopy(PERMIT)
    doc.update(changes)
    return doc


def published(doc: dict[str, Any] | None = None) -> ProcessDefinition:
    draft = process_actions.save_draft(system(), doc or document())
    return process_actions.publish(system(), draft)


APPLICANT = actions.ApplicantData(
    kind="person", name="张建华", id_number="430122198801011234", phone="13807310099"
)


def start(actor: Actor, definition: ProcessDefinition, **kwargs: Any) -> tuple[Case, str]:
    fields: dict[str, Any] = {
        "definition": definition,
        "subject": "领购财政票据",
        "applicant": APPLICANT,
        "acknowledged_risks": [],
        "acknowledged": True,
    } | kwargs
    return actions.start_case(actor, **fields)
