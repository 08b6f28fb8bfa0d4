"""The guard of the actions a review panel decides (see :mod:`.panel_outcomes`), kept apart from
:mod:`.guards` because it reads the panel outcomes the facts carry; the table imports it, which registers it."""

from __future__ import annotations

from scheduling.rules.lifecycle.guards import Blocked, GuardContext, register_guard
from scheduling.rules.lifecycle.panel_outcomes import PANEL_DECIDED, outcome_for
from scheduling.rules.lifecycle.vocabulary import PANEL_KIND_NAMES
from scheduling.rules.messages import N_, Term, Text

NAME = "panel_concluded"


@register_guard
def panel_concluded(ctx: GuardContext) -> Blocked | None:
    """Art. 10, 12, 17-18, 24-26, 37: an action a review panel decides follows that panel's conclusion."""
    if ctx.panel_override or ctx.action is None or ctx.action not in PANEL_DECIDED:
        return None
    if outcome_for(ctx.action, ctx.facts.panel_outcomes) is not None:
        return None
    return Blocked("panel_conclusion_required", 37, Text(N_(
        "This action follows the conclusion of a {kind} panel: record the conclusion on that panel's meeting "
        "(the Office may override with a stated reason)."),
        {"kind": Term(PANEL_KIND_NAMES[PANEL_DECIDED[ctx.action]])}))
