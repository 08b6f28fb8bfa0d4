"""Panel operations (take an :class:`~ground.actor.Actor` and plain values, flush, never commit), by
responsibility: who may act (:mod:`.access`), rule sets (:mod:`.rule_sets`), the pool as the rules see it
(:mod:`.pool`), the lifecycle stage rule (:mod:`.stage`), drawing (:mod:`.draws`) and the 422 of a draw no
panel satisfies (:mod:`.infeasible`), presenting (:mod:`.present`), a draw as its convening province may read
it (:mod:`.convener`), a province's moves referred to the Office (:mod:`.moves`). The seats and what happens
to them (invitations, declines, replacements, meetings) are :mod:`panels.seats`."""

from panels.services.access import FORBIDDEN, convening_authority, get_panel, in_panel_remit, park_for_panel
from panels.services.draws import draw_new_panel, lock_meeting_day, members_ineligible_on
from panels.services.pool import park_context, pool_facts, recusal_rules_for
from panels.services.present import audit_bundles, eligibility, present_panel
from panels.services.rule_sets import create_rule_set, list_rule_sets, rule_set_for
from panels.services.stage import check_stage, record_refusal

__all__ = [
    "FORBIDDEN", "audit_bundles", "check_stage", "convening_authority", "create_rule_set", "draw_new_panel",
    "eligibility", "get_panel", "in_panel_remit", "list_rule_sets", "lock_meeting_day", "members_ineligible_on",
    "park_context", "park_for_panel", "pool_facts", "present_panel", "record_refusal", "recusal_rules_for",
    "rule_set_for",
]
