"""Rows of an import held for the Office: kept, listed and resolved by the Office only.

A province's import row that may duplicate an expert the province sees masked is not stored and not reported
to the province (:mod:`expert_pool.services.duplicates`); it is kept here, its identifiers encrypted, for the
Office to decide: create it as a new expert (with corrected values where the match was real, since the pool
holds each ID number, mobile and email once), mark it as a duplicate of an expert, or dismiss it. Every
decision is audited, and a resolved row keeps its identifiers only masked.

For pages as for the API: :func:`list_held_rows` and :func:`held_row` return plain dicts
(:func:`present_held_row`, with the matched experts named); :data:`STATUS_NAMES`, :data:`RESOLUTION_NAMES`
and :data:`FIELD_NAMES` name the codes in both languages.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from expert_pool import policy
from expert_pool.models import Expert, HeldImportRow, Organization
from expert_pool.rules import normalize
from expert_pool.services import duplicates
from expert_pool.services.experts import create_expert
from expert_pool.services.reading import FORBIDDEN
from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l, text_message

RESOLUTIONS = ("create", "duplicate", "dismiss")
_STATUS_OF = {"create": "created", "duplicate": "duplicate", "dismiss": "dismissed"}
STATUS_NAMES = {"held": _l("Held for the Office"),
                "created": _l("Added as a new expert"),
                "duplicate": _l("Marked as a duplicate"), "dismissed": _l("Dismissed")}
RESOLUTION_NAMES = {"create": _l("Add as a new expert"),
                    "duplicate": _l("Mark as a duplicate of an expert"),
                    "dismiss": _l("Dismiss")}
FIELD_NAMES = {"id_number": _l("ID number"), "mobile": _l("Mobile"),
               "email": _l("Email")}
#: What a held row keeps of the spreadsheet row (the import's reading of it, see ``exchange.importing``).
KEPT = ("name", "gender", "birth_year", "id_number", "mobile", "email", "organization", "organization_type",
        "title_rank", "specialties", "province", "city", "recommended_by", "term_start", "term_end", "status",
        "language")
_DATES = ("term_start", "term_end")
INVALID = _l("The input is invalid; see the errors per field.")


def _office_only(actor: Actor) -> None:
    if not policy.may_resolve_held_rows(actor):
        raise Forbidden(None, FORBIDDEN)


def _stored(rec: dict[str, Any]) -> dict[str, Any]:
    return {k: (rec[k].isoformat() if k in _DATES and rec.get(k) else rec.get(k)) for k in KEPT}


def _masked(submitted: dict[str, Any]) -> dict[str, Any]:
    """What a resolved row keeps: the identifiers masked (the expert created or matched holds them)."""
    return {**submitted, **{f: duplicates.masked(f, submitted.get(f)) for f in duplicates.IDENTIFYING_FIELDS}}


def hold_rows(actor: Actor, records: list[dict[str, Any]], file_name: str) -> list[HeldImportRow]:
    """Keep the rows of an import that matched (``rec["held"] = {field: expert id}``) for the Office."""
    contributed_by = actor.province if actor.role == Role.PROVINCE else None
    rows = [HeldImportRow(status="held", file_name=file_name[:200], row_number=rec["row"], submitted=_stored(rec),
                          matched=dict(rec["held"]), contributed_by=contributed_by, held_by=actor.user_id,
                          held_by_label=actor.label, resolution_reason="") for rec in records]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def present_held_row(row: HeldImportRow, names: dict[int, str] | None = None) -> dict[str, Any]:
    names = names if names is not None else _names(row.matched.values())
    return {"id": row.id, "status": row.status, "file_name": row.file_name, "row_number": row.row_number,
            "contributed_by": row.contributed_by, "held_by_label": row.held_by_label, "held_at": row.held_at,
            "values": row.submitted,
            "matches": [{"field": field, "expert_id": expert_id, "expert_name": names.get(expert_id)}
                        for field, expert_id in sorted(row.matched.items())],
            "resolved_at": row.resolved_at, "resolved_by_label": row.resolved_by_label,
            "resolution_reason": row.resolution_reason, "expert_id": row.expert_id}


def _names(expert_ids) -> dict[int, str]:
    ids = set(expert_ids)
    return dict(db.session.execute(select(Expert.id, Expert.name).where(Expert.id.in_(ids))).all()) if ids else {}


def list_held_rows(actor: Actor, status: str | None, page: int, page_size: int) -> tuple[list[dict[str, Any]], int]:
    """One page of held rows (``status``: one of ``HELD_STATUSES``, or None for all), oldest first."""
    _office_only(actor)
    query = select(HeldImportRow)
    if status:
        query = query.where(HeldImportRow.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(HeldImportRow.held_at, HeldImportRow.id)
                              .offset((page - 1) * page_size).limit(page_size)).all()
    names = _names(i for row in rows for i in row.matched.values())
    return [present_held_row(row, names) for row in rows], total


def _load(actor: Actor, row_id: int, *, lock: bool = False) -> HeldImportRow:
    _office_only(actor)
    query = select(HeldImportRow).where(HeldImportRow.id == row_id)
    row = db.session.scalars(query.with_for_update() if lock else query).first()
    if row is None:
        raise not_found(_l("Held import row"), row_id)
    return row


def held_row(actor: Actor, row_id: int) -> dict[str, Any]:
    return present_held_row(_load(actor, row_id))


def _organization(submitted: dict[str, Any]) -> Organization:
    """The row's organisation by name (the import registered it when it held the row)."""
    org = db.session.scalar(select(Organization).where(Organization.name == submitted["organization"]))
    if org is None:
        org = Organization(name=submitted["organization"], type=submitted.get("organization_type") or "other",
                           province=submitted["province"])
        db.session.add(org)
        db.session.flush()
    return org


