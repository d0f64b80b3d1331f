"""Demo notices: the commission tells every unit to run its quarterly self-check."""

from __future__ import annotations

from sunlight.alarms.demo import INSPECTOR_POST
from sunlight.ledger.actor import Actor
from sunlight.notifications.actions import send_notice
from sunlight.notifications.models import Notice
from sunlight.orgs.models import Assignment, Organisation, OrgKind

DESCRIPTION = "a notice from the commission to every unit"


def is_loaded() -> bool:
    return Notice.objects.exists()


def load() -> None:
    held = Assignment.objects.current().filter(post__code=INSPECTOR_POST).select_related("person").first()
    if held is None:
        return
    units = Organisation.objects.units().exclude(kind=OrgKind.COMMISSION)
    send_notice(
        Actor.of(held.person),
        title="关于开展本季度廉政风险防控自查的通知",
        body=(
            "各单位：\n为落实廉政风险防控机制建设要求，请各单位运行监管中心于本季度末前完成季度自查，"
            "重点检查办件时限、收费标准执行、财务凭证与系统支付对账及纸质档案与电子档案比对情况，"
            "并通过阳光平台报送自查报告。\n区纪委监委"
        ),
        units=units,
    )
