"""Expert status rules (Art. 37 "dynamic management"): plain data, no database."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

# applicant -> active -> suspended -> retired / removed. Reinstatement from suspension is normal;
# a retired expert may be re-appointed; removal is final.
TRANSITIONS: dict[str, frozenset[str]] = {
    "applicant": frozenset({"active", "removed"}),
    "active": frozenset({"suspended", "retired", "removed"}),
    "suspended": frozenset({"active", "retired", "removed"}),
    "retired": frozenset({"active", "removed"}),
    "removed": frozenset(),
}


def allowed_statuses(current: str) -> frozenset[str]:
    return TRANSITIONS.get(current, frozenset())


def can_change(current: str, target: str) -> bool:
    return target in allowed_statuses(current)


def needs_review(data_confirmed_on: date | None, term_end: date | None, today: date, *,
                 unconfirmed_months: int, term_ending_days: int) -> list[str]:
    """Why the Office should look at an expert now: stale data and/or a term about to end."""
    reasons = []
    if data_confirmed_on is None or data_confirmed_on <= today - relativedelta(months=unconfirmed_months):
        reasons.append("data_unconfirmed")
    if term_end is not None and today <= term_end and (term_end - today).days <= term_ending_days:
        reasons.append("term_ending")
    elif term_end is not None and term_end < today:
        reasons.append("term_ended")
    return reasons
