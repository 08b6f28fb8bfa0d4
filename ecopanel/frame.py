"""The frame every page shares: who is signed in (in words, never codes) and the navigation of their role.

The pool and park pages are other packages' (``expert_pool.pages``, ``scheduling.pages``): the navigation links
to their paths literally, so it works whether or not their blueprints are registered in this build.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import BuildError

from expert_pool.models import Expert
from expert_pool.rules.regions import PROVINCES
from ground.api import request_language
from ground.extensions import db
from ground.i18n import Msg, _l, _lp, bilingual
from scheduling.models import Park

OFFICE_NAME = _l("Ministry of Ecology and Environment (the Office)")
ROLE_NAMES = {
    "office": _l("Office staff"),
    "province": _l("Provincial department"),
    "park": _l("Park management agency"),
    "expert": _l("Expert"),
}
ADMIN_NAME = _l("Office administrator")
# The four municipalities directly under the central government have a bureau (局), the provinces and
# autonomous regions a department (厅).
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})


def department_name(code: str | None) -> Msg:
    """The provincial authority in words: 江苏省生态环境厅 / Jiangsu Department of Ecology and Environment."""
    zh, en = PROVINCES.get(code or "", (code or "", code or ""))
    if code in MUNICIPALITIES:
        return _l("{name} Municipal Bureau of Ecology and Environment").format(name=bilingual(zh, en))
    return _l("{name} Department of Ecology and Environment").format(name=bilingual(zh, en))


def province_name(code: str | None) -> Msg:
    zh, en = PROVINCES.get(code or "", (code or "", code or ""))
    return bilingual(zh, en)


@dataclass(frozen=True)
class NavItem:
    href: str
    label: Msg
    current: bool


@dataclass(frozen=True)
class Identity:
    name: str
    role: Msg
    authority: Msg | str


def url_or(endpoint: str, fallback: str, **values) -> str:
    """``url_for`` when the endpoint exists in this build, else the literal path (another team's page)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


def _safely(load):
    # The frame also draws the error pages, "database unavailable" among them: it must not fail itself.
    try:
        return load()
    except SQLAlchemyError:
        db.session.rollback()
        return None


def identity(user) -> Identity:
    """The signed-in user's name, role and authority, in words."""
    role = ADMIN_NAME if user.role == "office" and user.is_admin else ROLE_NAMES[user.role]
    # an expert's name is their record's; an account created without a name is shown by its address
    name = user.name or user.email
    authority: Msg | str = ""
    if user.role == "office":
        authority = OFFICE_NAME
    elif user.role == "province":
        authority = department_name(user.province)
    elif user.role == "park":
        park = _safely(lambda: db.session.get(Park, user.park_id))
        authority = park.name if park is not None else ""
    elif user.role == "expert":
        expert = _safely(lambda: db.session.get(Expert, user.expert_id))
        if expert is not None:
            name = expert.name
    return Identity(name=name, role=role, authority=authority)


def _item(href: str, label: Msg, *prefixes: str) -> NavItem:
    path = request.path
    current = any(path == p or path.startswith(p.rstrip("/") + "/") for p in (href, *prefixes))
    return NavItem(href, label, current)


def navigation(user) -> list[NavItem]:
    """The pages of the signed-in user's role."""
    if user.role in ("office", "province"):
        items = [
            _item(url_or("dashboard.index", "/dashboard"), _l("Dashboard")),
            _item("/experts", _l("Expert pool"), "/organizations", "/specialties"),
            _item("/parks", _l("Parks")),
            _item(url_or("panel_pages.panels", "/panels"), _l("Panels")),
            _item(url_or("agenda.calendar", "/calendar"), _lp("ecopanel.frame", "Calendar")),
        ]
        if user.role == "office":
            items.append(_item(url_or("auditlog.index", "/audit"), _l("Audit log")))
        return items
    if user.role == "park" and user.park_id is not None:
        return [_item(f"/parks/{user.park_id}", _l("My park"))]
    if user.role == "expert":
        return [_item(url_or("me.index", "/me"), _l("My page"))]
    return []


def language_url(lang: str) -> str:
    """The current page in another language (its query kept)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = [lang]
    if request.endpoint and request.method == "GET":
        try:
            return url_for(request.endpoint, **(request.view_args or {}), **args)
        except BuildError:
            pass
    return "?lang=" + lang


def init_frame(app: Flask) -> None:
    @app.context_processor
    def _frame():
        lang = request_language()
        signed_in = current_user.is_authenticated
        return {
            "frame_identity": identity(current_user) if signed_in else None,
            "frame_nav": navigation(current_user) if signed_in else [],
            "frame_other_lang": "en" if lang == "zh" else "zh",
            "language_url": language_url,
            "words": lambda msg: msg.get(lang) if isinstance(msg, Msg) else msg,
        }
