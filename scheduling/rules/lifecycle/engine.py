"""Applying the table: check one action (state, party, guards, reason) and return the transition to record."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from scheduling.rules.lifecycle.facts import DEFAULT_RULES, LifecycleRules, ParkFacts
from scheduling.rules.lifecycle.guards import GUARDS, Blocked, GuardContext
from scheduling.rules.lifecycle.table import TRANSITIONS, TransitionRule, parties_for, rule_for
from scheduling.rules.lifecycle.vocabulary import Action, Party, State
from scheduling.rules.messages import N_, Text


@dataclass(frozen=True)
class Transition:
    """The outcome of a permitted action: what the service records on the park (with documents, comment)."""

    from_state: State
    action: Action
    to_state: State
    party: Party
    article: int
    on: date
    reason: StrEnum | None = None
    see_also: tuple[int, ...] = ()

    @property
    def changes_state(self) -> bool:
        return self.from_state is not self.to_state


class LifecycleError(Exception):
    """Base of the lifecycle's refusals. Plain exception classes: see CalendarFileError for why not frozen."""


class IllegalTransition(LifecycleError):
    """The action does not start from the current state (HTTP 409): names the state and what is allowed."""

    def __init__(self, current_state: State, action: Action, allowed_actions: tuple[Action, ...]) -> None:
        super().__init__(current_state, action, allowed_actions)
        self.current_state = current_state
        self.action = action
        self.allowed_actions = allowed_actions

    def __str__(self) -> str:
        allowed = ", ".join(self.allowed_actions) or "none"
        return f"cannot {self.action} from state {self.current_state}; allowed: {allowed}"


class PartyNotAllowed(LifecycleError):
    """The action exists from this state but this party may not take it (HTTP 403)."""

    def __init__(self, action: Action, party: Party, allowed_parties: frozenset[Party]) -> None:
        super().__init__(action, party, allowed_parties)
        self.action = action
        self.party = party
        self.allowed_parties = allowed_parties

    def __str__(self) -> str:
        return f"{self.party} may not {self.action}; allowed: {', '.join(sorted(self.allowed_parties))}"


class GuardFailed(LifecycleError):
    """A guard refused the action (HTTP 409 with the code): the rule that blocks it and its article."""

    def __init__(self, code: str, article: int, text: Text) -> None:
        super().__init__(code, article, str(text))
        self.code = code
        self.article = article
        self.text = text  # for people: an English msgid and its values, translated where it is shown

    @property
    def message_en(self) -> str:
        return str(self.text)

    @classmethod
    def from_blocked(cls, blocked: Blocked) -> GuardFailed:
        return cls(blocked.code, blocked.article, blocked.text)

    def __str__(self) -> str:
        return f"{self.code} (Art. {self.article}): {self.message_en}"


def _first_block(rule: TransitionRule, ctx: GuardContext) -> Blocked | None:
    if ctx.action is not rule.action:
        ctx = replace(ctx, action=rule.action)
    for name in rule.guards:
        blocked = GUARDS[name](ctx)
        if blocked is not None:
            return blocked
    return None


def _check_reason(rule: TransitionRule, reason: StrEnum | str | None) -> StrEnum | None:
    if rule.reason is None:
        if reason is not None:
            raise GuardFailed("reason_not_applicable", rule.article, Text(N_("This action takes no reason.")))
        return None
    if reason is None:
        raise GuardFailed("reason_required", rule.article, Text(N_(
            "Choose one of the cases of Art. {article}."), {"article": rule.article}))
    try:
        return rule.reason(reason)
    except ValueError:
        raise GuardFailed("bad_reason", rule.article, Text(N_(
            "The reason “{reason}” is not one of the cases of Art. {article}."),
            {"reason": str(reason), "article": rule.article})) from None


def _blocked_for_any_reason(rule: TransitionRule, ctx: GuardContext) -> Blocked | None:
    # Without a reason in hand, an action is available if *some* reason would pass its guards.
    if rule.reason is None:
        return _first_block(rule, ctx)
    first: Blocked | None = None
    for reason in rule.reason:
        blocked = _first_block(rule, replace(ctx, reason=reason))
        if blocked is None:
            return None
        first = first or blocked
    return first


@dataclass(frozen=True)
class ActionOption:
    """An action the party could take from the state, and what blocks it (None: it is allowed)."""

    action: Action
    article: int
    blocked: Blocked | None


def action_options(
    state: State | str, party: Party | str, facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES
) -> list[ActionOption]:
    """Every action starting from ``state`` that ``party`` may take, each with its guard's verdict."""
    state, party = State(state), Party(party)
    ctx = GuardContext(state, facts, rules, None)
    return [
        ActionOption(rule.action, rule.article, _blocked_for_any_reason(rule, ctx))
        for rule in TRANSITIONS
        if state in rule.from_states and party in parties_for(rule.action, facts.programme)
    ]


def allowed_actions(
    state: State | str, party: Party | str, facts: ParkFacts, rules: LifecycleRules = DEFAULT_RULES
) -> tuple[Action, ...]:
    """The actions ``party`` can take now from ``state`` (guards passing), in table order."""
    return tuple(o.action for o in action_options(state, party, facts, rules) if o.blocked is None)


def apply(
    state: State | str,
    action: Action | str,
    party: Party | str,
    facts: ParkFacts,
    *,
    reason: StrEnum | str | None = None,
    rules: LifecycleRules = DEFAULT_RULES,
    panel_override: bool = False,
) -> Transition:
    """Check one action against the table and return the transition to record.

    Raises :class:`IllegalTransition` if the action does not start from ``state``, :class:`PartyNotAllowed`
    if the party may not take it, :class:`GuardFailed` if a guard (or a missing/invalid reason) blocks it.
    ``panel_override``: the Office takes an action a review panel decides without the panel's conclusion,
    with a stated reason the caller records (the ``panel_concluded`` guard steps aside; no other guard does).
    """
    state, action, party = State(state), Action(action), Party(party)
    rule = rule_for(action)
    if state not in rule.from_states:
        raise IllegalTransition(state, action, allowed_actions(state, party, facts, rules))
    permitted = parties_for(action, facts.programme)
    if party not in permitted:
        raise PartyNotAllowed(action, party, permitted)
    checked_reason = _check_reason(rule, reason)
    blocked = _first_block(rule, GuardContext(state, facts, rules, checked_reason, panel_override=panel_override))
    if blocked is not None:
        raise GuardFailed.from_blocked(blocked)
    return Transition(
        from_state=state,
        action=action,
        to_state=state if rule.to_state is None else rule.to_state,
        party=party,
        article=rule.article,
        on=facts.today,
        reason=checked_reason,
        see_also=rule.see_also,
    )
