"""The application factory."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from flask import Flask, g, has_request_context, request
from flask_babel import refresh as refresh_locale
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError

from ecopanel.commands import COMMANDS
from ecopanel.config import configure
from ground.api import EcoApi, error_response, request_language
from ground.errors import DomainError
from ground.extensions import babel, csrf, db, login_manager, mail, migrate
from ground.guard import is_static_endpoint
from ground.i18n import DOMAIN, _l, install_template_gettext, locale_of
from ground.uow import RETRYABLE_SQLSTATES

log = logging.getLogger(__name__)


def migrations_directory() -> str:
    import migrations

    return str(Path(migrations.__file__).resolve().parent)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; nothing touches the database here (``ecopanel db upgrade`` or ``demo`` migrates)."""
    instance_path = os.environ.get("ECOPANEL_INSTANCE_PATH") or os.path.abspath("instance")
    app = Flask("ecopanel", instance_path=instance_path, root_path=str(Path(__file__).parent))
    configure(app, test_config)
    app.json.ensure_ascii = False  # Chinese stays readable in responses

    db.init_app(app)
    migrate.init_app(app, db, directory=migrations_directory(), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "pages.login"
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    mail.init_app(app)
    # The locale is the language the request chose (zh -> zh_CN, en -> en); Chinese outside a request.
    babel.init_app(app, default_locale=locale_of(None), default_domain=DOMAIN,
                   locale_selector=lambda: locale_of(request_language()) if has_request_context() else None)
    install_template_gettext(app.jinja_env)
    # Flask-Babel keeps the locale on ``g``, which an app context shared by several requests outlives (a
    # test client inside ``app.app_context()``): each request chooses again.
    app.before_request(refresh_locale)

    _import_models()
    api = EcoApi(app)
    app.extensions["ecopanel_api"] = api
    _register_blueprints(app, api)
    _register_request_hooks(app)
    from ecopanel.auth.limits import init_rate_limits

    init_rate_limits(app)  # after the blueprints: it wraps some of their views
    for command in COMMANDS:  # so ``app.test_cli_runner()`` sees the commands of ``ecopanel``
        app.cli.add_command(command)
    return app


def _import_models() -> None:
    # Every model must be imported before the mappers configure (relationships name each other).
    import expert_pool.models  # noqa: F401
    import notifications.models  # noqa: F401
    import panels.models
    import panels.models.invitations
    import panels.outcomes.models
    import panels.record.models
    import panels.waves.models  # noqa: F401
    import scheduling.models  # noqa: F401


def _register_blueprints(app: Flask, api: EcoApi) -> None:
    from ecopanel import pages
    from ecopanel.auditlog import pages as audit_pages
    from ecopanel.auth.routes import blp as tokens_blp
    from ecopanel.auth.supervisor import confirm_supervisor
    from ecopanel.dashboard import pages as dashboard_pages
    from ecopanel.frame import init_frame
    from ecopanel.health import blp as health_blp
    from ecopanel.me import pages as me_pages
    from expert_pool import pages as expert_pages
    from expert_pool.held_routes import blp as held_rows_blp
    from expert_pool.routes import blp as experts_blp
    from notifications.routes import blp as notifications_blp
    from panels.agenda import feed_pages
    from panels.agenda import pages as agenda_pages
    from panels.outcomes import pages as meeting_pages
    from panels.outcomes.facts import awaiting_outcomes
    from panels.outcomes.routes import blp as outcomes_blp
    from panels.outcomes.timeline import conclusion_timeline_events
    from panels.pages import bp as convene_pages_bp
    from panels.pages import park_panels, register_supervisor_check
    from panels.record import pages as record_pages
    from panels.record.page import expert_credit_section
    from panels.record.routes import blp as record_blp
    from panels.routes import blp as panels_blp
    from panels.seats import pages as invitation_pages
    from panels.seats.routes import blp as seats_blp
    from panels.services.expert_panels import expert_panels_section
    from panels.services.timeline import panel_timeline_events
    from panels.waves import pages as wave_pages
    from panels.waves.routes import blp as waves_blp
    from scheduling import pages as park_pages
    from scheduling.facts import register_panel_outcome_source
    from scheduling.pages import register_panel_section
    from scheduling.routes import blp as parks_blp
    from scheduling.services import list_parks, register_timeline_source

    for blp in (health_blp, experts_blp, held_rows_blp, parks_blp, panels_blp, seats_blp, outcomes_blp, record_blp,
                waves_blp, notifications_blp,
                tokens_blp):
        api.register_blueprint(blp)
        csrf.exempt(blp)  # bearer-token API; session callers are checked in the auth guard instead
    app.register_blueprint(pages.bp)
    init_frame(app)
    for blueprint in (dashboard_pages.bp, audit_pages.bp, me_pages.bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(expert_pages.bp)
    app.register_blueprint(park_pages.bp)
    app.register_blueprint(meeting_pages.bp)
    app.register_blueprint(record_pages.bp)
    app.register_blueprint(wave_pages.bp)
    # The experts' invitation pages: its two POST views replace the session CSRF check with a link-bound
    # per-page token (see panels.seats.pages); the blueprint as a whole is not exempted.
    app.register_blueprint(invitation_pages.bp)
    app.register_blueprint(feed_pages.bp)  # experts' and staff's calendar feeds: the token in the URL is the key
    app.register_blueprint(agenda_pages.bp)  # the staff's calendar of meetings
    # Convening a panel in the browser: the supervisor's confirmation is the roof's (accounts, TOTP), and the
    # park's page lists its panels; neither package may import the other's side, so the roof wires them.
    app.register_blueprint(convene_pages_bp)
    register_supervisor_check(app, confirm_supervisor)
    register_panel_section(app, park_panels)
    # The park's timeline shows its panels; scheduling may not import panels, so the roof wires them in.
    register_timeline_source(app, panel_timeline_events)
    register_timeline_source(app, conclusion_timeline_events)
    # The actions a panel decides follow its conclusion: the lifecycle's facts learn of conclusions from here.
    register_panel_outcome_source(app, awaiting_outcomes)
    # An expert's page shows the panels the expert sat on, and names the parks of its conflicts: the pool may
    # import neither panels nor scheduling, so the roof wires them in (each applies its own visibility rule).
    expert_pages.register_expert_section(app, expert_panels_section)
    expert_pages.register_expert_section(app, expert_credit_section)  # the Office only
    expert_pages.register_park_directory(app, lambda actor: [
        (p.id, p.name) for p in list_parks(actor, {}, 1, 100_000)[0]])


def _register_request_hooks(app: Flask) -> None:
    from ecopanel.auth.guard import authenticate_request
    from ecopanel.auth.permissions import authorize_request

    app.before_request(authenticate_request)
    app.before_request(authorize_request)  # the permission matrix: role per endpoint, deny by default
    app.register_error_handler(DomainError, lambda e: _rollback_then(
        error_response(e.status, e.code, e.message, e.errors, e.extra)))

    @app.errorhandler(StaleDataError)
    def _stale(error):
        return _rollback_then(error_response(412, "etag_mismatch", _l(
            "The data was changed by someone else; reload and try again.")))

    @app.errorhandler(IntegrityError)
    def _integrity(error):
        log.warning("integrity error: %s", error.orig)
        return _rollback_then(error_response(409, "integrity_conflict", _l(
            "This conflicts with stored data (perhaps a simultaneous change); reload and try again.")))

    def _database_unavailable():
        return error_response(503, "database_unavailable", _l(
            "The database is temporarily unavailable; try again shortly."))

    @app.errorhandler(OperationalError)
    def _operational(error):
        log.error("database unavailable: %s", error)
        return _rollback_then(_database_unavailable())

    @app.after_request
    def _commit(response):
        # The request boundary commits once, and only for a successful request.
        if response.status_code < 400:
            try:
                db.session.commit()
            except (IntegrityError, StaleDataError, OperationalError) as exc:
                db.session.rollback()
                log.warning("commit failed: %s", exc)
                if isinstance(exc, OperationalError) and getattr(
                        exc.orig, "sqlstate", None) not in RETRYABLE_SQLSTATES:
                    # The connection died (database restarted, network): nothing was saved, and it is no
                    # conflict; a deadlock or serialization failure still is one.
                    body, status, _ = _database_unavailable()
                else:
                    body, status, _ = error_response(409, "commit_conflict", _l(
                        "Saving conflicted with another change; try again."))
                body.status_code = status
                return body
        else:
            db.session.rollback()
        return response

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
        response.headers.setdefault("Content-Language", getattr(g, "lang", None) or request_language())
        if not is_static_endpoint(request.endpoint):
            # API answers and pages carry personal data or confidential panels: no cache may keep them.
            response.headers.setdefault("Cache-Control", "no-store")
        if request.is_secure and app.config.get("HSTS_SECONDS"):
            response.headers.setdefault("Strict-Transport-Security",
                                        f"max-age={int(app.config['HSTS_SECONDS'])}; includeSubDomains")
        return response


def _rollback_then(result):
    db.session.rollback()
    return result



