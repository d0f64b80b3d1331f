"""The alarms' timers, run by `runtimers` (several nodes may run them at once).

- `alarms.sweep`: yellow and red cards on time limits (sweep.py);
- `alarms.ledger`: alarms that completed steps reveal (follower.py);
- `alarms.escalate`: stages of a disposal past their deadline;
- `alarms.notify`: tell the people concerned about alarms nobody was told about yet.

Each claims its rows (SKIP LOCKED on PostgreSQL, then a conditional UPDATE) and is idempotent.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.alarms import follower, recipients, sweep
from sunlight.alarms.actions import escalate
from sunlight.alarms.models import TIME_LIMIT_KINDS, Alarm, AlarmLevel
from sunlight.cases.models import Step, StepState
from sunlight.lib.timers import register
from sunlight.notifications.actions import notify
from sunlight.notifications.models import NotificationKind
from sunlight.orgs.models import Assignment

NOTIFY_BATCH = 200
ESCALATE_BATCH = 100


@register("alarms.sweep")
def run_sweep() -> int:
    return sweep.sweep()


@register("alarms.ledger")
def run_follower() -> int:
    return follower.follow()


@register("alarms.escalate")
def run_escalations() -> int:
    today = timezone.localdate()
    done = 0
    # Through the partial index alarms_stage_due; one alarm per transaction.
    due = Alarm.objects.stage_overdue(today).order_by("stage_due", "pk").values_list("pk", flat=True)
    for pk in list(due[:ESCALATE_BATCH]):
        with transaction.atomic():
            alarm = (
                Alarm.objects.select_for_update(skip_locked=True).stage_overdue(today).filter(pk=pk).first()
            )
            if alarm is not None and escalate(alarm, today=today):
                done += 1
    return done


def _post_holders(alarms: list[Alarm]) -> dict[tuple[str, int], list[User]]:
    """For alarms about steps and cases: the holders of the step's posts (a case: its active
    steps'), keyed by the alarm's subject. Two queries for the whole batch."""
    step_ids = {int(a.subject_id) for a in alarms if a.subject_type == sweep.STEP_SUBJECT}
    case_ids = {int(a.subject_id) for a in alarms if a.subject_type == sweep.CASE_SUBJECT}
    through = Step.posts.through
    links = [
        ((sweep.STEP_SUBJECT, step), post)
        for step, post in through.objects.filter(step_id__in=step_ids).values_list("step_id", "post_id")
    ] + [
        ((sweep.CASE_SUBJECT, case), post)
        for case, post in through.objects.filter(
            step__case_id__in=case_ids, step__state=StepState.ACTIVE
        ).values_list("step__case_id", "post_id")
    ]
    if not links:
        return {}
    by_post: dict[int, list[User]] = defaultdict(list)
    for assignment in (
        Assignment.objects.current()
        .filter(post_id__in={post for _key, post in links}, post__is_active=True)
        .select_related("person")
    ):
        by_post[assignment.post_id].append(assignment.person)
    found: dict[tuple[str, int], list[User]] = defaultdict(list)
    for key, post in links:
        found[key] += by_post.get(post, [])
    return found


def _recipients(
    alarm: Alarm, holders: dict[tuple[str, int], list[User]], monitors: dict[int | None, list[User]]
) -> list[User]:
    people: list[User] = []
    if alarm.kind in TIME_LIMIT_KINDS and alarm.subject_type in (sweep.STEP_SUBJECT, sweep.CASE_SUBJECT):
        # Late work is told to those who hold its posts; a violation is not theirs to hear of.
        people += holders.get((alarm.subject_type, int(alarm.subject_id)), [])
    if alarm.unit_id not in monitors:
        monitors[alarm.unit_id] = recipients.monitors_of(alarm.unit_id)
    people += monitors[alarm.unit_id]
    if alarm.level == AlarmLevel.SYSTEM:
        people += recipients.administrators() + recipients.inspectors_of(None)
    elif alarm.level == AlarmLevel.RED and alarm.kind not in TIME_LIMIT_KINDS:
        # Violations (exceeding authority, checkpoint blocks, off-system…) go to the inspectors
        # at once; overdue work reaches them through the console and the daily digest.
        people += recipients.inspectors_of(alarm.unit_id)
    return people


@register("alarms.notify")
def run_notifications() -> int:
    with transaction.atomic():
        # Through the partial index alarms_unnotified; the UPDATE below is the claim.
        batch = list(
            Alarm.objects.unnotified()
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("unit")
            .order_by("raised_at", "pk")[:NOTIFY_BATCH]
        )
        if not batch:
            return 0
        Alarm.objects.filter(pk__in=[a.pk for a in batch], notified_at__isnull=True).update(
            notified_at=timezone.now()
        )
        # Holders of step posts, keyed by step id or case id (the alarm's subject).
        holders = _post_holders([a for a in batch if a.kind in TIME_LIMIT_KINDS])
        monitors: dict[int | None, list[User]] = {}
        for alarm in batch:
            title = _("%(level)s: %(kind)s") % {
                "level": alarm.get_level_display(),
                "kind": alarm.get_kind_display(),
            }
            notify(
                _recipients(alarm, holders, monitors),
                kind=NotificationKind.ALARM,
                title=title,
                body=alarm.message,
                link=reverse("alarms:detail", args=[alarm.pk]),
                email=alarm.level != AlarmLevel.YELLOW,
            )
    return len(batch)
