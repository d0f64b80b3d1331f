"""API for a person's messages: the unread ones, and marking them read."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from sunlight.accounts.models import User
from sunlight.api import Error, FieldErrors
from sunlight.notifications import actions
from sunlight.notifications.models import Notification, NotificationKind

router = Router(tags=["notifications"])
ERRORS = {400: FieldErrors, 401: Error, 403: Error, 404: Error}


class NotificationOut(Schema):
    id: int
    kind: NotificationKind
    title: str
    body: str
    link: str
    created_at: dt.datetime
    read_at: dt.datetime | None


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=NotificationKind(n.kind),
        title=n.title,
        body=n.body,
        link=n.link,
        created_at=n.created_at,
        read_at=n.read_at,
    )


@router.get(
    "/notifications", response={200: list[NotificationOut], **ERRORS}, summary="Your messages, newest first"
)
def my_notifications(request: HttpRequest, unread: bool = False, limit: int = 100) -> list[NotificationOut]:
    mine = Notification.objects.of(cast(User, request.user).pk)
    if unread:
        mine = mine.unread()
    return [_out(n) for n in mine.order_by("-created_at", "-pk")[: max(1, min(limit, 500))]]


@router.post(
    "/notifications/{int:pk}/read", response={200: NotificationOut, **ERRORS}, summary="Mark a message read"
)
def read(request: HttpRequest, pk: int) -> NotificationOut:
    user = cast(User, request.user)
    notification = get_object_or_404(Notification, pk=pk, recipient=user)
    return _out(actions.mark_read(user, notification))
