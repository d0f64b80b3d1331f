from __future__ import annotations

import random
import re
from collections import Counter

from sunlight.lib.codes import is_valid_division_code, is_valid_uscc
from sunlight.orgs.demo_data import (
    COMMISSION_NAME,
    DEPARTMENTS,
    DISTRICT,
    EGOV_NAME,
    FEMALE_NAME_CHARS,
    MALE_NAME_CHARS,
    OFFICES_BY_KIND,
    POST_KINDS,
    POSTS_BY_KIND,
    SURNAMES,
    TOWNSHIPS,
    UNITS,
    mobile_number,
    offices_for,
    person_name,
    posts_for,
    staff_count,
    total_staff,
)

# fmt: off
REQUIRED_DEPARTMENTS = (
    "区纪委", "区财政局", "区水务局", "区城投集团", "区环保局", "区行政综合执法局",
    "区规划局", "区计生局", "区地税局", "铜官窑遗址管理处", "区委办", "区政府办",
    "区人大办", "区政协办", "区委组织部", "区委宣传部", "区委统战部", "区委政法委",
    "区发改局", "区教育局", "区公安分局", "区民政局", "区司法局", "区人社局",
    "区国土资源局", "区住建局", "区交通运输局", "区农业局", "区林业局", "区商务局",
    "区文体广电新闻出版局", "区卫生局", "区审计局", "区安监局", "区统计局",
    "区食药监局", "区工商局", "区质监局", "区国税局", "区物价局", "区粮食局",
    "区旅游局", "区信访局", "区政务服务中心", "区档案局", "区机关事务管理局",
    "区人防办", "区房产局", "区经信局", "区招商局", "区金融办", "区法制办", "区供销社",
    "区公路局", "区住房保障局", "区征地拆迁办", "区公共资源交易中心", "区民宗局",
    "区外侨办", "区编办", "区总工会", "团区委", "区妇联", "区科协", "区残联",
    "区红十字会", "区委党校", "区电子政务办",
)
REQUIRED_TOWNSHIPS = (
    "高塘岭街道", "喻家坡街道", "大泽湖街道", "月亮岛街道", "金山桥街道", "黄金园街道",
    "白沙洲街道", "乌山街道", "丁字湾街道", "雷锋街道", "书堂山街道", "铜官镇",
    "乔口镇", "靖港镇", "茶亭镇", "白箬铺镇", "桥驿镇", "格塘镇", "东城镇", "星城镇",
)
# fmt: on


def test_it_has_78_departments_and_20_townships() -> None:
    assert len(DEPARTMENTS) == 78
    assert len(TOWNSHIPS) == 20
    assert len({unit.name for unit in UNITS}) == 98


def test_it_has_unique_ascii_uppercase_abbreviations() -> None:
    abbrs = [unit.abbr for unit in (*UNITS, DISTRICT)]
    assert len(set(abbrs)) == len(abbrs), [a for a, n in Counter(abbrs).items() if n > 1]
    for abbr in abbrs:
        assert re.fullmatch(r"[A-Z]{2,5}", abbr), abbr


def test_it_gives_every_department_a_valid_unique_uscc() -> None:
    codes = [unit.code for unit in DEPARTMENTS]
    assert len(set(codes)) == len(codes)
    for unit in DEPARTMENTS:
        assert unit.code_scheme == "uscc"
        assert is_valid_uscc(unit.code), unit
        assert unit.code.startswith(unit.nature + "430112")
        assert unit.nature in ("11", "12", "13", "91")


def test_it_gives_every_township_a_valid_unique_division_code() -> None:
    codes = [unit.code for unit in TOWNSHIPS]
    assert len(set(codes)) == len(codes)
    for unit in TOWNSHIPS:
        assert unit.code_scheme == "division"
        assert re.fullmatch(r"430112\d{3}000", unit.code), unit
        assert is_valid_division_code(unit.code), unit
        expected = "subdistrict" if unit.name.endswith("街道") else "township"
        assert unit.kind == expected


def test_it_describes_the_district() -> None:
    assert DISTRICT.name == "长沙市望城区"
    assert DISTRICT.code == "430112"
    assert DISTRICT.kind == "district"
    assert is_valid_division_code(DISTRICT.code)


def test_it_includes_the_required_units() -> None:
    names = {unit.name for unit in UNITS}
    missing = [n for n in (*REQUIRED_DEPARTMENTS, *REQUIRED_TOWNSHIPS) if n not in names]
    assert not missing
    assert {unit.name for unit in TOWNSHIPS} == set(REQUIRED_TOWNSHIPS)


