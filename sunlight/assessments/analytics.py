"""Process analytics (流程分析): working days actually taken per step and per case, by version.

Read from the StepDays and CaseDays histograms (two queries for any number of versions): the
mean, median and longest time of each step of each definition version, and of whole cases, so
that two definitions of the same power can be compared on real cases (S8: the seed's 17
sequential steps in 30 working days against 4 parallel stages in 14).

A step's time is the working days from the day it opened to the day it was done (a step done
the day it opened took 0), not counting suspended days; a case's time runs from acceptance to
conclusion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sunlight.assessments.models import CaseDays, StepDays
from sunlight.processes.models import DefinitionState, ProcessDefinition


@dataclass
class Spread:
    """A histogram of working days: {days: how many}."""

    counts: dict[int, int] = field(default_factory=dict)

    def add(self, days: int, count: int) -> None:
        if count:
            self.counts[days] = self.counts.get(days, 0) + count

    @property
    def n(self) -> int:
        return sum(self.counts.values())

    @property
    def mean_tenths(self) -> int | None:
        """The mean in tenths of a working day, rounded half up (integers only)."""
        if not self.n:
            return None
        total = sum(days * count for days, count in self.counts.items())
        return (total * 10 * 2 + self.n) // (2 * self.n)

    @property
    def median(self) -> int | None:
        """The lower median, in whole working days."""
        if not self.n:
            return None
        middle = (self.n + 1) // 2
        seen = 0
        for days in sorted(self.counts):
            seen += self.counts[days]
            if seen >= middle:
                return days
        raise AssertionError("unreachable")

    @property
    def longest(self) -> int | None:
        return max(self.counts) if self.n else None


@dataclass
class StepStat:
    node_id: str
    name: str
    stage: str
    limit: int
    days: Spread

    @property
    def over_limit(self) -> bool:
        return self.days.mean_tenths is not None and self.days.mean_tenths > self.limit * 10


@dataclass
class VersionStat:
    definition: ProcessDefinition
    steps: list[StepStat]
    total: Spread
    on_time: int

    @property
    def tasks(self) -> int:
        return len(self.definition.graph.tasks)

    @property
    def stages(self) -> int:
        return len(self.definition.graph.stages)


def definitions(code: str | None = None) -> list[ProcessDefinition]:
    """Published and retired versions (drafts run no case), by code then version."""
    found = ProcessDefinition.objects.exclude(state=DefinitionState.DRAFT).select_related("owner")
    if code is not None:
        found = found.filter(code=code)
    return list(found.order_by("code", "version"))


def analyse(versions: list[ProcessDefinition]) -> list[VersionStat]:
    ids = [d.pk for d in versions]
    steps: dict[int, dict[str, Spread]] = defaultdict(lambda: defaultdict(Spread))
    for definition_id, node_id, days, count in StepDays.objects.filter(definition_id__in=ids).values_list(
        "definition_id", "node_id", "days", "steps"
    ):
        steps[definition_id][node_id].add(days, count)
    totals: dict[int, Spread] = defaultdict(Spread)
    on_time: dict[int, int] = defaultdict(int)
    for definition_id, days, punctual, count in CaseDays.objects.filter(definition_id__in=ids).values_list(
        "definition_id", "days", "on_time", "cases"
    ):
        totals[definition_id].add(days, count)
        if punctual:
            on_time[definition_id] += count
    stats = []
    for definition in versions:
        graph = definition.graph
        stats.append(
            VersionStat(
                definition=definition,
                steps=[
                    StepStat(
                        node.id,
                        node.name,
                        graph.stage_name(node.stage) if node.stage else "",
                        node.limit,
                        steps[definition.pk].get(node.id, Spread()),
                    )
                    for node in graph.tasks
                ],
                total=totals[definition.pk],
                on_time=on_time[definition.pk],
            )
        )
    return stats


def default_pair() -> tuple[ProcessDefinition | None, ProcessDefinition | None]:
    """The seed's comparison: the sequential construction approval against the parallel one."""
    return (
        ProcessDefinition.objects.current("JSXM-SP"),
        ProcessDefinition.objects.current("JSXM-BL"),
    )


def format_tenths(tenths: int | None) -> str:
    if tenths is None:
        return "—"
    return f"{tenths // 10}.{tenths % 10}"
