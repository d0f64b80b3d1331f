"""Discretion benchmark pages: the tables, "propose a penalty", decisions, the head's review, authoring."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.accounts.models import User
from sunlight.checkpoints import actions, discretion
from sunlight.checkpoints.forms import (
    BenchmarkForm,
    CreateBenchmarkForm,
    DecisionForm,
    ReviewForm,
    RowFormSet,
    facts_form,
)
from sunlight.checkpoints.models import Benchmark, BenchmarkVersion, PenaltyDecision
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.lib.money import to_decimal
from sunlight.orgs import authority
from sunlight.orgs.access import is_verified, request_roles, role_required
from sunlight.orgs.models import PostKind, Role

READERS = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION, Role.ADMINISTRATION)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _kinds_in_unit(user: User, unit_id: int) -> set[str]:
    return {
        a.post.kind for a in authority.current_assignments(user) if a.post.organisation.unit_id == unit_id
    }


def _decisions_visible(request: HttpRequest, benchmark: Benchmark) -> list[PenaltyDecision]:
    user = _user(request)
    decisions = PenaltyDecision.objects.filter(version__benchmark=benchmark).select_related(
        "row", "decided_by", "reviewed_by", "version"
    )
    if Role.SUPERVISION in request_roles(request) and is_verified(request):
        return list(decisions.for_units(authority.supervised_unit_ids(user))[:100])
    if _kinds_in_unit(user, benchmark.unit_id):
        return list(decisions[:100])
    return []


@role_required(*READERS)
def benchmarks(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    # The versions that have started, newest first, for all benchmarks in one query; the
    # version in force is chosen from them by the same rule as `discretion.version_in_force`.
    started = Prefetch(
        "versions",
        queryset=BenchmarkVersion.objects.filter(effective_from__lte=today).order_by("-version"),
        to_attr="started_versions",
    )
    rows = []
    for benchmark in Benchmark.objects.select_related("unit").prefetch_related(started):
        newest = next(iter(benchmark.started_versions), None)
        rows.append({"benchmark": benchmark, "version": discretion.in_force(newest, today)})
    return render(
        request,
        "checkpoints/benchmarks.html",
        {"rows": rows, "can_author": Role.ADMINISTRATION in request_roles(request)},
    )


def _benchmark_page(
    request: HttpRequest,
    benchmark: Benchmark,
    *,
    decision_form: DecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    version = discretion.version_in_force(benchmark)
    kinds = _kinds_in_unit(_user(request), benchmark.unit_id)
    context: dict[str, Any] = {
        "benchmark": benchmark,
        "version": version,
        "decisions": _decisions_visible(request, benchmark),
        "can_decide": bool(kinds & set(actions.DECIDING_POST_KINDS)),
        "is_head": PostKind.HEAD in kinds,
        "can_author": Role.ADMINISTRATION in request_roles(request),
        "review_form": ReviewForm(),
    }
    if version is not None:
        data = (
            request.POST if request.method == "POST" else (request.GET if "propose" in request.GET else None)
        )
        facts = facts_form(version, data)
        context["facts_form"] = facts
        context["rows"] = version.rows.order_by("order")
        if facts.is_bound and facts.is_valid():
            try:
                proposal = discretion.propose(version, discretion.parse_facts(version, facts.cleaned_data))
            except ValidationError as exc:
                apply_errors(facts, exc)
            else:
                context["proposal"] = proposal
                context["decision_form"] = decision_form or DecisionForm(
                    initial={"amount": to_decimal(proposal.row.penalty_min_fen)}
                )
    return render(request, "checkpoints/benchmark_detail.html", context, status=status)


@role_required(*READERS)
def benchmark_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _benchmark_page(request, get_object_or_404(Benchmark.objects.select_related("unit"), code=code))


@role_required(Role.WORKBENCH)
@require_POST
def benchmark_decide(request: HttpRequest, code: str) -> HttpResponse:
    benchmark = get_object_or_404(Benchmark.objects.select_related("unit"), code=code)
    form = DecisionForm(request.POST)
    version = discretion.version_in_force(benchmark)
    if version is None or not form.is_valid():
        return _benchmark_page(request, benchmark, decision_form=form)
    facts = facts_form(version, request.POST)
    facts.is_valid()
    try:
        decision = actions.decide_penalty(
            Actor.from_request(request),
            benchmark,
            facts=facts.cleaned_data,
            amount_fen=form.cleaned_data["amount"],
            case_reference=form.cleaned_data["case_reference"],
            justification=form.cleaned_data["justification"],
        )
    except ValidationError as exc:
        apply_errors(form, exc)
        return _benchmark_page(request, benchmark, decision_form=form)
    except Refused as refusal:
        form.add_error(None, refusal.message)
        return _benchmark_page(request, benchmark, decision_form=form, status=403)
    messages.success(
        request, _("The decision is recorded: %(state)s.") % {"state": decision.get_state_display()}
    )
    return redirect("checkpoints:benchmark", benchmark.code)


@role_required(Role.WORKBENCH)
@require_POST
def decision_review(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(
        PenaltyDecision.objects.select_related("version__benchmark", "unit", "row"), pk=pk
    )
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose and give the reason."))
    else:
        try:
            actions.review_deviation(
                Actor.from_request(request),
                decision,
                approve=form.cleaned_data["approve"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, Refused) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [])) or str(exc))
        else:
            messages.success(request, _("The review is recorded."))
    return redirect("checkpoints:benchmark", decision.version.benchmark.code)


def _row_initial(version: BenchmarkVersion | None) -> list[dict[str, Any]]:
    if version is None:
        return []
    return [
        {
            "grade": row.grade,
            "condition": row.condition,
            "legal_basis": row.legal_basis,
            "penalty_min": to_decimal(row.penalty_min_fen),
            "penalty_max": to_decimal(row.penalty_max_fen),
            "measures": row.measures,
        }
        for row in version.rows.order_by("order")
    ]


@role_required(Role.ADMINISTRATION)
@require_http_methods(["GET", "POST"])
def benchmark_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    """A new benchmark, or the next version of one: facts and graded rows, checked when saved."""
    benchmark = get_object_or_404(Benchmark, code=code) if code else None
    latest = benchmark.versions.order_by("-version").first() if benchmark else None
    form_class = BenchmarkForm if benchmark else CreateBenchmarkForm
    initial: dict[str, Any] = {"effective_from": timezone.localdate()}
    if latest is not None:
        initial |= {
            "violation": latest.violation,
            "inputs": "\n".join(f"{i['name']} | {i['type']} | {i['label']}" for i in latest.inputs),
        }
    form = form_class(request.POST or None, initial=initial)
    rows = RowFormSet(request.POST or None, initial=_row_initial(latest), prefix="rows")
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        specs = [spec for spec in (f.spec() for f in rows.forms) if spec is not None]
        data = form.cleaned_data
        content = {k: data[k] for k in ("violation", "inputs", "effective_from", "effective_until")}
        try:
            if benchmark is None:
                benchmark = actions.create_benchmark(
                    Actor.from_request(request),
                    code=data["code"],
                    unit=data["unit"],
                    rows=specs,
                    note=data["note"],
                    **content,
                )
            else:
                actions.revise_benchmark(
                    Actor.from_request(request), benchmark, rows=specs, note=data["note"], **content
                )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The benchmark table is saved."))
            return redirect("checkpoints:benchmark", benchmark.code)
    return render(
        request, "checkpoints/benchmark_form.html", {"form": form, "rows": rows, "benchmark": benchmark}
    )
