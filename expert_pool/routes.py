"""HTTP API of the expert pool: experts, specialties, organisations, import and export."""

from __future__ import annotations

from flask import Response, current_app, request
from flask.views import MethodView

from expert_pool import exchange, schemas, services
from expert_pool.boundary import etag as _etag
from expert_pool.boundary import keeps_refusal_audit
from ground import clock
from ground.api import Blueprint
from ground.errors import PreconditionFailed, PreconditionRequired
from ground.guard import current_actor
from ground.i18n import _l

blp = Blueprint("experts", __name__, url_prefix="/api/v1", description="The national expert pool (Art. 37-39)")


def _expected_version(expert) -> int:
    """The version the caller last read, from ``If-Match`` (required: edits must not overwrite blindly)."""
    if not request.if_match:
        raise PreconditionRequired(None, _l(
            "Changing an expert needs an If-Match header (read it first for its ETag)."))
    if request.if_match.star_tag or request.if_match.contains(_etag(expert).strip('"')):
        return expert.version
    raise PreconditionFailed(None, _l("The expert was changed by someone else; reload and try again."))


@blp.route("/experts")
class Experts(MethodView):
    @blp.arguments(schemas.ExpertQuerySchema, location="query")
    @blp.response(200, schemas.ExpertPageSchema)
    def get(self, args):
        """List the pool, filtered, sorted and paginated"""
        page, page_size = args.pop("page"), args.pop("page_size")
        items, total = services.list_experts(current_actor(), args, page, page_size)
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    @blp.arguments(schemas.ExpertWriteSchema)
    @blp.response(201, schemas.ExpertDetailSchema)
    @keeps_refusal_audit
    def post(self, data):
        """Add an expert"""
        actor = current_actor()
        expert = services.create_expert(actor, data, clock.today())
        return services.present(actor, expert), 201, {"ETag": _etag(expert)}


@blp.route("/experts/<int:expert_id>")
class ExpertItem(MethodView):
    @blp.response(200, schemas.ExpertDetailSchema)
    def get(self, expert_id):
        """Read one expert (``ETag`` for a later PATCH)"""
        actor = current_actor()
        expert = services.get_expert(actor, expert_id)
        return services.present(actor, expert), 200, {"ETag": _etag(expert), "Cache-Control": "no-store"}

    @blp.arguments(schemas.ExpertPatchSchema(partial=True))
    @blp.response(200, schemas.ExpertDetailSchema)
    @keeps_refusal_audit
    def patch(self, data, expert_id):
        """Change an expert; needs ``If-Match`` with the ETag last read"""
        actor = current_actor()
        expert = services.get_expert(actor, expert_id)
        version = _expected_version(expert)
        expert = services.update_expert(actor, expert, data, version, clock.today())
        return services.present(actor, expert), 200, {"ETag": _etag(expert)}


@blp.route("/experts/<int:expert_id>/status", methods=["POST"])
@blp.arguments(schemas.StatusChangeRequestSchema)
@blp.response(200, schemas.ExpertDetailSchema)
def change_status(data, expert_id):
    """Move an expert along applicant -> active -> suspended -> retired / removed"""
    actor = current_actor()
    expert = services.get_expert(actor, expert_id)
    expert = services.change_status(actor, expert, data["status"], data["reason"],
                                    data.get("effective_on") or clock.today())
    return services.present(actor, expert), 200, {"ETag": _etag(expert)}


@blp.route("/experts/<int:expert_id>/confirm", methods=["POST"])
@blp.response(200, schemas.ExpertDetailSchema)
def confirm(expert_id):
    """Confirm that the expert's data is current"""
    actor = current_actor()
    expert = services.confirm_data(actor, services.get_expert(actor, expert_id), clock.today())
    return services.present(actor, expert), 200, {"ETag": _etag(expert)}


@blp.route("/experts/<int:expert_id>/history")
@blp.response(200, schemas.ExpertHistorySchema)
def history(expert_id):
    """Status history and every audited change (the Office also reads the ratings, conduct and credit entries)"""
    actor = current_actor()
    return services.expert_history(actor, services.get_expert(actor, expert_id))


@blp.route("/experts/<int:expert_id>/employments", methods=["POST"])
@blp.arguments(schemas.EmploymentCreateSchema)
@blp.response(201, schemas.EmploymentSchema)
def add_employment(data, expert_id):
    """Add a dated employment (recusal looks three years back)"""
    actor = current_actor()
    return services.add_employment(actor, services.get_expert(actor, expert_id), data)


@blp.route("/experts/<int:expert_id>/conflicts", methods=["POST"])
@blp.arguments(schemas.ConflictCreateSchema)
@blp.response(201, schemas.ConflictSchema)
def add_conflict(data, expert_id):
    """Declare a conflict of interest with a park or an organisation"""
    actor = current_actor()
    return services.add_conflict(actor, services.get_expert(actor, expert_id), data, clock.today())


@blp.route("/experts/<int:expert_id>/unavailability", methods=["POST"])
@blp.arguments(schemas.UnavailabilitySchema)
@blp.response(201, schemas.UnavailabilitySchema)
def add_unavailability(data, expert_id):
    """Record a period when the expert cannot sit on panels"""
    actor = current_actor()
    return services.add_unavailability(actor, services.get_expert(actor, expert_id), data)


