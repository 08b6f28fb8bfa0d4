"""Moving or cancelling a meeting: bookings move or go, everyone invited gets an updated calendar entry
(``SEQUENCE`` + 1, ``METHOD:CANCEL`` when cancelled)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select, update

from ground.actor import Actor
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, InvalidInput
from ground.extensions import db
from ground.i18n import _l
from panels.models import Booking, Invitation, Panel, add_event
from panels.seats.links import page_url
from panels.seats.mail import (
    queue_invitation_mail,
    reminder_time,
    start_of_day,
)
from panels.services import lock_meeting_day, members_ineligible_on, moves, throwaways

# --- moving and cancelling a meeting ----------------------------------------------------------------------------

def _open_invitations(panel: Panel) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.panel_id == panel.id,
                                                            Invitation.status.in_(("pending", "accepted")))
                                   .order_by(Invitation.id)))


def _check_members_can_move(actor: Actor, panel: Panel, day: date) -> None:
    """Refuse a move onto a day on which members could not sit. The Office is told who and why. A province is
    told only what concerns its own panels and the pool as it may see it; members only other authorities'
    panels keep from the day are that authority's confidential business, so the province's move is then
    referred to the Office with no number or name, the same answer whoever and however many they are
    (:mod:`panels.services.moves`)."""
    authority = None if actor.is_office else panel.convened_by
    mine = select(Booking.expert_id).where(Booking.panel_id == panel.id)
    clashes = db.session.execute(select(Booking.expert_id, Panel.convened_by).join(
        Panel, Panel.id == Booking.panel_id).where(Booking.day == day, Booking.panel_id != panel.id,
                                                   Booking.expert_id.in_(mine))).all()
    clash = sorted(e for e, by in clashes if authority is None or by == authority)
    if clash:
        raise Conflict("experts_booked", _l(
            "Experts {clash} already sit on another panel on {day}.").format(
            clash=clash, day=day),
                       extra={"experts": clash})
    unfit, elsewhere = members_ineligible_on(panel, day, authority=authority)
    if unfit:
        listed = "; ".join(f"{e}: {', '.join(r)}" for e, r in sorted(unfit.items()))
        raise Conflict("members_ineligible_on_date",
                       _l(
                           "On the new date these members would no longer qualify ({listed}); replace "
                           "them first or choose another date.").format(
                           listed=listed),
                       extra={"experts": {str(e): r for e, r in sorted(unfit.items())}})
    if elsewhere:
        raise moves.referral(panel, day, elsewhere)
    if authority is not None:
        moves.note_made_move(actor, panel, day)


def reschedule_meeting(actor: Actor, panel: Panel, *, meeting_date: date | None, location: str | None,
                       reason: str, now: datetime) -> Panel:
    """Move the meeting (its bookings move with it) and/or change its place; everyone invited gets an updated
    calendar entry (same UID, ``SEQUENCE`` + 1)."""
    if panel.status in ("cancelled", "held"):
        raise Conflict("panel_closed", _l("The panel is cancelled or was held."))
    old_date, old_location = panel.meeting_date, panel.location
    new_date = meeting_date or old_date
    new_location = old_location if location is None else location
    if (new_date, new_location) == (old_date, old_location):
        raise InvalidInput("nothing_to_change", _l("Neither the date nor the place changes."))
    if new_date <= shanghai_date(now):
        raise InvalidInput("date_in_past", _l("The new date must be after today."),
                           {"meeting_date": [_l("Must be after today.")]})
    if new_date != old_date:
        lock_meeting_day(new_date)
        _check_members_can_move(actor, panel, new_date)
        db.session.execute(update(Booking).where(Booking.panel_id == panel.id).values(day=new_date),
                           execution_options={"synchronize_session": False})
        panel.meeting_date = new_date
    panel.location = new_location
    latest = start_of_day(new_date)
    for invitation in _open_invitations(panel):
        invitation.ical_sequence += 1
        invitation.meeting_reminded_at = None
        if invitation.status == "pending" and invitation.respond_by > latest:
            invitation.respond_by = latest  # the answer is still needed before the (earlier) meeting
            invitation.remind_at = reminder_time(latest, now)
        add_event(invitation, "rescheduled", now, from_date=old_date.isoformat(), to_date=new_date.isoformat(),
               location=new_location, sequence=invitation.ical_sequence)
        queue_invitation_mail(invitation, "meeting_update", now, method="REQUEST",
                               key=f"update:{invitation.ical_sequence}",
                               extra={"previous_date": old_date.isoformat(), "previous_location": old_location or "",
                                      "reason": reason,
                                      # an accepted expert's link is spent: no "answer here" for them
                                      "page_url": page_url(invitation) if invitation.status == "pending" else ""})
    record(actor, "panel.reschedule", "panel", panel.id,
           {"from": old_date, "to": new_date, "location": [old_location, new_location], "reason": reason}, now=now)
    db.session.flush()
    return panel


def cancel_meeting(actor: Actor, panel: Panel, *, reason: str, now: datetime) -> Panel:
    """Cancel the meeting: bookings are released, open invitations end, everyone invited gets
    ``METHOD:CANCEL`` for the calendar entry they have."""
    if panel.status in ("cancelled", "held"):
        raise Conflict("panel_closed", _l("The panel is cancelled or was held."))
    panel.status = "cancelled"
    db.session.execute(delete(Booking).where(Booking.panel_id == panel.id),
                       execution_options={"synchronize_session": False})
    for invitation in _open_invitations(panel):
        previous = invitation.status
        invitation.ical_sequence += 1
        invitation.status = "cancelled"
        add_event(invitation, "cancelled", now, previous_status=previous, reason=reason,
               sequence=invitation.ical_sequence)
        queue_invitation_mail(invitation, "meeting_cancelled", now, method="CANCEL",
                               key=f"cancel:{invitation.ical_sequence}", extra={"reason": reason})
    record(actor, "panel.cancel", "panel", panel.id, {"reason": reason}, now=now)
    throwaways.note_cancelled(actor, panel)
    db.session.flush()
    return panel
