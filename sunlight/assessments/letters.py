"""The draft supervision recommendation letter (监察建议书) for a unit graded 不合格.

Always in Chinese: it is an official document, whatever language the inspector's screen uses.
The draft names every indicator that lost points, with its figure, and the manual items.
"""

from __future__ import annotations

from sunlight.assessments import scoring
from sunlight.assessments.models import Assessment, Indicator, ManualItem, Score

NAMES_ZH: dict[str, str] = {
    Indicator.ON_TIME: "办件按时办结率",
    Indicator.ALARMS_PER_100: "每百件办件红色报警数",
    Indicator.UNEXPLAINED: "未按时说明的红色报警",
    Indicator.RECTIFICATION: "整改按时完成率",
    Indicator.SATISFACTION: "服务满意率",
    Indicator.RECONCILIATION: "对账差错（体外循环、档案不符）",
    Indicator.CONTROL_PLAN: "防控方案完整性及审核情况",
    Indicator.REPORTS: "举报查实数",
}
NUMERALS = "一二三四五六七八九十"


def _numeral(index: int) -> str:
    return NUMERALS[index] if index < len(NUMERALS) else str(index + 1)


def period_zh(assessment: Assessment) -> str:
    return f"{assessment.year}年第{assessment.quarter}季度"


def draft(assessment: Assessment, scores: list[Score], items: list[ManualItem]) -> str:
    unit = assessment.unit.name
    lost = sorted(
        (s for s in scores if s.points_centi is not None and s.points_centi < s.weight * 100),
        key=lambda s: s.points_centi - s.weight * 100 if s.points_centi is not None else 0,
    )
    lines = [
        f"{unit}：",
        f"经考核，你单位{period_zh(assessment)}廉政风险防控工作考核得分"
        f"{scoring.format_centi(assessment.total_centi)}分，等次为不合格，主要失分情况如下：",
    ]
    for index, score in enumerate(lost):
        lines.append(
            f"（{_numeral(index)}）{NAMES_ZH[score.indicator]}：{scoring.format_value(score.value, score.measure)}，"
            f"得分{scoring.format_centi(score.points_centi)}分（满分{score.weight}分）。"
        )
    for item in items:
        lines.append(f"加减分：{scoring.format_centi(item.points_centi, sign=True)}分，{item.reason}")
    lines += [
        "根据《中华人民共和国监察法》关于监察建议的规定，现提出如下监察建议：",
        "一、针对上述失分事项逐项分析原因，制定整改措施，明确责任人和完成时限；",
        "二、对超期办件、未按时说明的报警和对账差错逐件说明情况，落实限时办结和AB岗制度；",
        "三、修订完善本单位廉政风险防控方案，报区纪委审核；",
        "四、自收到本建议书之日起十五个工作日内，通过阳光平台书面报告整改落实情况。",
    ]
    return "\n".join(lines)


def fields(assessment: Assessment) -> list[tuple[str, str]]:
    """The fields printed above the letter's body when it is issued."""
    return [
        ("被考核单位", assessment.unit.name),
        (
            "考核期间",
            f"{period_zh(assessment)}（{assessment.period_start:%Y-%m-%d}至{assessment.as_of:%Y-%m-%d}）",
        ),
        ("考核得分", f"{scoring.format_centi(assessment.total_centi)}分"),
        ("考核等次", "不合格"),
        ("排名", str(assessment.rank)),
    ]
