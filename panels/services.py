"""Drawing panels: eligibility from the pool, the fair draw, bookings, replacements and the audit bundle.

Operations take an :class:`Actor` and plain values, flush and never commit; ``draw_new_panel`` is run by
the route inside :func:`ecopanel.transactions.retrying`, which commits and retries when a concurrent draw
booked one of the same experts first (the unique booking key turns that race into a retry, never into a
double booking).
"""

from __future__ import annotations

import gc
import secrets
from collections import defaultdict
from collections.abc import Collection
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import delete, func, or_, select, true

from ecopanel.audit import record
from ecopanel.auth.actor import Actor, Role
from ecopanel.errors import Forbidden, InvalidInput, NotFound, not_found
from ecopanel.extensions import db
from ecopanel.i18n import Msg
from expert_pool.models import (
    Blacklisting,
    ConflictDeclaration,
    Employment,
    Expert,
    Organization,
    Unavailability,
    expert_specialties,
)
from panels import bundle as bundles
from panels import recusal
from panels.lottery_cache import LOTTERIES
from panels.models import Booking, Draw, Panel, PanelMember, RuleSet
from panels.rulesets import DELEGABLE_KINDS, PROVINCE_KINDS, candidate, effective_rules, quota_specialties, quotas
from panels.solver import ENGINE_VERSION, InfeasibleDraw, promote
from scheduling.models import Park

FORBIDDEN = Msg("无权执行此操作。", "You are not allowed to do this.")
ACTIVE_MEMBER = ("drawn", "invited", "accepted")


# --- who may do what -----------------------------------------------------------------------------------

def convening_authority(actor: Actor, kind: str, park: Park) -> str:
    """'office' or the province code that convenes; refuses callers outside their remit."""
    if actor.is_office:
        return park.province if kind in PROVINCE_KINDS else "office"
    if actor.role == Role.PROVINCE and park.province == actor.province and (
            kind in PROVINCE_KINDS or kind in DELEGABLE_KINDS):
        return actor.province
    raise Forbidden(None, Msg("只有办公室或园区所在省份可以组建该类评审组。",
                              "Only the Office or the park's province may convene this kind of panel."))


def may_view(actor: Actor, panel: Panel) -> bool:
    """Membership is confidential until the meeting: the Office and the convening province only."""
    return actor.is_office or (actor.role == Role.PROVINCE and panel.convened_by == actor.province)


def get_panel(actor: Actor, panel_id: int, *, purpose: str = "view") -> Panel:
    panel = db.session.get(Panel, panel_id)
    if panel is None:
        raise not_found("评审组", "Panel", panel_id)
    if not may_view(actor, panel):
        raise Forbidden(None, FORBIDDEN)
    record(actor, f"panel.{purpose}", "panel", panel.id, {})  # every look at a confidential panel
    return panel


# --- rule sets -------------------------------------------------------------------------------------------

def rule_set_for(name: str | None, kind: str) -> RuleSet:
    query = select(RuleSet)
    query = query.where(RuleSet.name == name) if name else query.where(RuleSet.kind == kind, RuleSet.is_default)
    found = db.session.scalar(query.order_by(RuleSet.version.desc()).limit(1))
    if found is None:
        raise InvalidInput("unknown_rule_set", Msg(f"规则集 {name or kind} 不存在。", f"No rule set {name or kind}."),
                           {"rule_set": [Msg("规则集不存在。", "Unknown rule set.")]})
    return found


def list_rule_sets(actor: Actor) -> list[RuleSet]:
    if not (actor.is_office or actor.role == Role.PROVINCE):
        raise Forbidden(None, FORBIDDEN)
    return list(db.session.scalars(select(RuleSet).order_by(RuleSet.name, RuleSet.version)))


