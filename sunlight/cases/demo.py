"""Demo cases: a few months of the district's work, in every state, replayed day by day.

The demo is the only place that moves the clock: it replays past working days with time-machine
so that cases have a history (done on time, late, overdue, suspended, extended, refused,
withdrawn). Everything still goes through the actions, in time order, so the ledger reads like a
real one.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import suppress
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.calendars.workdays import is_workday
from sunlight.cases import actions
from sunlight.cases.models import Case, CaseState, Step, StepState
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused
from sunlight.orgs.demo_data import mobile_number, person_name
from sunlight.orgs.models import Assignment, Organisation, OrgKind, Post, PostKind
from sunlight.processes.models import ProcessDefinition

DESCRIPTION = "a few months of demo cases in every state"
SEED = 2026
DAYS = 60  # working days replayed
SAMPLE_FILE = "demo_case.txt"

SUBJECTS = {
    "JSXM-SP": ["{place}安置小区建设项目", "{place}道路提质改造工程", "{place}污水处理厂扩建工程"],
    "JSXM-BL": ["{place}标准厂房建设项目", "{place}学校教学楼新建工程", "{place}农贸市场改造项目"],
    "ZSY-SP": ["再生育审批"],
    "QSXK": ["{place}工业园取水", "{place}灌区农业取水", "{place}水厂生活取水"],
}
PLACES = ["高塘岭", "月亮岛", "金山桥", "白沙洲", "乌山", "铜官", "乔口", "靖港", "茶亭", "白箬铺"]
REFUSAL_REASONS = ["申请材料不符合法定形式", "不符合规划条件", "环评结论不予通过", "申请人不符合法定条件"]


def _id_number(rng: random.Random) -> str:
    body = f"430122{rng.randint(1960, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(100, 999)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]


def _holder(post_ids: list[int], rng: random.Random) -> User | None:
    people = list(
        Assignment.objects.current().filter(post_id__in=post_ids).select_related("person").order_by("pk")
    )
    return rng.choice(people).person if people else None


def is_loaded() -> bool:
    return Case.objects.exists()


def _working_days(count: int) -> list[dt.date]:
    days: list[dt.date] = []
    day = timezone.localdate()
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if is_workday(day):
            days.append(day)
    return list(reversed(days))


def _at(day: dt.date, hour: int, minute: int) -> Any:
    import time_machine

    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return time_machine.travel(moment, tick=False)


def load() -> None:
    rng = random.Random(SEED)
    # Penalty cases (-XZCF) are decided against the discretion benchmark, which this generic
    # replay cannot do: the enforcement demo brings its own.
    definitions = [
        d for d in ProcessDefinition.objects.published().order_by("code") if not d.code.endswith("-XZCF")
    ]
    townships = list(Organisation.objects.units().filter(kind__in=[OrgKind.TOWNSHIP, OrgKind.SUBDISTRICT]))
    sample: tuple[str, str] | None = None
    for index, day in enumerate(_working_days(DAYS)):
        with _at(day, 9, rng.randint(0, 59)):
            for definition in definitions:
                for _ in range(
                    rng.choice((0, 1, 2, 2)) if definition.code != "JSXM-SP" else rng.choice((0, 0, 1))
                ):
                    started = _start(definition, townships, rng)
                    if started and sample is None:
                        sample = started
        with _at(day, 15, rng.randint(0, 59)):
            _progress(rng, final=index >= DAYS - 3)
    if sample is not None:
        path = Path(settings.VAR_DIR) / SAMPLE_FILE
        path.write_text(f"{sample[0]} {sample[1]}\n", encoding="utf-8")


def sample_case() -> tuple[str, str] | None:
    """The demo's sample case number and query code, for the banner (codes are shown only once)."""
    path = Path(settings.VAR_DIR) / SAMPLE_FILE
    if not path.exists():
        return None
    number, code = path.read_text(encoding="utf-8").split()
    return number, code


