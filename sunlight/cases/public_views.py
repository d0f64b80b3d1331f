"""The public case query (办件查询, S7): case number + query code, and nothing else shown."""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from sunlight.cases import actions, queries
from sunlight.cases.models import Case
from sunlight.processes import diagram


class QueryForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Case number"), max_length=32)
    code = forms.CharField(label=gettext_lazy("Query code"), max_length=16)


@require_http_methods(["GET", "POST"])
def query(request: HttpRequest) -> HttpResponse:
    # POST, so that query codes never land in URLs, access logs or referrers.
    form = QueryForm(request.POST or None)
    case = None
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["number"].strip().upper()
        found = Case.objects.select_related("definition", "applicant", "owner").filter(number=number).first()
        # The same answer for a wrong number and a wrong code: the page is no oracle.
        if found is not None and actions.query_code_matches(found, form.cleaned_data["code"]):
            case = found
        else:
            form.add_error(None, _("No case matches this number and query code. Check both on your receipt."))
    context: dict[str, object] = {"form": form, "case": case}
    if case is not None:
        context["svg"] = diagram.svg(case.definition.graph, queries.node_states(case))
        context["steps"] = case.steps.order_by("activated_at")
    return render(request, "cases/query.html", context)
