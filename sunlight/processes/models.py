"""Process definitions (流程定义): versioned documents, immutable once published."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from sunlight.orgs.models import Organisation
from sunlight.processes.definition import Definition, parse


class DefinitionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class ImmutableDefinition(Exception):
    """A published definition was about to be changed: cases are pinned to it."""


_GRAPHS: dict[tuple[int, str], Definition] = {}


def _published_graph(pk: int, document: dict[str, Any]) -> Definition:
    # Keyed by the document itself too: a row id alone could name another document after a
    # database is rebuilt (tests do it all the time).
    key = (pk, json.dumps(document, sort_keys=True))
    graph = _GRAPHS.get(key)
    if graph is None:
        graph = _GRAPHS[key] = parse(document)
    return graph


def published_graph_from_text(pk: int, text: str) -> Definition:
    """The graph of a published version from its document as the database stores it (text).

    For the hot path of a case step, which reads the text with the locked case: the dictionary
    lookup is all it costs once the graph has been parsed in this process."""
    key = (pk, text)
    graph = _GRAPHS.get(key)
    if graph is None:
        graph = _GRAPHS[key] = parse(json.loads(text))
    return graph


class ProcessDefinitionQuerySet(models.QuerySet["ProcessDefinition"]):
    def published(self) -> ProcessDefinitionQuerySet:
        return self.filter(state=DefinitionState.PUBLISHED)

    def current(self, code: str) -> ProcessDefinition | None:
        return self.published().filter(code=code).order_by("-version").first()


class ProcessDefinition(models.Model):
    """One version of a process definition (流程定义); cases keep the version they started with."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner")
    )
    power_code = models.CharField(_("power item"), max_length=40, blank=True, db_index=True)
    total_limit = models.PositiveIntegerField(_("total limit (working days)"))
    state = models.CharField(
        _("state"), max_length=12, choices=DefinitionState.choices, default=DefinitionState.DRAFT
    )
    document = models.JSONField(_("document"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ProcessDefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("process definition")
        verbose_name_plural = _("process definitions")
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="processes_code_version")]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Only the state and publication stamps of a published version may change.
        if self.pk is not None:
            stored = ProcessDefinition.objects.filter(pk=self.pk).values("state", "document").first()
            if stored and stored["state"] != DefinitionState.DRAFT:
                allowed = {"state", "published_at", "published_by"}
                fields = kwargs.get("update_fields")
                if fields is None or not set(fields) <= allowed or stored["document"] != self.document:
                    raise ImmutableDefinition(f"{self.code} v{self.version} is published and cannot change")
        super().save(*args, **kwargs)

    @cached_property
    def graph(self) -> Definition:
        # Published versions never change, so their parsed graph is shared by every instance
        # (each case row loads its own); parsing and schema-checking costs milliseconds.
        if self.pk is not None and self.state != DefinitionState.DRAFT:
            return _published_graph(self.pk, self.document)
        return parse(self.document)
