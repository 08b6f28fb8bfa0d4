"""``/audit`` (the Office): the audit log filtered by actor, object and time, its chain and who looked at what."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from ecopanel.auditlog import phrases
from ecopanel.auditlog.queries import (
    PAGE_SIZE,
    Filters,
    chain_state,
    check_checkpoint,
    details,
    entries_page,
)
from ground.clock import SHANGHAI, as_utc
from ground.i18n import Msg, _l

bp = Blueprint("auditlog", __name__, template_folder="templates")

BAD_DATE = _l("Enter a valid date, e.g. 2026-11-24.")
BAD_RANGE = _l("The end date must not be before the start date.")
TOO_LONG = _l("At most 100 characters.")


def _date(name: str, errors: dict[str, list[Msg]]) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = [BAD_DATE]
        return None


def _text(name: str, errors: dict[str, list[Msg]]) -> str:
    value = request.args.get(name, "").strip()
    if len(value) > 100:
        errors[name] = [TOO_LONG]
        return ""
    return value


def _filters() -> tuple[Filters, dict[str, list[Msg]]]:
    errors: dict[str, list[Msg]] = {}
    start, end = _date("from", errors), _date("to", errors)
    if start and end and end < start:
        errors["to"] = [BAD_RANGE]
    object_type = request.args.get("type", "")
    action = request.args.get("action", "")
    filters = Filters(actor=_text("actor", errors), object_type=object_type if object_type in phrases.OBJECT_TYPES
                      else "", object_id=_text("object_id", errors), action=action if action in phrases.ACTIONS
                      else "", start=start, end=end, views_only=request.args.get("views") == "1")
    return filters, errors


def _page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 7 else 1


@bp.route("/audit")
def index():
    filters, errors = _filters()
    entries, total, page, last_page = ([], 0, 1, 1) if errors else entries_page(filters, _page())
    chain = chain_state(verify=request.args.get("verify") == "1")
    pasted = request.args.get("checkpoint", "").strip()[:2000]
    checked = check_checkpoint(pasted) if pasted else None
    query = {k: v for k, v in request.args.items() if k not in ("page", "verify", "checkpoint") and v}
    return render_template(
        "auditlog/index.html", filters=filters, errors=errors, entries=entries, total=total, page=page,
        last_page=last_page, page_size=PAGE_SIZE, chain=chain, pasted=pasted, checked=checked, query=query,
        phrases=phrases, details=details, local_time=lambda t: as_utc(t).astimezone(SHANGHAI).strftime(
            "%Y-%m-%d %H:%M:%S")), 422 if errors else 200
