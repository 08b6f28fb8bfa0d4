"""Step 2, ``/parks/<id>/convene/rules``: the rule set the draw will use, in words; the Office may choose
another set for the kind; the eligibility funnel of the request on the chosen day, as the viewer may see it."""

from __future__ import annotations

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for

from expert_pool.services import list_specialties
from ground import clock
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l
from panels.pages.blueprint import bp
from panels.pages.request import read_request
from panels.pages.wording import funnel_rows, kind_name, rules_in_words
from panels.rules.rulesets import ADJUSTABLE, effective_rules
from panels.services import list_rule_sets, rule_set_for
from panels.services.convening import adjust_rule_set, request_funnel
from scheduling.pages.common import Failure, failure_from, lang, say
from scheduling.services import get_park

INVALID_NUMBER = _l("Enter whole numbers only.")
ADJUSTED = _l("Adjusted: the request now draws under {name} v{version}.")


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
    req, problems = read_request(request.args)
    return _rules_page(park_id, req, problems)


def _rules_page(park_id: int, req, problems, failure: Failure | None = None, status: int = 200):
    actor = current_actor()
    park = get_park(actor, park_id)
    if not req.kind or not req.meeting_date:
        return redirect(url_for("panel_pages.convene", park_id=park.id, **req.query()), 303)
    error, funnel, words, rule_set, names = None, [], [], None, specialty_names()
    try:
        rule_set = rule_set_for(actor, req.rule_set, req.kind)
        words = rules_in_words(rule_set.rules, names)
        funnel = funnel_rows(request_funnel(actor, park.id, req.kind, req.meeting_date, req.rule_set))
    except DomainError as exc:
        db.session.rollback()
        error = say(exc.message)
    return render_template(
        "panels/convene_rules.html", park=park, req=req, problems=problems, error=error, rule_set=rule_set,
        rule_words=words, funnel=funnel, kind=kind_name(req.kind), today=clock.today(),
        choices=rule_set_choices(actor, req.kind) if actor.is_office else [], failure=failure,
        adjustable=_adjustable(rule_set, names) if actor.is_office and rule_set is not None else None), status


def _adjustable(rule_set, names: dict[str, str]) -> dict:
    """The rule set's values the Office may adjust, as the form shows them (``names``: the specialties')."""
    r = effective_rules(rule_set.rules)
    return {"values": {k: r[k] for k in ADJUSTABLE},
            "specialties": [(q["specialty"], names.get(q["specialty"], q["specialty"]), q.get("min", 0))
                            for q in r["specialty_quotas"]]}


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise ValueError(value)
    return int(value)


@bp.route("/parks/<int:park_id>/convene/rules/adjust", methods=["POST"])
def convene_adjust(park_id: int):
    """The Office adjusts the request's rules within what the set allows (a new ``<set>.adjusted`` version)."""
    actor = current_actor()
    park = get_park(actor, park_id)
    req, problems = read_request(request.form)
    try:
        changes = {k: _number(request.form.get(k)) for k in ADJUSTABLE}
        mins = {key.removeprefix("spec_min_"): _number(v) for key, v in request.form.items()
                if key.startswith("spec_min_")}
        adjusted = adjust_rule_set(actor, park.id, req.kind or "", req.rule_set, req.size, changes,
                                   {k: v for k, v in mins.items() if v is not None})
        db.session.commit()
    except (DomainError, ValueError) as exc:
        db.session.rollback()
        error = exc if isinstance(exc, DomainError) else ma.ValidationError(
            {"_form": [say(INVALID_NUMBER)]})
        return _rules_page(park.id, req, problems, failure_from("adjust", error, dict(request.form)),
                           getattr(exc, "status", 422))
    flash(say(ADJUSTED).format(name=adjusted.name, version=adjusted.version), "done")
    return redirect(url_for("panel_pages.convene_rules", park_id=park.id, **req.query(rule_set=adjusted.name)), 303)