def create_rule_set(actor: Actor, data: dict[str, Any]) -> RuleSet:
    """A new version of a named rule set (versions are never edited); optionally the default for its kind."""
    if not actor.is_office:
        raise Forbidden(None, Msg("只有办公室可以修改规则集。", "Only the Office edits rule sets."))
    from expert_pool.services import resolve_specialties

    rules = data["rules"]
    codes = list(rules.get("relevant_specialties", [])) + [q["specialty"] for q in rules.get("specialty_quotas", [])]
    if codes:
        resolve_specialties(codes)
    latest = db.session.scalar(select(RuleSet).where(RuleSet.name == data["name"])
                               .order_by(RuleSet.version.desc()).limit(1))
    kind = data.get("kind", latest.kind if latest else None)
    if data["is_default"]:
        if not kind:
            raise InvalidInput(None, Msg("默认规则集须指定评审组类型。", "A default rule set needs a panel kind."),
                               {"kind": [Msg("必填。", "Required.")]})
        for other in db.session.scalars(select(RuleSet).where(RuleSet.kind == kind, RuleSet.is_default)):
            other.is_default = False
    rule_set = RuleSet(name=data["name"], version=(latest.version + 1) if latest else 1, kind=kind,
                       is_default=data["is_default"], description=data.get("description", ""),
                       rules=effective_rules(rules), created_by=actor.label)
    db.session.add(rule_set)
    db.session.flush()
    record(actor, "rule_set.create", "rule_set", rule_set.id,
           {"name": rule_set.name, "version": rule_set.version, "rules": rule_set.rules})
    return rule_set


# --- the pool as the rules see it -------------------------------------------------------------------------

def park_context(park: Park, day: date) -> recusal.ParkContext:
    blacklisted = frozenset(db.session.scalars(select(Blacklisting.organization_id).where(
        Blacklisting.listed_on <= day, or_(Blacklisting.lifted_on.is_(None), Blacklisting.lifted_on > day))))
    return recusal.ParkContext(
        id=park.id, province=park.province, agency_id=park.management_agency_id,
        enterprise_ids=frozenset(o.id for o in park.enterprises),
        planning_institution_id=park.planning_institution_id, blacklisted_org_ids=blacklisted)


def pool_facts(park: Park, day: date, rules: recusal.RecusalRules, until: date | None = None,
               experts: Collection[int] | None = None) -> list[recusal.ExpertFacts]:
    """Every expert of the pool (or only ``experts``) with what the rules need, in a handful of set-based
    queries.

    With ``until``, the facts serve every day from ``day`` to ``until`` (absences and bookings of the whole
    span; the rules compare them with the day they assess)."""
    until = until or day
    since = recusal.lookback_start(day, rules.employment_lookback_years)

    def wanted(column):
        return true() if experts is None else column.in_(list(experts))

    specialties: dict[int, set[str]] = defaultdict(set)
    for expert_id, code in db.session.execute(select(expert_specialties.c.expert_id,
                                                     expert_specialties.c.specialty_code).where(
            wanted(expert_specialties.c.expert_id))):
        specialties[expert_id].add(code)
    jobs: dict[int, list[recusal.Employment]] = defaultdict(list)
    for row in db.session.execute(select(Employment.expert_id, Employment.organization_id, Employment.start_date,
                                         Employment.end_date).where(or_(Employment.end_date.is_(None),
                                                                        Employment.end_date >= since),
                                                                    wanted(Employment.expert_id))):
        jobs[row[0]].append(recusal.Employment(row[1], row[2], row[3]))
    conflicts: dict[int, list[recusal.Conflict]] = defaultdict(list)
    for row in db.session.execute(select(ConflictDeclaration.expert_id, ConflictDeclaration.park_id,
                                         ConflictDeclaration.organization_id, ConflictDeclaration.valid_from,
                                         ConflictDeclaration.valid_to).where(
            wanted(ConflictDeclaration.expert_id))):
        conflicts[row[0]].append(recusal.Conflict(row[1], row[2], row[3], row[4]))
    away: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for row in db.session.execute(select(Unavailability.expert_id, Unavailability.start_date,
                                         Unavailability.end_date).where(Unavailability.start_date <= until,
                                                                        Unavailability.end_date >= day,
                                                                        wanted(Unavailability.expert_id))):
        away[row[0]].append((row[1], row[2]))
    first = min(date(day.year, 1, 1), day - timedelta(days=rules.min_rest_days))
    last = max(date(until.year, 12, 31), until + timedelta(days=rules.min_rest_days))
    booked: dict[int, list[date]] = defaultdict(list)
    for expert_id, booked_day in db.session.execute(select(Booking.expert_id, Booking.day).where(
            Booking.day >= first, Booking.day <= last, wanted(Booking.expert_id))):
        booked[expert_id].append(booked_day)
    sat: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for expert_id, kind in db.session.execute(
            select(PanelMember.expert_id, Panel.kind).join(Panel, Panel.id == PanelMember.panel_id).where(
                Panel.park_id == park.id, PanelMember.role == "member",
                PanelMember.status.in_(ACTIVE_MEMBER), Panel.status != "cancelled", wanted(PanelMember.expert_id))):
        sat[expert_id].append((park.id, kind))
    rows = db.session.execute(select(Expert.id, Expert.status, Expert.term_start, Expert.term_end, Expert.province,
                                     Expert.organization_id, Expert.title_rank).where(wanted(Expert.id)).order_by(
        Expert.id))
    none: tuple = ()  # most experts have no jobs on record, conflicts, absences, bookings or past panels
    return [recusal.ExpertFacts(
        id=i, status=status, term_start=start, term_end=end, province=province, organization_id=org,
        title_rank=rank, specialties=frozenset(specialties.get(i, none)), employments=tuple(jobs.get(i, none)),
        conflicts=tuple(conflicts.get(i, none)), unavailable=tuple(away.get(i, none)),
        booked_days=tuple(sorted(booked.get(i, none))), past_panels=tuple(sat.get(i, none)))
        for i, status, start, end, province, org, rank in rows]  # a Row unpacks like a tuple


