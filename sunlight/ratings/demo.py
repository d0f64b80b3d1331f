"""Demo ratings on the demo's concluded cases, with callbacks, rectifications and appeals.

Raters prove their case with its query code, which the demo cannot know (codes are kept only
as digests). So the loader stands in for the raters through `actions.record_rating`, the rating
action after its code check, with the loader as the ledger's actor (channel "command"). Every
other step (contacts, rectifications, appeals and their decision) goes through the ordinary
actions, by the people holding the posts. Everything happens now: the ledger is never back-dated.
"""

from __future__ import annotations

import random

from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.cases import demo as cases_demo
from sunlight.cases.models import Case
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Assignment, Organisation, PostKind
from sunlight.ratings import actions
from sunlight.ratings.models import RATEABLE_STATES, ContactKind, Rating, RatingChannel

DESCRIPTION = "service ratings of the concluded demo cases"
SEED = 2026
GRADES = (5,) * 55 + (4,) * 25 + (3,) * 10 + (2,) * 6 + (1,) * 4
GOOD_WORDS = ["", "", "办事效率高", "窗口人员态度好，一次办成", "流程清楚，材料一次告知", "比预期提前办结"]
BAD_WORDS = [
    "材料清单没有一次性告知，跑了两趟",
    "窗口人员态度冷淡",
    "办理时间比承诺的长",
    "电话咨询一直无人接听",
    "要求提供清单以外的证明材料",
]


def is_loaded() -> bool:
    return Rating.objects.exists()


def _holder(unit: Organisation, kind: str) -> User | None:
    found = (
        Assignment.objects.current()
        .filter(post__organisation__unit=unit, post__kind=kind, post__is_active=True)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    return found.person if found else None


def _district_inspector() -> User | None:
    found = (
        Assignment.objects.current()
        .filter(post__kind=PostKind.INSPECTOR, post__is_active=True, post__jurisdiction__isnull=True)
        .select_related("person")
        .order_by("post__code")
        .first()
    )
    return found.person if found else None


def load() -> None:
    rng = random.Random(SEED)
    loader = Actor.system(Channel.COMMAND)
    bad: list[Rating] = []
    cases = (
        Case.objects.filter(state__in=RATEABLE_STATES).select_related("owner").order_by("completed_at", "pk")
    )
    # The banner's sample case stays unrated, for whoever tries the rating with its code.
    sample = cases_demo.sample_case()
    if sample is not None:
        cases = cases.exclude(number=sample[0])
    for case in cases:
        if rng.random() > 0.6:
            continue
        grade = rng.choice(GRADES)
        rating = actions.record_rating(
            loader,
            case,
            grade=grade,
            comment=rng.choice(BAD_WORDS if grade <= 2 else GOOD_WORDS),
            channel=rng.choice((RatingChannel.PORTAL, RatingChannel.PORTAL, RatingChannel.KIOSK)),
        )
        if rating.is_bad:
            bad.append(rating)
    inspector = _district_inspector()
    for index, rating in enumerate(bad):
        monitor = _holder(rating.unit, PostKind.MONITOR)
        if monitor is None:
            continue
        unit_actor = Actor.of(monitor, Channel.COMMAND)
        stage = index % 5
        if stage == 0:
            continue  # left open: the callback is due tomorrow
        actions.record_contact(
            unit_actor,
            rating,
            kind=rng.choice((ContactKind.PHONE, ContactKind.PHONE, ContactKind.VISIT)),
            occurred_at=timezone.now(),
            note="致电申请人致歉，了解情况并说明整改安排",
        )
        if stage in (2, 3):
            actions.complete_rectification(
                unit_actor,
                rating.rectification,
                measures="修订办事指南材料清单，窗口推行一次性告知，组织窗口人员服务规范培训",
            )
            if stage == 3:
                actions.record_rating(
                    loader, rating.case, grade=4, comment="整改后满意", channel=RatingChannel.PORTAL
                )
        if stage == 4:
            appeal = actions.file_appeal(
                unit_actor, rating, reason="评价内容与本办件无关，申请人已书面说明系误评"
            )
            if inspector is not None and index % 2 == 0:
                actions.decide_appeal(
                    Actor.of(inspector, Channel.COMMAND),
                    appeal,
                    uphold=True,
                    reason="经核实，申请人书面确认误评",
                )
