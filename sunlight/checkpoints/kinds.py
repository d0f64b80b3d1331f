"""The nodes a checkpoint rule binds to, and how hard a rule stops the action."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    """Key nodes of S13 where electronic checkpoints (电子关卡) stand."""

    CASE_START = "case_start", _("Case start")
    STEP_COMPLETION = "step_completion", _("Step completion")
    ADMINISTRATIVE_APPROVAL = "administrative_approval", _("Administrative approval")
    PRE_REVIEW = "pre_review", _("Pre-review")
    DESIGN_CHANGE = "design_change", _("Design change (change order)")
    FUND_PAYMENT = "fund_payment", _("Fund payment")


class Severity(models.TextChoices):
    BLOCK = "block", _("Block")
    WARN = "warn", _("Warn")


# Node kinds evaluated against the same context: a process step may list any rule of its
# family (a step of an approval process names approval and pre-review rules alike).
CASE_KINDS = (
    NodeKind.CASE_START,
    NodeKind.STEP_COMPLETION,
    NodeKind.ADMINISTRATIVE_APPROVAL,
    NodeKind.PRE_REVIEW,
)


def family(kind: str) -> tuple[str, ...]:
    if kind in CASE_KINDS:
        return tuple(CASE_KINDS)
    return (kind,)
