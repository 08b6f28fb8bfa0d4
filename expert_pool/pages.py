"""The expert pool's web page for staff: the pool as a table (the page fetches ``/api/v1/experts``).

The roof (``ecopanel``) keeps the base layout, the navigation and sign-in; this blueprint only renders the
pool's own page, from ``templates/expert_pool/`` and ``static/`` of this package.
"""

from __future__ import annotations

from flask import Blueprint, render_template

from expert_pool.rules.normalize import STATUSES, TITLE_RANKS
from expert_pool.rules.regions import PROVINCES
from expert_pool.services import list_specialties
from ground.api import request_language
from ground.guard import current_actor

bp = Blueprint("expert_pool", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/expert_pool")


@bp.route("/experts")
def experts():
    """The pool, for staff; the page fetches the API with the session and renders a table."""
    actor = current_actor()
    specialties = list_specialties()
    i = 0 if request_language() == "zh" else 1
    labels = {
        "specialties": {s.code: (s.name_zh, s.name_en)[i] for s in specialties},
        "titles": {code: names[i] for code, names in TITLE_RANKS.items()},
        "statuses": {code: names[i] for code, names in STATUSES.items()},
        "provinces": {code: names[i] for code, names in PROVINCES.items()},
    }
    return render_template("expert_pool/experts.html", actor=actor, specialties=specialties, labels=labels,
                           statuses=labels["statuses"])
