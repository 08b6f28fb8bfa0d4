"""Operations on the expert pool. They take plain values and an :class:`Actor`, flush, never commit."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from expert_pool import policy
from expert_pool import status as status_rules
from expert_pool.models import (
    Blacklisting,
    ConflictDeclaration,
    Employment,
    Expert,
    Organization,
    Specialty,
    StatusChange,
    Unavailability,
    expert_specialties,
)
from expert_pool.normalize import mask_id_number, mask_mobile
from ground.actor import Actor, Role
from ground.audit import diff, record
from ground.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed, not_found
from ground.extensions import db
from ground.i18n import Msg

FORBIDDEN = Msg("无权执行此操作。", "You are not allowed to do this.")


class MaskedExpert:
    """An expert as a caller may see it: ID number and mobile masked unless they may see them."""

    def __init__(self, expert: Expert, reveal: bool):
        self._expert = expert
        self.personal_data_masked = not reveal

    def __getattr__(self, name: str) -> Any:
        return getattr(self._expert, name)

    @property
    def id_number(self) -> str:
        value = self._expert.id_number
        return mask_id_number(value) if self.personal_data_masked else value

    @property
    def mobile(self) -> str:
        value = self._expert.mobile
        return mask_mobile(value) if self.personal_data_masked else value

    @property
    def allowed_statuses(self) -> list[str]:
        return sorted(status_rules.allowed_statuses(self._expert.status))

    @property
    def conflicts(self) -> list:
        # A conflict declared in answer to an invitation (source "invitation") tells which park the expert was
        # drawn for, by a panel that is confidential: only the Office and the expert see it here (the convening
        # authority sees it on its panel's invitations).
        if self.sees_invitation_conflicts:
            return list(self._expert.conflicts)
        return [c for c in self._expert.conflicts if c.source != "invitation"]


def present(actor: Actor, expert: Expert) -> MaskedExpert:
    shown = MaskedExpert(expert, policy.may_see_personal_data(actor, expert.id))
    shown.sees_invitation_conflicts = actor.is_office or actor.expert_id == expert.id
    return shown


def snapshot(expert: Expert) -> dict[str, Any]:
    """The audited view of an expert: personal identifiers masked, so the log spreads no personal data."""
    return {
        "name": expert.name, "gender": expert.gender, "birth_year": expert.birth_year,
        "id_number": mask_id_number(expert.id_number), "mobile": mask_mobile(expert.mobile),
        "email": expert.email, "organization_id": expert.organization_id, "title_rank": expert.title_rank,
        "specialties": expert.specialty_codes, "province": expert.province, "city": expert.city,
        "recommended_by": expert.recommended_by, "contributed_by": expert.contributed_by,
        "term_start": expert.term_start, "term_end": expert.term_end, "status": expert.status,
        "language": expert.language,
    }


# --- reading -------------------------------------------------------------------------------------------

def get_expert(actor: Actor, expert_id: int) -> Expert:
    """An expert the caller may read (404 if it does not exist, 403 if it is not theirs to see)."""
    expert = db.session.get(Expert, expert_id)
    if expert is None:
        raise not_found("专家", "Expert", expert_id)
    if not policy.may_read_expert(actor, expert_id):
        raise Forbidden(None, FORBIDDEN)
    return expert


def _filtered(filters: dict[str, Any]) -> Select:
    query = select(Expert)
    if filters.get("q"):
        like = f"%{filters['q'].strip()}%"
        query = query.where(or_(
            Expert.name.ilike(like), Expert.email.ilike(like), Expert.city.ilike(like),
            Expert.organization_id.in_(select(Organization.id).where(Organization.name.ilike(like))),
        ))
    for code in filters.get("specialty") or []:
        query = query.where(exists().where(and_(
            expert_specialties.c.expert_id == Expert.id, expert_specialties.c.specialty_code == code)))
    for key in ("province", "status", "organization_id", "title_rank"):
        if filters.get(key) is not None:
            query = query.where(getattr(Expert, key) == filters[key])
    if filters.get("contributed_by"):
        value = filters["contributed_by"]
        query = query.where(Expert.contributed_by.is_(None) if value == "national" else
                            Expert.contributed_by == value)
    return query


def list_experts(actor: Actor, filters: dict[str, Any], page: int, page_size: int):
    """One page of the pool, filtered and sorted, with the total count."""
    if not policy.may_read_pool(actor):
        raise Forbidden(None, FORBIDDEN)
    query = _filtered(filters)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    sort = filters.get("sort") or "name"
    column = getattr(Expert, sort.lstrip("-"))
    order = [column.desc() if sort.startswith("-") else column.asc(), Expert.id.asc()]
    items = db.session.scalars(
        query.options(selectinload(Expert.specialties)).order_by(*order)
        .offset((page - 1) * page_size).limit(page_size)
    ).all()
    return [present(actor, e) for e in items], total


def experts_for_export(actor: Actor, filters: dict[str, Any]) -> list[MaskedExpert]:
    if not policy.may_read_pool(actor):
        raise Forbidden(None, FORBIDDEN)
    experts = db.session.scalars(_filtered(filters).options(selectinload(Expert.specialties))
                                 .order_by(Expert.id)).all()
    return [present(actor, e) for e in experts]


def experts_due_for_review(actor: Actor, today: date, *, unconfirmed_months: int, term_ending_days: int,
                           page: int, page_size: int):
    """Experts whose data was not confirmed for a year or whose term is ending (dynamic management)."""
    from dateutil.relativedelta import relativedelta

    if not policy.may_read_pool(actor):
        raise Forbidden(None, FORBIDDEN)
    stale = today - relativedelta(months=unconfirmed_months)
    from datetime import timedelta

    query = select(Expert).where(
        Expert.status.in_(("active", "suspended", "applicant")),
        or_(Expert.data_confirmed_on.is_(None), Expert.data_confirmed_on <= stale,
            Expert.term_end <= today + timedelta(days=term_ending_days)),
    )
    if actor.role == Role.PROVINCE:
        query = query.where(Expert.contributed_by == actor.province)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    experts = db.session.scalars(query.options(selectinload(Expert.specialties))
                                 .order_by(Expert.term_end.asc().nulls_first(), Expert.id)
                                 .offset((page - 1) * page_size).limit(page_size)).all()
    items = [{"expert": present(actor, e),
              "reasons": status_rules.needs_review(e.data_confirmed_on, e.term_end, today,
                                                   unconfirmed_months=unconfirmed_months,
                                                   term_ending_days=term_ending_days)} for e in experts]
    return items, total


# --- writing -------------------------------------------------------------------------------------------

def resolve_specialties(codes: list[str]) -> list[Specialty]:
    wanted = list(dict.fromkeys(codes))
    found = {s.code: s for s in db.session.scalars(select(Specialty).where(Specialty.code.in_(wanted)))}
    unknown = [c for c in wanted if c not in found or not found[c].active]
    if unknown:
        raise InvalidInput("unknown_specialty", Msg("专业领域代码不存在。", "Unknown specialty code."),
                           {"specialties": [Msg(f"未知的专业领域代码：{', '.join(unknown)}",
                                                f"Unknown specialty codes: {', '.join(unknown)}")]})
    return [found[c] for c in wanted]


def _organization(organization_id: int, field: str = "organization_id") -> Organization:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise InvalidInput("unknown_organization", Msg("单位不存在。", "Unknown organisation."),
                           {field: [Msg(f"单位 {organization_id} 不存在。",
                                        f"Organisation {organization_id} does not exist.")]})
    return org


def find_duplicates(id_number: str | None, mobile: str | None, email: str | None,
                    exclude_id: int | None = None) -> dict[str, list[Msg]]:
    """Fields whose value another expert of the pool already has."""
    errors: dict[str, list[Msg]] = {}
    for field, value in (("id_number", id_number), ("mobile", mobile), ("email", email)):
        if not value:
            continue
        query = select(Expert.id).where(getattr(Expert, field) == value)
        if exclude_id is not None:
            query = query.where(Expert.id != exclude_id)
        other = db.session.scalar(query.limit(1))
        if other is not None:
            errors[field] = [Msg(f"与专家 {other} 重复。", f"Duplicates expert {other}.")]
    return errors


def _raise_duplicates(errors: dict[str, list[Msg]]) -> None:
    if errors:
        raise Conflict("duplicate_expert", Msg(
            "专家库中已有相同证件号、手机或邮箱的专家。",
            "An expert with the same ID number, mobile or email is already in the pool."), errors)


def _check_contributor(actor: Actor, contributed_by: str | None) -> str | None:
    if actor.role == Role.PROVINCE:
        if contributed_by not in (None, actor.province):
            raise Forbidden(None, Msg("省级用户只能以本省名义推荐专家。",
                                      "A province may only contribute experts in its own name."))
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
    org = _organization(data["organization_id"])
    specialties = resolve_specialties(data["specialties"])
    _raise_duplicates(find_duplicates(data["id_number"], data["mobile"], data["email"]))
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
        raise PreconditionFailed(None, Msg("数据已被他人修改，请刷新后重试。",
                                           "The expert was changed by someone else; reload and try again."))
    if "contributed_by" in data and data["contributed_by"] != expert.contributed_by and not actor.is_office:
        raise Forbidden(None, Msg("只有办公室可以更改推荐来源。", "Only the Office may change the contributor."))
    before = snapshot(expert)
    merged_id = data.get("id_number", expert.id_number)
    _raise_duplicates(find_duplicates(data.get("id_number"), data.get("mobile"), data.get("email"),
                                      exclude_id=expert.id))
    from expert_pool.normalize import validate_id_number

    info = validate_id_number(merged_id)
    errors = {}
    if info.birth_date.year != data.get("birth_year", expert.birth_year):
        errors["birth_year"] = [Msg("出生年份与身份证号不一致。", "The birth year does not match the ID number.")]
    if info.gender != data.get("gender", expert.gender):
        errors["gender"] = [Msg("性别与身份证号不一致。", "The gender does not match the ID number.")]
    term_start, term_end = data.get("term_start", expert.term_start), data.get("term_end", expert.term_end)
    if term_start and term_end and term_end < term_start:
        errors["term_end"] = [Msg("聘期结束日期早于开始日期。", "The term ends before it starts.")]
    if errors:
        raise InvalidInput(None, Msg("输入数据有误，请按提示修改。", "The input is invalid; see the errors per field."),
                           errors)
    if "specialties" in data:
        expert.specialties = resolve_specialties(data["specialties"])
    if "organization_id" in data and data["organization_id"] != expert.organization_id:
        org = _organization(data["organization_id"])
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
                       Msg(f"专家当前状态为 {expert.status}，不能改为 {to_status}；"
                           f"可改为：{', '.join(allowed) or '无'}。",
                           f"The expert is {expert.status} and cannot become {to_status}; allowed: "
                           f"{', '.join(allowed) or 'none'}."),
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


def add_employment(actor: Actor, expert: Expert, data: dict[str, Any]) -> Employment:
    if not policy.may_edit_expert(actor, expert.contributed_by):
        raise Forbidden(None, FORBIDDEN)
    org = _organization(data["organization_id"])
    job = Employment(organization=org, position=data.get("position", ""), start_date=data["start_date"],
                     end_date=data.get("end_date"))
    expert.employments.append(job)
    db.session.flush()
    record(actor, "expert.employment", "expert", expert.id,
           {"organization_id": org.id, "start": job.start_date, "end": job.end_date})
    return job


def add_conflict(actor: Actor, expert: Expert, data: dict[str, Any], today: date,
                 source: str = "staff") -> ConflictDeclaration:
    if not (policy.may_edit_expert(actor, expert.contributed_by)
            or (actor.role == Role.EXPERT and actor.expert_id == expert.id)):
        raise Forbidden(None, FORBIDDEN)
    if data.get("organization_id"):
        _organization(data["organization_id"])
    if data.get("park_id"):
        from scheduling.models import Park

        if db.session.get(Park, data["park_id"]) is None:
            raise InvalidInput("unknown_park", Msg("园区不存在。", "Unknown park."),
                               {"park_id": [Msg("园区不存在。", "Unknown park.")]})
    conflict = ConflictDeclaration(
        park_id=data.get("park_id"), organization_id=data.get("organization_id"), relation=data["relation"],
        note=data.get("note", ""), valid_from=data.get("valid_from") or today, valid_to=data.get("valid_to"),
        source="self" if actor.role == Role.EXPERT else source)
    expert.conflicts.append(conflict)
    db.session.flush()
    record(actor, "expert.conflict", "expert", expert.id,
           {"park_id": conflict.park_id, "organization_id": conflict.organization_id,
            "relation": conflict.relation})
    return conflict


def add_unavailability(actor: Actor, expert: Expert, data: dict[str, Any]) -> Unavailability:
    if not (policy.may_edit_expert(actor, expert.contributed_by)
            or (actor.role == Role.EXPERT and actor.expert_id == expert.id)):
        raise Forbidden(None, FORBIDDEN)
    period = Unavailability(start_date=data["start_date"], end_date=data["end_date"],
                            reason=data.get("reason", ""))
    expert.unavailabilities.append(period)
    db.session.flush()
    record(actor, "expert.unavailability", "expert", expert.id,
           {"start": period.start_date, "end": period.end_date})
    return period


# --- vocabulary and organisations -------------------------------------------------------------------

def list_specialties() -> list[Specialty]:
    return list(db.session.scalars(select(Specialty).where(Specialty.active).order_by(Specialty.code)))


def create_specialty(actor: Actor, data: dict[str, Any]) -> Specialty:
    if not policy.may_manage_vocabulary(actor):
        raise Forbidden(None, FORBIDDEN)
    if db.session.get(Specialty, data["code"]) is not None:
        raise Conflict("specialty_exists", Msg(f"专业领域代码 {data['code']} 已存在。",
                                               f"The specialty code {data['code']} already exists."))
    specialty = Specialty(code=data["code"], name_zh=data["name_zh"].strip(), name_en=data["name_en"].strip(),
                          group=data.get("group", ""))
    db.session.add(specialty)
    db.session.flush()
    record(actor, "specialty.create", "specialty", specialty.code, dict(data))
    return specialty


def list_organizations(actor: Actor, filters: dict[str, Any], page: int, page_size: int, today: date):
    query = select(Organization)
    if filters.get("q"):
        query = query.where(Organization.name.ilike(f"%{filters['q'].strip()}%"))
    if filters.get("type"):
        query = query.where(Organization.type == filters["type"])
    active_listing = exists().where(and_(
        Blacklisting.organization_id == Organization.id, Blacklisting.listed_on <= today,
        or_(Blacklisting.lifted_on.is_(None), Blacklisting.lifted_on > today)))
    if filters.get("blacklisted") is True:
        query = query.where(active_listing)
    elif filters.get("blacklisted") is False:
        query = query.where(~active_listing)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    orgs = db.session.scalars(query.options(selectinload(Organization.blacklistings)).order_by(Organization.name)
                              .offset((page - 1) * page_size).limit(page_size)).all()
    return [present_organization(o, today) for o in orgs], total


def present_organization(org: Organization, today: date) -> dict[str, Any]:
    return {"id": org.id, "name": org.name, "type": org.type, "province": org.province,
            "blacklisted": org.blacklisted_on(today), "blacklistings": org.blacklistings}


def get_organization(organization_id: int) -> Organization:
    org = db.session.get(Organization, organization_id)
    if org is None:
        raise not_found("单位", "Organisation", organization_id)
    return org


def create_organization(actor: Actor, data: dict[str, Any]) -> Organization:
    if not policy.may_add_organization(actor):
        raise Forbidden(None, FORBIDDEN)
    name = " ".join(data["name"].split())
    if db.session.scalar(select(Organization.id).where(Organization.name == name)):
        raise Conflict("organization_exists",
                       Msg(f"单位“{name}”已存在。", f"The organisation '{name}' already exists."))
    org = Organization(name=name, type=data["type"], province=data.get("province"))
    db.session.add(org)
    db.session.flush()
    record(actor, "organization.create", "organization", org.id, {"name": name, "type": org.type})
    return org


def blacklist_organization(actor: Actor, org: Organization, listed_on: date, reason: str) -> Blacklisting:
    """Name an institution for falsification (Art. 38); its experts are excluded from draws from then on."""
    if not policy.may_manage_vocabulary(actor):
        raise Forbidden(None, FORBIDDEN)
    if org.blacklisted_on(listed_on):
        raise Conflict("already_blacklisted", Msg("该单位已在黑名单中。", "The organisation is already blacklisted."))
    entry = Blacklisting(organization=org, listed_on=listed_on, reason=reason, created_by=actor.user_id)
    db.session.add(entry)
    db.session.flush()
    record(actor, "organization.blacklist", "organization", org.id, {"listed_on": listed_on, "reason": reason})
    return entry


def lift_blacklisting(actor: Actor, org: Organization, lifted_on: date, reason: str) -> Blacklisting:
    if not policy.may_manage_vocabulary(actor):
        raise Forbidden(None, FORBIDDEN)
    current = next((b for b in org.blacklistings if b.lifted_on is None), None)
    if current is None:
        raise Conflict("not_blacklisted", Msg("该单位不在黑名单中。", "The organisation is not blacklisted."))
    if lifted_on < current.listed_on:
        raise InvalidInput(None, Msg("解除日期早于列入日期。", "The lifting date is before the listing date."),
                           {"lifted_on": [Msg("解除日期早于列入日期。", "Before the listing date.")]})
    current.lifted_on, current.lift_reason = lifted_on, reason
    db.session.flush()
    record(actor, "organization.unblacklist", "organization", org.id, {"lifted_on": lifted_on, "reason": reason})
    return current


def expert_history(actor: Actor, expert: Expert) -> dict[str, Any]:
    from ground.audit import AuditEntry

    if not policy.may_read_expert(actor, expert.id):
        raise Forbidden(None, FORBIDDEN)
    changes = db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "expert", AuditEntry.object_id == str(expert.id)).order_by(AuditEntry.seq)).all()
    return {"status_changes": expert.status_changes, "changes": changes}
