"""Configuration: defaults, then the environment, then test overrides.

Secrets come only from the environment or from ``instance/secrets.json``, generated on first start so
that the embedded mode needs no set-up and restarts keep sessions, tokens and the audit chain valid.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import stat
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

DEFAULTS: dict[str, Any] = {
    # development | production | test; production hides the OpenAPI document
    "ENVIRONMENT": "development",
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    # imports of 20,000-row spreadsheets fit comfortably; a 10 MB body is refused with 413
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "IMPORT_MAX_ROWS": 20_000,
    # Strict-Transport-Security on requests that arrived over TLS (behind a proxy: ProxyFix); 0 turns it off
    "HSTS_SECONDS": 365 * 24 * 3600,
    "API_TITLE": "ecopanel",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/",
    "OPENAPI_JSON_PATH": "openapi.json",
    "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
    "MAIL_SERVER": "localhost",
    "MAIL_PORT": 25,
    "MAIL_DEFAULT_SENDER": "ecopanel@localhost",
    # Socket timeout of each SMTP operation, in seconds (Flask-Mail itself sets none)
    "MAIL_TIMEOUT": 30,
    # Name sent in EHLO; None: the host's FQDN (smtplib's default)
    "MAIL_LOCAL_HOSTNAME": None,
    # Right-hand side of the Message-IDs; None: the domain of MAIL_DEFAULT_SENDER
    "MAIL_MESSAGE_ID_DOMAIN": None,
    # The outbox: rows claimed per batch, the claim's lease, attempts and exponential backoff (seconds)
    "OUTBOX_BATCH_SIZE": 50,
    "OUTBOX_LEASE_SECONDS": 600,
    "OUTBOX_MAX_ATTEMPTS": 17,
    "OUTBOX_BACKOFF_BASE_SECONDS": 60,
    "OUTBOX_BACKOFF_MAX_SECONDS": 6 * 3600,
    # (With these values an unreachable SMTP server is retried for at least 25 h before a mail goes dead: a
    # mail server down overnight or for a working day loses no invitation, whose silence would count as a
    # decline; tests/faults/test_smtp_outage.py holds the lower bound above 24 h.)
    # Invitations: default days to answer, reminder before the deadline, reminder before the meeting,
    # the meeting's hours in the calendar entry (Asia/Shanghai), and whom an expert should call
    # ({"office" or a province code: {"name_zh", "name_en", "phone", "email"}})
    "INVITATION_RESPONSE_DAYS": 7,
    "INVITATION_REMINDER_HOURS": 48,
    "MEETING_REMINDER_DAYS": 3,
    "MEETING_START": "09:00",
    "MEETING_END": "17:00",
    "INVITATION_CONTACTS": {},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    # Dynamic management of the pool (Art. 37): who the Office should look at
    "REVIEW_UNCONFIRMED_MONTHS": 12,
    "REVIEW_TERM_ENDING_DAYS": 60,
    "TOKEN_DEFAULT_DAYS": 365,
    # argon2id parameters (time_cost, memory_cost, parallelism) replacing the library's; read only when
    # ENVIRONMENT is "test", so no deployment can weaken its password hashes by configuration
    "PASSWORD_HASH_PARAMETERS": None,
    # Signed checkpoints of the audit chain's head, mailed to these addresses (people who keep them away from
    # the database) every this many hours by the worker; none without addresses (SECURITY.md)
    "AUDIT_CHECKPOINT_RECIPIENTS": [],
    "AUDIT_CHECKPOINT_HOURS": 24,
    # Page sessions (ASVS 3.3): signed out after this long without a request, and this long after sign-in
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_ABSOLUTE_HOURS": 12,
    # Sign-in lockout, counted in the database: this many failures lock the account for this long
    "LOGIN_MAX_FAILURES": 5,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # Between the password and the second factor (TOTP code or enrolment), at most this long
    "MFA_PENDING_MINUTES": 5,
    "TOTP_ISSUER": "ecopanel",
    # Flask-Limiter: per-IP limits on sign-in and the experts' invitation links, per user on new tokens.
    # Storage "memory://" suits one process (the embedded mode); several processes need e.g. redis://...
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_KEY_PREFIX": "ecopanel",
    "RATELIMIT_HEADERS_ENABLED": True,
    "LOGIN_RATE_LIMIT": "20 per minute;200 per hour",
    "INVITATION_RATE_LIMIT": "30 per minute",
    "TOKEN_ISSUE_RATE_LIMIT": "20 per hour",
    # Expert imports (dry runs too) per user: each is a whole file of comparisons against the pool
    "IMPORT_RATE_LIMIT": "5 per minute;60 per hour",
}

# Generated into instance/secrets.json when not configured; TOTP_ENCRYPTION_KEY encrypts the TOTP seeds at rest
# (ground.encryption). In production all three come from the environment (a secret store), not that file.
SECRET_KEYS = ("SECRET_KEY", "AUDIT_HMAC_KEY", "TOTP_ENCRYPTION_KEY")


def private_directory(path: Path) -> None:
    """Create ``path`` readable by its owner only (0700), or tighten it: it holds personal data and secrets."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        try:
            path.chmod(0o700)
        except PermissionError:
            log.warning("cannot make %s private (mode 0700): it is not ours", path)


