"""Who may deliver evidence for which unit and case, and who may read it.

Enforcement cases are the cases of a process whose code ends in `-XZCF` (行政处罚), e.g.
`ZHZF-XZCF`. Officers are the people holding a business post (clerk, section chief, leader,
head) of the case's unit, or acting in one by delegation. Inspectors read what their
jurisdiction covers; administrators read nothing here (separation of duties).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sunlight.accounts.models import User
from sunlight.cases import queries as case_queries
from sunlight.cases.models import Case, CaseQuerySet
from sunlight.enforcement.models import Evidence
from sunlight.orgs import authority
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import PostKind

PROCESS_SUFFIX = "-XZCF"
DECISION_NODE = "decide"
EVIDENCE_NODE = "investigate"
OFFICER_POST_KINDS = (PostKind.CLERK, PostKind.SECTION_CHIEF, PostKind.LEADER_IN_CHARGE, PostKind.HEAD)


def enforcement_cases() -> CaseQuerySet:
    return Case.objects.filter(definition__code__endswith=PROCESS_SUFFIX)


def is_enforcement_case(case: Case) -> bool:
    return case.definition.code.endswith(PROCESS_SUFFIX)


def officer_standing(user: User, unit_id: int) -> Standing | None:
    """The person's standing in a business post of the unit: by assignment, else by delegation."""
    for assignment in authority.current_assignments(user):
        post = assignment.post
        if post.organisation.unit_id == unit_id and post.kind in OFFICER_POST_KINDS:
            return Standing(post=post, assignment=assignment)
    for delegation in authority.active_delegations(user):
        post = delegation.post
        if post.organisation.unit_id == unit_id and post.kind in OFFICER_POST_KINDS:
            return Standing(post=post, delegation=delegation)
    return None


def home_standing(user: User) -> Standing | None:
    """The post a person records unattached evidence in (a site check-in photo): their first
    business post, or their inspector post."""
    for assignment in authority.current_assignments(user):
        if assignment.post.kind in (*OFFICER_POST_KINDS, PostKind.INSPECTOR):
            return Standing(post=assignment.post, assignment=assignment)
    return None


def officer_unit_ids(user: User) -> set[int]:
    return {
        a.post.organisation.unit_id
        for a in authority.current_assignments(user)
        if a.post.kind in OFFICER_POST_KINDS and a.post.organisation.unit_id is not None
    }


def readable_evidence(user: User, *, inspector: bool) -> QuerySet[Evidence]:
    """Evidence of the cases the person may read, and unattached evidence of their units."""
    cases = case_queries.readable_cases(user, inspector=inspector).values("pk")
    units: set[int] | None = {
        a.post.organisation.unit_id
        for a in authority.current_assignments(user)
        if a.post.organisation.unit_id is not None
    }
    if inspector:
        supervised = authority.supervised_unit_ids(user)
        units = None if supervised is None else (units or set()) | supervised
    own = Q(officer=user) | Q(uploaded_by=user)
    loose = Q(case__isnull=True) & (Q() if units is None else Q(unit_id__in=units))
    found: Any = Evidence.objects.filter(Q(case__in=cases) | loose | own)
    return found  # type: ignore[no-any-return]
