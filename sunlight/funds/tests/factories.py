"""The water bureau's fund-control posts and people, and a ready, active construction contract."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sunlight.accounts.models import User
from sunlight.funds import actions
from sunlight.funds.models import Contract, ContractKind, FundRole, Project
from sunlight.ledger.actor import Actor
from sunlight.lib.codes import make_uscc
from sunlight.orgs.models import Organisation, Post, PostKind
from sunlight.test import Personas, assign, make_office, make_person, make_post, system

TODAY = dt.datetime(2026, 6, 15, 10, 0, tzinfo=dt.UTC)
CONTRACTOR_CODE = make_uscc("91", "430112", "MA4L0001")
YUAN = 100  # fen


def build_water_funds(target: Any) -> None:
    """Posts and people of 区水务局 for fund control, set as attributes of `target`."""
    water: Organisation = target.water
    works = make_office(water, "工程建设股", 2)
    money = make_office(water, "财务股", 3)
    target.pm_post = make_post(works, PostKind.CLERK, "SWJ-CK11", "项目管理岗")
    target.supervisor_post = make_post(works, PostKind.SECTION_CHIEF, "SWJ-SC11", "工程建设股股长")
    target.deputy_post = make_post(water, PostKind.LEADER_IN_CHARGE, "SWJ-LC11", "分管副局长")
    target.director_post = make_post(water, PostKind.HEAD, "SWJ-HD11", "局长")
    target.cashier_post = make_post(money, PostKind.CLERK, "SWJ-CK12", "会计岗")
    people = {
        "pm": ("manager", "周建军"),
        "supervisor": ("supervisor", "谭志刚"),
        "deputy": ("deputy", "彭丽华"),
        "director": ("director", "曾国平"),
        "cashier": ("cashier", "易晓燕"),
    }
    for attribute, (username, name) in people.items():
        person = make_person(username, name)
        setattr(target, attribute, person)
        assign(person, getattr(target, f"{attribute}_post"))
    designations: list[tuple[str, Post, int]] = [
        (FundRole.PROJECT_MANAGER, target.pm_post, 1),
        (FundRole.SUPERVISOR, target.supervisor_post, 1),
        (FundRole.CHANGE_APPROVER, target.deputy_post, 1),
        (FundRole.CHANGE_APPROVER, target.director_post, 2),
        (FundRole.PAYMENT_APPROVER, target.deputy_post, 1),
        (FundRole.PAYMENT_APPROVER, target.director_post, 2),
        (FundRole.CASHIER, target.cashier_post, 1),
    ]
    for role, post, step in designations:
        actions.designate_post(system(), unit=water, role=role, post=post, step=step)


def make_project(pm: User, unit: Organisation, code: str = "SWJ-XM-2026-001") -> Project:
    return actions.create_project(
        Actor.of(pm),
        unit=unit,
        code=code,
        name="沩水河望城段堤防加固工程",
        approval_reference="望发改投〔2026〕12号",
        budget_fen=30_000_000 * YUAN,
    )


def make_active_contract(
    target: Any,
    *,
    price_fen: int = 10_000_000 * YUAN,
    milestones: tuple[tuple[str, dt.date, int], ...] = (
        ("预付款", dt.date(2026, 3, 1), 1000),
        ("主体工程完工", dt.date(2026, 6, 1), 6000),
        ("竣工验收", dt.date(2026, 12, 1), 9700),
    ),
    code: str = "SWJ-HT-2026-001",
    project: Project | None = None,
) -> Contract:
    pm = Actor.of(target.pm)
    project = project or make_project(target.pm, target.water)
    contract = actions.create_contract(
        pm,
        project,
        code=code,
        title="堤防加固工程施工合同",
        kind=ContractKind.CONSTRUCTION,
        counterparty="湖南望城水利水电建设有限公司",
        counterparty_code=CONTRACTOR_CODE,
        price_fen=price_fen,
        signed_on=dt.date(2026, 2, 20),
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 12, 31),
        integrity_number=f"LJ-{code}",
    )
    for name, day, share in milestones:
        actions.add_milestone(pm, contract, name=name, earliest_on=day, max_share_bp=share)
    actions.sign_integrity_for_unit(Actor.of(target.director), contract)
    actions.record_contractor_signature(pm, contract, signatory="刘振华", signed_on=dt.date(2026, 2, 20))
    return actions.activate_contract(pm, contract)


class WaterFunds(Personas):
    """Personas plus the water bureau's fund-control posts and people."""

    pm: User
    supervisor: User
    deputy: User
    director: User
    cashier: User
    pm_post: Post
    supervisor_post: Post
    deputy_post: Post
    director_post: Post
    cashier_post: Post

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        build_water_funds(cls)
