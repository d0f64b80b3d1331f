"""The assessment pages: quarters and rankings, one unit's scores and their evidence, manual
items, approval and publication, the recommendation letter, the scheme, and the public page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.assessments import access, actions, evidence, exports
from sunlight.assessments.forms import LetterForm, ManualItemForm, ReasonForm, SchemeForm
from sunlight.assessments.models import (
    FINAL_STATES,
    Assessment,
    AssessmentState,
    ManualItem,
    Scheme,
    Score,
)
from sunlight.assessments.periods import Quarter
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs import authority
from sunlight.orgs.access import request_roles, role_required
from sunlight.orgs.models import Role

READERS = (Role.SUPERVISION, Role.ADMINISTRATION, Role.MONITORING, Role.WORKBENCH)


@dataclass(frozen=True)
class Viewer:
    """How the person reads assessments: as an inspector, an administrator, or their unit."""

    kind: str  # "inspector", "admin", "unit"
    unit_ids: set[int] | None  # None: every unit

    @property
    def inspector(self) -> bool:
        return self.kind == "inspector"

    def sees(self, assessment: Assessment) -> bool:
        if self.unit_ids is not None and assessment.unit_id not in self.unit_ids:
            return False
        return self.kind != "unit" or assessment.state in FINAL_STATES


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def viewer(request: HttpRequest) -> Viewer:
    roles = request_roles(request)
    if Role.SUPERVISION in roles:
        return Viewer("inspector", authority.supervised_unit_ids(_user(request)))
    if Role.ADMINISTRATION in roles:
        return Viewer("admin", None)
    units = access.unit_scope(_user(request))
    if not units:
        raise PermissionDenied(
            _(
                "Assessments are read by the commission, administrators and each unit's leaders and monitoring centre."
            )
        )
    return Viewer("unit", units)


def _quarter(year: int, number: int) -> Quarter:
    if not 1 <= number <= 4 or not 2016 <= year <= 2100:
        raise Http404
    return Quarter(year, number)


def _visible(request: HttpRequest, quarter: Quarter) -> tuple[Viewer, list[Assessment]]:
    who = viewer(request)
    found = [a for a in Assessment.objects.of_quarter(quarter.year, quarter.number).ranked() if who.sees(a)]
    return who, found


def _refused(exc: Refused) -> PermissionDenied:
    return PermissionDenied(exc.message)


@role_required(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    who = viewer(request)
    rows = Assessment.objects.all()
    if who.unit_ids is not None:
        rows = rows.filter(unit_id__in=who.unit_ids)
    if who.kind == "unit":
        rows = rows.filter(state__in=FINAL_STATES)
    quarters = list(
        rows.values("year", "quarter")
        .annotate(units=Count("id"), state=Min("state"), as_of=Max("as_of"))
        .order_by("-year", "-quarter")
    )
    current = Quarter.current()
    return render(
        request,
        "assessments/index.html",
        {
            "viewer": who,
            "quarters": quarters,
            "computable": [current, current.previous()],
            "states": dict(AssessmentState.choices),
        },
    )


@role_required(Role.SUPERVISION)
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    quarter = Quarter.parse(request.POST.get("quarter", ""))
    if quarter is None:
        messages.error(request, _("Choose a quarter."))
        return redirect("assessments:index")
    try:
        actions.compute_quarter(Actor.from_request(request), quarter)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessments:index")
    except Refused as exc:
        raise _refused(exc) from exc
    messages.success(request, _("The quarter was computed."))
    return redirect("assessments:quarter", year=quarter.year, quarter=quarter.number)


@role_required(*READERS)
def quarter_page(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    period = _quarter(year, quarter)
    who, found = _visible(request, period)
    if not found and who.kind == "unit":
        raise Http404
    return render(
        request,
        "assessments/quarter.html",
        {
            "viewer": who,
            "quarter": period,
            "assessments": found,
            "state": found[0].state if found else None,
            "to_date": any(a.to_date for a in found),
            "form": ReasonForm(),
        },
    )


def _move(request: HttpRequest, year: int, quarter: int, step: str) -> HttpResponse:
    period = _quarter(year, quarter)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if step == "approve":
            actions.approve_quarter(Actor.from_request(request), period, reason=reason)
            messages.success(request, _("The quarter's results are approved."))
        else:
            actions.publish_quarter(Actor.from_request(request), period)
            messages.success(request, _("The quarter's results are published on the portal."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Refused as exc:
        raise _refused(exc) from exc
    return redirect("assessments:quarter", year=year, quarter=quarter)


@role_required(Role.SUPERVISION)
@require_POST
def approve(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    return _move(request, year, quarter, "approve")


@role_required(Role.SUPERVISION)
@require_POST
def publish(request: HttpRequest, year: int, quarter: int) -> HttpResponse:
    return _move(request, year, quarter, "publish")


def _assessment(request: HttpRequest, year: int, quarter: int, unit_id: int) -> tuple[Viewer, Assessment]:
    who = viewer(request)
    found = get_object_or_404(
        Assessment.objects.select_related("unit", "scheme", "letter"),
        year=year,
        quarter=quarter,
        unit_id=unit_id,
    )
    if not who.sees(found):
        raise Http404
    return who, found


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def unit_assessment(request: HttpRequest, year: int, quarter: int, unit_id: int) -> HttpResponse:
    who, found = _assessment(request, year, quarter, unit_id)
    form = ManualItemForm(request.POST or None)
    if request.method == "POST":
        if not who.inspector:
            raise PermissionDenied(_("Manual items are entered by the commission's inspectors."))
        if form.is_valid():
            try:
                actions.add_manual_item(
                    Actor.from_request(request),
                    found,
                    points_centi=form.cleaned_data["points"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            except Refused as exc:
                raise _refused(exc) from exc
            else:
                messages.success(request, _("The manual item was added."))
                return redirect("assessments:unit", year=year, quarter=quarter, unit_id=unit_id)
    scores = list(Score.objects.filter(assessment=found).order_by("pk"))
    items = list(ManualItem.objects.filter(assessment=found).select_related("entered_by"))
    return render(
        request,
        "assessments/unit.html",
        {
            "viewer": who,
            "assessment": found,
            "scores": scores,
            "items": items,
            "form": form,
            "letter_form": LetterForm(initial={"text": found.letter_draft}),
        },
    )


@role_required(Role.SUPERVISION)
@require_POST
def letter(request: HttpRequest, year: int, quarter: int, unit_id: int) -> HttpResponse:
    _who, found = _assessment(request, year, quarter, unit_id)
    try:
        if "issue" in request.POST:
            actions.issue_letter(Actor.from_request(request), found)
            messages.success(request, _("The recommendation letter was issued."))
        else:
            form = LetterForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Write the letter."))
            else:
                actions.edit_letter(Actor.from_request(request), found, text=form.cleaned_data["text"])
                messages.success(request, _("The letter draft was saved."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Refused as exc:
        raise _refused(exc) from exc
    return redirect("assessments:unit", year=year, quarter=quarter, unit_id=unit_id)


@role_required(*READERS)
def score_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    who = viewer(request)
    score = get_object_or_404(Score.objects.select_related("assessment__unit"), pk=pk)
    if who.kind == "admin" or not who.sees(score.assessment):
        raise Http404
    return render(
        request,
        "assessments/evidence.html",
        {
            "score": score,
            "assessment": score.assessment,
            "groups": evidence.groups(score, inspector=who.inspector),
        },
    )


def record_export(
    request: HttpRequest, what: str, obj: tuple[str, str | int], fmt: str, detail: dict[str, Any]
) -> None:
    """Exports by inspectors and administrators are sensitive reads: written to the ledger."""
    standing = access.reader_standing(_user(request), request_roles(request))
    if standing is None:
        return
    appended_atomically(
        Actor.from_request(request).acting_as(standing),
        "assessments.export",
        obj,
        detail={"what": what, "format": fmt, **detail},
    )


def send(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exports.XLSX if fmt == "xlsx" else exports.PDF)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@role_required(*READERS)
def export_quarter(
    request: HttpRequest, year: int, quarter: int, fmt: str, unit_id: int | None = None
) -> HttpResponse:
    period = _quarter(year, quarter)
    _who, found = _visible(request, period)
    if unit_id is not None:
        found = [a for a in found if a.unit_id == unit_id]
    if not found:
        raise Http404
    scores: dict[int, list[Score]] = {}
    for score in Score.objects.filter(assessment__in=found).order_by("pk"):
        scores.setdefault(score.assessment_id, []).append(score)
    items: dict[int, list[ManualItem]] = {}
    for item in ManualItem.objects.filter(assessment__in=found):
        items.setdefault(item.assessment_id, []).append(item)
    sections = exports.assessment_sections(found, scores, items)
    title = _("Quarterly assessment %(quarter)s") % {"quarter": period.code}
    if unit_id is not None:
        title = f"{title} · {found[0].unit.name}"
    record_export(request, "assessment", ("assessments.quarter", period.code), fmt, {"unit": unit_id})
    if fmt == "xlsx":
        content = exports.to_xlsx(sections)
    else:
        subtitle = _("Data through %(day)s") % {"day": max(a.as_of for a in found).isoformat()}
        content = exports.to_pdf(title, subtitle, sections)
    return send(content, fmt, f"assessment-{period.code}" + (f"-{unit_id}" if unit_id else ""))


# ------------------------------------------------------------------------------------- scheme


@role_required(Role.ADMINISTRATION)
def schemes(request: HttpRequest) -> HttpResponse:
    current = Quarter.current().year
    return render(
        request,
        "assessments/schemes.html",
        {"schemes": list(Scheme.objects.prefetch_related("rules")), "years": [current, current + 1]},
    )


@role_required(Role.ADMINISTRATION)
@require_http_methods(["GET", "POST"])
def scheme(request: HttpRequest, year: int) -> HttpResponse:
    if not 2016 <= year <= 2100:
        raise Http404
    found = Scheme.objects.filter(year=year).prefetch_related("rules").first()
    form = SchemeForm(request.POST or None, scheme=found)
    if request.method == "POST" and form.is_valid():
        try:
            actions.configure_scheme(
                Actor.from_request(request),
                year=year,
                rules=form.rules(),
                thresholds=form.thresholds(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise _refused(exc) from exc
        else:
            messages.success(request, _("The %(year)s scheme was saved.") % {"year": year})
            return redirect("assessments:schemes")
    return render(request, "assessments/scheme.html", {"form": form, "year": year, "scheme": found})


# ------------------------------------------------------------------------------------- public


def published(request: HttpRequest) -> HttpResponse:
    """The public page: published quarters (ranks, totals and grades; no personal data)."""
    quarters = list(
        Assessment.objects.published()
        .values("year", "quarter")
        .annotate(units=Count("id"))
        .order_by("-year", "-quarter")
    )
    chosen = quarters[0] if quarters else None
    year, number = request.GET.get("year", ""), request.GET.get("quarter", "")
    if year.isdigit() and number.isdigit():
        chosen = next((q for q in quarters if q["year"] == int(year) and q["quarter"] == int(number)), None)
        if chosen is None:
            raise Http404
    rows = (
        list(Assessment.objects.published().of_quarter(chosen["year"], chosen["quarter"]).ranked())
        if chosen
        else []
    )
    return render(
        request, "assessments/published.html", {"quarters": quarters, "chosen": chosen, "rows": rows}
    )
