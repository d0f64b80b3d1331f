"""The result document of a concluded case (S11): a decision sealed by the unit, verifiable by QR.

Issued by the timer loop just after the case concludes, in a transaction of its own.
"""

from __future__ import annotations

from django.utils import timezone

from sunlight.cases.models import Case, CaseState, Decision
from sunlight.documents.actions import issue
from sunlight.documents.models import Document, DocumentKind
from sunlight.ledger.actor import Actor
from sunlight.lib.money import format_yuan


def issue_result(actor: Actor, case: Case) -> Document | None:
    """Seal the decision of an approved or refused case and link it to the case."""
    if case.state not in (CaseState.APPROVED, CaseState.REFUSED) or case.result_document_id is not None:
        return None
    approved = case.state == CaseState.APPROVED
    decided = case.steps.filter(decision__in=Decision.values).order_by("-completed_at").first()
    reasons = decided.reason if decided is not None else ""
    fields = [
        ("办件编号", case.number),
        ("申请人", case.applicant.name),
        ("申请事项", case.subject),
        ("受理日期", timezone.localtime(case.started_at).strftime("%Y年%m月%d日")),
    ]
    penalty = decided.form_data if decided is not None and "penalty_decision" in decided.form_data else None
    kind = DocumentKind.APPROVAL if approved else DocumentKind.REFUSAL
    if penalty is not None and approved:
        title, kind = "行政处罚决定书", DocumentKind.PENALTY
        fields[1] = ("当事人", case.applicant.name)
        fields[2] = ("违法事实", case.subject)
        fields[3] = ("立案日期", fields[3][1])
        fields += [
            ("处罚依据", str(penalty.get("legal_basis", "—"))),
            ("裁量基准", f"{penalty.get('benchmark', '—')}（{penalty.get('grade', '—')}）"),
            ("处罚内容", f"罚款人民币{format_yuan(int(penalty.get('amount_fen', 0)))}"),
        ]
        body = (
            "经调查，你（单位）的上述行为事实清楚、证据确凿，依据上列规定，按照行政处罚裁量基准，决定给予上述行政处罚。"
            "请自收到本决定书之日起十五日内缴纳罚款；逾期不缴纳的，每日按罚款数额的百分之三加处罚款。"
            "如不服本决定，可在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
        )
    elif case.definition.code.endswith("-XZCF") and not approved:
        title = "不予行政处罚决定书"
        fields[1] = ("当事人", case.applicant.name)
        fields[2] = ("案由", case.subject)
        fields.append(("不予处罚的理由", reasons or "—"))
        body = (
            "经调查，根据《中华人民共和国行政处罚法》第五十七条第一款第（二）项的规定，决定不予行政处罚。"
            "如不服本决定，可在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
        )
    elif approved:
        title = f"准予{case.definition.name}决定书"
        body = (
            f"经审查，你（单位）提出的{case.subject}申请符合法定条件、标准，"
            "根据《中华人民共和国行政许可法》第三十八条第一款的规定，决定准予。"
        )
    else:
        title = f"不予{case.definition.name}决定书"
        fields.append(("不予准予的理由", reasons or "—"))
        body = (
            f"经审查，你（单位）提出的{case.subject}申请不符合法定条件、标准，"
            "根据《中华人民共和国行政许可法》第三十八条第二款的规定，决定不予准予。"
            "如不服本决定，可在收到本决定书之日起六十日内依法申请行政复议，或者在六个月内依法提起行政诉讼。"
        )
    signer = (
        decided.completed_by.full_name if decided is not None and decided.completed_by else case.owner.name
    )
    document = issue(
        actor,
        kind=kind,
        title=title,
        issuer=case.owner,
        subject=case,
        fields=fields,
        body=body,
        signer_name=signer,
    )
    case.result_document = document
    case.save(update_fields=["result_document"])
    return document
