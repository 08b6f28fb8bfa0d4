"""Bulk import of the pool, as the Office really has it: Excel or CSV, Chinese or English.

Import is all or nothing: every row is validated (row numbers as the spreadsheet shows them), duplicates
are reported within the file and against the pool, and one bad row stores none.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from sqlalchemy import insert, select

from expert_pool import policy
from expert_pool.models import Employment, Expert, Organization, Specialty, StatusChange, expert_specialties
from expert_pool.rules import normalize, tabular
from expert_pool.rules.messages import N_, Text
from expert_pool.services import FORBIDDEN, duplicates, held
from ground.actor import Actor, Role
from ground.audit import record_many
from ground.clock import wall_now
from ground.errors import Forbidden, InvalidInput
from ground.extensions import db

# bilingual: an issue's column is named by the import file's own header, which is data in both languages (a
# file may hold either; tabular.COLUMNS), not a catalog message; every message is one (text_message, _l).
from ground.i18n import Msg, _l, _ln, bilingual, listing, text_message

REQUIRED_MSG = _l("This column is required.")


def _specialty_lookup() -> dict[str, str]:
    """Code, Chinese name or English name (any case) -> code."""
    table: dict[str, str] = {}
    for s in db.session.scalars(select(Specialty).where(Specialty.active)):
        for key in (s.code, s.name_zh, s.name_en):
            table[normalize.normalize_text(key).casefold()] = s.code
    return table


class _RowReader:
    """Turns one spreadsheet row into expert fields, collecting every problem rather than stopping."""

    def __init__(self, row: tabular.Row, lang_issues: list[dict[str, Any]]):
        self.row = row
        self.issues = lang_issues
        self.ok = True

    def _issue(self, key: str, message: Msg, code: str) -> None:
        column = tabular.COLUMNS_BY_KEY.get(key)
        self.issues.append({"row": self.row.number, "column": bilingual(column.zh, column.en) if column else key,
                            "field": key, "code": code, "message": message})
        self.ok = False

    def get(self, key: str, convert: Callable[[Any], Any] | None = None, *, required: bool = False,
            default: Any = None) -> Any:
        raw = self.row.values.get(key)
        if raw is None or raw == "":
            if required:
                self._issue(key, REQUIRED_MSG, "required")
            return default
        if convert is None:
            return raw
        try:
            return convert(raw)
        except normalize.FieldError as exc:
            self.issue(key, exc)
            return default

    def issue(self, key: str, problem: normalize.FieldError) -> None:
        self._issue(key, text_message(problem.text), problem.code)


def _bounded(max_length: int) -> Callable[[Any], str]:
    def convert(value: Any) -> str:
        text = normalize.normalize_text(str(value))
        if len(text) > max_length:
            raise normalize.FieldError("too_long", Text(N_("At most {max_length} characters."),
                                                        {"max_length": max_length}))
        return text
    return convert


def read_rows(actor: Actor, table: tabular.Table, specialties: dict[str, str], today: date):
    """Validate every row; returns (records, issues)."""
    issues: list[dict[str, Any]] = []
    records = []
    default_recommender = actor.province if actor.role == Role.PROVINCE else "MEE"
    for row in table.rows:
        r = _RowReader(row, issues)
        rec: dict[str, Any] = {"row": row.number}
        rec["name"] = r.get("name", _bounded(100), required=True)
        rec["gender"] = r.get("gender", normalize.normalize_gender, required=True)
        id_number = r.get("id_number", partial(normalize.normalize_id_number, today=today), required=True)
        rec["id_number"] = id_number
        rec["mobile"] = r.get("mobile", normalize.normalize_mobile, required=True)
        rec["email"] = r.get("email", normalize.normalize_email, required=True)
        rec["organization"] = r.get("organization", _bounded(200), required=True)
        rec["organization_type"] = r.get("organization_type", normalize.normalize_organization_type,
                                         default="other")
        rec["title_rank"] = r.get("title", normalize.normalize_title_rank, required=True)
        rec["province"] = r.get("province", normalize.normalize_province, required=True)
        rec["city"] = r.get("city", _bounded(50), default="")
        rec["recommended_by"] = r.get("recommended_by", normalize.normalize_recommended_by,
                                      default=default_recommender)
        rec["term_start"] = r.get("term_start", normalize.parse_date)
        rec["term_end"] = r.get("term_end", normalize.parse_date)
        rec["status"] = r.get("status", normalize.normalize_status, default="active")
        rec["language"] = r.get("language", normalize.normalize_language, default="zh")
        birth_year = r.get("birth_year", normalize.parse_year)
        raw_specialties = r.get("specialties", _bounded(500), required=True)
        if raw_specialties:
            codes, unknown = [], []
            for item in normalize.split_list(raw_specialties):
                code = specialties.get(normalize.normalize_text(item).casefold())
                (codes if code else unknown).append(code or item)
            if unknown:
                r._issue("specialties", _l(
                    "Unknown specialties: {unknown}").format(
                    unknown=listing(unknown)), "unknown_specialty")
            rec["specialties"] = list(dict.fromkeys(codes))
        if id_number:
            info = normalize.validate_id_number(id_number, today=today)
            for field, problem in normalize.identity_mismatches(info, birth_year=birth_year,
                                                                gender=rec["gender"]).items():
                r.issue(field, problem)
            rec["birth_year"] = info.birth_date.year
        term = normalize.term_order_error(rec["term_start"], rec["term_end"])
        if term is not None:
            r.issue("term_end", term)
        if r.ok:
            records.append(rec)
    return records, issues


def _duplicates(actor: Actor, records: list[dict[str, Any]], issues: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Report ID number, mobile and email repeated within the file (the caller's own data) or already in the
    pool, the latter only where the caller may learn of it (:mod:`expert_pool.services.duplicates`).

    Returns every hit against the pool, for the audit log; rows with a hit the caller may not learn of are
    marked ``rec["held"] = {field: expert id}`` and reported nowhere in the answer."""
    hits: list[dict[str, Any]] = []
    for field in duplicates.IDENTIFYING_FIELDS:
        values = [rec[field] for rec in records]
        existing: dict[str, int] = {}
        column_ = getattr(Expert, field)
        for start in range(0, len(values), 1000):  # IN lists of bounded size
            existing.update(db.session.execute(
                select(column_, Expert.id).where(column_.in_(values[start:start + 1000]))).all())
        first_row: dict[str, int] = {}
        column = tabular.COLUMNS_BY_KEY[field]
        for rec in records:
            value = rec[field]
            other = existing.get(value)
            if other is not None:
                hits.append({"row": rec["row"], "field": field, "expert_id": other,
                             "value": duplicates.masked(field, value)})
                if duplicates.may_learn_of(actor, field, other, value):
                    issues.append({"row": rec["row"], "column": bilingual(column.zh, column.en), "field": field,
                                   "code": "duplicate_in_pool",
                                   "message": _l("An expert with this value is already in the pool.")})
                else:
                    rec.setdefault("held", {})[field] = other
            elif value in first_row:
                issues.append({"row": rec["row"], "column": bilingual(column.zh, column.en), "field": field,
                               "code": "duplicate_in_file",
                               "message": _l("Duplicates row {first_row}.").format(first_row=first_row[value])})
            else:
                first_row[value] = rec["row"]
    return hits


