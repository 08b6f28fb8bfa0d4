"""The roof's pages: sign-in, the second factor, the account's TOTP settings, sign-out, and the start page.

Each domain package renders its own pages (``expert_pool.pages`` ...) in the base layout kept here
(``templates/base.html``).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ecopanel.auth import sessions, totp
from ground import clock
from ground.accounts import User
from ground.api import request_language
from ground.audit import record
from ground.clock import SHANGHAI
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor, public
from ground.i18n import LANGUAGES, Msg, _l, _ln, _lp
from notifications.outbox import queue_mail

bp = Blueprint("pages", __name__, template_folder="templates")


class LoginForm(FlaskForm):
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


class CodeForm(FlaskForm):
    code = StringField(validators=[DataRequired(), Length(max=10)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(validators=[DataRequired(), Length(max=200)])


WRONG_PASSWORD = _l("Wrong email or password.")
WRONG_CODE = _l("Wrong code.")
REPLAYED_CODE = _l("This code was already used; wait for the next one in your authenticator.")
NOTICES = {
    "expired": _l("Your session expired; sign in again."),
    "signed_out": _l("This session was ended; sign in again."),
    "mfa_required": _l("Administrators need two-step verification; sign in again to set it up."),
    "mfa_timeout": _l("The sign-in took too long; start again."),
    "password_lockout": _l("The current password was wrong too often: the account is locked and signed out."),
}
REQUIRED = _lp("panels.services.rule_sets", "Required.")
TOO_LONG = _l("At most 200 characters.")
MISMATCH = _l("The two new passwords differ.")



@bp.before_app_request
def _remember_language():
    if not request.path.startswith("/api/") and request.args.get("lang") in LANGUAGES:
        session["lang"] = request.args["lang"]


@bp.app_context_processor
def _inject():
    lang = request_language()

    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    return {"t": t, "lang": lang}


def _safe_next(target: str | None) -> str:
    # Only same-site relative paths: never redirect a signed-in user to another host.
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("pages.index")


def _ip() -> str | None:
    return request.remote_addr


def _text(message: Msg) -> str:
    return message.get(request_language())


def _locked(template: str, until: datetime, now: datetime, **context):
    """429 with a readable page: the account is locked (the failures are already committed)."""
    seconds = max(1, math.ceil((until - now).total_seconds()))
    minutes = math.ceil(seconds / 60)
    error = _ln(
        "Too many failed attempts: the account is locked; try again in {minutes} minute.",
        "Too many failed attempts: the account is locked; try again in {minutes} minutes.",
        minutes, minutes=minutes)
    return render_template(template, error=_text(error), **context), 429, {"Retry-After": str(seconds)}


def _lockout(user: User, now: datetime) -> datetime | None:
    """Count a failed password or code; the failure that locks the account is audited and mailed to its owner,
    the only one told of the lock (the sign-in page answers as for a wrong password)."""
    from ecopanel.auth.services import register_failed_login

    config = current_app.config
    until = register_failed_login(user, now, max_failures=config["LOGIN_MAX_FAILURES"],
                                  lockout=timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"]))
    if until is not None:
        from ecopanel.auth.services import anonymous

        record(anonymous(_ip()), "auth.lockout", "user", user.id, {"email": user.email, "until": until})
        queue_mail([user.email], "account_locked", {
            "email": user.email, "failures": config["LOGIN_MAX_FAILURES"],
            "until": until.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")},
            language=user.language or "zh", dedupe_key=f"account-locked:{user.id}:{until.isoformat()}",
            related=("user", str(user.id)))
    return until


def _finish(user: User, now: datetime, next_url: str | None, *, mfa: bool):
    """Every factor passed: a new session, the failure count cleared, the sign-in recorded."""
    from ecopanel.auth.services import clear_failed_logins

    sessions.start(user, now)
    clear_failed_logins(user)
    record(user.actor(), "auth.login", "user", user.id, {"mfa": mfa, "ip": _ip()})
    db.session.commit()
    return redirect(_safe_next(next_url))


def _restart(notice: str):
    sessions.renew()
    session[sessions.NOTICE] = notice
    return redirect(url_for("pages.login"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    from ecopanel.auth.services import anonymous, authenticate, find_user, locked_until

    form = LoginForm()
    notice = NOTICES.get(session.pop(sessions.NOTICE, None) or "")
    if form.validate_on_submit():
        now = clock.now()
        user = find_user(form.email.data)
        locked = user is not None and locked_until(user, now) is not None
        # Always one password check (a dummy one for an unknown address), locked or not: the time taken tells
        # nothing about which addresses hold accounts.
        authed = authenticate(form.email.data, form.password.data)
        if locked or authed is None:
            # A locked account answers exactly like an unknown address or a wrong password (same status, code,
            # text): the lock would otherwise tell which addresses hold accounts. Even the right password is
            # refused while it lasts; its owner hears of it by mail (see _lockout). The typed text of an unknown
            # account is not recorded: it may be a password typed in the wrong box.
            reason = "locked" if locked else "password"
            record(anonymous(_ip()), "auth.login_failed", "user", user.id if user else None,
                   {"email": user.email, "reason": reason} if user else {"reason": "unknown_account"})
            if user is not None and not locked:
                _lockout(user, now)
            db.session.commit()
            return render_template("login.html", form=form, error=_text(WRONG_PASSWORD)), 401
        next_url = request.args.get("next")
        if authed.totp_enabled or authed.is_admin:
            # Not signed in yet: the second factor (or, for an administrator without one, its enrolment) first.
            sessions.begin_pending(authed, now, next_url)
            db.session.commit()
            return redirect(url_for("pages.login_totp" if authed.totp_enabled else "pages.enrol_totp"))
        return _finish(authed, now, next_url, mfa=False)
    return render_template("login.html", form=form, error=None, notice=notice and _text(notice))


@bp.route("/login/totp", methods=["GET", "POST"])
@public
def login_totp():
    """The second step for an account with TOTP: a 6-digit code, usable once, failures count to the lockout."""
    from ecopanel.auth.services import anonymous, locked_until

    now = clock.now()
    user = sessions.pending_user(now)
    if user is None or not user.totp_enabled:
        return _restart("mfa_timeout")
    form = CodeForm()
    until = locked_until(user, now)
    if until is not None:
        sessions.renew()
        return _locked("login_totp.html", until, now, form=form)
    if form.validate_on_submit():
        result = totp.check_code(user, form.code.data, now)
        if result is totp.Check.OK:
            return _finish(user, now, sessions.pending_next(), mfa=True)
        record(anonymous(_ip()), "auth.login_failed", "user", user.id,
               {"email": user.email, "reason": "totp_replayed" if result is totp.Check.REPLAYED else "totp"})
        until = _lockout(user, now)
        db.session.commit()
        if until is not None:
            sessions.renew()
            return _locked("login_totp.html", until, now, form=form)
        error = REPLAYED_CODE if result is totp.Check.REPLAYED else WRONG_CODE
        return render_template("login_totp.html", form=form, error=_text(error)), 401
    return render_template("login_totp.html", form=form, error=None)


@bp.route("/login/totp/enrol", methods=["GET", "POST"])
@public
def enrol_totp():
    """An Office administrator's first sign-in: set up the authenticator before anything else."""
    now = clock.now()
    user = sessions.pending_user(now)
    if user is None or user.totp_enabled:
        return _restart("mfa_timeout")
    form = CodeForm()
    secret = totp.pending_secret(user)
    error, status = None, 200
    if form.validate_on_submit():
        try:
            totp.confirm_enrolment(user.actor(), user, form.code.data, now)
        except DomainError as exc:
            error, status = _text(exc.message), 422
        else:
            return _finish(user, now, sessions.pending_next(), mfa=True)
    db.session.commit()  # the secret shown must be the one kept, whatever the status
    return _enrol_page(form, error, user, secret, url_for("pages.enrol_totp"), required=True), status


