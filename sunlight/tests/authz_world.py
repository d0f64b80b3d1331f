"""The world of the authorization matrix: one object of each kind a URL names.

Each app has one builder below. It makes the app's objects through the app's own actions, in the
personas' district, and returns the URL parameters that name them. A key is a parameter name
(`number`), or the name with the URL name (`pk:funds:contract`) or namespace (`pk:alarms`) it is
for, where one name means different things in different places (see `authz.expand`).

Most objects belong to 区财政局, the unit of the clerk, chief, leader, head and monitor; the fund
control posts (and so the projects, contracts and sites) are 区水务局's, whose window clerk is the
outsider; enforcement is 区行政综合执法局's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine
from django.apps import apps
from django.utils import timezone

from sunlight.accounts.models import User
from sunlight.cases.models import Case
from sunlight.funds.models import Project
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Post
from sunlight.processes.models import ProcessDefinition
from sunlight.test import PersonaFields, create_personas, system

Values = dict[str, Any]


class World(PersonaFields):
    """One of each object the URLs name, in the personas' small district."""

    values: Values
    definition: ProcessDefinition  # 区财政局's permit process, published
    case: Case  # open, at the clerk's first step
    # Set by build_water_funds: 区水务局's fund control people and posts.
    pm: User
    supervisor: User
    deputy: User
    director: User
    cashier: User
    supervisor_post: Post
    project: Project


def named(param: str, value: Any, *names: str) -> Values:
    """`value` for the parameter `param` of each URL name in `names`."""
    return {f"{param}:{name}": value for name in names}


def world() -> World:
    w = World()
    create_personas(w)
    w.values = {}
    builders: list[Callable[[World], Values]] = [
        cases,
        orgs,
        alarms,
        powers,
        risks,
        funds,
        checkpoints,
        notifications,
        ratings,
        reports,
        supervision,
    ]
    # Apps still being written may be absent from a checkout.
    builders += [
        build
        for app, build in (("enforcement", enforcement), ("sites", sites), ("assessments", assessments))
        if apps.is_installed(f"sunlight.{app}")
    ]
    for build in builders:
        w.values |= build(w)
    return w


def cases(w: World) -> Values:
    from sunlight.cases import actions
    from sunlight.cases.tests.factories import document, published, start
    from sunlight.cases.timers import issue_results

    w.definition = published(document())
    w.case, _code = start(Actor.of(w.clerk), w.definition)
    accept = w.case.steps.get(node_id="accept")
    extension = actions.request_extension(
        Actor.of(w.clerk), w.case, days=2, reason="补充材料", notice="延期2个工作日"
    )
    done, _code = start(Actor.of(w.clerk), w.definition)
    actions.complete_step(
        Actor.of(w.clerk), done.steps.get(node_id="accept"), values={"amount": 1, "copies": 1}
    )
    actions.complete_step(Actor.of(w.chief), done.steps.get(node_id="review"), values={})
    actions.complete_step(
        Actor.of(w.leader),
        done.steps.get(node_id="decide"),
        values={},
        decision="refuse",
        reason="不符合条件",
    )
    issue_results()
    done.refresh_from_db()
    assert done.result_document is not None
    return {
        "number": w.case.number,
        "step_id": accept.pk,
        "extension_id": extension.pk,
        "definition_id": w.definition.pk,
        "object_type": "cases.case",
        "object_id": str(w.case.pk),
        "year": 2026,
        "pk:processes": w.definition.pk,
        "pk:cases:start": w.definition.pk,
        "pk:cases:decide_extension": extension.pk,
        "number:documents": done.result_document.number,
        "number:api:document": done.result_document.number,
    }


def orgs(w: World) -> Values:
    from sunlight.orgs import actions

    delegation = actions.grant_delegation(
        Actor.of(w.head),
        post=w.chief_post,
        grantee=w.clerk,
        starts_at=timezone.now(),
        ends_at=timezone.now() + dt.timedelta(days=2),
        reason="股长出差",
    )
    return {
        "unit_id": w.finance.pk,
        "unit": w.finance.code,
        "delegation_id": delegation.pk,
        "pk:orgs:organisation": w.finance.pk,
        "pk:orgs:delegation_revoke": delegation.pk,
        "code:api:organisation": w.finance.code,
    }


