"""Demo data: sites and cameras of the demo projects, weekly inspections, a check-in and a missed one.

The inspection history is replayed with time-machine (the demo is the only code that moves the
clock): last week's inspection of the first site was checked in with a photo from the site; the
second site's was missed, and the timer raises its alarm when the demo loads.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random

import time_machine
from django.core.files.base import ContentFile
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.enforcement import actions as evidence_actions
from sunlight.enforcement.demo import jpeg
from sunlight.funds.models import FundPost, FundRole, Project
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Assignment, Organisation, Post
from sunlight.sites import actions
from sunlight.sites.models import ProjectSite, ScheduledVisit
from sunlight.sites.timers import missed_inspections

DESCRIPTION = "sites and cameras of the demo projects, weekly inspections, one checked in and one missed"
SEED = 2022
# Around 望城区: each project's site at a made-up but plausible place.
ORIGIN = (28.3475, 112.8196)


def is_loaded() -> bool:
    return ProjectSite.objects.exists()


def _designated(unit: Organisation, role: str) -> tuple[Post, User] | None:
    for item in FundPost.objects.filter(unit=unit, role=role).select_related("post").order_by("step"):
        holder = Assignment.objects.current().filter(post=item.post).select_related("person").first()
        if holder is not None:
            return item.post, holder.person
    return None


def _as(user: User) -> Actor:
    return Actor(user=user, channel=Channel.COMMAND)


def load() -> None:
    rng = random.Random(SEED)
    projects = list(Project.objects.select_related("unit").order_by("code"))
    # Weekly at 09:00: the first window six days ago, the next one tomorrow morning.
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    first_start = tomorrow.replace(hour=9, minute=0, second=0, microsecond=0) - dt.timedelta(days=7)
    checked, missed = False, False
    for number, project in enumerate(projects):
        manager = _designated(project.unit, FundRole.PROJECT_MANAGER)
        supervisor = _designated(project.unit, FundRole.SUPERVISOR)
        if manager is None or supervisor is None:
            continue
        lat = round(ORIGIN[0] + rng.uniform(-0.05, 0.05), 6)
        lon = round(ORIGIN[1] + rng.uniform(-0.05, 0.05), 6)
        with time_machine.travel(first_start - dt.timedelta(days=1), tick=False):
            site = actions.add_site(
                _as(manager[1]),
                project,
                name="主体工程工地",
                address=f"{project.name}施工现场",
                latitude=str(lat),
                longitude=str(lon),
                radius_m=500,
            )
            for channel, name in ((101, "工地大门"), (201, "主体作业面")):
                actions.register_camera(
                    _as(manager[1]),
                    site,
                    name=name,
                    stream_url=f"rtsp://10.43.{20 + number}.{channel // 100}:554/Streaming/Channels/{channel}",
                )
            actions.register_camera(
                _as(manager[1]),
                site,
                name="全景（手机可看）",
                stream_url=f"https://video.wangcheng.example/live/{project.code.lower()}.m3u8",
            )
            schedule = actions.schedule_inspections(
                _as(manager[1]),
                site,
                post=supervisor[0],
                first_start=first_start,
                window_hours=8,
                every_days=7,
                note="检查现场管理人员到岗、工程质量和安全文明施工",
            )
        visit = ScheduledVisit.objects.get(schedule=schedule, number=1)
        if not checked:
            _check_in(supervisor[1], visit, site, rng)
            checked = True
        elif not missed:
            missed = True  # left without a check-in: the timer below raises its alarm
        else:
            _check_in(supervisor[1], visit, site, rng)
    missed_inspections()


def _check_in(person: User, visit: ScheduledVisit, site: ProjectSite, rng: random.Random) -> None:
    moment = visit.starts_at + dt.timedelta(hours=1, minutes=rng.randint(0, 50))
    with time_machine.travel(moment, tick=False):
        data = jpeg(rng)
        photo = evidence_actions.receive_whole(
            _as(person),
            evidence_actions.Declaration(
                kind="photo",
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                device_time=moment - dt.timedelta(seconds=40),
                latitude=str(round(float(site.latitude) + 0.0004, 6)),
                longitude=str(round(float(site.longitude) - 0.0003, 6)),
                accuracy_m=6,
                note=f"{site.name} 巡查签到",
            ),
            ContentFile(data),
        )
        actions.check_in(_as(person), visit, photo=photo, note="管理人员到岗，现场文明施工")
