"""Drawing: the canonical inputs, the fair draw, bookings, infeasibility with relaxations and nearby dates.

``draw_new_panel`` is run by the route inside :func:`ground.uow.retrying`, which commits and retries when a
concurrent draw booked one of the same experts first (the unique booking key turns that race into a retry,
never into a double booking)."""

from __future__ import annotations

import gc
import secrets
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import func, select

from expert_pool.models import (
    Expert,
)
from ground import clock
from ground.actor import Actor
from ground.audit import record
from ground.errors import Forbidden
from ground.extensions import db
from ground.i18n import _l
from panels.lottery_cache import LOTTERIES
from panels.models import Booking, Draw, Panel, PanelMember, RuleSet
from panels.rules import bundle as bundles
from panels.rules import recusal
from panels.rules.convener import ConvenerView, as_convener_sees, convener_view
from panels.rules.rulesets import candidates, effective_rules, quota_specialties, quotas
from panels.services.access import convening_authority, park_for_panel
from panels.services.convener import draw_record
from panels.services.infeasible import infeasible
from panels.services.pool import park_context, pool_facts, recusal_rules_for
from panels.services.present import remember_payload
from panels.services.rule_sets import rule_set_for
from panels.services.stage import check_stage
from panels.solver import ENGINE_VERSION, Candidate, InfeasibleDraw
from scheduling.models import Park


def _inputs(panel: Panel, rule_set: RuleSet, facts: list[recusal.ExpertFacts], park: Park, *,
            fixed: list[str], excluded: list[str], alternates: int,
            candidate_of: dict[int, Candidate] | None = None) -> tuple[dict[str, Any], list, ConvenerView]:
    """The canonical inputs of a draw, the per-expert assessments, and how the convener may see them.

    ``candidate_of``: every expert's candidate, made once for many draws on the same facts (a wave's commit);
    an expert's groups do not depend on the park or the day."""
    rules = rule_set.rules
    ctx = park_context(park, panel.meeting_date)
    rrules = recusal_rules_for(rule_set, panel)
    fixed_ids = {int(f) for f in fixed}
    assessments = recusal.assess_all(facts, ctx, rrules, panel.meeting_date)
    if fixed_ids:
        assessments = [recusal.Assessment(f.id, True) if f.id in fixed_ids else a
                       for f, a in zip(facts, assessments, strict=True)]
    spec = quota_specialties(rules)
    eligible = [f for f, a in zip(facts, assessments, strict=True) if a.eligible]
    cands = candidates(eligible, spec) if candidate_of is None else [candidate_of[f.id] for f in eligible]
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
    return inputs, assessments, convener_view(zip(facts, assessments, strict=True), ctx, rrules,
                                              panel.meeting_date)


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
def draw_round(actor: Actor, panel: Panel, park: Park, *, purpose: str, fixed: list[str], excluded: list[str],
                alternates: int, seed: int | None, witness: str | None,
                supervised_by: str | None = None) -> tuple[Draw, dict[str, Any]]:
    rule_set = panel.rule_set
    facts = pool_facts(park, panel.meeting_date, recusal_rules_for(rule_set, panel), authority=panel.convened_by)
    inputs, assessments, view = _inputs(panel, rule_set, facts, park, fixed=fixed, excluded=excluded,
                                        alternates=alternates)
    parts = bundles.canonical_parts(inputs)  # serialised once for the commitment and the lottery's key
    commitment = bundles.commitment_of(inputs, parts)
    entropy = secrets.token_hex(32)  # drawn only now, after the commitment is fixed
    seed_source = "caller" if seed is not None else "derived"
    if seed is None:
        seed = bundles.derive_seed(commitment, entropy, witness)
    try:
        # the lottery depends only on the eligible pool and the rules: redraws and replacements reuse it
        result = LOTTERIES.run_draw(inputs, seed, current_app.config.get("DRAW_TIME_LIMIT_S", 60.0), parts)
    except InfeasibleDraw as exc:
        raise infeasible(exc, inputs, facts, panel, park, rule_set, fixed, excluded,
                         None if actor.is_office else view) from None
    round_no = len(panel.draws) + 1
    draw = Draw(panel=panel, round=round_no, purpose=purpose, commitment=commitment, server_entropy=entropy,
                witness=witness, seed_source=seed_source, seed=seed, engine_version=ENGINE_VERSION,
                inputs=inputs, result=result, eligibility=draw_record(view, assessments),
                created_by=actor.label, supervised_by=supervised_by)
    db.session.add(draw)
    db.session.flush()
    remember_payload(draw)
    record(actor, "panel.draw", "panel", panel.id, {
        "draw_id": draw.id, "round": round_no, "purpose": purpose, "commitment": commitment, "seed": seed,
        "seed_source": seed_source, "members": result["members"], "alternates": result["alternates"],
        **({"supervised_by": supervised_by, "witness": witness} if supervised_by else {})})
    return draw, result


