"""Every change in field enforcement: devices, evidence uploads (declare, chunks, complete), reads.

An upload is declared with the device's facts (kind, size, SHA-256, device time, position,
officer, case), received in chunks at increasing offsets (a repeated chunk is accepted once),
and completed when the assembled bytes hash to the declared SHA-256; a mismatch discards the
upload. The chain of custody is in the ledger: `enforcement.capture` and `enforcement.upload`
when the evidence is received, `enforcement.view_evidence` for every read of the file, and
`enforcement.use_evidence` when a decision relies on it (decisions.py).

Chunks write no ledger leaf: they are the transport, not a change of anything the ledger
describes; the declaration and the outcome (evidence or discard) are recorded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import tempfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sunlight.accounts.models import AccountKind, User
from sunlight.cases.models import Case
from sunlight.enforcement import access, conf, media
from sunlight.enforcement.models import (
    Device,
    Evidence,
    EvidenceChannel,
    EvidenceKind,
    HashSource,
    Upload,
    UploadState,
)
from sunlight.ledger.actions import append, appended_atomically
from sunlight.ledger.actor import Actor
from sunlight.ledger.refusals import Refused, records_refusals
from sunlight.orgs.authority import Standing
from sunlight.orgs.models import Organisation

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
PARTS = "evidence/parts"
SIX_PLACES = Decimal("0.000001")


class UploadConflict(Exception):
    """A chunk that does not continue the upload, or an upload no longer open (HTTP 409)."""

    def __init__(self, message: str, upload: Upload) -> None:
        super().__init__(message)
        self.message = message
        self.upload = upload


class HashMismatch(ValidationError):
    """The assembled bytes do not hash to the declared SHA-256: the upload was discarded."""


@dataclass(frozen=True)
class Declaration:
    kind: str
    size: int
    sha256: str
    device_time: dt.datetime
    latitude: Decimal | float | str | None = None
    longitude: Decimal | float | str | None = None
    accuracy_m: int | None = None
    case_number: str = ""
    officer: str = ""  # a device names the officer (default: the officer it is issued to)
    note: str = ""
    hash_source: str = HashSource.DEVICE


# -- declaring an upload ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Uploader:
    account: User
    officer: User
    device: Device | None
    unit: Organisation
    case: Case | None
    standing: Standing


def _refuse(actor: Actor, message: str, unit_id: int | None, obj: Case | None = None) -> Refused:
    return Refused(
        message, action="enforcement.declare_upload", obj=obj or ("enforcement.upload", 0), unit_id=unit_id
    )


def _uploader(actor: Actor, declaration: Declaration) -> _Uploader:
    account = actor.user
    if account is None:
        raise _refuse(actor, _("Evidence is delivered by a registered device or a signed-in officer."), None)
    case: Case | None = None
    if declaration.case_number.strip():
        case = (
            Case.objects.select_related("owner", "definition")
            .filter(number=declaration.case_number.strip())
            .first()
        )
        if case is None or not access.is_enforcement_case(case):
            raise ValidationError({"case": _("There is no enforcement case with this number.")})
    device: Device | None = None
    if account.kind == AccountKind.INTEGRATION:
        device = Device.objects.active().select_related("unit", "holder").filter(account=account).first()
        if device is None:
            raise _refuse(
                actor, _("%(who)s is not a registered enforcement device.") % {"who": account}, None
            )
        username = declaration.officer.strip() or (device.holder.username if device.holder else "")
        officer = User.objects.filter(username=username, kind=AccountKind.PERSON, is_active=True).first()
        if officer is None:
            raise ValidationError({"officer": _("Name the officer who captured the evidence.")})
        unit = device.unit
        if case is not None and case.owner_id != unit.pk:
            raise _refuse(
                actor,
                _("A device of %(unit)s does not deliver evidence for a case of %(other)s.")
                % {"unit": unit, "other": case.owner},
                unit.pk,
                case,
            )
        standing = access.officer_standing(officer, unit.pk)
    else:
        officer = account
        if declaration.officer.strip() and declaration.officer.strip() != account.username:
            raise _refuse(
                actor, _("An officer delivers only the evidence they captured themselves."), None, case
            )
        if case is not None:
            unit = case.owner
            standing = access.officer_standing(officer, unit.pk)
        else:
            standing = access.home_standing(officer)
            unit = standing.post.organisation.unit if standing else None  # type: ignore[assignment]
    if standing is None or unit is None:
        raise _refuse(
            actor,
            _("%(who)s holds no post that delivers evidence for %(what)s.")
            % {"who": officer, "what": case.number if case else _("this unit")},
            case.owner_id if case else None,
            case,
        )
    return _Uploader(account, officer, device, unit, case, standing)


def _coordinate(
    value: Decimal | float | str | None, limit: int, field: str, errors: dict[str, str]
) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value)).quantize(SIX_PLACES)
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter degrees as a decimal number.")
        return None
    if not -limit <= number <= limit:
        errors[field] = _("Degrees run from -%(limit)d to %(limit)d.") % {"limit": limit}
    return number


def _check(declaration: Declaration) -> tuple[Decimal | None, Decimal | None]:
    errors: dict[str, str] = {}
    if declaration.kind not in EvidenceKind.values:
        errors["kind"] = _("Choose photo, video or audio.")
    if isinstance(declaration.size, bool) or not 0 < declaration.size <= conf.max_bytes():
        errors["size"] = _("A file is between 1 byte and %(max)d MiB.") % {
            "max": conf.max_bytes() // conf.MIB
        }
    if not _SHA256.match(declaration.sha256):
        errors["sha256"] = _("Send the file's SHA-256 as 64 lower-case hexadecimal characters.")
    if timezone.is_naive(declaration.device_time):
        errors["device_time"] = _("Give the device time with its time zone, e.g. 2026-06-15T09:30:00+08:00.")
    latitude = _coordinate(declaration.latitude, 90, "latitude", errors)
    longitude = _coordinate(declaration.longitude, 180, "longitude", errors)
    if (latitude is None) != (longitude is None) and "latitude" not in errors and "longitude" not in errors:
        errors["longitude"] = _("A position has both a latitude and a longitude.")
    if declaration.accuracy_m is not None and not 0 <= declaration.accuracy_m <= 100_000:
        errors["accuracy_m"] = _("The accuracy is in metres, zero or more.")
    if len(declaration.note) > 200:
        errors["note"] = _("Keep the note under 200 characters.")
    if errors:
        raise ValidationError(errors)
    return latitude, longitude


@records_refusals
def declare_upload(actor: Actor, declaration: Declaration) -> tuple[Upload, bool]:
    """Open an upload; declaring the same file again gets the same upload back (created False)."""
    who = _uploader(actor, declaration)
    latitude, longitude = _check(declaration)
    case = who.case
    if (
        case is not None
        and not case.is_open
        and case.completed_at
        and declaration.device_time > case.completed_at
    ):
        raise ValidationError({"case": _("The case %(number)s is concluded.") % {"number": case.number}})
    with transaction.atomic():
        again = (
            Upload.objects.select_for_update()
            .filter(account=who.account, sha256=declaration.sha256, case=case, officer=who.officer)
            .exclude(state=UploadState.DISCARDED)
            .first()
        )
        if again is not None:
            return again, False  # an offline queue sent its declaration again: resume, do not duplicate
        upload = Upload.objects.create(
            kind=declaration.kind,
            size=declaration.size,
            sha256=declaration.sha256,
            hash_source=declaration.hash_source,
            device_time=declaration.device_time,
            latitude=latitude,
            longitude=longitude,
            accuracy_m=declaration.accuracy_m,
            note=declaration.note.strip(),
            case=case,
            unit=who.unit,
            officer=who.officer,
            device=who.device,
            account=who.account,
            channel=EvidenceChannel.DEVICE if who.device else EvidenceChannel.WEB,
        )
        append(
            actor.acting_as(who.standing) if who.device is None else actor,
            "enforcement.declare_upload",
            upload,
            changes={
                "kind": (None, upload.kind),
                "size": (None, upload.size),
                "sha256": (None, upload.sha256),
                "case": (None, case.number if case else None),
            },
            detail={"officer": who.officer.username, "device": who.device.code if who.device else None},
        )
    return upload, True


# -- chunks -------------------------------------------------------------------------------------


def _part_name(upload: Upload, offset: int) -> str:
    return f"{PARTS}/{upload.public_id}/{offset:012d}"


def _own(actor: Actor, upload: Upload, action: str) -> None:
    if actor.user is None or actor.user.pk != upload.account_id:
        raise Refused(
            _("Only the device or officer who declared an upload continues it."),
            action=action,
            obj=upload,
            unit_id=upload.unit_id,
        )


@records_refusals
def receive_chunk(actor: Actor, upload: Upload, *, offset: int, data: bytes) -> Upload:
    """Store the bytes at `offset`; a chunk already received is accepted again without change."""
    _own(actor, upload, "enforcement.receive_chunk")
    if not data:
        raise ValidationError({"chunk": _("The chunk is empty.")})
    if len(data) > conf.chunk_bytes():
        raise ValidationError({"chunk": _("A chunk is at most %(n)d bytes.") % {"n": conf.chunk_bytes()}})
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.state != UploadState.OPEN:
            raise UploadConflict(_("This upload is no longer receiving."), locked)
        sizes = part_sizes(locked)
        starts = [sum(sizes[:i]) for i in range(len(sizes))]
        if offset < locked.received:
            # A retry of a chunk whose answer was lost: the same bytes at the same place are fine.
            index = starts.index(offset) if offset in starts else -1
            if index >= 0 and sizes[index] == len(data):
                with default_storage.open(_part_name(locked, offset), "rb") as stored:
                    if stored.read() == data:
                        return locked
            raise UploadConflict(
                _("These bytes differ from those already received; continue at %(offset)d.")
                % {"offset": locked.received},
                locked,
            )
        if offset > locked.received:
            raise UploadConflict(
                _("A chunk is missing before this one; continue at %(offset)d.")
                % {"offset": locked.received},
                locked,
            )
        if locked.received + len(data) > locked.size:
            raise ValidationError({"chunk": _("This chunk goes past the declared size.")})
        if offset == 0:
            content_type = media.sniff(data[: media.SNIFF_BYTES], locked.kind)
            if content_type is None:
                raise ValidationError({"chunk": media.refusal(locked.kind)})
            locked.content_type = content_type
        name = _part_name(locked, offset)
        if default_storage.exists(name):  # left by a transaction that rolled back
            default_storage.delete(name)
        default_storage.save(name, ContentFile(data))
        locked.part_sizes = [*sizes, len(data)]
        locked.received += len(data)
        locked.touched_at = timezone.now()
        locked.save(update_fields=["part_sizes", "received", "content_type", "touched_at"])
    return locked


def part_sizes(upload: Upload) -> list[int]:
    return [int(n) for n in upload.part_sizes]


def _delete_parts(upload: Upload) -> None:
    offset = 0
    for size in part_sizes(upload):
        default_storage.delete(_part_name(upload, offset))
        offset += size


# -- completing ---------------------------------------------------------------------------------


def _assemble(upload: Upload) -> tuple[tempfile.SpooledTemporaryFile[bytes], str]:
    """The parts in order in one temporary file, and their SHA-256."""
    digest = hashlib.sha256()
    # The caller closes it (`_keep` saves it, a mismatch closes it at once).
    spool: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(max_size=8 * conf.MIB)  # noqa: SIM115
    offset = 0
    for size in part_sizes(upload):
        with default_storage.open(_part_name(upload, offset), "rb") as part:
            data = part.read()
        digest.update(data)
        spool.write(data)
        offset += size
    spool.seek(0)
    return spool, digest.hexdigest()


def _discard(actor: Actor, upload: Upload, reason: str, detail: dict[str, str]) -> None:
    upload.state = UploadState.DISCARDED
    upload.save(update_fields=["state"])
    append(
        actor,
        "enforcement.discard_upload",
        upload,
        changes={"state": (UploadState.OPEN, upload.state)},
        reason=reason,
        detail=detail,
    )
    transaction.on_commit(lambda: _delete_parts(upload))


@records_refusals
def complete_upload(actor: Actor, upload: Upload) -> Evidence:
    """Check the bytes against the declared SHA-256 and keep them as evidence (idempotent)."""
    _own(actor, upload, "enforcement.complete_upload")
    mismatch: dict[str, str] | None = None
    with transaction.atomic():
        locked = (
            Upload.objects.select_for_update(of=("self",))
            .select_related("case", "device", "officer")
            .get(pk=upload.pk)
        )
        if locked.state == UploadState.COMPLETE:
            return Evidence.objects.get(upload=locked)
        if locked.state != UploadState.OPEN:
            raise UploadConflict(_("This upload was discarded; declare the file again."), locked)
        if locked.received != locked.size:
            raise UploadConflict(
                _("%(received)d of %(size)d bytes received; continue at %(received)d.")
                % {"received": locked.received, "size": locked.size},
                locked,
            )
        spool, computed = _assemble(locked)
        if computed != locked.sha256:
            spool.close()
            mismatch = {"declared": locked.sha256, "computed": computed}
            _discard(actor, locked, "the bytes received do not match the declared SHA-256", mismatch)
        else:
            evidence = _keep(actor, locked, spool)
    if mismatch is not None:
        raise HashMismatch(
            {
                "sha256": _(
                    "The file received hashes to %(computed)s, not to the declared %(declared)s. "
                    "The upload is discarded; send the file again."
                )
                % mismatch
            }
        )
    return evidence


def _keep(actor: Actor, upload: Upload, spool: tempfile.SpooledTemporaryFile[bytes]) -> Evidence:
    now = timezone.now()
    month = timezone.localdate(now)
    name = f"evidence/{month:%Y/%m}/{secrets.token_hex(16)}{media.extension(upload.content_type)}"
    with spool:
        stored = default_storage.save(name, File(spool, name=name))
    delay = int((now - upload.device_time).total_seconds())
    evidence = Evidence.objects.create(
        upload=upload,
        case=upload.case,
        unit=upload.unit,
        kind=upload.kind,
        content_type=upload.content_type,
        size=upload.size,
        sha256=upload.sha256,
        hash_source=upload.hash_source,
        storage_name=stored,
        officer=upload.officer,
        device=upload.device,
        uploaded_by=upload.account,
        channel=upload.channel,
        device_time=upload.device_time,
        received_at=now,
        delay_seconds=delay,
        queued_offline=delay > conf.offline_after_seconds(),
        clock_ahead=-delay > conf.clock_skew_seconds(),
        latitude=upload.latitude,
        longitude=upload.longitude,
        accuracy_m=upload.accuracy_m,
        note=upload.note,
    )
    upload.state = UploadState.COMPLETE
    upload.save(update_fields=["state"])
    standing = (
        None
        if upload.device
        else access.officer_standing(upload.officer, upload.unit_id) or access.home_standing(upload.officer)
    )
    who = actor.acting_as(standing) if standing else actor
    position = (
        [str(upload.latitude), str(upload.longitude), upload.accuracy_m]
        if upload.latitude is not None
        else None
    )
    append(
        who,
        "enforcement.capture",
        evidence,
        changes={
            "kind": (None, evidence.kind),
            "sha256": (None, evidence.sha256),
            "device_time": (None, evidence.device_time),
            "officer": (None, upload.officer.username),
            "device": (None, upload.device.code if upload.device else None),
            "position": (None, position),
            "case": (None, upload.case.number if upload.case else None),
        },
        detail={
            "hash_source": evidence.hash_source,
            "delay_seconds": delay,
            "queued_offline": evidence.queued_offline,
            "clock_ahead": evidence.clock_ahead,
        },
    )
    append(
        who,
        "enforcement.upload",
        evidence,
        changes={
            "size": (None, evidence.size),
            "content_type": (None, evidence.content_type),
            "received_at": (None, now),
            "storage_name": (None, stored),
        },
        detail={
            "upload": str(upload.public_id),
            "chunks": len(part_sizes(upload)),
            "channel": upload.channel,
        },
    )
    transaction.on_commit(lambda: _delete_parts(upload))
    return evidence


@records_refusals
def expire_upload(actor: Actor, upload: Upload) -> None:
    """Discard an upload nobody finished (the timer's action)."""
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        if locked.state == UploadState.OPEN:
            _discard(actor, locked, "unfinished upload expired", {"received": str(locked.received)})


def record_view(actor: Actor, evidence: Evidence, *, via: str) -> None:
    """Every read of an evidence file is part of its chain of custody."""
    appended_atomically(
        actor, "enforcement.view_evidence", evidence, detail={"via": via, "sha256": evidence.sha256}
    )


def receive_whole(actor: Actor, declaration: Declaration, content: File[Any]) -> Evidence:
    """Declare, send in chunks and complete in one go (the page's plain file upload, the demo)."""
    upload, _created = declare_upload(actor, declaration)
    if upload.state == UploadState.COMPLETE:
        return Evidence.objects.get(upload=upload)
    position = 0
    for piece in content.chunks(conf.chunk_bytes()):
        end = position + len(piece)
        if end > upload.received:  # a declaration found again resumes where it stopped
            skip = max(0, upload.received - position)
            upload = receive_chunk(actor, upload, offset=position + skip, data=piece[skip:])
        position = end
    return complete_upload(actor, upload)
