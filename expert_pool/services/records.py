"""What is recorded about an expert over time: employments, declared conflicts, unavailability."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from expert_pool import policy
from expert_pool.models import ConflictDeclaration, Employment, Expert, Unavailability
from expert_pool.services.reading import FORBIDDEN
from expert_pool.services.vocabulary import known_organization
from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l

UNKNOWN_PARK = _l("Unknown park.")


def add_employment(actor: Actor, expert: Expert, data: dict[str, Any]) -> Employment:
    if not policy.may_edit_expert(actor, expert.contributed_by):
        raise Forbidden(None, FORBIDDEN)
    org = known_organization(data["organization_id"])
    job = Employment(organization=org, position=data.get("position", ""), start_date=data["start_date"],
                     end_date=data.get("end_date"))
    expert.employments.append(job)
    db.session.flush()
    record(actor, "expert.employment", "expert", expert.id,
           {"organization_id": org.id, "start": job.start_date, "end": job.end_date})
    return job


def add_conflict(actor: Actor, expert: Expert, data: dict[str, Any], today: date,
                 source: str = "staff") -> ConflictDeclaration:
    if not (policy.may_edit_expert(actor, expert.contributed_by)
            or (actor.role == Role.EXPERT and actor.expert_id == expert.id)):
        raise Forbidden(None, FORBIDDEN)
    if data.get("organization_id"):
        known_organization(data["organization_id"])
    conflict = ConflictDeclaration(
        park_id=data.get("park_id"), organization_id=data.get("organization_id"), relation=data["relation"],
        note=data.get("note", ""), valid_from=data.get("valid_from") or today, valid_to=data.get("valid_to"),
        source="self" if actor.role == Role.EXPERT else source)
    # The park is the database's to know (expert_conflicts.park_id references parks.id): the pool does not
    # import the scheduling package that owns parks. The flush runs in a savepoint so that a refused row
    # leaves the rest of the transaction usable, and the foreign-key violation becomes the usual 422.
    db.session.flush()  # earlier pending changes are not this savepoint's to answer for
    try:
        with db.session.begin_nested():
            expert.conflicts.append(conflict)
            db.session.flush()
    except IntegrityError:
        if not conflict.park_id:
            raise  # the organisation was checked above: anything else is a bug, not bad input
        raise InvalidInput("unknown_park", UNKNOWN_PARK, {"park_id": [UNKNOWN_PARK]}) from None
    record(actor, "expert.conflict", "expert", expert.id,
           {"park_id": conflict.park_id, "organization_id": conflict.organization_id,
            "relation": conflict.relation})
    return conflict


def _may_keep_availability(actor: Actor, expert: Expert) -> None:
    if not (policy.may_edit_expert(actor, expert.contributed_by)
            or (actor.role == Role.EXPERT and actor.expert_id == expert.id)):
        raise Forbidden(None, FORBIDDEN)


def add_unavailability(actor: Actor, expert: Expert, data: dict[str, Any]) -> Unavailability:
    _may_keep_availability(actor, expert)
    period = Unavailability(start_date=data["start_date"], end_date=data["end_date"],
                            reason=data.get("reason", ""))
    expert.unavailabilities.append(period)
    db.session.flush()
    record(actor, "expert.unavailability", "expert", expert.id,
           {"start": period.start_date, "end": period.end_date})
    return period


def remove_unavailability(actor: Actor, expert: Expert, unavailability_id: int) -> None:
    """Take back a period of unavailability (the expert can sit again on those days); audited."""
    _may_keep_availability(actor, expert)
    period = next((u for u in expert.unavailabilities if u.id == unavailability_id), None)
    if period is None:
        raise not_found(_l("Unavailability"), unavailability_id)
    expert.unavailabilities.remove(period)
    db.session.delete(period)
    db.session.flush()
    record(actor, "expert.unavailability_removed", "expert", expert.id,
           {"start": period.start_date, "end": period.end_date})
