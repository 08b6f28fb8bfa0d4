"""What the convening authority of a panel may learn of the pool: the assessment as if other authorities'
panels did not exist.

Other authorities' panels are confidential to them (Art. 39). Their traces in the facts (``foreign_*``
bookings and earlier panels of the park, ``Conflict.confidential`` declared in answer to their invitations)
would otherwise show through what a convener reads: a booking as a reason, a hidden recusal taking the place
of a reason the convener may see (the first failing stage decides), a funnel stage that shrinks by their
size. So the convener is shown every expert assessed on the facts without those panels, and the experts
that only those panels exclude are one anonymous number. The draw itself always runs on the real
assessments: who may sit does not change.

That number is counted over the whole pool (:func:`held_by_others`), not among the experts the convener's
view leaves eligible: counted there, it would drop by one when the convener excludes, by a fact it controls
(an absence it records, a job, a park of its own), an expert whom another panel holds, so two draws on one day
with that fact changed between them would name the expert (SECURITY.md, red-team finding 6).
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


def held_by_others(e: ExpertFacts, park: ParkContext, rules: RecusalRules, day: date) -> bool:
    """Other authorities' panels alone keep the expert from this meeting, whatever else excludes them: a
    booking that day or within the rest days, their yearly cap, a conflict declared in answer to their
    invitation, an earlier panel of theirs for the park. Nothing the convener records changes it."""
    foreign = e.foreign_booked_days
    if day in foreign or (rules.min_rest_days and any(abs((b - day).days) < rules.min_rest_days for b in foreign)):
        return True
    cap = rules.yearly_panel_cap
    if cap is not None and sum(b.year == day.year for b in foreign) >= cap:
        return True
    if any(c.confidential and c.park_id == park.id and (c.valid_to is None or day <= c.valid_to)
           and c.valid_from <= day for c in e.conflicts):
        return True
    return any(p == park.id and kind in rules.repeat_kinds_forbidden for p, kind in e.foreign_past_panels)


@dataclass(frozen=True)
class ConvenerView:
    assessments: tuple[Assessment, ...]
    """Every expert as the convener may read them (stage and reasons on the facts without others' panels)."""
    confidential: frozenset[int]
    """Eligible but for other authorities' panels: never named, never listed."""
    held_elsewhere: int = 0
    """How many experts of the pool other authorities' panels alone keep from the meeting
    (:func:`held_by_others`): the anonymous number the convener is told."""

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
    seen, confidential, held = [], set(), 0
    for facts, real in pairs:
        shown = as_convener_sees(facts, real, park, rules, day)
        if shown.eligible and not real.eligible:
            confidential.add(facts.id)
        if has_others_panels(facts) and held_by_others(facts, park, rules, day):
            held += 1
        seen.append(shown)
    return ConvenerView(tuple(seen), frozenset(confidential), held)
