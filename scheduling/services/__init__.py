"""Parks and their lifecycle. Operations take an :class:`Actor`, plain values and the clock (``now``); they
flush, never commit (the request, CLI command or sweeper batch commits).

:func:`transition_park` is the heart: it builds :class:`ParkFacts` from the rows, asks the pure table
(:func:`lifecycle.apply`), appends the transition, records what it changed in the facts, re-derives the
deadline rows, puts new grounds for a warning before people, and audits, all in the caller's transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from expert_pool.models import Organization
from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import Msg
from scheduling import policy
from scheduling.deadlines import proposal_audience, refresh_proposals, sync_deadlines
from scheduling.facts import build_facts, lifecycle_rules
from scheduling.lifecycle import (
    ENDED_STATES,
    PHASE_OF,
    Action,
    ActorNotAllowed,
    GuardFailed,
    IllegalTransition,
    Phase,
    State,
    action_options,
    apply,
    is_publicly_listed,
    may_use_title,
    rule_for,
)
from scheduling.lifecycle import Actor as LifecycleActor
from scheduling.models import (
    DeadlineRecord,
    EvaluationRecord,
    MajorChangeRecord,
    Material,
    NoticeObjection,
    Park,
    ParkTransition,
    WarningProposalRecord,
)
from scheduling.periods import add_years, warning_rectification_deadline

FORBIDDEN = Msg("无权执行此操作。", "You are not allowed to do this.")
INVALID = Msg("输入数据有误，请按提示修改。", "The input is invalid; see the errors per field.")

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

# Facts of a creation cycle, cleared when a new application starts the next one (Art. 21).
CYCLE_FACTS = ("applied_on", "public_notice_published_on", "public_notice_last_day", "approved_on",
               "extension_requested_on", "extension_granted_on", "extension_refused_on", "extension_months",
               "acceptance_applied_on", "verification_feedback_on", "naming_notice_published_on",
               "naming_notice_last_day", "named_on", "warned_on", "rectification_deadline",
               "revocation_requested_on")

_PARK_LOADS = (selectinload(Park.major_changes), selectinload(Park.evaluations), selectinload(Park.annual_reports),
               selectinload(Park.objections), selectinload(Park.proposals), selectinload(Park.deadlines))


def _invalid(field: str, zh: str, en: str, code: str | None = None) -> InvalidInput:
    return InvalidInput(code, INVALID, {field: [Msg(zh, en)]})


# --- reading ---------------------------------------------------------------------------------------------


def get_park(actor: Actor, park_id: int, *, lock: bool = False) -> Park:
    """A park the caller may see (404 if it does not exist, 403 if it is outside the caller's scope).

    ``lock``: take the park's row lock for the rest of the transaction (PostgreSQL), so concurrent
    transitions of one park serialise; the sweeper takes the same lock first too.
    """
    query = select(Park).where(Park.id == park_id).options(*_PARK_LOADS)
    if lock:
        query = query.with_for_update(of=Park).execution_options(populate_existing=True)
    park = db.session.scalars(query).first()
    if park is None:
        raise not_found("园区", "Park", park_id)
    if not policy.may_see_park(actor, park.province, park.id):
        raise Forbidden(None, FORBIDDEN)
    return park


def _scoped(actor: Actor, query: Select) -> Select:
    if actor.is_office:
        return query
    if actor.role == Role.PROVINCE:
        return query.where(Park.province == actor.province)
    if actor.role == Role.PARK:
        return query.where(Park.id == actor.park_id)
    raise Forbidden(None, FORBIDDEN)


def list_parks(actor: Actor, filters: dict[str, Any], page: int, page_size: int) -> tuple[list[Park], int]:
    """The parks in the caller's scope, filtered, with the total count."""
    query = _scoped(actor, select(Park))
    for key in ("province", "state", "programme", "park_type"):
        if filters.get(key):
            query = query.where(getattr(Park, key) == filters[key])
    if filters.get("q"):
        query = query.where(or_(Park.name.ilike(f"%{filters['q'].strip()}%"),
                                Park.city.ilike(f"%{filters['q'].strip()}%")))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.order_by(Park.province, Park.name, Park.id)
                               .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


def present_park(actor: Actor, park: Park, now: datetime) -> dict[str, Any]:
    """A park as its API shows it: fields, phase, title use, the facts and the caller's options."""
    state = State(park.state)
    today = shanghai_date(now)
    return {
        "id": park.id, "name": park.name, "province": park.province, "city": park.city,
        "programme": park.programme, "park_type": park.park_type,
        "management_agency": park.management_agency, "planning_institution": park.planning_institution,
        "leading_industries": park.leading_industries, "enterprise_ids": [o.id for o in park.enterprises],
        "state": park.state, "phase": PHASE_OF[state].value, "cycle": park.cycle,
        "may_use_title": may_use_title(state), "publicly_listed": is_publicly_listed(state),
        "facts": {name: _iso(getattr(park, name)) for name in (
            *CYCLE_FACTS, "public_notice_provisional", "naming_notice_provisional", "plan_revision_pending",
            "failed_rectifications", "revoked_on", "revocation_reason")},
        "options": options_for(actor, park, today),
        "created_at": park.created_at,
    }


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def options_for(actor: Actor, park: Park, today: date) -> list[dict[str, Any]]:
    """Actions the caller could take now from the park's state, each with what blocks it (None: allowed)."""
    roles = [policy.lifecycle_actor(actor)]
    if actor.role == Role.OFFICE:
        roles.append(LifecycleActor.LEADING_GROUP)
    facts = build_facts(park, today)
    out = []
    for role in roles:
        if role is None:
            continue
        for option in action_options(park.state, role, facts, lifecycle_rules()):
            blocked = option.blocked
            out.append({
                "action": option.action.value, "article": option.article, "as": role.value,
                "blocked": None if blocked is None else {
                    "code": blocked.code, "article": blocked.article,
                    "message": Msg(blocked.message_zh, blocked.message_en)},
            })
    return out


# --- creating ---------------------------------------------------------------------------------------------


def _organization(org_id: int, field: str) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise _invalid(field, f"单位 {org_id} 不存在。", f"Organisation {org_id} does not exist.",
                       "unknown_organization")
    return org


def create_park(actor: Actor, data: dict[str, Any], now: datetime) -> Park:
    """Register a park (state ``new``); the Office for any province, a province for its own."""
    if not policy.may_create_park(actor, data["province"]):
        raise Forbidden(None, Msg("只能登记本省的园区。", "You may register parks of your own province only."))
    name = data["name"].strip()
    if db.session.scalar(select(Park.id).where(Park.name == name)) is not None:
        raise Conflict("duplicate_park", Msg("已有同名园区。", "A park with this name exists already."),
                       {"name": [Msg("已有同名园区。", "A park with this name exists already.")]})
    agency = _organization(data["management_agency_id"], "management_agency_id")
    planner = (_organization(data["planning_institution_id"], "planning_institution_id")
               if data.get("planning_institution_id") else None)
    enterprises = [_organization(i, "enterprise_ids") for i in dict.fromkeys(data.get("enterprise_ids") or [])]
    park = Park(name=name, province=data["province"], city=(data.get("city") or "").strip(),
                programme=data.get("programme", "national"), park_type=data.get("park_type", "other"),
                management_agency=agency, planning_institution=planner,
                leading_industries=[s.strip() for s in data.get("leading_industries") or [] if s.strip()],
                state=State.NEW.value, created_at=now, cycle=1, enterprises=enterprises)
    db.session.add(park)
    db.session.flush()
    record(actor, "park.create", "park", park.id, {
        "name": park.name, "province": park.province, "programme": park.programme, "park_type": park.park_type,
        "management_agency_id": agency.id, "planning_institution_id": planner.id if planner else None}, now=now)
    return park


# --- transitions ------------------------------------------------------------------------------------------


def _lifecycle_error(exc: Exception, park: Park) -> Exception:
    if isinstance(exc, IllegalTransition):
        allowed = [a.value for a in exc.allowed_actions]
        listed = ", ".join(allowed) or "—"
        return Conflict("illegal_transition", Msg(
            f"园区当前状态为“{exc.current_state.value}”，不能执行“{exc.action.value}”；可执行：{listed}。",
            f"The park is in state {exc.current_state.value}; {exc.action.value} is not possible. "
            f"Allowed: {', '.join(allowed) or 'none'}."),
            extra={"current_state": exc.current_state.value, "allowed_actions": allowed})
    if isinstance(exc, ActorNotAllowed):
        return Forbidden("actor_not_allowed", Msg(
            f"“{exc.action.value}”只能由以下角色执行：{', '.join(sorted(exc.allowed_actors))}。",
            f"{exc.action.value} may be taken only by: {', '.join(sorted(exc.allowed_actors))}."),
            extra={"current_state": park.state, "allowed_actors": sorted(exc.allowed_actors)})
    assert isinstance(exc, GuardFailed)
    message = Msg(f"{exc.message_zh}（第{exc.article}条）", f"{exc.message_en} (Art. {exc.article})")
    extra = {"article": exc.article, "current_state": park.state, "guard": exc.code}
    if exc.code in ("reason_required", "bad_reason", "reason_not_applicable"):
        return InvalidInput(exc.code, message, {"reason": [message]}, extra)
    return Conflict(exc.code, message, extra=extra)


def _documents(park: Park, ids: list[int]) -> list[Material]:
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = {m.id: m for m in db.session.scalars(
        select(Material).where(Material.id.in_(ids), Material.park_id == park.id))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise _invalid("documents", f"本园区没有以下材料：{missing}", f"No such materials of this park: {missing}",
                       "unknown_material")
    return [found[i] for i in ids]


def _check_materials(action: Action, on: date, documents: list[Material]) -> None:
    from flask import current_app

    required = current_app.config.get("SCHEDULING_REQUIRED_MATERIALS", REQUIRED_MATERIALS).get(action.value, ())
    if not required:
        return
    article = MATERIAL_ARTICLE.get(action.value, rule_for(action).article)
    kinds = {m.kind for m in documents}
    missing = [k for k in required if k not in kinds]
    if missing:
        message = Msg(f"缺少第{article}条规定的材料：{', '.join(missing)}（请先上传并在 documents 中引用）。",
                      f"Materials required by Art. {article} are missing: {', '.join(missing)} "
                      f"(upload them and cite them in documents).")
        raise InvalidInput("materials_missing", message, {"documents": [message]}, {"article": article})
    if "compliance_commitment" in required:
        # Art. 9 (3): the commitment covers the three years before the application date.
        start = add_years(on, -3)
        covering = [m for m in documents if m.kind == "compliance_commitment" and m.covers_from is not None
                    and m.covers_to is not None and m.covers_from <= start
                    and m.covers_to >= on - relativedelta(days=1)]
        if not covering:
            message = Msg(f"环境守法承诺书须覆盖申请之日前三年（{start} 至 {on - relativedelta(days=1)}）。",
                          f"The compliance commitment must cover the three years before the application "
                          f"({start} to {on - relativedelta(days=1)}).")
            raise InvalidInput("commitment_period", message, {"documents": [message]}, {"article": 9})


def _check_fields(action: Action, params: dict[str, Any]) -> None:
    allowed = ACTION_FIELDS.get(action.value, frozenset())
    stray = sorted(k for k, v in params.items() if v is not None and k not in allowed)
    if stray:
        raise InvalidInput(None, INVALID, {k: [Msg(f"“{action.value}”不接受此字段。",
                                                   f"Not accepted by {action.value}.")] for k in stray})
    if action is Action.REPORT_MAJOR_CHANGE and not params.get("changed_on"):
        raise _invalid("changed_on", "请填写重大调整发生的日期。", "Give the date of the major change.")


def _next_seq(park: Park) -> int:
    last = db.session.scalar(select(func.max(ParkTransition.seq)).where(ParkTransition.park_id == park.id))
    return (last or 0) + 1


def _notice_end(start: date, days: int, now: datetime) -> tuple[date, bool]:
    from scheduling.calendar_service import get_calendar

    result = get_calendar(now).add_working_days(start, days)
    return result.date, result.provisional


def _mark_proposals(park: Park, ids: list[int] | None, reasons: set[str], on: date, actor: Actor,
                    comment: str) -> list[str]:
    """Proposals an action settles: the ones named, else every open one of the action's reason."""
    keys = []
    for p in park.proposals:
        if p.status != "open":
            continue
        if (ids and p.id in ids) or (not ids and p.reason in reasons):
            p.status, p.decided_on, p.decided_by_label, p.decision_comment = "acted", on, actor.label, comment
            keys.append(p.key)
    return keys


def _record_facts(park: Park, action: Action, on: date, reason: str | None, params: dict[str, Any],
                  actor: Actor, comment: str, now: datetime, transition: ParkTransition) -> dict[str, Any]:
    """What the action changes in the park's facts; returns the data stored with the transition."""
    rules = lifecycle_rules()
    A = Action
    data: dict[str, Any] = {}
    if action is A.SUBMIT_APPLICATION:
        if transition.from_state in {s.value for s in ENDED_STATES}:
            park.cycle += 1  # a new creation cycle (Art. 21): the old cycle's facts stay in the history
            for name in CYCLE_FACTS:
                setattr(park, name, None)
            park.public_notice_provisional = park.naming_notice_provisional = False
            park.plan_revision_pending = False
            park.failed_rectifications = 0
        park.applied_on = on
    elif action is A.PUBLISH_PUBLIC_NOTICE:
        last, provisional = _notice_end(on, rules.time.public_notice_working_days, now)
        park.public_notice_published_on, park.public_notice_last_day = on, last
        park.public_notice_provisional = provisional
        data = {"last_day": last.isoformat(), "provisional": provisional}
    elif action is A.APPROVE_CONSTRUCTION:
        park.approved_on = on
    elif action is A.REQUEST_EXTENSION:
        park.extension_requested_on = on
    elif action is A.GRANT_EXTENSION:
        months = params.get("extension_months") or rules.time.extension_max_months
        if not 1 <= months <= rules.time.extension_max_months:
            raise _invalid("extension_months", f"延期为 1 至 {rules.time.extension_max_months} 个月（第十一条）。",
                           f"An extension is 1-{rules.time.extension_max_months} months (Art. 11).")
        park.extension_granted_on, park.extension_months = on, months
        data = {"extension_months": months}
    elif action is A.REFUSE_EXTENSION:
        park.extension_refused_on = on
    elif action is A.REPORT_MAJOR_CHANGE:
        changed_on: date = params["changed_on"]
        if changed_on > on:
            raise _invalid("changed_on", "调整日期不能晚于报告日期。", "The change cannot be after its report.")
        change = next((c for c in park.major_changes if c.cycle == park.cycle and c.changed_on == changed_on), None)
        if change is not None and change.reported_on is not None:
            raise Conflict("already_reported", Msg(f"{changed_on} 的重大调整已于 {change.reported_on} 报告。",
                                                   f"The change of {changed_on} was reported on {change.reported_on}."))
        if change is None:
            change = MajorChangeRecord(cycle=park.cycle, changed_on=changed_on, recorded_by_label=actor.label,
                                       created_at=now, subjects=[], description="")
            park.major_changes.append(change)
        change.reported_on = on
        change.subjects = list(params.get("subjects") or change.subjects or [])
        change.description = params.get("description") or change.description or ""
        data = {"changed_on": changed_on.isoformat(), "subjects": change.subjects}
    elif action is A.REQUIRE_PLAN_REVISION:
        park.plan_revision_pending = True
    elif action is A.FILE_PLAN_REVISION:
        park.plan_revision_pending = False
    elif action is A.APPLY_ACCEPTANCE:
        park.acceptance_applied_on = on
    elif action is A.REQUEST_RECTIFICATION:
        park.verification_feedback_on = on
    elif action is A.PUBLISH_NAMING_NOTICE:
        last, provisional = _notice_end(on, rules.time.naming_notice_working_days, now)
        park.naming_notice_published_on, park.naming_notice_last_day = on, last
        park.naming_notice_provisional = provisional
        data = {"last_day": last.isoformat(), "provisional": provisional}
    elif action is A.NAME_PARK:
        park.named_on = on
    elif action in (A.PASS_EVALUATION, A.FAIL_EVALUATION):
        passed = action is A.PASS_EVALUATION
        excellent = bool(params.get("excellent")) and passed
        park.evaluations.append(EvaluationRecord(cycle=park.cycle, evaluated_on=on, passed=passed,
                                                 excellent=excellent, transition=transition))
        data = {"passed": passed, "excellent": excellent}
    elif action is A.WARN:
        try:
            deadline = warning_rectification_deadline(on, params.get("rectification_months"), rules.time)
        except ValueError:
            limit = rules.time.warning_rectification_max_months
            raise _invalid("rectification_months", f"整改期限为 1 至 {limit} 个月（第二十六条）。",
                           f"The rectification period is 1-{limit} months (Art. 26).") from None
        park.warned_on, park.rectification_deadline = on, deadline
        data = {"rectification_deadline": deadline.isoformat(),
                "proposals": _mark_proposals(park, params.get("proposal_ids"), {reason or ""}, on, actor, comment)}
    elif action is A.STOP_CREATION:
        reasons = {"unreported_major_change"} if reason == "unreported_major_change" else set()
        data = {"proposals": _mark_proposals(park, params.get("proposal_ids"), reasons, on, actor, comment)}
    elif action is A.PASS_RECHECK:
        park.warned_on = park.rectification_deadline = None
    elif action in (A.FAIL_RECHECK, A.EXPIRE_RECTIFICATION):
        park.failed_rectifications += 1
    elif action is A.REQUEST_REVOCATION:
        park.revocation_requested_on = on
    elif action is A.REVOKE:
        park.revoked_on, park.revocation_reason = on, reason
    return data


def apply_transition(actor: Actor, park: Park, action: Action, on: date, now: datetime, *, comment: str = "",
                     documents: list[Material] | None = None, reason: str | None = None,
                     params: dict[str, Any] | None = None, as_leading_group: bool = False,
                     seq: int | None = None, flush: bool = True,
                     ) -> tuple[ParkTransition, tuple[str, str, Any, dict[str, Any]]]:
    """Apply one action to a loaded (and, for users, locked) park; returns the transition and its audit item.

    Raises the lifecycle's errors as they are (the sweeper handles them); :func:`transition_park` maps them.
    The sweeper passes the park's next ``seq`` (known for its whole batch) and flushes once per batch.
    """
    params = params or {}
    role = policy.lifecycle_actor(actor, as_leading_group)
    if role is None:
        raise ActorNotAllowed(action, LifecycleActor.PARK, frozenset())
    facts = build_facts(park, on)
    result = apply(park.state, action, role, facts, reason=reason, rules=lifecycle_rules())
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
        data = _record_facts(park, action, on, transition.reason, params, actor, comment, now, transition)
        transition.data = {**data, **({"as_leading_group": True} if as_leading_group else {})}
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
    return transition, entry


def transition_park(actor: Actor, park_id: int, data: dict[str, Any], now: datetime) -> ParkTransition:
    """Take one lifecycle action on a park as the caller (409 illegal, 403 not this role, 409/422 guards)."""
    park = get_park(actor, park_id, lock=True)
    try:
        action = Action(data["action"])
    except ValueError:
        raise _invalid("action", "未知的操作。", "Unknown action.", "unknown_action") from None
    on: date = data["date"]
    today = shanghai_date(now)
    if on > today:
        raise _invalid("date", f"日期不能晚于今天（{today}）。", f"The date cannot be after today ({today}).")
    if park.last_transition_on and on < park.last_transition_on:
        raise _invalid("date", f"日期不能早于上一次状态变更（{park.last_transition_on}）。",
                       f"The date cannot be before the previous transition ({park.last_transition_on}).")
    params = {k: data.get(k) for k in ALL_ACTION_FIELDS}
    as_leading_group = bool(data.get("as_leading_group"))
    if as_leading_group and actor.role != Role.OFFICE:
        raise Forbidden("not_office", Msg("只有办公室工作人员可以代领导小组录入决定。",
                                          "Only Office staff may enter decisions for the leading group."))
    _check_fields(action, params)
    documents = _documents(park, data.get("documents") or [])
    try:
        # Refusals first: an illegal action or a wrong role is reported before missing materials.
        apply(park.state, action, policy.lifecycle_actor(actor, as_leading_group) or LifecycleActor.PARK,
              build_facts(park, on), reason=data.get("reason"), rules=lifecycle_rules())
        _check_materials(action, on, documents)
        transition, entry = apply_transition(
            actor, park, action, on, now, comment=(data.get("comment") or "").strip(), documents=documents,
            reason=data.get("reason"), params=params, as_leading_group=as_leading_group)
    except (IllegalTransition, ActorNotAllowed, GuardFailed) as exc:
        raise _lifecycle_error(exc, park) from None
    if as_leading_group:
        entry[3]["entered_for_leading_group_by"] = actor.label
    record(actor, *entry, now=now)
    return transition


# --- objections, major changes, proposals ------------------------------------------------------------------


def record_objection(actor: Actor, park_id: int, data: dict[str, Any], now: datetime) -> NoticeObjection:
    """An objection to the public notice (Art. 10) or a complaint in the naming notice (Art. 19)."""
    park = get_park(actor, park_id, lock=True)
    if not policy.may_record_objection(actor, park.province):
        raise Forbidden(None, FORBIDDEN)
    notice = data["notice"]
    expected = State.IN_PUBLIC_NOTICE if notice == "public_notice" else State.IN_NAMING_NOTICE
    published = park.public_notice_published_on if notice == "public_notice" else park.naming_notice_published_on
    if park.state != expected.value:
        raise Conflict("not_in_notice", Msg(f"园区不在{'创建' if notice == 'public_notice' else '命名'}公示阶段。",
                                            f"The park is not in its {notice.replace('_', ' ')}."),
                       extra={"current_state": park.state})
    if data["received_on"] > shanghai_date(now) or (published and data["received_on"] < published):
        raise _invalid("received_on", "收到日期应在公示开始之后、今天之前。",
                       "The date must lie between the start of the notice and today.")
    objection = NoticeObjection(cycle=park.cycle, notice=notice, received_on=data["received_on"],
                                summary=data["summary"].strip(), finding="", recorded_by_label=actor.label)
    park.objections.append(objection)
    db.session.flush()
    record(actor, "park.objection", "park", park.id, {"objection_id": objection.id, "notice": notice,
                                                      "received_on": objection.received_on}, now=now)
    return objection


def resolve_objection(actor: Actor, park_id: int, objection_id: int, data: dict[str, Any],
                      now: datetime) -> NoticeObjection:
    park = get_park(actor, park_id, lock=True)
    if not policy.may_record_objection(actor, park.province):
        raise Forbidden(None, FORBIDDEN)
    objection = next((o for o in park.objections if o.id == objection_id), None)
    if objection is None:
        raise not_found("异议", "Objection", objection_id)
    if objection.resolved_on is not None:
        raise Conflict("already_resolved", Msg("该异议已有调查结论。", "This objection has been resolved already."))
    if data["resolved_on"] < objection.received_on or data["resolved_on"] > shanghai_date(now):
        raise _invalid("resolved_on", "结论日期应在收到日期之后、今天之前。",
                       "The date must lie between receipt and today.")
    objection.resolved_on, objection.upheld = data["resolved_on"], data["upheld"]
    objection.finding = (data.get("finding") or "").strip()
    db.session.flush()
    record(actor, "park.objection_resolved", "park", park.id, {
        "objection_id": objection.id, "upheld": objection.upheld, "resolved_on": objection.resolved_on}, now=now)
    return objection


def record_major_change(actor: Actor, park_id: int, data: dict[str, Any], now: datetime) -> MajorChangeRecord:
    """A major change found by the province or the Office, not (yet) reported by the park (Art. 12, 14 (2)).

    It gets the 6-month report deadline; once that has passed it grounds a warning proposal or a stop.
    """
    park = get_park(actor, park_id, lock=True)
    if not (actor.is_office or (actor.role == Role.PROVINCE and actor.province == park.province)):
        raise Forbidden(None, FORBIDDEN)
    if PHASE_OF[State(park.state)] not in (Phase.CREATION, Phase.NAMED):
        raise Conflict("not_applicable", Msg("只有创建中或已命名的园区才记录重大调整。",
                                             "Major changes are recorded for parks under creation or named."),
                       extra={"current_state": park.state})
    today = shanghai_date(now)
    changed_on = data["changed_on"]
    if changed_on > today:
        raise _invalid("changed_on", "调整日期不能晚于今天。", "The change cannot be in the future.")
    if any(c.cycle == park.cycle and c.changed_on == changed_on for c in park.major_changes):
        raise Conflict("duplicate_change", Msg(f"{changed_on} 的重大调整已有记录。",
                                               f"A major change of {changed_on} is on record already."))
    change = MajorChangeRecord(cycle=park.cycle, changed_on=changed_on, reported_on=None,
                               subjects=list(data.get("subjects") or []), description=data.get("description") or "",
                               recorded_by_label=actor.label, created_at=now)
    park.major_changes.append(change)
    db.session.flush()
    sync_deadlines(park, today, now)
    added = refresh_proposals(park, today)
    db.session.flush()
    record(actor, "park.major_change_found", "park", park.id, {
        "changed_on": changed_on, "subjects": change.subjects, "proposals": [p.key for p in added]}, now=now)
    return change


def list_proposals(actor: Actor, filters: dict[str, Any], page: int, page_size: int):
    query = select(WarningProposalRecord).join(Park)
    if actor.role == Role.PROVINCE:
        query = query.where(Park.province == actor.province)
    elif not actor.is_office:
        raise Forbidden(None, FORBIDDEN)
    for key in ("status", "audience", "reason"):
        if filters.get(key):
            query = query.where(getattr(WarningProposalRecord, key) == filters[key])
    if filters.get("park_id"):
        query = query.where(WarningProposalRecord.park_id == filters["park_id"])
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.order_by(WarningProposalRecord.proposed_on.desc(), WarningProposalRecord.id)
                               .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


def dismiss_proposal(actor: Actor, proposal_id: int, comment: str, now: datetime) -> WarningProposalRecord:
    """People decide: the Office (or the province, for its audience) dismisses a ground, with a reason."""
    proposal = db.session.get(WarningProposalRecord, proposal_id)
    if proposal is None:
        raise not_found("警告建议", "Warning proposal", proposal_id)
    park = get_park(actor, proposal.park_id, lock=True)
    if not policy.may_decide_proposal(actor, park.province, proposal.audience):
        raise Forbidden(None, FORBIDDEN)
    if proposal.status != "open":
        raise Conflict("already_decided", Msg("该建议已处理。", "This proposal has been decided already."))
    proposal.status, proposal.decided_on = "dismissed", shanghai_date(now)
    proposal.decided_by_label, proposal.decision_comment = actor.label, comment.strip()
    db.session.flush()
    record(actor, "park.warning_proposal_dismissed", "park", park.id,
           {"key": proposal.key, "comment": proposal.decision_comment}, now=now)
    return proposal


# --- timeline and the public list --------------------------------------------------------------------------


def timeline(actor: Actor, park_id: int, now: datetime) -> dict[str, Any]:
    """What happened to the park and what is due, with dates, articles and provisional marks."""
    park = get_park(actor, park_id)
    today = shanghai_date(now)
    transitions = db.session.scalars(
        select(ParkTransition).where(ParkTransition.park_id == park.id)
        .options(selectinload(ParkTransition.documents)).order_by(ParkTransition.seq)).all()
    events: list[dict[str, Any]] = [{
        "type": "transition", "on": t.on, "seq": t.seq, "cycle": t.cycle, "action": t.action,
        "from_state": t.from_state, "to_state": t.to_state, "actor": t.actor, "actor_label": t.actor_label,
        "article": t.article, "reason": t.reason, "comment": t.comment, "data": t.data,
        "documents": [{"id": m.id, "kind": m.kind, "filename": m.filename} for m in t.documents],
        "at": t.created_at,
    } for t in transitions]
    for c in park.major_changes:
        events.append({"type": "major_change", "on": c.changed_on, "cycle": c.cycle, "reported_on": c.reported_on,
                       "subjects": c.subjects, "at": c.created_at})
    for r in park.annual_reports:
        for step in ("submitted_on", "reviewed_on", "forwarded_on"):
            if getattr(r, step):
                events.append({"type": f"annual_report_{step.removesuffix('_on')}", "on": getattr(r, step),
                               "year": r.year, "due": r.due, "late": step == "forwarded_on" and r.forwarded_on > r.due,
                               "at": r.updated_at})
    for o in park.objections:
        events.append({"type": "objection", "on": o.received_on, "notice": o.notice, "resolved_on": o.resolved_on,
                       "upheld": o.upheld, "at": None})
    for p in park.proposals:
        events.append({"type": "warning_proposal", "on": p.proposed_on, "key": p.key, "reason": p.reason,
                       "article": p.article, "status": p.status, "audience": p.audience,
                       "message": Msg(p.message_zh, p.message_en), "at": p.created_at})
    events.sort(key=lambda e: (e["on"], 0 if e["type"] == "transition" else 1, e.get("seq") or 0))
    due = []
    reminders = {}
    for d in park.deadlines:
        if d.state == "pending" and d.kind == "reminder" and d.parent_id is not None:
            nxt = reminders.get(d.parent_id)
            if nxt is None or d.fire_at < nxt:
                reminders[d.parent_id] = d.fire_at
    for d in sorted(park.deadlines, key=lambda d: (d.due, d.kind, d.key)):
        if d.kind == "reminder" or d.state not in ("pending", "fired") or (d.state == "fired" and d.due < today
                                                                           and d.outcome != "blocked"):
            continue
        due.append({"kind": d.kind, "key": d.key, "due": d.due, "article": d.article, "provisional": d.provisional,
                    "consequence": d.consequence, "state": d.state, "outcome": d.outcome,
                    "days_left": (d.due - today).days,
                    "next_reminder_at": reminders.get(d.id)})
    passed = [{"kind": d.kind, "key": d.key, "due": d.due, "article": d.article, "provisional": d.provisional,
               "consequence": d.consequence, "outcome": d.outcome, "fired_at": d.fired_at}
              for d in sorted(park.deadlines, key=lambda d: (d.due, d.id)) if d.kind != "reminder"
              and d.state in ("fired", "failed")]
    return {"park": {"id": park.id, "name": park.name, "province": park.province, "state": park.state,
                     "phase": PHASE_OF[State(park.state)].value, "cycle": park.cycle,
                     "may_use_title": may_use_title(park.state)},
            "today": today, "events": events, "due": due, "passed": passed,
            "open_proposals": [p.key for p in park.proposals if p.status == "open"],
            "options": options_for(actor, park, today)}


PUBLIC_STATES = tuple(s.value for s in State if is_publicly_listed(s))


def public_parks(filters: dict[str, Any], page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """Named and under-construction parks for the public (Art. 22): no people, no contact data."""
    query = select(Park).where(Park.state.in_(PUBLIC_STATES))
    if filters.get("province"):
        query = query.where(Park.province == filters["province"])
    if filters.get("status") == "named":
        query = query.where(Park.state.in_([s.value for s in State if PHASE_OF[s].value == "named"]))
    elif filters.get("status") == "under_construction":
        query = query.where(Park.state.in_([s.value for s in State if PHASE_OF[s].value == "creation"]))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    parks = db.session.scalars(query.order_by(Park.province, Park.name).offset((page - 1) * page_size)
                               .limit(page_size)).all()
    items = [{
        "id": p.id, "name": p.name, "province": p.province, "city": p.city, "programme": p.programme,
        "park_type": p.park_type, "status": "named" if PHASE_OF[State(p.state)].value == "named" else
        "under_construction", "may_use_title": may_use_title(p.state), "approved_on": p.approved_on,
        "named_on": p.named_on, "leading_industries": p.leading_industries,
    } for p in parks]
    return items, total


def pending_deadline_rows(park: Park) -> list[DeadlineRecord]:
    return [d for d in park.deadlines if d.state == "pending" and d.kind != "reminder"]


__all__ = ["apply_transition", "create_park", "dismiss_proposal", "get_park", "list_parks", "list_proposals",
           "options_for", "present_park", "proposal_audience", "public_parks", "record_major_change",
           "record_objection", "resolve_objection", "timeline", "transition_park"]
