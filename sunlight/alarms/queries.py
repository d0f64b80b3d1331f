"""Who sees which alarms: a monitoring centre its own unit's, an inspector their jurisdiction's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from django.http import HttpRequest

from sunlight.accounts.models import User
from sunlight.alarms.models import Alarm, AlarmQuerySet
from sunlight.orgs import authority
from sunlight.orgs.access import is_verified, request_roles
from sunlight.orgs.models import Role


@dataclass(frozen=True)
class Scope:
    """The units whose alarms a person may read (None: the whole district, system alarms too)."""

    unit_ids: set[int] | None
    inspector: bool
    monitor: bool

    def alarms(self) -> AlarmQuerySet:
        return Alarm.objects.for_units(self.unit_ids)

    def covers(self, alarm: Alarm) -> bool:
        return self.unit_ids is None or alarm.unit_id in self.unit_ids


def scope_for(user: User, *, inspector: bool) -> Scope:
    monitored = authority.monitored_unit_ids(user)
    supervised: set[int] | None = set()
    if inspector:
        supervised = authority.supervised_unit_ids(user)
    if supervised is None:
        return Scope(None, inspector=True, monitor=bool(monitored))
    return Scope(monitored | supervised, inspector=inspector and bool(supervised), monitor=bool(monitored))


def scope_of(request: HttpRequest) -> Scope:
    """The scope of the signed-in person; an inspector's only with the second factor."""
    roles = request_roles(request)
    inspector = Role.SUPERVISION in roles and is_verified(request)
    return scope_for(cast(User, request.user), inspector=inspector)


def listing(queryset: AlarmQuerySet) -> AlarmQuerySet:
    """The columns a list of alarms shows, in one query."""
    return queryset.select_related("unit", "person").order_by("-raised_at", "-pk")


def may_read_alarm(request: HttpRequest, alarm_id: str) -> bool:
    """documents.access reader: an alarm's letters and notices are read like the alarm."""
    alarm = Alarm.objects.filter(pk=int(alarm_id)).first() if alarm_id.isdigit() else None
    return alarm is not None and scope_of(request).covers(alarm)
