"""HTTP API of the park lifecycle: parks, transitions, timeline, materials, annual reports, calendar."""

from __future__ import annotations

from flask import send_file
from flask.views import MethodView

from ground import clock
from ground.api import Blueprint, PageArgs
from ground.guard import current_actor, public
from ground.refusals import refusals_on_record
from scheduling import calendar_service, materials, reports, schemas, services

blp = Blueprint("parks", __name__, url_prefix="/api/v1",
                description="Parks, their lifecycle (Art. 6-28), deadlines and the working-day calendar")


def _now():
    return clock.now()


def _page(items, total, args):
    return {"items": items, "total": total, "page": args["page"], "page_size": args["page_size"]}


@blp.route("/parks")
class Parks(MethodView):
    @blp.arguments(schemas.ParkQuerySchema, location="query")
    @blp.response(200, schemas.ParkPageSchema)
    def get(self, args):
        """Parks in the caller's scope (Office: all; province: its own; park: itself)"""
        page, page_size = args.pop("page"), args.pop("page_size")
        items, total = services.list_parks(current_actor(), args, page, page_size)
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    @blp.arguments(schemas.ParkCreateSchema)
    @blp.response(201, schemas.ParkSchema)
    def post(self, data):
        """Register a park (Office; a province for its own)"""
        actor, now = current_actor(), _now()
        return services.present_park(actor, services.create_park(actor, data, now), now)


@blp.route("/parks/<int:park_id>")
@blp.response(200, schemas.ParkSchema)
def park(park_id):
    """One park, its facts and the actions the caller could take now"""
    actor, now = current_actor(), _now()
    return services.present_park(actor, services.get_park(actor, park_id), now)


@blp.route("/parks/<int:park_id>/transitions", methods=["POST"])
@blp.arguments(schemas.TransitionRequestSchema)
@blp.response(201, schemas.TransitionSchema)
def transition(data, park_id):
    """Take a lifecycle action (409 illegal here, 403 not your role, 409/422 a rule with its article); an
    action a review panel decides needs that panel's conclusion, or the Office's ``panel_override_reason``"""
    actor = current_actor()
    with refusals_on_record(actor):  # a refusal of the panel rule stays on record, nothing else does
        return services.transition_park(actor, park_id, data, _now())


@blp.route("/parks/<int:park_id>/timeline")
@blp.response(200, schemas.TimelineSchema)
def park_timeline(park_id):
    """What happened and what is due, with dates, articles and provisional marks"""
    return services.timeline(current_actor(), park_id, _now())


@blp.route("/parks/<int:park_id>/objections", methods=["POST"])
@blp.arguments(schemas.ObjectionCreateSchema)
@blp.response(201, schemas.ObjectionSchema)
def add_objection(data, park_id):
    """Record an objection to the public notice (Art. 10) or a complaint in the naming notice (Art. 19)"""
    return services.record_objection(current_actor(), park_id, data, _now())


@blp.route("/parks/<int:park_id>/objections/<int:objection_id>/resolve", methods=["POST"])
@blp.arguments(schemas.ObjectionResolveSchema)
@blp.response(200, schemas.ObjectionSchema)
def resolve_objection(data, park_id, objection_id):
    """Record the finding on an objection or complaint"""
    return services.resolve_objection(current_actor(), park_id, objection_id, data, _now())


@blp.route("/parks/<int:park_id>/major-changes", methods=["POST"])
@blp.arguments(schemas.MajorChangeCreateSchema)
@blp.response(201, schemas.MajorChangeSchema)
def add_major_change(data, park_id):
    """Record a major change the park has not reported (province/Office; Art. 12, 14)"""
    return services.record_major_change(current_actor(), park_id, data, _now())


@blp.route("/warning-proposals")
@blp.arguments(schemas.ProposalQuerySchema, location="query")
@blp.response(200, schemas.ProposalPageSchema)
def proposals(args):
    """Grounds for a warning the system found (Art. 27); people decide"""
    items, total = services.list_proposals(current_actor(), args, args["page"], args["page_size"])
    return _page(items, total, args)


@blp.route("/warning-proposals/<int:proposal_id>/dismiss", methods=["POST"])
@blp.arguments(schemas.DismissSchema)
@blp.response(200, schemas.ProposalSchema)
def dismiss(data, proposal_id):
    """Dismiss a proposal, with the reason"""
    return services.dismiss_proposal(current_actor(), proposal_id, data["comment"], _now())


@blp.route("/public/parks")
@public
@blp.arguments(schemas.PublicQuerySchema, location="query")
@blp.response(200, schemas.PublicParkPageSchema)
def public_parks(args):
    """Named and under-construction parks, for everyone (Art. 22); no personal data"""
    items, total = services.public_parks(args, args["page"], args["page_size"])
    return _page(items, total, args)


