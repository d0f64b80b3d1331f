"""Demo data: government-investment projects of 区水务局 and 区城投集团, through the actions.

At the seed's scale: about 1.6 billion yuan of construction funds under supervision, 19 change
applications stopped at the red lines and more than 40 million yuan saved. Dates are relative
to the day the demo is loaded, so the schedule, the blocked early payment and the progress
make sense whenever it runs.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from sunlight.accounts import actions as account_actions
from sunlight.accounts.models import User
from sunlight.checkpoints.engine import CheckpointBlocked
from sunlight.funds import actions, changes, payments
from sunlight.funds.models import Contract, ContractKind, FundRole, Project
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.lib.codes import make_uscc
from sunlight.orgs import actions as org_actions
from sunlight.orgs import demo as orgs_demo
from sunlight.orgs import demo_data
from sunlight.orgs.models import CodeScheme, Organisation, OrgKind, Post, PostKind

DESCRIPTION = (
    "projects of 区水务局 and 区城投集团: contracts, integrity contracts, payments, blocked change orders"
)
WAN = 10_000_00  # 一万元 in fen
SEED = 2016


@dataclass(frozen=True)
class ContractSpec:
    suffix: str
    title: str
    kind: str
    counterparty: str
    org_code: str
    price_wan: int
    progress_bp: int  # confirmed progress today
    changes_wan: tuple[int, ...] = ()  # submitted in order; over a red line they are blocked


@dataclass(frozen=True)
class ProjectSpec:
    unit: str
    code: str
    name: str
    approval: str
    budget_wan: int
    started_days_ago: int
    contracts: tuple[ContractSpec, ...]


_WATER_BUILDER = "湖南望城水利水电建设有限公司"
PROJECTS: tuple[ProjectSpec, ...] = (
    ProjectSpec(
        "SWJ",
        "SWJ-XM-2025-001",
        "沩水望城段堤防加固工程",
        "望发改投〔2025〕18号",
        42_000,
        500,
        (
            ContractSpec(
                "SG",
                "沩水望城段堤防加固工程施工合同",
                ContractKind.CONSTRUCTION,
                _WATER_BUILDER,
                "MA4L0001",
                36_000,
                7400,
                (48, 86, 35, 235, 128, 520, 27),
            ),
            ContractSpec(
                "JL",
                "沩水望城段堤防加固工程监理合同",
                ContractKind.SUPERVISION,
                "长沙市沩江水利工程监理有限公司",
                "MA4L0002",
                650,
                7000,
                (48, 49, 45),
            ),
        ),
    ),
    ProjectSpec(
        "SWJ",
        "SWJ-XM-2025-002",
        "八曲河流域综合治理工程",
        "望发改投〔2025〕31号",
        23_000,
        420,
        (
            ContractSpec(
                "SG",
                "八曲河流域综合治理工程施工合同",
                ContractKind.CONSTRUCTION,
                _WATER_BUILDER,
                "MA4L0001",
                19_800,
                6600,
                (42, 96, 175, 264),
            ),
        ),
    ),
    ProjectSpec(
        "SWJ",
        "SWJ-XM-2025-003",
        "城区供水管网改造工程",
        "望发改投〔2025〕44号",
        15_000,
        380,
        (
            ContractSpec(
                "SG",
                "城区供水管网改造工程施工合同",
                ContractKind.CONSTRUCTION,
                "长沙铜官市政工程有限公司",
                "MA4L0003",
                12_800,
                8200,
                (18, 72, 31, 158),
            ),
        ),
    ),
    ProjectSpec(
        "CTJT",
        "CTJT-XM-2025-001",
        "雷锋大道提质改造工程",
        "望发改投〔2025〕9号",
        55_000,
        520,
        (
            ContractSpec(
                "SG",
                "雷锋大道提质改造工程施工合同",
                ContractKind.CONSTRUCTION,
                "湖南湘江路桥建设集团有限公司",
                "MA4L0004",
                46_000,
                7800,
                (49, 345, 220, 186, 560),
            ),
            ContractSpec(
                "JL",
                "雷锋大道提质改造工程监理合同",
                ContractKind.SUPERVISION,
                "湖南楚天工程监理咨询有限公司",
                "MA4L0005",
                900,
                7500,
            ),
        ),
    ),
    ProjectSpec(
        "CTJT",
        "CTJT-XM-2025-002",
        "月亮岛片区安置房建设工程",
        "望发改投〔2025〕27号",
        38_000,
        450,
        (
            ContractSpec(
                "SG",
                "月亮岛片区安置房建设工程施工总承包合同",
                ContractKind.CONSTRUCTION,
                "湖南星城建设工程有限公司",
                "MA4L0006",
                32_000,
                6200,
                (26, 138, 398, 95),
            ),
        ),
    ),
    ProjectSpec(
        "CTJT",
        "CTJT-XM-2025-003",
        "高塘岭片区路网配套工程",
        "望发改投〔2025〕52号",
        16_000,
        400,
        (
            ContractSpec(
                "SG",
                "高塘岭片区路网配套工程施工合同",
                ContractKind.CONSTRUCTION,
                "湖南湘江路桥建设集团有限公司",
                "MA4L0004",
                13_500,
                5800,
                (167, 203),
            ),
        ),
    ),
)
# (cumulative share in basis points, days after the start): the payment schedule of each contract.
SCHEDULE = (("预付款", 1000, 0), ("进度款（一）", 4000, 120), ("进度款（二）", 7000, 240),
            ("竣工验收", 9700, 420), ("质量保证金", 10_000, 1150))  # fmt: skip


@dataclass
class Staff:
    """Who acts on a unit's funds in the demo."""

    unit: Organisation
    pm: User
    supervisor: User
    deputy: User
    head: User
    finance_chief: User
    cashier: User
    invoices: list[int] = field(default_factory=lambda: [43_000_100])

    def invoice(self) -> str:
        self.invoices[0] += 7
        return str(self.invoices[0])


