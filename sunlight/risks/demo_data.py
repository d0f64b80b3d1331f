"""The demo risk register's wording: risks per kind of power and step, red lines, measures.

Pure data, as units write it in their 廉政风险防控台账. Measures come in the seed's three kinds:
制度 (institutional), 科技 (technical: the platform's electronic checkpoints), 文化 (cultural:
education, integrity contracts and integrity messages, S27).
"""

from __future__ import annotations

from typing import Final, NamedTuple


class RiskTemplate(NamedTuple):
    step: str
    kind: str  # key_joint / weak_point / risk_point
    description: str
    red_line: str
    consequence: str
    domains: tuple[str, ...] = ()


_DISCIPLINE: Final = (
    "一经查实，依照《中国共产党纪律处分条例》和《行政机关公务员处分条例》严肃处理；涉嫌犯罪的，移送司法机关。"
)
_ACCOUNT: Final = "责令改正，取消年度评先评优资格，对直接责任人和分管领导启动问责程序。"

# By the power's category.
BY_CATEGORY: Final[dict[str, tuple[RiskTemplate, ...]]] = {
    "licensing": (
        RiskTemplate(
            "受理",
            "risk_point",
            "对符合条件的申请不予受理或故意拖延受理，对不符合条件的申请违规受理",
            "严禁刁难申请人、违规受理",
            _ACCOUNT,
        ),
        RiskTemplate(
            "审查",
            "key_joint",
            "审查把关不严，对申请材料的真实性未核实，或接受申请人宴请、收受财物",
            "严禁收受申请人财物或接受宴请",
            _DISCIPLINE,
        ),
        RiskTemplate(
            "决定",
            "key_joint",
            "超越职权或违反法定程序作出许可决定，对不符合法定条件的申请人准予许可",
            "严禁越权审批、违规审批",
            _DISCIPLINE,
        ),
    ),
    "penalty": (
        RiskTemplate(
            "调查取证",
            "risk_point",
            "现场检查不规范，选择性执法，人情执法、关系执法",
            "严禁有案不查、以罚代管",
            _DISCIPLINE,
        ),
        RiskTemplate(
            "决定",
            "key_joint",
            "滥用自由裁量权，处罚畸轻畸重，同案不同罚",
            "严禁超出自由裁量基准作出处罚",
            _ACCOUNT,
        ),
        RiskTemplate(
            "执行",
            "risk_point",
            "罚没款未按规定上缴国库，截留、挪用、私分罚没款",
            "严禁截留、挪用罚没款",
            _DISCIPLINE,
            ("funds",),
        ),
    ),
    "coercion": (
        RiskTemplate(
            "实施",
            "risk_point",
            "违法实施查封、扣押，扩大查封扣押范围，或对扣押物品保管不善、私自处置",
            "严禁私自处置扣押物品",
            _DISCIPLINE,
        ),
    ),
    "levy": (
        RiskTemplate(
            "核定",
            "key_joint",
            "擅自减免、缓征或超标准征收，人情减免",
            "严禁擅自减免缓征",
            _DISCIPLINE,
            ("funds",),
        ),
    ),
    "benefit": (
        RiskTemplate(
            "审核",
            "key_joint",
            "审核不严、优亲厚友，虚报冒领、截留挪用补助资金",
            "严禁优亲厚友、虚报冒领",
            _DISCIPLINE,
            ("funds",),
        ),
        RiskTemplate(
            "发放",
            "risk_point",
            "补助资金未按时足额发放到户，或以现金方式违规发放",
            "严禁截留、挪用、延压补助资金",
            _DISCIPLINE,
            ("funds",),
        ),
    ),
    "inspection": (
        RiskTemplate(
            "检查",
            "risk_point",
            "检查走过场，发现问题不处理、不移交，或事先泄露检查信息",
            "严禁通风报信、包庇纵容",
            _DISCIPLINE,
        ),
    ),
    "confirmation": (
        RiskTemplate(
            "审核", "risk_point", "对不符合条件的事项予以确认，出具虚假证明", "严禁出具虚假证明", _ACCOUNT
        ),
    ),
    "reward": (RiskTemplate("评审", "risk_point", "评审不公开、不公正，暗箱操作", "", ""),),
    "adjudication": (
        RiskTemplate(
            "裁决", "key_joint", "偏袒一方当事人，违反法定程序作出裁决", "严禁接受当事人请托", _DISCIPLINE
        ),
    ),
    "other": (RiskTemplate("办理", "risk_point", "办理不规范、未按规定程序集体研究", "", ""),),
    "public_service": (RiskTemplate("受理", "risk_point", "推诿扯皮、吃拿卡要，未落实一次性告知", "", ""),),
}

