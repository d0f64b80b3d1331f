"""Issuing a sealed document, and checking whether a PDF is one we issued, unchanged."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from sunlight.documents import render, seals
from sunlight.documents.models import Document, DocumentKind
from sunlight.ledger.actions import append, object_ref
from sunlight.ledger.actor import Actor
from sunlight.orgs.models import Organisation


def _next_number(issuer: Organisation, kind: str) -> str:
    prefix = f"{issuer.abbr or 'WC'}-{kind[:3].upper()}-{timezone.localdate().year}-"
    count = Document.objects.filter(number__startswith=prefix).count()
    return f"{prefix}{count + 1:05d}"


@lru_cache(maxsize=256)
def _signer(code: str, name: str) -> signers.SimpleSigner:
    # Loading an RSA key checks it, which costs tens of milliseconds: one signer per unit.
    seal = seals.seal_of(Organisation(code=code, name=name))
    return signers.SimpleSigner(
        signing_cert=seal.cert,
        signing_key=seal.key,
        cert_registry=SimpleCertificateStore.from_certs([seals.ca_certificate()]),  # type: ignore[no-untyped-call]
    )


def sign(pdf: bytes, issuer: Organisation, *, reason: str, signer_name: str) -> bytes:
    """PAdES signature with the issuer's seal (the e-seal), naming the person who decided."""
    signer = _signer(issuer.code, issuer.name)

    meta = signers.PdfSignatureMetadata(
        field_name="Seal", reason=reason[:100], location=issuer.name, name=signer_name
    )
    signed: bytes = signers.sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer
    ).getvalue()
    return signed


def issue(
    actor: Actor,
    *,
    kind: DocumentKind,
    title: str,
    issuer: Organisation,
    subject: Model | tuple[str, str | int],
    fields: Sequence[tuple[str, str]],
    body: str,
    signer_name: str = "",
) -> Document:
    """Render, seal and store a document; part of the caller's transaction, with its leaf."""
    subject_type, subject_id = object_ref(subject)
    for _attempt in range(3):
        number = _next_number(issuer, kind)
        verify_url = settings.SITE_ROOT + reverse("documents:verify_number", args=[number])
        pdf = render.render(
            title=title,
            number=number,
            issuer=issuer.name,
            date_text=timezone.localdate().strftime("%Y年%m月%d日"),
            fields=fields,
            body=body,
            verify_url=verify_url,
        )
        signed = sign(
            pdf, issuer, reason=title, signer_name=actor.user.full_name if actor.user else issuer.name
        )
        digest = hashlib.sha256(signed).hexdigest()
        try:
            with transaction.atomic():
                document = Document(
                    number=number,
                    kind=kind,
                    title=title,
                    issuer=issuer,
                    subject_type=subject_type,
                    subject_id=subject_id,
                    sha256=digest,
                    issued_by=actor.user,
                )
                document.file.save(f"{number}.pdf", ContentFile(signed), save=False)
                document.save()
                append(
                    actor,
                    "documents.issue",
                    document,
                    changes={"sha256": (None, digest), "number": (None, number)},
                    detail={"subject": f"{subject_type}:{subject_id}", "title": title},
                )
                return document
        except IntegrityError:
            continue  # two documents numbered at once: take the next number
    raise RuntimeError("could not number the document")


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    document: Document | None
    signature_valid: bool
    reason: str


def verify(data: bytes) -> Verdict:
    """Genuine means: byte for byte a document we issued, and its seal signature validates."""
    document = (
        Document.objects.select_related("issuer").filter(sha256=hashlib.sha256(data).hexdigest()).first()
    )
    try:
        reader = PdfFileReader(io.BytesIO(data))
        signatures = reader.embedded_signatures
        status = validate_pdf_signature(
            signatures[0], ValidationContext(trust_roots=[seals.ca_certificate()])
        )
        signature_ok = bool(status.bottom_line)
    except Exception:
        signature_ok = False
    if document is not None and signature_ok:
        return Verdict(True, document, True, "")
    if document is None and signature_ok:
        return Verdict(False, None, True, "unknown")
    return Verdict(False, document, False, "modified" if signature_ok is False else "unknown")
