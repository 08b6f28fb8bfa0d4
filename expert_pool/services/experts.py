"""Adding and changing experts: create, update (optimistic concurrency), status, confirmation."""

from __future__ import annotations

from datetime import date
from typing import Any

from expert_pool import policy
from expert_pool.models import Employment, Expert, StatusChange
from expert_pool.rules import status as status_rules
from expert_pool.rules.normalize import identity_mismatches, term_order_error, validate_id_number
from expert_pool.services import duplicates
from expert_pool.services.reading import FORBIDDEN, snapshot
from expert_pool.services.vocabulary import known_organization, resolve_specialties
from ground.actor import Actor, Role
from ground.audit import diff, record
from ground.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed
from ground.extensions import db
from ground.i18n import _l, _lp, listing, text_message


def _check_contributor(actor: Actor, contributed_by: str | None) -> str | None:
    if actor.role == Role.PROVINCE:
        if contributed_by not in (None, actor.province):
            raise Forbidden(None, _l("A province may only contribute experts in its own name."))
        return actor.province
    if not actor.is_office:
        raise Forbidden(None, FORBIDDEN)
    return contributed_by


def _change_status(actor: Actor, expert: Expert, to_status: str, reason: str, effective_on: date) -> None:
    expert.status_changes.append(StatusChange(
        from_status=expert.status if expert.id else None, to_status=to_status, reason=reason,
        effective_on=effective_on, actor_user_id=actor.user_id, actor_label=actor.label))
    expert.status = to_status


def create_expert(actor: Actor, data: dict[str, Any], today: date) -> Expert:
    """Add an expert to the pool, with its first employment and its first status entry."""
    contributed_by = _check_contributor(actor, data.get("contributed_by"))
    org = known_organization(data["organization_id"])
    specialties = resolve_specialties(data["specialties"])
    duplicates.check_single(actor, {f: data[f] for f in duplicates.IDENTIFYING_FIELDS}, context="create")
    expert = Expert(
        name=data["name"].strip(), gender=data["gender"], birth_year=data["birth_year"],
        id_number=data["id_number"], mobile=data["mobile"], email=data["email"], organization=org,
        title_rank=data["title_rank"], province=data["province"], city=(data.get("city") or "").strip(),
        recommended_by=data["recommended_by"], contributed_by=contributed_by,
        term_start=data.get("term_start"), term_end=data.get("term_end"), status="applicant",
        data_confirmed_on=today, language=data.get("language", "zh"), specialties=specialties,
    )
    expert.employments.append(Employment(organization=org, position=data.get("position", ""),
                                         start_date=data.get("organization_since") or today))
    _change_status(actor, expert, data.get("status", "applicant"), "created", today)
    db.session.add(expert)
    db.session.flush()
    record(actor, "expert.create", "expert", expert.id, {"after": snapshot(expert)})
    return expert


