"""Every change to whistleblowing reports, and every read of their content (S16).

The reporter's side (submit, answer) takes no Actor: whoever is signed in, the ledger records
no person and no request id for it (a request id is also in the proxy's access log, next to
the client address). The inspectors' side is ordinary: their reads are sensitive reads, each
one a ledger leaf.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from sunlight.accounts.models import User
from sunlight.cases.actions import QUERY_ALPHABET
from sunlight.ledger.actions import append
from sunlight.ledger.actor import Actor
from sunlight.ledger.models import Channel
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import Organisation
from sunlight.reports import sealing
from sunlight.reports.authority import district_inspector_standing, inspector_standing
from sunlight.reports.models import (
    TRANSITIONS,
    Attachment,
    Finding,
    Message,
    Report,
    ReportAssignment,
    ReportState,
    Sender,
    SubjectKind,
)

RECEIPT_LENGTH = 16  # 31^16 ≈ 2^79: not guessable, throttled or not
MAX_TEXT = 20_000
MAX_MESSAGE = 5_000
MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024

# The reporter, as the ledger sees them: nobody, through the portal, in no particular request.
REPORTER = Actor(user=None, channel=Channel.PORTAL, request_id="-")


@dataclass(frozen=True)
class Upload:
    name: str
    content_type: str
    data: bytes


def normalise_receipt(code: str) -> str:
    return "".join(c for c in code.upper() if c.isalnum())


def receipt_digest(code: str) -> str:
    return salted_hmac("sunlight.reports.receipt", normalise_receipt(code), algorithm="sha256").hexdigest()


def format_receipt(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def _sealed_digest(blob: bytes) -> dict[str, str]:
    # The ledger proves what was stored by the digest of the sealed bytes, never of the text:
    # a digest of a short plain text (a name) would let anyone confirm a guess.
    return {"sha256": hashlib.sha256(blob).hexdigest()}


def submit(
    *,
    subject_kind: str,
    unit: Organisation,
    text: str,
    person: str = "",
    case_number: str = "",
    name: str = "",
    contact: str = "",
    attachments: list[Upload] | None = None,
) -> tuple[Report, str]:
    """File a report; returns it and its receipt code, which is shown once and kept as a digest."""
    attachments = attachments or []
    errors: dict[str, str] = {}
    if subject_kind not in SubjectKind.values:
        errors["subject_kind"] = _("Say whom or what the report is about.")
    if not text.strip():
        errors["text"] = _("Describe what happened.")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("Keep the report under %(n)s characters; attach documents for the rest.") % {
            "n": MAX_TEXT
        }
    if subject_kind == SubjectKind.PERSON and not person.strip():
        errors["person"] = _("Name the member of staff, or describe them.")
    if subject_kind == SubjectKind.CASE and not case_number.strip():
        errors["case_number"] = _("Give the case number.")
    if not unit.is_unit:
        errors["unit"] = _("Choose the unit concerned.")
    if len(attachments) > MAX_ATTACHMENTS:
        errors["attachments"] = _("Attach at most %(n)s files.") % {"n": MAX_ATTACHMENTS}
    elif any(len(a.data) > MAX_ATTACHMENT_BYTES for a in attachments):
        errors["attachments"] = _("Each file must be smaller than 10 MB.")
    if contact.strip() and not name.strip():
        errors["name"] = _("Give your name with your contact details, or leave both empty to stay anonymous.")
    if errors:
        raise ValidationError(errors)
    code = "".join(secrets.choice(QUERY_ALPHABET) for _ in range(RECEIPT_LENGTH))
    report = Report(subject_kind=subject_kind, unit=unit, receipt_digest=receipt_digest(code))
    report.content = sealing.seal_json(
        {"text": text.strip(), "person": person.strip(), "case_number": case_number.strip().upper()},
        report.place("content"),
    )
    if name.strip():
        report.identity = sealing.seal_json(
            {"name": name.strip(), "contact": contact.strip()}, report.place("identity")
        )
    with transaction.atomic():
        report.save()
        stored = []
        for upload in attachments:
            attachment = Attachment(report=report, size=len(upload.data))
            attachment.meta = sealing.seal_json(
                {"name": upload.name[-200:], "content_type": upload.content_type[:100]},
                f"report {report.uid} attachment {attachment.uid} meta",
            )
            sealed = sealing.seal(upload.data, f"report {report.uid} attachment {attachment.uid} data")
            attachment.file.save("sealed", ContentFile(sealed), save=False)
            attachment.save()
            stored.append(_sealed_digest(sealed))
        append(
            REPORTER,
            "reports.submit",
            report,
            changes={"state": (None, report.state)},
            detail={
                "about": subject_kind,
                "unit": unit.code,
                "named": report.named,
                "content": _sealed_digest(bytes(report.content)),
                "attachments": stored,
            },
        )
    return report, code


def find_by_receipt(code: str) -> Report | None:
    if len(normalise_receipt(code)) != RECEIPT_LENGTH:
        return None
    return Report.objects.filter(receipt_digest=receipt_digest(code)).select_related("unit").first()


def answer(report: Report, *, receipt: str, body: str) -> Message:
    """The reporter answers the inspectors, proving the report is theirs with the receipt."""
    if not constant_time_compare(report.receipt_digest, receipt_digest(receipt)):
        raise ValidationError(_("No report matches this receipt code."))
    if not body.strip():
        raise ValidationError({"body": _("Write your answer.")})
    if len(body) > MAX_MESSAGE:
        raise ValidationError({"body": _("Keep the answer under %(n)s characters.") % {"n": MAX_MESSAGE}})
    return _message(REPORTER, report, Sender.REPORTER, body, "reports.answer")


def _message(actor: Actor, report: Report, sender: str, body: str, action: str) -> Message:
    with transaction.atomic():
        message = Message(report=report, sender=sender, author=actor.user)
        message.body = sealing.seal(
            body.strip().encode("utf-8"), f"report {report.uid} message {message.uid}"
        )
        message.save()
        append(
            actor, action, report, detail={"message": message.pk, "body": _sealed_digest(bytes(message.body))}
        )
    return message


# The inspectors' side.


def _person(actor: Actor, action: str, report: Report) -> User:
    if actor.user is None:
        raise Refused(
            _("Only a signed-in inspector handles reports."),
            action=action,
            obj=report,
            unit_id=report.unit_id,
        )
    return actor.user


def assigned_standing(actor: Actor, report: Report, action: str) -> Standing:
    """The actor's inspector standing, if assigned to this report and still covering its unit."""
    user = _person(actor, action, report)
    standing = inspector_standing(user, report.unit)
    if standing is None or not report.assignments.filter(inspector=user).exists():
        raise Refused(
            _("Only the inspectors assigned to a report may read or handle it."),
            action=action,
            obj=report,
            unit_id=report.unit_id,
        )
    return standing


