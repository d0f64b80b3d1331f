"""Pages for ratings: the rater's form, the published satisfaction, the unit's and inspectors' work."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.cases.models import Case
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs import authority
from sunlight.orgs.access import is_verified, request_roles, role_required
from sunlight.orgs.models import Role
from sunlight.portal import throttle
from sunlight.portal.kiosk import page_context
from sunlight.portal.lookup import NO_MATCH, CaseCodeForm, find_case, throttled_message
from sunlight.ratings import actions, queries
from sunlight.ratings.forms import AppealDecisionForm, AppealForm, ContactForm, RateForm, RectificationForm
from sunlight.ratings.models import Appeal, AppealState, Rating, RatingChannel, TaskState


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@never_cache
@require_http_methods(["GET", "POST"])
def rate(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    """The applicant rates a concluded case: number and code first, then the grade."""
    context: dict[str, Any] = page_context(kiosk)
    status = 200
    # The rating form carries `rate`; the button on the query page and the number-and-code
    # form do not, and lead to the rating form once the code is checked.
    choosing = request.method == "POST" and "rate" not in request.POST
    form: CaseCodeForm = CaseCodeForm(request.POST) if choosing else RateForm(request.POST or None)
    case: Case | None = None
    if form.is_bound and form.is_valid():
        try:
            case = find_case(request, form.cleaned_data["number"], form.cleaned_data["code"])
        except throttle.Throttled as exc:
            form.add_error(None, throttled_message(exc.retry_after))
            status = 429
        else:
            if case is None:
                form.add_error(None, NO_MATCH)
    if case is not None and not choosing:
        channel = RatingChannel.KIOSK if kiosk else RatingChannel.PORTAL
        try:
            rating = actions.rate(
                Actor.system(Channel.PORTAL),
                case,
                code=form.cleaned_data["code"],
                grade=form.cleaned_data["grade"],
                comment=form.cleaned_data["comment"],
                channel=channel,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            context |= {"rating": rating, "case": case, "view": queries.rater_view(case)}
            return render(request, "ratings/thanks.html", context)
    if case is not None:
        code = form.cleaned_data["code"]
        context |= {
            "case": case,
            "view": queries.rater_view(case),
            "proof": {"number": case.number, "code": code},
        }
        if choosing:
            form = RateForm(initial={"number": case.number, "code": code})
    context["form"] = form
    return render(request, "ratings/rate.html", context, status=status)


def kiosk_rate(request: HttpRequest) -> HttpResponse:
    return rate(request, kiosk=True)


def satisfaction(request: HttpRequest, kiosk: bool = False) -> HttpResponse:
    context = page_context(kiosk) | {
        "units": queries.satisfaction_by_unit(),
        "items": queries.satisfaction_by_item(),
    }
    return render(request, "ratings/satisfaction.html", context)


@never_cache
def kiosk_satisfaction(request: HttpRequest) -> HttpResponse:
    return satisfaction(request, kiosk=True)


def _readable(request: HttpRequest) -> Any:
    """Ratings this person may open: their monitored units', or an inspector's jurisdiction."""
    user = _user(request)
    if Role.SUPERVISION in request_roles(request) and is_verified(request):
        return Rating.objects.of_units(authority.supervised_unit_ids(user))
    return Rating.objects.of_units(authority.monitored_unit_ids(user))


@role_required(Role.MONITORING, Role.SUPERVISION)
def unit_ratings(request: HttpRequest) -> HttpResponse:
    """好差评整改: bad ratings with their callbacks, rectifications and appeals; recent ratings."""
    readable = _readable(request).select_related("case", "unit", "callback", "rectification", "appeal")
    return render(
        request,
        "ratings/unit.html",
        {
            "open_bad": [
                r
                for r in readable.bad().order_by("-rated_at")[:200]
                if getattr(r, "rectification", None) is None or r.rectification.state == TaskState.OPEN
            ],
            "recent": readable.order_by("-rated_at")[:50],
            "today": timezone.localdate(),
        },
    )


@role_required(Role.MONITORING, Role.SUPERVISION)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    rating = get_object_or_404(
        _readable(request).select_related(
            "case__definition", "case__applicant", "unit", "callback", "rectification", "appeal"
        ),
        pk=pk,
    )
    monitor = rating.unit_id in authority.monitored_unit_ids(_user(request))
    return render(
        request,
        "ratings/detail.html",
        {
            "rating": rating,
            "contacts": rating.contacts.select_related("recorded_by", "post"),
            "monitor": monitor,
            "contact_form": ContactForm(),
            "rectification_form": RectificationForm(),
            "appeal_form": AppealForm(),
        },
    )


def _act(request: HttpRequest, rating: Rating, form: Any, run: Any, template_key: str) -> HttpResponse:
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("ratings:detail", pk=rating.pk)
    context = {
        "rating": rating,
        "contacts": rating.contacts.select_related("recorded_by", "post"),
        "monitor": True,
        "contact_form": ContactForm(),
        "rectification_form": RectificationForm(),
        "appeal_form": AppealForm(),
        template_key: form,
    }
    return render(request, "ratings/detail.html", context, status=400)


def _own_rating(request: HttpRequest, pk: int) -> Rating:
    rating = Rating.objects.select_related("case", "unit").filter(pk=pk).first()
    if rating is None or rating.unit_id not in authority.monitored_unit_ids(_user(request)):
        raise Http404
    return rating


@require_POST
@role_required(Role.MONITORING)
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    rating = _own_rating(request, pk)
    actor = Actor.from_request(request)
    return _act(
        request,
        rating,
        ContactForm(request.POST),
        lambda data: actions.record_contact(
            actor, rating, kind=data["kind"], occurred_at=data["occurred_at"], note=data["note"]
        ),
        "contact_form",
    )


@require_POST
@role_required(Role.MONITORING)
def rectify(request: HttpRequest, pk: int) -> HttpResponse:
    rating = _own_rating(request, pk)
    rectification = getattr(rating, "rectification", None)
    if rectification is None:
        raise Http404
    actor = Actor.from_request(request)
    return _act(
        request,
        rating,
        RectificationForm(request.POST),
        lambda data: actions.complete_rectification(actor, rectification, measures=data["measures"]),
        "rectification_form",
    )


@require_POST
@role_required(Role.MONITORING)
def appeal(request: HttpRequest, pk: int) -> HttpResponse:
    rating = _own_rating(request, pk)
    actor = Actor.from_request(request)
    return _act(
        request,
        rating,
        AppealForm(request.POST),
        lambda data: actions.file_appeal(actor, rating, reason=data["reason"]),
        "appeal_form",
    )


@role_required(Role.SUPERVISION)
def appeals(request: HttpRequest) -> HttpResponse:
    """申诉裁决: appeals of the inspector's jurisdiction, the undecided first."""
    units = authority.supervised_unit_ids(_user(request))
    found = Appeal.objects.select_related("rating__case", "unit", "filed_by").order_by("filed_at")
    if units is not None:
        found = found.filter(unit_id__in=units)
    return render(
        request,
        "ratings/appeals.html",
        {
            "filed": found.filter(state=AppealState.FILED),
            "decided": found.exclude(state=AppealState.FILED).order_by("-decided_at")[:50],
        },
    )


@role_required(Role.SUPERVISION)
@require_http_methods(["GET", "POST"])
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    units = authority.supervised_unit_ids(_user(request))
    found = Appeal.objects.select_related("rating__case__definition", "unit", "filed_by", "decided_by")
    appeal = get_object_or_404(found if units is None else found.filter(unit_id__in=units), pk=pk)
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decide_appeal(
                Actor.from_request(request),
                appeal,
                uphold=form.cleaned_data["decision"] == "uphold",
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("ratings:appeal", pk=appeal.pk)
    return render(
        request,
        "ratings/appeal.html",
        {
            "appeal": appeal,
            "rating": appeal.rating,
            "contacts": appeal.rating.contacts.select_related("recorded_by"),
            "form": form,
        },
    )
