"""Committing a wave: every meeting becomes a panel, drawn, booked and invited, in one transaction.

The meeting days are locked first (:func:`panels.services.draws.lock_meeting_day`, on PostgreSQL), so single
draws on those days queue behind the commit; then every member is re-assessed on the current database
(:mod:`.stale`). If anything went stale the commit is refused with the conflicts named and nothing is
stored; a re-plan keeps what still holds. Otherwise each meeting gets its panel, a draw of purpose "wave"
(its inputs are the single draw's canonical inputs for that park and day, naming the wave and its
commitment, so replacements and the eligibility view work as for any panel), its members with the chair the
wave's seed chose, the bookings (the unique expert/day key refuses a double booking outright) and the
invitations queued.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ground import clock
from ground.actor import Actor
from ground.audit import record, record_many
from ground.errors import Conflict
from ground.extensions import db
from ground.i18n import _ln
from panels.models import Draw, Panel, PanelMember, RuleSet
from panels.rules import bundle as bundles
from panels.rules.rulesets import candidates, quota_specialties
from panels.seats.invite import invite_members
from panels.services.convener import draw_record
from panels.services.draws import _inputs, book, lock_meeting_day
from panels.services.present import remember_payload
from panels.solver import Candidate
from panels.solver.wave_model import WAVE_ENGINE_VERSION
from panels.waves.models import Wave
from panels.waves.services import check_stages, ensure_proposed, get_wave
from panels.waves.stale import current_facts, stale_members
from scheduling.models import Park


class WaveStale(Conflict):
    pass


def commit_wave(actor: Actor, wave_id: int) -> Wave:
    wave = get_wave(actor, wave_id, lock=True)
    ensure_proposed(wave)
    meetings = wave.plan["meetings"]
    ids = sorted({int(m["park_id"]) for m in meetings})
    parks = {p.id: p for p in db.session.scalars(select(Park).where(Park.id.in_(ids)))}
    check_stages(actor, [parks[i] for i in ids], wave.kind, clock.today())
    for day in sorted({date.fromisoformat(m["date"]) for m in meetings}):
        lock_meeting_day(day)
    facts = current_facts(wave, parks, None) if meetings else []
    conflicts = stale_members(actor, wave, facts)
    if conflicts:
        raise WaveStale("wave_stale", _ln(
            "The plan went stale: {n} member can no longer sit. Re-plan the wave.",
            "The plan went stale: {n} members can no longer sit. Re-plan the wave.", len(conflicts),
            n=len(conflicts)), extra={"conflicts": conflicts})
    rule_set = db.session.get(RuleSet, wave.rule_set_id)
    candidate_of = dict(zip((f.id for f in facts), candidates(facts, quota_specialties(rule_set.rules)), strict=True))
    now = clock.now()
    created: dict[str, int] = {}
    entries = []
    for m in meetings:
        park = parks[int(m["park_id"])]
        panel = _panel(actor, wave, park, rule_set, m, facts, candidate_of)
        created[str(park.id)] = panel.id
        entries.append(("panel.draw", "panel", panel.id, {
            "purpose": "wave", "wave_id": wave.id, "commitment": wave.commitment, "seed": wave.seed,
            "members": m["members"], "chair": m["chair"]}))
        invite_members(actor, panel, respond_by=None, expert_ids=None, now=now)
    record_many(actor, entries, now=now)
    wave.status, wave.committed_at, wave.committed_by, wave.panels = "committed", now, actor.label, created
    record(actor, "wave.committed", "wave", wave.id, {"panels": created, "commitment": wave.commitment})
    return wave


def _panel(actor: Actor, wave: Wave, park: Park, rule_set: RuleSet, meeting: dict[str, Any], facts,
           candidate_of: dict[int, Candidate]) -> Panel:
    day = date.fromisoformat(meeting["date"])
    members = [int(e) for e in meeting["members"]]
    size = wave.request["size"]
    panel = Panel(park_id=park.id, kind=wave.kind, convened_by=wave.convened_by, meeting_date=day, size=size,
                  alternates=0, rule_set=rule_set, location="", created_by=actor.user_id, status="drawn")
    db.session.add(panel)
    db.session.flush()
    inputs, assessments, view = _inputs(panel, rule_set, facts, park, fixed=[], excluded=[], alternates=0,
                                        candidate_of=candidate_of)
    inputs["wave"] = {"id": wave.id, "commitment": wave.commitment, "engine_version": WAVE_ENGINE_VERSION,
                      "seed": wave.seed}
    result = {"members": [str(e) for e in sorted(members)], "drawn": [str(e) for e in sorted(members)],
              "alternates": [], "chair": meeting["chair"], "min_probability": None, "optimal": None, "gap": None,
              "lottery_digest": None, "engine_version": WAVE_ENGINE_VERSION, "marginals": {}}
    draw = Draw(panel=panel, round=1, purpose="wave", commitment=bundles.commitment_of(inputs),
                server_entropy=wave.server_entropy, witness=None, seed_source="wave", seed=wave.seed,
                engine_version=WAVE_ENGINE_VERSION, inputs=inputs, result=result,
                eligibility=draw_record(view, assessments), created_by=actor.label)
    db.session.add(draw)
    db.session.flush()
    remember_payload(draw)
    for e in sorted(members):
        db.session.add(PanelMember(panel=panel, draw_id=draw.id, expert_id=e, role="member",
                                   is_chair=str(e) == meeting["chair"]))
    db.session.flush()
    book(panel, members)
    return panel
