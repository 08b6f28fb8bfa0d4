"""HTTP API of panels: request and draw, read, eligibility, audit bundle, date suggestions; rule sets.

The seats (invitations, replacements, meetings moved or cancelled) are :mod:`panels.seats.routes`."""

from __future__ import annotations

import json

from flask import Response
from flask.views import MethodView

from ground import clock
from ground.api import Blueprint
from ground.errors import Forbidden
from ground.guard import current_actor
from ground.i18n import _l
from ground.refusals import refusals_on_record
from ground.uow import retrying
from panels import dates, schemas, services

blp = Blueprint("panels", __name__, url_prefix="/api/v1", description="Review panels drawn from the pool (Art. 37)")


@blp.route("/panels", methods=["POST"])
@blp.arguments(schemas.PanelCreateSchema)
@blp.response(201, schemas.PanelSchema)
@blp.alt_response(422, description="No panel satisfies the rules: funnel, conflicting rules, relaxations, dates")
def create_panel(data):
    """Request a panel and draw it (members, ranked alternates, seed commitment)"""
    actor = current_actor()
    with refusals_on_record(actor):
        panel = retrying(lambda: services.draw_new_panel(actor, data), what="panel draw")
    return services.present_panel(panel, reveal_all=actor.is_office)


@blp.route("/panels/<int:panel_id>")
@blp.response(200, schemas.PanelSchema)
def read_panel(panel_id):
    """A panel: members, alternates, history and draws (confidential: each look is audited)"""
    actor = current_actor()
    panel = services.get_panel(actor, panel_id)
    return services.present_panel(panel, reveal_all=actor.is_office), 200, {"Cache-Control": "no-store"}


@blp.route("/panels/<int:panel_id>/eligibility")
@blp.arguments(schemas.EligibilityQuerySchema, location="query")
@blp.response(200, schemas.EligibilitySchema)
def panel_eligibility(args, panel_id):
    """Why each expert of the pool was eligible or excluded, and each eligible expert's chance"""
    actor = current_actor()
    panel = services.get_panel(actor, panel_id, purpose="eligibility")
    return services.eligibility(panel, args.get("round"), args.get("eligible"), args["page"], args["page_size"],
                                reveal_all=actor.is_office)


@blp.route("/panels/<int:panel_id>/audit")
@blp.response(200, description="The draw bundles (canonical JSON), one per round; verify with `ecopanel draws verify`")
def panel_audit(panel_id):
    """Audit bundles of every draw round (Office only)"""
    actor = current_actor()
    if not actor.is_office:
        raise Forbidden(None, _l("Audit bundles are for the Office only."))
    panel = services.get_panel(actor, panel_id, purpose="audit")
    body = '{"bundles":[' + ",".join(services.audit_bundles(panel)) + "]}"
    json.loads(body)  # the list is itself valid JSON; each bundle stays byte-for-byte canonical inside it
    return Response(body, mimetype="application/json", headers={"Cache-Control": "no-store"})


@blp.route("/meetings/date-suggestions")
@blp.arguments(schemas.DateSuggestionQuerySchema, location="query")
@blp.response(200, schemas.DateSuggestionSchema(many=True))
def date_suggestions(args):
    """Working days of a span on which the park's panel can be formed, best first"""
    actor = current_actor()
    with refusals_on_record(actor):
        return dates.suggest_meeting_dates(actor, args["park_id"], args["kind"], args["start"], args["end"],
                                           args["size"], args.get("rule_set"), clock.now(),
                                           args.get("override_reason"))


@blp.route("/rule-sets")
class RuleSets(MethodView):
    @blp.response(200, schemas.RuleSetSchema(many=True))
    def get(self):
        """Every version of every rule set"""
        return services.list_rule_sets(current_actor())

    @blp.arguments(schemas.RuleSetCreateSchema)
    @blp.response(201, schemas.RuleSetSchema)
    def post(self, data):
        """A new version of a rule set (Office)"""
        return services.create_rule_set(current_actor(), data)