def update_expert(actor: Actor, expert: Expert, data: dict[str, Any], expected_version: int | None,
                  today: date) -> Expert:
    """Apply a partial update under optimistic concurrency (the caller's version must be current)."""
    if not policy.may_edit_expert(actor, expert.contributed_by):
        raise Forbidden(None, FORBIDDEN)
    if expected_version is not None and expected_version != expert.version:
        raise PreconditionFailed(None, _lp("expert_pool.services.experts",
            "The expert was changed by someone else; reload and try again."))
    if "contributed_by" in data and data["contributed_by"] != expert.contributed_by and not actor.is_office:
        raise Forbidden(None, _l("Only the Office may change the contributor."))
    before = snapshot(expert)
    original = {field: getattr(expert, field) for field in duplicates.PRIVATE_FIELDS}
    merged_id = data.get("id_number", expert.id_number)
    duplicates.check_single(actor, {f: data.get(f) for f in duplicates.IDENTIFYING_FIELDS}, context="update",
                            exclude_id=expert.id)
    info = validate_id_number(merged_id, today=today)
    problems = identity_mismatches(info, birth_year=data.get("birth_year", expert.birth_year),
                                   gender=data.get("gender", expert.gender))
    term = term_order_error(data.get("term_start", expert.term_start), data.get("term_end", expert.term_end))
    if term is not None:
        problems["term_end"] = term
    errors = {field: [text_message(e.text)] for field, e in problems.items()}
    if errors:
        raise InvalidInput(None, _l("The input is invalid; see the errors per field."),
                           errors)
    if "specialties" in data:
        expert.specialties = resolve_specialties(data["specialties"])
    if "organization_id" in data and data["organization_id"] != expert.organization_id:
        org = known_organization(data["organization_id"])
        since = data.get("organization_since") or today
        for job in expert.employments:
            if job.end_date is None:
                job.end_date = max(job.start_date, since)
        expert.employments.append(Employment(organization=org, position=data.get("position", ""),
                                             start_date=since))
        expert.organization, expert.organization_id = org, org.id
    for field in ("name", "gender", "birth_year", "id_number", "mobile", "email", "title_rank", "province",
                  "city", "recommended_by", "contributed_by", "term_start", "term_end", "language"):
        if field in data:
            setattr(expert, field, data[field])
    changes = diff(before, snapshot(expert))
    for field in duplicates.PRIVATE_FIELDS:
        # A new number with the same visible digits masks to the same text: still a change to record.
        if field in data and field not in changes and data[field] != original[field]:
            changes[field] = [before[field], snapshot(expert)[field]]
    if changes:
        db.session.flush()
        record(actor, "expert.update", "expert", expert.id, {"changes": changes})
    return expert


def change_status(actor: Actor, expert: Expert, to_status: str, reason: str, effective_on: date) -> Expert:
    if not policy.may_edit_expert(actor, expert.contributed_by):
        raise Forbidden(None, FORBIDDEN)
    if not status_rules.can_change(expert.status, to_status):
        allowed = sorted(status_rules.allowed_statuses(expert.status))
        raise Conflict("illegal_status_change",
                       _l(
                           "The expert is {status} and cannot become {to_status}; allowed: {allowed}.").format(
                           status=expert.status,
                           to_status=to_status,
                           allowed=listing(allowed) if allowed else _l("none")),
                       extra={"current": expert.status, "allowed": allowed})
    before = expert.status
    _change_status(actor, expert, to_status, reason, effective_on)
    db.session.flush()
    record(actor, "expert.status", "expert", expert.id,
           {"from": before, "to": to_status, "reason": reason, "effective_on": effective_on})
    return expert


def confirm_data(actor: Actor, expert: Expert, today: date) -> Expert:
    """The expert (or its editor) confirms the record is current (dynamic management, Art. 37)."""
    if not policy.may_confirm_expert(actor, expert.id, expert.contributed_by):
        raise Forbidden(None, FORBIDDEN)
    expert.data_confirmed_on = today
    db.session.flush()
    record(actor, "expert.confirm", "expert", expert.id, {"on": today})
    return expert


def update_contact(actor: Actor, expert: Expert, data: dict[str, Any]) -> Expert:
    """The expert (or its editor) keeps the contact details and mail language current; audited, masked."""
    if not policy.may_confirm_expert(actor, expert.id, expert.contributed_by):
        raise Forbidden(None, FORBIDDEN)
    duplicates.check_single(actor, {"id_number": None, "mobile": data["mobile"], "email": data["email"]},
                            context="update", exclude_id=expert.id)
    before = snapshot(expert)
    old_mobile = expert.mobile
    for field in ("mobile", "email", "language"):
        setattr(expert, field, data[field])
    changes = diff(before, snapshot(expert))
    if "mobile" not in changes and data["mobile"] != old_mobile:
        changes["mobile"] = [before["mobile"], snapshot(expert)["mobile"]]
    if changes:
        db.session.flush()
        record(actor, "expert.update", "expert", expert.id, {"changes": changes})
    return expert
