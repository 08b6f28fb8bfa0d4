"""A province's move onto a day some of its members sit on other authorities' panels: referred to the Office,
and what the Office sees of it.

The province is answered alike whoever and however many the members are (409 ``move_needs_office``, no
number, name or date). The Office finds every referral in the audit log (``panel.move_referred``: which
members and why) with the signs of probing (``panel.move_probing_suspected``, :mod:`panels.rules.probing`),
and a counter on the panel. The entries are about the panel, so they never show on an expert's history."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import String, cast, func, select

from ground.actor import Actor
from ground.audit import AuditEntry, record
from ground.clock import wall_now
from ground.errors import Conflict
from ground.extensions import db
from ground.i18n import _l
from ground.refusals import AuditedRefusal
from panels.models import Panel
from panels.rules.probing import REFERRALS_WINDOW_DAYS, probing_signs

REFERRED = "panel.move_referred"
SUSPECTED = "panel.move_probing_suspected"
DRAW_SUSPECTED = "panel.draw_probing_suspected"  # panels.services.throwaways
SEAT_CHANGED = "panel.decline"  # every vacated seat, whoever vacated it (panels.seats.replace)


class MoveReferred(AuditedRefusal, Conflict):
    pass


def _panel_trail(panel: Panel) -> tuple[int, bool]:
    """How many moves of the panel were referred so far, and whether a seat changed since the last one."""
    referrals, changed = 0, False
    for action in db.session.scalars(select(AuditEntry.action).where(
            AuditEntry.object_type == "panel", AuditEntry.object_id == str(panel.id),
            AuditEntry.action.in_((REFERRED, SEAT_CHANGED))).order_by(AuditEntry.seq)):
        referrals, changed = (referrals + 1, False) if action == REFERRED else (referrals, True)
    return referrals, changed


def _referrals_in_window(convened_by: str) -> int:
    """The referred moves of the authority's panels over the window (audit entries are stamped in real time)."""
    panels = select(cast(Panel.id, String)).where(Panel.convened_by == convened_by)
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == REFERRED, AuditEntry.object_type == "panel", AuditEntry.object_id.in_(panels),
        AuditEntry.created_at >= wall_now() - timedelta(days=REFERRALS_WINDOW_DAYS)))


def referral(panel: Panel, day: date, members: dict[int, list[str]]) -> MoveReferred:
    """The refusal of a move onto ``day``, on which ``members`` (with the reasons, for the Office) sit on
    other authorities' panels; it carries its audit entries, kept although the request is rolled back."""
    referrals, changed = _panel_trail(panel)
    in_window = _referrals_in_window(panel.convened_by) + 1
    facts = {"to": day, "convened_by": panel.convened_by, "referrals_on_panel": referrals + 1,
             "referrals_in_window": in_window}
    error = MoveReferred("move_needs_office", _l(
        "Moving the meeting to that day has to be done by the Office; please ask the Office."))
    error.audit = (REFERRED, "panel", panel.id, {**facts, "experts": {str(e): r for e, r in sorted(members.items())}})
    signs = probing_signs(referred_now=True, referred_before=referrals > 0, seat_changed_since=changed,
                          referrals_in_window=in_window)
    error.also = ((SUSPECTED, "panel", panel.id, {**facts, "signs": signs}),) if signs else ()
    return error


def note_made_move(actor: Actor, panel: Panel, day: date) -> None:
    """A province moved its panel: flag it when the panel was referred before and a seat changed since."""
    referrals, changed = _panel_trail(panel)
    signs = probing_signs(referred_now=False, referred_before=referrals > 0, seat_changed_since=changed,
                          referrals_in_window=0)
    if signs:
        record(actor, SUSPECTED, "panel", panel.id, {"to": day, "convened_by": panel.convened_by,
                                                     "referrals_on_panel": referrals, "signs": signs})


def move_signals(panel: Panel) -> dict[str, Any]:
    """The counters the Office sees on a panel."""
    counts = dict(db.session.execute(select(AuditEntry.action, func.count()).where(
        AuditEntry.object_type == "panel", AuditEntry.object_id == str(panel.id),
        AuditEntry.action.in_((REFERRED, SUSPECTED, DRAW_SUSPECTED))).group_by(AuditEntry.action)).all())
    return {"move_referrals": counts.get(REFERRED, 0),
            "probing_suspected": counts.get(SUSPECTED, 0) + counts.get(DRAW_SUSPECTED, 0)}
