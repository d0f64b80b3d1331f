"""Pages for reports: the reporter's (file, follow, answer) and the inspectors' (举报受理).

Reporter pages store nothing about the request: no session, no address (the throttle keeps a
keyed hash of failed receipt look-ups for a minute, see `sunlight.portal.throttle`), and their
responses are never cached.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs import authority
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Role
from sunlight.portal import throttle
from sunlight.portal.models import ThrottleScope
from sunlight.reports import actions
from sunlight.reports.authority import district_inspector_standing, inspectors_for
from sunlight.reports.forms import (
    AnswerForm,
    AssignForm,
    ConcludeForm,
    DeclineForm,
    MessageForm,
    ReceiptForm,
    ReportForm,
)
from sunlight.reports.models import Attachment, Report, ReportState, Sender
from sunlight.reports.sealing import unseal


def no_report_message() -> str:
    return _("No report matches this receipt code. Check it and try again.")


def _throttled_message(seconds: int) -> str:
    return _(
        "Too many wrong receipt codes were tried from this computer. "
        "For the reporters' safety, look-ups are paused: try again in %(seconds)s seconds."
    ) % {"seconds": seconds}


@never_cache
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    form = ReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report, code = actions.submit(
                subject_kind=data["subject_kind"],
                unit=data["unit"],
                text=data["text"],
                person=data["person"],
                case_number=data["case_number"],
                name=data["name"],
                contact=data["contact"],
                attachments=[
                    actions.Upload(f.name or "", f.content_type or "application/octet-stream", f.read())
                    for f in data["attachments"]
                ],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            # Shown once, never redirected to: the code is in no URL and in no session.
            return render(
                request, "reports/receipt.html", {"receipt": actions.format_receipt(code), "report": report}
            )
    return render(request, "reports/new.html", {"form": form})


def _reporter_view(report: Report) -> list[dict[str, Any]]:
    """The conversation as the reporter sees it: no inspector's name."""
    return [
        {
            "sender": m.sender,
            "sent_at": m.sent_at,
            "body": unseal(m.body, f"report {report.uid} message {m.uid}").decode("utf-8"),
        }
        for m in report.messages.all()
    ]


