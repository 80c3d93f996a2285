"""Files of the library on disk: type checked by content, stored under random names.

Nothing the uploader sends ever becomes part of a path: the stored name is chosen here and
checked against its own pattern again before any read or delete.
"""

from __future__ import annotations

import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import abort
from flask import current_app
from flask import send_file
from flask_babel import _


@dataclass(frozen=True)
class FileType:
    extension: str
    media_type: str


PDF = FileType("pdf", "application/pdf")
PNG = FileType("png", "image/png")
JPEG = FileType("jpg", "image/jpeg")
DOCX = FileType("docx",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
PPTX = FileType("pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation")

# Videos: pre-recorded items of a session's programme (app.programme), never library
# resources (BY_EXTENSION below does not offer them).
MP4 = FileType("mp4", "video/mp4")
WEBM = FileType("webm", "video/webm")

# What a file's name may end with, and the type its content must then have.
BY_EXTENSION = {"pdf": PDF, "png": PNG, "jpg": JPEG, "jpeg": JPEG, "docx": DOCX, "pptx": PPTX}
VIDEO_BY_EXTENSION = {"mp4": MP4, "webm": WEBM}
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|docx|pptx|mp4|webm)$")
# Office Open XML: the package manifest and the main part of each kind of document.
OOXML_PARTS = {DOCX: "word/document.xml", PPTX: "ppt/presentation.xml"}


def library_dir() -> Path:
    configured = current_app.config.get("LIBRARY_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "library"))


def size_of(stream: BinaryIO) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def sniff(stream: BinaryIO) -> FileType | None:
    """The type the bytes really are, whatever the name says; None for anything else."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[4:8] == b"ftyp":  # an ISO base media file: its first box names the brand
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML, the container WebM is written in
        return WEBM
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(stream) as archive:  # reads the directory, inflates nothing
                names = set(archive.namelist())
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
            return None
        finally:
            stream.seek(0)
        if "[Content_Types].xml" in names:
            for kind, main_part in OOXML_PARTS.items():
                if main_part in names:
                    return kind
    return None


def new_stored_name(kind: FileType) -> str:
    return f"{secrets.token_hex(16)}.{kind.extension}"


def path_for(stored_name: str) -> Path:
    if not STORED_NAME.match(stored_name):
        raise ValueError(f"not a library file name: {stored_name!r}")
    return library_dir() / stored_name


def save(stream: BinaryIO, stored_name: str) -> Path:
    """Write to a temporary name, then rename: a reader never sees half a file."""
    target = path_for(stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    stream.seek(0)
    with open(partial, "xb") as out:
        while chunk := stream.read(1 << 16):
            out.write(chunk)
    os.replace(partial, target)
    return target


def remove(stored_name: str) -> None:
    path_for(stored_name).unlink(missing_ok=True)


def send_stored(stored_name: str, media_type: str, download_name: str, *,
                as_attachment: bool = True, private: bool = True):
    """The one way a stored file leaves: under the type it was checked to be (``nosniff``,
    so a browser never guesses another), revalidated on every use (``max_age=0``; range
    requests answered, a video seeks), and a 404 saying so when the file is gone from disk.

    ``private``: only for those allowed to see it (every download but a published report's
    key downloads), so no shared cache may keep a copy."""
    path = path_for(stored_name)
    if not path.is_file():
        abort(404, description=_("The file is missing. Please tell the organisers."))
    response = send_file(path, mimetype=media_type, as_attachment=as_attachment,
                         download_name=download_name, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    if private:
        response.headers["Cache-Control"] = "private, no-store"
    return response
