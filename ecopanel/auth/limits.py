"""Rate limits (Flask-Limiter) on what anyone can reach without an account, and on minting tokens.

* sign-in (password and code steps, POST only): ``LOGIN_RATE_LIMIT`` per client address, one budget for
  both steps. The per-account lockout is separate and lives in the database (:mod:`ecopanel.pages`).
* the experts' invitation links (``/invitations/...``) and calendar feeds (``/calendar-feeds/...``):
  ``INVITATION_RATE_LIMIT`` per client address, each its own budget.
* ``POST /api/v1/tokens``: ``TOKEN_ISSUE_RATE_LIMIT`` per user.
* ``POST /api/v1/experts/import`` (dry runs too) and the import pages' two steps (``/experts/import``, its
  confirmation): ``IMPORT_RATE_LIMIT`` per user, one budget for all three (a dry run is a dry run, whichever
  door it comes through).

Counters live in ``RATELIMIT_STORAGE_URI``: ``memory://`` (one process, the embedded mode) or a shared
store such as ``redis://127.0.0.1:6379`` when several processes serve. ``RATELIMIT_ENABLED=false`` turns
everything off (the test configuration does, except in the tests of the limits themselves).

Each app gets a Limiter of its own: Flask-Limiter keeps its storage and on/off state on the extension
object, so one object shared by two apps (tests build several) would let one app's settings leak into the
other's. A 429 is rendered by the app's HTTP error handler: the bilingual JSON error under ``/api``, the
error page elsewhere, with ``Retry-After``.

The client address is ``request.remote_addr``; behind a reverse proxy, the deployment must apply
``werkzeug.middleware.proxy_fix.ProxyFix`` so that it is the real client's.
"""

from __future__ import annotations

from flask import Flask, current_app, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LOGIN_ENDPOINTS = ("pages.login", "pages.login_totp")
TOKEN_ENDPOINT = "tokens.Tokens"
IMPORT_ENDPOINTS = ("experts.import_experts", "expert_pool.import_upload", "expert_pool.import_confirm")


def _user_key() -> str:
    actor = g.get("actor")
    return f"user:{actor.user_id}" if actor is not None else f"ip:{get_remote_address()}"


def _config(key: str):
    return lambda: current_app.config[key]


def init_rate_limits(app: Flask) -> Limiter | None:
    """Create this app's Limiter and attach the limits to their views (after the blueprints are registered)."""
    limiter = Limiter(key_func=get_remote_address)
    limiter.init_app(app)
    app.extensions["ecopanel_limiter"] = limiter
    if not limiter.enabled:
        return limiter
    # The views are wrapped in this app's routing table only, so the module-level view functions stay clean.
    login = limiter.shared_limit(_config("LOGIN_RATE_LIMIT"), scope="login", methods=["POST"])
    for endpoint in LOGIN_ENDPOINTS:
        app.view_functions[endpoint] = login(app.view_functions[endpoint])
    if TOKEN_ENDPOINT in app.view_functions:
        issue = limiter.limit(_config("TOKEN_ISSUE_RATE_LIMIT"), key_func=_user_key, methods=["POST"])
        app.view_functions[TOKEN_ENDPOINT] = issue(app.view_functions[TOKEN_ENDPOINT])
    imports = limiter.shared_limit(_config("IMPORT_RATE_LIMIT"), scope="import", key_func=_user_key,
                                   methods=["POST"])
    for endpoint in IMPORT_ENDPOINTS:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = imports(app.view_functions[endpoint])
    if "invitations" in app.blueprints:
        # Shared: one budget per address for every invitation page and action, not one per endpoint.
        limiter.shared_limit(_config("INVITATION_RATE_LIMIT"), scope="invitations")(app.blueprints["invitations"])
    if "calendar_feeds" in app.blueprints:
        limiter.shared_limit(_config("INVITATION_RATE_LIMIT"), scope="calendar_feeds")(
            app.blueprints["calendar_feeds"])
    return limiter
