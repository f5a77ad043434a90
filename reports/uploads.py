"""Checks on report attachments: PDF, Word, Excel and images only, by name AND by content.

A file's name is chosen by whoever uploads it, so the extension alone proves nothing: the first
bytes must say the same thing (``filetype`` reads the magic numbers). Office Open XML files are
ZIP archives; for them the archive's directory must hold the Word or Excel main part.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Kind:
    content_type: str
    detected: frozenset[str]  # filetype extensions that confirm it
    ooxml_part: str = ""  # the part an Office Open XML package of this kind must contain
    ole2: bool = False  # legacy Office file (OLE2 compound document)


KINDS: dict[str, Kind] = {
    ".pdf": Kind("application/pdf", frozenset({"pdf"})),
    ".doc": Kind("application/msword", frozenset({"doc"}), ole2=True),
    ".docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        frozenset({"docx"}),
        ooxml_part="word/document.xml",
    ),
    ".xls": Kind("application/vnd.ms-excel", frozenset({"xls"}), ole2=True),
    ".xlsx": Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        frozenset({"xlsx"}),
        ooxml_part="xl/workbook.xml",
    ),
    ".jpg": Kind("image/jpeg", frozenset({"jpg"})),
    ".jpeg": Kind("image/jpeg", frozenset({"jpg"})),
    ".png": Kind("image/png", frozenset({"png"})),
    ".gif": Kind("image/gif", frozenset({"gif"})),
    ".bmp": Kind("image/bmp", frozenset({"bmp"})),
    ".webp": Kind("image/webp", frozenset({"webp"})),
}
ACCEPTED_EXTENSIONS = ", ".join(KINDS)


def max_bytes() -> int:
    return settings.REPORT_ATTACHMENT_MAX_BYTES


def clean_name(name: str) -> str:
    """The base name only (no directories from the client), at most 200 characters."""
    base = PurePath((name or "").replace("\\", "/")).name.strip()
    if len(base) > 200:
        suffix = PurePath(base).suffix[:20]
        base = base[: 200 - len(suffix)] + suffix
    return base


def check_upload(upload) -> str:
    """The content type to store for ``upload``, or a ValidationError saying what is wrong in Chinese."""
    name = clean_name(getattr(upload, "name", ""))
    extension = PurePath(name).suffix.lower()
    kind = KINDS.get(extension)
    if not name or kind is None:
        raise ValidationError(
            _("只能上传 PDF、Word、Excel 或图片文件（%(extensions)s）。"),
            params={"extensions": ACCEPTED_EXTENSIONS},
            code="extension",
        )
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("文件“%(name)s”超过 %(limit)s MB，请压缩或拆分后再上传。"),
            params={"name": name, "limit": limit // (1024 * 1024)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空文件。"), params={"name": name}, code="empty")
    if not _content_matches(upload, kind):
        raise ValidationError(
            _("文件“%(name)s”的内容与扩展名 %(extension)s 不符，请上传真实的 PDF、Word、Excel 或图片文件。"),
            params={"name": name, "extension": extension},
            code="content",
        )
    return kind.content_type


def _content_matches(upload, kind: Kind) -> bool:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if kind.ooxml_part:
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, kind.ooxml_part)
    detected = filetype.guess_extension(head)
    if kind.ole2 and head.startswith(OLE2_MAGIC):
        # filetype recognises only some legacy Office layouts; an OLE2 file it cannot name is
        # accepted for .doc/.xls, one it names as another Office type (an .xls called .doc) is not.
        return detected is None or detected in kind.detected
    return detected in kind.detected


def _zip_has(upload, part: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:  # reads the directory only, extracts nothing
            return part in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
