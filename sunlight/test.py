"""Shared test personas and plain factory functions.

Every test that needs people starts from the same small district: two units (区财政局 and
区水务局), the commission and the e-government office, and the personas below.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs import actions
from sunlight.orgs.demo_data import DISTRICT, UNITS
from sunlight.orgs.models import CodeScheme, Organisation, OrgKind, Post, PostKind

PASSWORD = "Correct-Horse-9"
SINCE = dt.date(2020, 1, 1)


def system() -> Actor:
    return Actor.system(Channel.COMMAND)


def make_district() -> Organisation:
    found = Organisation.objects.filter(kind=OrgKind.DISTRICT).first()
    if found is not None:
        return found
    return actions.create_organisation(
        system(),
        code=DISTRICT.code,
        code_scheme=DISTRICT.code_scheme,
        name=DISTRICT.name,
        kind=DISTRICT.kind,
        parent=None,
        abbr=DISTRICT.abbr,
    )


def make_unit(name: str) -> Organisation:
    """A unit of the demo district, by its name (e.g. 区财政局), with its real code."""
    spec = next(u for u in UNITS if u.name == name)
    return actions.create_organisation(
        system(),
        code=spec.code,
        code_scheme=spec.code_scheme,
        name=spec.name,
        kind=spec.kind,
        parent=make_district(),
        abbr=spec.abbr,
    )


def make_office(unit: Organisation, name: str, number: int = 1) -> Organisation:
    return actions.create_organisation(
        system(),
        code=f"{unit.abbr}-{number:02d}",
        code_scheme=CodeScheme.INTERNAL,
        name=name,
        kind=OrgKind.OFFICE,
        parent=unit,
        sort=number,
    )


def make_post(
    organisation: Organisation,
    kind: str,
    code: str,
    name: str = "",
    jurisdiction: list[Organisation] | None = None,
) -> Post:
    return actions.create_post(
        system(),
        organisation=organisation,
        code=code,
        name=name or str(PostKind(kind).label),
        kind=kind,
        jurisdiction=jurisdiction or [],
    )


def make_person(username: str, full_name: str, phone: str = "") -> User:
    return account_actions.create_person(
        system(), username=username, full_name=full_name, phone=phone, password=PASSWORD
    )


def assign(person: User, post: Post, since: dt.date = SINCE, until: dt.date | None = None) -> None:
    actions.assign_post(system(), person=person, post=post, valid_from=since, valid_until=until)


def totp_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="key", confirmed=True)


def create_personas(cls: Any) -> None:
    """Create the small district and its personas as attributes of `cls`."""
    cls.finance = make_unit("区财政局")
    cls.water = make_unit("区水务局")
    cls.commission = make_unit("区纪委")
    cls.egov = make_unit("区电子政务办")
    approvals = make_office(cls.finance, "行政审批股")
    cls.window_post = make_post(approvals, PostKind.CLERK, "CZJ-CK01", "窗口受理岗")
    cls.chief_post = make_post(approvals, PostKind.SECTION_CHIEF, "CZJ-SC01", "股长")
    cls.leader_post = make_post(cls.finance, PostKind.LEADER_IN_CHARGE, "CZJ-LC01", "分管副局长")
    cls.head_post = make_post(cls.finance, PostKind.HEAD, "CZJ-HD01", "局长")
    cls.monitor_post = make_post(cls.finance, PostKind.MONITOR, "CZJ-MC01", "监管员")
    cls.inspector_post = make_post(cls.commission, PostKind.INSPECTOR, "JW-IN01", "纪检监察员")
    cls.admin_post = make_post(cls.egov, PostKind.ADMIN, "DZZW-AD01", "系统管理员")
    cls.water_window_post = make_post(cls.water, PostKind.CLERK, "SWJ-CK01", "窗口受理岗")

    cls.clerk = make_person("clerk", "邓荣飞", "13807310001")
    cls.chief = make_person("chief", "罗龙")
    cls.leader = make_person("leader", "蒋鹏国")
    cls.head = make_person("head", "闫亮鑫")
    cls.monitor = make_person("monitor", "刘珍婧")
    cls.inspector = make_person("inspector", "李立")
    cls.admin = make_person("admin", "向军")
    cls.outsider = make_person("outsider", "彭湘")
    for person, post in (
        (cls.clerk, cls.window_post),
        (cls.chief, cls.chief_post),
        (cls.leader, cls.leader_post),
        (cls.head, cls.head_post),
        (cls.monitor, cls.monitor_post),
        (cls.inspector, cls.inspector_post),
        (cls.admin, cls.admin_post),
        (cls.outsider, cls.water_window_post),
    ):
        assign(person, post)


class PersonaFields:
    """The attributes `create_personas` sets, for the type checker."""

    clerk: User
    chief: User
    leader: User
    head: User
    monitor: User
    inspector: User
    admin: User
    outsider: User
    finance: Organisation
    water: Organisation
    commission: Organisation
    egov: Organisation
    window_post: Post
    chief_post: Post
    leader_post: Post
    head_post: Post
    monitor_post: Post
    inspector_post: Post
    admin_post: Post
    water_window_post: Post


class Personas(PersonaFields, TestCase):
    """A small district and one person per persona; see the module docstring."""

    @classmethod
    def setUpTestData(cls) -> None:
        create_personas(cls)

    def login(self, user: User, *, verified: bool = False, client: Client | None = None) -> Client:
        """Sign `user` in on the test client; `verified` also passes the second factor."""
        client = client or self.client
        client.force_login(user)
        if verified:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or totp_device(user)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        return client

    def as_actor(self, user: User, **kwargs: Any) -> Actor:
        return Actor.of(user, **kwargs)

    def queries(self, url: str, marker: str, rows: int) -> int:
        """Queries of one GET of `url` (after a warming one), which shows `marker` `rows` times.

        The query-count guards render a page with a few rows and with three times as many; the
        statements are printed, so that pytest shows the query that repeats when a count differs.
        """
        self.client.get(url)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        self.assertContains(response, marker, count=rows)
        print(f"{url} with {rows} rows:", *(q["sql"][:160] for q in captured), sep="\n  ")
        return len(captured)