def members_ineligible_on(panel: Panel, day: date, *,
                          authority: str | None = None) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    """The booked members who could not sit if the meeting moved to ``day``, with the reasons the draw's
    own rules give (term, status, recusal with the look-back moved, unavailability, bookings, rest days,
    yearly cap). Their booking for this panel is left out, since it moves with the meeting.

    With ``authority`` (a caller who may not see other authorities' panels) the members are judged as if
    those panels did not exist (:mod:`panels.rules.convener`); the members only those panels keep from the
    day are the second value (with the real reasons, for the Office), for the caller not to be told."""
    park = db.session.get(Park, panel.park_id)
    rrules = recusal_rules_for(panel.rule_set, panel)
    booked = set(db.session.scalars(select(Booking.expert_id).where(Booking.panel_id == panel.id)))
    own_day = panel.meeting_date
    facts = pool_facts(park, day, rrules, experts=booked, authority=authority)
    ctx = park_context(park, day)
    shown: dict[int, list[str]] = {}
    confidential: dict[int, list[str]] = {}
    for f in facts:
        days = list(f.booked_days)
        if own_day in days:
            days.remove(own_day)
        # an earlier panel "of this park" that is this very panel is not a reason to recuse
        past = list(f.past_panels)
        if (park.id, panel.kind) in past:
            past.remove((park.id, panel.kind))
        moved = replace(f, booked_days=tuple(days), past_panels=tuple(past))
        real = recusal.assess(moved, ctx, rrules, day)
        seen = as_convener_sees(moved, real, ctx, rrules, day)
        if not seen.eligible:
            shown[f.id] = list(seen.reasons)
        elif not real.eligible:
            confidential[f.id] = list(real.reasons)
    return shown, confidential


def lock_meeting_day(day: date) -> None:
    """Serialise the draws for one meeting date (PostgreSQL, until commit): a draw then sees every booking
    of that day made before it, so concurrent draws queue instead of colliding and retrying. The unique
    booking key stays the guarantee; SQLite serialises writers by itself."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(0x5EED_0000 + day.toordinal())))


def book(panel: Panel, expert_ids: list[int]) -> None:
    """Book in a fixed order (lock the experts' rows by id first on PostgreSQL) so concurrent draws queue
    instead of deadlocking; the unique (expert, day) key refuses a second booking outright."""
    ids = sorted(expert_ids)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(select(Expert.id).where(Expert.id.in_(ids)).order_by(Expert.id).with_for_update())
    for expert_id in ids:
        db.session.add(Booking(expert_id=expert_id, day=panel.meeting_date, panel_id=panel.id))
    db.session.flush()


def draw_new_panel(actor: Actor, data: dict[str, Any], *, supervised_by: str | None = None) -> Panel:
    """Request a panel and draw it with ranked alternates (Art. 37: random draw under recusal).

    ``supervised_by``: the supervisor who confirmed the draw on the staff's screen (the pages ask for one;
    the caller has checked their credentials), kept with the draw and in its audit entry and bundle."""
    park = park_for_panel(actor, data["park_id"])
    convened_by = convening_authority(actor, data["kind"], park)
    if data.get("seed") is not None and not actor.is_office:
        raise Forbidden(None, _l("Only the Office may give a seed (replays)."))
    rule_set = rule_set_for(actor, data.get("rule_set"), data["kind"])
    # The request is well-formed and the caller may make it: does the park's lifecycle call for this panel?
    override = check_stage(actor, park, data["kind"], data.get("override_reason"), clock.today())
    lock_meeting_day(data["meeting_date"])
    panel = Panel(park_id=park.id, kind=data["kind"], convened_by=convened_by, meeting_date=data["meeting_date"],
                  size=data["size"], alternates=data["alternates"], rule_set=rule_set,
                  location=data.get("location", ""), created_by=actor.user_id, status="drawn",
                  stage_override=override)
    db.session.add(panel)
    db.session.flush()
    draw, result = draw_round(actor, panel, park, purpose="initial", fixed=[], excluded=[],
                               alternates=data["alternates"], seed=data.get("seed"), witness=data.get("witness"),
                               supervised_by=supervised_by)
    for expert_id in result["members"]:
        db.session.add(PanelMember(panel=panel, draw_id=draw.id, expert_id=int(expert_id), role="member",
                                   is_chair=expert_id == result["chair"]))
    for rank, expert_id in enumerate(result["alternates"], start=1):
        db.session.add(PanelMember(panel=panel, draw_id=draw.id, expert_id=int(expert_id), role="alternate",
                                   rank=rank))
    book(panel, [int(m) for m in result["members"]])
    return panel
