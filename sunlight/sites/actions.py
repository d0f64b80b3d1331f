"""Every change in site supervision: sites, cameras, inspection schedules, check-ins, missed inspections.

The unit's project managers (funds designations) register sites, cameras and the schedules of
their own posts; an inspector whose jurisdiction covers the unit schedules inspector posts. A
check-in is a photo taken at the site (evidence with its position, sha256 in the ledger) by a
holder of the scheduled post, within the window and within the site's radius. A window that
closes without a check-in is a missed inspection: one red alarm (timers.py).
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.alarms.actions import raise_alarm
from sunlight.alarms.models import AlarmKind, AlarmLevel
from sunlight.enforcement.models import Evidence, EvidenceKind
from sunlight.funds import authority as fund_authority
from sunlight.funds.models import FundRole, Project
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs import authority
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import BUSINESS_POST_KINDS, Post, PostKind
from sunlight.sites.models import (
    Camera,
    CheckIn,
    InspectionSchedule,
    ProjectSite,
    ScheduledVisit,
    StreamProtocol,
    VisitState,
)

EARTH_RADIUS_M = 6_371_000
SIX_PLACES = Decimal("0.000001")
_SCHEMES = {
    "rtsp": StreamProtocol.RTSP,
    "rtsps": StreamProtocol.RTSP,
    "http": StreamProtocol.HTTP,
    "https": StreamProtocol.HTTP,
}


def distance_m(lat1: Decimal, lon1: Decimal, lat2: Decimal, lon2: Decimal) -> int:
    """Great-circle distance in whole metres (haversine; floats for geometry, never for money)."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lon2) - float(lon1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


def _manager(actor: Actor, project: Project, action: str, obj: Model | tuple[str, str | int]) -> Standing:
    return fund_authority.require(actor, project.unit, FundRole.PROJECT_MANAGER, action=action, obj=obj)


def _degrees(value: Decimal | str | float | None, limit: int, field: str, errors: dict[str, str]) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(SIX_PLACES)
    except (InvalidOperation, ValueError, TypeError):
        errors[field] = _("Enter degrees as a decimal number.")
        return Decimal(0)
    if not -limit <= number <= limit:
        errors[field] = _("Degrees run from -%(limit)d to %(limit)d.") % {"limit": limit}
    return number


@records_refusals
def add_site(
    actor: Actor,
    project: Project,
    *,
    name: str,
    address: str,
    latitude: Decimal | str,
    longitude: Decimal | str,
    radius_m: int = 300,
) -> ProjectSite:
    standing = _manager(actor, project, "sites.add_site", project)
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Name the site.")
    elif ProjectSite.objects.filter(project=project, name=name.strip()).exists():
        errors["name"] = _("The project already has a site with this name.")
    if not address.strip():
        errors["address"] = _("Give the site's address.")
    lat = _degrees(latitude, 90, "latitude", errors)
    lon = _degrees(longitude, 180, "longitude", errors)
    if not 10 <= radius_m <= 5000:
        errors["radius_m"] = _("The check-in radius is between 10 and 5,000 metres.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        site = ProjectSite.objects.create(
            project=project,
            name=name.strip(),
            address=address.strip(),
            latitude=lat,
            longitude=lon,
            radius_m=radius_m,
            created_by=actor.user,
        )
        append(
            actor.acting_as(standing),
            "sites.add_site",
            site,
            changes={
                "project": (None, project.code),
                "name": (None, site.name),
                "position": (None, [str(lat), str(lon)]),
            },
        )
    return site


