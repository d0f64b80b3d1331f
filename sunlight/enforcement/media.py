"""What a file is, from its first bytes (magic numbers), never from its name or a client's word."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sunlight.enforcement.models import EvidenceKind

SNIFF_BYTES = 16

# The types each kind accepts, with the extension of the stored file.
ACCEPTED: dict[str, dict[str, str]] = {
    EvidenceKind.PHOTO: {"image/jpeg": ".jpg", "image/png": ".png"},
    EvidenceKind.VIDEO: {"video/mp4": ".mp4", "video/webm": ".webm", "video/quicktime": ".mov"},
    EvidenceKind.AUDIO: {"audio/mp4": ".m4a", "audio/ogg": ".ogg", "audio/webm": ".webm"},
}
_AUDIO_BRANDS = (b"M4A ", b"M4B ")


def sniff(head: bytes, kind: str) -> str | None:
    """The content type of a file of `kind` starting with `head`, or None if it is not one we take."""
    if head.startswith(b"\xff\xd8\xff"):
        found = "image/jpeg"
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        found = "image/png"
    elif head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _AUDIO_BRANDS:
            found = "audio/mp4"
        elif brand == b"qt  ":
            found = "video/quicktime"
        else:
            # An MP4 with any other brand (isom, mp41, mp42, avc1…): audio if declared so, as
            # recorders write audio-only MP4 with video brands too.
            found = "audio/mp4" if kind == EvidenceKind.AUDIO else "video/mp4"
    elif head.startswith(b"\x1a\x45\xdf\xa3"):
        # WebM (Matroska EBML): MediaRecorder writes the same header for audio and video.
        found = "audio/webm" if kind == EvidenceKind.AUDIO else "video/webm"
    elif head.startswith(b"OggS"):
        found = "audio/ogg"
    else:
        return None
    return found if found in ACCEPTED.get(kind, {}) else None


def extension(content_type: str) -> str:
    for types in ACCEPTED.values():
        if content_type in types:
            return types[content_type]
    return ""


def refusal(kind: str) -> str:
    names: dict[str, str] = {
        EvidenceKind.PHOTO: "JPEG, PNG",
        EvidenceKind.VIDEO: "MP4, WebM, MOV",
        EvidenceKind.AUDIO: "M4A, OGG, WebM",
    }
    return _("This file is not a %(kind)s we accept (%(types)s): its content says otherwise.") % {
        "kind": EvidenceKind(kind).label,
        "types": names.get(kind, ""),
    }
