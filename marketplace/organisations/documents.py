"""Uploaded credential documents: type detected from content, stored outside static/ under a generated name."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from flask import current_app
from flask_babel import lazy_gettext as _l

from marketplace.errors import DomainError

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Detected MIME type -> (stored extension, extensions a user's file name may carry)
ACCEPTED_TYPES = {
    "application/pdf": ("pdf", {"pdf"}),
    "image/jpeg": ("jpg", {"jpg", "jpeg"}),
    "image/png": ("png", {"png"}),
}
CREDENTIALS = "credentials"


@dataclass(frozen=True)
class StoredDocument:
    name: str  # generated file name under UPLOAD_FOLDER/credentials
    filename: str  # the uploader's file name, for the download
    mime_type: str
    size: int


def check(content: bytes, filename: str) -> str:
    """The MIME type of an acceptable document, or a DomainError saying what is wrong."""
    if len(content) > MAX_DOCUMENT_BYTES:
        raise DomainError(_l("The file is %(mb).1f MB; documents may be at most 10 MB.",
                             mb=len(content) / 1024 / 1024), field="document")
    if not content:
        raise DomainError(_l("The file is empty."), field="document")
    kind = filetype.guess(content)
    if kind is None or kind.mime not in ACCEPTED_TYPES:
        raise DomainError(_l("Only PDF, JPEG or PNG documents are accepted; this file is not one of them."),
                          field="document")
    extension = Path(filename or "").suffix.lower().lstrip(".")
    if extension not in ACCEPTED_TYPES[kind.mime][1]:
        raise DomainError(_l("The file's content is %(kind)s but its name ends in .%(ext)s. Upload the original "
                             "file.", kind=kind.extension.upper(), ext=extension or "?"), field="document")
    return kind.mime


def folder(subfolder: str = CREDENTIALS) -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"]) / subfolder
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(content: bytes, filename: str, subfolder: str = CREDENTIALS) -> StoredDocument:
    mime_type = check(content, filename)
    name = f"{secrets.token_hex(16)}.{ACCEPTED_TYPES[mime_type][0]}"
    (folder(subfolder) / name).write_bytes(content)
    safe_filename = Path(filename).name[:255] or name
    return StoredDocument(name=name, filename=safe_filename, mime_type=mime_type, size=len(content))


def path_of(name: str, subfolder: str = CREDENTIALS) -> Path:
    base = folder(subfolder).resolve()
    path = (base / name).resolve()
    if path.parent != base:
        raise FileNotFoundError(name)
    return path


def remove(name: str | None, subfolder: str = CREDENTIALS) -> None:
    if name:
        path_of(name, subfolder).unlink(missing_ok=True)