def stream_protocol(url: str) -> StreamProtocol:
    """The protocol of a stream address, or a ValidationError: rtsp(s)://, http(s)://, HLS (.m3u8)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES or not parts.hostname or any(c.isspace() for c in url.strip()):
        raise ValidationError(
            {
                "stream_url": _(
                    "Give the stream address as rtsp://, rtsps://, http:// or https:// with a host."
                )
            }
        )
    if scheme in ("http", "https") and parts.path.lower().endswith(".m3u8"):
        return StreamProtocol.HLS
    return _SCHEMES[scheme]


@records_refusals
def register_camera(actor: Actor, site: ProjectSite, *, name: str, stream_url: str) -> Camera:
    standing = _manager(actor, site.project, "sites.register_camera", site)
    if not name.strip():
        raise ValidationError({"name": _("Name the camera.")})
    protocol = stream_protocol(stream_url)
    with transaction.atomic():
        camera = Camera.objects.create(
            site=site,
            name=name.strip(),
            stream_url=stream_url.strip(),
            protocol=protocol,
            registered_by=actor.user,
        )
        append(
            actor.acting_as(standing),
            "sites.register_camera",
            camera,
            changes={
                "site": (None, site.pk),
                "name": (None, camera.name),
                "stream_url": (None, camera.stream_url),
            },
        )
    return camera


def _scheduling_standing(actor: Actor, site: ProjectSite, post: Post) -> Standing:
    unit = site.project.unit
    if post.kind == PostKind.INSPECTOR:
        user = actor.user
        standing = None
        if user is not None and authority.supervises(user, unit):
            held = authority.current_assignments(user)
            standing = next(
                (Standing(post=a.post, assignment=a) for a in held if a.post.kind == PostKind.INSPECTOR), None
            )
        if standing is None:
            raise Refused(
                _("Inspections by inspectors are scheduled by an inspector supervising %(unit)s.")
                % {"unit": unit},
                action="sites.schedule",
                obj=site,
                unit_id=unit.pk,
            )
        return standing
    if post.organisation.unit_id != unit.pk or post.kind not in BUSINESS_POST_KINDS:
        raise ValidationError(
            {"post": _("Choose a post of %(unit)s, or an inspector post.") % {"unit": unit}}
        )
    return _manager(actor, site.project, "sites.schedule", site)


def _open_visit(schedule: InspectionSchedule, number: int) -> ScheduledVisit | None:
    """The visit `number` of a schedule (created once), or None past its end."""
    starts = schedule.first_start + dt.timedelta(days=schedule.every_days * (number - 1))
    if number > 1 and (schedule.every_days == 0 or not schedule.active):
        return None
    if schedule.until is not None and timezone.localdate(starts) > schedule.until:
        return None
    visit, _created = ScheduledVisit.objects.get_or_create(
        schedule=schedule,
        number=number,
        defaults={"starts_at": starts, "ends_at": starts + dt.timedelta(hours=schedule.window_hours)},
    )
    return visit


@records_refusals
def schedule_inspections(
    actor: Actor,
    site: ProjectSite,
    *,
    post: Post,
    first_start: dt.datetime,
    window_hours: int,
    every_days: int = 0,
    until: dt.date | None = None,
    note: str = "",
) -> InspectionSchedule:
    """Schedule inspections of the site by a post: once, or every N days until a date."""
    standing = _scheduling_standing(actor, site, post)
    errors: dict[str, str] = {}
    if timezone.is_naive(first_start):
        errors["first_start"] = _("Give the time with its time zone.")
    elif first_start + dt.timedelta(hours=window_hours) <= timezone.now():
        errors["first_start"] = _("The first window is already over.")
    if not 1 <= window_hours <= 24 * 14:
        errors["window_hours"] = _("A window lasts from 1 hour to 14 days.")
    if not 0 <= every_days <= 366:
        errors["every_days"] = _("Repeat every 1 to 366 days, or 0 for once.")
    if until is not None and not errors and until < timezone.localdate(first_start):
        errors["until"] = _("The end is before the first window.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        schedule = InspectionSchedule.objects.create(
            site=site,
            post=post,
            first_start=first_start,
            window_hours=window_hours,
            every_days=every_days,
            until=until,
            note=note.strip(),
            created_by=actor.user,
        )
        _open_visit(schedule, 1)
        append(
            actor.acting_as(standing),
            "sites.schedule",
            schedule,
            changes={
                "site": (None, site.pk),
                "post": (None, post.code),
                "first_start": (None, first_start),
                "window_hours": (None, window_hours),
                "every_days": (None, every_days),
                "until": (None, until),
            },
        )
    return schedule


@records_refusals
def check_in(actor: Actor, visit: ScheduledVisit, *, photo: Evidence, note: str = "") -> CheckIn:
    """Check in at the site with a photo taken there, within the window, by a holder of the post."""
    schedule = visit.schedule
    site = schedule.site
    user = actor.user
    standing = authority.standing_in(user, schedule.post) if user is not None else None
    if standing is None:
        raise Refused(
            _("This inspection is done by the holder of %(post)s.") % {"post": schedule.post},
            action="sites.check_in",
            obj=visit,
            unit_id=schedule.post.organisation.unit_id,
        )
    now = timezone.now()
    errors: dict[str, str] = {}
    if photo.officer_id != user.pk or photo.kind != EvidenceKind.PHOTO:  # type: ignore[union-attr]
        errors["photo"] = _("Check in with a photo you took yourself.")
    elif CheckIn.objects.filter(photo=photo).exists():
        errors["photo"] = _("This photo was already used for a check-in.")
    elif photo.latitude is None or photo.longitude is None:
        errors["photo"] = _(
            "The photo has no position: allow the phone to share its position and take it again."
        )
    elif not visit.starts_at <= photo.device_time <= visit.ends_at:
        errors["photo"] = _("The photo was not taken within the inspection window.")
    if errors:
        raise ValidationError(errors)
    assert user is not None and photo.latitude is not None and photo.longitude is not None
    distance = distance_m(photo.latitude, photo.longitude, site.latitude, site.longitude)
    if distance > site.radius_m:
        raise ValidationError(
            {
                "photo": _("The photo was taken %(d)d m from the site; a check-in is within %(r)d m.")
                % {"d": distance, "r": site.radius_m}
            }
        )
    with transaction.atomic():
        locked = ScheduledVisit.objects.select_for_update().get(pk=visit.pk)
        if locked.state != VisitState.DUE or not locked.starts_at <= now <= locked.ends_at:
            raise ValidationError(_("This inspection is not open for check-in now."))
        try:
            with transaction.atomic():
                done = CheckIn.objects.create(
                    visit=locked,
                    site=site,
                    inspector=user,
                    post=standing.post,
                    photo=photo,
                    latitude=photo.latitude,
                    longitude=photo.longitude,
                    accuracy_m=photo.accuracy_m,
                    distance_m=distance,
                    checked_in_at=now,
                    note=note.strip(),
                )
        except IntegrityError:
            raise ValidationError({"photo": _("This photo was already used for a check-in.")}) from None
        locked.state, locked.closed_at = VisitState.DONE, now
        locked.save(update_fields=["state", "closed_at"])
        _open_visit(schedule, locked.number + 1)
        append(
            actor.acting_as(standing),
            "sites.check_in",
            locked,
            changes={"state": (VisitState.DUE, VisitState.DONE)},
            reason=note,
            detail={"photo": photo.pk, "sha256": photo.sha256, "distance_m": distance, "site": site.pk},
        )
    return done


def mark_missed(visit: ScheduledVisit) -> bool:
    """A window closed without a check-in: the visit is missed and one red alarm is raised.

    Runs in the timer's transaction with the visit locked; idempotent (the state and the
    alarm's dedupe key: one alarm per scheduled visit, whatever the number of timer nodes).
    """
    if visit.state != VisitState.DUE or visit.ends_at > timezone.now():
        return False
    schedule = visit.schedule
    site = schedule.site
    actor = Actor.system(Channel.TIMER)
    visit.state, visit.closed_at = VisitState.MISSED, timezone.now()
    visit.save(update_fields=["state", "closed_at"])
    append(actor, "sites.inspection_missed", visit, changes={"state": (VisitState.DUE, VisitState.MISSED)})
    window = f"{timezone.localtime(visit.starts_at):%Y-%m-%d %H:%M}–{timezone.localtime(visit.ends_at):%Y-%m-%d %H:%M}"
    raise_alarm(
        actor,
        kind=AlarmKind.SITE_INSPECTION_MISSED,
        level=AlarmLevel.RED,
        message=_("Scheduled site inspection missed: %(site)s (%(project)s), %(window)s, by %(post)s.")
        % {"site": site.name, "project": site.project.name, "window": window, "post": schedule.post},
        dedupe_key=f"site-inspection-missed:{visit.pk}",
        unit=schedule.post.organisation.unit,
        subject=visit,
        detail={
            "site": site.pk,
            "project": site.project.code,
            "schedule": schedule.pk,
            "number": visit.number,
        },
    )
    _open_visit(schedule, visit.number + 1)
    return True
