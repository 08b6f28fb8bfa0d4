"""Account and token operations. They flush; the caller commits."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from ecopanel.audit import record
from ecopanel.auth.actor import Actor
from ecopanel.auth.models import ROLES, ApiToken, User
from ecopanel.errors import Conflict, InvalidInput
from ecopanel.extensions import db
from ecopanel.i18n import Msg
from ecopanel.timeutil import as_utc, utcnow

_hasher = PasswordHasher()
TOKEN_PREFIX = "ecp_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(user: User, password: str) -> bool:
    if not user.password_hash:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def create_user(actor: Actor, email: str, role: str, *, password: str | None = None,
                province: str | None = None, park_id: int | None = None, expert_id: int | None = None,
                is_admin: bool = False) -> User:
    """Add an account; its scope must match its role (a province user needs a province, ...)."""
    email = email.strip().lower()
    errors: dict[str, list[Msg]] = {}
    if role not in ROLES:
        errors["role"] = [Msg(f"角色必须是 {', '.join(ROLES)} 之一。", f"Role must be one of {', '.join(ROLES)}.")]
    if role == "province" and not province:
        errors["province"] = [Msg("省级用户必须指定省份代码。", "A province user needs a province code.")]
    if role == "park" and not park_id:
        errors["park"] = [Msg("园区用户必须指定园区。", "A park user needs a park id.")]
    if role == "expert" and not expert_id:
        errors["expert"] = [Msg("专家用户必须关联专家记录。", "An expert user needs an expert id.")]
    if password is not None and len(password) < 10:
        errors["password"] = [Msg("密码至少 10 个字符。", "The password needs at least 10 characters.")]
    if errors:
        raise InvalidInput("invalid_user", Msg("账户信息有误。", "The account data is invalid."), errors)
    if db.session.scalar(select(User.id).where(User.email == email)):
        raise Conflict("user_exists", Msg(f"账户 {email} 已存在。", f"The account {email} already exists."))
    user = User(
        email=email, role=role, province=province if role == "province" else None,
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
    now = now or utcnow()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=_token_hash(token), name=name,
                   expires_at=now + timedelta(days=days) if days else None, created_at=now)
    db.session.add(row)
    db.session.flush()
    record(actor, "token.issue", "user", user.id, {"token_id": row.id, "name": name})
    return token


def resolve_token(token: str, now: datetime | None = None) -> User | None:
    """The active user behind a bearer token, or None if it is unknown, expired or revoked."""
    now = now or utcnow()
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if row is None or row.revoked_at is not None:
        return None
    expires = as_utc(row.expires_at)
    if expires is not None and expires <= now:
        return None
    if not row.user.active:
        return None
    return row.user


def authenticate(email: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        # Spend the same time as a real check so response time does not reveal which accounts exist.
        _hasher.hash(password or "x")
        return None
    if not user.active or not verify_password(user, password):
        return None
    return user
