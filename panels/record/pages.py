"""``/credit-proposals``: the Office decides the credit's proposals in the browser (accept or reject, with the
reason), with the API's schema (``CreditDecisionSchema``) and service (``decide_proposal``); a refusal re-opens
the page with the errors beside the proposal's fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import ValidationError
from sqlalchemy import select

from expert_pool.models import Expert
from ground import clock
from ground.errors import DomainError, Forbidden
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import Msg, _l
from ground.refusals import refusals_on_record
from panels.record.credit import decide_proposal, list_proposals, present_proposal, refresh_credit
from panels.record.ratings import is_convener, rate_member, ratings_view
from panels.record.schemas import CreditDecisionSchema, RatingWriteSchema
from panels.services import get_panel

bp = Blueprint("record_pages", __name__, root_path=str(Path(__file__).resolve().parent),
               template_folder="templates")
RECENT = 20
FIELD_ERROR = _l("Check this field.")


def _render(errors: dict[int, dict[str, list[Any]]] | None = None, values: dict[int, dict[str, str]] | None = None,
            message: dict[int, Any] | None = None, status: int = 200):
    actor = current_actor()
    if not actor.is_office:
        raise Forbidden(None, _l("Only the Office decides credit proposals."))
    open_ones = [present_proposal(p) for p in list_proposals("open")]
    decided = [present_proposal(p) for p in list_proposals("all") if p.status != "open"][-RECENT:][::-1]
    ids = {p["expert_id"] for p in open_ones + decided}
    names = dict(db.session.execute(select(Expert.id, Expert.name).where(Expert.id.in_(ids))).all()) if ids else {}
    shown = {p["id"] for p in open_ones}
    banner = [m for pid, m in (message or {}).items() if pid not in shown]  # e.g. decided meanwhile
    return render_template("record/proposals.html", open_ones=open_ones, decided=decided, names=names,
                           errors=errors or {}, values=values or {}, message=message or {}, banner=banner,
                           done=request.args.get("decided", type=int)), status


@bp.route("/credit-proposals")
def proposals():
    return _render()


@bp.route("/credit-proposals/<int:credit_proposal_id>/decision", methods=["POST"])
def decide(credit_proposal_id: int):
    actor = current_actor()
    values = {k: request.form.get(k, "") for k in ("decision", "reason")}
    body = {k: v for k, v in values.items() if v}
    try:
        data = CreditDecisionSchema().load(body)
        decide_proposal(actor, credit_proposal_id, data, clock.now())
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        errors = {k: [FIELD_ERROR if not isinstance(m, str) else _field_message(k) for m in v]
                  for k, v in exc.messages.items()}
        return _render(errors={credit_proposal_id: errors}, values={credit_proposal_id: values}, status=422)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        db.session.rollback()
        return _render(message={credit_proposal_id: exc.message}, values={credit_proposal_id: values},
                       status=exc.status)
    return redirect(url_for("record_pages.proposals", decided=credit_proposal_id))


def _field_message(field: str) -> Msg:
    if field == "decision":
        return _l("Choose accept or reject.")
    if field == "reason":
        return _l("Give the reason (1-1000 characters).")
    return FIELD_ERROR


# --- the convener rates the members who attended (linked from the meeting's page) --------------------------------

PARTS = ("competence", "discipline", "integrity")


def _show_ratings(panel_id: int, errors: dict[str, list[Any]] | None = None, values: dict[str, str] | None = None,
                  message: Any = None, status: int = 200):
    actor, now = current_actor(), clock.now()
    panel = get_panel(actor, panel_id, purpose="ratings")
    view = ratings_view(panel, now)
    return render_template("record/ratings.html", panel=panel, view=view, may_rate=is_convener(actor, panel),
                           errors=errors or {}, values=values or {}, message=message,
                           rated=request.args.get("rated", type=int)), status


@bp.route("/panels/<int:panel_id>/ratings")
def ratings(panel_id: int):
    return _show_ratings(panel_id)


@bp.route("/panels/<int:panel_id>/ratings", methods=["POST"])
def rate(panel_id: int):
    actor, now = current_actor(), clock.now()
    panel = get_panel(actor, panel_id, purpose="rate")
    values = {k: request.form.get(k, "") for k in ("expert_id", *PARTS, "comment")}
    body: dict[str, Any] = {k: v for k, v in values.items() if v.strip()}
    for key in ("expert_id", *PARTS):  # numbers from the form's text, as the API takes them
        if key in body and body[key].strip().lstrip("-").isdigit():
            body[key] = int(body[key])
    try:
        data = RatingWriteSchema().load(body)
        with refusals_on_record(actor):
            rating = rate_member(actor, panel, dict(data), now)
            refresh_credit(rating.expert_id, now)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        errors = {k: [_l("Give a whole number from 0 to the maximum.")
                      if k in PARTS else FIELD_ERROR] for k in exc.messages}
        return _show_ratings(panel_id, errors=errors, values=values, status=422)
    except DomainError as exc:
        if exc.status in (401, 404):
            raise
        db.session.rollback()
        errors = {k: list(v) for k, v in (exc.errors or {}).items()}
        return _show_ratings(panel_id, errors=errors, values=values, message=exc.message, status=exc.status)
    return redirect(url_for("record_pages.ratings", panel_id=panel_id, rated=data["expert_id"]))
