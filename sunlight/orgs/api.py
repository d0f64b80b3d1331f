"""API for organisations, posts, people, assignments, delegations and the Excel register."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import AccountKind, User
from sunlight.api import Error, FieldErrors, require_role
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs import actions, authority, excel
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import (
    CodeScheme,
    Delegation,
    Organisation,
    OrgKind,
    Post,
    PostKind,
    Role,
)

router = Router(tags=["organisations"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


def _actor(request: HttpRequest) -> Actor:
    return Actor.from_request(request, Channel.API)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


class PostOut(Schema):
    code: str
    name: str
    kind: PostKind
    organisation: str

    @staticmethod
    def of(post: Post) -> PostOut:
        return PostOut(
            code=post.code, name=post.name, kind=PostKind(post.kind), organisation=post.organisation.code
        )


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[Role]
    posts: list[PostOut]
    second_factor_verified: bool


@router.get("/me", response={200: MeOut, 401: Error}, summary="Who am I: roles and posts held today")
def me(request: HttpRequest) -> MeOut:
    user = _user(request)
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        roles=sorted(request_roles(request)),
        posts=[PostOut.of(p) for p in authority.current_posts(user)],
        second_factor_verified=is_verified(request),
    )


class OrganisationOut(Schema):
    code: str
    code_scheme: CodeScheme
    name: str
    abbr: str
    kind: OrgKind
    parent: str | None

    @staticmethod
    def of(org: Organisation) -> OrganisationOut:
        return OrganisationOut(
            code=org.code,
            code_scheme=CodeScheme(org.code_scheme),
            name=org.name,
            abbr=org.abbr,
            kind=OrgKind(org.kind),
            parent=org.parent.code if org.parent else None,
        )


class OrganisationDetail(OrganisationOut):
    offices: list[OrganisationOut]
    posts: list[PostOut]


@router.get(
    "/organisations", response={200: list[OrganisationOut], 401: Error}, summary="The district's units"
)
def organisations(request: HttpRequest, include_offices: bool = False) -> list[OrganisationOut]:
    qs = Organisation.objects.select_related("parent").order_by("sort", "code")
    if not include_offices:
        qs = qs.exclude(kind=OrgKind.OFFICE)
    return [OrganisationOut.of(o) for o in qs]


@router.get("/organisations/{code}", response={200: OrganisationDetail, **ERRORS})
def organisation(request: HttpRequest, code: str) -> OrganisationDetail:
    org = get_object_or_404(Organisation.objects.select_related("parent"), code=code)
    base = OrganisationOut.of(org)
    return OrganisationDetail(
        **base.model_dump(),
        offices=[OrganisationOut.of(o) for o in org.children.select_related("parent").order_by("sort")],
        posts=[
            PostOut.of(p)
            for p in Post.objects.filter(organisation__unit=org.unit or org).select_related("organisation")
        ],
    )


class OrganisationIn(Schema):
    code: str
    code_scheme: CodeScheme
    name: str
    kind: OrgKind
    parent: str | None = None
    abbr: str = ""
    sort: int = 0


@router.post(
    "/organisations", response={201: OrganisationOut, **ERRORS}, summary="Create an organisation (admins)"
)
def create_organisation(request: HttpRequest, body: OrganisationIn) -> Status[OrganisationOut]:
    require_role(request, Role.ADMINISTRATION)
    parent = get_object_or_404(Organisation, code=body.parent) if body.parent else None
    org = actions.create_organisation(
        _actor(request),
        code=body.code,
        code_scheme=body.code_scheme,
        name=body.name,
        kind=body.kind,
        parent=parent,
        abbr=body.abbr,
        sort=body.sort,
    )
    return Status(201, OrganisationOut.of(org))


class PostIn(Schema):
    organisation: str
    code: str
    name: str
    kind: PostKind
    jurisdiction: list[str] = []


@router.post("/posts", response={201: PostOut, **ERRORS}, summary="Create a post (admins)")
def create_post(request: HttpRequest, body: PostIn) -> Status[PostOut]:
    require_role(request, Role.ADMINISTRATION)
    org = get_object_or_404(Organisation, code=body.organisation)
    units = list(Organisation.objects.filter(code__in=body.jurisdiction))
    post = actions.create_post(
        _actor(request), organisation=org, code=body.code, name=body.name, kind=body.kind, jurisdiction=units
    )
    return Status(201, PostOut.of(post))


class PersonOut(Schema):
    username: str
    full_name: str
    phone: str
    posts: list[PostOut]


@router.get("/people", response={200: list[PersonOut], **ERRORS}, summary="Staff (admins and inspectors)")
def people(request: HttpRequest, q: str = "", limit: int = 50) -> list[PersonOut]:
    require_role(request, Role.ADMINISTRATION, Role.SUPERVISION)
    qs = User.objects.filter(kind=AccountKind.PERSON).order_by("username")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q))
    found = list(qs[: max(1, min(limit, 200))])
    return [
        PersonOut(
            username=p.username,
            full_name=p.full_name,
            phone=p.masked_phone,
            posts=[PostOut.of(post) for post in authority.current_posts(p)],
        )
        for p in found
    ]


class PersonIn(Schema):
    username: str
    full_name: str
    phone: str = ""
    email: str = ""


@router.post("/people", response={201: PersonOut, **ERRORS}, summary="Create a person (admins)")
def create_person(request: HttpRequest, body: PersonIn) -> Status[PersonOut]:
    require_role(request, Role.ADMINISTRATION)
    person = account_actions.create_person(
        _actor(request), username=body.username, full_name=body.full_name, phone=body.phone, email=body.email
    )
    return Status(
        201,
        PersonOut(username=person.username, full_name=person.full_name, phone=person.masked_phone, posts=[]),
    )


class AssignmentIn(Schema):
    username: str
    post: str
    valid_from: dt.date
    valid_until: dt.date | None = None
    reason: str = ""


class AssignmentOut(Schema):
    id: int
    username: str
    post: str
    valid_from: dt.date
    valid_until: dt.date | None


@router.post("/assignments", response={201: AssignmentOut, **ERRORS}, summary="Assign a post (admins)")
def create_assignment(request: HttpRequest, body: AssignmentIn) -> Status[AssignmentOut]:
    require_role(request, Role.ADMINISTRATION)
    person = get_object_or_404(User, username=body.username)
    post = get_object_or_404(Post, code=body.post)
    a = actions.assign_post(
        _actor(request),
        person=person,
        post=post,
        valid_from=body.valid_from,
        valid_until=body.valid_until,
        reason=body.reason,
    )
    return Status(
        201,
        AssignmentOut(
            id=a.pk,
            username=person.username,
            post=post.code,
            valid_from=a.valid_from,
            valid_until=a.valid_until,
        ),
    )


class DelegationIn(Schema):
    post: str
    grantee: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str


class DelegationOut(Schema):
    id: int
    post: str
    grantor: str
    grantee: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    reason: str
    revoked_at: dt.datetime | None
    in_force: bool

    @staticmethod
    def of(d: Delegation) -> DelegationOut:
        return DelegationOut(
            id=d.pk,
            post=d.post.code,
            grantor=d.grantor.username,
            grantee=d.grantee.username,
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            reason=d.reason,
            revoked_at=d.revoked_at,
            in_force=d.is_active(),
        )


@router.get("/delegations", response={200: list[DelegationOut], **ERRORS}, summary="Delegations I may see")
def delegations(request: HttpRequest) -> list[DelegationOut]:
    """Your own (granted or received); inspectors see every delegation in their jurisdiction."""
    user = _user(request)
    qs = Delegation.objects.select_related("post", "grantor", "grantee").order_by("-starts_at")
    visible = Q(grantor=user) | Q(grantee=user)
    if Role.SUPERVISION in request_roles(request) and is_verified(request):
        units = authority.supervised_unit_ids(user)
        visible |= Q(pk__isnull=False) if units is None else Q(post__organisation__unit_id__in=units)
    return [DelegationOut.of(d) for d in qs.filter(visible)[:500]]


@router.post(
    "/delegations", response={201: DelegationOut, **ERRORS}, summary="Grant a delegation (unit leaders)"
)
def grant_delegation(request: HttpRequest, body: DelegationIn) -> Status[DelegationOut]:
    post = get_object_or_404(Post.objects.select_related("organisation"), code=body.post)
    grantee = get_object_or_404(User, username=body.grantee)
    d = actions.grant_delegation(
        _actor(request),
        post=post,
        grantee=grantee,
        starts_at=body.starts_at,
        ends_at=body.ends_at,
        reason=body.reason,
    )
    return Status(201, DelegationOut.of(d))


class RevokeIn(Schema):
    reason: str


@router.post("/delegations/{delegation_id}/revoke", response={200: DelegationOut, **ERRORS})
def revoke_delegation(request: HttpRequest, delegation_id: int, body: RevokeIn) -> DelegationOut:
    d = get_object_or_404(Delegation.objects.select_related("post__organisation"), pk=delegation_id)
    return DelegationOut.of(actions.revoke_delegation(_actor(request), d, reason=body.reason))


class ImportErrorOut(Schema):
    sheet: str
    row: int
    column: str
    message: str


class ImportOut(Schema):
    ok: bool
    created: dict[str, int]
    errors: list[ImportErrorOut]


@router.post(
    "/register/import", response={200: ImportOut, **ERRORS}, summary="Import the Excel register (admins)"
)
def import_register(request: HttpRequest, file: File[UploadedFile]) -> ImportOut:
    require_role(request, Role.ADMINISTRATION)
    report = excel.import_workbook(_actor(request), file)
    return ImportOut(
        ok=report.ok,
        created=report.created,
        errors=[
            ImportErrorOut(sheet=e.sheet, row=e.row, column=e.column, message=e.message)
            for e in report.errors
        ],
    )


@router.get("/register/export", response={200: None, **ERRORS}, summary="Export the Excel register (admins)")
def export_register(request: HttpRequest) -> HttpResponse:
    require_role(request, Role.ADMINISTRATION)
    appended_atomically(_actor(request), "orgs.export_register", ("orgs.register", "all"))
    response = HttpResponse(
        excel.export_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sunlight-orgs-{stamp}.xlsx"'
    return response
