"""Loading the demo power list (2,200+ powers of the 98 units) through the actions.

Each unit's monitoring centre drafts and files its list; the commission's inspector for the
whole district reviews and publishes it, so the ledger shows who did what. Then some items
are revised (the 2021 revision of the Administrative Penalty Law), and a few revisions are left
in each state of review. Deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db import transaction

from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.orgs import demo_data as org_data
from sunlight.orgs.models import Organisation, Post, PostKind
from sunlight.powers import actions
from sunlight.powers import demo_catalogue as catalogue
from sunlight.powers.content import (
    AccountabilityData,
    FeeData,
    LegalBasisData,
    MaterialData,
    PowerData,
    SpecialProcedureData,
    content_of,
)
from sunlight.powers.demo_laws import LAWS
from sunlight.powers.models import CATEGORY_CODES, PowerItem, PowerVersion

DESCRIPTION = "the power list (2,200+ powers of the 98 units, reviewed and published)"
SEED = 2016
PLATFORM_START = dt.date(2016, 1, 4)
PENALTY_LAW_REVISED = dt.date(2021, 7, 15)
INSPECTOR_POST = "JW-IN04"  # 党风政风监督室: supervises the whole district
DISTRICT_LETTERS = "WC"  # 望城: the body part of a code is the district's and the unit's letters
# Limits that differ from their category's usual ones: construction-project approval took 30
# working days before the reform and is promised in 14 (S8).
_LIMIT_OVERRIDES = {"建设工程项目审批": (30, 14)}

CATEGORY_OF_TYPE = {code: category for category, code in CATEGORY_CODES.items()}
_HOURS = "工作日 上午9:00-12:00，下午13:30-17:00（法定节假日除外）"
_EXTENSION = (
    "二十个工作日内不能作出决定的，经本行政机关负责人批准，可以延长十个工作日，并将延长期限的理由告知申请人。"
)
_RESULTS = {
    "CF": "行政处罚决定书",
    "QZ": "行政强制措施决定书",
    "ZS": "缴款通知书",
    "JF": "给付决定通知书",
    "JC": "现场检查记录、责令整改通知书",
    "QR": "确认文书",
    "JL": "奖励决定",
    "CJ": "裁决书",
    "QT": "办理意见",
    "GG": "办理结果告知单",
}
# By code type: the statutory limit, the committed limits units choose from, the unit.
_LIMITS: dict[str, tuple[int | None, tuple[int, ...], str]] = {
    "XK": (20, (5, 7, 8, 10, 12, 15), "working_days"),
    "CF": (90, (30, 45, 60), "calendar_days"),
    "QZ": (30, (15, 20), "calendar_days"),
    "ZS": (10, (3, 5), "working_days"),
    "JF": (20, (7, 10, 15), "working_days"),
    "QR": (20, (3, 5, 10), "working_days"),
    "JL": (30, (15, 20), "working_days"),
    "CJ": (60, (30, 45), "calendar_days"),
    "QT": (20, (10, 15), "working_days"),
}
_MATERIALS = {
    "XK": (
        ("申请书", "original", 1),
        ("申请人身份证明", "copy", 1),
        ("营业执照或法人登记证书", "copy", 1),
        ("符合许可条件的证明材料", "original_and_copy", 1),
    ),
    "QR": (
        ("申请表", "original", 1),
        ("申请人身份证", "copy", 1),
        ("户口簿", "copy", 1),
        ("相关证明材料", "original_and_copy", 1),
    ),
    "JF": (
        ("申请表", "original", 1),
        ("申请人身份证", "copy", 1),
        ("户口簿", "copy", 1),
        ("家庭收入及财产状况证明", "original", 1),
    ),
    "GG": (("申请表", "original", 1), ("申请人身份证", "copy", 1)),
    "ZS": (("缴费申报表", "original", 1),),
    "JL": (("推荐表", "original", 1), ("事迹材料", "original", 2)),
    "CJ": (("裁决申请书", "original", 2), ("证据材料", "copy", 1)),
}
_ACCOUNTABILITY = {
    "acceptance": "对符合条件的申请不予受理，或未一次性告知需补正的全部内容的",
    "review": "审查把关不严、未按规定核实材料，或索取、收受申请人财物的",
    "decision": "超越职权、违反法定程序作出决定，或对不符合条件的予以准予的",
    "delivery": "未在承诺时限内送达决定文书，或刁难申请人的",
    "supervision": "不依法履行监督职责或监督不力，造成严重后果的",
}
_FEES = {
    "居民身份证核发": ("居民身份证工本费", 2000),
    "机动车登记": ("机动车号牌工本费", 10000),
    "机动车驾驶证核发": ("驾驶证工本费", 1000),
}


def _actor_in(post_code: str) -> Actor:
    post = Post.objects.get(code=post_code)
    holder = post.assignments.select_related("person").order_by("pk").first()
    assert holder is not None, post_code
    return Actor.of(holder.person, Channel.COMMAND)


def is_loaded() -> bool:
    return PowerItem.objects.exists()


def load() -> None:
    load_powers()


def _office_name(unit: Organisation, type_code: str) -> str:
    if unit.kind in ("township", "subdistrict"):
        if type_code in ("XK", "QR", "GG"):
            return "便民服务中心"
        if type_code == "JF":
            return "社会事务办"
        if type_code in ("CF", "JC", "CJ", "QZ"):
            return "村镇建设办" if unit.kind == "township" else "城市管理办"
        return "党政办"
    if unit.kind == "commission":
        return "党风政风监督室"
    return "行政审批股" if type_code in ("XK", "QR", "GG", "JF", "ZS") else "政策法规股"


def _power_data(
    rng: random.Random,
    unit: Organisation,
    spec: catalogue.PowerSpec,
    offices: dict[str, Organisation],
    posts: dict[int, list[Post]],
    index: int,
    nature: str,
) -> PowerData:
    t = spec.type
    office = offices.get(_office_name(unit, t))
    office_posts = posts.get(office.pk, []) if office else []
    township = unit.kind in ("township", "subdistrict")
    statutory: int | None
    committed: int | None
    statutory, committed_choices, limit_unit = _LIMITS.get(t, (None, (3, 5), "working_days"))
    committed = rng.choice(committed_choices)
    if t == "JC":
        statutory = committed = None
    if spec.name in _LIMIT_OVERRIDES:
        statutory, committed = _LIMIT_OVERRIDES[spec.name]
    law, law_from = LAWS[spec.law]
    bases = [LegalBasisData("establishing", law, catalogue.article(spec.article), "", law_from)]
    if t == "XK":
        bases.append(
            LegalBasisData(
                "implementing",
                LAWS["许可法"][0],
                catalogue.article(rng.choice((29, 32, 34, 38, 42))),
                "",
                LAWS["许可法"][1],
            )
        )
    elif t == "CF":
        bases.append(
            LegalBasisData(
                "implementing",
                "《中华人民共和国行政处罚法》（2009年修正）",
                "第三十六条",
                "",
                dt.date(2009, 8, 27),
                dt.date(2021, 7, 14),
            )
        )
    sub_items: tuple[str, ...] = ()
    if t == "XK" and rng.random() < 0.3:
        sub_items = tuple(f"{spec.name}（{s}）" for s in ("新办", "变更", "延续"))
    procedures: tuple[SpecialProcedureData, ...] = ()
    if t == "XK" and rng.random() < 0.4:
        procedures = (
            SpecialProcedureData(
                rng.choice(("现场勘查", "专家评审", "技术审查")),
                rng.choice((5, 10, 15)),
                f"{LAWS['许可法'][0]}第四十五条",
                False,
            ),
        )
    elif t == "CF" and rng.random() < 0.2:
        procedures = (SpecialProcedureData("听证", 20, "《中华人民共和国行政处罚法》第六十三条", False),)
    fees: tuple[FeeData, ...] = ()
    if spec.name in _FEES:
        fee_name, fen = _FEES[spec.name]
        fees = (FeeData(fee_name, fen, "", "《国家发展改革委 财政部关于规范证照工本费的通知》"),)
    elif t == "ZS":
        fees = (
            FeeData(
                spec.name.removesuffix("征收"),
                None,
                "按核定标准计征",
                f"{law}{catalogue.article(spec.article)}",
            ),
        )
    stages = (
        ("acceptance", "review", "decision", "delivery")
        if t in ("XK", "QR", "JF", "GG")
        else ("review", "decision", "supervision")
    )
    entrusted = bool(spec.entrusted_by)
    return PowerData(
        name=spec.name,
        category=CATEGORY_OF_TYPE[t],
        implementing_body=unit.name,
        body_nature="entrusted" if entrusted else nature,
        entrusting_body=spec.entrusted_by,
        office=office.code if office else "",
        posts=tuple(p.code for p in office_posts),
        exercise_level="township" if township else ("both" if "初审" in spec.name else "district"),
        statutory_limit=statutory,
        statutory_limit_unit=limit_unit,
        committed_limit=committed,
        committed_limit_unit=limit_unit,
        extension_rule=_EXTENSION if t == "XK" else "",
        conditions="符合法律、法规规定的条件和标准" if t in ("XK", "QR", "JF") else "",
        result_document=f"{spec.name.removesuffix('许可').removesuffix('审批')}批准文书"
        if t == "XK"
        else _RESULTS.get(t, ""),
        consultation_phone=f"0731-8810{index:04d}",
        complaint_phone="0731-88081215",
        service_place=f"{unit.name}便民服务中心"
        if township
        else f"望城区政务服务中心{1 + index % 3}楼{unit.name.removeprefix('区')}窗口",
        service_hours=_HOURS,
        visits_needed=0 if t in ("CF", "JC", "QZ") else 1,
        valid_from=PLATFORM_START
        if rng.random() < 0.85
        else dt.date(rng.choice((2017, 2018, 2019)), rng.randint(1, 12), 1),
        sub_items=sub_items,
        legal_bases=tuple(bases),
        special_procedures=procedures,
        fees=fees,
        materials=tuple(MaterialData(n, f, c, True) for n, f, c in _MATERIALS.get(t, ())),
        accountability=tuple(AccountabilityData(s, _ACCOUNTABILITY[s]) for s in stages),
    )


@transaction.atomic
def load_powers(seed: int = SEED) -> None:
    rng = random.Random(seed)
    inspector = _actor_in(INSPECTOR_POST)
    natures = {spec.name: spec.nature for spec in org_data.UNITS}
    units = list(Organisation.objects.units().order_by("sort", "code"))
    offices_by_unit: dict[int, dict[str, Organisation]] = defaultdict(dict)
    for office in Organisation.objects.filter(kind="office"):
        offices_by_unit[office.unit_id][office.name] = office  # type: ignore[index]
    posts_by_office: dict[int, list[Post]] = defaultdict(list)
    for post in Post.objects.filter(kind__in=(PostKind.CLERK, PostKind.SECTION_CHIEF)).order_by("code"):
        posts_by_office[post.organisation_id].append(post)
    published: list[PowerVersion] = []
    index = 0
    for unit in units:
        monitor = _actor_in(f"{unit.abbr}-MC01")
        nature = "authorised" if natures.get(unit.name) in ("12", "13", "91") else "statutory"
        numbers: dict[str, int] = defaultdict(int)
        entries = []
        for spec in catalogue.catalogue_for(unit.name, unit.kind):
            numbers[spec.type] += 1
            index += 1
            code = f"{DISTRICT_LETTERS}-{unit.abbr}-{spec.type}-{numbers[spec.type]:04d}"
            entries.append(
                (code, _power_data(rng, unit, spec, offices_by_unit[unit.pk], posts_by_office, index, nature))
            )
        versions = actions.create_powers(monitor, unit, entries)
        actions.submit_versions(monitor, versions, note="年度权力清单报审")
        published += actions.approve_versions(inspector, versions, note="审核通过，予以公布")
    _revise(rng, inspector, published)


def _revise(rng: random.Random, inspector: Actor, published: list[PowerVersion]) -> None:
    """The 2021 Administrative Penalty Law: some penalty items get a second version."""
    penalties = [v for v in published if v.category == "penalty" and v.item.unit.kind == "department"]
    chosen = rng.sample(penalties, 40)
    for n, version in enumerate(chosen):
        unit = version.item.unit
        monitor = _actor_in(f"{unit.abbr}-MC01")
        draft = actions.revise(monitor, version.item, reason="《行政处罚法》修订")
        old = content_of(draft)
        bases = tuple(
            b
            if b.kind == "establishing"
            else LegalBasisData("implementing", LAWS["处罚法"][0], "第六十条", "", LAWS["处罚法"][1])
            for b in old.legal_bases
        )
        new = old.replace(
            valid_from=PENALTY_LAW_REVISED,
            legal_bases=bases,
            committed_limit=min(old.committed_limit or 60, 45),
        )
        actions.update_draft(monitor, draft, new, reason="依据新修订的《行政处罚法》调整实施依据和承诺时限")
        if n < 30:
            actions.submit_version(monitor, draft)
            actions.approve_version(inspector, draft, note="审核通过")
        elif n < 35:
            actions.submit_version(monitor, draft)  # awaiting the commission's review
        elif n < 38:
            actions.submit_version(monitor, draft)
            actions.return_version(
                inspector, draft, findings="承诺时限未体现提速，请结合实际压缩；追责情形未覆盖执行环节。"
            )
        # the last two stay drafts in the unit
