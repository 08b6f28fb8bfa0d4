"""HTTP API of the rows of an import held for the Office (possible duplicates of masked identifiers)."""

from __future__ import annotations

from expert_pool import held_schemas as schemas
from expert_pool.boundary import keeps_refusal_audit
from expert_pool.services import held
from ground import clock
from ground.api import Blueprint
from ground.guard import current_actor

blp = Blueprint("held_rows", __name__, url_prefix="/api/v1",
                description="Rows of a province's import held for the Office: possible duplicates of an expert "
                            "the province sees masked (Office only)")


@blp.route("/experts/held-rows")
@blp.arguments(schemas.HeldRowQuerySchema, location="query")
@blp.response(200, schemas.HeldRowPageSchema)
def list_held_rows(args):
    """Held import rows, oldest first (default: those still to resolve)"""
    status = None if args["status"] == "all" else args["status"]
    items, total = held.list_held_rows(current_actor(), status, args["page"], args["page_size"])
    return {"items": items, "total": total, "page": args["page"], "page_size": args["page_size"]}


@blp.route("/experts/held-rows/<int:row_id>")
@blp.response(200, schemas.HeldRowSchema)
def held_row(row_id):
    """One held row: what it submitted (identifiers in clear while held) and the experts it matched"""
    return held.held_row(current_actor(), row_id)


@blp.route("/experts/held-rows/<int:row_id>/resolve", methods=["POST"])
@blp.arguments(schemas.HeldRowResolveSchema)
@blp.response(200, schemas.HeldRowSchema)
@keeps_refusal_audit
def resolve(data, row_id):
    """Resolve a held row: add it as a new expert (with corrected values), mark it a duplicate, or dismiss it"""
    actor = current_actor()
    row = held.resolve_held_row(actor, row_id, data["resolution"], reason=data["reason"], now=clock.now(),
                                duplicate_of=data.get("duplicate_of"), changes=data.get("values"))
    return held.present_held_row(row)
