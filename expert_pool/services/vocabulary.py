"""The specialty vocabulary and the organisations, with their blacklistings (Art. 38)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from expert_pool import policy
from expert_pool.models import Blacklisting, Organization, Specialty
from expert_pool.services.reading import FORBIDDEN
from ground.actor import Actor
from ground.audit import record
from ground.errors import Conflict, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l


def known_organization(organization_id: int, field: str = "organization_id") -> Organization:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise InvalidInput("unknown_organization", _l("Unknown organisation."),
                           {field: [_l(
                               "Organisation {organization_id} does not exist.").format(
                               organization_id=organization_id)]})
    return org



def resolve_specialties(codes: list[str]) -> list[Specialty]:
    wanted = list(dict.fromkeys(codes))
    found = {s.code: s for s in db.session.scalars(select(Specialty).where(Specialty.code.in_(wanted)))}
    unknown = [c for c in wanted if c not in found or not found[c].active]
    if unknown:
        raise InvalidInput("unknown_specialty", _l("Unknown specialty code."),
                           {"specialties": [_l(
                               "Unknown specialty codes: {unknown}").format(
                               unknown=', '.join(unknown))]})
    return [found[c] for c in wanted]


def list_specialties() -> list[Specialty]:
    return list(db.session.scalars(select(Specialty).where(Specialty.active).order_by(Specialty.code)))


def create_specialty(actor: Actor, data: dict[str, Any]) -> Specialty:
    if not policy.may_manage_vocabulary(actor):
        raise Forbidden(None, FORBIDDEN)
    if db.session.get(Specialty, data["code"]) is not None:
        raise Conflict("specialty_exists", _l("The specialty code {code} already exists.").format(code=data['code']))
    specialty = Specialty(code=data["code"], name_zh=data["name_zh"].strip(), name_en=data["name_en"].strip(),
                          group=data.get("group", ""))
    db.session.add(specialty)
    db.session.flush()
    record(actor, "specialty.create", "specialty", specialty.code, dict(data))
    return specialty


def list_organizations(actor: Actor, filters: dict[str, Any], page: int, page_size: int, today: date):
    query = select(Organization)
    if filters.get("q"):
        query = query.where(Organization.name.ilike(f"%{filters['q'].strip()}%"))
    if filters.get("type"):
        query = query.where(Organization.type == filters["type"])
    active_listing = exists().where(and_(
        Blacklisting.organization_id == Organization.id, Blacklisting.listed_on <= today,
        or_(Blacklisting.lifted_on.is_(None), Blacklisting.lifted_on > today)))
    if filters.get("blacklisted") is True:
        query = query.where(active_listing)
    elif filters.get("blacklisted") is False:
        query = query.where(~active_listing)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    orgs = db.session.scalars(query.options(selectinload(Organization.blacklistings)).order_by(Organization.name)
                              .offset((page - 1) * page_size).limit(page_size)).all()
    return [present_organization(o, today) for o in orgs], total


def organization_choices() -> list[tuple[str, str]]:
    """(id as text, name) of every organisation by name, for the lists people choose one from (a form's value)."""
    return [(str(i), n) for i, n in db.session.execute(select(Organization.id, Organization.name)
                                                        .order_by(Organization.name, Organization.id))]


def present_organization(org: Organization, today: date) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "type": org.type, "province": org.province,
            "blacklisted": org.blacklisted_on(today), "blacklistings": org.blacklistings}


def get_organization(organization_id: int) -> Organization:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise not_found(_l("Organisation"), organization_id)
    return org


def create_organization(actor: Actor, data: dict[str, Any]) -> Organization:
    if not policy.may_add_organization(actor):
        raise Forbidden(None, FORBIDDEN)
    name = " ".join(data["name"].split())
    if db.session.scalar(select(Organization.id).where(Organization.name == name)):
        raise Conflict("organization_exists",
                       _l("The organisation '{name}' already exists.").format(name=name))
    org = Organization(name=name, type=data["type"], province=data.get("province"))
    db.session.add(org)
    db.session.flush()
    record(actor, "organization.create", "organization", org.id, {"name": name, "type": org.type})
    return org


def blacklist_organization(actor: Actor, org: Organization, listed_on: date, reason: str) -> Blacklisting:
    """Name an institution for falsification (Art. 38); its experts are excluded from draws from then on."""
    if not policy.may_manage_vocabulary(actor):
        raise Forbidden(None, FORBIDDEN)
    if org.blacklisted_on(listed_on):
        raise Conflict("already_blacklisted", _l("The organisation is already blacklisted."))
    entry = Blacklisting(organization=org, listed_on=listed_on, reason=reason, created_by=actor.user_id)
    db.session.add(entry)
    db.session.flush()
    record(actor, "organization.blacklist", "organization", org.id, {"listed_on": listed_on, "reason": reason})
    return entry


def lift_blacklisting(actor: Actor, org: Organization, lifted_on: date, reason: str) -> Blacklisting:
    if not policy.may_manage_vocabulary(actor):
        raise Forbidden(None, FORBIDDEN)
    current = next((b for b in org.blacklistings if b.lifted_on is None), None)
    if current is None:
        raise Conflict("not_blacklisted", _l("The organisation is not blacklisted."))
    if lifted_on < current.listed_on:
        raise InvalidInput(None, _l("The lifting date is before the listing date."),
                           {"lifted_on": [_l("Before the listing date.")]})
    current.lifted_on, current.lift_reason = lifted_on, reason
    db.session.flush()
    record(actor, "organization.unblacklist", "organization", org.id, {"lifted_on": lifted_on, "reason": reason})
    return current


