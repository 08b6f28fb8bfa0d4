"""The stage rule at the door of a draw: a panel only of a kind the park's lifecycle state calls for.

The rule itself is lifecycle knowledge (:func:`scheduling.rules.lifecycle.panel_kinds_called_for`); this
module applies it to a request. A refusal is a 409 ``panel_kind_not_allowed`` naming the state and the kinds
allowed now; the Office may override it with a stated reason, which is audited and kept with the panel.
Refusals carry their audit entry (:class:`ground.refusals.AuditedRefusal`): the route rolls the request
back, then records the entry in a transaction of its own, so nothing of the request is stored
but the refusal is on record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ground.actor import Actor
from ground.audit import record
from ground.errors import Conflict, Forbidden
from ground.i18n import Msg, _l, listing
from ground.refusals import AuditedRefusal, record_refusal
from scheduling.facts import build_facts, lifecycle_rules
from scheduling.models import Park
from scheduling.rules.lifecycle import PanelKind, State, panel_kinds_called_for
from scheduling.wording import panel_kind_name, state_name

__all__ = ["OverrideOfficeOnly", "PanelKindNotAllowed", "check_stage", "record_refusal"]


class PanelKindNotAllowed(AuditedRefusal, Conflict):
    pass


class OverrideOfficeOnly(AuditedRefusal, Forbidden):
    pass


def _kinds_in_words(kinds: tuple[PanelKind, ...]) -> Msg:
    if not kinds:
        return _l("none")
    return listing(panel_kind_name(k) for k in kinds)


def check_stage(actor: Actor, park: Park, kind: str, override_reason: str | None, today: date,
                *, what: str = "draw") -> dict[str, Any] | None:
    """None when the park's state calls for ``kind``; the override to keep with the panel when the Office
    overrides the rule with a reason; else raises (409, or 403 for an override by anyone but the Office)."""
    state = State(park.state)
    allowed = panel_kinds_called_for(state, build_facts(park, today), lifecycle_rules())
    facts = {"park_id": park.id, "kind": kind, "state": state.value, "allowed_kinds": [k.value for k in allowed],
             "what": what}
    if override_reason is not None and not actor.is_office:
        error = OverrideOfficeOnly("override_office_only", _l(
            "Only the Office may override the park's lifecycle stage with a reason."))
        error.audit = ("panel.stage_override_refused", "park", park.id, facts)
        raise error
    if kind in allowed:
        return None
    if override_reason is not None:
        override = {"reason": override_reason, "state": state.value, "allowed_kinds": facts["allowed_kinds"],
                    "by": actor.label}
        record(actor, "panel.stage_override", "park", park.id, {**facts, "reason": override_reason})
        return override
    words = _kinds_in_words(allowed)
    error = PanelKindNotAllowed("panel_kind_not_allowed", _l(
        "The park is {state}; that stage calls for no {kind} panel. Allowed now: {words}.").format(
        state=state_name(state), kind=panel_kind_name(kind), words=words),
        extra={"current_state": state.value, "allowed_kinds": facts["allowed_kinds"]})
    error.audit = ("panel.stage_refused", "park", park.id, facts)
    raise error
