"""HTTP API of the experts' record: ratings after a meeting, the fee sheet, conduct records, credit and its
proposals, and the rule data the Office edits (credit rules, fee rates)."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from expert_pool.services import get_expert
from ground import clock
from ground.api import Blueprint
from ground.guard import current_actor
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels.record import schemas
from panels.record.conduct import record_conduct
from panels.record.credit import credit_view, decide_proposal, list_proposals, present_proposal, refresh_credit
from panels.record.fees import fee_sheet
from panels.record.ratings import rate_member, ratings_view
from panels.record.rule_data import create_credit_rules, create_fee_table, credit_rule_versions, fee_table_versions
from panels.services import get_panel

blp = Blueprint("record", __name__, url_prefix="/api/v1",
                description="The experts' record: ratings, conduct, credit and its proposals, honoraria")


@blp.route("/panels/<int:panel_id>/ratings")
class Ratings(MethodView):
    @blp.response(200, schemas.RatingsSchema)
    def get(self, panel_id):
        """The rating window, the members who attended and their ratings (the convening authority, the Office)"""
        actor, now = current_actor(), clock.now()
        return ratings_view(get_panel(actor, panel_id, purpose="ratings"), now)

    @blp.arguments(schemas.RatingWriteSchema)
    @blp.response(201, schemas.RatingsSchema)
    def post(self, data, panel_id):
        """The convening authority rates a member who attended, once, within the window after the meeting"""
        actor, now = current_actor(), clock.now()

        def work():
            panel = get_panel(actor, panel_id, purpose="rate")
            rating = rate_member(actor, panel, dict(data), now)
            refresh_credit(rating.expert_id, now)
            return ratings_view(panel, now)

        with refusals_on_record(actor):
            return retrying(work, what="rating")


@blp.route("/panels/<int:panel_id>/fee-sheet.xlsx")
@blp.arguments(schemas.FeeSheetQuerySchema, location="query")
@blp.response(200, description="The honoraria of the meeting's members as an XLSX workbook")
def fee_sheet_xlsx(args, panel_id):
    """The meeting's fee sheet for finance (members present, days, rate by title, travel from another city)"""
    actor, now = current_actor(), clock.now()
    data, _ = fee_sheet(actor, get_panel(actor, panel_id, purpose="fee_sheet"), args["days"], args["lang"], now)
    return Response(data, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", headers={
        "Content-Disposition": f'attachment; filename="fee-sheet-{panel_id}.xlsx"', "Cache-Control": "no-store"})


@blp.route("/experts/<int:expert_id>/credit")
@blp.response(200, schemas.CreditSchema)
def credit(expert_id):
    """The expert's credit score, its history, ratings, conduct records and proposals (the Office; the expert
    themself without panel ids, recorders or proposals)"""
    actor, now = current_actor(), clock.now()
    return credit_view(actor, get_expert(actor, expert_id), now), 200, {"Cache-Control": "no-store"}


@blp.route("/experts/<int:expert_id>/conduct", methods=["POST"])
@blp.arguments(schemas.ConductWriteSchema)
@blp.response(201, schemas.ConductSchema)
def conduct(data, expert_id):
    """The Office records a breach of confidentiality or an upheld complaint; the credit follows"""
    actor, now = current_actor(), clock.now()
    row = record_conduct(actor, get_expert(actor, expert_id), dict(data), now)
    refresh_credit(expert_id, now)
    return row


@blp.route("/credit-proposals")
@blp.arguments(schemas.CreditProposalQuerySchema, location="query")
@blp.response(200, schemas.CreditProposalSchema(many=True))
def credit_proposals(args):
    """The credit's proposals (open ones by default), oldest first"""
    return [present_proposal(p) for p in list_proposals(args["status"])]


@blp.route("/credit-proposals/<int:credit_proposal_id>/decision", methods=["POST"])
@blp.arguments(schemas.CreditDecisionSchema)
@blp.response(200, schemas.CreditProposalSchema)
def decide(data, credit_proposal_id):
    """The Office accepts (suspend / remove: the expert's status changes) or rejects a proposal, with a reason"""
    actor, now = current_actor(), clock.now()
    return present_proposal(decide_proposal(actor, credit_proposal_id, dict(data), now))


@blp.route("/credit-rules")
class CreditRules(MethodView):
    @blp.response(200, schemas.CreditRulesSchema(many=True))
    def get(self):
        """Every version of the credit rules (the newest is in use)"""
        return credit_rule_versions()

    @blp.arguments(schemas.CreditRulesWriteSchema)
    @blp.response(201, schemas.CreditRulesSchema)
    def post(self, data):
        """A new version of the credit rules"""
        return create_credit_rules(current_actor(), data)


@blp.route("/fee-rates")
class FeeRates(MethodView):
    @blp.response(200, schemas.FeeRatesSchema(many=True))
    def get(self):
        """Every version of the honoraria's rate table (the newest is in use)"""
        return fee_table_versions()

    @blp.arguments(schemas.FeeRatesWriteSchema)
    @blp.response(201, schemas.FeeRatesSchema)
    def post(self, data):
        """A new version of the rate table (per day by title, the chair's extra, the travel allowance)"""
        return create_fee_table(current_actor(), data)
