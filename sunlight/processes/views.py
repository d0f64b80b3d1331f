"""Process definitions: the list, a definition with its diagram, drafts, publication, BPMN."""

from __future__ import annotations

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sunlight.ledger.actor import Actor
from sunlight.lib.forms import apply_errors
from sunlight.orgs.access import role_required
from sunlight.orgs.models import Organisation, Role
from sunlight.processes import actions, bpmn, diagram
from sunlight.processes.definition import SCHEMA_PATH, InvalidDefinition, load_text
from sunlight.processes.models import ProcessDefinition

ALL_STAFF = (Role.WORKBENCH, Role.MONITORING, Role.SUPERVISION, Role.ADMINISTRATION)


def unit_names() -> dict[str, str]:
    return dict(Organisation.objects.units().values_list("abbr", "name"))


class DocumentForm(forms.Form):
    document = forms.CharField(
        label=gettext_lazy("Definition (YAML or JSON)"),
        widget=forms.Textarea(attrs={"rows": 24, "class": "mono"}),
        required=False,
    )
    bpmn_file = forms.FileField(label=gettext_lazy("…or a BPMN file"), required=False)


@role_required(*ALL_STAFF)
def index(request: HttpRequest) -> HttpResponse:
    definitions = ProcessDefinition.objects.select_related("owner").order_by("code", "-version")
    return render(request, "processes/index.html", {"definitions": definitions})


@role_required(*ALL_STAFF)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    definition = get_object_or_404(ProcessDefinition.objects.select_related("owner"), pk=pk)
    return render(
        request,
        "processes/detail.html",
        {
            "definition": definition,
            "graph": definition.graph,
            "svg": diagram.svg(definition.graph, unit_names=unit_names()),
            "versions": ProcessDefinition.objects.filter(code=definition.code).order_by("-version"),
            "document": json.dumps(definition.document, ensure_ascii=False, indent=2),
        },
    )


def svg(request: HttpRequest, pk: int) -> HttpResponse:
    """The diagram alone; public for published definitions (the portal's guides show it)."""
    definition = get_object_or_404(ProcessDefinition, pk=pk, state__in=["published", "retired"])
    return HttpResponse(diagram.svg(definition.graph, unit_names=unit_names()), content_type="image/svg+xml")


@role_required(*ALL_STAFF)
def export_bpmn(request: HttpRequest, pk: int) -> HttpResponse:
    definition = get_object_or_404(ProcessDefinition, pk=pk)
    response = HttpResponse(bpmn.export(definition.document), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{definition.code}-v{definition.version}.bpmn"'
    return response


def schema(request: HttpRequest) -> FileResponse:
    """The published JSON Schema of definition documents."""
    return FileResponse(SCHEMA_PATH.open("rb"), content_type="application/schema+json")


@role_required(Role.ADMINISTRATION)
def edit(request: HttpRequest) -> HttpResponse:
    form = DocumentForm(request.POST or None, request.FILES or None)
    source = request.GET.get("from")
    if request.method == "GET" and source:
        base = get_object_or_404(ProcessDefinition, pk=source)
        form.initial["document"] = json.dumps(base.document, ensure_ascii=False, indent=2)
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data.get("bpmn_file")
            if upload:
                document = bpmn.import_(upload.read().decode("utf-8", errors="replace"))
            else:
                document = load_text(form.cleaned_data["document"] or "")
            draft = actions.save_draft(Actor.from_request(request), document)
        except InvalidDefinition as exc:
            form.add_error(None, exc.problems)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The draft is saved and checked."))
            return redirect("processes:detail", pk=draft.pk)
    return render(request, "processes/edit.html", {"form": form})


@role_required(Role.ADMINISTRATION)
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    definition = get_object_or_404(ProcessDefinition, pk=pk)
    try:
        actions.publish(Actor.from_request(request), definition, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Published. New cases use this version; running cases keep theirs."))
    return redirect("processes:detail", pk=pk)
