"""The decision step's page: facts in, the benchmark's proposal out, then the fine within the range."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sunlight.accounts.models import User
from sunlight.cases import actions as case_actions
from sunlight.checkpoints import discretion
from sunlight.checkpoints.models import Benchmark
from sunlight.enforcement import decisions
from sunlight.enforcement.forms import DecisionForm
from sunlight.enforcement.models import Evidence
from sunlight.enforcement.views import readable_case
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Role


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@role_required(Role.WORKBENCH)
@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, number: str) -> HttpResponse:
    case = readable_case(request, number)
    step = decisions.decision_step(case)
    context: dict[str, Any] = {"case": case, "step": step, "pending": decisions.pending(case)}
    benchmarks = decisions.benchmarks_of(case)
    if step is None or not benchmarks:
        context["closed"] = step is None
        return render(request, "enforcement/decision.html", context)
    try:
        case_actions.standing_for_step(Actor.from_request(request), step, "enforcement.decide_penalty")
    except Refused as exc:
        context["not_yours"] = exc.message
        return render(request, "enforcement/decision.html", context)
    if context["pending"] is not None:
        return _pending(request, case, context)
    chosen = request.POST.get("benchmark") or request.GET.get("benchmark") or benchmarks[0].code
    benchmark = next((b for b in benchmarks if b.code == chosen), benchmarks[0])
    version = discretion.version_in_force(benchmark)
    evidence = list(Evidence.objects.of_case(case.pk).order_by("device_time", "pk"))
    context.update({"benchmarks": benchmarks, "benchmark": benchmark, "version": version})
    if version is None:
        return render(request, "enforcement/decision.html", context)
    bound = request.method == "POST"
    form = DecisionForm(request.POST if bound else None, version=version, evidence=evidence)
    context["form"] = form
    if bound and form.is_valid():
        context["proposal"] = _proposal(form, benchmark)
        if request.POST.get("action") == "decide" and context["proposal"] is not None:
            return _decide(request, case, benchmark, form, context)
    return render(request, "enforcement/decision.html", context)


def _proposal(form: DecisionForm, benchmark: Benchmark) -> discretion.Proposal | None:
    try:
        return decisions.propose(benchmark, form.facts())
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            exc = ValidationError({f"fact_{k}": v for k, v in exc.error_dict.items()})
        apply_errors(form, exc)
        return None


def _decide(
    request: HttpRequest, case: Any, benchmark: Benchmark, form: DecisionForm, context: dict[str, Any]
) -> HttpResponse:
    data = form.cleaned_data
    try:
        record = decisions.decide_penalty(
            Actor.from_request(request),
            case,
            benchmark=benchmark,
            facts=form.facts(),
            amount_fen=data["amount"],
            justification=data.get("justification") or "",
            reason=data.get("reason") or "",
            evidence_ids=[int(pk) for pk in data.get("evidence") or []],
        )
    except ValidationError as exc:
        apply_errors(form, exc)
    except Refused as exc:
        form.add_error("amount", exc.message)
    else:
        if record.completed_at is not None:
            messages.success(request, _("The penalty is decided and the decision step is done."))
            return redirect("cases:detail", number=case.number)
        messages.warning(
            request,
            _("The fine is outside the range: it now waits for the head's approval on the benchmark's page."),
        )
        return redirect("enforcement:decision", number=case.number)
    return render(request, "enforcement/decision.html", context)


def _pending(request: HttpRequest, case: Any, context: dict[str, Any]) -> HttpResponse:
    record = context["pending"]
    if request.method == "POST" and request.POST.get("action") == "conclude":
        try:
            decisions.conclude_decision(
                Actor.from_request(request), record, reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Refused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The decision step is done with the approved fine."))
            return redirect("cases:detail", number=case.number)
        return redirect("enforcement:decision", number=case.number)
    return render(request, "enforcement/decision.html", context)
