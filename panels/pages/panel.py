"""``/panels/<id>``: the panel's page (result, invitations, responses, rounds, history) and its forms: verify
the draw, invite (with a preview of each mail), replace a member, move or cancel the meeting. Each form goes
through the API's schema and service; a refusal shows the page again with the message (4xx, never a 500)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import flash, redirect, render_template, url_for

from ground import clock
from ground.errors import DomainError, Forbidden
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import Msg, _l
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels import services
from panels.pages.blueprint import bp
from panels.pages.panel_view import panel_context
from panels.rules import bundle as bundles
from panels.schemas import ReplacementSchema
from panels.seats import invite as inviting
from panels.seats import meetings, present
from panels.seats.replace import vacate_seat
from panels.seats.schemas import CancelSchema, RescheduleSchema
from scheduling.pages.common import Failure, failure_from, form_input, say


def show_panel(panel_id: int, failure: Failure | None = None, status: int = 200):
    actor = current_actor()
    panel = services.get_panel(actor, panel_id)
    context = panel_context(actor, panel, clock.now())
    return render_template("panels/panel.html", failure=failure, **context), status


@bp.route("/panels/<int:panel_id>")
def panel(panel_id: int):
    return show_panel(panel_id)


def answer(panel_id: int, form: str, fields: tuple[str, ...], schema: type[ma.Schema] | None,
           act: Callable[[Any, Any, dict[str, Any], Any], Any], done: Msg, anchor: str):
    """Load the form with ``schema`` and run ``act(actor, panel, data, now)`` in one retried transaction."""
    data, typed = form_input(fields)
    actor, now = current_actor(), clock.now()
    try:
        loaded = schema().load(data) if schema is not None else data
        with refusals_on_record(actor):
            retrying(lambda: act(actor, services.get_panel(actor, panel_id, purpose=form), loaded, now), what=form)
    except (DomainError, ma.ValidationError) as exc:
        db.session.rollback()
        code = exc.status if isinstance(exc, DomainError) else 422
        return show_panel(panel_id, failure_from(form, exc, typed), code)
    flash(say(done), "done")
    return redirect(url_for("panel_pages.panel", panel_id=panel_id, _anchor=anchor), 303)


@bp.route("/panels/<int:panel_id>/verify", methods=["POST"])
def verify(panel_id: int):
    """Re-run the check of ``ecopanel draws verify`` on the panel's audit bundles (the Office's, as the API's)."""
    actor = current_actor()
    if not actor.is_office:
        raise Forbidden(None, _l("Audit bundles are for the Office only."))
    panel = services.get_panel(actor, panel_id, purpose="audit")
    document = '{"bundles":[' + ",".join(services.audit_bundles(panel)) + "]}"
    results = bundles.verify_document(document)
    db.session.commit()
    if all(v.ok for _, v in results):
        flash(say(_l("Verified: {n} draw rounds replay exactly (commitment, seed, result).").format(n=len(results))),
              "verified")
    else:
        problems = "; ".join(f"{what}: {', '.join(v.problems)}" for what, v in results if not v.ok)
        flash(say(_l("Not verified: ")) + problems, "not-verified")
    return redirect(url_for("panel_pages.panel", panel_id=panel_id, _anchor="draw"), 303)


@bp.route("/panels/<int:panel_id>/invite")
def invite_preview(panel_id: int):
    """Step 5: each mail as the member will get it, in the language the expert prefers; nothing is sent."""
    actor, now = current_actor(), clock.now()
    panel = services.get_panel(actor, panel_id, purpose="invitation_preview")
    context = panel_context(actor, panel, now)
    previews = [{"member": m, **present.invitation_preview(actor, panel, m["expert_id"], None, now)}
                for m in context["waiting"]]
    return render_template("panels/invite.html", previews=previews, **context)


@bp.route("/panels/<int:panel_id>/invite", methods=["POST"])
def invite(panel_id: int):
    def act(actor, panel, data, now):
        return inviting.invite_members(actor, panel, respond_by=None, expert_ids=None, now=now)

    return answer(panel_id, "invite", (), None, act, _l("The invitations are sent."), "members")


@bp.route("/panels/<int:panel_id>/replace", methods=["POST"])
def replace(panel_id: int):
    def act(actor, panel, data, now):
        return vacate_seat(actor, panel, data["expert_id"], data["reason"], data["conflict_of_interest"], now)

    return answer(panel_id, "replace", ("expert_id", "reason"), ReplacementSchema, act,
                  _l("The member is replaced."), "members")


@bp.route("/panels/<int:panel_id>/reschedule", methods=["POST"])
def reschedule(panel_id: int):
    def act(actor, panel, data, now):
        return meetings.reschedule_meeting(actor, panel, meeting_date=data.get("meeting_date"),
                                           location=data.get("location"), reason=data["reason"], now=now)

    return answer(panel_id, "reschedule", ("meeting_date", "location", "reason"), RescheduleSchema, act,
                  _l("The meeting is moved; invited experts get the updated calendar entry."), "meeting")


@bp.route("/panels/<int:panel_id>/cancel", methods=["POST"])
def cancel(panel_id: int):
    def act(actor, panel, data, now):
        return meetings.cancel_meeting(actor, panel, reason=data["reason"], now=now)

    return answer(panel_id, "cancel", ("reason",), CancelSchema, act,
                  _l("The meeting is cancelled."), "meeting")
