"""Loading the demo risk register and control plans (1,476+ risk points, 1,654+ measures).

Each unit's monitoring centre writes its register and files its plan; the commission's
inspector returns some plans with findings (key powers missing, weak measures) and approves
the redone ones (S4). Some risk points are then revised after a complaint, a bad rating, a
case finding or an alarm (S26). Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Organisation, Post, PostKind
from sunlight.powers.demo import INSPECTOR_POST
from sunlight.powers.models import PowerVersion
from sunlight.risks import actions, plans
from sunlight.risks import demo_data as data
from sunlight.risks.content import MeasureData, Prompt, RiskPointData, point_data
from sunlight.risks.models import ControlMeasure, RiskLevel, RiskPoint

DESCRIPTION = "the risk register and control plans (1,476+ risk points, 1,654+ measures)"
SEED = 2012
MIN_POINTS, MIN_MEASURES = 1476, 1654


def is_loaded() -> bool:
    return RiskPoint.objects.exists()


def load() -> None:
    load_register()


def _actor_in(post_code: str) -> Actor:
    post = Post.objects.get(code=post_code)
    holder = post.assignments.select_related("person").order_by("pk").first()
    assert holder is not None, post_code
    return Actor.of(holder.person, Channel.COMMAND)


def _level(rng: random.Random, category: str, template: data.RiskTemplate) -> str:
    if template.domains:
        return RiskLevel.HIGH
    if not template.red_line:
        return rng.choice((RiskLevel.MEDIUM, RiskLevel.LOW))
    if template.kind == "key_joint":
        return RiskLevel.HIGH if rng.random() < 0.3 else RiskLevel.MEDIUM
    return rng.choice((RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.MEDIUM, RiskLevel.LOW, RiskLevel.LOW))


class _Register:
    """Builds one unit's rows: risk points with their measures."""

    def __init__(self, rng: random.Random, unit: Organisation, posts: list[Post], today: dt.date) -> None:
        self.rng, self.unit, self.today = rng, unit, today
        self.by_office: dict[str, list[Post]] = defaultdict(list)
        for post in posts:
            self.by_office[post.organisation.name if post.organisation_id != unit.pk else ""].append(post)
        self.monitor = next(p for p in posts if p.kind == PostKind.MONITOR)
        self.leader = next((p for p in posts if p.kind == PostKind.LEADER_IN_CHARGE), self.monitor)
        self.head = next((p for p in posts if p.kind == PostKind.HEAD), self.leader)

    def post(self, office: str, name: str) -> Post | None:
        if name == "head":
            return self.head
        return next((p for p in self.by_office.get(office, []) if p.name == name), None)

    def office_posts(self, office: Organisation | None) -> list[Post]:
        return self.by_office.get(office.name, []) if office else []

    def measures(self, level: str, domains: tuple[str, ...], chief: Post | None) -> list[MeasureData]:
        rng = self.rng
        count = 2 if level == RiskLevel.HIGH and rng.random() < 0.35 else 1
        if level != RiskLevel.HIGH and rng.random() < 0.04:
            count = 0  # a gap the commission will point at
        kinds = ["technical" if domains else "institutional", "cultural"][:count]
        rows = []
        for kind in kinds:
            description, evidence, owner_role = rng.choice(data.MEASURES[kind])
            owner = {"chief": chief or self.leader, "leader": self.leader, "monitor": self.monitor}[
                owner_role
            ]
            in_place = rng.random() < 0.8
            late = rng.random() < 0.06
            rows.append(
                MeasureData(
                    description=description,
                    kind=kind,
                    owner=owner.code,
                    due_date=dt.date(2016, rng.randint(3, 12), 28),
                    status="in_place" if in_place else "in_progress",
                    evidence=evidence if in_place else "",
                    cadence="quarterly" if rng.random() < 0.7 else "half_yearly",
                    next_review=self.today - dt.timedelta(days=rng.randint(5, 60))
                    if late
                    else self.today + dt.timedelta(days=rng.randint(10, 120)),
                )
            )
        return rows

    def rows(self, versions: list[PowerVersion]) -> list[tuple[str, RiskPointData, list[MeasureData]]]:
        rng, out = self.rng, []
        for version in versions:
            if rng.random() > 0.6:
                continue
            templates = data.BY_CATEGORY[version.category]
            picks = rng.sample(templates, min(len(templates), 2 if rng.random() < 0.12 else 1))
            office_posts = self.office_posts(version.office)
            chief = next((p for p in office_posts if p.kind == PostKind.SECTION_CHIEF), None)
            clerk = next((p for p in office_posts if p.kind == PostKind.CLERK), None)
            for template in picks:
                level = _level(rng, version.category, template)
                post = chief if template.kind == "key_joint" else (clerk or chief)
                out.append(self._row(template, level, version.item.code, post, chief))
        kind = self.unit.kind
        post_risks = data.TOWNSHIP_POST_RISKS if kind in ("township", "subdistrict") else data.POST_RISKS
        for where, template in post_risks:
            office, name = where.split("|")
            post = self.post(office, name)
            if post is not None:
                out.append(self._row(template, RiskLevel.HIGH, "", post, post))
        if self.unit.name in data.PROJECT_UNITS:
            out.append(self._row(data.PROJECT_RISK, RiskLevel.HIGH, "", self.leader, self.leader))
        return out

    def _row(
        self, t: data.RiskTemplate, level: str, power: str, post: Post | None, chief: Post | None
    ) -> tuple[str, RiskPointData, list[MeasureData]]:
        red_line = t.red_line if level == RiskLevel.HIGH or self.rng.random() < 0.5 else ""
        point = RiskPointData(
            description=t.description,
            kind=t.kind,
            level=level,
            power=power,
            step=t.step,
            post=post.code if post else "",
            domains=t.domains,
            red_line=red_line,
            consequence=t.consequence if red_line else "",
            is_public=not t.domains or "funds" in t.domains,
        )
        return "", point, self.measures(level, t.domains, chief)


