"""Page sessions: a fresh session at sign-in, idle and absolute time-outs, and the half-signed-in state.

Flask keeps the session in a signed cookie. What this module adds to it:

* ``auth_at`` / ``seen_at`` (Unix seconds): sign-in time and last request. A session idle for
  ``SESSION_IDLE_MINUTES`` or older than ``SESSION_ABSOLUTE_HOURS`` is ended (ASVS 3.3.1-3.3.2). A signed-in
  session without them (issued before this code) counts as expired.
* ``auth_v``: the user's ``session_version`` at sign-in. Sign-out bumps the version, so a copy of the cookie
  kept from before (the cookie itself cannot be recalled) no longer signs anyone in.
* ``mfa``: between a correct password and the second factor, who passed the password, when, and where to
  go afterwards. Nobody is signed in during that step; it lasts ``MFA_PENDING_MINUTES``.

Time comes from :func:`ground.clock.now` so tests move it instead of sleeping.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, session
from flask_login import login_user, logout_user

from ground.accounts import User
from ground.extensions import db

AUTH_AT, SEEN_AT, VERSION, PENDING, NOTICE = "auth_at", "seen_at", "auth_v", "mfa", "auth_notice"


def _ts(now: datetime) -> int:
    return int(now.timestamp())


def renew() -> None:
    """Throw away everything in the session (a new session: no fixation), keeping only the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def start(user: User, now: datetime) -> None:
    """Sign ``user`` in with a brand-new session."""
    renew()
    login_user(user)
    session[AUTH_AT] = session[SEEN_AT] = _ts(now)
    session[VERSION] = user.session_version


def end(notice: str | None = None) -> None:
    logout_user()
    renew()
    if notice:
        session[NOTICE] = notice


def expiry_reason(user: User, now: datetime) -> str | None:
    """Why the signed-in session of ``user`` may no longer be used, or None (and the idle clock restarts)."""
    config = current_app.config
    auth_at, seen_at = session.get(AUTH_AT), session.get(SEEN_AT)
    if not isinstance(auth_at, int) or not isinstance(seen_at, int):
        return "expired"
    if session.get(VERSION) != user.session_version:
        return "signed_out"
    t = _ts(now)
    if t - auth_at >= config["SESSION_ABSOLUTE_HOURS"] * 3600:
        return "expired"
    if t - seen_at >= config["SESSION_IDLE_MINUTES"] * 60:
        return "expired"
    if user.is_admin and not user.totp_enabled:
        # Made an administrator while signed in: the next sign-in enrols the second factor.
        return "mfa_required"
    session[SEEN_AT] = t
    return None


def begin_pending(user: User, now: datetime, next_url: str) -> None:
    """The password was right; remember that (only) until the second factor is done."""
    renew()
    session[PENDING] = {"uid": user.id, "at": _ts(now), "next": next_url, "v": user.session_version}


def pending_user(now: datetime) -> User | None:
    """Who passed the password step, if that was recently enough and the account is still usable."""
    data = session.get(PENDING)
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int):
        return None
    max_age = timedelta(minutes=current_app.config["MFA_PENDING_MINUTES"]).total_seconds()
    if _ts(now) - int(data.get("at", 0)) > max_age:
        session.pop(PENDING, None)
        return None
    user = db.session.get(User, data["uid"])
    if user is None or not user.active or data.get("v") != user.session_version:
        return None
    return user


def pending_next() -> str | None:
    data = session.get(PENDING)
    return data.get("next") if isinstance(data, dict) else None
