"""A draw as its convening province may read it (:mod:`panels.rules.convener`): recorded beside the committed
inputs when the draw is made (``Draw.eligibility``), read back for the eligibility view and the draw summary.

The Office reads the committed inputs themselves (every reason, the real funnel)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from panels.models import Draw
from panels.rules import recusal
from panels.rules.convener import ConvenerView


def draw_record(view: ConvenerView, real: list[recusal.Assessment]) -> dict[str, Any]:
    """What ``Draw.eligibility`` keeps: the convener's funnel, the excluded experts whose stage or reasons the
    convener reads otherwise than the inputs say, and those only other authorities' panels exclude."""
    seen = {str(s.expert_id): [s.failed_stage, list(s.reasons)] for s, r in zip(view.assessments, real, strict=True)
            if not s.eligible and s != r}
    return {"convener": {"funnel": view.funnel, "seen": seen, "confidential": sorted(view.confidential),
                         "held_elsewhere": view.held_elsewhere}}


@dataclass(frozen=True)
class Exclusions:
    funnel: dict[str, int]
    excluded: dict[str, tuple[str, list[str]]]
    """Expert id -> (stage, reasons) as the convener reads them."""
    unavailable_elsewhere: int | None
    """How many experts of the pool other authorities' panels alone keep from the meeting; None for a draw
    recorded before that number was kept (the older count could be differenced: SECURITY.md, finding 6)."""


# Reasons that can rest on another authority's panel. A draw recorded before the convener's view was kept
# (``Draw.eligibility`` without it) is read as if they all might, or as its ``hidden`` marks say.
MAY_BE_CONFIDENTIAL = frozenset({"booked_that_day", "rest_days", "yearly_cap", "earlier_panel_of_park",
                                 "declared_conflict_park"})


def as_convener_reads(draw: Draw) -> Exclusions:
    """The draw's exclusions as its convening province may read them."""
    real = draw.inputs["excluded_experts"]
    recorded = (draw.eligibility or {}).get("convener")
    if recorded is not None:
        confidential = {str(e) for e in recorded["confidential"]}
        excluded = {eid: tuple(recorded["seen"].get(eid, found)) for eid, found in real.items()
                    if eid not in confidential}
        return Exclusions(recorded["funnel"], excluded, recorded.get("held_elsewhere"))
    return _older_draw(draw, real)


def _older_draw(draw: Draw, real: dict[str, Any]) -> Exclusions:
    """A draw made before the convener's view was recorded: confidential reasons are dropped and an expert
    left with none is not listed; the funnel is counted from what remains (those as if eligible). A
    visible reason of a later stage that a confidential one hid is lost (SECURITY.md, known limits)."""
    hidden = (draw.eligibility or {}).get("hidden")
    excluded = {}
    for eid, (stage, reasons) in real.items():
        drop = set(hidden.get(eid, ())) if hidden is not None else MAY_BE_CONFIDENTIAL
        shown = [r for r in reasons if r not in drop]
        if shown:
            excluded[eid] = (stage, shown)
    pool = draw.inputs.get("funnel", {}).get("pool", len(real))
    seen = [recusal.Assessment(int(eid), False, stage) for eid, (stage, _) in excluded.items()]
    seen += [recusal.Assessment(0, True)] * (pool - len(seen))
    return Exclusions(recusal.funnel(seen), excluded, None)
