"""Annual reports (Art. 23): the park submits, the province reviews and forwards to the Office.

Parks approved for construction and named parks report every year; the report for year Y is on time when
forwarded to the Office by 30 June of Y+1 (``rules.periods.annual_report_due``). Lateness is computed, shown, and a
late, missing or non-compliant report puts a warning proposal before the people who decide (Art. 27 (4)).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l
from scheduling import policy
from scheduling.deadlines import refresh_proposals, sync_deadlines
from scheduling.facts import lifecycle_rules
from scheduling.models import AnnualReportRecord, Material, Park
from scheduling.rules.lifecycle import PHASE_OF, Phase, State
from scheduling.rules.periods import annual_report_due
from scheduling.services.parks import get_park
from scheduling.services.parks import scoped as scoped_parks

INVALID = _l("The input is invalid; see the errors per field.")


def _first_year(park: Park) -> int | None:
    start = park.approved_on or park.named_on
    if start is None:
        return None
    return start.year if lifecycle_rules().annual_report_from_approval_year else start.year + 1


def _check_day(field: str, day: date, today: date, not_before: date | None = None) -> None:
    if day > today or (not_before is not None and day < not_before):
        raise InvalidInput(None, INVALID, {field: [_l(
            "The date must lie between {not_before} and {today}.").format(
            not_before=day(not_before) if not_before else "—", today=day(today))]})


def _report(park: Park, year: int) -> AnnualReportRecord:
    report = next((r for r in park.annual_reports if r.year == year), None)
    if report is None:
        raise not_found(_l("Annual report"), f"{park.id}/{year}")
    return report


def _after_change(park: Park, today: date, now: datetime) -> list[str]:
    sync_deadlines(park, today, now)
    return [p.key for p in refresh_proposals(park, today)]


def submit_report(actor: Actor, park_id: int, data: dict[str, Any], now: datetime) -> AnnualReportRecord:
    """The park submits (or, before forwarding, resubmits) its report for a year."""
    park = get_park(actor, park_id, lock=True)
    if not (actor.is_office or (actor.role == Role.PARK and actor.park_id == park.id)):
        raise Forbidden(None, _l("The park's management agency submits the report."))
    if PHASE_OF[State(park.state)] not in (Phase.CREATION, Phase.NAMED):
        raise Conflict("not_reporting", _l("Only parks approved for construction or named report yearly (Art. 23)."),
                       extra={"current_state": park.state, "article": 23})
    today = shanghai_date(now)
    year, submitted_on = data["year"], data.get("submitted_on") or today
    first = _first_year(park)
    if first is None or not first <= year <= today.year:
        raise InvalidInput(None, INVALID, {"year": [_l(
            "The year must be between {first} and {year}.").format(
            first=first, year=today.year)]})
    _check_day("submitted_on", submitted_on, today, date(year, 1, 1))
    material = db.session.get(Material, data["material_id"])
    if material is None or material.park_id != park.id or material.kind != "annual_report":
        raise InvalidInput("unknown_material", INVALID, {"material_id": [_l(
            "Upload the park's annual report first (kind=annual_report).")]})
    report = next((r for r in park.annual_reports if r.year == year), None)
    if report is not None and report.forwarded_on is not None:
        raise Conflict("already_forwarded", _l(
            "The report for {year} was forwarded on {forwarded_on}.").format(
            year=year, forwarded_on=report.forwarded_on))
    if report is None:
        report = AnnualReportRecord(year=year, due=annual_report_due(year, lifecycle_rules().time),
                                    review_comment="", updated_at=now)
        park.annual_reports.append(report)
    report.material_id, report.submitted_on = material.id, submitted_on
    report.reviewed_on = report.compliant = None
    report.updated_at = now
    db.session.flush()
    record(actor, "park.annual_report_submit", "park", park.id,
           {"year": year, "material_id": material.id, "submitted_on": submitted_on}, now=now)
    return report


def review_report(actor: Actor, park_id: int, year: int, data: dict[str, Any], now: datetime) -> AnnualReportRecord:
    """The province reviews the report: compliant or not, with a comment (a non-compliant one may be resubmitted)."""
    park = get_park(actor, park_id, lock=True)
    if not policy.may_review_annual_report(actor, park.province):
        raise Forbidden(None, _l("The provincial departments review the report."))
    report = _report(park, year)
    if report.forwarded_on is not None:
        raise Conflict("already_forwarded", _l("The report has been forwarded already."))
    today = shanghai_date(now)
    reviewed_on = data.get("reviewed_on") or today
    _check_day("reviewed_on", reviewed_on, today, report.submitted_on)
    report.reviewed_on, report.compliant = reviewed_on, data["compliant"]
    report.review_comment = (data.get("comment") or "").strip()
    report.updated_at = now
    db.session.flush()
    record(actor, "park.annual_report_review", "park", park.id,
           {"year": year, "compliant": report.compliant, "reviewed_on": reviewed_on}, now=now)
    return report


def forward_report(actor: Actor, park_id: int, year: int, data: dict[str, Any], now: datetime) -> AnnualReportRecord:
    """The province forwards the reviewed report to the Office: the date that decides lateness (Art. 23)."""
    park = get_park(actor, park_id, lock=True)
    if not policy.may_review_annual_report(actor, park.province):
        raise Forbidden(None, _l("The provincial departments forward the report."))
    report = _report(park, year)
    if report.reviewed_on is None:
        raise Conflict("not_reviewed", _l("The report has not been reviewed yet."))
    if report.forwarded_on is not None:
        raise Conflict("already_forwarded", _l("The report has been forwarded already."))
    today = shanghai_date(now)
    forwarded_on = data.get("forwarded_on") or today
    _check_day("forwarded_on", forwarded_on, today, report.reviewed_on)
    report.forwarded_on, report.updated_at = forwarded_on, now
    db.session.flush()
    proposals = _after_change(park, today, now)
    db.session.flush()
    record(actor, "park.annual_report_forward", "park", park.id, {
        "year": year, "forwarded_on": forwarded_on, "late": forwarded_on > report.due, "proposals": proposals},
        now=now)
    return report


def report_rows(actor: Actor, park_id: int, now: datetime) -> list[dict[str, Any]]:
    """Every year a report is or was expected, with its status and lateness against 30 June of Y+1."""
    return park_report_rows(get_park(actor, park_id), shanghai_date(now))


def park_report_rows(park: Park, today: date) -> list[dict[str, Any]]:
    """:func:`report_rows` of a park already loaded (with its annual reports) and in the caller's scope."""
    by_year = {r.year: r for r in park.annual_reports}
    first = _first_year(park)
    years = set(by_year)
    if first is not None and PHASE_OF[State(park.state)] in (Phase.CREATION, Phase.NAMED):
        years |= set(range(first, today.year + 1))
    rows = []
    for year in sorted(years):
        r = by_year.get(year)
        due = r.due if r else annual_report_due(year, lifecycle_rules().time)
        forwarded = r.forwarded_on if r else None
        if forwarded is not None:
            status, days_late = "forwarded", max(0, (forwarded - due).days)
        else:
            status = "reviewed" if r and r.reviewed_on else "submitted" if r and r.submitted_on else "missing"
            days_late = max(0, (today - due).days)
        rows.append({"year": year, "due": due, "status": status, "late": days_late > 0, "days_late": days_late,
                     "submitted_on": r.submitted_on if r else None, "reviewed_on": r.reviewed_on if r else None,
                     "compliant": r.compliant if r else None, "review_comment": r.review_comment if r else "",
                     "forwarded_on": forwarded, "material_id": r.material_id if r else None})
    return rows


