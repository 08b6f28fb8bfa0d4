"""Confidentiality at rest and at the sign-in page (red-team finding 7).

* The embedded SQLite database, its WAL and shared-memory files and the instance folder are private (0600 /
  0700), whatever the umask.
* TOTP seeds are stored encrypted (Fernet); a seed stored in clear is refused, except by the migration that
  encrypts the rows written before.
* A locked account answers exactly like an unknown address or a wrong password, and every path costs one
  argon2 verification, so neither the answer nor its time tells which addresses hold accounts.
"""

from __future__ import annotations

import os
import re
import stat
import time
from datetime import UTC, datetime

import pyotp
import pytest
from sqlalchemy import select, text

from ground.accounts import User
from tests.ecopanel.test_auth_hardening import Clock, _dispose, login

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def clock(app, monkeypatch):
    c = Clock(T0)
    monkeypatch.setitem(app.config, "CLOCK", c)
    return c


@pytest.fixture
def real_password_hashes(app, monkeypatch):
    """The library's argon2 parameters, as in production (the suite lowers them, tests/conftest.py): these
    tests are about what a verification costs."""
    monkeypatch.setitem(app.config, "PASSWORD_HASH_PARAMETERS", None)


@pytest.fixture
def world_readable_umask():
    previous = os.umask(0o022)  # the usual default: files 0644, folders 0755
    yield
    os.umask(previous)


# --- the embedded database on disk -----------------------------------------------------------------------------

def test_the_embedded_database_and_its_folder_are_private(monkeypatch, tmp_path, world_readable_umask):
    from ecopanel.app import create_app
    from ecopanel.commands import upgrade_database
    from ground.actor import SYSTEM
    from ground.audit import record
    from ground.extensions import db

    instance = tmp_path / "instance"
    monkeypatch.setenv("ECOPANEL_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"ENVIRONMENT": "test"})
    try:
        with app.app_context():
            upgrade_database()
            record(SYSTEM, "test.write", "thing", 1)  # a write, so the WAL and shared-memory files exist
            db.session.commit()
            database = instance / "ecopanel.db"
            assert _mode(instance) == 0o700
            assert _mode(database) == 0o600
            assert _mode(instance / "secrets.json") == 0o600
            for suffix in ("-wal", "-shm"):
                assert _mode(f"{database}{suffix}") == 0o600, suffix
    finally:
        _dispose(app)


def test_an_existing_world_readable_database_is_made_private(monkeypatch, tmp_path, world_readable_umask):
    import sqlite3

    from ecopanel.app import create_app
    from ground.extensions import db

    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    database = instance / "ecopanel.db"
    with sqlite3.connect(database) as conn:  # as an older version left it: 0644, with a WAL
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.execute("INSERT INTO t VALUES (1)")
        held = sqlite3.connect(database)  # keeps the WAL file in place
        held.execute("SELECT * FROM t").fetchall()
    os.chmod(database, 0o644)
    for suffix in ("-wal", "-shm"):
        if os.path.exists(f"{database}{suffix}"):
            os.chmod(f"{database}{suffix}", 0o644)
    monkeypatch.setenv("ECOPANEL_INSTANCE_PATH", str(instance))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"ENVIRONMENT": "test"})
    try:
        with app.app_context(), db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        assert _mode(instance) == 0o700 and _mode(database) == 0o600
        assert os.path.exists(f"{database}-wal")
        for suffix in ("-wal", "-shm"):
            if os.path.exists(f"{database}{suffix}"):
                assert _mode(f"{database}{suffix}") == 0o600, suffix
    finally:
        held.close()
        _dispose(app)


def test_an_instance_older_than_the_totp_key_gets_one_and_keeps_the_others(tmp_path):
    import json

    from ecopanel.config import load_secrets

    path = tmp_path / "secrets.json"
    path.write_text(json.dumps({"SECRET_KEY": "s", "AUDIT_HMAC_KEY": "a"}))
    values = load_secrets(tmp_path)
    assert values["SECRET_KEY"] == "s" and values["AUDIT_HMAC_KEY"] == "a" and len(values["TOTP_ENCRYPTION_KEY"]) == 64
    assert json.loads(path.read_text()) == values and _mode(path) == 0o600
    assert load_secrets(tmp_path) == values