def import_file(actor: Actor, data: bytes, filename: str, dry_run: bool, today: date, *,
                max_rows: int = tabular.DEFAULT_MAX_ROWS) -> dict[str, Any]:
    """Validate a spreadsheet and, unless ``dry_run``, add every expert in it; raise if any row is bad.

    Rows that may duplicate an expert the caller may not see unmasked are held for the Office, silently (see
    :mod:`expert_pool.services.duplicates`; the Office resolves them: :mod:`expert_pool.services.held`). Every
    attempt is audited, refused ones too: the error carries its audit entries (``keep_audit``) for the route to
    record after the rollback."""
    if not policy.may_import(actor):
        raise Forbidden(None, FORBIDDEN)
    attempt = {"dry_run": dry_run, "file": filename[:200], "size": len(data)}
    try:
        table = tabular.read_table(data, filename, max_rows=max_rows)
    except tabular.TableError as exc:
        raise duplicates.keep_audit(InvalidInput(
            exc.code, text_message(exc.text), {"file": [text_message(exc.text)]},
            extra={"details": exc.details}), [_attempt_entry(attempt, refused=exc.code)]) from None
    if not table.rows:
        raise duplicates.keep_audit(InvalidInput(
            "file_no_rows", _l("The file has no data rows."),
            {"file": [_l("The file has no data rows.")]}),
            [_attempt_entry(attempt, refused="file_no_rows")])
    records, issues = read_rows(actor, table, _specialty_lookup(), today)
    hits = _duplicates(actor, records, issues)
    held_records = [rec for rec in records if rec.get("held")]
    attempt.update(rows=len(table.rows), held=len(held_records))
    # Dry runs and refusals are audited as attempts; a stored import is audited row by row in _store.
    audit = [_attempt_entry(attempt, refused="import_invalid" if issues else None)] if dry_run or issues else []
    if hits:
        audit.append(duplicates.hit_entry(actor, "import", hits, dry_run=dry_run))
    if issues:
        issues.sort(key=lambda i: (i["row"] or 0, i["field"] or ""))
        bad_rows = len({i["row"] for i in issues})
        raise duplicates.keep_audit(InvalidInput(
            "import_invalid",
            _ln(
                "{bad_rows} row has problems; nothing was imported. Fix them and import again.",
                "{bad_rows} rows have problems; nothing was imported. Fix them and import again.",
                bad_rows, bad_rows=bad_rows),
            {f"row {i['row']}: {i['field']}": [i["message"]] for i in issues},
            extra={"issues": issues, "dry_run": dry_run, "rows": len(table.rows)}), audit)
    # Held rows count as accepted: the answer must be the same whether or not a row matched.
    report = {"dry_run": dry_run, "rows": len(records), "created": 0, "organizations_created": [], "issues": []}
    if dry_run:
        report["organizations_created"] = sorted(_missing_organizations(records))
        record_many(actor, audit)
        return report
    created_orgs = _store(actor, records, today)
    kept = held.hold_rows(actor, held_records, filename)
    audit.extend(_held_entry(actor, rec, row.id) for rec, row in zip(held_records, kept, strict=True))
    record_many(actor, audit)
    report["created"] = len(records)
    report["organizations_created"] = created_orgs
    return report


