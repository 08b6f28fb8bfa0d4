"""Materials (Art. 9, 15, 23 ...): uploaded files, checked, sniffed and stored outside the database.

In the embedded mode the content lives under ``instance/materials/`` (``MATERIALS_DIR`` to move it) in a
file whose name the system generates (``<two hex>/<uuid hex>.<ext>``); the uploader's file name is kept only
as sanitised metadata and never becomes part of a path. The type is decided by the content's signature,
which must agree with the file's extension and be one the material's kind accepts; the size is bounded
(``MATERIAL_MAX_BYTES``). A file written for a transaction that then rolls back is left as an orphan on disk
(harmless: nothing refers to it), never the other way round.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import unicodedata
import uuid
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from ground.actor import Actor
from ground.audit import record
from ground.errors import Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import Msg, _l
from scheduling import policy
from scheduling.models import Material
from scheduling.services.parks import get_park

DEFAULT_MAX_BYTES = 7 * 1024 * 1024  # under the request limit (MAX_CONTENT_LENGTH, 8 MiB) with room for the form

# sniffed type -> (MIME type, extensions that may carry it)
TYPES: dict[str, tuple[str, frozenset[str]]] = {
    "pdf": ("application/pdf", frozenset({"pdf"})),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", frozenset({"docx"})),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", frozenset({"xlsx"})),
    "doc": ("application/msword", frozenset({"doc"})),
    "xls": ("application/vnd.ms-excel", frozenset({"xls"})),
    "zip": ("application/zip", frozenset({"zip"})),
    "png": ("image/png", frozenset({"png"})),
    "jpeg": ("image/jpeg", frozenset({"jpg", "jpeg"})),
    "csv": ("text/csv", frozenset({"csv"})),
}
DOCUMENTS = frozenset({"pdf", "docx", "doc", "png", "jpeg"})
DATA = frozenset({"xlsx", "xls", "csv", "zip", "pdf"})
KIND_TYPES: dict[str, frozenset[str]] = {
    "electronic_data": DATA,
    "annual_report": DOCUMENTS | {"xlsx"},
    "other": DOCUMENTS | DATA,
}


def accepted_types(kind: str) -> frozenset[str]:
    return KIND_TYPES.get(kind, DOCUMENTS)


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return None


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff(data: bytes, extension: str) -> str | None:
    """The file's type from its content (the extension only picks between types sharing a signature)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE2: legacy Word or Excel
        return extension if extension in ("doc", "xls") else None
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        if names is None:
            return None
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            return "docx"
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            return "xlsx"
        return "zip"
    if extension == "csv" and _looks_like_text(data):
        return "csv"
    return None


_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]+")


def sanitize_filename(raw: str, fallback_ext: str = "") -> str:
    """A display name that is safe anywhere: no directories, control or reserved characters, bounded length."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]  # keep the last path component, whatever the client's OS
    name = _UNSAFE.sub("_", name).strip(" ._")
    if not name:
        name = "file" + (f".{fallback_ext}" if fallback_ext else "")
    if len(name) > 150:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 150 - len(ext) - 1] + "." + ext) if dot and len(ext) <= 10 else name[:150]
    return name


def materials_dir() -> Path:
    configured = current_app.config.get("MATERIALS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "materials"


def _path(storage_key: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z0-9]{1,5}", storage_key):
        raise ValueError(f"bad storage key {storage_key!r}")
    return materials_dir() / storage_key[:2] / storage_key


def _write(storage_key: str, data: bytes) -> None:
    target = _path(storage_key)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _reject(code: str, message: Msg, field: str = "file") -> InvalidInput:
    return InvalidInput(code, message, {field: [message]})


def upload_material(actor: Actor, park_id: int, data: bytes, filename: str, meta: dict[str, Any],
                    now: datetime) -> Material:
    """Check, store and register one file of a park."""
    park = get_park(actor, park_id)
    if not policy.may_upload_material(actor, park.province, park.id):
        raise Forbidden(None, _l("You may not upload materials."))
    kind = meta["kind"]
    limit = int(current_app.config.get("MATERIAL_MAX_BYTES", DEFAULT_MAX_BYTES))
    if not data:
        raise _reject("empty_file", _l("The file is empty."))
    if len(data) > limit:
        raise _reject("file_too_large", _l("The file is too large (limit {limit} KB).").format(limit=limit // 1024))
    name = sanitize_filename(filename)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    sniffed = sniff(data, extension)
    allowed = accepted_types(kind)
    readable = ", ".join(sorted(allowed))
    if sniffed is None or extension not in TYPES[sniffed][1]:
        raise _reject("unsupported_file_type", _l(
            "The content does not match the extension or the type is not supported; accepted: "
            "{readable}.").format(
            readable=readable))
    if sniffed not in allowed:
        raise _reject("type_not_accepted", _l(
            "This kind of material does not accept {sniffed} files; accepted: {readable}.").format(
            sniffed=sniffed, readable=readable))
    errors: dict[str, list[Msg]] = {}
    if kind == "compliance_commitment" and not (meta.get("covers_from") and meta.get("covers_to")):
        errors["covers_from"] = [_l("A compliance commitment states the period it covers (Art. 9: 3 years).")]
    if kind == "annual_report" and not meta.get("year"):
        errors["year"] = [_l("An annual report states its year.")]
    if errors:
        raise InvalidInput(None, _l("The input is invalid; see the errors per field."),
                           errors)
    storage_key = f"{uuid.uuid4().hex}.{extension}"
    _write(storage_key, data)
    material = Material(
        park_id=park.id, kind=kind, title=(meta.get("title") or "").strip() or name, filename=name,
        storage_key=storage_key, content_type=TYPES[sniffed][0], size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), year=meta.get("year"), covers_from=meta.get("covers_from"),
        covers_to=meta.get("covers_to"), uploaded_by=actor.user_id, uploaded_by_label=actor.label,
        uploaded_at=now)
    db.session.add(material)
    db.session.flush()
    record(actor, "park.material_upload", "park", park.id, {
        "material_id": material.id, "kind": kind, "filename": name, "size": material.size_bytes,
        "sha256": material.sha256, "content_type": material.content_type}, now=now)
    return material


def list_materials(actor: Actor, park_id: int, kind: str | None = None, page: int = 1, page_size: int = 20
                   ) -> tuple[list[Material], int]:
    """One page of the park's materials, newest first, with the total."""
    park = get_park(actor, park_id)
    query = select(Material).where(Material.park_id == park.id)
    if kind:
        query = query.where(Material.kind == kind)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(query.order_by(Material.uploaded_at.desc(), Material.id.desc())
                               .offset((page - 1) * page_size).limit(page_size))
    return list(items), total


def get_material(actor: Actor, park_id: int, material_id: int) -> Material:
    park = get_park(actor, park_id)
    material = db.session.get(Material, material_id)
    if material is None or material.park_id != park.id:
        raise not_found(_l("Material"), material_id)
    return material


def material_path(material: Material) -> Path:
    path = _path(material.storage_key)
    if not path.is_file():
        raise not_found(_l("Material file"), material.id)
    return path


def covers(material: Material, start: date, end: date) -> bool:
    return bool(material.covers_from and material.covers_to and material.covers_from <= start
                and material.covers_to >= end)
