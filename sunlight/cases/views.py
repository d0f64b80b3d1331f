"""Pages for cases: accept an application, the case page, complete a step, suspend, extend."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.cases import actions, prewarning, queries
from sunlight.cases.forms import StartCaseForm, StepForm
from sunlight.cases.models import Case, Extension, ExtensionState, Step, StepState
from sunlight.ledger.actions import appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import form_only_for, is_verified, request_roles, role_required
from sunlight.orgs.models import Organisation, OrgKind, Role
from sunlight.processes import diagram
from sunlight.processes.models import ProcessDefinition
from sunlight.processes.views import unit_names

STAFF = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _is_inspector(request: HttpRequest) -> bool:
    return Role.SUPERVISION in request_roles(request) and is_verified(request)


def _case_for(request: HttpRequest, number: str) -> Case:
    """The case, if this person may read it; inspectors' reads are recorded (sensitive data)."""
    inspector = _is_inspector(request)
    case = queries.readable_cases(_user(request), inspector=inspector).filter(number=number).first()
    if case is None:
        raise Http404
    if inspector:
        appended_atomically(Actor.from_request(request), "cases.read", case)
    return cast(Case, case)


@role_required(Role.WORKBENCH)
def new(request: HttpRequest) -> HttpResponse:
    """The processes this clerk can accept applications for."""
    user = _user(request)
    units = queries.staff_unit_ids(user)
    township = Organisation.objects.filter(
        pk__in=units, kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]
    ).exists()
    definitions = [
        d
        for d in ProcessDefinition.objects.published().select_related("owner").order_by("name")
        if (d.graph.intake == "township" and township) or (d.graph.intake == "owner" and d.owner_id in units)
    ]
    return render(request, "cases/new.html", {"definitions": definitions})


@role_required(Role.WORKBENCH)
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    definition = get_object_or_404(ProcessDefinition.objects.published().select_related("owner"), pk=pk)
    risks = prewarning.risk_points(definition)
    form = StartCaseForm(request.POST or None)
    intake = None
    if definition.graph.intake == "township":
        intake = Organisation.objects.filter(
            pk__in=queries.staff_unit_ids(_user(request)), kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]
        ).first()
    form_only_for(request, actions.accepts_applications(_user(request), intake or definition.owner))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case, code = actions.start_case(
                Actor.from_request(request),
                definition=definition,
                subject=data["subject"],
                applicant=actions.ApplicantData(
                    kind=data["applicant_kind"],
                    name=data["applicant_name"],
                    id_number=data["applicant_id"],
                    phone=data["applicant_phone"],
                ),
                acknowledged=data["acknowledge"],
                acknowledged_risks=[r.id for r in risks],
                intake=intake,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            raise PermissionDenied(exc.message) from exc
        else:
            # The query code is shown once, on the receipt; only its digest is kept.
            return render(request, "cases/receipt.html", {"case": case, "code": code})
    return render(
        request,
        "cases/start.html",
        {"definition": definition, "form": form, "risks": risks, "intake": intake},
    )


@role_required(*STAFF)
def detail(request: HttpRequest, number: str) -> HttpResponse:
    case = _case_for(request, number)
    graph = case.definition.graph
    steps = list(case.steps.select_related("completed_by", "acted_post", "unit").prefetch_related("posts"))
    my_posts = queries.acting_post_ids(_user(request))
    actionable = [
        s for s in steps if s.state == StepState.ACTIVE and {p.pk for p in s.posts.all()} & my_posts
    ]
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "steps": steps,
            "actionable": actionable,
            "suspensions": case.suspensions.all(),
            "extensions": case.extensions.select_related("requested_by", "decided_by"),
            "suspension_kinds": graph.suspensions,
            "extension_rule": graph.extension,
            "svg": diagram.svg(graph, queries.node_states(case), unit_names()),
            "inspector": _is_inspector(request),
        },
    )


@role_required(Role.WORKBENCH)
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, number: str, step_id: int) -> HttpResponse:
    case = _case_for(request, number)
    item = get_object_or_404(Step, pk=step_id, case=case)
    if item.node_id == "decide" and case.definition.code.endswith("-XZCF"):
        # A penalty is decided against the discretion benchmark, on enforcement's own page.
        return redirect("enforcement:decision", number=case.number)
    node = case.definition.graph.node(item.node_id)
    form = StepForm(request.POST or None, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            actions.complete_step(
                Actor.from_request(request),
                item,
                values=form.values(),
                decision=form.cleaned_data.get("decision", ""),
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        except Refused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Step %(step)s is done.") % {"step": item.name})
            return redirect("cases:detail", number=case.number)
    return render(request, "cases/step.html", {"case": case, "step": item, "form": form})


def _post_action(request: HttpRequest, number: str, run: Any, done: str) -> HttpResponse:
    case = _case_for(request, number)
    try:
        run(Actor.from_request(request), case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("cases:detail", number=case.number)


@role_required(Role.WORKBENCH)
@require_POST
def suspend(request: HttpRequest, number: str) -> HttpResponse:
    post = request.POST
    return _post_action(
        request,
        number,
        lambda actor, case: actions.suspend_case(
            actor,
            case,
            kind_code=post.get("kind_code", ""),
            reason=post.get("reason", ""),
            notice=post.get("notice", ""),
        ),
        _("The clock is suspended."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def resume(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor, case: actions.resume_case(actor, case, note=request.POST.get("note", "")),
        _("The clock runs again; the due dates moved by the suspended days."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def extend(request: HttpRequest, number: str) -> HttpResponse:
    post = request.POST
    days = int(post["days"]) if post.get("days", "").isdigit() else 0
    return _post_action(
        request,
        number,
        lambda actor, case: actions.request_extension(
            actor, case, days=days, reason=post.get("reason", ""), notice=post.get("notice", "")
        ),
        _("The extension is requested; it needs the approver's decision."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def decide_extension(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    approve = request.POST.get("approve") == "1"

    def run(actor: Actor, case: Case) -> None:
        extension = get_object_or_404(Extension, pk=pk, case=case, state=ExtensionState.REQUESTED)
        actions.decide_extension(actor, extension, approve=approve, reason=request.POST.get("reason", ""))

    return _post_action(request, number, run, _("The extension is decided."))


@role_required(Role.WORKBENCH)
@require_POST
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    return _post_action(
        request,
        number,
        lambda actor, case: actions.withdraw_case(actor, case, reason=request.POST.get("reason", "")),
        _("The case is withdrawn."),
    )


@role_required(Role.WORKBENCH)
@require_POST
def bulk_complete(request: HttpRequest) -> HttpResponse:
    """Complete several steps without required fields, each through the same action."""
    done, failed = 0, []
    for step_id in request.POST.getlist("step"):
        item = Step.objects.select_related("case").filter(pk=step_id).first() if step_id.isdigit() else None
        if item is None:
            continue
        node = item.case.definition.graph.node(item.node_id)
        if node.decision or any(f.required for f in node.form):
            failed.append(_("%(case)s: this step has a form to fill in.") % {"case": item.case.number})
            continue
        try:
            actions.complete_step(Actor.from_request(request), item, values={})
            done += 1
        except (ValidationError, Refused) as exc:
            message = exc.message if isinstance(exc, Refused) else " ".join(exc.messages)
            failed.append(f"{item.case.number}: {message}")
    if done:
        messages.success(request, _("%(n)d steps done.") % {"n": done})
    for message in failed:
        messages.error(request, message)
    return redirect("orgs:workbench")