def test_it_has_exactly_one_commission() -> None:
    commissions = [unit for unit in UNITS if unit.kind == "commission"]
    assert [unit.name for unit in commissions] == [COMMISSION_NAME]


def test_it_gives_units_their_nature() -> None:
    nature = {unit.name: unit.nature for unit in DEPARTMENTS}
    assert nature["区城投集团"] == "91"
    assert nature["铜官窑遗址管理处"] == "12"
    assert nature["区财政局"] == "11"


def test_it_places_every_post_in_an_office_of_its_unit() -> None:
    for unit in UNITS:
        offices = offices_for(unit)
        assert len(set(offices)) == len(offices)
        assert "运行监管中心" in offices
        for post in posts_for(unit):
            assert post.office is None or post.office in offices, (unit.name, post)
            assert post.staff >= 1


def test_it_uses_only_the_allowed_post_kinds() -> None:
    allowed = {"clerk", "section_chief", "leader_in_charge", "head", "monitor"}
    allowed |= {"inspector", "admin"}
    assert set(POST_KINDS) == allowed
    for unit in UNITS:
        assert {post.kind for post in posts_for(unit)} <= allowed
    for posts in POSTS_BY_KIND.values():
        assert {post.kind for post in posts} <= allowed


def test_it_has_inspectors_only_in_the_commission() -> None:
    for unit in UNITS:
        has_inspectors = any(post.kind == "inspector" for post in posts_for(unit))
        assert has_inspectors == (unit.kind == "commission"), unit.name


def test_it_has_admins_only_in_the_egov_office() -> None:
    for unit in UNITS:
        has_admins = any(post.kind == "admin" for post in posts_for(unit))
        assert has_admins == (unit.name == EGOV_NAME), unit.name


def test_it_gives_every_unit_one_head_and_a_monitor() -> None:
    for unit in UNITS:
        kinds = Counter(post.kind for post in posts_for(unit) for _ in range(post.staff))
        assert kinds["head"] == 1, unit.name
        assert kinds["monitor"] >= 1, unit.name
        assert kinds["leader_in_charge"] >= 1, unit.name


def test_it_titles_leaders_after_the_unit() -> None:
    heads = {unit.name: next(p.name for p in posts_for(unit) if p.kind == "head") for unit in UNITS}
    assert heads["区财政局"] == "局长"
    assert heads["区委组织部"] == "部长"
    assert heads["区政府办"] == "主任"
    assert heads["铜官镇"] == "镇长"
    assert heads["区纪委"] == "书记"


def test_it_staffs_units_realistically() -> None:
    for unit in UNITS:
        limit = 16 if unit.kind == "commission" or unit.name == EGOV_NAME else 14
        assert 9 <= staff_count(unit) <= limit, unit.name
    assert 1100 <= total_staff() <= 1300


def test_it_lists_offices_for_every_unit_kind() -> None:
    assert set(OFFICES_BY_KIND) == {
        "department",
        "township",
        "subdistrict",
        "commission",
    }
    assert set(POSTS_BY_KIND) == set(OFFICES_BY_KIND)


def test_it_generates_deterministic_names_for_a_seed() -> None:
    first = [person_name(random.Random(2016)) for _ in range(3)]
    rng_a, rng_b = random.Random(7), random.Random(7)
    assert [person_name(rng_a) for _ in range(50)] == [person_name(rng_b) for _ in range(50)]
    assert len(set(first)) == 1


def test_it_generates_realistic_names() -> None:
    rng = random.Random(1)
    surnames = {name for name, _ in SURNAMES}
    names = [person_name(rng) for _ in range(2000)]
    for name in names:
        surname = name[:2] if name[:2] in surnames else name[0]
        assert surname in surnames, name
        assert 1 <= len(name) - len(surname) <= 2, name
    assert len(set(names)) > 1500
    counts = Counter(name[0] for name in names)
    assert counts["刘"] > counts["韦"]


def test_it_has_no_repeated_name_characters() -> None:
    assert len(set(MALE_NAME_CHARS)) == len(MALE_NAME_CHARS)
    assert len(set(FEMALE_NAME_CHARS)) == len(FEMALE_NAME_CHARS)
    assert len({name for name, _ in SURNAMES}) == len(SURNAMES)


def test_it_generates_plausible_mobile_numbers() -> None:
    rng = random.Random(3)
    numbers = [mobile_number(rng) for _ in range(500)]
    for number in numbers:
        assert re.fullmatch(r"1(3\d|5[0-35-9]|8\d|9[1-35-9])\d{8}", number), number
    assert mobile_number(random.Random(9)) == mobile_number(random.Random(9))
