"""The forms on an expert's page: status change with a reason, confirmation, employment, conflict of
interest, unavailability. Each validates with the API's schema and calls the API's service; a refusal
re-opens the page with the form's errors beside its fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError

from expert_pool import schemas, services
from expert_pool.boundary import keep_refusal_audit
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors, submitted
from expert_pool.pages.profile import profile_context
from expert_pool.pages.wording import Names
from ground import clock
from ground.actor import Actor
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l

Action = Callable[[Actor, Any, dict[str, Any]], Any]


def _status(actor: Actor, expert, data: dict[str, Any]) -> None:
    services.change_status(actor, expert, data["status"], data["reason"], data.get("effective_on") or clock.today())


FORMS: dict[str, tuple[type[Schema], tuple[str, ...], Action]] = {
    "status": (schemas.StatusChangeRequestSchema, ("status", "reason", "effective_on"), _status),
    "employment": (schemas.EmploymentCreateSchema, ("organization_id", "position", "start_date", "end_date"),
                   lambda actor, expert, data: services.add_employment(actor, expert, data)),
    "conflict": (schemas.ConflictCreateSchema,
                 ("park_id", "organization_id", "relation", "note", "valid_from", "valid_to"),
                 lambda actor, expert, data: services.add_conflict(actor, expert, data, clock.today())),
    "unavailability": (schemas.UnavailabilitySchema, ("start_date", "end_date", "reason"),
                       lambda actor, expert, data: services.add_unavailability(actor, expert, data)),
}


def _worded(error: DomainError) -> DomainError:
    """A status the lifecycle refuses, named in words rather than codes (a page open since it changed)."""
    if error.code == "illegal_status_change":
        names = Names.for_request()
        allowed = "、".join(names.status(s) for s in error.extra.get("allowed", [])) or "—"
        error.message = _l(
            "The expert is now “{current}”; it may become: {allowed}. Reload and choose again.").format(
            current=names.status(error.extra.get("current")), allowed=allowed)
    return error


def _submit(expert_id: int, form: str):
    actor = current_actor()
    expert = services.get_expert(actor, expert_id)
    schema, names, action = FORMS[form]
    values = submitted(request.form, names)
    try:
        action(actor, expert, schema().load(values))
    except ValidationError as exc:
        errors = FormErrors.of(exc.messages, names)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise  # not the form's problem: the error page says it
        keep_refusal_audit(exc)
        errors = FormErrors.of_domain(_worded(exc), names)
    else:
        return redirect(url_for("expert_pool.expert", expert_id=expert_id, saved=form, _anchor=form))
    db.session.rollback()  # nothing of a refused form is kept (the refusal's own audit is already committed)
    context = profile_context(actor, expert, errors={form: errors}, values={form: values})
    return render_template("expert_pool/expert.html", **context), 422


@bp.route("/experts/<int:expert_id>/status", methods=["POST"])
def change_status(expert_id: int):
    return _submit(expert_id, "status")


@bp.route("/experts/<int:expert_id>/employments", methods=["POST"])
def add_employment(expert_id: int):
    return _submit(expert_id, "employment")


@bp.route("/experts/<int:expert_id>/conflicts", methods=["POST"])
def add_conflict(expert_id: int):
    return _submit(expert_id, "conflict")


@bp.route("/experts/<int:expert_id>/unavailability", methods=["POST"])
def add_unavailability(expert_id: int):
    return _submit(expert_id, "unavailability")


@bp.route("/experts/<int:expert_id>/confirm", methods=["POST"])
def confirm(expert_id: int):
    actor = current_actor()
    services.confirm_data(actor, services.get_expert(actor, expert_id), clock.today())
    return redirect(url_for("expert_pool.expert", expert_id=expert_id, saved="confirm"))
