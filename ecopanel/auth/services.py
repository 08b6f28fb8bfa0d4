"""Account and token operations. They flush; the caller commits."""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ground.accounts import ROLES, ApiToken, User
from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import as_utc, wall_now
from ground.errors import Conflict, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import Msg, _l

TOKEN_PREFIX = "ecp_"


def _hasher() -> PasswordHasher:
    """argon2id with the library's parameters (RFC 9106, low memory). Only a test app may lower them
    (``PASSWORD_HASH_PARAMETERS``, ignored in every other environment): hundreds of accounts per test run
    at a tenth of a second each would dominate the suite."""
    parameters = current_app.config.get("PASSWORD_HASH_PARAMETERS") \
        if current_app.config.get("ENVIRONMENT") == "test" else None
    return _hasher_with(tuple(sorted((parameters or {}).items())))


@cache
def _hasher_with(parameters: tuple[tuple[str, int], ...]) -> PasswordHasher:
    return PasswordHasher(**dict(parameters))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash of a random password with the current parameters: what an unknown address is checked against."""
    return hasher.hash(secrets.token_urlsafe(24))


def _spend_a_verification(password: str) -> None:
    """One argon2 verification that cannot succeed, so that an unknown address, an account without a password,
    a locked or an inactive one costs the same time as a real check (no oracle of which accounts exist)."""
    hasher = _hasher()
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher.verify(_dummy_hash(hasher), password or "")


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        _spend_a_verification(password)
        return False
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def create_user(actor: Actor, email: str, role: str, *, password: str | None = None,
                province: str | None = None, park_id: int | None = None, expert_id: int | None = None,
                is_admin: bool = False, name: str = "") -> User:
    """Add an account; its scope must match its role (a province user needs a province, ...)."""
    email = email.strip().lower()
    errors: dict[str, list[Msg]] = {}
    if role not in ROLES:
        errors["role"] = [_l("Role must be one of {roles}.").format(roles=', '.join(ROLES))]
    if role == "province" and not province:
        errors["province"] = [_l("A province user needs a province code.")]
    if role == "park" and not park_id:
        errors["park"] = [_l("A park user needs a park id.")]
    if role == "expert" and not expert_id:
        errors["expert"] = [_l("An expert user needs an expert id.")]
    name = " ".join(name.split())
    if len(name) > 100:
        errors["name"] = [_l("The name may have at most 100 characters.")]
    if password is not None and len(password) < 10:
        errors["password"] = [_l("The password needs at least 10 characters.")]
    if errors:
        raise InvalidInput("invalid_user", _l("The account data is invalid."), errors)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("user_exists", _l("The account {email} already exists.").format(email=email))
    user = User(
        email=email, name=name, role=role, province=province if role == "province" else None,
        park_id=park_id if role == "park" else None, expert_id=expert_id if role == "expert" else None,
        password_hash=hash_password(password) if password else None, is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, {"email": email, "role": role, "province": province,
                                                   "park_id": park_id, "expert_id": expert_id})
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(actor: Actor, user: User, *, name: str = "", days: int | None = 365,
                now: datetime | None = None) -> str:
    """Create a bearer token for ``user`` and return it; it is shown once and stored only hashed."""
    return issue_token_row(actor, user, name=name, days=days, now=now)[0]


def issue_token_row(actor: Actor, user: User, *, name: str = "", days: int | None = 365,
                    now: datetime | None = None, not_after: datetime | None = None) -> tuple[str, ApiToken]:
    """:func:`issue_token`, also returning the stored row; ``not_after`` caps the expiry."""
    now = now or wall_now()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + timedelta(days=days) if days else None
    if not_after is not None and (expires_at is None or expires_at > not_after):
        expires_at = not_after
    row = ApiToken(user_id=user.id, token_hash=_token_hash(token), name=name, expires_at=expires_at,
                   created_at=now)
    db.session.add(row)
    db.session.flush()
    record(actor, "token.issue", "user", user.id, {"token_id": row.id, "name": name, "expires_at": expires_at})
    return token, row


def is_office_admin(actor: Actor) -> bool:
    return actor.role == Role.SYSTEM or (actor.role == Role.OFFICE and actor.is_admin)


def list_tokens(actor: Actor, user_id: int | None, page: int, page_size: int) -> tuple[list[ApiToken], int]:
    """The caller's own tokens; an Office administrator may name any user. Newest first."""
    if user_id is None or user_id == actor.user_id:
        user_id = actor.user_id
    elif not is_office_admin(actor):
        raise Forbidden("forbidden", _l("Only Office administrators may list other users' tokens."))
    query = select(ApiToken).where(ApiToken.user_id == user_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(ApiToken.id.desc()).offset((page - 1) * page_size)
                              .limit(page_size)).all()
    return list(rows), total