def _inputs(panel: Panel, rule_set: RuleSet, facts: list[recusal.ExpertFacts], park: Park, *,
            fixed: list[str], excluded: list[str], alternates: int) -> tuple[dict[str, Any], list]:
    """The canonical inputs of a draw, and the per-expert assessments."""
    rules = rule_set.rules
    ctx = park_context(park, panel.meeting_date)
    rrules = recusal_rules_for(rule_set, panel)
    fixed_ids = {int(f) for f in fixed}
    assessments = [recusal.assess(f, ctx, rrules, panel.meeting_date) if f.id not in fixed_ids
                   else recusal.Assessment(f.id, True) for f in facts]
    eligible_ids = {a.expert_id for a in assessments if a.eligible}
    spec = quota_specialties(rules)
    cands = [candidate(f, spec) for f in facts if f.id in eligible_ids]
    inputs = {
        "engine_version": ENGINE_VERSION,
        "panel": {"park_id": panel.park_id, "kind": panel.kind, "convened_by": panel.convened_by,
                  "meeting_date": panel.meeting_date.isoformat()},
        "rule_set": {"name": rule_set.name, "version": rule_set.version, "rules": rules},
        "size": panel.size, "alternates": alternates, "fixed": sorted(fixed), "excluded": sorted(excluded),
        "candidates": [[c.id, sorted(c.groups)] for c in sorted(cands, key=lambda c: int(c.id))],
        "quotas": [[q.group, q.min, q.max] for q in quotas(rules, cands, park.province, panel.convened_by)],
        "chair_senior": bool(effective_rules(rules)["chair_senior"]),
        "funnel": recusal.funnel(assessments),
        "excluded_experts": {str(a.expert_id): [a.failed_stage, list(a.reasons)]
                             for a in assessments if not a.eligible},
    }
    return inputs, assessments


def recusal_rules_for(rule_set: RuleSet, panel: Panel) -> recusal.RecusalRules:
    from panels.rulesets import recusal_rules

    return recusal_rules(rule_set.rules, panel.convened_by)


# --- drawing -------------------------------------------------------------------------------------------

