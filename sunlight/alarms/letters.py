"""The wording of the sealed documents an alarm's disposal produces (always in Chinese: they are
official documents, whatever language the inspector's screen is in)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from sunlight.alarms.models import Accountability, Alarm, AlarmEvent, Transition


def _day(value: dt.date) -> str:
    return value.strftime("%Y年%m月%d日")


def _findings(alarm: Alarm) -> str:
    verified = AlarmEvent.objects.filter(alarm=alarm, transition=Transition.VERIFY).order_by("-at").first()
    return verified.text if verified else "—"


def _kind(alarm: Alarm) -> str:
    with translation.override("zh-hans"):
        return str(alarm.get_kind_display())


def recommendation(
    alarm: Alarm, recommendations: str, rectify_by: dt.date
) -> tuple[list[tuple[str, str]], str]:
    """Fields and body of a supervision recommendation letter (监察建议书)."""
    unit = alarm.unit.name if alarm.unit else "—"
    fields = [
        ("被监察单位", unit),
        ("报警编号", f"BJ{alarm.pk:08d}"),
        ("报警事项", _kind(alarm)),
        ("报警时间", timezone.localtime(alarm.raised_at).strftime("%Y年%m月%d日 %H:%M")),
        ("报警内容", alarm.message),
        ("核查情况", _findings(alarm)),
        ("整改期限", _day(rectify_by)),
    ]
    body = (
        f"{unit}：\n经核查，你单位存在上述问题。根据《中华人民共和国监察法》关于监察建议的规定，现提出如下监察建议：\n"
        f"{recommendations.strip()}\n"
        f"请你单位认真研究，于{_day(rectify_by)}前通过阳光平台将整改落实情况书面回复。"
        "无正当理由拒不采纳监察建议的，依法追究责任。"
    )
    return fields, body


def accountability_notice(accountability: Accountability) -> tuple[list[tuple[str, str]], str]:
    """Fields and body of the notice starting an accountability procedure (问责通知书)."""
    alarm = accountability.alarm
    unit = alarm.unit.name if alarm.unit else "—"
    fields = [
        ("被问责单位", unit),
        ("报警编号", f"BJ{alarm.pk:08d}"),
        ("报警事项", _kind(alarm)),
        ("直接责任人", f"{accountability.responsible.full_name}（{accountability.responsible_post.name}）"),
        ("分管领导", f"{accountability.leader.full_name}（{accountability.leader_post.name}）"),
        ("核查情况", _findings(alarm)),
    ]
    body = (
        f"{unit}：\n经核查，{alarm.message}\n问责事由：{accountability.grounds.strip()}\n"
        "根据《中国共产党问责条例》和《中华人民共和国监察法》的有关规定，决定对直接责任人和分管领导启动问责程序。"
        "请你单位督促有关人员按要求说明情况，并通过阳光平台报送整改落实情况。"
    )
    return fields, body
