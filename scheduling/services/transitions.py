"""Taking a lifecycle action on a park: the heart of the park services.

:func:`transition_park` builds :class:`ParkFacts` from the rows, asks the pure table
(:func:`scheduling.rules.lifecycle.apply`), appends the transition, records what it changed in the facts,
re-derives the deadline rows, puts new grounds for a warning before people, and audits, all in the caller's
transaction. :func:`apply_transition` is the part the deadline sweeper shares.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from flask import current_app
from sqlalchemy import func, select

from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, InvalidInput
from ground.extensions import db
from ground.i18n import _l, listing
from ground.refusals import AuditedRefusal, refused
from scheduling import policy
from scheduling.deadlines import refresh_proposals, sync_deadlines
from scheduling.facts import build_facts, lifecycle_rules
from scheduling.models import Material, Park, ParkTransition
from scheduling.rules.lifecycle import (
    PANEL_DECIDED,
    Action,
    GuardFailed,
    IllegalTransition,
    Party,
    PartyNotAllowed,
    apply,
    outcome_for,
    parties_for,
    rule_for,
)
from scheduling.rules.periods import add_years
from scheduling.services.action_effects import record_action_effects
from scheduling.services.messages import INVALID, invalid
from scheduling.services.parks import get_park
from scheduling.wording import action_name, material_kind_name, party_name, rule_text, state_name

# Materials an action must cite (``documents``) [rule]: the application materials of Art. 9 and the
# acceptance materials of Art. 15. A deployment may change them with ``SCHEDULING_REQUIRED_MATERIALS``.
APPLICATION_MATERIALS = ("application_letter", "construction_plan", "compliance_commitment", "planning_eia")
REQUIRED_MATERIALS: dict[str, tuple[str, ...]] = {
    Action.SUBMIT_APPLICATION.value: APPLICATION_MATERIALS,
    Action.RESUBMIT_APPLICATION.value: APPLICATION_MATERIALS,
    Action.APPLY_ACCEPTANCE.value: ("acceptance_application", "acceptance_report", "electronic_data"),
}
MATERIAL_ARTICLE = {"submit_application": 9, "resubmit_application": 9, "apply_acceptance": 15}
# Fields an action carries beyond action/date/comment/documents/reason, and nothing else accepts.
ACTION_FIELDS: dict[str, frozenset[str]] = {
    Action.GRANT_EXTENSION.value: frozenset({"extension_months"}),
    Action.REPORT_MAJOR_CHANGE.value: frozenset({"changed_on", "subjects", "description"}),
    Action.WARN.value: frozenset({"rectification_months", "proposal_ids"}),
    Action.STOP_CREATION.value: frozenset({"proposal_ids"}),
    Action.PASS_EVALUATION.value: frozenset({"excellent"}),
}
ALL_ACTION_FIELDS = frozenset().union(*ACTION_FIELDS.values())


class PanelRuleRefusal(AuditedRefusal, Conflict):
    """A panel-decided action without its panel's conclusion (409): audited, nothing else stored."""


class PanelOverrideRefusal(AuditedRefusal, Forbidden):
    pass


class PanelOverrideNotApplicable(AuditedRefusal, InvalidInput):
    pass


def _lifecycle_error(exc: Exception, park: Park) -> Exception:
    # Codes stay in ``extra`` for programs; the message says it in words for people.
    if isinstance(exc, IllegalTransition):
        allowed = [a.value for a in exc.allowed_actions]
        state, action = state_name(exc.current_state), action_name(exc.action)
        possible = listing(action_name(a) for a in exc.allowed_actions) if exc.allowed_actions else _l("none")
        return Conflict("illegal_transition", _l(
            "The park is {state}: “{action}” is not possible now. Possible now: {list}.").format(
            state=state, action=action, list=possible),
            extra={"current_state": exc.current_state.value, "allowed_actions": allowed})
    if isinstance(exc, PartyNotAllowed):
        action = action_name(exc.action)
        parties = sorted(exc.allowed_parties)
        return Forbidden("actor_not_allowed", _l(
            "“{action}” may be taken only by {party_name}.").format(
            action=action, party_name=listing(party_name(p) for p in parties) if parties else "—"),
            extra={"current_state": park.state, "allowed_actors": parties})
    assert isinstance(exc, GuardFailed)
    message = _l(
        "{message} (Art. {article})").format(
        message=rule_text(exc.text), article=exc.article)
    extra = {"article": exc.article, "current_state": park.state, "guard": exc.code}
    if exc.code in ("reason_required", "bad_reason", "reason_not_applicable"):
        return InvalidInput(exc.code, message, {"reason": [message]}, extra)
    if exc.code == "panel_conclusion_required":
        return refused(PanelRuleRefusal(exc.code, message, extra=extra), "park.transition_refused", "park",
                       park.id, extra)
    return Conflict(exc.code, message, extra=extra)