# --- TOTP seeds encrypted at rest -----------------------------------------------------------------------------

def _stored(db, user_id: int) -> str | None:
    return db.session.execute(text("SELECT totp_secret FROM users WHERE id = :id"), {"id": user_id}).scalar()


def test_totp_secrets_are_stored_encrypted(app, db, make_user):
    from cryptography.fernet import Fernet

    from ecopanel.auth import totp
    from ground.encryption import fernet_for

    user, _ = make_user("office")
    secret = totp.pending_secret(user)
    db.session.commit()
    stored = _stored(db, user.id)
    assert stored != secret and secret not in stored and stored.startswith("gAAAAA")  # a Fernet token
    assert fernet_for(app.config["TOTP_ENCRYPTION_KEY"]).decrypt(stored.encode()).decode() == secret
    with pytest.raises(Exception):  # noqa: B017 - any other key fails
        Fernet(Fernet.generate_key()).decrypt(stored.encode())
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret  # the application reads it in clear


def test_a_key_from_the_environment_is_used_and_can_be_rotated(app, db, make_user, monkeypatch):
    from ecopanel.auth import totp

    user, _ = make_user("office")
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEY", "old-key-0123456789abcdef0123456789")
    secret = totp.pending_secret(user)
    db.session.commit()
    monkeypatch.setitem(app.config, "TOTP_ENCRYPTION_KEY",
                        "new-key-0123456789abcdef0123456789,old-key-0123456789abcdef0123456789")
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == secret


def test_a_secret_stored_in_clear_is_refused(app, db, make_user):
    from ground.encryption import UndecryptableSecret

    user, _ = make_user("office")
    db.session.execute(text("UPDATE users SET totp_secret = :s WHERE id = :id"),
                       {"s": pyotp.random_base32(), "id": user.id})
    db.session.commit()
    db.session.expire_all()
    with pytest.raises(UndecryptableSecret):
        db.session.scalar(select(User).where(User.id == user.id))
    db.session.rollback()


def test_the_migration_encrypts_the_seeds_written_before(backend, tmp_path, tmp_path_factory):
    """Upgrade a database holding a clear seed (written by revision 0005): it is encrypted, the application
    reads it; the downgrade gives it back in clear."""
    from flask_migrate import downgrade, upgrade

    from ground.extensions import db
    from tests.conftest import _drop_postgres, _prepare_postgres, make_app

    name = f"ecopanel_migration_{os.getpid()}"
    url = _prepare_postgres(name) if backend == "postgresql" else f"sqlite:///{tmp_path / 'old.db'}"
    if url is None:
        pytest.skip("PostgreSQL not reachable")
    app = make_app(url, tmp_path_factory)
    secret = pyotp.random_base32()
    try:
        with app.app_context():
            directory = app.extensions["migrate"].directory
            upgrade(directory=directory, revision="3f9a1c7d2b60")
            with db.engine.begin() as conn:
                conn.execute(text(
                    "INSERT INTO users (email, role, is_admin, active, language, created_at, failed_logins, "
                    "session_version, totp_secret) VALUES ('old@example.com', 'office', false, true, 'zh', "
                    ":at, 0, 0, :secret)"), {"at": T0, "secret": secret})
            upgrade(directory=directory)
            stored = db.session.execute(text("SELECT totp_secret FROM users")).scalar()
            assert stored != secret and stored.startswith("gAAAAA")
            assert db.session.scalar(select(User)).totp_secret == secret
            db.session.remove()
            downgrade(directory=directory, revision="3f9a1c7d2b60")
            assert db.session.execute(text("SELECT totp_secret FROM users")).scalar() == secret
            db.session.remove()
    finally:
        _dispose(app)
        if backend == "postgresql":
            _drop_postgres(name)


