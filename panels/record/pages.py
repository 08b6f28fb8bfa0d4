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
from ground.i18n import Msg
from panels.record.credit import decide_proposal, list_proposals, present_proposal
from panels.record.schemas import CreditDecisionSchema

bp = Blueprint("record_pages", __name__, root_path=str(Path(__file__).resolve().parent),
               template_folder="templates")
RECENT = 20
FIELD_ERROR = Msg("请检查该项。", "Check this field.")


def _render(errors: dict[int, dict[str, list[Any]]] | None = None, values: dict[int, dict[str, str]] | None = None,
            message: dict[int, Any] | None = None, status: int = 200):
    actor = current_actor()
    if not actor.is_office:
        raise Forbidden(None, Msg("只有办公室处理信用建议。", "Only the Office decides credit proposals."))
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
        return Msg("请选择采纳或不采纳。", "Choose accept or reject.")
    if field == "reason":
        return Msg("请写明理由（1-1000字）。", "Give the reason (1-1000 characters).")
    return FIELD_ERROR
