"""Codes of the built-in rules (created by migration 0002), and the demo's discretion benchmarks.

The built-in rules are data like any other rule: admins revise them on the authoring pages,
and units get their own thresholds as parameters. Their text is in migration 0002 so that the
installed content does not change when this module does.
"""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any, Final

from django.apps import apps

from sunlight.checkpoints.discretion import RowSpec
from sunlight.checkpoints.models import Benchmark, Grade, Rule
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Organisation

FUND_CONTRACT: Final = "FUND-CONTRACT"
FUND_PROGRESS: Final = "FUND-PROGRESS"
FUND_DATE: Final = "FUND-DATE"
FUND_MILESTONE: Final = "FUND-MILESTONE"
FUND_DUPLICATE: Final = "FUND-DUPLICATE"
CHANGE_SINGLE: Final = "CHANGE-SINGLE"
CHANGE_CUMULATIVE: Final = "CHANGE-CUMULATIVE"

PAYMENT_RULES: Final = (FUND_CONTRACT, FUND_PROGRESS, FUND_DATE, FUND_MILESTONE, FUND_DUPLICATE)
CHANGE_RULES: Final = (CHANGE_SINGLE, CHANGE_CUMULATIVE)

_WAN = 10_000_00  # 10,000 yuan (一万元) in fen

# 《中华人民共和国水法》第六十五条第一款: 河道管理范围内建设妨碍行洪的建筑物、构筑物 …
# 并处一万元以上十万元以下的罚款. The grades split that range.
_WATER_LAW = "《中华人民共和国水法》第六十五条第一款"
RIVER_WORKS: Final[dict[str, Any]] = {
    "code": "SWJ-HDJS",
    "unit": "SWJ",
    "violation": "在河道管理范围内建设妨碍行洪的建筑物、构筑物",
    "inputs": [
        {"name": "area_m2", "label": "违法建筑面积（平方米）", "type": "int"},
        {"name": "obstructs_flood", "label": "严重妨碍行洪", "type": "bool"},
        {"name": "repeat", "label": "两年内再次违法", "type": "bool"},
        {"name": "corrected", "label": "在责令期限内自行拆除、恢复原状", "type": "bool"},
    ],
    "rows": [
        RowSpec(
            Grade.GRAVE,
            "obstructs_flood || area_m2 >= 500",
            f"{_WATER_LAW}；严重情形（严重妨碍行洪或面积500平方米以上）",
            7 * _WAN,
            10 * _WAN,
            "责令停止违法行为，限期拆除、恢复原状",
        ),
        RowSpec(
            Grade.SERIOUS,
            "area_m2 >= 200 || repeat",
            f"{_WATER_LAW}；较重情形（面积200平方米以上或两年内再次违法）",
            4 * _WAN,
            7 * _WAN,
            "责令停止违法行为，限期拆除、恢复原状",
        ),
        RowSpec(
            Grade.GENERAL,
            "area_m2 >= 50 || !corrected",
            f"{_WATER_LAW}；一般情形",
            2 * _WAN,
            4 * _WAN,
            "责令停止违法行为，限期拆除、恢复原状",
        ),
        RowSpec(
            Grade.MINOR,
            "true",
            f"{_WATER_LAW}；《中华人民共和国行政处罚法》第三十二条第（一）项（主动消除危害后果的，从轻处罚）",
            1 * _WAN,
            2 * _WAN,
            "",
        ),
    ],
}

# 《城市建筑垃圾管理规定》（建设部令第139号）第二十六条: 随意倾倒、抛撒或者堆放建筑垃圾的 …
# 对单位处5000元以上5万元以下罚款.
_WASTE_RULE = "《城市建筑垃圾管理规定》（建设部令第139号）第二十六条"
CONSTRUCTION_WASTE: Final[dict[str, Any]] = {
    "code": "ZHZF-JZLJ",
    "unit": "ZHZF",
    "violation": "单位随意倾倒、抛撒或者堆放建筑垃圾",
    "inputs": [
        {"name": "volume_m3", "label": "倾倒量（立方米）", "type": "int"},
        {"name": "public_area", "label": "倾倒在道路、河道等公共区域", "type": "bool"},
        {"name": "repeat", "label": "一年内再次违法", "type": "bool"},
        {"name": "cleaned", "label": "在责令期限内清理完毕", "type": "bool"},
    ],
    "rows": [
        RowSpec(
            Grade.GRAVE,
            "volume_m3 >= 50 || (repeat && public_area)",
            f"{_WASTE_RULE}；严重情形（50立方米以上，或在公共区域再次违法）",
            30_000_00,
            50_000_00,
            "责令限期改正，给予警告",
        ),
        RowSpec(
            Grade.SERIOUS,
            "volume_m3 >= 20 || repeat || public_area",
            f"{_WASTE_RULE}；较重情形（20立方米以上、再次违法或在公共区域）",
            15_000_00,
            30_000_00,
            "责令限期改正，给予警告",
        ),
        RowSpec(
            Grade.GENERAL,
            "volume_m3 >= 5 || !cleaned",
            f"{_WASTE_RULE}；一般情形",
            8_000_00,
            15_000_00,
            "责令限期改正，给予警告",
        ),
        RowSpec(
            Grade.MINOR,
            "true",
            f"{_WASTE_RULE}；《中华人民共和国行政处罚法》第三十二条第（一）项（主动消除危害后果的，从轻处罚）",
            5_000_00,
            8_000_00,
            "责令限期改正，给予警告",
        ),
    ],
}

BENCHMARKS: Final = (RIVER_WORKS, CONSTRUCTION_WASTE)


def install_benchmark(
    actor: Actor, spec: dict[str, Any], unit: Organisation, effective_from: dt.date = dt.date(2016, 1, 1)
) -> Benchmark:
    """Create one of the benchmarks above for `unit` (the demo, and the tests of its boundaries)."""
    from sunlight.checkpoints.actions import create_benchmark

    return create_benchmark(
        actor,
        code=spec["code"],
        unit=unit,
        violation=spec["violation"],
        inputs=spec["inputs"],
        rows=spec["rows"],
        effective_from=effective_from,
        note="区级自由裁量基准",
    )


def ensure_builtin_rules() -> None:
    """Put the built-in rules back after a flush emptied the tables (transactional tests do it)."""
    if not Rule.objects.filter(builtin=True).exists():
        migration = importlib.import_module("sunlight.checkpoints.migrations.0002_builtin_rules")
        migration.install(apps, None)