@blp.route("/experts/<int:expert_id>/unavailability/<int:unavailability_id>", methods=["DELETE"])
@blp.response(204)
def remove_unavailability(expert_id, unavailability_id):
    """Take back a period of unavailability"""
    actor = current_actor()
    services.remove_unavailability(actor, services.get_expert(actor, expert_id), unavailability_id)


@blp.route("/experts/<int:expert_id>/contact", methods=["PUT"])
@blp.arguments(schemas.ContactSchema)
@blp.response(200, schemas.ExpertDetailSchema)
@keeps_refusal_audit
def update_contact(data, expert_id):
    """Keep the contact details and the mail language current (the expert themself, or its editor)"""
    actor = current_actor()
    expert = services.update_contact(actor, services.get_expert(actor, expert_id), data)
    return services.present(actor, expert), 200, {"ETag": _etag(expert)}


@blp.route("/experts/review")
@blp.arguments(schemas.ReviewQuerySchema, location="query")
@blp.response(200, schemas.ReviewPageSchema)
def review(args):
    """Experts to look at: data unconfirmed for 12 months, or term ending within 60 days"""
    config = current_app.config
    items, total = services.experts_due_for_review(
        current_actor(), args.get("on") or clock.today(),
        unconfirmed_months=config["REVIEW_UNCONFIRMED_MONTHS"], term_ending_days=config["REVIEW_TERM_ENDING_DAYS"],
        page=args["page"], page_size=args["page_size"])
    return {"items": items, "total": total, "page": args["page"], "page_size": args["page_size"]}


def _download(data: bytes, fmt: str, stem: str) -> Response:
    mimetype = ("text/csv; charset=utf-8" if fmt == "csv" else
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{stem}.{fmt}"', "Cache-Control": "no-store"})


@blp.route("/experts/import-template")
@blp.arguments(schemas.ExportQuerySchema, location="query")
@blp.response(200, description="A spreadsheet with the import columns (Chinese headers by default)")
def import_template(args):
    """Download the import template"""
    return _download(exchange.template(args["lang"], args["format"]), args["format"], "expert-import-template")


@blp.route("/experts/export")
@blp.arguments(schemas.ExportQuerySchema, location="query")
@blp.response(200, description="The pool as a spreadsheet; personal data masked unless the caller may see it")
def export(args):
    """Export the pool (CSV or XLSX)"""
    data = exchange.export_experts(current_actor(), args["format"], args["lang"])
    return _download(data, args["format"], "experts")


@blp.route("/experts/import", methods=["POST"])
@blp.arguments(schemas.ImportFormSchema, location="form")
@blp.arguments(schemas.ImportFileSchema, location="files")
@blp.response(200, schemas.ImportReportSchema)
@blp.alt_response(201, schema=schemas.ImportReportSchema, description="Imported")
@keeps_refusal_audit
def import_experts(form, files):
    """Import experts from CSV or XLSX: all rows or none (rate-limited per user: ``IMPORT_RATE_LIMIT``)"""
    upload = files["file"]
    report = exchange.import_file(current_actor(), upload.read(), upload.filename or "", form["dry_run"],
                                  clock.today(), max_rows=current_app.config["IMPORT_MAX_ROWS"])
    return report, 200 if form["dry_run"] else 201


@blp.route("/specialties")
class Specialties(MethodView):
    @blp.response(200, schemas.SpecialtySchema(many=True))
    def get(self):
        """The specialty vocabulary"""
        current_actor()
        return services.list_specialties()

    @blp.arguments(schemas.SpecialtySchema)
    @blp.response(201, schemas.SpecialtySchema)
    def post(self, data):
        """Add a specialty (Office)"""
        return services.create_specialty(current_actor(), data)


@blp.route("/organizations")
class Organizations(MethodView):
    @blp.arguments(schemas.OrganizationQuerySchema, location="query")
    @blp.response(200, schemas.OrganizationPageSchema)
    def get(self, args):
        """Organisations, with their blacklist state"""
        page, page_size = args.pop("page"), args.pop("page_size")
        items, total = services.list_organizations(current_actor(), args, page, page_size, clock.today())
        return {"items": items, "total": total, "page": page, "page_size": page_size}

    @blp.arguments(schemas.OrganizationCreateSchema)
    @blp.response(201, schemas.OrganizationSchema)
    def post(self, data):
        """Register an organisation"""
        org = services.create_organization(current_actor(), data)
        return services.present_organization(org, clock.today())


@blp.route("/organizations/<int:organization_id>")
@blp.response(200, schemas.OrganizationSchema)
def organization(organization_id):
    """One organisation"""
    current_actor()
    return services.present_organization(services.get_organization(organization_id), clock.today())


@blp.route("/organizations/<int:organization_id>/blacklist", methods=["POST"])
@blp.arguments(schemas.BlacklistRequestSchema)
@blp.response(200, schemas.OrganizationSchema)
def blacklist(data, organization_id):
    """Blacklist an institution named for falsification (Art. 38; Office)"""
    org = services.get_organization(organization_id)
    services.blacklist_organization(current_actor(), org, data["listed_on"], data["reason"])
    return services.present_organization(org, clock.today())


@blp.route("/organizations/<int:organization_id>/blacklist/lift", methods=["POST"])
@blp.arguments(schemas.BlacklistLiftSchema)
@blp.response(200, schemas.OrganizationSchema)
def lift_blacklist(data, organization_id):
    """Lift a blacklisting (Office)"""
    org = services.get_organization(organization_id)
    services.lift_blacklisting(current_actor(), org, data["lifted_on"], data["reason"])
    return services.present_organization(org, clock.today())


