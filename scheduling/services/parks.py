"""Reading and registering parks: the caller's scope, the park as the API shows it, the public list (Art. 22)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from expert_pool.models import Organization
from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, not_found
from ground.extensions import db
from ground.i18n import _l
from scheduling import policy
from scheduling.facts import build_facts, lifecycle_rules
from scheduling.models import DeadlineRecord, Park
from scheduling.rules.lifecycle import PHASE_OF, Party, State, action_options, is_publicly_listed, may_use_title
from scheduling.services.action_effects import CYCLE_FACTS
from scheduling.services.messages import FORBIDDEN, invalid
from scheduling.wording import rule_text

_PARK_LOADS = (selectinload(Park.major_changes), selectinload(Park.evaluations), selectinload(Park.annual_reports),
               selectinload(Park.objections), selectinload(Park.proposals), selectinload(Park.deadlines))


def get_park(actor: Actor, park_id: int, *, lock: bool = False) -> Park:
    """A park the caller may see. One outside the caller's scope does not exist for it: the same 404 as for a
    missing id (its timeline, materials and reports too), so parks cannot be counted or probed by id.

    ``lock``: take the park's row lock for the rest of the transaction (PostgreSQL), so concurrent
    transitions of one park serialise; the sweeper takes the same lock first too.
    """
    # The scope first, on one light query: a park out of sight then costs exactly what a missing one does, and
    # the time of the answer does not tell them apart (loading the park's records would).
    province = db.session.scalar(select(Park.province).where(Park.id == park_id))
    if province is None or not policy.may_see_park(actor, province, park_id):
        raise not_found(_l("Park"), park_id)
    if lock:
        query = (select(Park).where(Park.id == park_id).options(*_PARK_LOADS).with_for_update(of=Park)
                 .execution_options(populate_existing=True))
        park = db.session.scalars(query).first()
    else:
        # A park this session holds already is not read again (a page asks for it through several services).
        park = db.session.get(Park, park_id, options=_PARK_LOADS)
    if park is None:
        raise not_found(_l("Park"), park_id)
    return park


def scoped(actor: Actor, query: Select) -> Select:
    """``query`` (over parks) narrowed to the parks the caller may see."""
    if actor.is_office:
        return query
    if actor.role == Role.PROVINCE:
        return query.where(Park.province == actor.province)
    if actor.role == Role.PARK:
        return query.where(Park.id == actor.park_id)
    raise Forbidden(None, FORBIDDEN)


def _filtered(query: Select, filters: dict[str, Any], keys: tuple[str, ...]) -> Select:
    for key in keys:
        if filters.get(key):
            query = query.where(getattr(Park, key) == filters[key])
    if filters.get("q"):
        query = query.where(or_(Park.name.ilike(f"%{filters['q'].strip()}%"),
                                Park.city.ilike(f"%{filters['q'].strip()}%")))
    return query


def list_parks(actor: Actor, filters: dict[str, Any], page: int, page_size: int) -> tuple[list[Park], int]:
    """The parks in the caller's scope, filtered, with the total count."""
    query = _filtered(scoped(actor, select(Park)), filters, ("province", "state", "programme", "park_type"))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.order_by(Park.province, Park.name, Park.id)
                               .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


def count_parks_by_state(actor: Actor, filters: dict[str, Any]) -> dict[str, int]:
    """How many parks of the caller's scope stand in each state, under every filter but the state itself."""
    query = _filtered(scoped(actor, select(Park.state, func.count())), filters, ("province", "programme", "park_type"))
    return dict(db.session.execute(query.group_by(Park.state)).all())


