"""Deterministic demo data for 长沙市望城区 as it was organised around 2016.

Pure Python (no Django): the seed command turns these constants into organisations,
posts and people. Everything here is fixed or derived from a caller-supplied
`random.Random`, so the same seed always yields the same district.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal, NamedTuple, get_args

from sunlight.lib.codes import make_uscc

OrgKindName = Literal["district", "commission", "department", "township", "subdistrict"]
UnitKindName = Literal["commission", "department", "township", "subdistrict"]
PostKindName = Literal[
    "clerk",
    "section_chief",
    "leader_in_charge",
    "head",
    "monitor",
    "inspector",
    "admin",
]
Nature = Literal["", "11", "12", "13", "91"]  # USCC registration kind; "" for townships

UNIT_KINDS: Final[tuple[UnitKindName, ...]] = get_args(UnitKindName)
POST_KINDS: Final[tuple[PostKindName, ...]] = get_args(PostKindName)


@dataclass(frozen=True, slots=True)
class OrgSpec:
    """The district or one unit (单位): what the seed needs for an Organisation row."""

    name: str
    abbr: str  # 2-5 ASCII capitals, unique: used in power codes and case numbers
    kind: OrgKindName
    code_scheme: Literal["uscc", "division"]
    code: str  # USCC for departments, division code for the district and townships
    nature: Nature  # "11" 机关, "12" 事业单位, "13" 群众团体, "91" 企业, "" for townships


class PostSpec(NamedTuple):
    """A post (岗位) of a unit; `office` None means the unit itself (领导班子)."""

    office: str | None
    name: str
    kind: PostKindName
    staff: int  # how many people hold it


DIVISION_CODE: Final = "430112"
DISTRICT: Final = OrgSpec("长沙市望城区", "WCQ", "district", "division", DIVISION_CODE, "")

COMMISSION_NAME: Final = "区纪委"
EGOV_NAME: Final = "区电子政务办"  # holds the system administrators


def _org_code8(name: str) -> str:
    """A deterministic 8-digit organisation code body for a unit name."""
    digest = hashlib.sha256(name.encode("utf-8")).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 10**8:08d}"


def _unit(name: str, abbr: str, nature: Nature, kind: UnitKindName = "department") -> OrgSpec:
    return OrgSpec(
        name,
        abbr,
        kind,
        "uscc",
        make_uscc(nature, DIVISION_CODE, _org_code8(name)),
        nature,
    )


# fmt: off
DEPARTMENTS: Final[tuple[OrgSpec, ...]] = (
    _unit(COMMISSION_NAME, "JW", "11", "commission"),  # 中共望城区纪律检查委员会
    _unit("区委办", "QWB", "11"),
    _unit("区政府办", "ZFB", "11"),
    _unit("区人大办", "RDB", "11"),
    _unit("区政协办", "ZXB", "11"),
    _unit("区委组织部", "ZZB", "11"),
    _unit("区委宣传部", "XCB", "11"),
    _unit("区委统战部", "TZB", "11"),
    _unit("区委政法委", "ZFW", "11"),
    _unit("区编办", "BB", "11"),
    _unit("区委政研室", "ZYS", "11"),
    _unit("区委老干部局", "LGJ", "11"),
    _unit("区委党校", "DX", "12"),
    _unit("区发改局", "FGJ", "11"),
    _unit("区经信局", "JXJ", "11"),  # 经济和信息化局
    _unit("区教育局", "JYJ", "11"),
    _unit("区科技局", "KJJ", "11"),
    _unit("区公安分局", "GAJ", "11"),
    _unit("区民政局", "MZJ", "11"),
    _unit("区司法局", "SFJ", "11"),
    _unit("区财政局", "CZJ", "11"),
    _unit("区人社局", "RSJ", "11"),  # 人力资源和社会保障局
    _unit("区国土资源局", "GTJ", "11"),
    _unit("区环保局", "HBJ", "11"),
    _unit("区住建局", "ZJJ", "11"),  # 住房和城乡建设局
    _unit("区规划局", "GHJ", "11"),
    _unit("区行政综合执法局", "ZHZF", "11"),  # 城市管理和行政综合执法
    _unit("区交通运输局", "JTJ", "11"),
    _unit("区水务局", "SWJ", "11"),
    _unit("区农业局", "NYJ", "11"),
    _unit("区林业局", "LYJ", "11"),
    _unit("区畜牧水产局", "XMJ", "11"),
    _unit("区农机局", "NJJ", "11"),
    _unit("区商务局", "SHWJ", "11"),
    _unit("区文体广电新闻出版局", "WGXJ", "11"),
    _unit("区卫生局", "WSJ", "11"),
    _unit("区计生局", "JSJ", "11"),  # 人口和计划生育局
    _unit("区审计局", "SJJ", "11"),
    _unit("区国资局", "GZJ", "11"),
    _unit("区安监局", "AJJ", "11"),
    _unit("区统计局", "TJJ", "11"),
    _unit("区食药监局", "SYJ", "11"),
    _unit("区工商局", "GSGLJ", "11"),
    _unit("区质监局", "ZLJ", "11"),
    _unit("区国税局", "GSJ", "11"),
    _unit("区地税局", "DSJ", "11"),
    _unit("区物价局", "WJJ", "11"),
    _unit("区粮食局", "LSJ", "11"),
    _unit("区旅游局", "LVJ", "11"),
    _unit("区信访局", "XFJ", "11"),
    _unit("区民宗局", "MZZJ", "11"),  # 民族宗教事务局
    _unit("区外侨办", "WQB", "11"),
    _unit("区法制办", "FZB", "11"),
    _unit("区金融办", "JRB", "11"),
    _unit("区招商局", "ZSJ", "11"),
    _unit("区人防办", "RFB", "11"),
    _unit("区房产局", "FCJ", "11"),
    _unit("区住房保障局", "ZFBZJ", "11"),
    _unit("区征地拆迁办", "ZDB", "11"),
    _unit("区移民局", "YMJ", "11"),
    _unit("区扶贫办", "FPB", "11"),
    _unit("区档案局", "DAJ", "11"),
    _unit("区史志办", "SZB", "12"),
    _unit("区机关事务管理局", "JGSWJ", "11"),
    _unit("区政务服务中心", "ZWZX", "12"),
    _unit("区公共资源交易中心", "GGZY", "12"),
    _unit(EGOV_NAME, "DZZW", "12"),
    _unit("区公路局", "GLJ", "12"),
    _unit("区供销社", "GXS", "12"),
    _unit("铜官窑遗址管理处", "TGY", "12"),
    _unit("区城投集团", "CTJT", "91"),  # 城市建设投资集团有限公司
    _unit("区总工会", "ZGH", "13"),
    _unit("团区委", "TQW", "13"),
    _unit("区妇联", "FL", "13"),
    _unit("区科协", "KX", "13"),
    _unit("区残联", "CL", "13"),
    _unit("区红十字会", "HSZ", "13"),
    _unit("区工商联", "GSL", "13"),
)


def _township(name: str, abbr: str, kind: UnitKindName, number: int) -> OrgSpec:
    return OrgSpec(name, abbr, kind, "division", f"{DIVISION_CODE}{number:03d}000", "")


# Statistical numbering: 001-099 for sub-districts (街道), 100-199 for towns (镇).
TOWNSHIPS: Final[tuple[OrgSpec, ...]] = (
    _township("高塘岭街道", "GTL", "subdistrict", 1),
    _township("喻家坡街道", "YJP", "subdistrict", 2),
    _township("大泽湖街道", "DZH", "subdistrict", 3),
    _township("月亮岛街道", "YLD", "subdistrict", 4),
    _township("金山桥街道", "JSQ", "subdistrict", 5),
    _township("黄金园街道", "HJY", "subdistrict", 6),
    _township("白沙洲街道", "BSZ", "subdistrict", 7),
    _township("乌山街道", "WS", "subdistrict", 8),
    _township("丁字湾街道", "DZW", "subdistrict", 9),
    _township("雷锋街道", "LF", "subdistrict", 10),
    _township("书堂山街道", "STS", "subdistrict", 11),
    _township("铜官镇", "TGZ", "township", 101),
    _township("乔口镇", "QKZ", "township", 102),
    _township("靖港镇", "JGZ", "township", 103),
    _township("茶亭镇", "CTZ", "township", 104),
    _township("白箬铺镇", "BRP", "township", 105),
    _township("桥驿镇", "QYZ", "township", 106),
    _township("格塘镇", "GTZ", "township", 107),
    _township("东城镇", "DCZ", "township", 108),
    _township("星城镇", "XCZ", "township", 109),
)
# fmt: on

UNITS: Final[tuple[OrgSpec, ...]] = DEPARTMENTS + TOWNSHIPS
MONITORING_CENTRE: Final = "运行监管中心"

OFFICES_BY_KIND: Final[Mapping[UnitKindName, tuple[str, ...]]] = {
    "department": ("办公室", "政策法规股", "行政审批股", "财务股", MONITORING_CENTRE),
    "township": (
        "党政办",
        "社会事务办",
        "便民服务中心",
        "村镇建设办",
        MONITORING_CENTRE,
    ),
    "subdistrict": (
        "党政办",
        "社会事务办",
        "便民服务中心",
        "城市管理办",
        MONITORING_CENTRE,
    ),
    "commission": (
        "第一纪检监察室",
        "第二纪检监察室",
        "第三纪检监察室",
        "党风政风监督室",
        "信访室",
        "案件审理室",
        MONITORING_CENTRE,
    ),
}
# Offices only some units have, by unit name.
EXTRA_OFFICES_BY_UNIT: Final[Mapping[str, tuple[str, ...]]] = {EGOV_NAME: ("系统运维股",)}

_MONITOR: Final = PostSpec(MONITORING_CENTRE, "监管员", "monitor", 1)

POSTS_BY_KIND: Final[Mapping[UnitKindName, tuple[PostSpec, ...]]] = {
    "department": (
        PostSpec(None, "局长", "head", 1),
        PostSpec(None, "分管副局长", "leader_in_charge", 2),
        PostSpec("办公室", "办公室主任", "section_chief", 1),
        PostSpec("办公室", "综合文秘岗", "clerk", 1),
        PostSpec("政策法规股", "股长", "section_chief", 1),
        PostSpec("政策法规股", "业务承办岗", "clerk", 1),
        PostSpec("行政审批股", "股长", "section_chief", 1),
        PostSpec("行政审批股", "窗口受理岗", "clerk", 2),
        PostSpec("财务股", "股长", "section_chief", 1),
        PostSpec("财务股", "会计岗", "clerk", 1),
        _MONITOR,
    ),
    "township": (
        PostSpec(None, "镇长", "head", 1),
        PostSpec(None, "分管副镇长", "leader_in_charge", 2),
        PostSpec("党政办", "主任", "section_chief", 1),
        PostSpec("党政办", "业务承办岗", "clerk", 1),
        PostSpec("社会事务办", "主任", "section_chief", 1),
        PostSpec("社会事务办", "业务承办岗", "clerk", 1),
        PostSpec("便民服务中心", "主任", "section_chief", 1),
        PostSpec("便民服务中心", "窗口受理岗", "clerk", 2),
        PostSpec("村镇建设办", "主任", "section_chief", 1),
        PostSpec("村镇建设办", "业务承办岗", "clerk", 1),
        _MONITOR,
    ),
    "subdistrict": (
        PostSpec(None, "街道办事处主任", "head", 1),
        PostSpec(None, "分管副主任", "leader_in_charge", 2),
        PostSpec("党政办", "主任", "section_chief", 1),
        PostSpec("党政办", "业务承办岗", "clerk", 1),
        PostSpec("社会事务办", "主任", "section_chief", 1),
        PostSpec("社会事务办", "业务承办岗", "clerk", 1),
        PostSpec("便民服务中心", "主任", "section_chief", 1),
        PostSpec("便民服务中心", "窗口受理岗", "clerk", 2),
        PostSpec("城市管理办", "主任", "section_chief", 1),
        PostSpec("城市管理办", "业务承办岗", "clerk", 1),
        _MONITOR,
    ),
    "commission": (
        PostSpec(None, "书记", "head", 1),
        PostSpec(None, "副书记", "leader_in_charge", 2),
        PostSpec("第一纪检监察室", "主任", "section_chief", 1),
        PostSpec("第一纪检监察室", "纪检监察员", "inspector", 2),
        PostSpec("第二纪检监察室", "主任", "section_chief", 1),
        PostSpec("第二纪检监察室", "纪检监察员", "inspector", 2),
        PostSpec("第三纪检监察室", "主任", "section_chief", 1),
        PostSpec("第三纪检监察室", "纪检监察员", "inspector", 2),
        PostSpec("党风政风监督室", "纪检监察员", "inspector", 1),
        PostSpec("信访室", "信访受理岗", "clerk", 1),
        PostSpec("案件审理室", "纪检监察员", "inspector", 1),
        _MONITOR,
    ),
}
# Posts only some units have, by unit name.
EXTRA_POSTS_BY_UNIT: Final[Mapping[str, tuple[PostSpec, ...]]] = {
    EGOV_NAME: (PostSpec("系统运维股", "系统管理员", "admin", 2),),
}

# Titles of a department's leaders by the ending of its name: (head, leader in charge).
_LEADER_TITLES: Final[tuple[tuple[str, str, str], ...]] = (
    ("党校", "常务副校长", "副校长"),
    ("集团", "董事长", "副总经理"),
    ("团区委", "书记", "副书记"),
    ("政法委", "书记", "副书记"),
    ("部", "部长", "副部长"),
    ("残联", "理事长", "副理事长"),
    ("红十字会", "常务副会长", "专职副会长"),
    ("会", "主席", "副主席"),
    ("联", "主席", "副主席"),
    ("科协", "主席", "副主席"),
    ("社", "理事会主任", "理事会副主任"),
    ("处", "处长", "副处长"),
    ("局", "局长", "分管副局长"),
    ("", "主任", "分管副主任"),  # 办, 室, 中心
)


def _leader_titles(unit_name: str) -> tuple[str, str]:
    for suffix, head, deputy in _LEADER_TITLES:
        if unit_name.endswith(suffix):
            return head, deputy
    raise AssertionError("unreachable: the last suffix matches everything")


def offices_for(unit: OrgSpec) -> tuple[str, ...]:
    """The internal offices (内设科室) of a unit."""
    kind = _unit_kind(unit)
    return OFFICES_BY_KIND[kind] + EXTRA_OFFICES_BY_UNIT.get(unit.name, ())


def posts_for(unit: OrgSpec) -> tuple[PostSpec, ...]:
    """The posts of a unit, with leaders' titles fitting a department's name."""
    kind = _unit_kind(unit)
    posts = POSTS_BY_KIND[kind] + EXTRA_POSTS_BY_UNIT.get(unit.name, ())
    if kind != "department":
        return posts
    head, deputy = _leader_titles(unit.name)
    titled = {"head": head, "leader_in_charge": deputy}
    return tuple(
        post._replace(name=titled[post.kind]) if post.office is None and post.kind in titled else post
        for post in posts
    )


def staff_count(unit: OrgSpec) -> int:
    return sum(post.staff for post in posts_for(unit))


def total_staff() -> int:
    return sum(staff_count(unit) for unit in UNITS)


def _unit_kind(unit: OrgSpec) -> UnitKindName:
    if unit.kind == "district":
        raise ValueError("the district is not a unit")
    return unit.kind


# Surnames with weights per 100,000 people, national frequency nudged towards Hunan
# (谭, 彭, 贺, 邓, 曾, 龙, 易, 欧阳, 周, 罗, 唐 are much commoner there).
_SURNAME_DATA: Final = (
    "王:6300 李:6600 张:5200 刘:6200 陈:5200 杨:3000 黄:2700 赵:1800 吴:1900 周:2500 "
    "徐:1300 孙:1000 马:900 朱:1100 胡:1600 郭:900 何:1200 高:900 林:800 罗:1900 "
    "郑:700 梁:700 谢:1000 宋:600 唐:1500 许:600 韩:500 冯:500 邓:1500 曹:600 "
    "彭:1800 曾:1400 肖:900 田:500 董:400 袁:600 潘:400 于:300 蒋:700 蔡:400 "
    "余:500 杜:400 叶:400 程:400 苏:400 魏:300 吕:300 丁:400 任:300 沈:300 "
    "姚:400 卢:300 姜:300 崔:200 钟:500 谭:1900 陆:200 汪:300 范:300 金:300 "
    "石:400 廖:600 贾:200 夏:400 韦:100 付:300 方:300 白:200 邹:500 孟:200 "
    "熊:500 秦:200 邱:300 江:300 尹:300 薛:200 闫:100 段:300 雷:400 侯:200 "
    "龙:700 史:200 陶:400 黎:500 贺:1000 顾:100 毛:400 郝:100 龚:400 邵:300 "
    "万:200 钱:100 严:300 覃:200 武:100 戴:400 莫:300 孔:100 向:500 汤:300 "
    "易:900 欧阳:500"
)
SURNAMES: Final[tuple[tuple[str, int], ...]] = tuple(
    (name, int(weight)) for name, weight in (item.split(":") for item in _SURNAME_DATA.split())
)
_SURNAME_NAMES: Final = tuple(name for name, _ in SURNAMES)
_SURNAME_CUM_WEIGHTS: Final = tuple(
    sum(weight for _, weight in SURNAMES[: i + 1]) for i in range(len(SURNAMES))
)

MALE_NAME_CHARS: Final = (
    "伟强军杰涛明斌勇磊超鹏辉华建国平波峰林俊浩宇志刚文亮鑫晨昊博凯健飞毅鸿海龙锋新江洋宏兵"
    "东旭阳翔卫德正湘立成永清松武卓荣仁贵远彬振良达"
)
FEMALE_NAME_CHARS: Final = (
    "芳娟敏静丽艳娜秀英霞玲燕红梅琳婷雪洁慧莉萍颖倩琴璐佳欣怡雯思丹蓉薇媛晶露月云晓瑶婧婉湘兰凤菊桂玉珍嘉瑜诗"
)


def person_name(rng: random.Random) -> str:
    """A realistic Chinese name: weighted surname, 1 or 2 given-name characters."""
    surname = rng.choices(_SURNAME_NAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]
    pool = MALE_NAME_CHARS if rng.random() < 0.5 else FEMALE_NAME_CHARS
    if rng.random() < 0.3:
        return surname + rng.choice(pool)
    first, second = rng.sample(pool, 2)
    return surname + first + second


# Mobile prefixes of China Mobile, China Unicom and China Telecom.
MOBILE_PREFIXES: Final = (
    *tuple(
        str(prefix) for prefix in (*range(130, 140), *range(150, 154), *range(155, 160), *range(180, 190))
    ),
    "191",
    "193",
    "195",
    "198",
    "199",
)


def mobile_number(rng: random.Random) -> str:
    """A plausible 11-digit mainland mobile number."""
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
