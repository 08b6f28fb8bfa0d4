"""``/panels``: the panels the viewer may see (the Office all, a province those it convened), overall or for
one park, newest meeting first; and the park page's section of its panels (``park_panels``), which the roof
registers with the park pages (``scheduling.pages`` may not import the panels)."""

from __future__ import annotations

from typing import Any

from flask import render_template, request, url_for
from sqlalchemy import select

from ground.actor import Actor, Role
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l
from panels.models import ACTIVE_MEMBER, Invitation, Panel
from panels.pages.blueprint import bp
from panels.pages.wording import authority_name, kind_name, panel_status
from panels.services.convening import kinds_open_to
from scheduling.models import Park
from scheduling.pages.common import say
from scheduling.services import get_park

SHOWN = 200
NEXT_STEP = {"drawn": _l("next: invite"), "inviting": _l("awaiting answers"),
             "confirmed": _l("all accepted"), "held": _l("held"),
             "cancelled": _l("cancelled")}


def visible_panels(actor: Actor, park_id: int | None = None) -> list[Panel]:
    """The panels in the viewer's remit (the rule of ``GET /api/v1/panels/{id}``); nobody else's are listed."""
    query = select(Panel).order_by(Panel.meeting_date.desc(), Panel.id)
    if not actor.is_office:
        if actor.role != Role.PROVINCE or not actor.province:
            return []
        query = query.where(Panel.convened_by == actor.province)
    if park_id is not None:
        query = query.where(Panel.park_id == park_id)
    return list(db.session.scalars(query.limit(SHOWN)))


def panel_rows(panels: list[Panel]) -> list[dict[str, Any]]:
    names = dict(db.session.execute(select(Park.id, Park.name).where(Park.id.in_({p.park_id for p in panels}))).all())
    pending = {pid for (pid,) in db.session.execute(select(Invitation.panel_id).where(
        Invitation.panel_id.in_([p.id for p in panels]), Invitation.status == "pending")).all()}
    out = []
    for p in panels:
        seated = sum(1 for m in p.members if m.role == "member" and m.status in ACTIVE_MEMBER)
        accepted = sum(1 for m in p.members if m.role == "member" and m.status == "accepted")
        out.append({"id": p.id, "park_id": p.park_id, "park": names.get(p.park_id, ""), "kind": kind_name(p.kind),
                    "date": p.meeting_date.isoformat(), "status": p.status, "status_words": panel_status(p.status),
                    "convener": authority_name(p.convened_by), "seats": f"{accepted}/{seated}",
                    "next": say(NEXT_STEP.get(p.status)), "pending": p.id in pending,
                    "href": url_for("panel_pages.panel", panel_id=p.id)})
    return out


@bp.route("/panels")
def panels():
    actor = current_actor()
    park = None
    raw = request.args.get("park_id", "")
    if raw.isdigit():
        park = get_park(actor, int(raw))
    rows = panel_rows(visible_panels(actor, park.id if park else None))
    return render_template("panels/panels.html", rows=rows, park=park,
                           plan_wave=actor.is_office or actor.role == Role.PROVINCE)


def park_panels(actor: Actor, park: Park, today) -> dict[str, Any] | None:
    """The park page's panels section: its panels as the viewer may see them (half-convened ones with their
    next step) and the link to convene one when the stage calls for a kind the viewer convenes."""
    if not (actor.is_office or actor.role == Role.PROVINCE):
        return None
    return {"rows": panel_rows(visible_panels(actor, park.id)),
            "convene": url_for("panel_pages.convene", park_id=park.id) if kinds_open_to(actor, park, today) else None,
            "all": url_for("panel_pages.panels", park_id=park.id)}
