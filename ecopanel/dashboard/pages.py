"""``/dashboard``: the Office's and the provinces' start page."""

from __future__ import annotations

from flask import Blueprint, render_template

from ecopanel.dashboard.programme import programme_charts
from ecopanel.dashboard.work import DAYS_AHEAD, work_sections
from ground import clock
from ground.api import request_language
from ground.guard import current_actor

bp = Blueprint("dashboard", __name__, template_folder="templates")


@bp.route("/dashboard")
def index():
    actor = current_actor()
    today = clock.today()
    return render_template("dashboard/index.html", today=today, sections=work_sections(actor, today),
                           charts=programme_charts(actor, today, request_language()), days_ahead=DAYS_AHEAD,
                           is_province=actor.role == "province")
