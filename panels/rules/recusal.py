"""Who may sit on a panel: eligibility and recusal (回避) as plain functions on plain data.

Every expert of the pool passes through four stages, and the first stage that fails records *all* its
reasons, so an auditor can see why each expert was or was not eligible:

1. ``active``    — status active, within the term of appointment on the meeting date;
2. ``specialty`` — holds at least one specialty the rule set asks for (when it names any);
3. ``recusal``   — no tie to the park (DOMAIN.md's rule set): its management agency or a company in the park
   within the look-back years, the institution that prepared its plan, a blacklisted employer, a declared
   conflict, an earlier panel of the same park at a stage the rule set forbids repeating, the park's own
   province when the cap for it is 0;
4. ``available`` — not unavailable that day, not booked that day, rested enough since the last panel, under
   the yearly panel cap.

Some facts belong to other authorities' confidential panels (a booking, the rest after one, the yearly cap
they fill, an earlier panel of the park, a conflict declared in answer to their invitation). The facts mark
those (``foreign_*``, ``Conflict.confidential``); what a panel's convener may learn of them is
:mod:`panels.rules.convener`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

STAGES = ("active", "specialty", "recusal", "available")


@dataclass(frozen=True)
class Employment:
    organization_id: int
    start: date
    end: date | None


@dataclass(frozen=True)
class Conflict:
    park_id: int | None
    organization_id: int | None
    valid_from: date
    valid_to: date | None
    confidential: bool = False  # declared in answer to another authority's invitation


@dataclass(frozen=True)
class ExpertFacts:
    id: int
    status: str
    term_start: date | None
    term_end: date | None
    province: str
    organization_id: int
    title_rank: str
    specialties: frozenset[str]
    employments: tuple[Employment, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    unavailable: tuple[tuple[date, date], ...] = ()
    booked_days: tuple[date, ...] = ()
    past_panels: tuple[tuple[int, str], ...] = ()  # (park id, panel kind) of panels sat on
    # Of the above, those of panels another authority convened (confidential to the convening authority):
    foreign_booked_days: frozenset[date] = frozenset()
    foreign_past_panels: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class ParkContext:
    id: int
    province: str
    agency_id: int
    enterprise_ids: frozenset[int] = frozenset()
    planning_institution_id: int | None = None
    blacklisted_org_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RecusalRules:
    relevant_specialties: frozenset[str] = frozenset()
    employment_lookback_years: int = 3
    yearly_panel_cap: int | None = None
    min_rest_days: int = 0
    repeat_kinds_forbidden: frozenset[str] = frozenset()
    exclude_own_province: bool = False


@dataclass(frozen=True)
class Assessment:
    expert_id: int
    eligible: bool
    failed_stage: str | None = None
    reasons: tuple[str, ...] = field(default_factory=tuple)


def _overlaps(start: date, end: date | None, since: date, until: date) -> bool:
    return start <= until and (end is None or end >= since)


def _active(e: ExpertFacts, day: date) -> list[str]:
    reasons = []
    if e.status != "active":
        reasons.append(f"status_{e.status}")
    if e.term_start and day < e.term_start:
        reasons.append("term_not_started")
    if e.term_end and day > e.term_end:
        reasons.append("term_ended")
    return reasons


def _specialty(e: ExpertFacts, rules: RecusalRules) -> list[str]:
    if rules.relevant_specialties and not (e.specialties & rules.relevant_specialties):
        return ["no_relevant_specialty"]
    return []


@lru_cache(maxsize=64)
def lookback_start(day: date, years: int) -> date:
    """The first day of the employment look-back window (cached: the same for every expert of one draw)."""
    return day - relativedelta(years=years)


def _recusal(e: ExpertFacts, park: ParkContext, rules: RecusalRules, day: date) -> list[str]:
    reasons = []
    since = lookback_start(day, rules.employment_lookback_years)
    worked_at = {job.organization_id for job in e.employments if _overlaps(job.start, job.end, since, day)}
    worked_at.add(e.organization_id)
    if park.agency_id in worked_at:
        reasons.append("park_agency_employment")
    if worked_at & park.enterprise_ids:
        reasons.append("park_enterprise_employment")
    if park.planning_institution_id is not None and park.planning_institution_id in worked_at:
        reasons.append("planning_institution_employment")
    if e.organization_id in park.blacklisted_org_ids:
        reasons.append("blacklisted_employer")
    tied_orgs = {park.agency_id, *park.enterprise_ids}
    if park.planning_institution_id is not None:
        tied_orgs.add(park.planning_institution_id)
    for c in e.conflicts:
        if not _overlaps(c.valid_from, c.valid_to, day, day):
            continue
        if c.park_id == park.id:
            reasons.append("declared_conflict_park")
        elif c.organization_id is not None and c.organization_id in tied_orgs:
            reasons.append("declared_conflict_organization")
    if any(p == park.id and kind in rules.repeat_kinds_forbidden for p, kind in e.past_panels):
        reasons.append("earlier_panel_of_park")
    if rules.exclude_own_province and e.province == park.province:
        reasons.append("own_province")
    return sorted(set(reasons))


def _available(e: ExpertFacts, rules: RecusalRules, day: date) -> list[str]:
    reasons = []
    if any(start <= day <= end for start, end in e.unavailable):
        reasons.append("unavailable")
    if day in e.booked_days:
        reasons.append("booked_that_day")
    elif rules.min_rest_days and any(abs((b - day).days) < rules.min_rest_days for b in e.booked_days):
        reasons.append("rest_days")
    cap = rules.yearly_panel_cap
    if cap is not None and sum(b.year == day.year for b in e.booked_days) >= cap:
        reasons.append("yearly_cap")
    return reasons


def assess(e: ExpertFacts, park: ParkContext, rules: RecusalRules, day: date) -> Assessment:
    """Run the four stages; the first that fails decides, with every reason it found."""
    reasons = _active(e, day)
    if reasons:
        return Assessment(e.id, False, "active", tuple(reasons))
    reasons = _specialty(e, rules)
    if reasons:
        return Assessment(e.id, False, "specialty", tuple(reasons))
    reasons = _recusal(e, park, rules, day)
    if reasons:
        return Assessment(e.id, False, "recusal", tuple(reasons))
    reasons = _available(e, rules, day)
    if reasons:
        return Assessment(e.id, False, "available", tuple(reasons))
    return Assessment(e.id, True)


def _fast(cls):
    """A constructor of the frozen dataclass ``cls`` that takes every field by position and skips the
    per-field ``object.__setattr__`` of the generated ``__init__`` (5-10x cheaper; a pool has 10,000 experts).
    The instance is the same as ``cls(*values)``: equal, same hash, same repr."""
    names = tuple(f.name for f in fields(cls))
    new = object.__new__

    def make(*values):
        obj = new(cls)
        obj.__dict__.update(zip(names, values, strict=True))
        return obj
    return make


#: ``ExpertFacts(...)`` with all 15 fields given by position, for loading a whole pool.
expert_facts = _fast(ExpertFacts)
_assessment = _fast(Assessment)


def assess_all(experts: Sequence[ExpertFacts], park: ParkContext, rules: RecusalRules,
               day: date) -> list[Assessment]:
    """``[assess(e, park, rules, day) for e in experts]``, computed set-wise.

    Most experts have no jobs on record, conflicts, earlier panels, absences or bookings: for them the
    outcome depends only on status and term, specialties, employer and province, and the employer's and
    province's recusal reasons are worked out once per value, not once per expert. The others go through
    ``assess`` itself. (``tests/panels/test_recusal.py`` checks that both ways agree.)"""
    relevant = rules.relevant_specialties
    no_specialty = ("no_relevant_specialty",)
    tied = {park.agency_id, *park.enterprise_ids}
    if park.planning_institution_id is not None:
        tied.add(park.planning_institution_id)
    by_place: dict[tuple[int, bool], tuple[str, ...]] = {}
    out: list[Assessment] = []
    append = out.append
    for e in experts:
        if (e.employments or e.conflicts or e.past_panels or e.unavailable or e.booked_days
                or e.status != "active" or (e.term_start and day < e.term_start)
                or (e.term_end and day > e.term_end)):
            append(assess(e, park, rules, day))
            continue
        if relevant and not (e.specialties & relevant):
            append(_assessment(e.id, False, "specialty", no_specialty))
            continue
        place = (e.organization_id, e.province == park.province)
        reasons = by_place.get(place)
        if reasons is None:
            reasons = by_place[place] = tuple(_recusal(_bare(e), park, rules, day))
        append(_assessment(e.id, False, "recusal", reasons) if reasons else _assessment(e.id, True, None, ()))
    return out


def recused_ids(experts: Sequence[ExpertFacts], park: ParkContext, rules: RecusalRules,
                days: Sequence[date]) -> set[int]:
    """The ids of ``experts`` that the specialty or the recusal stage excludes from ``park`` on some of ``days``
    (sorted), for a wave: the experts come without their day-bound facts (status, term, absences, bookings),
    which the wave keeps as busy days, so only these two stages can fail.

    As in :func:`assess_all`, an expert with nothing but an employer and a province (most of the pool) is
    decided once per (employer, own province) pair, and that does not depend on the day; an expert with jobs
    on record is assessed on the first and the last day (a job that overlaps the look-back window of a day
    in between overlaps one of theirs), one with declared conflicts on every day (a declaration's validity
    may start or end in between)."""
    relevant = rules.relevant_specialties
    by_place: dict[tuple[int, bool], bool] = {}
    out: set[int] = set()
    ends = sorted({days[0], days[-1]})
    for e in experts:
        if e.employments or e.conflicts or e.past_panels:
            if any(not assess(e, park, rules, d).eligible for d in (days if e.conflicts else ends)):
                out.add(e.id)
            continue
        if relevant and not (e.specialties & relevant):
            out.add(e.id)
            continue
        place = (e.organization_id, e.province == park.province)
        recused = by_place.get(place)
        if recused is None:
            recused = by_place[place] = bool(_recusal(_bare(e), park, rules, days[0]))
        if recused:
            out.add(e.id)
    return out


def _bare(e: ExpertFacts) -> ExpertFacts:
    """An expert with only an employer and a province (``assess_all``'s per-place reasons)."""
    return ExpertFacts(0, "active", None, None, e.province, e.organization_id, "", frozenset())


def funnel(assessments: Iterable[Assessment]) -> dict[str, int]:
    """Counts as people read them: pool -> active -> specialty -> recusal -> available."""
    failed = Counter(a.failed_stage for a in assessments)
    remaining = sum(failed.values())
    counts = {"pool": remaining}
    for stage in STAGES:
        remaining -= failed[stage]
        counts[stage] = remaining
    return counts


def nearby_days(day: date, span: int = 14) -> list[date]:
    """Candidate alternative dates, nearest first (for "move the meeting to ..." suggestions)."""
    out = []
    for delta in range(1, span + 1):
        out.extend([day + timedelta(days=delta), day - timedelta(days=delta)])
    return out
