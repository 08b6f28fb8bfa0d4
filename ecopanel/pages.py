"""Server-rendered pages for staff: sign-in and browsing the pool. The API does the real work."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from ecopanel.api import request_language
from ecopanel.audit import record
from ecopanel.auth.guard import current_actor, public
from ecopanel.extensions import db
from ecopanel.i18n import LANGUAGES, Msg

bp = Blueprint("pages", __name__, template_folder="templates")


class LoginForm(FlaskForm):
    email = EmailField(validators=[DataRequired(), Length(max=254)])
    password = PasswordField(validators=[DataRequired(), Length(max=200)])


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


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    from ecopanel.auth.services import authenticate

    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a new session on login (no fixation)
            if lang:
                session["lang"] = lang
            login_user(user)
            record(user.actor(), "auth.login", "user", user.id, {})
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        error = Msg("邮箱或密码错误。", "Wrong email or password.").get(request_language())
    return render_template("login.html", form=form, error=error), 200 if error is None else 401


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    return redirect(url_for("pages.login"))


@bp.route("/")
def index():
    return redirect(url_for("pages.experts"))


@bp.route("/health")
@public
def health():
    return {"status": "ok"}


@bp.route("/experts")
def experts():
    """The pool, for staff; the page fetches the API with the session and renders a table."""
    from expert_pool.normalize import STATUSES, TITLE_RANKS
    from expert_pool.regions import PROVINCES
    from expert_pool.services import list_specialties

    actor = current_actor()
    specialties = list_specialties()
    i = 0 if request_language() == "zh" else 1
    labels = {
        "specialties": {s.code: (s.name_zh, s.name_en)[i] for s in specialties},
        "titles": {code: names[i] for code, names in TITLE_RANKS.items()},
        "statuses": {code: names[i] for code, names in STATUSES.items()},
        "provinces": {code: names[i] for code, names in PROVINCES.items()},
    }
    return render_template("experts.html", actor=actor, specialties=specialties, labels=labels,
                           statuses=labels["statuses"])
