"""What the province or the Office finds about a park: notice objections (Art. 10, 19) and major changes the
park did not report (Art. 12, 14 (2))."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, not_found
from ground.extensions import db
from ground.i18n import _l
from scheduling import policy
from scheduling.deadlines import refresh_proposals, sync_deadlines
from scheduling.models import MajorChangeRecord, NoticeObjection
from scheduling.rules.lifecycle import PHASE_OF, Phase, State
from scheduling.services.messages import FORBIDDEN, invalid
from scheduling.services.parks import get_park


def record_objection(actor: Actor, park_id: int, data: dict[str, Any], now: datetime) -> NoticeObjection:
    """An objection to the public notice (Art. 10) or a complaint in the naming notice (Art. 19)."""
    park = get_park(actor, park_id, lock=True)
    if not policy.may_record_objection(actor, park.province):
        raise Forbidden(None, FORBIDDEN)
    notice = data["notice"]
    expected = State.IN_PUBLIC_NOTICE if notice == "public_notice" else State.IN_NAMING_NOTICE
    published = park.public_notice_published_on if notice == "public_notice" else park.naming_notice_published_on
    if park.state != expected.value:
        raise Conflict("not_in_notice", _l("The park is not in its public notice.") if notice == "public_notice"
                       else _l("The park is not in its naming notice."),
                       extra={"current_state": park.state})
    if data["received_on"] > shanghai_date(now) or (published and data["received_on"] < published):
        raise invalid("received_on", _l("The date must lie between the start of the notice and today."))
    objection = NoticeObjection(cycle=park.cycle, notice=notice, received_on=data["received_on"],
                                summary=data["summary"].strip(), finding="", recorded_by_label=actor.label)
    park.objections.append(objection)
    db.session.flush()
    record(actor, "park.objection", "park", park.id, {"objection_id": objection.id, "notice": notice,
                                                      "received_on": objection.received_on}, now=now)
    return objection


def resolve_objection(actor: Actor, park_id: int, objection_id: int, data: dict[str, Any],
                      now: datetime) -> NoticeObjection:
    park = get_park(actor, park_id, lock=True)
    if not policy.may_record_objection(actor, park.province):
        raise Forbidden(None, FORBIDDEN)
    objection = next((o for o in park.objections if o.id == objection_id), None)
    if objection is None:
        raise not_found(_l("Objection"), objection_id)
    if objection.resolved_on is not None:
        raise Conflict("already_resolved", _l("This objection has been resolved already."))
    if data["resolved_on"] < objection.received_on or data["resolved_on"] > shanghai_date(now):
        raise invalid("resolved_on", _l("The date must lie between receipt and today."))
    objection.resolved_on, objection.upheld = data["resolved_on"], data["upheld"]
    objection.finding = (data.get("finding") or "").strip()
    db.session.flush()
    record(actor, "park.objection_resolved", "park", park.id, {
        "objection_id": objection.id, "upheld": objection.upheld, "resolved_on": objection.resolved_on}, now=now)
    return objection


def record_major_change(actor: Actor, park_id: int, data: dict[str, Any], now: datetime) -> MajorChangeRecord:
    """A major change found by the province or the Office, not (yet) reported by the park (Art. 12, 14 (2)).

    It gets the 6-month report deadline; once that has passed it grounds a warning proposal or a stop.
    """
    park = get_park(actor, park_id, lock=True)
    if not (actor.is_office or (actor.role == Role.PROVINCE and actor.province == park.province)):
        raise Forbidden(None, FORBIDDEN)
    if PHASE_OF[State(park.state)] not in (Phase.CREATION, Phase.NAMED):
        raise Conflict("not_applicable", _l("Major changes are recorded for parks under creation or named."),
                       extra={"current_state": park.state})
    today = shanghai_date(now)
    changed_on = data["changed_on"]
    if changed_on > today:
        raise invalid("changed_on", _l("The change cannot be in the future."))
    if any(c.cycle == park.cycle and c.changed_on == changed_on for c in park.major_changes):
        raise Conflict("duplicate_change", _l(
            "A major change of {changed_on} is on record already.").format(
            changed_on=changed_on))
    change = MajorChangeRecord(cycle=park.cycle, changed_on=changed_on, reported_on=None,
                               subjects=list(data.get("subjects") or []), description=data.get("description") or "",
                               recorded_by_label=actor.label, created_at=now)
    park.major_changes.append(change)
    db.session.flush()
    sync_deadlines(park, today, now)
    added = refresh_proposals(park, today)
    db.session.flush()
    record(actor, "park.major_change_found", "park", park.id, {
        "changed_on": changed_on, "subjects": change.subjects, "proposals": [p.key for p in added]}, now=now)
    return change