def _attempt_entry(attempt: dict[str, Any], refused: str | None) -> duplicates.AuditItem:
    action = "expert.import_dry_run" if attempt["dry_run"] else "expert.import_attempt"
    return (action, "pool", None, {**attempt, "refused": refused})


def _held_entry(actor: Actor, rec: dict[str, Any], row_id: int) -> duplicates.AuditItem:
    """A row held for the Office: the fields it submitted, its identifiers masked and fingerprinted (never in
    clear: a matching one is the matched expert's own), which experts it matched on which field, and the held
    row the Office resolves (``GET /experts/held-rows/{id}``; there, the values are kept encrypted)."""
    data = {k: v for k, v in rec.items() if k not in (*duplicates.IDENTIFYING_FIELDS, "held")}
    data["email"] = rec["email"]
    for field in duplicates.PRIVATE_FIELDS:
        data[field] = duplicates.masked(field, rec[field])
        data[f"{field}_fingerprint"] = duplicates.fingerprint(field, rec[field])
    return ("expert.import_held", "pool", None, {
        "row": data, "matched": rec["held"], "held_row_id": row_id,
        "contributed_by": actor.province if actor.role == Role.PROVINCE else None})


def _missing_organizations(records: list[dict[str, Any]]) -> set[str]:
    names = {rec["organization"] for rec in records}
    known = set(db.session.scalars(select(Organization.name).where(Organization.name.in_(names))))
    return names - known


def _store(actor: Actor, records: list[dict[str, Any]], today: date) -> list[str]:
    """Insert the validated rows as plain executemany inserts (no ORM bookkeeping for 10,000s of objects),
    which keeps a 10,000-row import within a few seconds on PostgreSQL. Held rows get their organisation
    (so the pool looks the same whether or not a row was held) but are not stored."""
    orgs = {o.name: o for o in db.session.scalars(
        select(Organization).where(Organization.name.in_({rec["organization"] for rec in records})))}
    created_orgs = []
    for rec in records:
        if rec["organization"] not in orgs:
            org = Organization(name=rec["organization"], type=rec["organization_type"], province=rec["province"])
            db.session.add(org)
            orgs[org.name] = org
            created_orgs.append(org.name)
    db.session.flush()
    records = [rec for rec in records if not rec.get("held")]
    if not records:
        return created_orgs
    contributed_by = actor.province if actor.role == Role.PROVINCE else None
    # executemany without RETURNING (pipelined by psycopg); ids are read back by the unique ID number.
    db.session.execute(insert(Expert), [{
        "name": rec["name"], "gender": rec["gender"], "birth_year": rec["birth_year"], "id_number": rec["id_number"],
        "mobile": rec["mobile"], "email": rec["email"], "organization_id": orgs[rec["organization"]].id,
        "title_rank": rec["title_rank"], "province": rec["province"], "city": rec["city"],
        "recommended_by": rec["recommended_by"], "contributed_by": contributed_by, "term_start": rec["term_start"],
        "term_end": rec["term_end"], "status": rec["status"], "data_confirmed_on": today, "language": rec["language"],
    } for rec in records])
    ids: dict[str, int] = {}
    numbers = [rec["id_number"] for rec in records]
    for start in range(0, len(numbers), 1000):
        ids.update((n, i) for i, n in db.session.execute(
            select(Expert.id, Expert.id_number).where(Expert.id_number.in_(numbers[start:start + 1000]))))
    links, jobs, statuses, audit = [], [], [], []
    for rec in records:
        expert_id, organization_id = ids[rec["id_number"]], orgs[rec["organization"]].id
        links.extend({"expert_id": expert_id, "specialty_code": code} for code in rec["specialties"])
        jobs.append({"expert_id": expert_id, "organization_id": organization_id, "position": "",
                     "start_date": rec["term_start"] or today, "end_date": None})
        statuses.append({"expert_id": expert_id, "from_status": None, "to_status": rec["status"],
                         "reason": "import", "effective_on": today, "actor_user_id": actor.user_id,
                         "actor_label": actor.label, "created_at": wall_now()})
        after = {k: rec[k] for k in ("name", "gender", "birth_year", "email", "title_rank", "specialties",
                                     "province", "city", "recommended_by", "term_start", "term_end", "status",
                                     "language")}
        after.update(id_number=normalize.mask_id_number(rec["id_number"]),
                     mobile=normalize.mask_mobile(rec["mobile"]), organization_id=organization_id,
                     contributed_by=contributed_by)
        audit.append(("expert.import", "expert", expert_id, {"after": after}))
    db.session.execute(insert(expert_specialties), links)
    db.session.execute(insert(Employment), jobs)
    db.session.execute(insert(StatusChange), statuses)
    record_many(actor, audit)
    return created_orgs