@contextmanager
def _cyclic_gc_paused():
    """Pause the cyclic garbage collector for one draw.

    A draw on a 10,000-expert pool builds a few hundred thousand objects (facts, candidates, canonical
    inputs) that live until it ends, so they survive the young generations and set off full collections,
    ~0.2 s each and several per draw (measured: 6 in 3 draws, 1.4 s). Nothing they form is cyclic garbage
    (reference counting frees it), so the collector has nothing to find there. Whoever paused it resumes
    it, so overlapping draws on other threads can delay collection but never leave it off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@_cyclic_gc_paused()
def _draw_round(actor: Actor, panel: Panel, park: Park, *, purpose: str, fixed: list[str], excluded: list[str],
                alternates: int, seed: int | None, witness: str | None) -> tuple[Draw, dict[str, Any]]:
    rule_set = panel.rule_set
    facts = pool_facts(park, panel.meeting_date, recusal_rules_for(rule_set, panel))
    inputs, _ = _inputs(panel, rule_set, facts, park, fixed=fixed, excluded=excluded,
                                  alternates=alternates)
    commitment = bundles.commitment_of(inputs)
    entropy = secrets.token_hex(32)  # drawn only now, after the commitment is fixed
    seed_source = "caller" if seed is not None else "derived"
    if seed is None:
        seed = bundles.derive_seed(commitment, entropy, witness)
    try:
        # the lottery depends only on the eligible pool and the rules: redraws and replacements reuse it
        result = LOTTERIES.run_draw(inputs, seed, current_app.config.get("DRAW_TIME_LIMIT_S", 60.0))
    except InfeasibleDraw as exc:
        raise _infeasible(exc, inputs, facts, panel, park, rule_set, fixed, excluded) from None
    round_no = len(panel.draws) + 1
    draw = Draw(panel=panel, round=round_no, purpose=purpose, commitment=commitment, server_entropy=entropy,
                witness=witness, seed_source=seed_source, seed=seed, engine_version=ENGINE_VERSION,
                inputs=inputs, result=result, eligibility={}, created_by=actor.label)
    db.session.add(draw)
    db.session.flush()
    record(actor, "panel.draw", "panel", panel.id, {
        "draw_id": draw.id, "round": round_no, "purpose": purpose, "commitment": commitment, "seed": seed,
        "seed_source": seed_source, "members": result["members"], "alternates": result["alternates"]})
    return draw, result


def members_ineligible_on(panel: Panel, day: date) -> dict[int, list[str]]:
    """The booked members who could not sit if the meeting moved to ``day``, with the reasons the draw's
    own rules give (term, status, recusal with the look-back moved, unavailability, bookings, rest days,
    yearly cap). Their booking for this panel is left out, since it moves with the meeting."""
    park = db.session.get(Park, panel.park_id)
    rrules = recusal_rules_for(panel.rule_set, panel)
    booked = set(db.session.scalars(select(Booking.expert_id).where(Booking.panel_id == panel.id)))
    own_day = panel.meeting_date
    facts = pool_facts(park, day, rrules, experts=booked)
    ctx = park_context(park, day)
    out: dict[int, list[str]] = {}
    for f in facts:
        days = list(f.booked_days)
        if own_day in days:
            days.remove(own_day)
        # an earlier panel "of this park" that is this very panel is not a reason to recuse
        past = list(f.past_panels)
        if (park.id, panel.kind) in past:
            past.remove((park.id, panel.kind))
        verdict = recusal.assess(replace(f, booked_days=tuple(days), past_panels=tuple(past)), ctx, rrules, day)
        if not verdict.eligible:
            out[f.id] = list(verdict.reasons)
    return out


def lock_meeting_day(day: date) -> None:
    """Serialise the draws for one meeting date (PostgreSQL, until commit): a draw then sees every booking
    of that day made before it, so concurrent draws queue instead of colliding and retrying. The unique
    booking key stays the guarantee; SQLite serialises writers by itself."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(0x5EED_0000 + day.toordinal())))


def _book(panel: Panel, expert_ids: list[int]) -> None:
    """Book in a fixed order (lock the experts' rows by id first on PostgreSQL) so concurrent draws queue
    instead of deadlocking; the unique (expert, day) key refuses a second booking outright."""
    ids = sorted(expert_ids)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(Expert.id).where(Expert.id.in_(ids)).order_by(Expert.id).with_for_update())
    for expert_id in ids:
        db.session.add(Booking(expert_id=expert_id, day=panel.meeting_date, panel_id=panel.id))
    db.session.flush()


