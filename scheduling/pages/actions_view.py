"""The actions a viewer may take on a park now, as forms: what each does, its article, the fields it needs.

The lifecycle engine decides (``services.options_for``, through ``services.timeline``): an option without a
block becomes a form, a blocked one is listed with the lifecycle's reason in words. Nothing here decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ground.i18n import _l, bilingual
from scheduling.models import Material, Park
from scheduling.pages.common import article, say
from scheduling.rules.lifecycle import ENDED_STATES, Action, rule_for
from scheduling.services.transitions import ACTION_FIELDS, required_materials
from scheduling.wording import (
    ACTION_EFFECTS,
    CHANGE_SUBJECT_NAMES,
    REASON_NAMES,
    action_name,
    material_kind_name,
    party_name,
    reason_name,
    state_name,
)


@dataclass
class ActionForm:
    action: str
    name: str
    effect: str
    article: str
    party: str
    party_name: str
    leading_group: bool
    leads_to: str
    ends: bool  # the action ends the cycle or the title: its button says so by its colour
    fields: frozenset[str]
    reasons: list[tuple[str, str]]
    required: list[str]
    preselected: set[int] = field(default_factory=set)


@dataclass
class BlockedAction:
    name: str
    article: str
    party_name: str
    reason: str


def _leads_to(action: Action, state: str) -> str:
    target = rule_for(action).to_state
    if target is None:
        return say(_l(
            "The park stays {state_name}").format(
            state_name=state_name(state)))
    return say(_l(
        "The park goes from {state_name} to {state_name2}").format(
        state_name=state_name(state),
        state_name2=state_name(target)))


def _latest_of_kinds(materials: list[Material], kinds: tuple[str, ...]) -> set[int]:
    chosen: set[int] = set()
    for kind in kinds:
        mine = [m for m in materials if m.kind == kind]
        if mine:
            chosen.add(max(mine, key=lambda m: (m.uploaded_at, m.id)).id)
    return chosen


def action_forms(options: list[dict[str, Any]], park: Park, materials: list[Material]
                 ) -> tuple[list[ActionForm], list[BlockedAction]]:
    allowed, blocked = [], []
    for option in options:
        action = Action(option["action"])
        party = option["as"]
        if option["blocked"] is not None:
            b = option["blocked"]
            message, number = b["message"], b["article"]
            reason = say(_l(
                "{message} (Art. {number})").format(
                message=message, number=number))
            blocked.append(BlockedAction(say(action_name(action)), article(option["article"]),
                                         say(party_name(party)), reason))
            continue
        rule = rule_for(action)
        reasons = [(value, say(label)) for value, label in REASON_NAMES.get(action.value, {}).items()
                   if rule.reason is not None and value in {r.value for r in rule.reason}]
        required = required_materials(action)
        allowed.append(ActionForm(
            action=action.value, name=say(action_name(action)), effect=say(ACTION_EFFECTS[action]),
            article=article(option["article"]), party=party, party_name=say(party_name(party)),
            leading_group=party == "leading_group", leads_to=_leads_to(action, park.state),
            ends=rule.to_state in ENDED_STATES,
            fields=ACTION_FIELDS.get(action.value, frozenset()), reasons=reasons,
            required=[say(material_kind_name(k)) for k in required],
            preselected=_latest_of_kinds(materials, required)))
    return allowed, blocked


def change_subjects() -> list[tuple[str, str]]:
    return [(code, say(name)) for code, name in CHANGE_SUBJECT_NAMES.items()]


def open_proposals(park: Park) -> list[dict[str, Any]]:
    return [{"id": p.id, "label": say(reason_name("warn", p.reason)), "message": say(bilingual(
            p.message_zh, p.message_en))}
            for p in park.proposals if p.status == "open"]
