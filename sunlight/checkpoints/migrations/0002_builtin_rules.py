"""The built-in checkpoint rules of S18 (fund payment) and S19 (change-order red lines).

They ship with the schema so that no installation runs payments or change orders unchecked.
Admins revise them (as new versions) on the authoring pages; units get their own thresholds as
parameter overrides. Money is integer fen; shares are integer basis points (20.00% = 2000), so
the comparisons are exact rationals in integers: `a * 10000 <= b * bp`.
"""

import datetime as dt
import uuid

from django.db import migrations

SINCE = dt.date(2016, 1, 1)
_SETTLEMENT = "《建设工程价款结算暂行办法》（财建〔2004〕369号）第十三条：根据确定的工程计量结果支付工程进度款"
_CONTRACT_TERMS = "《中华人民共和国民法典》第五百零九条：当事人应当按照约定全面履行自己的义务；合同付款计划"
_RED_LINES = (
    "区水务局变更签证管理规定：单项变更超过50万元、累计变更超过合同价款20%的不得通过；"
    "《政府投资条例》（国务院令第712号）关于变更建设内容的规定"
)

RULES = [
    {
        "code": "FUND-CONTRACT",
        "node_kind": "fund_payment",
        "name": "合同已生效、廉洁合同已签",
        "expression": "contract.active && contract.integrity_signed",
        "message": "合同未生效或廉洁合同未经双方签订，不得支付。",
        "legal_basis": "廉洁合同制度（甲乙双方签订廉洁合同后合同方可生效）；" + _CONTRACT_TERMS,
        "params": {},
    },
    {
        "code": "FUND-PROGRESS",
        "node_kind": "fund_payment",
        "name": "按确认进度支付",
        "expression": (
            "(paid_fen + pending_fen + payment.amount_fen) * 10000 <= "
            "(contract.price_fen + contract.changes_fen) * progress_bp"
        ),
        "message": "累计支付将超过合同价款乘以监理确认的工程进度，不得支付。",
        "legal_basis": _SETTLEMENT,
        "params": {},
    },
    {
        "code": "FUND-DATE",
        "node_kind": "fund_payment",
        "name": "不早于计划付款日期",
        "expression": "payment.on >= milestone.earliest_on",
        "message": "付款申请早于付款计划约定的最早付款日期，不得支付。",
        "legal_basis": _CONTRACT_TERMS,
        "params": {},
    },
    {
        "code": "FUND-MILESTONE",
        "node_kind": "fund_payment",
        "name": "不超过付款节点比例",
        "expression": (
            "(paid_fen + pending_fen + payment.amount_fen) * 10000 <= "
            "(contract.price_fen + contract.changes_fen) * milestone.max_share_bp"
        ),
        "message": "累计支付将超过本付款节点约定的最高累计比例，不得支付。",
        "legal_basis": _CONTRACT_TERMS,
        "params": {},
    },
    {
        "code": "FUND-DUPLICATE",
        "node_kind": "fund_payment",
        "name": "不得重复支付",
        "expression": "duplicates == 0",
        "message": "同一发票，或同一付款节点的同一金额，已有付款申请或已支付，不得重复支付。",
        "legal_basis": "《行政事业单位内部控制规范（试行）》（财会〔2012〕21号）支出业务控制：严禁重复支付",
        "params": {},
    },
    {
        "code": "CHANGE-SINGLE",
        "node_kind": "design_change",
        "name": "单项变更红线",
        "expression": "change.amount_fen <= params.single_max_fen",
        "message": "单项变更金额超过 {single_max_fen} 的红线，不得通过。",
        "legal_basis": _RED_LINES,
        "params": {"single_max_fen": 500_000_00},
    },
    {
        "code": "CHANGE-CUMULATIVE",
        "node_kind": "design_change",
        "name": "累计变更红线",
        "expression": "(changes_before_fen + change.amount_fen) * 10000 <= contract.price_fen * params.cumulative_max_bp",
        "message": "累计变更金额将超过合同价款的 {cumulative_max_bp}，不得通过。",
        "legal_basis": _RED_LINES,
        "params": {"cumulative_max_bp": 2000},
    },
]


def install(apps, schema_editor):
    Rule = apps.get_model("checkpoints", "Rule")
    RuleVersion = apps.get_model("checkpoints", "RuleVersion")
    RuleSetToken = apps.get_model("checkpoints", "RuleSetToken")
    for spec in RULES:
        rule = Rule.objects.create(code=spec["code"], node_kind=spec["node_kind"], builtin=True)
        RuleVersion.objects.create(
            rule=rule,
            version=1,
            name=spec["name"],
            expression=spec["expression"],
            message=spec["message"],
            legal_basis=spec["legal_basis"],
            severity="block",
            effective_from=SINCE,
            params=spec["params"],
            note="内置规则",
        )
    RuleSetToken.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})


def remove(apps, schema_editor):
    Rule = apps.get_model("checkpoints", "Rule")
    RuleVersion = apps.get_model("checkpoints", "RuleVersion")
    codes = [spec["code"] for spec in RULES]
    RuleVersion.objects.filter(rule__code__in=codes, version=1).delete()
    Rule.objects.filter(code__in=codes, versions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("checkpoints", "0001_initial")]

    operations = [migrations.RunPython(install, remove)]
