"""The forms of the park's page: a lifecycle action, a material, annual reports, major changes, objections and
warning proposals. Each calls the service the API calls, after the API's schema (see :func:`.park.answer_form`)."""

from __future__ import annotations

from flask import request

from ground.errors import InvalidInput, not_found
from ground.extensions import db
from ground.i18n import _l
from scheduling import materials, reports, schemas, services
from scheduling.models import WarningProposalRecord
from scheduling.pages.blueprint import bp
from scheduling.pages.common import INVALID
from scheduling.pages.park import answer_form
from scheduling.wording import action_name

TRANSITION_FIELDS = ("action", "date", "comment", "documents", "reason", "as_leading_group", "extension_months",
                     "changed_on", "subjects", "description", "rectification_months", "proposal_ids", "excellent")


@bp.route("/parks/<int:park_id>/actions", methods=["POST"])
def take_action(park_id: int):
    """A lifecycle action, exactly as ``POST /api/v1/parks/<id>/transitions`` takes it."""
    form = f"action:{request.form.get('action', '')}:{request.form.get('as_leading_group', '0')}"
    return answer_form(
        park_id, form, TRANSITION_FIELDS, schemas.TransitionRequestSchema,
        lambda actor, data, now: services.transition_park(actor, park_id, data, now),
        lambda t: _l(
            "Done: {action_name} ({on})").format(
            action_name=action_name(t.action), on=t.on),
        "timeline")


@bp.route("/parks/<int:park_id>/materials", methods=["POST"])
def upload_material(park_id: int):
    def upload(actor, data, now):
        file = request.files.get("file")
        if file is None or not file.filename:
            missing = _l("Choose a file to upload.")
            raise InvalidInput("file_missing", INVALID, {"file": [missing]})
        return materials.upload_material(actor, park_id, file.read(), file.filename, data, now)

    return answer_form(
        park_id, "material", ("kind", "title", "year", "covers_from", "covers_to"), schemas.MaterialFormSchema,
        upload, lambda m: _l("Uploaded: {filename}").format(filename=m.filename), "materials")


@bp.route("/parks/<int:park_id>/reports", methods=["POST"])
def submit_report(park_id: int):
    return answer_form(
        park_id, "report", ("year", "material_id", "submitted_on"), schemas.AnnualReportSubmitSchema,
        lambda actor, data, now: reports.submit_report(actor, park_id, data, now),
        lambda r: _l("The report for {year} was submitted.").format(year=r.year), "reports")


@bp.route("/parks/<int:park_id>/reports/<int:year>/review", methods=["POST"])
def review_report(park_id: int, year: int):
    return answer_form(
        park_id, f"review:{year}", ("compliant", "reviewed_on", "comment"), schemas.AnnualReportReviewSchema,
        lambda actor, data, now: reports.review_report(actor, park_id, year, data, now),
        lambda r: _l("The report for {year} was reviewed.").format(year=r.year), "reports")


@bp.route("/parks/<int:park_id>/reports/<int:year>/forward", methods=["POST"])
def forward_report(park_id: int, year: int):
    return answer_form(
        park_id, f"forward:{year}", ("forwarded_on",), schemas.AnnualReportForwardSchema,
        lambda actor, data, now: reports.forward_report(actor, park_id, year, data, now),
        lambda r: _l("The report for {year} was forwarded.").format(year=r.year), "reports")


@bp.route("/parks/<int:park_id>/major-changes", methods=["POST"])
def record_major_change(park_id: int):
    return answer_form(
        park_id, "change", ("changed_on", "subjects", "description"), schemas.MajorChangeCreateSchema,
        lambda actor, data, now: services.record_major_change(actor, park_id, data, now),
        lambda c: _l("The major change of {changed_on} is recorded.").format(changed_on=c.changed_on),
        "changes")


@bp.route("/parks/<int:park_id>/objections", methods=["POST"])
def record_objection(park_id: int):
    return answer_form(
        park_id, "objection", ("notice", "received_on", "summary"), schemas.ObjectionCreateSchema,
        lambda actor, data, now: services.record_objection(actor, park_id, data, now),
        lambda o: _l("The objection is recorded."), "objections")


@bp.route("/parks/<int:park_id>/objections/<int:objection_id>/resolve", methods=["POST"])
def resolve_objection(park_id: int, objection_id: int):
    return answer_form(
        park_id, f"resolve:{objection_id}", ("resolved_on", "upheld", "finding"), schemas.ObjectionResolveSchema,
        lambda actor, data, now: services.resolve_objection(actor, park_id, objection_id, data, now),
        lambda o: _l("The finding is recorded."), "objections")


@bp.route("/parks/<int:park_id>/proposals/<int:proposal_id>/dismiss", methods=["POST"])
def dismiss_proposal(park_id: int, proposal_id: int):
    return answer_form(
        park_id, f"dismiss:{proposal_id}", ("comment",), schemas.DismissSchema,
        lambda actor, data, now: services.dismiss_proposal(actor, _own(park_id, proposal_id), data["comment"], now),
        lambda p: _l("The proposal was dismissed."), "proposals")


def _own(park_id: int, proposal_id: int) -> int:
    """A proposal of this park only: the page never acts on another park's proposal through its own URL."""
    proposal = db.session.get(WarningProposalRecord, proposal_id)
    if proposal is None or proposal.park_id != park_id:
        raise not_found(_l("Warning proposal"), proposal_id)
    return proposal_id