def late_annual_reports(actor: Actor, today: date) -> list[tuple[Park, dict[str, Any]]]:
    """Reports past 30 June of the year after and not forwarded to the Office, over every park in the caller's
    scope that reports (approved for construction or named), oldest due first."""
    reporting = [s.value for s in State if PHASE_OF[s] in (Phase.CREATION, Phase.NAMED)]
    parks = db.session.scalars(scoped_parks(actor, select(Park).where(Park.state.in_(reporting))
                                            .options(selectinload(Park.annual_reports)).order_by(Park.name)))
    late = [(park, row) for park in parks for row in park_report_rows(park, today)
            if row["late"] and row["status"] != "forwarded"]
    return sorted(late, key=lambda item: (item[1]["due"], item[0].name))


def present_report(report: AnnualReportRecord, now: datetime) -> dict[str, Any]:
    today = shanghai_date(now)
    end = report.forwarded_on or today
    days_late = max(0, (end - report.due).days)
    status = ("forwarded" if report.forwarded_on else "reviewed" if report.reviewed_on else "submitted")
    return {"year": report.year, "due": report.due, "status": status, "late": days_late > 0, "days_late": days_late,
            "submitted_on": report.submitted_on, "reviewed_on": report.reviewed_on, "compliant": report.compliant,
            "review_comment": report.review_comment, "forwarded_on": report.forwarded_on,
            "material_id": report.material_id}