def _start(
    definition: ProcessDefinition, townships: list[Organisation], rng: random.Random
) -> tuple[str, str] | None:
    intake = rng.choice(townships) if definition.graph.intake == "township" else None
    unit = intake or definition.owner
    clerks = list(
        Assignment.objects.current()
        .filter(post__organisation__unit=unit, post__kind=PostKind.CLERK)
        .values_list("post_id", flat=True)
    )
    clerk = _holder(clerks, rng)
    if clerk is None:
        return None
    company = definition.code != "ZSY-SP"
    applicant = actions.ApplicantData(
        kind="company" if company else "person",
        name=f"湖南{rng.choice(PLACES)}{rng.choice(['建设', '实业', '水务', '置业'])}有限公司"
        if company
        else person_name(rng),
        id_number=f"91430112MA4{rng.randint(100000, 999999)}X{rng.randint(0, 9)}"
        if company
        else _id_number(rng),
        phone=mobile_number(rng),
    )
    subject = rng.choice(SUBJECTS.get(definition.code, ["办件"])).format(place=rng.choice(PLACES))
    case, code = actions.start_case(
        Actor.of(clerk),
        definition=definition,
        subject=subject,
        applicant=applicant,
        acknowledged_risks=[],
        acknowledged=True,
        intake=intake,
    )
    return case.number, code


def _values(node: Any, rng: random.Random) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for spec in node.form:
        if spec.type == "money":
            values[spec.name] = rng.randint(50, 5000) * 1_000_000
        elif spec.type == "integer":
            values[spec.name] = rng.randint(spec.min or 1, min(spec.max or 50, 50))
        elif spec.type == "choice":
            values[spec.name] = spec.options[0][0] if rng.random() < 0.9 else spec.options[-1][0]
        elif spec.type == "date":
            values[spec.name] = (timezone.localdate() - dt.timedelta(days=rng.randint(400, 3000))).isoformat()
        elif spec.type == "boolean":
            values[spec.name] = rng.random() < 0.8
        else:
            values[spec.name] = f"{rng.choice(PLACES)}项目"
    return values


def _progress(rng: random.Random, *, final: bool) -> None:
    """Work through the open steps of the day: most on time, some late, a few left overdue."""
    for step in Step.objects.filter(state=StepState.ACTIVE).select_related("case").order_by("pk"):
        case = step.case
        if case.state == CaseState.SUSPENDED:
            if rng.random() < 0.3:
                with suppress(ValidationError, Refused):
                    actions.resume_case(Actor.of(_person_for(step, rng)), case)
            continue
        late = timezone.localdate() > step.due_date
        chance = 0.15 if final else (0.55 if not late else 0.35)
        # A few units in the demo are slow: their steps stay overdue (they feed the alarms).
        if step.unit.abbr in ("GTJ", "RFB") and rng.random() < 0.6:
            continue
        if rng.random() > chance:
            continue
        person = _person_for(step, rng)
        if person is None:
            continue
        node = case.definition.graph.node(step.node_id)
        roll = rng.random()
        if case.definition.graph.suspensions and roll < 0.04:
            kind = case.definition.graph.suspensions[0]
            with suppress(ValidationError, Refused):
                actions.suspend_case(
                    Actor.of(person),
                    case,
                    kind_code=kind.code,
                    reason=f"需{kind.name}",
                    notice=f"因{kind.name}，本件暂停计时，恢复后另行告知。",
                )
            continue
        if roll < 0.06 and case.extensions.count() == 0 and case.definition.graph.extension:
            with suppress(ValidationError, Refused):
                actions.request_extension(
                    Actor.of(person), case, days=5, reason="需补充核查", notice="本件延期5个工作日。"
                )
        if roll > 0.97:
            window = Post.objects.filter(organisation__unit=case.intake or case.owner, kind=PostKind.CLERK)
            clerk = _holder(list(window.values_list("pk", flat=True)), rng)
            if clerk is not None:
                with suppress(ValidationError, Refused):
                    actions.withdraw_case(Actor.of(clerk), case, reason="申请人主动撤回申请")
            continue
        decision = ""
        reason = ""
        if node.decision:
            decision = "refuse" if rng.random() < 0.12 else "approve"
            reason = rng.choice(REFUSAL_REASONS) if decision == "refuse" else ""
        with suppress(ValidationError, Refused):
            actions.complete_step(
                Actor.of(person), step, values=_values(node, rng), decision=decision, reason=reason
            )
    _decide_extensions(rng)


def _decide_extensions(rng: random.Random) -> None:
    from sunlight.cases.models import Extension, ExtensionState

    for extension in Extension.objects.filter(state=ExtensionState.REQUESTED).select_related("case__owner"):
        heads = list(
            Post.objects.filter(organisation__unit=extension.case.owner, kind=PostKind.HEAD).values_list(
                "pk", flat=True
            )
        )
        head = _holder(heads, rng)
        if head is not None:
            with suppress(ValidationError, Refused):
                actions.decide_extension(
                    Actor.of(head), extension, approve=rng.random() < 0.85, reason="同意"
                )


def _person_for(step: Step, rng: random.Random) -> User | None:
    return _holder(list(step.posts.values_list("pk", flat=True)), rng)
