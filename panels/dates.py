"""Which meeting dates suit a park's panel: every working day of a span, checked by the engine, best first.

For staff choosing a date before they request a panel (``GET /api/v1/meetings/date-suggestions``): on each
day the pool is assessed as the draw would assess it (term, recusal, absences, bookings, rest days, yearly
cap) and CP-SAT says whether a panel satisfying the rule set exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from ground.actor import Actor
from ground.clock import shanghai_date
from ground.errors import InvalidInput
from ground.i18n import _l, _ln
from panels.lottery_cache import LOTTERIES
from panels.rules import recusal
from panels.rules.convener import as_convener_sees
from panels.rules.rulesets import candidates, quota_specialties, quotas, recusal_rules
from panels.services import check_stage, convening_authority, park_context, park_for_panel, pool_facts, rule_set_for
from scheduling import calendar_service

#: A quarter at most per question: each day is a feasibility check of its own.
MAX_SPAN_DAYS = 92


def suggest_meeting_dates(actor: Actor, park_id: int, kind: str, start: date, end: date, size: int,
                          rule_set_name: str | None, now: datetime,
                          override_reason: str | None = None) -> list[dict[str, Any]]:
    """Working days from ``start`` to ``end``: feasible ones first, then those with more eligible experts
    (more choice, so each expert's chance is closer to even), then the earlier.

    A province is told how many experts are eligible as if other authorities' panels did not exist: the count
    must not drop by the size of a confidential panel on its day. (Whether a panel can be formed is decided
    on the real pool, or the suggestion would mislead; see SECURITY.md.)"""
    park = park_for_panel(actor, park_id)
    convened_by = convening_authority(actor, kind, park)
    _check_span(start, end)
    rule_set = rule_set_for(actor, rule_set_name, kind)
    check_stage(actor, park, kind, override_reason, shanghai_date(now), what="date_suggestions")
    rules = recusal_rules(rule_set.rules, convened_by)
    authority = None if actor.is_office else convened_by
    facts = pool_facts(park, start, rules, until=end, authority=authority)
    calendar = calendar_service.get_calendar(now)
    specialties = quota_specialties(rule_set.rules)
    # an expert's groups do not depend on the day: made once for the span, not once a day (~50 ms a day at 2,400)
    candidate_of = dict(zip((f.id for f in facts), candidates(facts, specialties), strict=True))
    rows = []
    # Most days of a span have the very same eligible experts (nobody away or booked): one solve serves them.
    feasible_for: dict[tuple[str, ...], bool] = {}
    day = start
    while day <= end:
        working, provisional = calendar.is_working_day(day)
        if working:
            context = park_context(park, day)
            verdicts = list(zip(facts, recusal.assess_all(facts, context, rules, day), strict=True))
            eligible = [candidate_of[f.id] for f, verdict in verdicts if verdict.eligible]
            shown = len(eligible) if authority is None else sum(
                as_convener_sees(f, verdict, context, rules, day).eligible for f, verdict in verdicts)
            key = tuple(c.id for c in eligible)
            if key not in feasible_for:
                feasible_for[key] = len(eligible) >= size and LOTTERIES.panel_exists(
                    eligible, quotas(rule_set.rules, eligible, park.province, convened_by), size)
            feasible = feasible_for[key]
            rows.append({"date": day, "feasible": feasible, "eligible": shown, "provisional": provisional})
        day += timedelta(days=1)
    rows.sort(key=lambda r: (not r["feasible"], -r["eligible"], r["date"]))
    return rows


def _check_span(start: date, end: date) -> None:
    if end < start:
        raise InvalidInput("invalid_span", _l("The end date is before the start date."),
                           {"to": [_l("Must not be before the start date.")]})
    if (end - start).days >= MAX_SPAN_DAYS:
        raise InvalidInput("span_too_long", _ln(
            "Ask for at most {max_span_days} day at a time.",
            "Ask for at most {max_span_days} days at a time.",
            MAX_SPAN_DAYS, max_span_days=MAX_SPAN_DAYS),
                           {"to": [_ln(
                               "At most {max_span_days} day after the start date.",
                               "At most {max_span_days} days after the start date.",
                               MAX_SPAN_DAYS - 1, max_span_days=MAX_SPAN_DAYS - 1)]})