def _check_state(report: Report, action: str) -> None:
    if report.state not in TRANSITIONS[action]:
        raise ValidationError(
            _("This cannot be done to a report that is %(state)s.") % {"state": report.get_state_display()}
        )


@records_refusals
def assign(actor: Actor, report: Report, inspectors: list[User]) -> list[ReportAssignment]:
    """A commission inspector (whole district) assigns inspectors covering the unit concerned."""
    user = _person(actor, "reports.assign", report)
    standing = district_inspector_standing(user)
    if standing is None:
        raise Refused(
            _("Reports are assigned by the commission's inspectors for the whole district."),
            action="reports.assign",
            obj=report,
            unit_id=report.unit_id,
        )
    if not inspectors:
        raise ValidationError({"inspectors": _("Choose at least one inspector.")})
    posts: dict[int, Standing] = {}
    for inspector in inspectors:
        held = inspector_standing(inspector, report.unit)
        if held is None:
            raise ValidationError(
                {
                    "inspectors": _("%(name)s is not an inspector for %(unit)s.")
                    % {"name": inspector.full_name, "unit": report.unit.name}
                }
            )
        posts[inspector.pk] = held
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        _check_state(locked, "assign")
        made = [
            ReportAssignment.objects.create(
                report=locked, inspector=inspector, post=posts[inspector.pk].post, assigned_by=user
            )
            for inspector in inspectors
            if not locked.assignments.filter(inspector=inspector).exists()
        ]
        before = locked.state
        if locked.state == ReportState.RECEIVED:
            locked.state = ReportState.ASSIGNED
            locked.save(update_fields=["state"])
        append(
            actor.acting_as(standing),
            "reports.assign",
            locked,
            changes={"state": (before, locked.state)},
            detail={"inspectors": sorted(a.inspector_id for a in made)},
        )
    report.state = locked.state
    return made


@dataclass(frozen=True)
class Content:
    text: str
    person: str
    case_number: str
    attachments: list[dict[str, Any]]
    messages: list[dict[str, Any]]
    verification: str


