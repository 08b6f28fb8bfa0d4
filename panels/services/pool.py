"""The pool as the recusal rules see it: every expert's facts in a handful of set-based queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from datetime import date, timedelta

from sqlalchemy import or_, select, true

from expert_pool.models import (
    Blacklisting,
    ConflictDeclaration,
    Employment,
    Expert,
    Unavailability,
    expert_specialties,
)
from ground.extensions import db
from panels.models import ACTIVE_MEMBER, Booking, Invitation, Panel, PanelMember, RuleSet
from panels.rules import recusal
from panels.rules.rulesets import recusal_rules
from scheduling.models import Park

# --- the pool as the rules see it -------------------------------------------------------------------------

def park_context(park: Park, day: date) -> recusal.ParkContext:
    blacklisted = frozenset(db.session.scalars(select(Blacklisting.organization_id).where(
        Blacklisting.listed_on <= day, or_(Blacklisting.lifted_on.is_(None), Blacklisting.lifted_on > day))))
    return recusal.ParkContext(
        id=park.id, province=park.province, agency_id=park.management_agency_id,
        enterprise_ids=frozenset(o.id for o in park.enterprises),
        planning_institution_id=park.planning_institution_id, blacklisted_org_ids=blacklisted)


def pool_facts(park: Park, day: date, rules: recusal.RecusalRules, until: date | None = None,
               experts: Collection[int] | None = None, *, authority: str | None = None,
               park_ids: Collection[int] | None = None) -> list[recusal.ExpertFacts]:
    """Every expert of the pool (or only ``experts``) with what the rules need, in a handful of set-based
    queries.

    With ``until``, the facts serve every day from ``day`` to ``until`` (absences and bookings of the whole
    span; the rules compare them with the day they assess). ``authority`` is the convening authority the
    facts serve: bookings, earlier panels and invitation conflicts of any other authority's panels are
    marked as theirs (``foreign_*``, ``confidential``), so what they exclude stays anonymous to it.

    ``park_ids``: the earlier panels of all these parks (a wave's), not only ``park``'s: the recusal rule
    compares each with the park it assesses, so one load serves every park of the wave."""
    until = until or day
    since = recusal.lookback_start(day, rules.employment_lookback_years)

    def wanted(column):
        return true() if experts is None else column.in_(list(experts))

    # Plain rows on the session's connection (its transaction, after a flush): the ORM's per-row
    # processing of ``session.execute`` costs more than the query itself at 10,000 experts.
    db.session.flush()
    run = db.session.connection().execute

    specialties: dict[int, set[str]] = defaultdict(set)
    for expert_id, code in run(select(expert_specialties.c.expert_id,
                                                     expert_specialties.c.specialty_code).where(
            wanted(expert_specialties.c.expert_id))).all():
        specialties[expert_id].add(code)
    jobs: dict[int, list[recusal.Employment]] = defaultdict(list)
    for row in run(select(Employment.expert_id, Employment.organization_id, Employment.start_date,
                                         Employment.end_date).where(or_(Employment.end_date.is_(None),
                                                                        Employment.end_date >= since),
                                                                    wanted(Employment.expert_id))).all():
        jobs[row[0]].append(recusal.Employment(row[1], row[2], row[3]))
    # A conflict declared in answer to an invitation tells who was invited for the park: confidential unless
    # one of this authority's own panels of the park invited the expert.
    own_invitations = set() if authority is None else set(run(
        select(Invitation.expert_id, Panel.park_id).join(Panel, Panel.id == Invitation.panel_id).where(
            Invitation.conflict_of_interest.is_(True), Panel.convened_by == authority,
            wanted(Invitation.expert_id))).all())
    conflicts: dict[int, list[recusal.Conflict]] = defaultdict(list)
    for row in run(select(ConflictDeclaration.expert_id, ConflictDeclaration.park_id,
                                         ConflictDeclaration.organization_id, ConflictDeclaration.valid_from,
                                         ConflictDeclaration.valid_to, ConflictDeclaration.source).where(
            wanted(ConflictDeclaration.expert_id))).all():
        confidential = authority is not None and row[5] == "invitation" and (row[0], row[1]) not in own_invitations
        conflicts[row[0]].append(recusal.Conflict(row[1], row[2], row[3], row[4], confidential))
    away: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for row in run(select(Unavailability.expert_id, Unavailability.start_date,
                                         Unavailability.end_date).where(Unavailability.start_date <= until,
                                                                        Unavailability.end_date >= day,
                                                                        wanted(Unavailability.expert_id))).all():
        away[row[0]].append((row[1], row[2]))
    first = min(date(day.year, 1, 1), day - timedelta(days=rules.min_rest_days))
    last = max(date(until.year, 12, 31), until + timedelta(days=rules.min_rest_days))
    booked: dict[int, list[date]] = defaultdict(list)
    foreign_days: dict[int, set[date]] = defaultdict(set)
    for expert_id, booked_day, convened_by in run(
            select(Booking.expert_id, Booking.day, Panel.convened_by).join(Panel, Panel.id == Booking.panel_id)
            .where(Booking.day >= first, Booking.day <= last, wanted(Booking.expert_id))).all():
        booked[expert_id].append(booked_day)
        if authority is not None and convened_by != authority:
            foreign_days[expert_id].add(booked_day)
    sat: dict[int, list[tuple[int, str]]] = defaultdict(list)
    foreign_sat: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for expert_id, past_park, kind, convened_by in run(
            select(PanelMember.expert_id, Panel.park_id, Panel.kind, Panel.convened_by)
            .join(Panel, Panel.id == PanelMember.panel_id)
            .where(Panel.park_id.in_(list(park_ids or [park.id])), PanelMember.role == "member",
                   PanelMember.status.in_(ACTIVE_MEMBER),
                   Panel.status != "cancelled", wanted(PanelMember.expert_id))).all():
        sat[expert_id].append((past_park, kind))
        if authority is not None and convened_by != authority:
            foreign_sat[expert_id].append((past_park, kind))
    rows = run(select(Expert.id, Expert.status, Expert.term_start, Expert.term_end, Expert.province,
                                     Expert.organization_id, Expert.title_rank).where(wanted(Expert.id)).order_by(
        Expert.id)).all()
    none: tuple = ()  # most experts have no jobs on record, conflicts, absences, bookings or past panels
    no_days: frozenset = frozenset()
    shared: dict[frozenset[str], frozenset[str]] = {}  # one frozenset per distinct set of specialties
    make = recusal.expert_facts  # positional, in the dataclass's field order
    return [make(
        i, status, start, end, province, org, rank,
        shared.setdefault(codes := frozenset(specialties.get(i, none)), codes),
        tuple(jobs[i]) if i in jobs else none, tuple(conflicts[i]) if i in conflicts else none,
        tuple(away[i]) if i in away else none, tuple(sorted(booked[i])) if i in booked else none,
        tuple(sat[i]) if i in sat else none, frozenset(foreign_days[i]) if i in foreign_days else no_days,
        tuple(foreign_sat[i]) if i in foreign_sat else none)
        for i, status, start, end, province, org, rank in rows]  # a Row unpacks like a tuple




def recusal_rules_for(rule_set: RuleSet, panel: Panel) -> recusal.RecusalRules:
    return recusal_rules(rule_set.rules, panel.convened_by)


