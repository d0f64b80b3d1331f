"""`{% notifications_badge %}`: the number of unread messages, linking to them, for the page header
(nothing when there are none, or for a visitor who is not signed in)."""

from __future__ import annotations

from typing import Any

from django import template

from sunlight.notifications.models import Notification

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def notifications_badge(context: dict[str, Any]) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread": 0}
    # One COUNT over the partial index notifications_unread.
    return {"unread": Notification.objects.of(user.pk).unread().count()}
