"""Who may see and act on which park (plain functions over the :class:`Actor` and plain attributes).

Scoping: the Office sees every park; a provincial department the parks of its province; a park's
management agency its own park; experts no park (they see panels, not the programme's files).

Lifecycle parties: users act as the lifecycle party of their role (:class:`Party`). Leading-group decisions (naming,
revocation, Art. 20, 28) are taken by joint document of the three ministries and entered by Office staff
*acting for the leading group*: the caller says so explicitly (``as_leading_group``), and it is audited.
"""

from __future__ import annotations

from ground.actor import Actor, Role
from scheduling.rules.lifecycle import Party


def may_see_park(actor: Actor, province: str, park_id: int | None) -> bool:
    if actor.is_office:
        return True
    if actor.role == Role.PROVINCE:
        return actor.province == province
    if actor.role == Role.PARK:
        return park_id is not None and actor.park_id == park_id
    return False


def may_list_parks(actor: Actor) -> bool:
    return actor.role in (Role.OFFICE, Role.SYSTEM, Role.PROVINCE, Role.PARK)


def may_create_park(actor: Actor, province: str) -> bool:
    """The Office registers any park; a provincial department the parks of its own province."""
    return actor.is_office or (actor.role == Role.PROVINCE and actor.province == province)


def may_upload_material(actor: Actor, province: str, park_id: int) -> bool:
    return may_see_park(actor, province, park_id)


def may_review_annual_report(actor: Actor, province: str) -> bool:
    """Art. 23: the provincial departments review and forward the annual report (the Office may act too)."""
    return actor.is_office or (actor.role == Role.PROVINCE and actor.province == province)


def may_record_objection(actor: Actor, province: str) -> bool:
    return actor.is_office or (actor.role == Role.PROVINCE and actor.province == province)


def may_decide_proposal(actor: Actor, province: str, audience: str) -> bool:
    if actor.is_office:
        return True
    return audience == "province" and actor.role == Role.PROVINCE and actor.province == province


def may_load_calendar(actor: Actor) -> bool:
    """Loading a year of the official schedule changes every deadline: Office administrators only."""
    return actor.role == Role.SYSTEM or (actor.role == Role.OFFICE and actor.is_admin)


def lifecycle_party(actor: Actor, as_leading_group: bool = False) -> Party | None:
    """The lifecycle party a user acts as; None if the user is none (experts)."""
    if as_leading_group:
        return Party.LEADING_GROUP if actor.role == Role.OFFICE else None
    return {
        Role.OFFICE: Party.OFFICE,
        Role.PROVINCE: Party.PROVINCE,
        Role.PARK: Party.PARK,
        Role.SYSTEM: Party.SYSTEM,
    }.get(actor.role)