@transaction.atomic
def load_register(seed: int = SEED) -> None:
    rng = random.Random(seed)
    today = timezone.localdate()
    inspector = _actor_in(INSPECTOR_POST)
    posts_by_unit: dict[int, list[Post]] = defaultdict(list)
    for post in Post.objects.select_related("organisation").order_by("code"):
        posts_by_unit[post.organisation.unit_id].append(post)  # type: ignore[index]
    versions_by_unit: dict[int, list[PowerVersion]] = defaultdict(list)
    for version in PowerVersion.objects.current().select_related("item", "office").order_by("item__code"):
        versions_by_unit[version.item.unit_id].append(version)
    units = list(Organisation.objects.units().order_by("sort", "code"))
    for n, unit in enumerate(units):
        monitor = _actor_in(f"{unit.abbr}-MC01")
        register = _Register(rng, unit, posts_by_unit[unit.pk], today)
        points = actions.create_risk_points(monitor, unit, register.rows(versions_by_unit[unit.pk]))
        _file_plan(rng, n, unit, monitor, inspector, points, versions_by_unit[unit.pk])
    _revisions(rng, today)
    # The seed's figures are the floor of the demo (S2).
    assert RiskPoint.objects.count() >= MIN_POINTS, RiskPoint.objects.count()
    assert ControlMeasure.objects.count() >= MIN_MEASURES, ControlMeasure.objects.count()


def _file_plan(
    rng: random.Random,
    n: int,
    unit: Organisation,
    monitor: Actor,
    inspector: Actor,
    points: list[RiskPoint],
    versions: list[PowerVersion],
) -> None:
    plan = plans.create_plan(monitor, unit, title=f"{unit.name}廉政风险防控方案")
    plans.submit_plan(monitor, plan, note="请区纪委审核备案")
    if n % 7 == 3:  # sent back to be redone, then redone and approved
        assessed = {p.power_id for p in points}
        missing = next((v for v in versions if v.item_id not in assessed), None)
        high = next((p for p in points if p.level == RiskLevel.HIGH), None)
        findings = []
        if missing is not None:
            kind, text = data.PLAN_FINDINGS[0]
            findings.append(plans.FindingData(kind, text.format(power=missing.name), power=missing.item.code))
        if high is not None:
            kind, text = data.PLAN_FINDINGS[1]
            findings.append(
                plans.FindingData(kind, text.format(risk=high.description[:20]), risk_point=high.code)
            )
        if not findings:
            kind, text = data.PLAN_FINDINGS[2]
            findings.append(plans.FindingData(kind, text))
        plans.return_plan(inspector, plan, findings=findings)
        if n % 21 == 3:
            return  # still being redone
        plans.submit_plan(monitor, plan, note="已按审核意见修改")
    if n % 31 == 5:
        return  # awaiting the commission's review
    plans.approve_plan(inspector, plan, note="审核通过，予以备案")


def _revisions(rng: random.Random, today: dt.date) -> None:
    """Revisions prompted by complaints, bad ratings, case findings and alarms (S26)."""
    candidates = list(
        RiskPoint.objects.filter(level__in=(RiskLevel.MEDIUM, RiskLevel.LOW), domains=[])
        .exclude(red_line="")
        .select_related("unit", "power", "post")
        .order_by("code")
    )
    for n, point in enumerate(rng.sample(candidates, min(40, len(candidates)))):
        kind, reference = rng.choice(data.PROMPTS)
        monitor = _actor_in(f"{point.unit.abbr}-MC01")
        new = point_data(point)
        new = RiskPointData(**(new.as_dict() | {"level": RiskLevel.HIGH, "domains": ()}))
        actions.update_risk_point(
            monitor,
            point,
            new,
            prompt=Prompt(
                kind=kind, reference=reference.format(year=today.year - 1, n=n + 1), note="上调风险等级"
            ),
        )
