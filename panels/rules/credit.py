"""The experts' record as rules (pure): the rating window and a rating's parts, the conduct records derived from
attendance and invitations, an expert's credit score, and the proposals a score's change calls for.

The Office keeps the parameters as data (a versioned credit rule set, ``panels.record.rule_data``); stored sets
are completed with :data:`CREDIT_DEFAULTS` when read, so a set written before a parameter existed keeps working.

Decisions **[rule]**, each a parameter:

* **Rating** (after Zhejiang's expert-pool rules: the convener rates each expert within 2 working days on 100
  points): competence 40, discipline 30, integrity 30 (``rating_max``; the parts must add up to 100). Competence
  weighs most because it is what the panel is for; discipline (attendance, preparation, keeping time) and
  integrity (independence, confidentiality, no interference) weigh alike.
* **Window**: from the meeting day to the end of the ``rating_window_working_days``-th working day after it
  (official calendar, adjusted workdays included).
* **Score**: the mean of the ratings in the last ``lookback_months`` (``neutral_score`` with none yet), minus the
  points of each conduct record in that time (``deductions``), kept between 0 and 100.
* **Proposals**, made when a condition becomes true (a crossing, not every time it holds): below
  ``suspend_below`` suspend; below ``remove_below`` or on a record of a kind in ``remove_on`` remove (instead of
  suspend); at least ``promote_at`` with ``promote_min_ratings`` ratings and no record promote to the senior
  list. The system proposes; the Office decides.
* **Declines without a reason**: silence until the invitation's deadline always counts, a decline only when its
  reason code is in ``unexcused_declines.reasons`` (none by default: every decline form asks for a reason);
  ``count`` of them within ``months`` make one record (and the count starts again).
* **Late withdrawal**: a member who accepted and gave the seat up ``late_withdrawal_days`` or fewer days before
  the meeting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from scheduling.rules.calendar import WorkingDayCalendar
from scheduling.rules.messages import N_, NP_, Term, Text

RATING_PARTS = ("competence", "discipline", "integrity")
# Names in words: English msgids in their contexts (translated where shown; the Chinese is in the catalog).
RATING_PART_NAMES = {"competence": NP_("rating part", "Competence"), "discipline": NP_("rating part", "Discipline"),
                     "integrity": NP_("rating part", "Integrity")}

NO_SHOW, LATE_WITHDRAWAL, UNEXCUSED_DECLINES = "no_show", "late_withdrawal", "unexcused_declines"
CONFIDENTIALITY_BREACH, COMPLAINT_UPHELD = "confidentiality_breach", "complaint_upheld"
DERIVED_KINDS = (NO_SHOW, LATE_WITHDRAWAL, UNEXCUSED_DECLINES)
RECORDED_KINDS = (CONFIDENTIALITY_BREACH, COMPLAINT_UPHELD)  # recorded by the Office
CONDUCT_KINDS = DERIVED_KINDS + RECORDED_KINDS
CONDUCT_NAMES = {
    NO_SHOW: NP_("conduct", "No-show without notice"),
    LATE_WITHDRAWAL: NP_("conduct", "Late withdrawal after accepting"),
    UNEXCUSED_DECLINES: NP_("conduct", "Repeated declines without a reason"),
    CONFIDENTIALITY_BREACH: NP_("conduct", "Breach of confidentiality"),
    COMPLAINT_UPHELD: NP_("conduct", "Complaint upheld"),
}

SUSPEND, REMOVE, PROMOTE = "suspend", "remove", "promote"
PROPOSAL_ACTIONS = (SUSPEND, REMOVE, PROMOTE)
PROPOSAL_NAMES = {SUSPEND: NP_("credit proposal", "Suspend"), REMOVE: NP_("credit proposal", "Remove from the pool"),
                  PROMOTE: NP_("credit proposal", "Promote to the senior list")}

CREDIT_DEFAULTS: dict[str, Any] = {
    "rating_window_working_days": 2,
    "rating_max": {"competence": 40, "discipline": 30, "integrity": 30},
    "lookback_months": 36,
    "neutral_score": 80,
    "deductions": {NO_SHOW: 20, LATE_WITHDRAWAL: 10, UNEXCUSED_DECLINES: 10, CONFIDENTIALITY_BREACH: 40,
                   COMPLAINT_UPHELD: 20},
    "late_withdrawal_days": 7,
    "unexcused_declines": {"count": 3, "months": 12, "reasons": []},
    "suspend_below": 60,
    "remove_below": 40,
    "remove_on": [CONFIDENTIALITY_BREACH],
    "promote_at": 90,
    "promote_min_ratings": 5,
}


def effective_credit_rules(rules: Mapping[str, Any]) -> dict[str, Any]:
    """The stored rules completed with the defaults (nested mappings key by key)."""
    out = dict(CREDIT_DEFAULTS)
    for key, value in rules.items():
        default = CREDIT_DEFAULTS.get(key)
        out[key] = {**default, **value} if isinstance(default, dict) and isinstance(value, Mapping) else value
    return out


def credit_rule_problems(rules: Mapping[str, Any]) -> list[Text]:
    """What makes a credit rule set unusable, in words (messages); empty when it is sound."""
    r = effective_credit_rules(rules)
    problems = []
    maxima = r["rating_max"]
    if set(maxima) != set(RATING_PARTS) or sum(maxima.values()) != 100 or min(maxima.values()) < 1:
        problems.append(Text(N_("The three parts (competence, discipline, integrity) must each be positive and "
                                "add up to 100.")))
    if not r["remove_below"] <= r["suspend_below"] <= r["promote_at"]:
        problems.append(Text(N_("Thresholds must be ordered: remove <= suspend <= promote.")))
    if set(r["deductions"]) - set(CONDUCT_KINDS) or set(r["remove_on"]) - set(CONDUCT_KINDS):
        problems.append(Text(N_("Deductions name conduct kinds only.")))
    return problems


# --- rating -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingWindow:
    opens: date
    closes: date  # the last day a rating is taken
    provisional: bool  # computed with a year of the calendar not loaded yet

    def state(self, today: date) -> str:
        return "not_open" if today < self.opens else "closed" if today > self.closes else "open"


def rating_window(meeting_date: date, working_days: int, calendar: WorkingDayCalendar) -> RatingWindow:
    """From the meeting day to the end of the ``working_days``-th working day after it."""
    closes, provisional = calendar.add_working_days(meeting_date + timedelta(days=1), working_days)
    return RatingWindow(meeting_date, closes, provisional)


def rating_problems(scores: Mapping[str, int], rules: Mapping[str, Any]) -> dict[str, Text]:
    """Each part between 0 and its maximum (per field, in words)."""
    maxima = effective_credit_rules(rules)["rating_max"]
    out = {}
    for part in RATING_PARTS:
        value, top = scores[part], maxima[part]
        if not 0 <= value <= top:
            out[part] = Text(N_("{part} is out of {top}: give 0 to {top}."),
                             {"part": Term(RATING_PART_NAMES[part], "rating part"), "top": top})
    return out


# --- conduct derived from attendance and invitations -----------------------------------------------------------


@dataclass(frozen=True)
class AttendanceFact:
    panel_id: int
    meeting_date: date
    status: str  # present | absent | left_early


@dataclass(frozen=True)
class InvitationFact:
    panel_id: int
    meeting_date: date
    outcome: str  # accepted | declined | expired | pending | cancelled
    answered_on: date | None
    reason: str | None = None  # the decline's reason code
    withdrawn_on: date | None = None  # accepted, then gave the seat up on this day


@dataclass(frozen=True)
class ConductFact:
    kind: str
    on: date
    panel_id: int | None
    key: str  # stable: the same facts derive the same key


def derived_conduct(expert_id: int, attendance: Iterable[AttendanceFact], invitations: Iterable[InvitationFact],
                    rules: Mapping[str, Any]) -> list[ConductFact]:
    """The records the facts call for: each absence, each late withdrawal, each ``count`` declines without a
    reason within ``months``."""
    r = effective_credit_rules(rules)
    out = [ConductFact(NO_SHOW, a.meeting_date, a.panel_id, f"{NO_SHOW}:{expert_id}:{a.panel_id}")
           for a in attendance if a.status == "absent"]
    for inv in invitations:
        if inv.withdrawn_on is not None and (inv.meeting_date - inv.withdrawn_on).days <= r["late_withdrawal_days"]:
            out.append(ConductFact(LATE_WITHDRAWAL, inv.withdrawn_on, inv.panel_id,
                                   f"{LATE_WITHDRAWAL}:{expert_id}:{inv.panel_id}"))
    policy = r["unexcused_declines"]
    unexcused = sorted((inv.answered_on, inv.panel_id) for inv in invitations if inv.answered_on is not None and (
        inv.outcome == "expired" or (inv.outcome == "declined" and inv.reason in policy["reasons"])))
    counted: list[tuple[date, int]] = []
    for on, panel_id in unexcused:
        counted = [c for c in counted if c[0] > on - relativedelta(months=policy["months"])]
        counted.append((on, panel_id))
        if len(counted) >= policy["count"]:
            out.append(ConductFact(UNEXCUSED_DECLINES, on, panel_id, f"{UNEXCUSED_DECLINES}:{expert_id}:{panel_id}"))
            counted = []
    return sorted(out, key=lambda c: (c.on, c.key))


# --- credit -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatingFact:
    on: date
    total: int


@dataclass(frozen=True)
class Credit:
    score: float
    rating_average: float | None
    ratings: int
    records: Mapping[str, int]  # kind -> count within the lookback
    deducted: int

    def as_dict(self) -> dict[str, Any]:
        return {"score": self.score, "rating_average": self.rating_average, "ratings": self.ratings,
                "records": dict(self.records), "deducted": self.deducted}


def compute_credit(ratings: Iterable[RatingFact], records: Iterable[tuple[str, date]], rules: Mapping[str, Any],
                   today: date) -> Credit:
    """The score on ``today``: the ratings' mean (or the neutral score) minus the records' points, 0-100."""
    r = effective_credit_rules(rules)
    since = today - relativedelta(months=r["lookback_months"])
    totals = [x.total for x in ratings if since < x.on <= today]
    counts: dict[str, int] = {}
    for kind, on in records:
        if since < on <= today:
            counts[kind] = counts.get(kind, 0) + 1
    average = round(sum(totals) / len(totals), 1) if totals else None
    deducted = sum(r["deductions"].get(kind, 0) * n for kind, n in counts.items())
    base = average if average is not None else r["neutral_score"]
    score = round(float(min(100, max(0, base - deducted))), 1)
    return Credit(score, average, len(totals), counts, deducted)


def _conditions(credit: Credit, rules: Mapping[str, Any]) -> dict[str, Text]:
    r = effective_credit_rules(rules)
    out: dict[str, Text] = {}
    grave = sorted(k for k in credit.records if k in r["remove_on"])
    if credit.score < r["remove_below"] or grave:
        if grave:
            out[REMOVE] = Text(N_("a record of: {names}"),
                               {"names": tuple(Term(CONDUCT_NAMES[k], "conduct") for k in grave)})
        else:
            out[REMOVE] = Text(N_("credit {score}, below {limit}"), {"score": credit.score, "limit": r["remove_below"]})
    elif credit.score < r["suspend_below"]:
        out[SUSPEND] = Text(N_("credit {score}, below {limit}"), {"score": credit.score, "limit": r["suspend_below"]})
    if credit.score >= r["promote_at"] and credit.ratings >= r["promote_min_ratings"] and not credit.records:
        out[PROMOTE] = Text(N_("credit {score} over {n} ratings, no record"),
                            {"score": credit.score, "n": credit.ratings})
    return out


def proposals_due(previous: Credit | None, current: Credit, rules: Mapping[str, Any], *, status: str,
                  senior: bool) -> dict[str, Text]:
    """The proposals whose condition has just become true (it did not hold for ``previous``), where they still
    make sense for the expert's ``status`` and place on the senior list: action -> why (a message)."""
    before = _conditions(previous, rules) if previous is not None else {}
    due = {action: why for action, why in _conditions(current, rules).items() if action not in before}
    if status != "active":
        due.pop(SUSPEND, None)
        due.pop(PROMOTE, None)
    if status == "removed":
        due.pop(REMOVE, None)
    if senior:
        due.pop(PROMOTE, None)
    return due