def is_loaded() -> bool:
    return Project.objects.exists()


def load() -> None:
    if not Organisation.objects.filter(abbr="SWJ").exists():
        return  # the demo district is not loaded
    rng = random.Random(SEED)
    password = make_password(orgs_demo.DEMO_PASSWORD)
    staff = {abbr: _set_up_unit(abbr, rng, password) for abbr in ("SWJ", "CTJT")}
    today = timezone.localdate()
    for spec in PROJECTS:
        _load_project(spec, staff[spec.unit], today)
    _blocked_payments(staff, today)


def _holder(post: Post) -> User:
    return post.assignments.select_related("person").order_by("valid_from")[0].person


def _next_code(unit: Organisation, kind_code: str) -> str:
    taken = set(
        Post.objects.filter(code__startswith=f"{unit.abbr}-{kind_code}").values_list("code", flat=True)
    )
    return next(
        f"{unit.abbr}-{kind_code}{n:02d}"
        for n in range(1, 100)
        if f"{unit.abbr}-{kind_code}{n:02d}" not in taken
    )


@transaction.atomic
def _set_up_unit(abbr: str, rng: random.Random, password: str) -> Staff:
    """The construction office (工程建设股) with its posts and people, and the fund designations."""
    system = Actor.system(Channel.COMMAND)
    unit = Organisation.objects.get(abbr=abbr)
    number = Organisation.objects.filter(parent=unit).count() + 1
    office = org_actions.create_organisation(
        system,
        code=f"{abbr}-{number:02d}",
        code_scheme=CodeScheme.INTERNAL,
        name="工程建设股",
        kind=OrgKind.OFFICE,
        parent=unit,
        sort=number,
    )
    posts = {
        "pm": org_actions.create_post(
            system, organisation=office, code=_next_code(unit, "CK"), name="项目管理岗", kind=PostKind.CLERK
        ),
        "supervisor": org_actions.create_post(
            system, organisation=office, code=_next_code(unit, "SC"), name="股长", kind=PostKind.SECTION_CHIEF
        ),
    }
    people = {}
    for key, suffix in (("pm", "xm01"), ("supervisor", "gc01")):
        person = account_actions.create_person(
            system,
            username=f"{abbr.lower()}{suffix}",
            full_name=demo_data.person_name(rng),
            phone=demo_data.mobile_number(rng),
            password_hash=password,
        )
        org_actions.assign_post(system, person=person, post=posts[key], valid_from=orgs_demo.SINCE)
        people[key] = person
    head = Post.objects.get(code=f"{abbr}-HD01")
    deputy = Post.objects.get(code=f"{abbr}-LC01")
    finance_chief = Post.objects.get(
        organisation__parent=unit, organisation__name="财务股", kind=PostKind.SECTION_CHIEF
    )
    cashier = Post.objects.get(organisation__parent=unit, organisation__name="财务股", kind=PostKind.CLERK)
    for role, post, step in (
        (FundRole.PROJECT_MANAGER, posts["pm"], 1),
        (FundRole.SUPERVISOR, posts["supervisor"], 1),
        (FundRole.CHANGE_APPROVER, deputy, 1),
        (FundRole.CHANGE_APPROVER, head, 2),
        (FundRole.PAYMENT_APPROVER, finance_chief, 1),
        (FundRole.PAYMENT_APPROVER, head, 2),
        (FundRole.CASHIER, cashier, 1),
    ):
        actions.designate_post(system, unit=unit, role=role, post=post, step=step)
    return Staff(
        unit=unit,
        pm=people["pm"],
        supervisor=people["supervisor"],
        deputy=_holder(deputy),
        head=_holder(head),
        finance_chief=_holder(finance_chief),
        cashier=_holder(cashier),
    )


def _as(user: User) -> Actor:
    return Actor(user=user, channel=Channel.COMMAND)


def _load_project(spec: ProjectSpec, staff: Staff, today: dt.date) -> None:
    start = today - dt.timedelta(days=spec.started_days_ago)
    with transaction.atomic():
        project = actions.create_project(
            _as(staff.pm),
            unit=staff.unit,
            code=spec.code,
            name=spec.name,
            approval_reference=spec.approval,
            budget_fen=spec.budget_wan * WAN,
        )
    for contract_spec in spec.contracts:
        with transaction.atomic():
            contract = _contract(project, contract_spec, staff, start)
            _progress_and_payments(contract, contract_spec, staff, start, today)
        for amount_wan in contract_spec.changes_wan:
            _change(contract, amount_wan, staff)


