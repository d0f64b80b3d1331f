"""Alarm pages: the list (a monitoring centre's 报警处置, an inspector's 报警核查), one alarm with
its disposal, each step's form, and raising an alarm by hand."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.alarms import actions, lifecycle, queries
from sunlight.alarms.forms import AccountabilityForm, FilterForm, RaiseForm, TransitionForm
from sunlight.alarms.models import Accountability, Alarm, AlarmEvent, AlarmState, Transition
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Role

STAFF = (Role.MONITORING, Role.SUPERVISION)
# The work lists: what waits on the monitoring centre, and what waits on the inspectors.
STATE_FILTERS = {
    "to_explain": (AlarmState.RAISED,),
    "to_rectify": (AlarmState.LETTER, AlarmState.ACCOUNTABILITY),
    "to_verify": (AlarmState.EXPLAINED, AlarmState.VERIFIED, AlarmState.RECTIFIED),
}
PAGE = 50


@role_required(*STAFF)
def alarm_list(request: HttpRequest) -> HttpResponse:
    scope = queries.scope_of(request)
    form = FilterForm(request.GET or None, unit_ids=scope.unit_ids)
    alarms = scope.alarms()
    state = "open"
    if form.is_valid():
        data = form.cleaned_data
        state = data["state"] or "open"
        if data["kind"]:
            alarms = alarms.filter(kind=data["kind"])
        if data["unit"]:
            alarms = alarms.filter(unit=data["unit"])
    if state == "open":
        alarms = alarms.open()
    elif state in STATE_FILTERS:
        alarms = alarms.filter(state__in=STATE_FILTERS[state])
    elif state == "stage_overdue":
        alarms = alarms.open().stage_overdue(timezone.localdate())
    page = Paginator(queries.listing(alarms), PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "alarms/list.html",
        {"form": form, "page": page, "scope": scope, "today": timezone.localdate()},
    )


def _visible(request: HttpRequest, pk: int) -> tuple[Alarm, queries.Scope]:
    scope = queries.scope_of(request)
    alarm = scope.alarms().select_related("unit", "person", "letter").filter(pk=pk).first()
    if alarm is None:
        raise Http404
    return alarm, scope


def _forms(alarm: Alarm, user: User, data: Any = None, failed: Transition | None = None) -> dict[str, Any]:
    forms: dict[str, Any] = {}
    for transition in lifecycle.available(user, alarm):
        bound = data if transition == failed else None
        if transition == Transition.ACCOUNTABILITY:
            forms[transition.value] = AccountabilityForm(bound, alarm=alarm)
        else:
            forms[transition.value] = TransitionForm(bound, transition=transition)
    return forms


def _detail(request: HttpRequest, alarm: Alarm, forms: dict[str, Any], status: int = 200) -> HttpResponse:
    events = list(AlarmEvent.objects.filter(alarm=alarm).timeline())
    accountability = (
        Accountability.objects.filter(alarm=alarm)
        .select_related("responsible", "responsible_post", "leader", "leader_post", "notice")
        .first()
    )
    return render(
        request,
        "alarms/detail.html",
        {
            "alarm": alarm,
            "events": events,
            "forms": forms,
            "accountability": accountability,
            "today": timezone.localdate(),
        },
        status=status,
    )


@role_required(*STAFF)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alarm, _scope = _visible(request, pk)
    return _detail(request, alarm, _forms(alarm, cast(User, request.user)))


STEPS: dict[Transition, Callable[..., Alarm]] = {
    Transition.EXPLAIN: actions.explain,
    Transition.VERIFY: actions.verify,
    Transition.DISMISS: actions.dismiss,
    Transition.LETTER: actions.issue_letter,
    Transition.RECTIFY: actions.rectify,
    Transition.CLOSE: actions.close,
}


@role_required(*STAFF)
@require_POST
def take(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    alarm, _scope = _visible(request, pk)
    try:
        transition = Transition(step)
    except ValueError:
        raise Http404 from None
    if transition not in lifecycle.TRANSITIONS:
        raise Http404
    user = cast(User, request.user)
    form: TransitionForm
    if transition == Transition.ACCOUNTABILITY:
        form = AccountabilityForm(request.POST, alarm=alarm)
    else:
        form = TransitionForm(request.POST, transition=transition)
    if form.is_valid():
        data = form.cleaned_data
        actor = Actor.from_request(request)
        try:
            if transition == Transition.ACCOUNTABILITY:
                actions.start_accountability(
                    actor, alarm, responsible=data["responsible"], leader=data["leader"], text=data["text"]
                )
            else:
                STEPS[transition](actor, alarm, text=data["text"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("Recorded: %(step)s.") % {"step": transition.label})
            return redirect("alarms:detail", pk=alarm.pk)
    forms = _forms(alarm, user)
    forms[transition.value] = form
    return _detail(request, alarm, forms, status=400)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def raise_by_hand(request: HttpRequest) -> HttpResponse:
    scope = queries.scope_of(request)
    form = RaiseForm(request.POST or None, unit_ids=scope.unit_ids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alarm = actions.raise_by_hand(
                Actor.from_request(request),
                kind=data["kind"],
                unit=data["unit"],
                message=data["message"],
                subject=data["subject"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            messages.success(request, _("The alarm was raised."))
            return redirect("alarms:detail", pk=alarm.pk)
    return render(request, "alarms/new.html", {"form": form})
