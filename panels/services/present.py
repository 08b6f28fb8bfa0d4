"""What a panel looks like to its convening authority: members, draws, eligibility, audit bundles."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from expert_pool.models import (
    Expert,
    Organization,
    expert_specialties,
)
from ground.errors import not_found
from ground.extensions import db
from ground.i18n import _l
from panels.models import ACTIVE_MEMBER, Draw, Panel, PanelMember
from panels.rules import bundle as bundles
from panels.services.convener import as_convener_reads
from panels.services.moves import move_signals

# --- presenting ------------------------------------------------------------------------------------------

#: ``Session.info`` key: the payloads (inputs, result, eligibility) of draws this session wrote, by draw id.
_FRESH = "panels.fresh_draw_payloads"
_PAYLOAD = ("inputs", "result", "eligibility")


def remember_payload(draw: Draw) -> None:
    """Keep a draw's documents for this session: committing expires them, and presenting the panel right
    after its draw would otherwise read back and parse the megabytes just written (they never change)."""
    db.session.info.setdefault(_FRESH, {})[draw.id] = tuple(getattr(draw, k) for k in _PAYLOAD)


def _draws(panel: Panel) -> list[Draw]:
    """The panel's draws, with the documents of those this session wrote already in place."""
    fresh = db.session.info.get(_FRESH, {})
    for d in panel.draws:
        kept = fresh.get(d.id)
        if kept is not None and "inputs" not in d.__dict__:  # not loaded: put back what was written
            for key, value in zip(_PAYLOAD, kept, strict=True):
                set_committed_value(d, key, value)
    return panel.draws

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


#: The share of the best possible minimum chance a draw must certify to be called fair (the engine's promise).
FAIRNESS_CERTIFIED_AT = 0.95


def _chances(result: dict[str, Any], reveal_all: bool) -> dict[str, Any]:
    """The lottery's figures. Only the Office reads the numbers: the lottery runs on the real pool, so its least
    chance moves when an expert another authority's panel holds leaves or joins it, and a province that changes
    one expert's facts between two draws on a day would read that expert's booking in the difference
    (SECURITY.md, finding 6). Everyone reads whether the draw certified its fairness."""
    ratio = _fairness_ratio(result)
    certified = ratio is not None and ratio >= FAIRNESS_CERTIFIED_AT
    if not reveal_all:
        return {"min_probability": None, "gap": None, "fairness_ratio": None, "fairness_certified": certified}
    return {"min_probability": result.get("min_probability"), "gap": result.get("gap"), "fairness_ratio": ratio,
            "fairness_certified": certified}


def _draw_summary(draw: Draw, reveal_all: bool) -> dict[str, Any]:
    if reveal_all:
        funnel, elsewhere = draw.inputs.get("funnel", {}), None
    else:
        seen = as_convener_reads(draw)
        funnel, elsewhere = seen.funnel, seen.unavailable_elsewhere
    return {"id": draw.id, "round": draw.round, "purpose": draw.purpose, "seed": draw.seed,
            "seed_source": draw.seed_source, "commitment": draw.commitment, "witness": draw.witness,
            "engine_version": draw.engine_version, "funnel": funnel, "unavailable_elsewhere": elsewhere,
            "optimal": draw.result.get("optimal"), **_chances(draw.result, reveal_all),
            "created_at": draw.created_at, "created_by": draw.created_by, "supervised_by": draw.supervised_by}


def present_panel(panel: Panel, *, reveal_all: bool = False) -> dict[str, Any]:
    """The panel for its convening authority. ``reveal_all`` (the Office): each draw's real funnel, and the
    panel's signs of probing; a province reads each draw as if other authorities' panels did not exist."""
    cards = _expert_cards([m.expert_id for m in panel.members])
    rounds = {d.id: d.round for d in _draws(panel)}

    def row(m: PanelMember) -> dict[str, Any]:
        return {"expert_id": m.expert_id, **cards.get(m.expert_id, {}), "role": m.role, "rank": m.rank,
                "is_chair": m.is_chair, "status": m.status, "status_reason": m.status_reason,
                "draw_round": rounds.get(m.draw_id)}

    members = [row(m) for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    alternates = [row(m) for m in sorted(panel.members, key=lambda m: m.rank)
                  if m.role == "alternate" and m.status == "drawn"]
    history = [row(m) for m in panel.members if m.status not in ACTIVE_MEMBER]
    draws = [_draw_summary(d, reveal_all) for d in panel.draws]
    out = {"id": panel.id, "park_id": panel.park_id, "kind": panel.kind, "convened_by": panel.convened_by,
           "meeting_date": panel.meeting_date, "size": panel.size, "status": panel.status,
           "location": panel.location, "rule_set": panel.rule_set, "members": members,
           "alternates": alternates, "history": history, "draw": draws[0], "draws": draws,
           "stage_override": panel.stage_override}
    if reveal_all:
        out.update(move_signals(panel))
    return out


def eligibility(panel: Panel, round_no: int | None, eligible: bool | None, page: int, page_size: int, *,
                reveal_all: bool = False):
    """Every expert of the pool for one draw round: eligible (with their exact chance) or why not.

    Only the Office (``reveal_all``) reads the draw's committed assessment. The convening province reads it as
    if other authorities' panels did not exist (:mod:`panels.services.convener`): every stage, reason and
    funnel count is what it would be without them, and the experts only those panels exclude are one
    anonymous count over the whole pool (``unavailable_elsewhere``), never named. Nor does it get the eligible
    experts one by one (``eligible_listed`` false): with the shared pool's roster, the experts neither listed
    eligible nor listed excluded would be exactly those on other authorities' panels that day; nor the
    lottery's least and greatest chance (see :func:`_chances`)."""
    draw = panel.draws[-1] if round_no is None else next((d for d in panel.draws if d.round == round_no), None)
    if draw is None:
        raise not_found(_l("Draw round"), round_no)
    marginals = draw.result.get("marginals", {})
    if reveal_all:
        funnel, unavailable_elsewhere = draw.inputs.get("funnel", {}), None
        excluded = draw.inputs["excluded_experts"]
        items = [{"expert_id": int(cid), "eligible": True, "stage": None, "reasons": [],
                  "probability": marginals.get(cid)} for cid, _ in draw.inputs["candidates"]]
    else:
        seen = as_convener_reads(draw)
        funnel, unavailable_elsewhere, excluded, items = seen.funnel, seen.unavailable_elsewhere, seen.excluded, []
    items += [{"expert_id": int(eid), "eligible": False, "stage": stage, "reasons": list(reasons),
               "probability": 0.0} for eid, (stage, reasons) in excluded.items()]
    if eligible is not None:
        items = [i for i in items if i["eligible"] is eligible]
    items.sort(key=lambda i: i["expert_id"])
    probs = [p for p in marginals.values() if p is not None] if reveal_all else []
    return {"round": draw.round, "funnel": funnel, "unavailable_elsewhere": unavailable_elsewhere,
            "eligible_listed": reveal_all, "min_probability": min(probs) if probs else None,
            "max_probability": max(probs) if probs else None,
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
            created_by=d.created_by, supervised_by=d.supervised_by))
    return out


