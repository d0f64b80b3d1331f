"""The flow diagrams of a power, drawn from its published process definitions (S3).

A diagram must come from the executable process, never be drawn apart: the `processes` app
owns the definitions and serves their SVG publicly once published. Looked up by the power's
code; when that app has nothing for a power, the guide says the diagram will come from there.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Flow:
    name: str
    version: int
    svg_url: str


def flows_of(power_code: str) -> list[Flow]:
    try:
        model = apps.get_model("processes", "ProcessDefinition")
    except LookupError:
        return []
    found: dict[str, Flow] = {}
    for definition in model.objects.filter(state="published", power_code=power_code).order_by(
        "code", "-version"
    ):
        if definition.code in found:
            continue  # the latest published version of each definition
        try:
            url = reverse("processes:svg", args=[definition.pk])
        except NoReverseMatch:
            return []
        found[definition.code] = Flow(definition.name, definition.version, url)
    return list(found.values())