def alarms(w: World) -> Values:
    from sunlight.alarms.actions import raise_alarm
    from sunlight.alarms.models import AlarmKind, AlarmLevel

    alarm, _created = raise_alarm(
        Actor.system(),
        kind=AlarmKind.CASE_OVERDUE,
        level=AlarmLevel.RED,
        message=f"{w.case.number} 超期",
        dedupe_key="authz",
        unit=w.finance,
        subject=w.case,
    )
    return {
        "pk:alarms": alarm.pk,
        "step:alarms:take": "explain",
        **named("pk", alarm.pk, "api:alarm_detail", "api:take_step"),
        "step:api:take_step": "explain",
    }


def powers(w: World) -> Values:
    """CZJ-XK-0001 published (version 1), with version 2 in draft."""
    from sunlight.powers import actions
    from sunlight.powers.tests.helpers import draft, publish

    first = publish(Actor.of(w.leader), w.inspector, draft(Actor.of(w.chief), w.finance))
    second = actions.revise(Actor.of(w.chief), first.item, reason="依据修订")
    code = first.item.code
    return {
        "pk:powers": second.pk,
        "code:powers": code,
        "number:powers:version_public": first.number,
        "version_id": second.pk,
        **named("code", code, "api:power_detail", "api:power_versions", "api:revise"),
    }


def risks(w: World) -> Values:
    """A risk point of 区财政局 (on the power above) with one measure, and a draft control plan."""
    from sunlight.risks import actions, plans
    from sunlight.risks.tests.helpers import measure_data, point_data

    point = actions.create_risk_point(Actor.of(w.chief), w.finance, point_data(), measures=[measure_data()])
    measure = point.measures.get()
    plan = plans.create_plan(Actor.of(w.chief), w.finance, title="区财政局廉政风险防控方案")
    return {
        "pk:risks": point.pk,
        **named("pk", measure.pk, "risks:measure_edit", "risks:measure_review"),
        **named(
            "pk", plan.pk, *(f"risks:{n}" for n in ("plan", "plan_approve", "plan_return", "plan_submit"))
        ),
        **named("code", point.code, "api:revise_point", "api:add_measure"),
        "measure_id": measure.pk,
        "plan_id": plan.pk,
    }


def funds(w: World) -> Values:
    """区水务局's active contract with a confirmed and a pending measurement, a payment request
    and a change order awaiting decision (on the factories' fixed dates)."""
    from sunlight.funds import actions, changes, payments
    from sunlight.funds.models import FundPost, FundRole
    from sunlight.funds.tests.factories import TODAY, YUAN, build_water_funds, make_active_contract

    build_water_funds(w)
    with time_machine.travel(TODAY, tick=False):
        contract = make_active_contract(w)
        w.project = contract.project
        pm = Actor.of(w.pm)
        confirmed = actions.submit_progress(
            pm, contract, progress_bp=6500, measured_on=TODAY.date(), description="主体工程计量"
        )
        actions.confirm_progress(Actor.of(w.supervisor), confirmed, confirm=True)
        payment = payments.request_payment(
            pm,
            contract,
            milestone=contract.milestones.get(number=2),
            amount_fen=2_000_000 * YUAN,
            invoice_number="43002601",
        )
        progress = actions.submit_progress(
            pm, contract, progress_bp=7000, measured_on=TODAY.date(), description="续计量"
        )
        change = changes.submit_change_order(
            pm, contract, title="基础加深", reason="地质条件变化，需加深基础", amount_fen=100_000 * YUAN
        )
    contract_pages = (
        "contract",
        "sign_integrity",
        "contractor_signature",
        "milestone_add",
        "activate",
        "progress_submit",
        "payment_request",
        "change_submit",
    )
    return {
        **named("pk", w.project.pk, "funds:project", "funds:contract_new", "api:get_project"),
        **named("pk", contract.pk, *(f"funds:{n}" for n in contract_pages)),
        **named("pk", contract.pk, "api:request_payment", "api:submit_change", "api:submit_progress"),
        **named("pk", progress.pk, "funds:progress_decide", "api:decide_progress"),
        **named(
            "pk", payment.pk, "funds:payment_decide", "funds:payment_pay", "api:decide_payment", "api:pay"
        ),
        **named("pk", change.pk, "funds:change_decide", "api:decide_change"),
        "pk:funds:setup_remove": FundPost.objects.get(unit=w.water, role=FundRole.CASHIER).pk,
    }