def _documents(park: Park, ids: list[int]) -> list[Material]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = {m.id: m for m in db.session.scalars(
        select(Material).where(Material.id.in_(ids), Material.park_id == park.id))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise invalid("documents", _l("No such materials of this park: {missing}").format(missing=missing),
                       "unknown_material")
    return [found[i] for i in ids]


def required_materials(action: Action | str) -> tuple[str, ...]:
    """The material kinds the action must cite (this deployment's list)."""
    configured = current_app.config.get("SCHEDULING_REQUIRED_MATERIALS", REQUIRED_MATERIALS)
    return tuple(configured.get(Action(action).value, ()))


def _check_materials(action: Action, on: date, documents: list[Material]) -> None:
    required = required_materials(action)
    if not required:
        return
    article = MATERIAL_ARTICLE.get(action.value, rule_for(action).article)
    kinds = {m.kind for m in documents}
    missing = [k for k in required if k not in kinds]
    if missing:
        message = _l(
            "Materials required by Art. {article} are missing: {names} (upload them and cite them in "
            "documents).").format(
            article=article, names=listing(material_kind_name(k) for k in missing))
        raise InvalidInput("materials_missing", message, {"documents": [message]}, {"article": article})
    if "compliance_commitment" in required:
        # Art. 9 (3): the commitment covers the three years before the application date.
        start = add_years(on, -3)
        covering = [m for m in documents if m.kind == "compliance_commitment" and m.covers_from is not None
                    and m.covers_to is not None and m.covers_from <= start
                    and m.covers_to >= on - relativedelta(days=1)]
        if not covering:
            message = _l(
                "The compliance commitment must cover the three years before the application ({start} to "
                "{on}).").format(
                start=start, on=on - relativedelta(days=1))
            raise InvalidInput("commitment_period", message, {"documents": [message]}, {"article": 9})


def _check_fields(action: Action, params: dict[str, Any]) -> None:
    allowed = ACTION_FIELDS.get(action.value, frozenset())
    stray = sorted(k for k, v in params.items() if v is not None and k not in allowed)
    if stray:
        raise InvalidInput(None, INVALID, {k: [_l(
            "Not accepted by {action}.").format(
            action=action.value)] for k in stray})
    if action is Action.REPORT_MAJOR_CHANGE and not params.get("changed_on"):
        raise invalid("changed_on", _l("Give the date of the major change."))


def _next_seq(park: Park) -> int:
    last = db.session.scalar(select(func.max(ParkTransition.seq)).where(ParkTransition.park_id == park.id))
    return (last or 0) + 1


def apply_transition(actor: Actor, park: Park, action: Action, on: date, now: datetime, *, comment: str = "",
                     documents: list[Material] | None = None, reason: str | None = None,
                     params: dict[str, Any] | None = None, as_leading_group: bool = False,
                     seq: int | None = None, flush: bool = True, party: Party | None = None,
                     panel_override: str | None = None, cites: dict[str, Any] | None = None,
                     ) -> tuple[ParkTransition, tuple[str, str, Any, dict[str, Any]]]:
    """Apply one action to a loaded (and, for users, locked) park; returns the transition and its audit item.

    Raises the lifecycle's errors as they are (the sweeper handles them); :func:`transition_park` maps them.
    The sweeper passes the park's next ``seq`` (known for its whole batch) and flushes once per batch.
    ``party``: the lifecycle party acting when it is not the caller's own (a panel's conclusion acts for the
    authority that convened it). An action a panel decides cites the conclusion it follows (``panel`` in the
    transition's data, the conclusion's reference in the audit entry), or the Office's ``panel_override``
    reason; ``cites`` is what other actions taken on a conclusion record of it.
    """
    params = params or {}
    role = party or policy.lifecycle_party(actor, as_leading_group)
    if role is None:
        raise PartyNotAllowed(action, Party.PARK, frozenset())
    decided = action in PANEL_DECIDED and panel_override is None
    facts = build_facts(park, on, with_panels=decided)
    result = apply(park.state, action, role, facts, reason=reason, rules=lifecycle_rules(),
                   panel_override=panel_override is not None)
    outcome = outcome_for(action, facts.panel_outcomes) if decided else None
    panel_data: dict[str, Any] = dict(cites or {})
    if outcome is not None:
        panel_data["panel"] = {"kind": outcome.kind.value, "conclusion": outcome.conclusion.value,
                               "concluded_on": outcome.concluded_on.isoformat()}
    if panel_override is not None:
        panel_data["panel_override"] = {"reason": panel_override, "by": actor.label}
    transition = ParkTransition(
        park_id=park.id, seq=seq or _next_seq(park), cycle=park.cycle, from_state=result.from_state.value,
        to_state=result.to_state.value, action=action.value, actor=role.value, user_id=actor.user_id,
        actor_label=actor.label, on=on, article=result.article,
        reason=result.reason.value if result.reason is not None else None, comment=comment, data={},
        created_at=now)
    if documents:
        transition.documents = list(documents)
    # Transitions are append-only: what the action changed is known before the row is first written.
    with db.session.no_autoflush:
        data = record_action_effects(park, action, on, transition.reason, params, actor, comment, now, transition)
        transition.data = {**data, **({"as_leading_group": True} if as_leading_group else {}), **panel_data}
        transition.cycle = park.cycle  # a new application opens the next cycle with this transition
    db.session.add(transition)
    park.state = result.to_state.value
    park.last_transition_on = on
    sync_deadlines(park, on, now)
    added = refresh_proposals(park, on)
    if flush:
        db.session.flush()
    entry = ("park.transition", "park", park.id, {
        "seq": transition.seq, "action": action.value, "from": result.from_state.value,
        "to": result.to_state.value, "as": role.value, "on": on.isoformat(), "article": result.article,
        "reason": transition.reason, "documents": [m.id for m in documents or []], "data": transition.data,
        "proposals": [p.key for p in added]})
    if outcome is not None:
        entry[3]["panel_ref"] = outcome.ref  # the audit (the Office's) names the panel; the timeline its kind
    return transition, entry


def transition_park(actor: Actor, park_id: int, data: dict[str, Any], now: datetime) -> ParkTransition:
    """Take one lifecycle action on a park as the caller (409 illegal, 403 not this role, 409/422 guards)."""
    park = get_park(actor, park_id, lock=True)
    try:
        action = Action(data["action"])
    except ValueError:
        raise invalid("action", _l("Unknown action."), "unknown_action") from None
    on: date = data["date"]
    today = shanghai_date(now)
    if on > today:
        raise invalid("date", _l("The date cannot be after today ({today}).").format(today=today))
    if park.last_transition_on and on < park.last_transition_on:
        raise invalid("date", _l(
            "The date cannot be before the previous transition ({last_transition_on}).").format(
            last_transition_on=park.last_transition_on))
    params = {k: data.get(k) for k in ALL_ACTION_FIELDS}
    as_leading_group = bool(data.get("as_leading_group"))
    if as_leading_group and actor.role != Role.OFFICE:
        raise Forbidden("not_office", _l("Only Office staff may enter decisions for the leading group."))
    _check_fields(action, params)
    override = data.get("panel_override_reason")
    party = policy.lifecycle_party(actor, as_leading_group) or Party.PARK
    if override is not None:
        party = _override_party(actor, park, action, party, override)
    documents = _documents(park, data.get("documents") or [])
    try:
        # Refusals first: an illegal action or a wrong role is reported before missing materials.
        apply(park.state, action, party, build_facts(park, on, with_panels=action in PANEL_DECIDED),
              reason=data.get("reason"), rules=lifecycle_rules(), panel_override=override is not None)
        _check_materials(action, on, documents)
        transition, entry = apply_transition(
            actor, park, action, on, now, comment=(data.get("comment") or "").strip(), documents=documents,
            reason=data.get("reason"), params=params, as_leading_group=as_leading_group, party=party,
            panel_override=override)
    except (IllegalTransition, PartyNotAllowed, GuardFailed) as exc:
        raise _lifecycle_error(exc, park) from None
    if as_leading_group:
        entry[3]["entered_for_leading_group_by"] = actor.label
    if override is not None:
        entry[3]["panel_override"] = override
        if party is Party.PROVINCE:
            entry[3]["entered_for_province_by"] = actor.label
    record(actor, *entry, now=now)
    return transition


def _override_party(actor: Actor, park: Park, action: Action, party: Party, reason: str) -> Party:
    """The Office overrides the panel rule for an action a panel decides, with a stated reason; it acts as
    the party the action belongs to (for a province's act, it enters it for the province, audited)."""
    facts = {"action": action.value, "state": park.state, "reason": reason}
    if not actor.is_office:
        raise refused(PanelOverrideRefusal("override_office_only", _l(
            "Only the Office may override the need for a panel's conclusion, with a reason.")),
            "park.panel_override_refused", "park", park.id, facts)
    if action not in PANEL_DECIDED:
        message = _l(
            "{action} does not follow a panel's conclusion; there is nothing to override.").format(
            action=action.value)
        raise refused(PanelOverrideNotApplicable("override_not_applicable", message,
                                                 {"panel_override_reason": [message]}),
                      "park.panel_override_refused", "park", park.id, facts)
    permitted = parties_for(action, park.programme)
    if party not in permitted and Party.PROVINCE in permitted:
        return Party.PROVINCE
    return party