def _enrol_page(form: CodeForm, error: str | None, user: User, secret: str, action: str, *, required: bool) -> str:
    uri = totp.provisioning_uri(user, secret, current_app.config["TOTP_ISSUER"])
    qr = Markup(totp.qr_svg(uri, _text(_l("Authenticator QR code"))))  # segno escapes the text
    return render_template("totp_enrol.html", form=form, error=error, secret=secret, uri=uri, qr=qr, action=action,
                           required=required)


@bp.route("/account/totp", methods=["GET", "POST"])
def account_totp():
    """Two-step verification for the signed-in user: optional, except for Office administrators."""
    user = db.session.get(User, current_user.id)
    form = CodeForm()
    error, status, now = None, 200, clock.now()
    if user.totp_enabled:
        return render_template("account_totp.html", form=form, error=None, user=user)
    secret = totp.pending_secret(user)
    if form.validate_on_submit():
        try:
            totp.confirm_enrolment(current_actor(), user, form.code.data, now)
        except DomainError as exc:
            error, status = _text(exc.message), 422
        else:
            db.session.commit()
            return redirect(url_for("pages.account_totp"))
    db.session.commit()
    return _enrol_page(form, error, user, secret, url_for("pages.account_totp"), required=False), status


@bp.route("/account/totp/disable", methods=["POST"])
def disable_totp():
    user = db.session.get(User, current_user.id)
    form = CodeForm()
    if form.validate_on_submit():
        try:
            totp.disable(current_actor(), user, form.code.data, clock.now())
        except DomainError as exc:
            db.session.rollback()
            return render_template("account_totp.html", form=form, error=_text(exc.message), user=user), exc.status
        db.session.commit()
    return redirect(url_for("pages.account_totp"))


