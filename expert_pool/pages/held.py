"""The Office resolves a held import row from the review page: add it as a new expert (with corrected
identifiers where the match is real), mark it a duplicate of the expert it matched, or dismiss it. The API's
schema (``HeldRowResolveSchema``) and service (``resolve_held_row``); a refusal re-opens the page with the
row's form and its errors beside the fields."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from marshmallow import ValidationError

from expert_pool import held_schemas
from expert_pool.boundary import keep_refusal_audit
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors, submitted
from expert_pool.pages.review import render_review
from expert_pool.services import held
from ground import clock
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor

CORRECTABLE = ("id_number", "mobile", "email")
FIELDS = ("resolution", "duplicate_of", "reason", *CORRECTABLE)


def _on_fields(errors: dict[str, Any]) -> dict[str, Any]:
    """The corrected values' errors (``values`` nested, or ``values.mobile`` from the service) on their fields."""
    out: dict[str, Any] = {}
    for key, messages in errors.items():
        if key == "values" and isinstance(messages, dict):
            out.update(messages)
        else:
            out[key.removeprefix("values.")] = messages
    return out


@bp.route("/experts/review/held/<int:row_id>", methods=["POST"])
def resolve_held_row(row_id: int):
    actor = current_actor()
    values = submitted(request.form, FIELDS)
    body: dict[str, Any] = {k: values[k] for k in ("resolution", "duplicate_of", "reason") if k in values}
    corrections = {f: values[f] for f in CORRECTABLE if f in values}
    if corrections:
        body["values"] = corrections
    try:
        data = held_schemas.HeldRowResolveSchema().load(body)
        held.resolve_held_row(actor, row_id, data["resolution"], reason=data["reason"], now=clock.now(),
                              duplicate_of=data.get("duplicate_of"), changes=data.get("values"))
    except ValidationError as exc:
        errors = FormErrors.of(_on_fields(exc.messages), FIELDS)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        keep_refusal_audit(exc)
        db.session.rollback()
        exc.errors = _on_fields(exc.errors)
        errors = FormErrors.of_domain(exc, FIELDS)
    else:
        return redirect(url_for("expert_pool.review", saved="held", _anchor="held-rows"))
    return render_review(actor, held_errors={row_id: errors}, held_values={row_id: values}, status=422)
