"""Demo processes: the construction-project approval in both forms, township intake, water abstraction."""

from __future__ import annotations

from pathlib import Path

from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.processes import actions
from sunlight.processes.definition import load_text
from sunlight.processes.models import ProcessDefinition

DESCRIPTION = (
    "the demo processes (construction approval old and new, township intake, water abstraction, "
    "administrative penalty)"
)
DEFINITIONS = Path(__file__).with_name("definitions")


def is_loaded() -> bool:
    return ProcessDefinition.objects.published().exists()


def load() -> None:
    actor = Actor.system(Channel.COMMAND)
    for path in sorted(DEFINITIONS.glob("*.yaml")):
        draft = actions.save_draft(actor, load_text(path.read_text(encoding="utf-8")))
        actions.publish(actor, draft, reason="演示数据：依据《望城区行政审批制度改革方案》发布")
