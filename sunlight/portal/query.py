"""The public case query (办件查询, S7): on the portal and on the service hall's kiosks.

POST only, so that query codes never land in URLs, access logs or referrers; never cached, so
the next person at a kiosk cannot page back to someone else's case.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sunlight.cases import queries
from sunlight.cases.models import Case, CaseState, Decision, ExtensionState, StepState
from sunlight.portal import throttle
from sunlight.portal.kiosk import page_context
from sunlight.portal.lookup import NO_MATCH, CaseCodeForm, find_case, throttled_message
from sunlight.processes import diagram
from sunlight.processes.views import unit_names
from sunlight.ratings.queries import rater_view


@dataclass(frozen=True)
class PublicStep:
    stage: str
    name: str
    state: str
    state_label: str
    due_date: Any
    completed_on: Any
    overdue: bool


def progress(case: Case) -> dict[str, Any]:
    """What the applicant sees of their case: the course, never a member of staff's name."""
    steps = list(case.steps.order_by("activated_at", "pk"))
    public_steps = [
        PublicStep(
            stage=s.stage_name,
            name=s.name,
            state=s.state,
            state_label=str(s.get_state_display()),
            due_date=s.due_date,
            completed_on=timezone.localdate(s.completed_at) if s.completed_at else None,
            overdue=s.overdue,
        )
        for s in steps
        if s.state != StepState.CANCELLED
    ]
    stages = list(dict.fromkeys(s.stage_name or s.name for s in steps if s.state == StepState.ACTIVE))
    refusal = next(
        (s.reason for s in reversed(steps) if s.decision == Decision.REFUSE and s.reason),
        "",
    )
    guide_url = ""
    if case.definition.power_code:
        try:
            guide_url = reverse("powers:guide", args=[case.definition.power_code])
        except NoReverseMatch:
            guide_url = ""
    return {
        "case": case,
        "steps": public_steps,
        "current_stages": stages,
        "svg": diagram.svg(case.definition.graph, queries.node_states(case), unit_names()),
        "refusal_reasons": refusal if case.state == CaseState.REFUSED else "",
        "suspensions": list(case.suspensions.order_by("started_on")),
        "extensions": list(case.extensions.filter(state=ExtensionState.APPROVED)),
        "guide_url": guide_url,
        "rating": rater_view(case),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def query(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    form = CaseCodeForm(request.POST or None)
    context: dict[str, Any] = {"form": form, **page_context(kiosk)}
    status = 200
    if form.is_bound and form.is_valid():
        number, code = form.cleaned_data["number"], form.cleaned_data["code"]
        try:
            case = find_case(request, number, code)
        except throttle.Throttled as exc:
            form.add_error(None, throttled_message(exc.retry_after))
            context["retry_after"] = exc.retry_after
            status = 429
        else:
            if case is None:
                form.add_error(None, NO_MATCH)
            else:
                context |= progress(case)
                # The code goes back only inside the rating form, posted, never in a URL.
                context["proof"] = {"number": case.number, "code": code}
                form = CaseCodeForm()
                context["form"] = form
    return render(request, "portal/query.html", context, status=status)


def kiosk_query(request: HttpRequest) -> HttpResponse:
    return query(request, kiosk=True)
