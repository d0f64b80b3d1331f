"""Demo assessment and dashboards, run last: the scheme, the summary tables, two quarters.

The demo's cases are replayed over the last sixty working days, so its data spans the end of
the previous quarter and the current quarter up to yesterday. "The demo's last quarter" is the
most recent quarter with demo data: the current one, computed to date and labelled so (a draft
the timer computes again every day). The previous quarter, complete but holding only its last
weeks of demo data, is computed, approved and published, so that the portal's results page
and a recommendation letter have something to show.
"""

from __future__ import annotations

from sunlight.accounts.models import User
from sunlight.assessments import actions, summary
from sunlight.assessments.models import Assessment, AssessmentGrade
from sunlight.assessments.periods import Quarter
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Assignment, PostKind

DESCRIPTION = "the assessment scheme, the dashboards' summaries, and the last two quarters assessed"


def is_loaded() -> bool:
    return Assessment.objects.exists()


def _holder(kind: PostKind, *, whole_district: bool = False) -> User | None:
    assignments = (
        Assignment.objects.current().filter(post__kind=kind, post__is_active=True).order_by("post__code")
    )
    if whole_district:
        assignments = assignments.filter(post__jurisdiction__isnull=True)
    found = assignments.select_related("person").first()
    return found.person if found else None


def load() -> None:
    admin = _holder(PostKind.ADMIN)
    inspector = _holder(PostKind.INSPECTOR, whole_district=True)
    current = Quarter.current()
    previous = current.previous()
    for year in sorted({previous.year, current.year}):
        if admin is not None:
            actions.configure_scheme(
                Actor.of(admin, Channel.COMMAND),
                year=year,
                rules=actions.default_rules(),
                reason="演示数据：采用区纪委2016年考核办法的默认指标与权重",
            )
    summary.rebuild()
    commission = (
        Actor.of(inspector, Channel.COMMAND) if inspector is not None else Actor.system(Channel.COMMAND)
    )
    done = actions.compute_quarter(commission, previous)
    if inspector is not None and previous.has_ended():
        failing = [a for a in done if a.grade == AssessmentGrade.FAIL]
        if failing:
            worst = failing[-1]
            actions.add_manual_item(
                commission,
                worst,
                points_centi=-200,
                reason="演示数据：季度自查报告逾期未报送",
            )
        actions.approve_quarter(commission, previous, reason="演示数据：区纪委常委会审定")
        actions.publish_quarter(commission, previous)
        for assessment in Assessment.objects.of_quarter(previous.year, previous.number).filter(
            grade=AssessmentGrade.FAIL
        )[:1]:
            actions.issue_letter(commission, assessment)
    actions.compute_quarter(commission, current)
    summary.refresh()
