"""What the convening authority of a panel may learn of the pool: the assessment as if other authorities'
panels did not exist.

Other authorities' panels are confidential to them (Art. 39). Their traces in the facts (``foreign_*``
bookings and earlier panels of the park, ``Conflict.confidential`` declared in answer to their invitations)
would otherwise show through what a convener reads: a booking as a reason, a hidden recusal taking the place
of a reason the convener may see (the first failing stage decides), a funnel stage that shrinks by their
size. So the convener is shown every expert assessed on the facts without those panels, and the experts
that only those panels exclude are one anonymous number. The draw itself always runs on the real
assessments: who may sit does not change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from panels.rules.recusal import Assessment, ExpertFacts, ParkContext, RecusalRules, assess, funnel


def has_others_panels(e: ExpertFacts) -> bool:
    """Some fact of the expert's comes from another authority's panel."""
    return bool(e.foreign_booked_days or e.foreign_past_panels or any(c.confidential for c in e.conflicts))


def without_others_panels(e: ExpertFacts) -> ExpertFacts:
    """The facts as if other authorities' panels did not exist (what their convener may be told about)."""
    days = [d for d in e.booked_days if d not in e.foreign_booked_days]
    past = list(e.past_panels)
    for foreign in e.foreign_past_panels:
        if foreign in past:
            past.remove(foreign)
    return replace(e, booked_days=tuple(days), past_panels=tuple(past),
                   conflicts=tuple(c for c in e.conflicts if not c.confidential),
                   foreign_booked_days=frozenset(), foreign_past_panels=())


def as_convener_sees(e: ExpertFacts, real: Assessment, park: ParkContext, rules: RecusalRules,
                     day: date) -> Assessment:
    """The assessment the convener may read. It differs from ``real`` only for an expert whom another
    authority's panel touches; removing facts only removes reasons, so it is eligible whenever ``real`` is."""
    if real.eligible or not has_others_panels(e):
        return real
    return assess(without_others_panels(e), park, rules, day)


@dataclass(frozen=True)
class ConvenerView:
    assessments: tuple[Assessment, ...]
    """Every expert as the convener may read them (stage and reasons on the facts without others' panels)."""
    confidential: frozenset[int]
    """Eligible but for other authorities' panels: counted for the convener, never named."""

    @property
    def funnel(self) -> dict[str, int]:
        return funnel(self.assessments)

    @property
    def eligible(self) -> int:
        """Experts eligible as far as the convener can tell (the funnel's last stage)."""
        return sum(a.eligible for a in self.assessments)


def convener_view(pairs: Iterable[tuple[ExpertFacts, Assessment]], park: ParkContext, rules: RecusalRules,
                  day: date) -> ConvenerView:
    """The convener's view of a draw's (or a day's) assessments ``(facts, real assessment)``."""
    seen, confidential = [], set()
    for facts, real in pairs:
        shown = as_convener_sees(facts, real, park, rules, day)
        if shown.eligible and not real.eligible:
            confidential.add(facts.id)
        seen.append(shown)
    return ConvenerView(tuple(seen), frozenset(confidential))
