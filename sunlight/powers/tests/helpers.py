"""Plain factories for the power list tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sunlight.accounts.models import User
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Organisation
from sunlight.powers import actions
from sunlight.powers.content import (
    AccountabilityData,
    FeeData,
    LegalBasisData,
    MaterialData,
    PowerData,
    SpecialProcedureData,
)
from sunlight.powers.models import PowerVersion

START = dt.date(2020, 1, 1)


def power_data(**overrides: Any) -> PowerData:
    """A licensing power of 区财政局 as units keep it, with every part filled in."""
    data = PowerData(
        name="政府采购代理机构资格认定",
        category="licensing",
        implementing_body="区财政局",
        body_nature="statutory",
        office="CZJ-01",
        posts=("CZJ-CK01", "CZJ-SC01"),
        exercise_level="district",
        statutory_limit=20,
        statutory_limit_unit="working_days",
        committed_limit=10,
        committed_limit_unit="working_days",
        extension_rule="二十日内不能作出决定的，经本行政机关负责人批准，可以延长十日。",
        conditions="具有独立承担民事责任的能力；有固定的营业场所。",
        result_document="政府采购代理机构资格证书",
        consultation_phone="0731-88080001",
        complaint_phone="0731-88080002",
        service_place="望城区政务服务中心二楼财政窗口",
        service_hours="工作日 9:00-12:00，13:30-17:00",
        visits_needed=1,
        valid_from=START,
        sub_items=("资格认定（新办）", "资格认定（延续）"),
        legal_bases=(
            LegalBasisData(
                "establishing",
                "《中华人民共和国政府采购法》",
                "第十九条",
                "采购人可以委托经国务院有关部门或者省级人民政府有关部门认定资格的采购代理机构。",
                dt.date(2003, 1, 1),
            ),
            LegalBasisData("implementing", "《中华人民共和国行政许可法》", "第四十二条"),
        ),
        special_procedures=(SpecialProcedureData("专家评审", 10, "《政府采购法实施条例》第十二条", False),),
        fees=(FeeData("工本费", 1050, "", "湘发改价费〔2016〕12号"),),
        materials=(
            MaterialData("申请书", "original", 1, True),
            MaterialData("营业执照", "copy", 2, True),
        ),
        accountability=(
            AccountabilityData("acceptance", "对符合条件的申请不予受理的"),
            AccountabilityData("decision", "对不符合条件的申请人准予许可的"),
        ),
    )
    return data.replace(**overrides)


def draft(actor: Actor, unit: Organisation, code: str = "CZJ-XK-0001", **overrides: Any) -> PowerVersion:
    return actions.create_power(actor, unit, code, power_data(**overrides))


def publish(unit_actor: Actor, inspector: User, version: PowerVersion) -> PowerVersion:
    actions.submit_version(unit_actor, version)
    version.refresh_from_db()
    return actions.approve_version(Actor.of(inspector), version)
