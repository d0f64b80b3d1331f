"""Plain factories for the risk register tests."""

from __future__ import annotations

from typing import Any

from sunlight.risks.content import MeasureData, RiskPointData


def point_data(**overrides: Any) -> RiskPointData:
    data: dict[str, Any] = {
        "description": "审查把关不严，对申请材料的真实性未核实，或接受申请人宴请",
        "kind": "key_joint",
        "level": "high",
        "power": "CZJ-XK-0001",
        "step": "审查",
        "post": "CZJ-SC01",
        "red_line": "严禁收受申请人财物或接受宴请",
        "consequence": "一经查实，依纪依法严肃处理",
    }
    data.update(overrides)
    return RiskPointData(**data)


def measure_data(**overrides: Any) -> MeasureData:
    data: dict[str, Any] = {
        "description": "将审查流程固化到防控平台，超时自动报警",
        "kind": "technical",
        "owner": "CZJ-MC01",
        "status": "in_place",
        "evidence": "防控平台流程定义",
    }
    data.update(overrides)
    return MeasureData(**data)
