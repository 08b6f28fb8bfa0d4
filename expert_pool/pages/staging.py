"""An uploaded spreadsheet kept between its dry run and the Office's (or province's) confirmation.

The confirmation imports exactly the file that was checked, without a second upload: the bytes stay in the
instance folder (0700; each file 0600) under a random token, bound to the user who uploaded them and to their
SHA-256. It is bounded: one file per user (a new upload replaces the last), gone after
``STAGED_MAX_AGE``, removed as soon as it is confirmed, and no larger than an upload may be.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

from flask import current_app

from ground.clock import wall_now

STAGED_MAX_AGE = timedelta(hours=1)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def _folder() -> Path:
    folder = Path(current_app.instance_path) / "import-staging"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _remove(token: str) -> None:
    for suffix in (".json", ".bin"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep(user_id: int | None) -> None:
    """Drop expired files, and the user's own earlier one."""
    now = wall_now().timestamp()
    for meta_path in _folder().glob("*.json"):
        token = meta_path.stem
        try:
            meta = json.loads(meta_path.read_text())
        except (OSError, ValueError):
            _remove(token)
            continue
        if meta.get("user_id") == user_id or now - meta.get("at", 0) > STAGED_MAX_AGE.total_seconds():
            _remove(token)


def stage(user_id: int | None, data: bytes, filename: str) -> str:
    """Keep ``data`` for ``user_id``'s confirmation; returns the token the confirm form carries."""
    _sweep(user_id)
    token = secrets.token_urlsafe(24)
    folder = _folder()
    _write(folder / f"{token}.bin", data)
    _write(folder / f"{token}.json", json.dumps({
        "user_id": user_id, "filename": filename[:200], "sha256": hashlib.sha256(data).hexdigest(),
        "at": wall_now().timestamp()}).encode())
    return token


def take(user_id: int | None, token: str) -> tuple[bytes, str] | None:
    """The staged file and its name, removed as it is taken; None if it is not this user's, expired or gone
    (a second click on "import" finds nothing: the file is imported once)."""
    if not _TOKEN.match(token or ""):
        return None
    folder = _folder()
    try:
        meta = json.loads((folder / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    if meta.get("user_id") != user_id:
        return None  # someone else's: left alone
    taking = folder / f"{token}.taking"
    try:
        os.replace(folder / f"{token}.bin", taking)  # atomic: of two confirmations only one gets the file
    except FileNotFoundError:
        return None
    try:
        data = taking.read_bytes()
    finally:
        taking.unlink(missing_ok=True)
        _remove(token)
    fresh = wall_now().timestamp() - meta.get("at", 0) <= STAGED_MAX_AGE.total_seconds()
    if not fresh or hashlib.sha256(data).hexdigest() != meta.get("sha256"):
        return None
    return data, meta.get("filename", "")