def draw_new_panel(actor: Actor, data: dict[str, Any]) -> Panel:
    """Request a panel and draw it with ranked alternates (Art. 37: random draw under recusal)."""
    park = db.session.get(Park, data["park_id"])
    if park is None:
        raise InvalidInput("unknown_park", Msg("园区不存在。", "Unknown park."),
                           {"park_id": [Msg("园区不存在。", "Unknown park.")]})
    convened_by = convening_authority(actor, data["kind"], park)
    if data.get("seed") is not None and not actor.is_office:
        raise Forbidden(None, Msg("只有办公室可以指定随机种子（复现抽取）。",
                                  "Only the Office may give a seed (replays)."))
    rule_set = rule_set_for(data.get("rule_set"), data["kind"])
    lock_meeting_day(data["meeting_date"])
    panel = Panel(park_id=park.id, kind=data["kind"], convened_by=convened_by, meeting_date=data["meeting_date"],
                  size=data["size"], alternates=data["alternates"], rule_set=rule_set,
                  location=data.get("location", ""), created_by=actor.user_id, status="drawn")
    db.session.add(panel)
    db.session.flush()
    draw, result = _draw_round(actor, panel, park, purpose="initial", fixed=[], excluded=[],
                               alternates=data["alternates"], seed=data.get("seed"), witness=data.get("witness"))
    for expert_id in result["members"]:
        db.session.add(PanelMember(panel=panel, draw_id=draw.id, expert_id=int(expert_id), role="member",
                                   is_chair=expert_id == result["chair"]))
    for rank, expert_id in enumerate(result["alternates"], start=1):
        db.session.add(PanelMember(panel=panel, draw_id=draw.id, expert_id=int(expert_id), role="alternate",
                                   rank=rank))
    _book(panel, [int(m) for m in result["members"]])
    return panel


def _infeasible(exc: InfeasibleDraw, inputs, facts, panel, park, rule_set, fixed, excluded) -> InvalidInput:
    from panels.rulesets import describe_group

    info = exc.infeasibility
    conflict = []
    for b in info.conflict:
        zh, en = describe_group(b.group)
        word = ("至少", "at least") if b.side == "min" else ("至多", "at most")
        conflict.append(Msg(f"{zh}{word[0]} {b.bound} 人", f"{word[1]} {b.bound} {en}"))
    relaxations = []
    for r in info.relaxations:
        zh, en = describe_group(r.group)
        side_zh = "下限" if r.side == "min" else "上限"
        relaxations.append({"group": r.group, "side": r.side, "current": r.current, "proposed": r.proposed,
                            "message": Msg(f"将“{zh}”的{side_zh}由 {r.current} 改为 {r.proposed}",
                                           f"change the {r.side} for {en} from {r.current} to {r.proposed}")})
    dates = suggest_dates(panel, park, rule_set, facts, fixed, excluded)
    funnel = inputs["funnel"]
    return InvalidInput(
        "draw_infeasible",
        Msg(f"按现行规则无法组成评审组：合格专家 {info.eligible} 人，需要 {info.seats} 人。",
            f"No panel satisfies the rules: {info.eligible} eligible experts for {info.seats} seats."),
        {"rules": conflict or [Msg("合格专家人数不足。", "Too few eligible experts.")]},
        extra={"funnel": funnel, "conflict": [{"group": b.group, "side": b.side, "bound": b.bound}
                                              for b in info.conflict],
               "relaxations": relaxations, "dates": dates})


def suggest_dates(panel: Panel, park: Park, rule_set: RuleSet, facts, fixed, excluded,
                  limit: int = 3) -> list[str]:
    """Nearby dates on which the same request has a panel (checked by the engine, not guessed)."""
    found = []
    rrules = recusal_rules_for(rule_set, panel)
    ctx = park_context(park, panel.meeting_date)
    for day in recusal.nearby_days(panel.meeting_date, 10):
        if day.weekday() >= 5:
            continue
        eligible = [f for f in facts if recusal.assess(f, ctx, rrules, day).eligible or str(f.id) in fixed]
        spec = quota_specialties(rule_set.rules)
        cands = [candidate(f, spec) for f in eligible]
        if len(cands) < panel.size - len(fixed) or not LOTTERIES.panel_exists(
                cands, quotas(rule_set.rules, cands, park.province, panel.convened_by), panel.size,
                fixed=fixed, excluded=excluded):
            continue
        found.append(day.isoformat())
        if len(found) == limit:
            break
    return found


