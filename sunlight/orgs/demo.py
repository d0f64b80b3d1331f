"""Loading the demo district (望城区: 78 departments, 20 townships and sub-districts) through the actions."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sunlight.accounts import actions as account_actions
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs import actions, demo_data
from sunlight.orgs.models import CodeScheme, Organisation, OrgKind, Post

DESCRIPTION = "the demo district (98 units, their offices, posts and staff)"
DEMO_PASSWORD = "Sunlight-2026"  # noqa: S105 - printed by `make demo` on purpose
SEED = 2016
# Everyone in the demo has held their post since the platform went live.
SINCE = dt.date(2016, 1, 4)

_POST_KIND_CODES = {
    "clerk": "CK",
    "section_chief": "SC",
    "leader_in_charge": "LC",
    "head": "HD",
    "monitor": "MC",
    "inspector": "IN",
    "admin": "AD",
}
# The commission's three inspection offices each supervise a third of the units; the conduct
# office (党风政风监督室) and the trial office supervise the whole district.
_SPLIT_OFFICES = ("第一纪检监察室", "第二纪检监察室", "第三纪检监察室")


@dataclass(frozen=True)
class DemoLogin:
    persona: str
    username: str
    full_name: str
    post: str


def _username(unit: demo_data.OrgSpec, number: int) -> str:
    return f"{unit.abbr.lower()}{number:02d}"


def is_loaded() -> bool:
    return Organisation.objects.filter(code=demo_data.DISTRICT.code).exists()


def load() -> None:
    load_district()


@transaction.atomic
def load_district(seed: int = SEED) -> None:
    """Create the district, its units, offices, posts and staff. Deterministic for a seed."""
    actor = Actor.system(Channel.COMMAND)
    rng = random.Random(seed)
    password_hash = make_password(DEMO_PASSWORD)
    spec = demo_data.DISTRICT
    district = actions.create_organisation(
        actor,
        code=spec.code,
        code_scheme=spec.code_scheme,
        name=spec.name,
        kind=spec.kind,
        parent=None,
        abbr=spec.abbr,
    )
    units: list[Organisation] = []
    for sort, unit_spec in enumerate(demo_data.UNITS, start=1):
        units.append(
            actions.create_organisation(
                actor,
                code=unit_spec.code,
                code_scheme=unit_spec.code_scheme,
                name=unit_spec.name,
                kind=unit_spec.kind,
                parent=district,
                abbr=unit_spec.abbr,
                sort=sort,
            )
        )
    thirds = [units[i::3] for i in range(3)]
    for unit_spec, unit in zip(demo_data.UNITS, units, strict=True):
        offices = {
            name: actions.create_organisation(
                actor,
                code=f"{unit.abbr}-{n:02d}",
                code_scheme=CodeScheme.INTERNAL,
                name=name,
                kind=OrgKind.OFFICE,
                parent=unit,
                sort=n,
            )
            for n, name in enumerate(demo_data.offices_for(unit_spec), start=1)
        }
        staff_number = 0
        kind_counts: dict[str, int] = {}
        for post_spec in demo_data.posts_for(unit_spec):
            kind_counts[post_spec.kind] = kind_counts.get(post_spec.kind, 0) + 1
            code = f"{unit.abbr}-{_POST_KIND_CODES[post_spec.kind]}{kind_counts[post_spec.kind]:02d}"
            jurisdiction: list[Organisation] = []
            if post_spec.kind == "inspector" and post_spec.office in _SPLIT_OFFICES:
                jurisdiction = [u for u in thirds[_SPLIT_OFFICES.index(post_spec.office)] if u != unit]
            post = actions.create_post(
                actor,
                organisation=offices[post_spec.office] if post_spec.office else unit,
                code=code,
                name=post_spec.name,
                kind=post_spec.kind,
                jurisdiction=jurisdiction,
            )
            for _ in range(post_spec.staff):
                staff_number += 1
                person = account_actions.create_person(
                    actor,
                    username=_username(unit_spec, staff_number),
                    full_name=demo_data.person_name(rng),
                    phone=demo_data.mobile_number(rng),
                    password_hash=password_hash,
                )
                actions.assign_post(actor, person=person, post=post, valid_from=SINCE)


def demo_logins() -> list[DemoLogin]:
    """One login per persona, for the README and the `demo` command's banner."""
    wanted = (
        ("clerk", "CZJ-CK03"),
        ("section chief", "CZJ-SC03"),
        ("leader in charge", "CZJ-LC01"),
        ("head", "CZJ-HD01"),
        ("monitoring centre", "CZJ-MC01"),
        ("township clerk", "QYZ-CK03"),
        ("inspector (whole district)", "JW-IN04"),
        ("system administrator", "DZZW-AD01"),
    )
    logins = []
    for persona, code in wanted:
        post = Post.objects.filter(code=code).select_related("organisation__unit").first()
        holder = post.assignments.select_related("person").first() if post else None
        if post is None or holder is None:
            continue
        logins.append(DemoLogin(persona, holder.person.username, holder.person.full_name, str(post)))
    return logins