def checkpoints(w: World) -> Values:
    """A unit's own value of a built-in rule's parameter, and a penalty below 区水务局's benchmark
    awaiting its head's approval."""
    from sunlight.checkpoints import actions
    from sunlight.checkpoints.builtin import CHANGE_SINGLE, RIVER_WORKS, install_benchmark
    from sunlight.checkpoints.models import Rule

    rule = Rule.objects.get(code=CHANGE_SINGLE)
    override = actions.set_parameter(
        system(), rule, unit=w.water, name="single_max_fen", value=500_000_00, reason="本局党组会议决定"
    )
    benchmark = install_benchmark(system(), RIVER_WORKS, w.water)
    decision = actions.decide_penalty(
        Actor.of(w.outsider),
        benchmark,
        facts={"area_m2": "250", "obstructs_flood": False, "repeat": False, "corrected": True},
        amount_fen=3_000_000,
        case_reference="望水罚〔2026〕7号",
        justification="当事人主动拆除并配合调查，集体讨论决定减轻处罚",
    )
    rule_pages = ("rule", "rule_revise", "rule_dry_run", "rule_parameter")
    benchmark_pages = ("benchmark", "benchmark_revise", "benchmark_decide")
    return {
        **named("code", rule.code, *(f"checkpoints:{n}" for n in rule_pages), "api:get_rule", "api:dry_run"),
        **named("code", benchmark.code, *(f"checkpoints:{n}" for n in benchmark_pages)),
        **named("code", benchmark.code, "api:propose", "api:decide"),
        "pk:checkpoints:decision_review": decision.pk,
        "pk:checkpoints:parameter_clear": override.pk,
    }


def notifications(w: World) -> Values:
    """A message in the clerk's inbox, and a notice from the commission to 区财政局."""
    from sunlight.notifications.actions import notify, send_notice
    from sunlight.notifications.models import NotificationKind

    (message,) = notify([w.clerk], kind=NotificationKind.OTHER, title="请及时办理", link="/cases/")
    notice = send_notice(
        Actor.of(w.inspector),
        title="关于开展季度自查的通知",
        body="请各单位于月底前完成自查。",
        units=[w.finance],
    )
    return {
        "pk:notifications:open": message.pk,
        "pk:api:read": message.pk,
        "pk:notifications:notice": notice.pk,
    }


def ratings(w: World) -> Values:
    """A very dissatisfied rating of a concluded case of 区财政局, appealed by its monitoring centre."""
    from sunlight.ledger.models import Channel
    from sunlight.ratings import actions
    from sunlight.ratings.models import Grade
    from sunlight.ratings.tests.factories import conclude

    case, code = conclude(w, w.definition)
    rating = actions.rate(
        Actor.system(Channel.PORTAL), case, code=code, grade=Grade.VERY_DISSATISFIED, comment="态度差"
    )
    appeal = actions.file_appeal(Actor.of(w.monitor), rating, reason="评价内容与本办件无关")
    return {"pk:ratings": rating.pk, "pk:ratings:appeal": appeal.pk}


def reports(w: World) -> Values:
    """A named report about 区财政局 with a photo, assigned to the inspector."""
    from sunlight.reports import actions

    report, _receipt = actions.submit(
        subject_kind="unit",
        unit=w.finance,
        text="审批股长期压件，要求申请人找中介代办",
        name="李四",
        contact="13700001111",
        attachments=[actions.Upload("照片.jpg", "image/jpeg", b"\xff\xd8fake-jpeg")],
    )
    actions.assign(Actor.of(w.inspector), report, [w.inspector])
    return {
        "pk:reports": report.pk,
        "attachment_id": report.attachments.get().pk,
        "step:reports:handle": "accept",
    }


