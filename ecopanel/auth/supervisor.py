"""A draw's supervisor (监督): a second staff account of the caller's own authority confirms, on the caller's
screen, with their password, or their TOTP code when they have one enrolled.

The convening pages (``panels.pages``) may not import the roof; the app registers :func:`confirm_supervisor`
with them. A wrong password or code counts against the supervisor's account exactly as a failed sign-in does
(the same lockout), and every refusal says the same words, so the form tells nobody which accounts exist.
The page commits a refusal's count and audit entry before it answers (nothing else is done by then).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from ecopanel.auth.services import find_user, locked_until, register_failed_login, verify_password
from ecopanel.auth.totp import Check, check_code
from ground.accounts import User
from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import InvalidInput
from ground.i18n import _l

NOT_CONFIRMED = _l(
    "The supervisor was not confirmed: another staff member of your authority, with their password (or their "
    "verification code if they use two-step verification).")


def _same_authority(actor: Actor, user: User) -> bool:
    if actor.role == Role.OFFICE:
        return user.role == "office"
    return actor.role == Role.PROVINCE and user.role == "province" and user.province == actor.province


def confirm_supervisor(actor: Actor, email: str, secret: str, now: datetime) -> str:
    """The supervisor as the draw records them ("name <address>", or the address of an unnamed account) once
    confirmed; else ``InvalidInput`` (422)."""
    user = find_user(email or "")
    refused = InvalidInput("supervisor_not_confirmed", NOT_CONFIRMED, {"supervisor_secret": [NOT_CONFIRMED]})
    if user is None or not user.active or user.id == actor.user_id or not _same_authority(actor, user):
        verify_password(User(password_hash=None), secret or "")  # the same work for every refusal
        raise refused
    if locked_until(user, now) is not None:
        raise refused
    ok = (check_code(user, secret or "", now) == Check.OK) if user.totp_enabled else verify_password(user,
                                                                                                   secret or "")
    if not ok:
        config = current_app.config
        register_failed_login(user, now, max_failures=config["LOGIN_MAX_FAILURES"],
                              lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]))
        record(actor, "panel.supervisor_refused", "user", user.id, {"email": user.email})
        raise refused
    record(actor, "panel.supervisor_confirmed", "user", user.id, {"email": user.email})
    return f"{user.name} <{user.email}>" if user.name else user.email