@never_cache
@require_http_methods(["GET", "POST"])
def follow(request: HttpRequest) -> HttpResponse:
    """The reporter comes back with the receipt: state, conversation, and an answer form."""
    form = ReceiptForm(request.POST or None)
    answering = request.method == "POST" and "body" in request.POST
    answer_form = AnswerForm(request.POST if answering else None)
    context: dict[str, Any] = {"form": form, "answer_form": answer_form}
    status = 200
    report = None
    if form.is_bound and form.is_valid():
        receipt = form.cleaned_data["receipt"]
        try:
            key = throttle.check(request, ThrottleScope.REPORT_RECEIPT)
        except throttle.Throttled as exc:
            form.add_error(None, _throttled_message(exc.retry_after))
            status = 429
        else:
            report = actions.find_by_receipt(receipt)
            if report is None:
                throttle.failed(ThrottleScope.REPORT_RECEIPT, key)
                form.add_error(None, no_report_message())
    if report is not None and answering and answer_form.is_valid():
        try:
            actions.answer(
                report, receipt=form.cleaned_data["receipt"], body=answer_form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_errors(answer_form, exc)
        else:
            context["answered"] = True
            context["answer_form"] = AnswerForm()
    if report is not None:
        context |= {
            "report": report,
            "receipt": form.cleaned_data["receipt"],
            "conversation": _reporter_view(report),
            "inspector": Sender.INSPECTOR,
        }
        context["form"] = ReceiptForm()
    return render(request, "reports/follow.html", context, status=status)


# The inspectors' pages.


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _visible(request: HttpRequest) -> Any:
    return Report.objects.of_units(authority.supervised_unit_ids(_user(request)))


@role_required(Role.SUPERVISION)
def inbox(request: HttpRequest) -> HttpResponse:
    """举报受理: the jurisdiction's reports (no content here), the inspector's own first."""
    user = _user(request)
    reports = _visible(request).select_related("unit").prefetch_related("assignments__inspector")
    return render(
        request,
        "reports/inbox.html",
        {
            "mine": reports.assigned_to(user.pk).exclude(
                state__in=[ReportState.CONCLUDED, ReportState.DECLINED]
            ),
            "unassigned": reports.filter(state=ReportState.RECEIVED),
            "all": reports[:200],
            "assigner": district_inspector_standing(user) is not None,
        },
    )


def _report(request: HttpRequest, pk: int) -> Report:
    return cast(Report, get_object_or_404(_visible(request).select_related("unit"), pk=pk))


def _detail(request: HttpRequest, report: Report, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    assigned = report.assignments.filter(inspector=user).exists()
    context: dict[str, Any] = {
        "report": report,
        "assigned": assigned,
        "assignments": report.assignments.select_related("inspector", "post", "assigned_by"),
        "assigner": district_inspector_standing(user) is not None,
        "message_form": MessageForm(),
        "decline_form": DeclineForm(),
        "conclude_form": ConcludeForm(),
        **forms,
    }
    if context["assigner"] and "assign_form" not in forms:
        context["assign_form"] = _assign_form(report)
    if assigned:
        context["content"] = actions.read(Actor.from_request(request), report)
    return render(request, "reports/detail.html", context, status=status)


def _assign_form(report: Report, data: Any = None) -> AssignForm:
    return AssignForm(data, choices=[(u.pk, u.full_name) for u in inspectors_for(report.unit)])


@never_cache
@role_required(Role.SUPERVISION)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _report(request, pk))


@require_POST
@role_required(Role.SUPERVISION)
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = _assign_form(report, request.POST)
    if form.is_valid():
        people = list(User.objects.filter(pk__in=form.cleaned_data["inspectors"]))
        try:
            actions.assign(Actor.from_request(request), report, people)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("reports:detail", pk=report.pk)
    return _detail(request, report, 400, assign_form=form)


@require_POST
@role_required(Role.SUPERVISION)
def handle(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Accept, decline, write to the reporter, or conclude: one action each."""
    report = _report(request, pk)
    actor = Actor.from_request(request)
    form: forms.Form
    run: Callable[[dict[str, Any]], object]
    if step == "accept":
        try:
            actions.accept(actor, report)
        except ValidationError as exc:
            return _detail(request, report, 400, error=" ".join(exc.messages))
        return redirect("reports:detail", pk=report.pk)
    if step == "ask":
        form, key = MessageForm(request.POST), "message_form"

        def run(data: dict[str, Any]) -> object:
            return actions.ask(actor, report, body=data["body"])

    elif step == "decline":
        form, key = DeclineForm(request.POST), "decline_form"

        def run(data: dict[str, Any]) -> object:
            return actions.decline(actor, report, reply=data["reply"])

    elif step == "conclude":
        form, key = ConcludeForm(request.POST), "conclude_form"

        def run(data: dict[str, Any]) -> object:
            return actions.conclude(
                actor, report, finding=data["finding"], verification=data["verification"], reply=data["reply"]
            )

    else:
        raise Http404
    if form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("reports:detail", pk=report.pk)
    return _detail(request, report, 400, **{key: form})


@never_cache
@require_POST
@role_required(Role.SUPERVISION)
def identity(request: HttpRequest, pk: int) -> HttpResponse:
    """The reporter's identity, shown on demand (a separate recorded read)."""
    report = _report(request, pk)
    found = actions.read_identity(Actor.from_request(request), report)
    return _detail(request, report, identity=found or {}, identity_shown=True)


@never_cache
@role_required(Role.SUPERVISION)
def attachment(request: HttpRequest, pk: int, attachment_id: int) -> FileResponse:
    report = _report(request, pk)
    found = get_object_or_404(Attachment.objects.select_related("report"), pk=attachment_id, report=report)
    upload = actions.read_attachment(Actor.from_request(request), found)
    # Always a download, never rendered inline: the content is whatever the reporter sent.
    return FileResponse(
        io.BytesIO(upload.data),
        as_attachment=True,
        filename=upload.name or f"attachment-{found.pk}",
        content_type="application/octet-stream",
    )
