"""The panels an expert was drawn for, on the expert's page in the pool, as far as the reader may see them.

Panel membership is confidential (Art. 37): the Office sees every panel, a province only those it convened
(:func:`~panels.services.access.in_panel_remit`, the rule ``GET /panels/{id}`` applies); anyone else sees
none, and is not told that there are any. Every panel shown is a look at its membership and is audited as one
(``panel.view``, as ``get_panel`` records it). The roof registers :func:`expert_panels_section` as a source of
the expert's page (``expert_pool.pages.register_expert_section``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from expert_pool.models import Expert
from expert_pool.pages import Section
from expert_pool.rules.regions import PROVINCES
from ground.actor import Actor
from ground.audit import record
from ground.extensions import db
from ground.i18n import Msg, _l, _lp, as_is, bilingual
from panels.models import Panel, PanelMember
from panels.services.access import in_panel_remit
from scheduling.models import Park
from scheduling.wording import panel_kind_name

SEAT_STATUSES: dict[str, Msg] = {
    "drawn": _l("Drawn"),
    "invited": _l("Invited"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "replaced": _l("Replaced"),
    "withdrawn": _l("Withdrawn"),
}
PANEL_STATUSES: dict[str, Msg] = {
    "drawn": _l("Drawn"),
    "inviting": _l("Inviting"),
    "confirmed": _l("Confirmed"),
    "held": _l("Held"),
    "cancelled": _l("Cancelled"),
}
CHAIR = _l("Chair")
MEMBER = _l("Member")
ALTERNATE = _l("Alternate")
OFFICE = _l("The Office")


def _convener(code: str) -> Msg:
    if code in PROVINCES:
        zh, en = PROVINCES[code]
        return bilingual(zh, en)
    return OFFICE


def _kind(kind: str) -> Msg:
    return panel_kind_name(kind)


def panels_of_expert(actor: Actor, expert_id: int) -> list[tuple[PanelMember, Panel, str]]:
    """(seat, panel, park name) of every panel the expert was drawn for that the caller may see, latest
    meeting first; each panel shown is audited as a look at its membership."""
    rows = db.session.execute(
        select(PanelMember, Panel, Park.name).join(Panel, PanelMember.panel_id == Panel.id)
        .join(Park, Panel.park_id == Park.id).where(PanelMember.expert_id == expert_id)
        .order_by(Panel.meeting_date.desc(), Panel.id.desc(), PanelMember.id)).all()
    visible = [(seat, panel, name) for seat, panel, name in rows if in_panel_remit(actor, panel)]
    for panel_id in dict.fromkeys(panel.id for _, panel, _ in visible):
        record(actor, "panel.view", "panel", panel_id, {"via": "expert_page", "expert_id": expert_id})
    return visible


def expert_panels_section(actor: Actor, expert: Expert, today: date) -> Section | None:
    if not (actor.is_office or actor.province):
        return None  # only the Office and the provinces convene panels
    rows = []
    for seat, panel, park_name in panels_of_expert(actor, expert.id):
        role = CHAIR if seat.is_chair else (MEMBER if seat.role == "member" else ALTERNATE)
        rows.append([panel.meeting_date.isoformat(), park_name, _kind(panel.kind), _convener(panel.convened_by),
                     role, SEAT_STATUSES.get(seat.status, as_is(seat.status)),
                     PANEL_STATUSES.get(panel.status, as_is(panel.status))])
    mine_only = _l("Only the panels your province convened are listed.")
    return Section(
        key="panels", title=_l("Panels sat on"),
        columns=[_l("Meeting"), _l("Park"), _lp("panels.services.expert_panels",
            "Kind"), _l("Convened by"),
                 _l("Seat"), _l("Seat status"), _l("Panel status")],
        rows=rows, empty=_l("No panel to show."),
        note=None if actor.is_office else mine_only)
