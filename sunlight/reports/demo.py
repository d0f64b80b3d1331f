"""A few demo whistleblowing reports, in every stage of their handling.

Reports come in through the same action as the portal's form, anonymous or named, and are
assigned, verified and answered by the commission's inspectors through theirs. The receipt
code of one report is written to var/demo_report.txt (codes are kept only as digests), so that
the reporter's side can be tried.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from sunlight.accounts.models import User
from sunlight.cases.models import Case
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs.models import Assignment, Organisation, PostKind
from sunlight.reports import actions
from sunlight.reports.authority import inspectors_for
from sunlight.reports.models import Finding, Report

DESCRIPTION = "a few whistleblowing reports"
SAMPLE_FILE = "demo_report.txt"

REPORTS = [
    # (unit abbreviation, about, text, person, named)
    ("CZJ", "person", "办理财政票据领购时，经办人暗示需要请客才能尽快办理。", "行政审批股窗口经办人", False),
    ("SWJ", "unit", "某防洪堤工程已完工半年，施工方称工程款迟迟未付，怀疑有人截留。", "", True),
    ("GHJ", "case", "建设用地规划许可办件超期两个月未办结，窗口说“等领导签字”。", "", False),
    ("QYZ", "unit", "镇便民服务中心要求再生育审批申请人到指定复印店复印材料。", "", False),
    ("WSJ", "person", "卫生监督员检查时收受商户购物卡。", "卫生监督所执法人员", True),
]


def is_loaded() -> bool:
    return Report.objects.exists()


def _district_inspector() -> User | None:
    found = (
        Assignment.objects.current()
        .filter(post__kind=PostKind.INSPECTOR, post__is_active=True, post__jurisdiction__isnull=True)
        .select_related("person")
        .order_by("post__code")
        .first()
    )
    return found.person if found else None


def load() -> None:
    units = Organisation.objects.units().active().order_by("sort", "code")
    assigner = _district_inspector()
    sample = ""
    for index, (abbr, about, text, person, named) in enumerate(REPORTS):
        unit = units.filter(abbr=abbr).first() or units.first()
        if unit is None:
            return
        case_number = ""
        if about == "case":
            case = Case.objects.filter(owner=unit).order_by("started_at").first()
            about, case_number = ("case", case.number) if case else ("unit", "")
        report, code = actions.submit(
            subject_kind=about,
            unit=unit,
            text=text,
            person=person,
            case_number=case_number,
            name="陈女士" if named else "",
            contact="138****0000" if named else "",
        )
        sample = sample or code
        if assigner is None or index == len(REPORTS) - 1:
            continue  # the last one waits to be assigned
        handlers = [p for p in inspectors_for(unit) if p != assigner][:1] or [assigner]
        actions.assign(Actor.of(assigner, Channel.COMMAND), report, handlers)
        handler = Actor.of(handlers[0], Channel.COMMAND)
        if index == 0:
            actions.ask(handler, report, body="请说明办理的大致时间，以及对方暗示的具体方式。")
            continue
        actions.accept(handler, report)
        if index in (1, 2):
            actions.conclude(
                handler,
                report,
                finding=Finding.PARTLY if index == 1 else Finding.SUBSTANTIATED,
                verification="调阅办件和支付记录，约谈相关人员。",
                reply="经核查，您反映的问题属实或部分属实，已督促整改，并对相关责任人作出处理。感谢您的监督。",
            )
    if sample:
        path = Path(settings.VAR_DIR) / SAMPLE_FILE
        path.write_text(actions.format_receipt(sample) + "\n", encoding="utf-8")


def sample_receipt() -> str | None:
    path = Path(settings.VAR_DIR) / SAMPLE_FILE
    return path.read_text(encoding="utf-8").strip() if path.exists() else None
