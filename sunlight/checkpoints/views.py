"""Rule authoring for admins (save-time check, dry run, unit parameters); read-only for inspectors."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sunlight.checkpoints import actions, authoring
from sunlight.checkpoints.engine import HELPERS
from sunlight.checkpoints.forms import DryRunForm, ParameterForm, ReasonForm, RuleCreateForm, RuleReviseForm
from sunlight.checkpoints.models import ParameterOverride, Rule, RuleVersion
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import request_roles, role_required
from sunlight.orgs.models import Role


@role_required(Role.ADMINISTRATION, Role.SUPERVISION)
def rules(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    listed = []
    for rule in Rule.objects.select_related("unit").prefetch_related("versions", "overrides"):
        versions = sorted(rule.versions.all(), key=lambda v: -v.version)
        current = next((v for v in versions if v.effective_from <= today), None)
        in_force = current is not None and (
            current.effective_until is None or current.effective_until >= today
        )
        listed.append(
            {"rule": rule, "current": current or (versions[0] if versions else None), "in_force": in_force}
        )
    return render(
        request,
        "checkpoints/rules.html",
        {"rules": listed, "can_author": Role.ADMINISTRATION in request_roles(request)},
    )


@role_required(Role.ADMINISTRATION)
@require_http_methods(["GET", "POST"])
def rule_new(request: HttpRequest) -> HttpResponse:
    form = RuleCreateForm(
        request.POST or None, initial={"effective_from": timezone.localdate(), "severity": "block"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = actions.create_rule(
                Actor.from_request(request),
                code=data["code"],
                node_kind=data["node_kind"],
                unit=data["unit"],
                note=data["note"],
                **form.content(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Rule %(code)s is saved (version 1).") % {"code": rule.code})
            return redirect("checkpoints:rule", rule.code)
    return render(request, "checkpoints/rule_form.html", {"form": form, "helpers": HELPERS.values()})


def _latest(rule: Rule) -> RuleVersion:
    return rule.versions.order_by("-version").first()  # type: ignore[return-value]


def _detail(request: HttpRequest, rule: Rule, status: int = 200, **forms: Any) -> HttpResponse:
    latest = _latest(rule)
    initial = {
        field: getattr(latest, field)
        for field in ("name", "expression", "message", "legal_basis", "severity", "effective_until")
    }
    initial["effective_from"] = max(latest.effective_from, timezone.localdate())
    initial["params"] = _params_json(latest.params)
    context = {
        "rule": rule,
        "latest": latest,
        "versions": rule.versions.select_related("created_by").order_by("-version"),
        "overrides": ParameterOverride.objects.filter(rule=rule).select_related("unit", "set_by"),
        "can_author": Role.ADMINISTRATION in request_roles(request),
        "revise_form": forms.get("revise_form") or RuleReviseForm(initial=initial),
        "dry_run_form": forms.get("dry_run_form")
        or DryRunForm(
            initial={
                "expression": latest.expression,
                "sample": authoring.sample_json(rule.node_kind, latest.params),
            }
        ),
        "parameter_form": forms.get("parameter_form") or ParameterForm(names=list(latest.params)),
        "dry_run": forms.get("dry_run"),
        "helpers": HELPERS.values(),
    }
    return render(request, "checkpoints/rule_detail.html", context, status=status)


def _params_json(params: dict[str, int]) -> str:
    return json.dumps(params) if params else ""


@role_required(Role.ADMINISTRATION, Role.SUPERVISION)
def rule_detail(request: HttpRequest, code: str) -> HttpResponse:
    return _detail(request, get_object_or_404(Rule, code=code))


@role_required(Role.ADMINISTRATION)
@require_POST
def rule_revise(request: HttpRequest, code: str) -> HttpResponse:
    rule = get_object_or_404(Rule, code=code)
    form = RuleReviseForm(request.POST)
    if form.is_valid():
        try:
            version = actions.revise_rule(
                Actor.from_request(request), rule, note=form.cleaned_data["note"], **form.content()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Version %(version)d is saved.") % {"version": version.version})
            return redirect("checkpoints:rule", rule.code)
    return _detail(request, rule, revise_form=form)


@role_required(Role.ADMINISTRATION)
@require_POST
def rule_dry_run(request: HttpRequest, code: str) -> HttpResponse:
    """Run an expression (saved or not) on a sample context the admin typed in; nothing is saved."""
    rule = get_object_or_404(Rule, code=code)
    form = DryRunForm(request.POST)
    result: dict[str, Any] | None = None
    if form.is_valid():
        expression = form.cleaned_data["expression"]
        try:
            sample = authoring.parse_sample(form.cleaned_data["sample"], rule.node_kind)
        except ValueError as exc:
            form.add_error("sample", str(exc))
        else:
            found = authoring.syntax_problems(expression)
            run = None if found else authoring.dry_run(expression, sample)
            result = {"problems": found, "run": run}
    return _detail(request, rule, dry_run_form=form, dry_run=result)


@role_required(Role.ADMINISTRATION)
@require_POST
def rule_parameter(request: HttpRequest, code: str) -> HttpResponse:
    rule = get_object_or_404(Rule, code=code)
    form = ParameterForm(request.POST, names=list(_latest(rule).params))
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.set_parameter(
                Actor.from_request(request),
                rule,
                unit=data["unit"],
                name=data["name"],
                value=data["value"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The unit's own value is saved; it applies from now on."))
            return redirect("checkpoints:rule", rule.code)
    return _detail(request, rule, parameter_form=form)


@role_required(Role.ADMINISTRATION)
@require_POST
def parameter_clear(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(ParameterOverride.objects.select_related("rule", "unit"), pk=pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason."))
    else:
        try:
            actions.clear_parameter(Actor.from_request(request), override, reason=form.cleaned_data["reason"])
        except (ValidationError, Refused) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The unit now follows the district's value."))
    return redirect("checkpoints:rule", override.rule.code)
