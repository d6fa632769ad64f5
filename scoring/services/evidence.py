"""Evidence files (tài liệu kiểm chứng): what a file really is, and storing it safely.

The type is read from the content, never from the name: PDF, Word and Excel (Office Open XML
zips and legacy OLE2 files) and images. Files are stored through Django's default storage under
generated names and served only by the permission-checked download view. State rules (may the
unit still add or remove a document?) live in scoring/services/self_assessment.py.
"""

from __future__ import annotations

import os
import uuid
import zipfile
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, TypeAlias

import filetype
from django.conf import settings
from django.core.files import File
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring.models import Evidence, ExplanationRequest, Score
from scoring.permissions import Account
from scoring.services.errors import ServiceError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

#: An uploaded file (Django's UploadedFile: name, size, read, seek).
Upload: TypeAlias = "UploadedFile[bytes]"


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str


PDF = FileKind("application/pdf", ".pdf")
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = FileKind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
DOC = FileKind("application/msword", ".doc")
XLS = FileKind("application/vnd.ms-excel", ".xls")
IMAGES = {
    "image/jpeg": FileKind("image/jpeg", ".jpg"),
    "image/png": FileKind("image/png", ".png"),
    "image/gif": FileKind("image/gif", ".gif"),
    "image/webp": FileKind("image/webp", ".webp"),
}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
# An OLE2 file's directory is made of 128-byte entries, each starting with its stream's name in
# UTF-16LE and holding the name's length in bytes (terminator included) at offset 64. A Word file
# has a "WordDocument" stream, an Excel file "Workbook" (or "Book" before Excel 97); an .msi or a
# .ppt has neither.
OLE2_STREAMS = tuple(
    (name.encode("utf-16-le") + b"\x00\x00", ((len(name) + 1) * 2).to_bytes(2, "little"), kind)
    for name, kind in (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS))
)
OLE2_CHUNK = 128 * 8192  # a multiple of the entry size: no entry straddles two chunks


def _ole2_kind(upload: Upload) -> FileKind | None:
    found: set[FileKind] = set()
    upload.seek(0)
    offset = 0
    while chunk := upload.read(OLE2_CHUNK):
        for marker, length, kind in OLE2_STREAMS:
            position = chunk.find(marker)
            while position != -1:
                if (offset + position) % 128 == 0 and chunk[
                    position + 64 : position + 66
                ] == length:
                    found.add(kind)
                    break
                position = chunk.find(marker, position + 1)
        offset += len(chunk)
    if DOC in found:
        return DOC
    return XLS if XLS in found else None


def _zip_kind(upload: Upload) -> FileKind | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names or any(
        name.lower().endswith("vbaproject.bin") for name in names
    ):
        return None  # not Office Open XML, or a macro-enabled document (.docm, .xlsm)
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return None


def detect_file_kind(upload: Upload) -> FileKind | None:
    """What the file is, from its content (never its name): PDF, Word, Excel or an image."""
    upload.seek(0)
    head = upload.read(8192)
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(upload)
    if head.startswith(OLE2_MAGIC):
        return _ole2_kind(upload)
    guess = filetype.guess(head)
    if guess is None:
        return None
    if guess.mime == PDF.content_type:
        return PDF
    return IMAGES.get(guess.mime)


def _size_label(size: int) -> str:
    """A size as people read it: "850 byte", "12,5 KB", "20,0 MB" (one decimal, half-up)."""

    def one_decimal(value: Decimal) -> str:
        return number_format(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP), 1)

    if size >= 1024 * 1024:
        return _("%(size)s MB") % {"size": one_decimal(Decimal(size) / (1024 * 1024))}
    if size >= 1024:
        return _("%(size)s KB") % {"size": one_decimal(Decimal(size) / 1024)}
    return _("%(size)s byte") % {"size": size}


def max_bytes_label() -> str:
    """The upload limit as people read it ("20,0 MB")."""
    return _size_label(settings.EVIDENCE_MAX_BYTES)


def check_evidence_file(upload: Upload) -> FileKind:
    """The file's kind if it may be stored as evidence; ServiceError otherwise (size, type)."""
    limit = settings.EVIDENCE_MAX_BYTES
    if not upload.size:
        raise ServiceError(_("Tệp rỗng: hãy chọn lại tệp."))
    if upload.size > limit:
        raise ServiceError(
            _("Tệp “%(name)s” (%(size)s) vượt giới hạn %(limit)s.")
            % {
                "name": os.path.basename(upload.name or ""),
                "size": _size_label(upload.size),
                "limit": _size_label(limit),
            }
        )
    kind = detect_file_kind(upload)
    if kind is None:
        raise ServiceError(
            _(
                "Tệp “%(name)s” không phải PDF, Word, Excel hay ảnh (JPG, PNG, GIF, WebP): nội dung tệp không khớp, kể cả khi tên tệp có đuôi hợp lệ."
            )
            % {"name": os.path.basename(upload.name or "")}
        )
    upload.seek(0)
    return kind


def _original_name(upload: Upload) -> str:
    name = os.path.basename((upload.name or "").replace("\\", "/"))
    name = "".join(char for char in name if char.isprintable()).strip()
    return name[-255:] or _("tep-dinh-kem")


def store_evidence_file(
    score: Score,
    upload: Upload,
    *,
    user: Account | None = None,
    explanation: ExplanationRequest | None = None,
) -> Evidence:
    """Check a file and store it as evidence of a score (or of an explanation of it).

    No state rule here: callers check them (`add_evidence` for the self-assessment). The stored
    name is generated (the user's file name is kept only for display); storage goes through
    Django's default storage, never a public folder.
    """
    kind = check_evidence_file(upload)
    evidence = Evidence(
        score=score,
        explanation=explanation,
        original_name=_original_name(upload),
        content_type=kind.content_type,
        size=upload.size or 0,
        uploaded_by=user,
    )
    evidence.file.save(f"{uuid.uuid4().hex}{kind.extension}", File(upload), save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    return evidence


def download_name(evidence: Evidence) -> str:
    """The user's file name, with the extension of what the file really is."""
    stored_ext = os.path.splitext(evidence.file.name or "")[1].lower()
    stem, ext = os.path.splitext(evidence.original_name)
    same = {ext.lower(), stored_ext} <= {".jpg", ".jpeg"} or ext.lower() == stored_ext
    return evidence.original_name if same else f"{stem or evidence.original_name}{stored_ext}"