@records_refusals
def read(actor: Actor, report: Report) -> Content:
    """An assigned inspector reads the report: a sensitive read, recorded in the ledger."""
    standing = assigned_standing(actor, report, "reports.read")
    content = sealing.unseal_json(report.content, report.place("content"))
    attachments = [
        {
            "pk": a.pk,
            "size": a.size,
            **sealing.unseal_json(a.meta, f"report {report.uid} attachment {a.uid} meta"),
        }
        for a in report.attachments.all()
    ]
    messages = [
        {
            "sender": m.sender,
            "author": m.author.full_name if m.author else "",
            "sent_at": m.sent_at,
            "body": sealing.unseal(m.body, f"report {report.uid} message {m.uid}").decode("utf-8"),
        }
        for m in report.messages.select_related("author")
    ]
    with transaction.atomic():
        append(actor.acting_as(standing), "reports.read", report, detail={"read": "content"})
    verification = (
        sealing.unseal(report.verification, report.place("verification")).decode("utf-8")
        if report.verification is not None
        else ""
    )
    return Content(
        content["text"], content["person"], content["case_number"], attachments, messages, verification
    )


@records_refusals
def read_identity(actor: Actor, report: Report) -> dict[str, str] | None:
    """The reporter's identity, if they gave it: only to an assigned inspector, recorded."""
    standing = assigned_standing(actor, report, "reports.read_identity")
    with transaction.atomic():
        append(actor.acting_as(standing), "reports.read_identity", report, detail={"read": "identity"})
    if report.identity is None:
        return None
    identity: dict[str, str] = sealing.unseal_json(report.identity, report.place("identity"))
    return identity


@records_refusals
def read_attachment(actor: Actor, attachment: Attachment) -> Upload:
    report = attachment.report
    standing = assigned_standing(actor, report, "reports.read_attachment")
    meta = sealing.unseal_json(attachment.meta, f"report {report.uid} attachment {attachment.uid} meta")
    with attachment.file.open("rb") as handle:
        data = sealing.unseal(handle.read(), f"report {report.uid} attachment {attachment.uid} data")
    with transaction.atomic():
        append(
            actor.acting_as(standing),
            "reports.read_attachment",
            report,
            detail={"read": f"attachment {attachment.pk}"},
        )
    return Upload(meta["name"], meta["content_type"], data)


@records_refusals
def ask(actor: Actor, report: Report, *, body: str) -> Message:
    """An assigned inspector writes to the reporter (a question, or news of the handling)."""
    standing = assigned_standing(actor, report, "reports.ask")
    _check_state(report, "ask")
    if not body.strip():
        raise ValidationError({"body": _("Write the message.")})
    return _message(actor.acting_as(standing), report, Sender.INSPECTOR, body, "reports.ask")


@records_refusals
def accept(actor: Actor, report: Report) -> Report:
    """受理: the report is within the commission's remit and will be verified."""
    standing = assigned_standing(actor, report, "reports.accept")
    return _move(actor.acting_as(standing), report, "accept", ReportState.ACCEPTED)


@records_refusals
def decline(actor: Actor, report: Report, *, reply: str) -> Report:
    """不予受理: outside the remit, or nothing to verify; the reporter is told why."""
    standing = assigned_standing(actor, report, "reports.decline")
    if not reply.strip():
        raise ValidationError({"reply": _("Tell the reporter why the report is not accepted.")})
    return _move(actor.acting_as(standing), report, "decline", ReportState.DECLINED, reply=reply)


@records_refusals
def conclude(actor: Actor, report: Report, *, finding: str, verification: str, reply: str) -> Report:
    """办结: what the verification found, substantiated or not, and the reply to the reporter."""
    standing = assigned_standing(actor, report, "reports.conclude")
    errors = {}
    if finding not in Finding.values:
        errors["finding"] = _("Say whether the report was substantiated.")
    if not verification.strip():
        errors["verification"] = _("Record how the report was verified and what was found.")
    if not reply.strip():
        errors["reply"] = _("Write the reply to the reporter.")
    if errors:
        raise ValidationError(errors)
    return _move(
        actor.acting_as(standing),
        report,
        "conclude",
        ReportState.CONCLUDED,
        reply=reply,
        finding=finding,
        verification=verification,
    )


def _move(
    actor: Actor,
    report: Report,
    action: str,
    to: ReportState,
    *,
    reply: str = "",
    finding: str = "",
    verification: str = "",
) -> Report:
    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        _check_state(locked, action)
        before = locked.state
        locked.state = to
        fields = ["state"]
        if to in (ReportState.DECLINED, ReportState.CONCLUDED):
            locked.closed_at, locked.closed_by = timezone.now(), actor.user
            fields += ["closed_at", "closed_by"]
        if finding:
            locked.finding = finding
            locked.verification = sealing.seal(
                verification.strip().encode("utf-8"), locked.place("verification")
            )
            fields += ["finding", "verification"]
        locked.save(update_fields=fields)
        changes: dict[str, tuple[Any, Any]] = {"state": (before, to)}
        if finding:
            changes["finding"] = (None, finding)
        append(actor, f"reports.{action}", locked, changes=changes)
        if reply.strip():
            _message(actor, locked, Sender.INSPECTOR, reply, "reports.reply")
    return locked
