"""Step 2, ``/parks/<id>/convene/rules``: the rule set the draw will use, in words; the Office may choose
another set for the kind; the eligibility funnel of the request on the chosen day, as the viewer may see it."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from expert_pool.services import list_specialties
from ground import clock
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from panels.pages.blueprint import bp
from panels.pages.request import read_request
from panels.pages.wording import funnel_rows, kind_name, rules_in_words
from panels.services import list_rule_sets, rule_set_for
from panels.services.convening import request_funnel
from scheduling.pages.common import lang, say
from scheduling.services import get_park


def specialty_names() -> dict[str, str]:
    zh = lang() == "zh"
    return {s.code: s.name_zh if zh else s.name_en for s in list_specialties()}


def rule_set_choices(actor, kind: str) -> list[tuple[str, str]]:
    """The newest version of every set made for ``kind`` (or for every kind), for the Office to choose from."""
    newest = {}
    for rs in list_rule_sets(actor):
        if rs.kind in (None, kind):
            newest[rs.name] = rs
    return [(name, f"{name} v{rs.version}" + (" ★" if rs.is_default else "")) for name, rs in sorted(newest.items())]


@bp.route("/parks/<int:park_id>/convene/rules")
def convene_rules(park_id: int):
    actor = current_actor()
    park = get_park(actor, park_id)
    req, problems = read_request(request.args)
    if not req.kind or not req.meeting_date:
        return redirect(url_for("panel_pages.convene", park_id=park.id, **req.query()), 303)
    error, funnel, words, rule_set = None, [], [], None
    try:
        rule_set = rule_set_for(actor, req.rule_set, req.kind)
        words = rules_in_words(rule_set.rules, specialty_names())
        funnel = funnel_rows(request_funnel(actor, park.id, req.kind, req.meeting_date, req.rule_set))
    except DomainError as exc:
        db.session.rollback()
        error = say(exc.message)
    return render_template(
        "panels/convene_rules.html", park=park, req=req, problems=problems, error=error, rule_set=rule_set,
        rule_words=words, funnel=funnel, kind=kind_name(req.kind), today=clock.today(),
        choices=rule_set_choices(actor, req.kind) if actor.is_office else [])