# --- materials -------------------------------------------------------------------------------------------


@blp.route("/parks/<int:park_id>/materials")
class Materials(MethodView):
    @blp.arguments(schemas.MaterialQuerySchema, location="query")
    @blp.response(200, schemas.MaterialPageSchema)
    def get(self, args, park_id):
        """The park's materials, newest first"""
        items, total = materials.list_materials(current_actor(), park_id, args.get("kind"), args["page"],
                                                args["page_size"])
        return _page(items, total, args)

    @blp.arguments(schemas.MaterialFormSchema, location="form")
    @blp.arguments(schemas.MaterialFileSchema, location="files")
    @blp.response(201, schemas.MaterialSchema)
    def post(self, form, files, park_id):
        """Upload a material (multipart: ``file`` and the metadata fields)"""
        upload = files["file"]
        return materials.upload_material(current_actor(), park_id, upload.read(), upload.filename or "", form,
                                         _now())


@blp.route("/parks/<int:park_id>/materials/<int:material_id>")
@blp.response(200, schemas.MaterialSchema)
def material(park_id, material_id):
    """One material's metadata"""
    return materials.get_material(current_actor(), park_id, material_id)


@blp.route("/parks/<int:park_id>/materials/<int:material_id>/content")
@blp.response(200, description="The file, as an attachment")
def material_content(park_id, material_id):
    """Download a material"""
    item = materials.get_material(current_actor(), park_id, material_id)
    response = send_file(materials.material_path(item), mimetype=item.content_type, as_attachment=True,
                         download_name=item.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- annual reports ----------------------------------------------------------------------------------------


@blp.route("/parks/<int:park_id>/annual-reports")
class AnnualReports(MethodView):
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, schemas.AnnualReportPageSchema)
    def get(self, args, park_id):
        """Every year a report is or was due, newest first, with status and lateness (Art. 23: by 30 June of Y+1)"""
        rows = reports.report_rows(current_actor(), park_id, _now())[::-1]
        start = (args["page"] - 1) * args["page_size"]
        return _page(rows[start:start + args["page_size"]], len(rows), args)

    @blp.arguments(schemas.AnnualReportSubmitSchema)
    @blp.response(201, schemas.AnnualReportSchema)
    def post(self, data, park_id):
        """Submit the report for a year (the park)"""
        now = _now()
        return reports.present_report(reports.submit_report(current_actor(), park_id, data, now), now)


@blp.route("/parks/<int:park_id>/annual-reports/<int:year>/review", methods=["POST"])
@blp.arguments(schemas.AnnualReportReviewSchema)
@blp.response(200, schemas.AnnualReportSchema)
def review_report(data, park_id, year):
    """Review the report (the province)"""
    now = _now()
    return reports.present_report(reports.review_report(current_actor(), park_id, year, data, now), now)


@blp.route("/parks/<int:park_id>/annual-reports/<int:year>/forward", methods=["POST"])
@blp.arguments(schemas.AnnualReportForwardSchema)
@blp.response(200, schemas.AnnualReportSchema)
def forward_report(data, park_id, year):
    """Forward the reviewed report to the Office (the province); the date decides lateness"""
    now = _now()
    return reports.present_report(reports.forward_report(current_actor(), park_id, year, data, now), now)


# --- calendar ----------------------------------------------------------------------------------------------


@blp.route("/calendar/working-days/add")
@blp.arguments(schemas.WorkingDaysQuerySchema, location="query")
@blp.response(200, schemas.WorkingDaysResultSchema)
def add_working_days(args):
    """The last of N working days beginning on start (start counts if it is a working day)"""
    current_actor()
    result = calendar_service.add_working_days(args["start"], args["days"], _now())
    return {"date": result.date, "provisional": result.provisional}


@blp.route("/calendar/years")
class CalendarYears(MethodView):
    @blp.response(200, schemas.CalendarYearSchema(many=True))
    def get(self):
        """The loaded years of the official schedule"""
        current_actor()
        calendar_service.ensure_seeded(_now())
        return calendar_service.list_years()

    @blp.arguments(schemas.CalendarFormSchema, location="form")
    @blp.arguments(schemas.CalendarFileSchema, location="files")
    @blp.response(201, schemas.CalendarLoadSchema)
    def post(self, form, files):
        """Load a newly published year (Office administrators); recomputes provisional deadlines"""
        upload = files["file"]
        return calendar_service.load_year(current_actor(), upload.read(), upload.filename or "", _now(),
                                          year=form.get("year"))