# A voucher the fund system does not know of, and a paper archive with no electronic case.
VOUCHERS = (
    "凭证号,日期,金额(元),收款单位,项目/合同编号\n记-2026-0699,2026-06-12,380000.00,长沙某劳务有限公司,\n"
)
ARCHIVES = "档案号\nCZJ-2026-999999\n"


def supervision(w: World) -> Values:
    """The inspector's patrol and spot check of 区财政局; its monitoring centre's reconciliations."""
    from sunlight.supervision import actions, reconciliation

    inspector, monitor = Actor.of(w.inspector), Actor.of(w.monitor)
    today = timezone.localdate()
    patrol = actions.start_patrol(inspector, scope="财政票据领购审批网上巡查", unit=w.finance)
    check = actions.draw_spot_check(inspector, unit=w.finance, start=today, end=today, size=1, seed=7)
    vouchers = reconciliation.import_vouchers(
        monitor,
        unit=w.finance,
        data=VOUCHERS.encode(),
        file_name="凭证.csv",
    )
    archives = reconciliation.compare_archives(
        monitor, unit=w.finance, start=today, end=today, data=ARCHIVES.encode(), file_name="纸质档案.csv"
    )
    return {
        **named("pk", patrol.pk, "supervision:patrol", "supervision:close_patrol"),
        **named("pk", check.pk, "supervision:spot_check", "supervision:check_item"),
        "item": check.items.get().pk,
        "pk:supervision:voucher_import": vouchers.pk,
        "pk:supervision:archive_check": archives.pk,
    }


def enforcement(w: World) -> Values:
    """区行政综合执法局's case at 调查取证 with a photo, a recorder and an upload under way."""
    from sunlight.enforcement import actions, devices
    from sunlight.enforcement.tests.factories import (
        EnforcementFields,
        create_enforcement,
        declaration,
        evidence_for,
        jpeg,
        open_case,
    )

    bureau = EnforcementFields()
    create_enforcement(bureau)
    officer = Actor.of(bureau.officer)
    case = open_case(bureau)
    evidence = evidence_for(officer, case)
    device, _token = devices.register_device(
        system(), unit=bureau.zhzf, code="ZHZF-ZFY-001", name="执法记录仪", holder=bureau.officer
    )
    upload, _created = actions.declare_upload(officer, declaration(jpeg(seed=1), case))
    return {
        "number:enforcement": case.number,
        **named("pk", evidence.pk, "enforcement:evidence", "enforcement:evidence_file"),
        "evidence_id": evidence.pk,
        "pk:enforcement:device_retire": device.pk,
        "upload_id": upload.public_id,
    }


def sites(w: World) -> Values:
    """A site of 区水务局's project with inspections by the works section chief's post."""
    from sunlight.funds.tests.factories import TODAY
    from sunlight.sites import actions

    with time_machine.travel(TODAY, tick=False):
        site = actions.add_site(
            Actor.of(w.pm),
            w.project,
            name="1号标段工地",
            address="望城区沩水大堤K3+200",
            latitude="28.347512",
            longitude="112.819633",
        )
        schedule = actions.schedule_inspections(
            Actor.of(w.pm),
            site,
            post=w.supervisor_post,
            first_start=TODAY + dt.timedelta(hours=1),
            window_hours=8,
        )
    visit = schedule.visits.get()
    return {
        **named("pk", w.project.pk, "sites:project", "sites:add_site", "api:project_sites"),
        **named("pk", site.pk, "sites:add_camera", "sites:add_schedule"),
        **named("pk", visit.pk, "sites:check_in", "api:check_in"),
    }


def assessments(w: World) -> Values:
    """The current quarter's assessments, computed by the inspector."""
    from sunlight.assessments import actions
    from sunlight.assessments.models import Score
    from sunlight.assessments.periods import Quarter

    quarter = Quarter.current()
    actions.compute_quarter(Actor.of(w.inspector), quarter)
    score = Score.objects.filter(assessment__unit=w.finance).first()
    return {
        "year:assessments": quarter.year,
        "quarter": quarter.number,
        "fmt": "xlsx",
        "code:assessments:process": w.definition.code,
        **named("year", quarter.year, "api:quarter_results", "api:compute"),
        **({"pk:assessments:evidence": score.pk} if score else {}),
    }