@bp.route("/account/password", methods=["GET", "POST"])
def password():
    """The signed-in user changes their password; every other session of theirs ends."""
    from ecopanel.auth.services import change_password

    user = db.session.get(User, current_user.id)
    form = PasswordForm()
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if not form.validate():
            # The CSRF token was checked before the view (CSRFProtect): what is left is an empty field.
            errors = {field.name: [_text(REQUIRED if not field.data else TOO_LONG)] for field in form if field.errors}
        elif form.new_password.data != form.confirm.data:
            errors = {"confirm": [_text(MISMATCH)]}
        else:
            now = clock.now()
            try:
                change_password(current_actor(), user, form.current_password.data, form.new_password.data, now)
            except DomainError as exc:
                db.session.rollback()
                errors = {k: [_text(m) for m in v] for k, v in exc.errors.items()}
                if "current_password" in errors:
                    record(current_actor(), "auth.password_change_failed", "user", user.id, {"ip": _ip()})
                if "current_password" in errors and _lockout(user, now) is not None:
                    sessions.end(notice="password_lockout")
                    db.session.commit()
                    return redirect(url_for("pages.login"))
                db.session.commit()  # the failure counts towards the lockout
            else:
                sessions.start(user, now)  # this browser stays signed in, under the new session version
                db.session.commit()
                return render_template("password.html", form=PasswordForm(formdata=None), errors={}, done=True)
        return render_template("password.html", form=form, errors=errors, done=False), 422
    return render_template("password.html", form=form, errors={}, done=False)


@bp.route("/logout", methods=["POST"])
def logout():
    from ecopanel.auth.services import end_all_sessions

    user = db.session.get(User, current_user.id)
    record(current_actor(), "auth.logout", "user", user.id, {"ip": _ip()})
    # The cookie cannot be recalled from the browser (or from whoever copied it): bumping the version
    # voids it, and with it the user's other page sessions.
    end_all_sessions(user)
    sessions.end()
    db.session.commit()
    return redirect(url_for("pages.login"))


@bp.route("/")
def index():
    """Each role lands on the page made for it (never on an error)."""
    from ecopanel.frame import url_or

    user = current_user
    if user.role == "park" and user.park_id is not None:
        return redirect(f"/parks/{user.park_id}")  # the park pages are scheduling's (scheduling.pages)
    if user.role == "expert":
        return redirect(url_or("me.index", "/me"))
    return redirect(url_or("dashboard.index", "/dashboard"))


@bp.route("/health")
@public
def health():
    return {"status": "ok"}
