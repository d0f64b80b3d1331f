"""The inbox (消息) for everyone, and the commission's notices (通知) with their read receipts."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.notifications import actions
from sunlight.notifications.forms import NoticeForm
from sunlight.notifications.models import Notice, NoticeReceipt, Notification
from sunlight.orgs import authority
from sunlight.orgs.access import is_verified, request_roles, role_required
from sunlight.orgs.models import Role

PAGE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    mine = Notification.objects.of(_user(request).pk)
    if request.GET.get("unread"):
        mine = mine.unread()
    page = Paginator(mine.order_by("-created_at", "-pk"), PAGE).get_page(request.GET.get("page"))
    return render(
        request, "notifications/inbox.html", {"page": page, "unread_only": bool(request.GET.get("unread"))}
    )


@login_required
@require_POST
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, recipient=_user(request))
    actions.mark_read(_user(request), notification)
    link = notification.link
    if link and url_has_allowed_host_and_scheme(link, allowed_hosts={request.get_host()}):
        return redirect(link)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = actions.mark_all_read(_user(request))
    messages.success(request, _("%(n)d messages marked as read.") % {"n": count})
    return redirect("notifications:inbox")


def _inspector(request: HttpRequest) -> bool:
    return Role.SUPERVISION in request_roles(request) and is_verified(request)


@role_required(Role.SUPERVISION)
def notices(request: HttpRequest) -> HttpResponse:
    sent = Notice.objects.select_related("issuer", "sent_by").annotate(
        recipients=Count("receipts"), read=Count("receipts", filter=Q(receipts__read_at__isnull=False))
    )
    page = Paginator(sent.order_by("-sent_at", "-pk"), PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/notices.html", {"page": page})


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def new_notice(request: HttpRequest) -> HttpResponse:
    form = NoticeForm(request.POST or None, unit_ids=authority.supervised_unit_ids(_user(request)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = actions.send_notice(
                Actor.from_request(request), title=data["title"], body=data["body"], units=data["units"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("The notice was sent."))
            return redirect("notifications:notice", pk=notice.pk)
    return render(request, "notifications/new_notice.html", {"form": form})


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Notice.objects.select_related("issuer", "sent_by"), pk=pk)
    inspector = _inspector(request)
    receipt = actions.read_notice(Actor.from_request(request), found)
    if receipt is None and not inspector:
        raise Http404
    receipts = (
        list(
            NoticeReceipt.objects.filter(notice=found)
            .select_related("unit", "recipient")
            .order_by("unit__sort", "pk")
        )
        if inspector
        else []
    )
    return render(
        request, "notifications/notice.html", {"notice": found, "receipts": receipts, "inspector": inspector}
    )
