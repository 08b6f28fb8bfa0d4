"""The waves' pages (Office and provinces): ``/waves/new`` (kind, parks from the due list or by hand, window,
size, meetings a day) and ``/waves/<id>`` (the proposal as a calendar picture drawn on the server, the
meetings and members, unplaced parks with why, fairness in words, commit and re-plan). The same services as
the API; the panels list links here (not the main navigation)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import marshmallow as ma
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from ground import clock
from ground.actor import Actor, Role
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels.pages.wording import authority_name, kind_name
from panels.rules.rulesets import DELEGABLE_KINDS, PROVINCE_KINDS
from panels.services.convening import kinds_open_to
from panels.services.stage import PanelKindNotAllowed
from panels.waves import commit as committing
from panels.waves import schemas, services
from panels.waves.picture import FONT, calendar_picture
from panels.waves.present import present_wave
from scheduling.models import DeadlineRecord, Park
from scheduling.pages.common import Failure, failure_from, say
from scheduling.rules.lifecycle import PanelKind

bp = Blueprint("wave_pages", __name__, root_path=str(Path(__file__).resolve().parent),
               template_folder="templates")

#: Why a member can no longer sit, in words (the codes of panels.rules.recusal; "not_free" for a province).
REASONS = {
    "unavailable": _l("away that day"), "booked_that_day": _l("booked on another panel that day"),
    "rest_days": _l("too close to another panel"), "yearly_cap": _l("yearly panel cap reached"),
    "not_free": _l("no longer free that day"), "removed": _l("no longer in the pool"),
    "term_ended": _l("term of appointment ended"), "term_not_started": _l("term of appointment not started"),
}
FIELDS = ("kind", "from", "to", "size", "max_per_day", "per_expert_cap")


UNTICK = _l("Untick the parks named above, or choose the kind their stage calls for (shown by each park).")

def _staff() -> Actor:
    actor = current_actor()
    if not (actor.is_office or actor.role == Role.PROVINCE):
        abort(403)
    return actor


def _kinds(actor: Actor) -> list[tuple[str, str]]:
    kinds = [k.value for k in PanelKind] if actor.is_office else [
        k.value for k in PanelKind if k.value in PROVINCE_KINDS | DELEGABLE_KINDS]
    return [(k, kind_name(k)) for k in kinds]


def _parks(actor: Actor, today: date) -> list[dict[str, Any]]:
    """The parks the caller may plan, those falling due (a pending evaluation deadline) first."""
    query = select(Park).order_by(Park.name)
    if not actor.is_office:
        query = query.where(Park.province == actor.province)
    parks = list(db.session.scalars(query))
    due = dict(db.session.execute(select(DeadlineRecord.park_id, DeadlineRecord.due).where(
        DeadlineRecord.kind == "performance_evaluation", DeadlineRecord.state == "pending",
        DeadlineRecord.park_id.in_([p.id for p in parks]))).all())
    # what each park's stage calls for now, so that staff tick parks the chosen kind can be planned for
    rows = [{"id": p.id, "name": p.name, "due": due.get(p.id),
             "open": [kind_name(k) for k in kinds_open_to(actor, p, today)]} for p in parks]
    rows.sort(key=lambda r: (r["due"] is None, r["due"] or today, r["name"]))
    return rows


def _form(actor: Actor, failure: Failure | None = None, status: int = 200):
    today = clock.today()
    values = failure.values if failure else {
        "kind": "performance_evaluation" if actor.is_office else "plan_revision",
        "from": (today + timedelta(days=30)).isoformat(), "to": (today + timedelta(days=90)).isoformat(),
        "size": "7", "max_per_day": "3", "per_expert_cap": "1", "park_ids": []}
    return render_template("waves/new.html", kinds=_kinds(actor), parks=_parks(actor, today), values=values,
                           failure=failure, chosen={str(v) for v in values.get("park_ids", [])}), status


@bp.route("/waves/new")
def new_wave():
    return _form(_staff())


@bp.route("/waves/new", methods=["POST"])
def create_wave():
    actor = _staff()
    typed = {name: request.form.get(name, "").strip() for name in FIELDS}
    typed["park_ids"] = [v for v in request.form.getlist("park_ids") if v.strip()]
    data = {k: v for k, v in typed.items() if v not in ("", [])}
    data.setdefault("park_ids", [])
    try:
        loaded = schemas.WaveCreateSchema().load(data)
        with refusals_on_record(actor):
            wave = retrying(lambda: services.propose(actor, loaded), what="wave proposal")
    except (ma.ValidationError, DomainError) as exc:
        failure = failure_from("wave", exc, typed)
        if isinstance(exc, PanelKindNotAllowed):  # the message names every park; by the list, what to do
            failure.errors["park_ids"] = [say(UNTICK)]
        return _form(actor, failure, getattr(exc, "status", 422))
    return redirect(url_for("wave_pages.wave", wave_id=wave.id), 303)


def _page(actor: Actor, wave_id: int, conflicts: list[dict[str, Any]] | None = None, failure: Failure | None = None,
          status: int = 200):
    wave = services.get_wave(actor, wave_id)
    shown = present_wave(actor, wave)
    names = {m["park_id"]: m["park_name"] for m in shown["meetings"]} | {
        u["park_id"]: u["park_name"] for u in shown["unplaced"]}
    experts = {x["expert_id"]: x.get("name", "") for m in shown["meetings"] for x in m["members"]}
    rows = [{**c, "park": names.get(c["park_id"], ""), "expert": experts.get(c["expert_id"], str(c["expert_id"])),
             "why": "、".join(say(REASONS.get(r, _l("can no longer sit"))) for r in c["reasons"])}
            for c in conflicts or []]
    fairness = shown["fairness"]
    return render_template(
        "waves/wave.html", wave=shown, kind=kind_name(shown["kind"]), convener=authority_name(shown["convened_by"]),
        picture=calendar_picture(shown), font=FONT, conflicts=rows, failure=failure,
        fairness=say(fairness["words"]) if fairness else None,
        unplaced=[{**u, "message": say(u["message"]), "fix": say(u["what_would_place_it"]),
                   "conflict": [say(c) for c in u["conflict"]]} for u in shown["unplaced"]],
        park_choices=sorted(names.items(), key=lambda kv: kv[1])), status


@bp.route("/waves/<int:wave_id>")
def wave(wave_id: int):
    return _page(_staff(), wave_id)


@bp.route("/waves/<int:wave_id>/commit", methods=["POST"])
def commit(wave_id: int):
    actor = _staff()
    try:
        with refusals_on_record(actor):
            wave = retrying(lambda: committing.commit_wave(actor, wave_id), what="wave commit")
    except committing.WaveStale as exc:
        return _page(actor, wave_id, conflicts=exc.extra["conflicts"],
                     failure=Failure("commit", say(exc.message)), status=409)
    except DomainError as exc:
        if exc.status == 404:
            raise
        return _page(actor, wave_id, failure=Failure("commit", say(exc.message)), status=exc.status)
    flash(say(_l("Committed: {n} panels drawn, booked and invited.").format(n=len(wave.panels or {}))), "done")
    return redirect(url_for("wave_pages.wave", wave_id=wave.id), 303)


@bp.route("/waves/<int:wave_id>/replan", methods=["POST"])
def replan(wave_id: int):
    actor = _staff()
    park, day = request.form.get("move_park", "").strip(), request.form.get("move_date", "").strip()
    data: dict[str, Any] = {}
    if park and day:
        data["moves"] = {park: day}
    locks: dict[str, list[str]] = {}
    for value in request.form.getlist("lock"):  # "park:expert", ticked in the meetings table
        park_id, _, expert_id = value.partition(":")
        locks.setdefault(park_id, []).append(expert_id)
    if locks:
        data["locks"] = locks
    if request.form.getlist("release"):
        data["release"] = request.form.getlist("release")
    try:
        loaded = schemas.WaveReplanSchema().load(data)
        with refusals_on_record(actor):
            new = retrying(lambda: services.replan(actor, wave_id, loaded), what="wave re-plan")
    except (ma.ValidationError, DomainError) as exc:
        if getattr(exc, "status", 422) == 404:
            raise
        return _page(actor, wave_id, failure=failure_from("replan", exc, dict(request.form)),
                     status=getattr(exc, "status", 422))
    return redirect(url_for("wave_pages.wave", wave_id=new.id), 303)