# Posts every department has, with their own risks (not tied to one power).
POST_RISKS: Final[tuple[tuple[str, RiskTemplate], ...]] = (
    (
        "财务股|会计岗",
        RiskTemplate(
            "报销审核",
            "weak_point",
            "财务报销审核不严，虚列支出、套取资金，公款私存",
            "严禁虚列支出、设立“小金库”",
            _DISCIPLINE,
            ("funds",),
        ),
    ),
    (
        "办公室|办公室主任",
        RiskTemplate(
            "采购",
            "weak_point",
            "政府采购化整为零规避公开招标，指定供应商",
            "严禁规避招标、指定供应商",
            _DISCIPLINE,
            ("procurement",),
        ),
    ),
    (
        "|head",
        RiskTemplate(
            "决策",
            "key_joint",
            "“三重一大”事项未经领导班子集体研究决定，个人说了算",
            "严禁个人决定重大事项",
            _DISCIPLINE,
            ("major_matters",),
        ),
    ),
)
TOWNSHIP_POST_RISKS: Final[tuple[tuple[str, RiskTemplate], ...]] = (
    (
        "党政办|业务承办岗",
        RiskTemplate(
            "村级财务监管",
            "weak_point",
            "村级财务代理记账审核不严，白条入账、坐收坐支",
            "严禁白条入账、坐收坐支",
            _DISCIPLINE,
            ("funds",),
        ),
    ),
    (
        "|head",
        RiskTemplate(
            "决策",
            "key_joint",
            "“三重一大”事项未经党委会集体研究决定",
            "严禁个人决定重大事项",
            _DISCIPLINE,
            ("major_matters",),
        ),
    ),
)
# Units running construction projects (S18, S19).
PROJECT_UNITS: Final = ("区住建局", "区水务局", "区交通运输局", "区城投集团", "区公路局", "区国土资源局")
PROJECT_RISK: Final = RiskTemplate(
    "工程变更签证",
    "key_joint",
    "工程变更签证把关不严，虚假签证、虚增工程量，按进度付款审核失守",
    "单项变更超过50万元或累计变更超过合同价20%的，必须经集体研究并报区纪委备案，不得通过",
    _DISCIPLINE,
    ("projects", "funds"),
)

MEASURES: Final[dict[str, tuple[tuple[str, str, str], ...]]] = {
    # kind: (description, evidence when in place, owner: chief / leader / monitor)
    "institutional": (
        (
            "执行首问负责制、一次性告知制和限时办结制，办理情况每月通报",
            "本单位《政务服务工作制度》第三章",
            "chief",
        ),
        (
            "实行审批与监管分离，重大事项由领导班子集体研究决定",
            "《“三重一大”事项集体决策实施办法》",
            "leader",
        ),
        ("严格执行自由裁量基准，处罚决定实行法制审核", "《行政处罚自由裁量权基准》", "chief"),
        ("补助资金实行“一卡通”发放，名单公示不少于7天", "公示照片及发放台账", "chief"),
        ("罚没款实行“罚缴分离”，一律通过非税收入系统缴入国库", "非税收入缴款凭证", "chief"),
        ("建立岗位AB角和轮岗交流制度", "岗位轮换登记表", "leader"),
    ),
    "technical": (
        ("将办理流程固化到廉政风险防控平台，超时自动报警", "防控平台流程定义及报警记录", "monitor"),
        ("设置电子关卡，对不符合条件的申请系统自动拦截", "电子关卡规则配置截图", "monitor"),
        ("运行监管中心每季度复核财务支付凭证，电子档案与纸质档案同步核对", "季度核对记录", "monitor"),
        ("资金支付设定日期和金额双重控制，只能按进度付款", "支付控制规则配置", "monitor"),
    ),
    "cultural": (
        ("签订廉洁承诺书，每半年开展一次岗位廉政教育", "廉洁承诺书及培训签到表", "leader"),
        ("项目建设签订廉洁合同，向服务对象发送廉政短信", "廉洁合同文本", "leader"),
        ("组织参观警示教育基地，开展以案释纪", "活动记录", "leader"),
    ),
}

PLAN_FINDINGS: Final = (
    ("missing_power", "重要权力“{power}”未查找风险点，防控事项有漏项，请补充。"),
    ("weak_measure", "高风险点“{risk}”的防控措施停留在教育层面，不够过硬，请增加制度和科技措施。"),
    ("missing_post", "财务岗位的廉政风险未纳入方案，关键岗位有漏项。"),
)

PROMPTS: Final = (
    ("complaint", "望纪信〔{year}〕{n}号信访件反映"),
    ("bad_rating", "政务服务好差评差评回访（{year}年第{n}期）"),
    ("case_finding", "区纪委案件审理室查处案件通报（{year}）第{n}号"),
    ("alarm", "防控平台超时报警核查结果（{year}年第{n}号）"),
)