def present_park(actor: Actor, park: Park, now: datetime) -> dict[str, Any]:
    """A park as its API shows it: fields, phase, title use, the facts and the caller's options."""
    state = State(park.state)
    today = shanghai_date(now)
    return {
        "id": park.id, "name": park.name, "province": park.province, "city": park.city,
        "programme": park.programme, "park_type": park.park_type,
        "management_agency": park.management_agency, "planning_institution": park.planning_institution,
        "leading_industries": park.leading_industries, "enterprise_ids": [o.id for o in park.enterprises],
        "state": park.state, "phase": PHASE_OF[state].value, "cycle": park.cycle,
        "may_use_title": may_use_title(state), "publicly_listed": is_publicly_listed(state),
        "facts": {name: _iso(getattr(park, name)) for name in (
            *CYCLE_FACTS, "public_notice_provisional", "naming_notice_provisional", "plan_revision_pending",
            "failed_rectifications", "revoked_on", "revocation_reason")},
        "options": options_for(actor, park, today),
        "created_at": park.created_at,
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def options_for(actor: Actor, park: Park, today: date) -> list[dict[str, Any]]:
    """Actions the caller could take now from the park's state, each with what blocks it (None: allowed)."""
    roles = [policy.lifecycle_party(actor)]
    if actor.role == Role.OFFICE:
        roles.append(Party.LEADING_GROUP)
    facts = build_facts(park, today, with_panels=True)
    out = []
    for role in roles:
        if role is None:
            continue
        for option in action_options(park.state, role, facts, lifecycle_rules()):
            blocked = option.blocked
            out.append({
                "action": option.action.value, "article": option.article, "as": role.value,
                "blocked": None if blocked is None else {
                    "code": blocked.code, "article": blocked.article,
                    "message": rule_text(blocked.text)},
            })
    return out


def _organization(org_id: int, field: str) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise invalid(field, _l("Organisation {org_id} does not exist.").format(org_id=org_id),
                       "unknown_organization")
    return org


def create_park(actor: Actor, data: dict[str, Any], now: datetime) -> Park:
    """Register a park (state ``new``); the Office for any province, a province for its own."""
    if not policy.may_create_park(actor, data["province"]):
        raise Forbidden(None, _l("You may register parks of your own province only."))
    name = data["name"].strip()
    if db.session.scalar(select(Park.id).where(Park.name == name)) is not None:
        raise Conflict("duplicate_park", _l("A park with this name exists already."),
                       {"name": [_l("A park with this name exists already.")]})
    agency = _organization(data["management_agency_id"], "management_agency_id")
    planner = (_organization(data["planning_institution_id"], "planning_institution_id")
               if data.get("planning_institution_id") else None)
    enterprises = [_organization(i, "enterprise_ids") for i in dict.fromkeys(data.get("enterprise_ids") or [])]
    park = Park(name=name, province=data["province"], city=(data.get("city") or "").strip(),
                programme=data.get("programme", "national"), park_type=data.get("park_type", "other"),
                management_agency=agency, planning_institution=planner,
                leading_industries=[s.strip() for s in data.get("leading_industries") or [] if s.strip()],
                state=State.NEW.value, created_at=now, cycle=1, enterprises=enterprises)
    db.session.add(park)
    db.session.flush()
    record(actor, "park.create", "park", park.id, {
        "name": park.name, "province": park.province, "programme": park.programme, "park_type": park.park_type,
        "management_agency_id": agency.id, "planning_institution_id": planner.id if planner else None}, now=now)
    return park


PUBLIC_STATES = tuple(s.value for s in State if is_publicly_listed(s))


def public_parks(filters: dict[str, Any], page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Named and under-construction parks for the public (Art. 22): no people, no contact data."""
    query = select(Park).where(Park.state.in_(PUBLIC_STATES))
    if filters.get("province"):
        query = query.where(Park.province == filters["province"])
    if filters.get("status") == "named":
        query = query.where(Park.state.in_([s.value for s in State if PHASE_OF[s].value == "named"]))
    elif filters.get("status") == "under_construction":
        query = query.where(Park.state.in_([s.value for s in State if PHASE_OF[s].value == "creation"]))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    parks = db.session.scalars(query.order_by(Park.province, Park.name).offset((page - 1) * page_size)
                               .limit(page_size)).all()
    items = [{
        "id": p.id, "name": p.name, "province": p.province, "city": p.city, "programme": p.programme,
        "park_type": p.park_type, "status": "named" if PHASE_OF[State(p.state)].value == "named" else
        "under_construction", "may_use_title": may_use_title(p.state), "approved_on": p.approved_on,
        "named_on": p.named_on, "leading_industries": p.leading_industries,
    } for p in parks]
    return items, total


def pending_deadline_rows(park: Park) -> list[DeadlineRecord]:
    return [d for d in park.deadlines if d.state == "pending" and d.kind != "reminder"]
