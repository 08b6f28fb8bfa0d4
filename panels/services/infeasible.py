"""The 422 of a draw no panel satisfies: the funnel, the smallest set of conflicting rules, verified
relaxations and nearby dates on which a panel exists.

The Office is told why on the real pool. A province is told why on the pool as it may see it, without other
authorities' panels (:mod:`panels.rules.convener`): the rules that fail there, or, when a panel would exist
but for those panels, only that it cannot be formed that day, with no rule, number or name, since which
rule fails without those experts tells what kind of expert sits on the confidential panels."""

from __future__ import annotations

from typing import Any

from ground import clock
from ground.errors import InvalidInput
from ground.i18n import _l, _ln, _lp, bilingual
from panels.lottery_cache import LOTTERIES
from panels.models import Panel, RuleSet
from panels.rules import recusal
from panels.rules.convener import ConvenerView
from panels.rules.rulesets import candidate, describe_group, quota_specialties, quotas
from panels.services.group_names import group_names
from panels.services.pool import park_context, recusal_rules_for
from panels.solver import Infeasibility, InfeasibleDraw
from scheduling import calendar_service
from scheduling.models import Park


def infeasible(exc: InfeasibleDraw, inputs: dict[str, Any], facts, panel: Panel, park: Park, rule_set: RuleSet,
               fixed, excluded, view: ConvenerView | None = None) -> InvalidInput:
    """The 422 for ``exc``. With ``view`` (a caller other than the Office) it is told in the convener's view."""
    info, funnel = exc.infeasibility, inputs["funnel"]
    if view is not None:
        funnel = view.funnel
        info = _as_convener_sees(inputs, facts, view, panel, park, rule_set, fixed, excluded)
    extra = {"funnel": funnel, "dates": suggest_dates(panel, park, rule_set, facts, fixed, excluded)}
    if info is None:
        return InvalidInput(
            "draw_infeasible",
            _l(
                "No panel can be formed that day, for reasons confidential to other authorities. Choose another "
                "date, or ask the Office."),
            {"meeting_date": [_l("No panel can be formed that day.")]},
            extra={**extra, "conflict": [], "relaxations": []})
    conflict = []
    names = group_names([b.group for b in info.conflict] + [r.group for r in info.relaxations])
    for b in info.conflict:
        zh, en = describe_group(b.group, names)
        word = _lp("quota", "at least") if b.side == "min" else _lp("quota", "at most")
        conflict.append(_l(
            "{word} {bound} {value}").format(
            word=word, bound=b.bound, value=bilingual(zh, en)))  # a group's name is data in both languages
    relaxations = []
    for r in info.relaxations:
        zh, en = describe_group(r.group, names)
        relaxations.append({"group": r.group, "side": r.side, "current": r.current, "proposed": r.proposed,
                            "message": _l(
                                "change the {side} for {value} from {current} to {proposed}").format(
                                side=_lp("quota", "minimum") if r.side == "min" else _lp("quota", "maximum"),
                                value=bilingual(zh, en),
                                current=r.current,
                                proposed=r.proposed)})
    return InvalidInput(
        "draw_infeasible",
        _ln(
            "No panel satisfies the rules: {eligible} eligible experts for {seats} seat.",
            "No panel satisfies the rules: {eligible} eligible experts for {seats} seats.",
            info.seats, eligible=info.eligible, seats=info.seats),
        {"rules": conflict or [_l("Too few eligible experts.")]},
        extra={**extra, "conflict": [{"group": b.group, "side": b.side, "bound": b.bound} for b in info.conflict],
               "relaxations": relaxations})


def _as_convener_sees(inputs, facts, view: ConvenerView, panel: Panel, park: Park, rule_set: RuleSet, fixed,
                      excluded) -> Infeasibility | None:
    """Why no panel exists on the pool the convener may see; None when one would exist there."""
    spec = quota_specialties(rule_set.rules)
    cands = [candidate(f, spec) for f, a in zip(facts, view.assessments, strict=True) if a.eligible]
    rules = quotas(rule_set.rules, cands, park.province, panel.convened_by)
    if LOTTERIES.panel_exists(cands, rules, panel.size, fixed=fixed, excluded=excluded):
        return None
    seen = {**inputs, "candidates": [[c.id, sorted(c.groups)] for c in sorted(cands, key=lambda c: int(c.id))],
            "quotas": [[q.group, q.min, q.max] for q in rules]}
    try:
        LOTTERIES.lottery_for(seen)
    except InfeasibleDraw as exc:
        return exc.infeasibility
    return None  # the lottery found a panel after all


def suggest_dates(panel: Panel, park: Park, rule_set: RuleSet, facts, fixed, excluded,
                  limit: int = 3) -> list[str]:
    """Nearby working days (the official calendar: holidays off, make-up workdays on, as
    :mod:`panels.dates` offers them) on which the same request has a panel (checked by the engine, not
    guessed)."""
    found = []
    rrules = recusal_rules_for(rule_set, panel)
    ctx = park_context(park, panel.meeting_date)
    calendar = calendar_service.get_calendar(clock.now())
    for day in recusal.nearby_days(panel.meeting_date, 10):
        if not calendar.is_working_day(day).is_working_day:
            continue
        eligible = [f for f in facts if recusal.assess(f, ctx, rrules, day).eligible or str(f.id) in fixed]
        spec = quota_specialties(rule_set.rules)
        cands = [candidate(f, spec) for f in eligible]
        if len(cands) < panel.size - len(fixed) or not LOTTERIES.panel_exists(
                cands, quotas(rule_set.rules, cands, park.province, panel.convened_by), panel.size,
                fixed=fixed, excluded=excluded):
            continue
        found.append(day.isoformat())
        if len(found) == limit:
            break
    return found
