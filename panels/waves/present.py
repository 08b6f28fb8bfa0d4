"""A wave as its convening authority reads it: meetings with their members, unplaced parks with why and
what would place them, and the fairness in figures and words.

Only the Office reads the fairness figures and why a park could not be formed: the plan runs on the real
pool, so its figures move with other authorities' confidential panels (as a single draw's lottery figures
do, :func:`panels.services.present._chances`). A province reads the plan's meetings and, for an unplaced
park, one answer whatever kept it out.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ground.actor import Actor
from ground.extensions import db
from ground.i18n import Msg, _l, bilingual
from panels.rules.rulesets import describe_group
from panels.services.group_names import group_names
from panels.services.present import _expert_cards
from panels.waves.models import Wave
from scheduling.models import Park

REASONS: dict[str, tuple[Msg, Msg]] = {
    "no_allowed_day": (_l("No working day of the window falls within the park's allowed days."),
                       _l("Widen the window, or give the park days within it.")),
    "no_feasible_day": (_l("On none of its days can the pool form a panel that keeps the rules."),
                        _l("Widen the window, lower the panel size, or ask the Office to adjust the rule set.")),
    "crowded_out": (_l("A panel could be formed on some of its days taken alone, but the wave's other meetings "
                       "filled those days or took the experts it needed."),
                    _l("Raise the meetings per day, widen the window, or allow each expert more panels in the "
                       "wave.")),
}
AT_LEAST = _l("at least {bound} {value}")
AT_MOST = _l("at most {bound} {value}")
NOT_PLACED = (_l("No meeting could be placed for it in the window."),
              _l("Widen the window, raise the meetings per day, or lower the panel size."))


def _conflict_words(conflict: list[str]) -> list[Msg]:
    """``spec:eia:min:2`` -> "at least 2 of specialty “EIA”"."""
    groups = [c.rsplit(":", 2)[0] for c in conflict if c.count(":") >= 2]
    names = group_names(groups)
    out = []
    for c in conflict:
        if c.count(":") < 2:
            out.append(_l("the pool is too small"))
            continue
        group, side, bound = c.rsplit(":", 2)
        zh, en = describe_group(group, names)
        words = AT_LEAST if side == "min" else AT_MOST
        out.append(words.format(bound=bound, value=bilingual(zh, en)))  # a group's name is data in both languages
    return out


def fairness_words(f: dict[str, Any]) -> Msg:
    return _l("Every eligible expert expects at least {low:.3f} panels in this wave (estimated over {replays} "
              "replays); no fair lottery could give everyone more than {bound:.3f}: {share} of the optimum.").format(
        low=f["estimated_min"], replays=f["replays"], bound=f["bound"], share=f"{100 * min(1.0, f['ratio']):.0f}%")


def present_wave(actor: Actor, wave: Wave) -> dict[str, Any]:
    plan = wave.plan
    reveal_all = actor.is_office
    ids = [int(i) for i in wave.request["park_ids"]]
    names = dict(db.session.execute(select(Park.id, Park.name).where(Park.id.in_(ids))).all())
    cards = _expert_cards(sorted({int(e) for m in plan["meetings"] for e in m["members"]}))
    meetings = [{
        "park_id": int(m["park_id"]), "park_name": names.get(int(m["park_id"]), ""), "date": m["date"],
        "kept": m["kept"], "panel_id": (wave.panels or {}).get(str(m["park_id"])),
        "members": [{"expert_id": int(e), **cards.get(int(e), {}), "is_chair": e == m["chair"]}
                    for e in m["members"]]} for m in plan["meetings"]]
    unplaced = []
    for u in plan["unplaced"]:
        why, fix = REASONS.get(u["reason"], NOT_PLACED) if reveal_all else NOT_PLACED
        unplaced.append({
            "park_id": int(u["park_id"]), "park_name": names.get(int(u["park_id"]), ""),
            "reason": u["reason"] if reveal_all else "not_placed", "message": why, "what_would_place_it": fix,
            "conflict": _conflict_words(u["conflict"]) if reveal_all else [],
            "feasible_days": u["feasible_days"] if reveal_all else []})
    f = plan["fairness"]
    fairness = {"bound": f["bound"], "estimated_min": f["estimated_min"], "ratio": round(f["ratio"], 6),
                "estimated_se": f["estimated_se"], "replays": f["replays"], "eligible": f["eligible"],
                "words": fairness_words(f)} if reveal_all else None
    req = wave.request
    return {"id": wave.id, "kind": wave.kind, "status": wave.status, "convened_by": wave.convened_by,
            "from": req["from"], "to": req["to"], "size": req["size"], "max_per_day": req["max_per_day"],
            "per_expert_cap": req["per_expert_cap"], "rule_set": req["rule_set"], "park_ids": ids,
            "commitment": wave.commitment, "seed": wave.seed, "engine_version": wave.engine_version,
            "meetings": meetings, "unplaced": unplaced, "fairness": fairness, "replans": wave.replans_id,
            "created_at": wave.created_at, "created_by": wave.created_by, "committed_at": wave.committed_at,
            "panels": {int(k): v for k, v in (wave.panels or {}).items()}}
