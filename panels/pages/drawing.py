"""Step 3, ``/parks/<id>/convene/draw``: the supervisor (监督) confirms on the same screen and may enter the
public witness value, then the draw (``panels.services.draw_new_panel``, as ``POST /api/v1/panels``).

A request no panel satisfies is shown in words with the engine's relaxations and nearby dates as buttons that
re-run it. The supervisor's confirmation is kept in the session for those re-runs only (same user, park and
kind, 15 minutes) and is spent by the draw it witnessed."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma
from flask import flash, redirect, render_template, request, session, url_for
from sqlalchemy import func, select

from ground import clock
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels import schemas, services
from panels.models import Draw, Panel
from panels.pages.blueprint import bp
from panels.pages.request import ConveneRequest, read_request
from panels.pages.rules_step import rule_set_choices
from panels.pages.sources import confirm_supervisor
from panels.pages.wording import funnel_rows, kind_name
from panels.services.convening import relax_rule_set
from scheduling.pages.common import failure_from, say
from scheduling.services import get_park

HELD = "convene_supervisor"
HOLD_SECONDS = 15 * 60


def _spent(actor, park_id: int, held: dict[str, Any]) -> bool:
    """Whether a draw of this park already used the confirmation: the session is a cookie the caller holds, so
    an old copy of it must not witness a second draw; the draws themselves say whether it was used."""
    since = datetime.fromtimestamp(held["at"], UTC)
    return db.session.scalar(select(func.count()).select_from(Draw).join(Panel, Panel.id == Draw.panel_id).where(
        Panel.park_id == park_id, Draw.created_by == actor.label, Draw.supervised_by == held["label"],
        Draw.created_at >= since)) > 0


def _held(actor, park_id: int, kind: str) -> dict[str, Any] | None:
    held = session.get(HELD)
    if (held and held.get("by") == actor.user_id and held.get("park") == park_id and held.get("kind") == kind
            and time.time() - held.get("at", 0) < HOLD_SECONDS and not _spent(actor, park_id, held)):
        return held
    return None


def _render(park, req: ConveneRequest, *, failure=None, infeasible=None, status=200):
    actor = current_actor()
    held = _held(actor, park.id, req.kind)
    return render_template(
        "panels/convene_draw.html", park=park, req=req, failure=failure, infeasible=infeasible, held=held,
        kind=kind_name(req.kind), is_office=actor.is_office, rule_set_label=req.rule_set or say(
            _l("the kind’s default rule set")),
        choices=rule_set_choices(actor, req.kind) if actor.is_office else []), status


def _infeasible(exc: DomainError) -> dict[str, Any]:
    extra = exc.extra
    return {"message": say(exc.message), "rules": [say(m) for m in exc.errors.get("rules", [])],
            "funnel": funnel_rows(extra.get("funnel")), "dates": extra.get("dates", []),
            "relaxations": [{**r, "words": say(r["message"])} for r in extra.get("relaxations", [])]}


@bp.route("/parks/<int:park_id>/convene/draw", methods=["GET"])
def convene_draw(park_id: int):
    actor = current_actor()
    park = get_park(actor, park_id)
    req, _ = read_request(request.args)
    if not req.kind or not req.meeting_date:
        return redirect(url_for("panel_pages.convene", park_id=park.id, **req.query()), 303)
    return _render(park, req)


def _supervisor(actor, park_id: int, req: ConveneRequest, now) -> tuple[str, str | None]:
    """(the supervisor, the witness value): confirmed now, or held from this request's last attempt."""
    held = _held(actor, park_id, req.kind) if request.form.get("rerun") else None
    if held is not None:
        return held["label"], held.get("witness")
    witness = request.form.get("witness", "").strip() or None
    label = confirm_supervisor(actor, request.form.get("supervisor_email", ""),
                               request.form.get("supervisor_secret", ""), now)
    session[HELD] = {"by": actor.user_id, "park": park_id, "kind": req.kind, "label": label, "witness": witness,
                     "at": time.time()}
    return label, witness


def draw_for(park, req: ConveneRequest):
    """Confirm (or reuse) the supervisor and draw; the panel's page, or this step again with why not."""
    actor, now = current_actor(), clock.now()
    try:
        supervisor, witness = _supervisor(actor, park.id, req, now)
    except DomainError as exc:
        db.session.commit()  # the failed attempt counts against the supervisor's account, and is audited
        return _render(park, req, failure=failure_from("supervisor", exc, dict(request.form)), status=exc.status)
    db.session.commit()
    try:
        data = schemas.PanelCreateSchema().load(req.draw_data(park.id, witness))
        with refusals_on_record(actor):
            panel = retrying(lambda: services.draw_new_panel(actor, data, supervised_by=supervisor),
                             what="panel draw")
    except ma.ValidationError as exc:
        return _render(park, req, failure=failure_from("draw", exc, dict(request.form)), status=422)
    except DomainError as exc:
        if exc.code == "draw_infeasible":
            return _render(park, req, infeasible=_infeasible(exc), status=exc.status)
        return _render(park, req, failure=failure_from("draw", exc, dict(request.form)), held=True,
                       status=exc.status)
    session.pop(HELD, None)  # a confirmation witnesses one draw
    flash(say(_l("Drawn, supervised by {s}").format(s=supervisor)), "done")
    return redirect(url_for("panel_pages.panel", panel_id=panel.id), 303)


@bp.route("/parks/<int:park_id>/convene/draw", methods=["POST"])
def convene_draw_post(park_id: int):
    park = get_park(current_actor(), park_id)
    req, _ = read_request(request.form)
    if not req.kind or not req.meeting_date:
        return redirect(url_for("panel_pages.convene", park_id=park.id, **req.query()), 303)
    return draw_for(park, req)


@bp.route("/parks/<int:park_id>/convene/relax", methods=["POST"])
def convene_relax(park_id: int):
    """The Office takes one relaxation the engine proposed (a new version of ``<set>.relaxed``) and re-runs."""
    actor = current_actor()
    park = get_park(actor, park_id)
    req, _ = read_request(request.form)
    try:
        proposed = int(request.form.get("proposed", ""))
        relaxed = relax_rule_set(actor, park.id, req.kind or "", req.rule_set, request.form.get("group", ""),
                                 request.form.get("side", ""), proposed)
        db.session.commit()
    except (DomainError, ValueError) as exc:
        db.session.rollback()
        error = exc if isinstance(exc, DomainError) else ma.ValidationError({"proposed": ["?"]})
        return _render(park, req, failure=failure_from("draw", error, dict(request.form)), held=True,
                       status=getattr(exc, "status", 422))
    req.rule_set = relaxed.name
    return draw_for(park, req)