def _expert_data(row: HeldImportRow, changes: dict[str, Any], today: date) -> dict[str, Any]:
    """The new expert: the row as submitted, with the Office's corrections, checked as a whole."""
    submitted = row.submitted
    data = {k: submitted[k] for k in KEPT if k not in ("organization", "organization_type")}
    for key in _DATES:
        data[key] = date.fromisoformat(data[key]) if data.get(key) else None
    data.update(contributed_by=row.contributed_by, organization_since=data["term_start"])
    if "organization_id" not in changes:
        data["organization_id"] = _organization(submitted).id
    data.update(changes)
    try:
        info = normalize.validate_id_number(data["id_number"], today=today)
    except normalize.FieldError as exc:
        raise InvalidInput(None, INVALID, {"values.id_number": [text_message(exc.text)]}) from None
    problems = normalize.identity_mismatches(info, birth_year=data["birth_year"], gender=data["gender"])
    term = normalize.term_order_error(data["term_start"], data["term_end"])
    if term is not None:
        problems["term_end"] = term
    if problems:
        raise InvalidInput(None, INVALID, {f"values.{field}": [text_message(e.text)]
                                           for field, e in problems.items()})
    return data


def resolve_held_row(actor: Actor, row_id: int, resolution: str, *, reason: str, now: datetime,
                     duplicate_of: int | None = None, changes: dict[str, Any] | None = None) -> HeldImportRow:
    """The Office decides a held row: ``create`` a new expert from it (``changes``: corrected fields, as for
    ``PATCH /experts/{id}``), mark it a ``duplicate`` of expert ``duplicate_of``, or ``dismiss`` it."""
    row = _load(actor, row_id, lock=True)
    if row.status != "held":
        raise Conflict("already_resolved", _l("This held row has been resolved already."),
                       extra={"status": row.status})
    if resolution not in RESOLUTIONS:
        raise InvalidInput(None, INVALID, {"resolution": [_l("Choose a resolution.")]})
    if changes and resolution != "create":
        raise InvalidInput(None, INVALID, {"values": [_l("Values are corrected only when adding the expert.")]})
    expert_id, today = None, shanghai_date(now)
    if resolution == "create":
        expert_id = create_expert(actor, _expert_data(row, changes or {}, today), today).id
    elif resolution == "duplicate":
        if duplicate_of is None or db.session.get(Expert, duplicate_of) is None:
            unknown = _l("Name an expert of the pool.")
            raise InvalidInput("unknown_expert", unknown, {"duplicate_of": [unknown]})
        expert_id = duplicate_of
    row.status, row.expert_id, row.resolution_reason = _STATUS_OF[resolution], expert_id, reason.strip()
    row.resolved_by, row.resolved_by_label, row.resolved_at = actor.user_id, actor.label, now
    row.submitted = _masked(row.submitted)
    db.session.flush()
    record(actor, "expert.held_resolved", "held_import_row", row.id, {
        "resolution": resolution, "expert_id": expert_id, "reason": row.resolution_reason, "file": row.file_name,
        "row": row.row_number, "matched": row.matched, "contributed_by": row.contributed_by}, now=now)
    return row