def _contract(project: Project, spec: ContractSpec, staff: Staff, start: dt.date) -> Contract:
    pm = _as(staff.pm)
    code = f"{project.code.replace('-XM-', '-HT-')}-{spec.suffix}"
    contract = actions.create_contract(
        pm,
        project,
        code=code,
        title=spec.title,
        kind=spec.kind,
        counterparty=spec.counterparty,
        counterparty_code=make_uscc("91", "430112", spec.org_code),
        price_fen=spec.price_wan * WAN,
        signed_on=start - dt.timedelta(days=10),
        starts_on=start,
        ends_on=start + dt.timedelta(days=540),
        integrity_number=f"LJ-{code}",
    )
    for name, share, days in SCHEDULE:
        actions.add_milestone(
            pm, contract, name=name, earliest_on=start + dt.timedelta(days=days), max_share_bp=share
        )
    actions.sign_integrity_for_unit(_as(staff.head), contract)
    actions.record_contractor_signature(
        pm, contract, signatory="法定代表人", signed_on=start - dt.timedelta(days=10)
    )
    return actions.activate_contract(pm, contract)


def _progress_and_payments(
    contract: Contract, spec: ContractSpec, staff: Staff, start: dt.date, today: dt.date
) -> None:
    pm = _as(staff.pm)
    for share in sorted({min(spec.progress_bp, s) for s in (3500, 6000, spec.progress_bp)}):
        measurement = actions.submit_progress(
            pm,
            contract,
            progress_bp=share,
            measured_on=min(today, start + dt.timedelta(days=share // 25)),
            description="经监理现场计量，施工单位、监理单位、建设单位三方确认",
        )
        actions.confirm_progress(_as(staff.supervisor), measurement, confirm=True, comment="计量属实")
    paid_share = 0
    for milestone in contract.milestones.order_by("number"):
        if milestone.earliest_on > today or milestone.max_share_bp > spec.progress_bp:
            break
        amount = contract.price_fen * (milestone.max_share_bp - paid_share) // 10_000
        request = payments.request_payment(
            pm, contract, milestone=milestone, amount_fen=amount, invoice_number=staff.invoice()
        )
        payments.decide_payment(
            _as(staff.finance_chief), request, approve=True, comment="资料齐全，金额与计量相符"
        )
        payments.decide_payment(_as(staff.head), request, approve=True, comment="同意支付")
        payments.record_payment(_as(staff.cashier), request, voucher_number=f"记-{request.pk:06d}")
        paid_share = milestone.max_share_bp


_CHANGE_TITLES = (
    "地质条件变化基础加深",
    "设计优化调整断面",
    "增加排水设施",
    "材料规格变更",
    "新增附属工程",
    "管线迁改",
)


def _change(contract: Contract, amount_wan: int, staff: Staff) -> None:
    title = _CHANGE_TITLES[(contract.pk + amount_wan) % len(_CHANGE_TITLES)]
    try:
        change = changes.submit_change_order(
            _as(staff.pm),
            contract,
            title=title,
            reason="施工过程中现场条件与设计不符，经设计单位出具变更图纸",
            amount_fen=amount_wan * WAN,
        )
    except CheckpointBlocked:
        return  # stopped at a red line: recorded, alarmed, and counted as money saved
    changes.decide_change_order(_as(staff.deputy), change, approve=True, comment="经现场核实，同意变更")
    changes.decide_change_order(_as(staff.head), change, approve=True, comment="同意")


def _blocked_payments(staff: dict[str, Staff], today: dt.date) -> None:
    """Attempts the fund-payment checkpoint stops, for the inspectors' pages."""
    attempts = (
        # The warranty money before its date (FUND-DATE).
        ("CTJT-HT-2025-001-SG", 10_000, lambda c: 10 * WAN, False),
        # 68% paid against 66% confirmed progress (FUND-PROGRESS).
        ("SWJ-HT-2025-002-SG", 7000, lambda c: c.price_fen * 2800 // 10_000, False),
        # The first invoice presented again (FUND-DUPLICATE, and over the milestone).
        ("SWJ-HT-2025-003-SG", 4000, lambda c: 120 * WAN, True),
    )
    for code, share, amount, duplicate in attempts:
        contract = Contract.objects.select_related("project__unit").get(code=code)
        unit_staff = staff[contract.project.unit.abbr]
        milestone = contract.milestones.get(max_share_bp=share)
        first = contract.payment_requests.order_by("pk").first()
        invoice = first.invoice_number if duplicate and first else unit_staff.invoice()
        try:
            payments.request_payment(
                _as(unit_staff.pm),
                contract,
                milestone=milestone,
                amount_fen=amount(contract),
                invoice_number=invoice,
            )
        except CheckpointBlocked:
            continue
