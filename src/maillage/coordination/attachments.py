"""Checking a file before it is attached to a note: its size, and its type from its CONTENT (`filetype` reads the
first bytes), never from its name or the browser's word. A script renamed `.pdf` has no PDF signature and is
refused; so is a file whose name announces another type than its content."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# What a coordination note may carry: documents and pictures. {MIME type: extensions that may name it}
ALLOWED = {
    "application/pdf": {"pdf"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg"},
    "image/webp": {"webp"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {"docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {"xlsx"},
    "application/vnd.oasis.opendocument.text": {"odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {"ods"},
}
HEAD_BYTES = 8192


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    name: str
    content_type: str
    size: int


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def check_upload(upload: UploadedFile) -> CheckedFile:
    """The file, checked; `ValidationError` with a message that says what to do otherwise."""
    name = PurePath(upload.name or "").name[:200] or "document"
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s): attach files of %(limit)s at most.")
            % {"name": name, "size": filesizeformat(upload.size or 0), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else ""
    if mime == "application/zip" or mime not in ALLOWED:
        raise ValidationError(
            _(
                "“%(name)s” is not a document Maillage accepts: its content is not a PDF, an image (PNG, JPEG, "
                "WebP) or an office document (DOCX, XLSX, ODT, ODS), whatever its name says."
            )
            % {"name": name},
            code="type",
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension and extension not in ALLOWED[mime]:
        raise ValidationError(
            _(
                "“%(name)s” is named as another kind of file than its content (%(kind)s): rename it or attach "
                "the right file."
            )
            % {"name": name, "kind": kind.extension.upper()},
            code="disguised",
        )
    return CheckedFile(upload=upload, name=name, content_type=mime, size=upload.size)
