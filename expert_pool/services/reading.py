"""Reading the pool: what a caller may see (personal data masked unless they may see it), lists, review."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import selectinload

from expert_pool import policy
from expert_pool.models import Expert, Organization, expert_specialties
from expert_pool.rules import status as status_rules
from expert_pool.rules.normalize import (
    mask_embedded_identifiers,
    mask_id_number,
    mask_mobile,
    may_probe_identifier,
)
from ground.actor import Actor, Role
from ground.audit import AuditEntry
from ground.errors import Forbidden, not_found
from ground.extensions import db
from ground.i18n import _l

FORBIDDEN = _l("You are not allowed to do this.")
#: The pool's own audit actions on an expert: all of the history anyone but the Office reads.
POOL_ACTIONS = "expert."


class _MaskedText:
    """A record with free-text attributes that may hold identifiers ("call 138-0013-8000"), shown masked."""

    def __init__(self, record: Any, texts: tuple[str, ...]):
        self._record, self._texts = record, texts

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._record, name)
        return mask_embedded_identifiers(value) if name in self._texts and isinstance(value, str) else value


class MaskedExpert:
    """An expert as a caller may see it: ID number and mobile masked unless they may see them, and so are the
    identifiers written inside its free text (email, city, notes)."""

    def __init__(self, expert: Expert, reveal: bool):
        self._expert = expert
        self.personal_data_masked = not reveal

    def __getattr__(self, name: str) -> Any:
        return getattr(self._expert, name)

    def _text(self, value: str) -> str:
        return mask_embedded_identifiers(value) if self.personal_data_masked else value

    def _records(self, records: list, texts: tuple[str, ...]) -> list:
        return [_MaskedText(r, texts) for r in records] if self.personal_data_masked else list(records)

    @property
    def id_number(self) -> str:
        value = self._expert.id_number
        return mask_id_number(value) if self.personal_data_masked else value

    @property
    def mobile(self) -> str:
        value = self._expert.mobile
        return mask_mobile(value) if self.personal_data_masked else value

    @property
    def email(self) -> str:
        return self._text(self._expert.email)

    @property
    def city(self) -> str:
        return self._text(self._expert.city)

    @property
    def employments(self) -> list:
        return self._records(self._expert.employments, ("position",))

    @property
    def unavailabilities(self) -> list:
        return self._records(self._expert.unavailabilities, ("reason",))

    @property
    def status_changes(self) -> list:
        return self._records(self._expert.status_changes, ("reason",))

    @property
    def allowed_statuses(self) -> list[str]:
        return sorted(status_rules.allowed_statuses(self._expert.status))

    @property
    def conflicts(self) -> list:
        # A conflict declared in answer to an invitation (source "invitation") tells which park the expert was
        # drawn for, by a panel that is confidential: only the Office and the expert see it here (the convening
        # authority sees it on its panel's invitations).
        conflicts = self._expert.conflicts
        if not self.sees_invitation_conflicts:
            conflicts = [c for c in conflicts if c.source != "invitation"]
        return self._records(conflicts, ("note",))


def present(actor: Actor, expert: Expert) -> MaskedExpert:
    shown = MaskedExpert(expert, policy.may_see_personal_data(actor, expert.id))
    shown.sees_invitation_conflicts = actor.is_office or actor.expert_id == expert.id
    return shown


def snapshot(expert: Expert) -> dict[str, Any]:
    """The audited view of an expert: personal identifiers masked, so the log spreads no personal data."""
    return {
        "name": expert.name, "gender": expert.gender, "birth_year": expert.birth_year,
        "id_number": mask_id_number(expert.id_number), "mobile": mask_mobile(expert.mobile),
        "email": mask_embedded_identifiers(expert.email), "organization_id": expert.organization_id,
        "title_rank": expert.title_rank,
        "specialties": expert.specialty_codes, "province": expert.province, "city": expert.city,
        "recommended_by": expert.recommended_by, "contributed_by": expert.contributed_by,
        "term_start": expert.term_start, "term_end": expert.term_end, "status": expert.status,
        "language": expert.language,
    }


# --- reading -------------------------------------------------------------------------------------------

def get_expert(actor: Actor, expert_id: int) -> Expert:
    """An expert the caller may read. To a caller who may not (an expert user asking for another), it does not
    exist: the same 404 as for a missing id, so the pool's ids cannot be probed one by one."""
    expert = db.session.get(Expert, expert_id)
    if expert is None or not policy.may_read_expert(actor, expert_id):
        raise not_found(_l("Expert"), expert_id)
    return expert


