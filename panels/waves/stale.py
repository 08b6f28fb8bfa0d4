"""Whether a proposal still holds: every member re-assessed against the database as it is now.

Since the proposal, a member may have been booked elsewhere (a single draw on that day or within the rest
days), recorded as away, reached the yearly cap, declared a conflict, left the pool. Each member is assessed
by the draw's own rules on the current facts, with the wave's other meetings of the member as bookings (so
the rest days and the yearly cap count them). A conflict names the park, the day and the expert; the reasons
are those the caller may read (:mod:`panels.rules.convener`): another authority's panel is never named, the
caller is told only that the expert is no longer free that day.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import select

from ground.actor import Actor
from ground.extensions import db
from panels.models import RuleSet
from panels.rules import recusal
from panels.rules.convener import as_convener_sees
from panels.rules.rulesets import recusal_rules
from panels.services.pool import park_context, pool_facts
from panels.waves.models import Wave
from scheduling.models import Park

#: What a province reads when only another authority's panel keeps the member away.
NOT_FREE = "not_free"


def current_facts(wave: Wave, parks: dict[int, Park], experts: list[int] | None) -> list[recusal.ExpertFacts]:
    rule_set = db.session.get(RuleSet, wave.rule_set_id)
    rules = recusal_rules(rule_set.rules, wave.convened_by)
    days = sorted(date.fromisoformat(m["date"]) for m in wave.plan["meetings"])
    first_park = next(iter(parks.values()))
    return pool_facts(first_park, days[0], rules, until=days[-1], experts=experts, park_ids=list(parks),
                      authority=wave.convened_by)


def stale_members(actor: Actor, wave: Wave, facts: list[recusal.ExpertFacts] | None = None) -> list[dict[str, Any]]:
    """The members of the proposal who can no longer sit, as the caller may read why (empty: it holds)."""
    meetings = wave.plan["meetings"]
    if not meetings:
        return []
    ids = sorted({int(p) for p in (m["park_id"] for m in meetings)})
    parks = {p.id: p for p in db.session.scalars(select(Park).where(Park.id.in_(ids)))}
    members = sorted({int(e) for m in meetings for e in m["members"]})
    if facts is None:
        facts = current_facts(wave, parks, members)
    by_id = {f.id: f for f in facts}
    rule_set = db.session.get(RuleSet, wave.rule_set_id)
    rules = recusal_rules(rule_set.rules, wave.convened_by)
    sits: dict[int, list[date]] = {}
    for m in meetings:
        for e in m["members"]:
            sits.setdefault(int(e), []).append(date.fromisoformat(m["date"]))
    reveal_all = actor.is_office
    out = []
    for m in meetings:
        day = date.fromisoformat(m["date"])
        park = parks.get(int(m["park_id"]))
        ctx = park_context(park, day)
        for e in m["members"]:
            f = by_id.get(int(e))
            if f is None:  # gone from the pool
                out.append({"park_id": int(m["park_id"]), "date": m["date"], "expert_id": int(e),
                            "reasons": ["removed"]})
                continue
            others = tuple(d for d in sits[int(e)] if d != day)
            f = replace(f, booked_days=tuple(sorted(f.booked_days + others)))
            real = recusal.assess(f, ctx, rules, day)
            if real.eligible:
                continue
            reasons = list(real.reasons)
            if not reveal_all:
                seen = as_convener_sees(f, real, ctx, rules, day)
                reasons = list(seen.reasons) if not seen.eligible else [NOT_FREE]
            out.append({"park_id": int(m["park_id"]), "date": m["date"], "expert_id": int(e), "reasons": reasons})
    return out
