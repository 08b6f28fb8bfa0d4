"""A wave's canonical inputs, the planner request they stand for, and the stored plan (pure).

The inputs are what the commitment is over (:mod:`panels.rules.bundle`: SHA-256 of their canonical JSON,
fixed before the server entropy exists; the seed derived from both). They hold the pool as the planner sees
it, compactly: each expert once (groups, busy days, yearly capacity left), each park with its days and the
experts its recusal excludes, the rule set (the quotas follow from it, :func:`panels.rules.rulesets.quotas`),
the meetings a re-plan keeps and the members it locks. :func:`replay` re-runs the planner on them: the same
inputs and seed give the same meetings, members and chairs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from panels.rules.bundle import (
    Verification,
    canonical_json,
    choose_chair,
    commitment_of,
    derive_seed,
    verify_document,
)
from panels.rules.rulesets import quotas
from panels.solver import Candidate
from panels.solver.wave_model import WAVE_ENGINE_VERSION, WaveExpert, WavePark, WavePlan, WaveRequest
from panels.solver.waves import plan_wave

#: Replays that estimate the plan's fairness (the plan itself does not depend on them): 8 resolve the least
#: class mean to a few per cent on a season of 100 parks (benchmarks/bench_waves.py) in half the time of 16.
REPLAYS = 8


def request_from_inputs(inputs: Mapping[str, Any], seed: int, time_limit_s: float = 30.0,
                        replays: int = REPLAYS) -> WaveRequest:
    """The planner's request for committed ``inputs``. The kept meetings of a re-plan take their members'
    day (and the rest days around it) and one panel of their caps."""
    rest = inputs["rest_days"]
    cap = inputs["per_expert_cap"]
    held: dict[str, list[date]] = {}
    for _park, day, members, _chair in inputs["kept"]:
        for e in members:
            held.setdefault(e, []).append(date.fromisoformat(day))
    days = sorted({date.fromisoformat(d) for _pid, _prov, ds, _ex in inputs["parks"] for d in ds})
    experts = []
    for eid, groups, busy, capacity in inputs["experts"]:
        busy_days = {date.fromisoformat(d) for d in busy}
        own = held.get(eid, ())
        for k in own:
            busy_days.update(d for d in days if abs((d - k).days) < max(1, rest))
        left = capacity if capacity is None else capacity - len(own)
        if own:
            left = min(cap - len(own), cap if left is None else left)
        experts.append(WaveExpert(eid, frozenset(groups), frozenset(busy_days), left))
    parks = []
    everyone = [e.id for e in experts]
    pool = [Candidate(e.id, e.groups) for e in experts]
    rules, convened_by = inputs["rule_set"]["rules"], inputs["convened_by"]
    # The caps per organisation and province are made over the whole pool, once per park province: a cap on a
    # value no eligible expert holds cannot bind (the engine discards it), so the parks of one province share them.
    by_province: dict[str, tuple] = {}
    locks = inputs.get("locks", {})
    for pid, province, ds, excluded in inputs["parks"]:
        out = set(excluded)
        eligible = frozenset(e for e in everyone if e not in out)
        if province not in by_province:
            by_province[province] = quotas(rules, pool, province, convened_by)
        parks.append(WavePark(pid, tuple(date.fromisoformat(d) for d in ds), eligible, by_province[province],
                              tuple(sorted(locks.get(pid, ())))))
    taken: dict[date, int] = {}
    for _park, day, _members, _chair in inputs["kept"]:
        taken[date.fromisoformat(day)] = taken.get(date.fromisoformat(day), 0) + 1
    return WaveRequest(tuple(experts), tuple(parks), inputs["size"], inputs["max_per_day"], per_expert_cap=cap,
                       rest_days=rest, seed=seed, time_limit_s=time_limit_s, replays=replays,
                       taken=tuple(sorted(taken.items())))


def meeting_seed(seed: int, park_id: str) -> int:
    """The seed of one meeting's chair: independent of the member draw and of the other meetings."""
    digest = hashlib.sha256(f"{WAVE_ENGINE_VERSION}:chair:{seed}:{park_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def plan_record(inputs: Mapping[str, Any], plan: WavePlan) -> dict[str, Any]:
    """The stored form of a plan: kept meetings first, then the drawn ones (by day, then park), each with its
    chair (chosen by the seed, a senior member when the rule set asks); unplaced parks; fairness figures."""
    groups = {eid: frozenset(g) for eid, g, _busy, _cap in inputs["experts"]}
    senior = bool(inputs["chair_senior"])
    meetings = [{"park_id": pid, "date": day, "members": sorted(members), "chair": chair, "kept": True}
                for pid, day, members, chair in inputs["kept"]]
    for m in plan.meetings:
        chair = choose_chair(m.members, groups, meeting_seed(plan.seed, m.park_id), senior)
        meetings.append({"park_id": m.park_id, "date": m.day.isoformat(), "members": list(m.members),
                         "chair": chair, "kept": False})
    meetings.sort(key=lambda m: (m["date"], int(m["park_id"])))
    f = plan.fairness
    return {
        "meetings": meetings,
        "unplaced": [{"park_id": u.park_id, "reason": u.reason, "conflict": list(u.conflict),
                      "feasible_days": [d.isoformat() for d in u.feasible_days]} for u in plan.unplaced],
        "fairness": {"bound": f.bound, "bound_optimal": f.bound_optimal, "estimated_min": f.estimated_min,
                     "estimated_se": f.estimated_se, "mean": f.mean, "ratio": f.ratio, "eligible": f.eligible,
                     "classes": f.classes, "replays": f.replays, "resolved": f.resolved, "below_90": f.below_90},
        "engine_version": plan.engine_version,
    }


def replay(inputs: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """Re-run the planner on committed inputs (no replays: they only estimate the fairness)."""
    return plan_record(inputs, plan_wave(request_from_inputs(inputs, seed, replays=0)))


def same_plan(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[str]:
    """What differs between two stored plans in what is drawn (meetings, members, chairs, unplaced parks)."""
    problems = []
    if a["meetings"] != b["meetings"]:
        problems.append("meetings differ")
    if [u["park_id"] for u in a["unplaced"]] != [u["park_id"] for u in b["unplaced"]]:
        problems.append("unplaced parks differ")
    return problems


# --- the wave's audit bundle: everything needed to check the proposal offline --------------------------------

WAVE_BUNDLE_FORMAT = "ecopanel-wave-bundle/1"


def make_wave_bundle(*, wave_id: int, kind: str, convened_by: str, inputs: Mapping[str, Any], commitment: str,
                     server_entropy: str, seed: int, plan: Mapping[str, Any], created_at: str,
                     created_by: str) -> str:
    """The wave's bundle as canonical JSON text (``GET /api/v1/waves/{id}/bundle``; ``ecopanel draws verify``
    reads it): the committed inputs, the entropy and the seed, and the meetings, members and chairs drawn."""
    drawn = {"meetings": plan["meetings"], "unplaced": [{"park_id": u["park_id"], "reason": u["reason"]}
                                                        for u in plan["unplaced"]]}
    return canonical_json({
        "format": WAVE_BUNDLE_FORMAT, "wave_id": wave_id, "kind": kind, "convened_by": convened_by,
        "inputs": inputs, "commitment": commitment, "entropy": {"server": server_entropy},
        "seed_source": "derived", "seed": seed, "plan": drawn, "created_at": created_at,
        "created_by": created_by,
    })


def wave_problems(inputs: Mapping[str, Any], commitment: str, server_entropy: str, seed: int,
                  plan: Mapping[str, Any]) -> list[str]:
    """What does not hold: the commitment over the inputs, the seed derived from it and the entropy, and a
    re-run of the planner giving the same meetings, members, chairs and unplaced parks."""
    problems = []
    if commitment_of(inputs) != commitment:
        problems.append("commitment does not match the inputs (inputs or commitment altered)")
    derived = derive_seed(commitment, server_entropy, None)
    if derived != seed:
        problems.append(f"seed {seed} is not the one derived from commitment and entropy ({derived})")
    if inputs.get("engine_version") != WAVE_ENGINE_VERSION:
        problems.append(f"planned with {inputs.get('engine_version')}, this is {WAVE_ENGINE_VERSION}: "
                        "verify with that version")
    return problems + same_plan(plan, replay(inputs, seed))


def verify_wave_bundle(text: str) -> Verification:
    """Check a wave's bundle offline: canonical bytes, commitment, seed derivation, and a re-run of the plan."""
    try:
        bundle = json.loads(text)
    except json.JSONDecodeError as exc:
        return Verification(False, (f"not valid JSON: {exc}",))
    if not isinstance(bundle, dict) or bundle.get("format") != WAVE_BUNDLE_FORMAT:
        return Verification(False, (f"not an {WAVE_BUNDLE_FORMAT} bundle",))
    problems = []
    if canonical_json(bundle) != text.rstrip("\n"):
        problems.append("the file is not in canonical form: its bytes were changed after export")
    try:
        problems += wave_problems(bundle["inputs"], bundle["commitment"], bundle["entropy"]["server"],
                                  bundle["seed"], bundle["plan"])
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(f"malformed bundle: {exc!r}")
    return Verification(not problems, tuple(problems))


def verify_any(text: str) -> list[tuple[str, Verification]]:
    """``ecopanel draws verify``: a wave's bundle, or a draw's bundle or the audit endpoint's list of them."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict) and doc.get("format") == WAVE_BUNDLE_FORMAT:
        return [(f"wave {doc.get('wave_id')}", verify_wave_bundle(text))]
    return verify_document(text)
