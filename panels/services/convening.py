"""What the convening pages ask before a draw: the kinds a caller may convene for a park now, the eligibility
funnel of a request on one day (as the caller may see it), and a rule set relaxed as an infeasible draw
proposes. Each rests on the rules the draw itself applies (stage, authority, recusal, the convener's view)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ground.actor import Actor, Role
from ground.errors import Forbidden, InvalidInput
from ground.i18n import _l
from panels.models import RuleSet
from panels.rules import recusal
from panels.rules.authority import convener_for
from panels.rules.convener import convener_view
from panels.rules.rulesets import adjusted_rules, effective_rules, recusal_rules
from panels.services.access import FORBIDDEN, convening_authority, park_for_panel
from panels.services.pool import park_context, pool_facts
from panels.services.rule_sets import create_rule_set, rule_set_for
from scheduling.facts import build_facts, lifecycle_rules
from scheduling.models import Park
from scheduling.rules.lifecycle import State, panel_kinds_called_for


def kinds_open_to(actor: Actor, park: Park, today: date) -> list[str]:
    """The kinds the park's lifecycle state calls for now that this caller may convene (the stage rule and the
    authority rule of a draw, asked before one)."""
    allowed = panel_kinds_called_for(State(park.state), build_facts(park, today), lifecycle_rules())
    province = actor.province if actor.role == Role.PROVINCE else None
    return [k.value for k in allowed if convener_for(is_office=actor.is_office, province=province, kind=k.value,
                                                     park_province=park.province) is not None]


def request_funnel(actor: Actor, park_id: int, kind: str, day: date, rule_set_name: str | None) -> dict[str, Any]:
    """The eligibility funnel (pool -> active -> specialty -> recusal -> available) the draw would start from on
    ``day``: the real one for the Office; for a province as if other authorities' panels did not exist (the
    draw's own convener view), so no count drops by a confidential panel."""
    park = park_for_panel(actor, park_id)
    convened_by = convening_authority(actor, kind, park)
    rule_set = rule_set_for(actor, rule_set_name, kind)
    rules = recusal_rules(rule_set.rules, convened_by)
    authority = None if actor.is_office else convened_by
    facts = pool_facts(park, day, rules, authority=authority)
    context = park_context(park, day)
    assessments = [recusal.assess(f, context, rules, day) for f in facts]
    if actor.is_office:
        return recusal.funnel(assessments)
    return convener_view(zip(facts, assessments, strict=True), context, rules, day).funnel


def _relaxed(rules: dict[str, Any], group: str, side: str, proposed: int, park_province: str) -> dict[str, Any]:
    r = effective_rules(rules)
    prefix, _, value = group.partition(":")
    if prefix == "spec":
        quotas = [dict(q) for q in r["specialty_quotas"]]
        for q in quotas:
            if q["specialty"] == value:
                q["min" if side == "min" else "max"] = proposed
        r["specialty_quotas"] = quotas
    elif group == "senior" and side == "min":
        r["min_senior"] = proposed
    elif prefix == "org" and side == "max":
        r["max_per_organization"] = proposed
    elif prefix == "prov" and side == "max":
        if value == park_province and r["own_province_cap"] is not None:
            r["own_province_cap"] = proposed
        else:
            r["max_per_province"] = proposed
    else:
        raise InvalidInput("unknown_relaxation", _l("The rules cannot be relaxed that way."),
                           {"group": [_l("Invalid.")]})
    return r


def relax_rule_set(actor: Actor, park_id: int, kind: str, rule_set_name: str | None, group: str, side: str,
                   proposed: int) -> RuleSet:
    """A relaxation an infeasible draw proposed, taken by the Office: a new version of ``<rule set>.relaxed``
    for the kind (never the default: other draws keep the rule set they had), audited as every rule set is."""
    if not actor.is_office:
        raise Forbidden(None, FORBIDDEN)
    park = park_for_panel(actor, park_id)
    base = rule_set_for(actor, rule_set_name, kind)
    rules = _relaxed(base.rules, group, side, proposed, park.province)
    name = base.name if base.name.endswith(".relaxed") else f"{base.name}.relaxed"
    return create_rule_set(actor, {
        "name": name[:100], "kind": kind, "is_default": False, "rules": rules,
        "description": f"{base.name} v{base.version}: {group} {side} {proposed}"})


ADJUSTMENT_PROBLEMS = {
    "tighten_only": _l("Here a rule may only be made stricter (at least 1, at most the set's value); to loosen it, "
                       "draw and take a relaxation the engine proposes."),
    "raise_only": _l("Here a minimum may only be raised, up to the panel's size (rest days up to 60)."),
    "unknown_specialty": _l("The rule set has no quota for this specialty."),
}


def adjust_rule_set(actor: Actor, park_id: int, kind: str, rule_set_name: str | None, size: int,
                    changes: dict[str, int | None], specialty_mins: dict[str, int]) -> RuleSet:
    """The Office's adjustment of the request's rule set within what it allows
    (:func:`panels.rules.rulesets.adjusted_rules`): a new version of ``<rule set>.adjusted`` for the kind (never
    the default), audited as every rule set is; 422 naming each field that would loosen a rule."""
    if not actor.is_office:
        raise Forbidden(None, FORBIDDEN)
    park_for_panel(actor, park_id)
    base = rule_set_for(actor, rule_set_name, kind)
    rules, problems = adjusted_rules(base.rules, changes, specialty_mins, size)
    if problems:
        raise InvalidInput("rule_adjustment_invalid", _l("These rules cannot be adjusted so."),
                           {field: [ADJUSTMENT_PROBLEMS[code]] for field, code in problems.items()})
    if rules == effective_rules(base.rules):
        raise InvalidInput("rule_adjustment_unchanged", _l("Nothing was changed: the rules are as they were."))
    name = base.name if base.name.endswith(".adjusted") else f"{base.name}.adjusted"
    changed = {k: v for k, v in changes.items() if v is not None}
    return create_rule_set(actor, {
        "name": name[:100], "kind": kind, "is_default": False, "rules": rules,
        "description": f"{base.name} v{base.version}: {changed} {specialty_mins}"[:500]})