# --- the sign-in page tells nothing about which addresses hold accounts --------------------------------------

def _answer(response) -> tuple[int, str | None, str]:
    """What a caller learns: the status, a Retry-After, and the page's error text."""
    error = re.search(r'class="error"[^>]*>(.*?)<', response.text, re.S)
    return response.status_code, response.headers.get("Retry-After"), error.group(1).strip() if error else ""


def test_a_locked_account_answers_like_an_unknown_one(app, client, db, make_user, clock):
    from notifications.models import OutboxMessage

    user, _ = make_user("office", email="staff@example.com")
    unknown = _answer(login(client, "nobody@example.com", "wrong-password", headers={"Accept-Language": "en"}))
    assert unknown == (401, None, "Wrong email or password.")
    for _ in range(5):
        assert _answer(login(client, "staff@example.com", "wrong-password",
                             headers={"Accept-Language": "en"})) == unknown
    # locked now: a wrong password, and even the right one, answer the same
    assert _answer(login(client, "staff@example.com", "wrong-password", headers={"Accept-Language": "en"})) == unknown
    assert _answer(login(client, "staff@example.com", headers={"Accept-Language": "en"})) == unknown
    assert db.session.get(User, user.id).locked_until is not None
    # the owner is told, by mail, once
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "account_locked")).all()
    assert mail.recipients == ["staff@example.com"] and "15" not in mail.subject
    assert "staff@example.com" in mail.body_text
    clock.advance(minutes=15)
    assert login(client, "staff@example.com").status_code == 302


def test_every_sign_in_path_costs_one_password_verification(app, client, db, real_password_hashes, make_user, clock,
                                                            monkeypatch):
    """Unknown address, wrong password, locked, inactive and password-less accounts: each one argon2 verify
    with the same parameters, so the time taken tells nothing either."""
    from argon2 import PasswordHasher

    from ground.extensions import db as _db

    calls: list[str] = []
    real = PasswordHasher.verify

    def counting(self, hash, password):
        calls.append(hash.split("$")[3])  # the parameters (m, t, p)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counting)
    make_user("office", email="locked@example.com")
    inactive, _ = make_user("office", email="inactive@example.com")
    inactive.active = False
    make_user("office", email="nopassword@example.com", password=None)
    _db.session.commit()
    for _ in range(5):
        login(client, "locked@example.com", "wrong-password")
    cases = {"unknown": ("nobody@example.com", "wrong-password"), "wrong": ("inactive@example.com", "nope-nope-1"),
             "locked": ("locked@example.com", "correct-horse-battery"),
             "inactive": ("inactive@example.com", "correct-horse-battery"),
             "no password": ("nopassword@example.com", "correct-horse-battery")}
    for case, (email, password) in cases.items():
        calls.clear()
        assert login(client, email, password).status_code == 401, case
        assert len(calls) == 1, case
        assert calls[0] == PasswordHasher().hash("x").split("$")[3], case


def test_an_unknown_address_takes_as_long_as_a_known_or_locked_one(app, client, db, real_password_hashes, make_user,
                                                                   clock):
    """Measured, interleaved, the fastest of several tries each (robust to a busy machine)."""
    make_user("office", email="known@example.com")
    make_user("office", email="locked@example.com")
    for _ in range(5):
        login(client, "locked@example.com", "wrong-password")
    timings: dict[str, list[float]] = {"unknown": [], "known": [], "locked": []}
    emails = {"unknown": "nobody@example.com", "known": "known@example.com", "locked": "locked@example.com"}
    for _ in range(5):
        for case, email in emails.items():
            start = time.perf_counter()
            assert login(client, email, "wrong-password").status_code == 401
            timings[case].append(time.perf_counter() - start)
            if case == "known":
                db.session.execute(text("UPDATE users SET failed_logins = 0 WHERE email = 'known@example.com'"))
                db.session.commit()
    fastest = {case: min(values) for case, values in timings.items()}
    for case in ("known", "locked"):
        assert 0.5 < fastest[case] / fastest["unknown"] < 2.0, fastest