def revoke_token(actor: Actor, token_id: int, now: datetime) -> ApiToken:
    """Revoke one token: one's own, or anyone's for an Office administrator. Revoking twice is a no-op."""
    row = db.session.get(ApiToken, token_id)
    # Someone else's token is "not found" to a non-administrator: its existence is none of their business.
    if row is None or (row.user_id != actor.user_id and not is_office_admin(actor)):
        raise not_found(_l("Token"), token_id)
    if row.revoked_at is None:
        row.revoked_at = now
        db.session.flush()
        record(actor, "token.revoke", "user", row.user_id, {"token_id": row.id, "name": row.name})
    return row



def resolve_token(token: str, now: datetime | None = None) -> User | None:
    """The active user behind a bearer token, or None if it is unknown, expired or revoked."""
    row = resolve_token_row(token, now)
    return row.user if row is not None else None


def resolve_token_row(token: str, now: datetime | None = None) -> ApiToken | None:
    """The usable token row (unexpired, unrevoked, of an active user) for a bearer token, or None."""
    now = now or wall_now()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    expires = as_utc(row.expires_at)
    if expires is not None and expires <= now:
        return None
    if not row.user.active:
        return None
    _note_use(row, now)
    return row


#: ``last_used_at`` is kept to this resolution, so a busy token costs one write per window, not per request.
LAST_USED_RESOLUTION = timedelta(minutes=10)


def _note_use(row: ApiToken, now: datetime) -> None:
    """Record when the token was last used (shown in the token list, to spot forgotten or stolen ones)."""
    last = as_utc(row.last_used_at)
    if last is not None and now - last < LAST_USED_RESOLUTION:
        return
    # A guarded UPDATE rather than an ORM change, so concurrent requests with one token write it once.
    db.session.execute(update(ApiToken).where(ApiToken.id == row.id, or_(
        ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_RESOLUTION)).values(
        last_used_at=now), execution_options={"synchronize_session": False})
    set_committed_value(row, "last_used_at", now)


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str) -> User | None:
    """The active account whose password this is, or None; exactly one argon2 verification either way."""
    user = find_user(email)
    if user is None:
        _spend_a_verification(password)
        return None
    if not verify_password(user, password) or not user.active:  # the password first: same time if inactive
        return None
    return user


# --- sign-in lockout --------------------------------------------------------------------------------------

def anonymous(ip: str | None) -> Actor:
    """The audit log's actor for someone not (yet) signed in. Only ever recorded, never authorised."""
    return Actor(user_id=None, label=f"anonymous ({ip or 'unknown address'})", role=Role.SYSTEM)


def locked_until(user: User, now: datetime) -> datetime | None:
    until = as_utc(user.locked_until)
    return until if until is not None and until > now else None


def register_failed_login(user: User, now: datetime, *, max_failures: int, lockout: timedelta) -> datetime | None:
    """Count one failed password or code; the failure that reaches ``max_failures`` locks the account.

    The increment is a single UPDATE so that failures from several processes at once are all counted.
    Returns the end of the lock if this failure set one.
    """
    count = db.session.execute(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
        .returning(User.failed_logins), execution_options={"synchronize_session": False}).scalar_one()
    until = None
    if count >= max_failures:
        until = now + lockout
        db.session.execute(update(User).where(User.id == user.id).values(failed_logins=0, locked_until=until),
                           execution_options={"synchronize_session": False})
    db.session.expire(user, ["failed_logins", "locked_until"])
    return until


def clear_failed_logins(user: User) -> None:
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def end_all_sessions(user: User) -> None:
    """Invalidate every page session of ``user`` (each cookie carries the version it was issued under)."""
    db.session.execute(update(User).where(User.id == user.id).values(session_version=User.session_version + 1),
                       execution_options={"synchronize_session": False})
    db.session.expire(user, ["session_version"])


# --- the user's own password --------------------------------------------------------------------------------

MIN_PASSWORD_LENGTH = 10


def change_password(actor: Actor, user: User, current: str, new: str, now: datetime) -> None:
    """Set a new password for the signed-in ``user`` after checking the current one; ends every other session.

    The caller counts a wrong current password to the lockout and starts a new session for this browser."""
    errors: dict[str, list[Msg]] = {}
    if not verify_password(user, current or ""):
        errors["current_password"] = [_l("The current password is wrong.")]
    elif len(new) < MIN_PASSWORD_LENGTH:
        errors["new_password"] = [_l("The new password needs at least 10 characters.")]
    elif new == current:
        errors["new_password"] = [_l("The new password must differ from the current one.")]
    if errors:
        raise InvalidInput("invalid_password", _l("The password was not changed; see the errors below."), errors)
    user.password_hash = hash_password(new)
    db.session.flush()
    end_all_sessions(user)
    record(actor, "auth.password_change", "user", user.id, {}, now=now)