def private_sqlite_file(url: str) -> None:
    """Create the SQLite database file 0600 before SQLite does (it would follow the umask, typically 0644),
    or tighten an existing one. SQLite gives the WAL and shared-memory files the database file's mode;
    ``ground.extensions`` also tightens them on every connection."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    path = Path(database)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))  # an empty file is an empty database
    elif stat.S_IMODE(path.stat().st_mode) & 0o077:
        try:
            path.chmod(0o600)
        except PermissionError:
            log.warning("cannot make %s private (mode 0600): it is not ours", path)


def normalize_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever spelling the operator gave."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_secrets(instance_path: Path) -> dict[str, str]:
    """Read the instance's generated secrets, creating (mode 0600) the file or the keys it lacks."""
    path = instance_path / "secrets.json"
    values = json.loads(path.read_text()) if path.exists() else {}
    missing = [key for key in SECRET_KEYS if not values.get(key)]
    if not missing:
        return values
    private_directory(instance_path)
    values.update({key: secrets.token_hex(32) for key in missing})
    staged = path.with_name(f".secrets.{os.getpid()}.json")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(values, fh)
    if path.exists() or missing != list(SECRET_KEYS):
        os.replace(staged, path)  # a key added to an existing file (an instance older than the key)
    else:
        with contextlib.suppress(FileExistsError):
            os.link(staged, path)  # a new file: the first of two processes starting at once wins ...
        os.unlink(staged)
    return json.loads(path.read_text())  # ... and both use what it wrote


def configure(app, test_config: dict[str, Any] | None) -> None:
    """Fill ``app.config`` in the documented order."""
    app.config.update(DEFAULTS)
    app.config.from_prefixed_env("ECOPANEL")
    if os.environ.get("DATABASE_URL"):
        app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    if test_config:
        app.config.update(test_config)
    # Engine options given in the environment or a test config add to pre-ping instead of dropping it: a
    # pooled connection that died while idle (database restart, failover) is then replaced before use
    # instead of failing a request. An explicit ``"pool_pre_ping": false`` still wins. (A copy, too, so no
    # app shares the defaults' dict.)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True,
                                               **(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})}

    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        private_directory(instance)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'ecopanel.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        private_sqlite_file(app.config["SQLALCHEMY_DATABASE_URI"])

    missing = [key for key in SECRET_KEYS if not app.config.get(key)]
    if missing:
        generated = load_secrets(instance)
        for key in missing:
            app.config[key] = generated[key]

    if app.config["ENVIRONMENT"] == "production":
        app.config["OPENAPI_URL_PREFIX"] = None
        app.config.setdefault("SESSION_COOKIE_SECURE", True)


def is_sqlite(app) -> bool:
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
