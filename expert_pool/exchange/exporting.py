"""Exporting the pool as CSV or XLSX, in the import's columns, and the import template."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from expert_pool.models import Specialty
from expert_pool.rules import normalize, tabular
from expert_pool.services import experts_for_export
from ground.actor import Actor
from ground.audit import record_many
from ground.extensions import db

EXPORT_COLUMNS = ("name", "gender", "birth_year", "id_number", "mobile", "email", "organization",
                  "organization_type", "title", "specialties", "province", "city", "recommended_by", "term_start",
                  "term_end", "status", "language")


def _label(table: dict[str, tuple[str, str]], code: str | None, lang: str) -> str | None:
    if code is None:
        return None
    zh, en = table.get(code, (code, code))
    return zh if lang == "zh" else en


def export_experts(actor: Actor, fmt: str, lang: str, filters: dict[str, Any] | None = None) -> bytes:
    """The pool as CSV or XLSX, in the import's columns so an export can be edited and re-imported."""
    experts = experts_for_export(actor, filters or {})
    names = {s.code: (s.name_zh, s.name_en) for s in db.session.scalars(select(Specialty))}
    rows = []
    for e in experts:
        rows.append({
            "name": e.name, "gender": _label(normalize.GENDERS, e.gender, lang), "birth_year": e.birth_year,
            "id_number": e.id_number, "mobile": e.mobile, "email": e.email, "organization": e.organization.name,
            "organization_type": _label(normalize.ORGANIZATION_TYPES, e.organization.type, lang),
            "title": _label(normalize.TITLE_RANKS, e.title_rank, lang),
            "specialties": [_label(names, c, lang) for c in e.specialty_codes],
            "province": normalize.province_name(e.province, lang), "city": e.city,
            "recommended_by": (normalize.province_name(e.recommended_by, lang)
                               if e.recommended_by.isdigit() else e.recommended_by),
            "term_start": e.term_start, "term_end": e.term_end,
            "status": _label(normalize.STATUSES, e.status, lang),
            "language": _label(normalize.LANGUAGES, e.language, lang),
        })
    revealed = sum(1 for e in experts if not e.personal_data_masked)
    record_many(actor, [("expert.export", "pool", None, {"rows": len(rows), "format": fmt,
                                                          "personal_data_revealed": revealed})])
    writer = tabular.write_csv if fmt == "csv" else tabular.write_xlsx
    return writer(list(EXPORT_COLUMNS), rows, lang)


def template(lang: str, fmt: str) -> bytes:
    return tabular.template(lang, fmt)
