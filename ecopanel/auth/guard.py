"""Authentication for every request: nothing is reachable without it unless marked :func:`public`.

API calls authenticate with ``Authorization: Bearer <token>``; pages (and the pages' own API calls)
with the Flask-Login session, in which case state-changing API calls also need the CSRF token.
"""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_login import current_user

from ground.extensions import csrf, db, login_manager
from ground.guard import Unauthenticated, is_public_endpoint
from ground.i18n import _l

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@login_manager.user_loader
def _load_user(user_id: str):
    from ground.accounts import User

    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def authenticate_request():
    """``before_request``: set ``g.actor`` or refuse the request."""
    from ecopanel.auth import sessions
    from ecopanel.auth.services import resolve_token_row
    from ground.clock import now

    g.actor = None
    g.auth_via = None
    g.token_id = None
    expired = None
    # ``g`` outlives a request when an app context was already pushed (tests, CLI-driven requests);
    # a CSRF token cached there would not be stored in this request's session, and the user Flask-Login
    # cached there would be the previous request's (a page would be served as someone else).
    g.pop("csrf_token", None)
    g.pop("_login_user", None)
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("invalid_authorization",
                                  _l("The Authorization header must be 'Bearer <token>'."))
        # Tokens live on the real clock (issued and checked with it), not on the movable app clock.
        row = resolve_token_row(token.strip())
        if row is None:
            raise Unauthenticated("invalid_token", _l("The bearer token is invalid, expired or revoked."))
        g.actor, g.auth_via, g.token_id = row.user.actor(), "token", row.id
    elif current_user.is_authenticated:
        expired = sessions.expiry_reason(current_user, now())
        if expired is None:
            g.actor, g.auth_via = current_user.actor(), "session"
        else:
            sessions.end(notice=expired)

    if is_public_endpoint(request.endpoint):
        return None
    if g.actor is None:
        if request.path.startswith("/api/"):
            if expired is not None:
                raise Unauthenticated("session_expired", _l("The session expired; sign in again."))
            raise Unauthenticated(None, _l("Authentication required: sign in or send a valid bearer token."))
        return redirect(url_for("pages.login", next=request.full_path))
    if g.auth_via == "session" and request.path.startswith("/api/") and request.method not in SAFE_METHODS:
        csrf.protect()
    return None
