"""Data stored encrypted at rest: Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``.

TOTP seeds (:class:`EncryptedString`) and the rows of an import held for the Office (:class:`EncryptedJSON`,
personal identifiers in clear). The key is ``TOTP_ENCRYPTION_KEY`` (environment
``ECOPANEL_TOTP_ENCRYPTION_KEY``; in the embedded mode a dedicated secret generated into
``instance/secrets.json``). It may be a Fernet key or any long random string (then a Fernet key is derived
from it with HKDF-SHA256), and may list several keys separated by commas: the first encrypts, all decrypt, so
a key can be rotated (``MultiFernet``). Each purpose other than the TOTP seeds gets a key of its own, derived
with HKDF from each configured key, so one ciphertext is never readable as another.

A column of these types holds only ciphertext: a value that does not decrypt (a seed written before
encryption, or another key) raises :class:`UndecryptableSecret` instead of being used. Only the migration that
encrypted the existing seeds reads them in clear (``migrations/versions/0006_*``).
"""

from __future__ import annotations

import base64
import binascii
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import String, Text
from sqlalchemy.types import TypeDecorator

KEY_SETTING = "TOTP_ENCRYPTION_KEY"
_INFO = b"ecopanel totp secrets v1"


class UndecryptableSecret(RuntimeError):
    """A stored secret that the configured key cannot decrypt."""


def _fernet_key(material: str, info: bytes) -> bytes:
    material = material.strip()
    if info == _INFO:  # the TOTP seeds' key is the configured one itself when it is a Fernet key
        try:
            if len(base64.urlsafe_b64decode(material.encode())) == 32:
                return material.encode()
        except (binascii.Error, ValueError):
            pass
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material.encode())
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=8)
def fernet_for(setting: str, info: bytes = _INFO) -> MultiFernet:
    setting = str(setting)  # a key given in the environment may have been parsed as JSON (a number)
    keys = [part for part in setting.split(",") if part.strip()]
    if not keys:
        raise RuntimeError(f"{KEY_SETTING} is empty")
    return MultiFernet([Fernet(_fernet_key(key, info)) for key in keys])


def _fernet(info: bytes = _INFO) -> MultiFernet:
    return fernet_for(current_app.config[KEY_SETTING], info)


def encrypt(value: str, info: bytes = _INFO) -> str:
    return _fernet(info).encrypt(value.encode()).decode("ascii")


def decrypt(token: str, info: bytes = _INFO) -> str:
    try:
        return _fernet(info).decrypt(token.encode()).decode()
    except InvalidToken:
        raise UndecryptableSecret(
            "a stored secret does not decrypt with TOTP_ENCRYPTION_KEY: written before encryption (run "
            "`ecopanel db upgrade`) or under another key") from None


class EncryptedString(TypeDecorator):
    """A string column that stores only Fernet ciphertext (about 100 + 4/3 x the clear length characters)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A JSON document stored as Fernet ciphertext under a key of its own purpose (``info``), e.g. a held import
    row with the identifiers it carries. Assign a new value to change it (in-place changes are not tracked)."""

    impl = Text
    cache_ok = True

    def __init__(self, purpose: str, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.purpose = purpose
        self._info = f"ecopanel {purpose} v1".encode()

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(json.dumps(value, ensure_ascii=False, sort_keys=True), self._info)

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(decrypt(value, self._info))
