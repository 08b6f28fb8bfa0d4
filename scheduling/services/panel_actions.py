"""Taking the lifecycle actions a review panel's conclusion calls for, as one step of the caller's transaction.

``panels`` records the conclusion and asks for the actions here (scheduling never imports panels): each action
goes through :func:`~scheduling.services.transitions.apply_transition` like any other, so the table, its
guards and the facts decide; the panel's conclusion is among the facts (``ParkFacts.panel_outcomes``) through
the source the app registered. Every action is audited; a refusal is the same 409/403/422 as a direct request,
and the caller's transaction rolls back whole.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ground.actor import Actor
from ground.audit import record_many
from ground.clock import shanghai_date
from ground.i18n import _l
from scheduling.models import Park, ParkTransition
from scheduling.rules.lifecycle import Action, GuardFailed, IllegalTransition, Party, PartyNotAllowed
from scheduling.services.messages import invalid
from scheduling.services.parks import get_park
from scheduling.services.transitions import _lifecycle_error, apply_transition


def lock_park(actor: Actor, park_id: int) -> Park:
    """The park, locked for the actions to come (and in the caller's remit)."""
    return get_park(actor, park_id, lock=True)


def take_panel_actions(actor: Actor, park: Park, actions: tuple[Action, ...], on: date, now: datetime, *,
                       party: Party, comment: str, cites: dict[str, Any],
                       params: dict[str, Any] | None = None) -> list[ParkTransition]:
    """Take ``actions`` in order as ``party`` (the authority that convened the panel), dated ``on``.

    ``cites`` (the panel's kind, conclusion and day) goes with every action; an action the panel decides
    cites the conclusion it follows by itself. ``params`` are the actions' fields (e.g. ``excellent``).
    """
    today = shanghai_date(now)
    if on > today:
        raise invalid("date", _l("The date cannot be after today ({today}).").format(today=today))
    if park.last_transition_on and on < park.last_transition_on:
        raise invalid("date", _l(
            "The date cannot be before the park's previous transition ({last_transition_on}).").format(
            last_transition_on=park.last_transition_on))
    done, entries = [], []
    try:
        for action in actions:
            transition, entry = apply_transition(actor, park, action, on, now, comment=comment, party=party,
                                                 cites=cites, params=params)
            done.append(transition)
            entries.append(entry)
    except (IllegalTransition, PartyNotAllowed, GuardFailed) as exc:
        raise _lifecycle_error(exc, park) from None
    record_many(actor, entries, now=now)
    return done