def _filtered(filters: dict[str, Any], *, reveal: bool) -> Select:
    """The pool filtered. ``q`` is a literal substring (``%`` and ``_`` are not wildcards). For a caller who
    sees identifiers masked, a ``q`` that could match hidden digits (any digit, in any width or script) does not
    search the fields shown to it masked (email, city: they may hold a mobile, "13800138000@163.com"), since a
    search is a yes/no answer per guess; the same rule decides what is masked (``normalize.masking``)."""
    query = select(Expert)
    q = (filters.get("q") or "").strip()
    if q:
        probing = not reveal and may_probe_identifier(q)
        searched = [Expert.name] + ([] if probing else [Expert.city, Expert.email])
        query = query.where(or_(
            *(column.icontains(q, autoescape=True) for column in searched),
            Expert.organization_id.in_(select(Organization.id).where(Organization.name.icontains(q, autoescape=True))),
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
    query = _filtered(filters, reveal=policy.may_see_pool_personal_data(actor))
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
    query = _filtered(filters, reveal=policy.may_see_pool_personal_data(actor))
    experts = db.session.scalars(query.options(selectinload(Expert.specialties))
                                 .order_by(Expert.id)).all()
    return [present(actor, e) for e in experts]


def experts_due_for_review(actor: Actor, today: date, *, unconfirmed_months: int, term_ending_days: int,
                           page: int, page_size: int):
    """Experts whose data was not confirmed for a year or whose term is ending (dynamic management)."""
    if not policy.may_read_pool(actor):
        raise Forbidden(None, FORBIDDEN)
    stale = today - relativedelta(months=unconfirmed_months)
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




def expert_history(actor: Actor, expert: Expert) -> dict[str, Any]:
    """The expert's status history and every audited change. Only the Office sees the entries' place in the
    global audit chain (``seq``): to anyone else its gaps would count what happened elsewhere, confidential
    panels included. A caller who sees the expert masked gets every audited value masked as the expert is.

    Only the Office sees the entries other packages file under the expert (the record's ``panel.rating``,
    ``conduct.*``, ``credit.*``): they name panels and carry the conveners' judgements, so a province would
    learn who sat on another authority's panel (red-team finding 7) and the expert who rated them; everyone
    else sees the pool's own changes (``expert.*``)."""
    if not policy.may_read_expert(actor, expert.id):
        raise not_found(_l("Expert"), expert.id)
    query = select(AuditEntry).where(AuditEntry.object_type == "expert", AuditEntry.object_id == str(expert.id))
    if not actor.is_office:
        query = query.where(AuditEntry.action.startswith(POOL_ACTIONS, autoescape=True))
    entries = db.session.scalars(query.order_by(AuditEntry.seq)).all()
    masked = not policy.may_see_personal_data(actor, expert.id)
    changes = []
    for e in entries:
        change = {"created_at": e.created_at, "actor_label": e.actor_label, "action": e.action,
                  "data": _masked_json(e.data) if masked else e.data}
        if actor.is_office:
            change["seq"] = e.seq
        changes.append(change)
    return {"status_changes": present(actor, expert).status_changes, "changes": changes}


def _masked_json(value: Any) -> Any:
    if isinstance(value, str):
        return mask_embedded_identifiers(value)
    if isinstance(value, list):
        return [_masked_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _masked_json(v) for k, v in value.items()}
    return value