# --- declines and replacements ---------------------------------------------------------------------------

def replace_member(actor: Actor, panel: Panel, expert_id: int, reason: str, conflict_of_interest: bool,
                   today: date) -> Panel:
    """A member declined: promote the first alternate whose promotion keeps every rule satisfied, else draw a
    replacement with the remaining members fixed. Nothing is deleted: the declined row keeps its outcome."""
    member = next((m for m in panel.members if m.expert_id == expert_id and m.role == "member"
                   and m.status in ACTIVE_MEMBER), None)
    if member is None:
        raise NotFound("not_a_member", Msg(f"专家 {expert_id} 不是该评审组的在任成员。",
                                           f"Expert {expert_id} is not a current member of this panel."))
    lock_meeting_day(panel.meeting_date)
    member.status, member.status_reason = "declined", reason
    db.session.execute(delete(Booking).where(Booking.expert_id == expert_id, Booking.day == panel.meeting_date,
                                             Booking.panel_id == panel.id))
    if conflict_of_interest:
        db.session.add(ConflictDeclaration(expert_id=expert_id, park_id=panel.park_id, relation="interest",
                                           note=reason, valid_from=today, source="invitation"))
    record(actor, "panel.decline", "panel", panel.id, {"expert_id": expert_id, "reason": reason,
                                                       "conflict_of_interest": conflict_of_interest})
    remaining = [str(m.expert_id) for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    first = panel.draws[0]
    groups = {cid: frozenset(g) for cid, g in first.inputs["candidates"]}
    from panels.solver import Candidate, Quota

    cands = {cid: Candidate(cid, g) for cid, g in groups.items()}
    rule_quotas = [Quota(g, lo, hi) for g, lo, hi in first.inputs["quotas"]]
    waiting = [m for m in sorted(panel.members, key=lambda m: m.rank) if m.role == "alternate"
               and m.status == "drawn"]
    booked_elsewhere = set(db.session.scalars(select(Booking.expert_id).where(
        Booking.day == panel.meeting_date, Booking.expert_id.in_([m.expert_id for m in waiting]))))
    candidates_in_order = [str(m.expert_id) for m in waiting if m.expert_id not in booked_elsewhere]
    chosen = promote([*remaining, str(expert_id)], str(expert_id), candidates_in_order, cands, rule_quotas)
    if chosen is not None:
        alt = next(m for m in waiting if str(m.expert_id) == chosen)
        alt.role, alt.status, alt.status_reason = "member", "drawn", f"promoted for {expert_id}"
        _book(panel, [alt.expert_id])
        record(actor, "panel.promote", "panel", panel.id, {"expert_id": alt.expert_id, "replaces": expert_id})
        return panel
    park = db.session.get(Park, panel.park_id)
    declined = [str(m.expert_id) for m in panel.members if m.status in ("declined", "withdrawn")]
    draw, result = _draw_round(actor, panel, park, purpose="replacement", fixed=remaining, excluded=declined,
                               alternates=0, seed=None, witness=None)
    new = [int(m) for m in result["drawn"]]
    for new_id in new:
        db.session.add(PanelMember(panel=panel, draw_id=draw.id, expert_id=new_id, role="member",
                                   status_reason=f"replacement for {expert_id}"))
    _book(panel, new)
    return panel


# --- presenting ------------------------------------------------------------------------------------------

def _expert_cards(expert_ids: list[int]) -> dict[int, dict[str, Any]]:
    rows = db.session.execute(select(Expert.id, Expert.name, Expert.province, Expert.title_rank,
                                     Organization.name).join(Organization, Organization.id == Expert.organization_id)
                              .where(Expert.id.in_(expert_ids)))
    cards = {r[0]: {"name": r[1], "province": r[2], "title_rank": r[3], "organization": r[4],
                    "specialties": []} for r in rows}
    links = expert_specialties.c
    for expert_id, code in db.session.execute(select(links.expert_id, links.specialty_code)
                                              .where(links.expert_id.in_(expert_ids))):
        cards[expert_id]["specialties"].append(code)
    return cards


def _fairness_ratio(result: dict[str, Any]) -> float | None:
    low, gap = result.get("min_probability"), result.get("gap")
    if low is None or gap is None or low + gap <= 0:
        return None
    return round(low / (low + gap), 6)


def _draw_summary(draw: Draw) -> dict[str, Any]:
    return {"id": draw.id, "round": draw.round, "purpose": draw.purpose, "seed": draw.seed,
            "seed_source": draw.seed_source, "commitment": draw.commitment, "witness": draw.witness,
            "engine_version": draw.engine_version, "funnel": draw.inputs.get("funnel", {}),
            "min_probability": draw.result.get("min_probability"), "optimal": draw.result.get("optimal"),
            "gap": draw.result.get("gap"), "fairness_ratio": _fairness_ratio(draw.result),
            "created_at": draw.created_at, "created_by": draw.created_by}


def present_panel(panel: Panel) -> dict[str, Any]:
    cards = _expert_cards([m.expert_id for m in panel.members])
    rounds = {d.id: d.round for d in panel.draws}

    def row(m: PanelMember) -> dict[str, Any]:
        return {"expert_id": m.expert_id, **cards.get(m.expert_id, {}), "role": m.role, "rank": m.rank,
                "is_chair": m.is_chair, "status": m.status, "status_reason": m.status_reason,
                "draw_round": rounds.get(m.draw_id)}

    members = [row(m) for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    alternates = [row(m) for m in sorted(panel.members, key=lambda m: m.rank)
                  if m.role == "alternate" and m.status == "drawn"]
    history = [row(m) for m in panel.members if m.status not in ACTIVE_MEMBER]
    return {"id": panel.id, "park_id": panel.park_id, "kind": panel.kind, "convened_by": panel.convened_by,
            "meeting_date": panel.meeting_date, "size": panel.size, "status": panel.status,
            "location": panel.location, "rule_set": panel.rule_set, "members": members,
            "alternates": alternates, "history": history, "draw": _draw_summary(panel.draws[0]),
            "draws": [_draw_summary(d) for d in panel.draws]}


def eligibility(panel: Panel, round_no: int | None, eligible: bool | None, page: int, page_size: int):
    """Every expert of the pool for one draw round: eligible (with their exact chance) or why not."""
    draw = panel.draws[-1] if round_no is None else next((d for d in panel.draws if d.round == round_no), None)
    if draw is None:
        raise not_found("抽取轮次", "Draw round", round_no)
    marginals = draw.result.get("marginals", {})
    items = [{"expert_id": int(cid), "eligible": True, "stage": None, "reasons": [],
              "probability": marginals.get(cid)} for cid, _ in draw.inputs["candidates"]]
    items += [{"expert_id": int(eid), "eligible": False, "stage": stage, "reasons": reasons, "probability": 0.0}
              for eid, (stage, reasons) in draw.inputs["excluded_experts"].items()]
    if eligible is not None:
        items = [i for i in items if i["eligible"] is eligible]
    items.sort(key=lambda i: i["expert_id"])
    probs = [p for p in marginals.values() if p is not None]
    return {"round": draw.round, "funnel": draw.inputs.get("funnel", {}),
            "min_probability": min(probs) if probs else None, "max_probability": max(probs) if probs else None,
            "items": items[(page - 1) * page_size: page * page_size], "total": len(items), "page": page,
            "page_size": page_size}


def audit_bundles(panel: Panel) -> list[str]:
    """The canonical bundle of every draw round of the panel."""
    out = []
    for d in panel.draws:
        out.append(bundles.make_bundle(
            draw_id=d.id, panel={"id": panel.id, "park_id": panel.park_id, "kind": panel.kind,
                                 "convened_by": panel.convened_by, "meeting_date": panel.meeting_date.isoformat(),
                                 "size": panel.size, "round": d.round, "purpose": d.purpose},
            inputs=d.inputs, commitment=d.commitment, server_entropy=d.server_entropy, witness=d.witness,
            seed_source=d.seed_source, seed=d.seed, result=d.result, created_at=d.created_at.isoformat(),
            created_by=d.created_by))
    return out

