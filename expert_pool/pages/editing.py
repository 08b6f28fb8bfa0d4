"""Adding and changing an expert: the API's schemas and services behind an HTML form.

Changing carries the version read into the form (a hidden field, the page's ``If-Match``): when someone else
saved in between, the service refuses and the page says so, keeping what was typed. Identifiers the caller
sees masked (a province) are never put into the form: left empty, they stay as they are.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from marshmallow import ValidationError

from expert_pool import policy, schemas, services
from expert_pool.boundary import keep_refusal_audit
from expert_pool.models import Expert
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors, submitted
from expert_pool.services import FORBIDDEN
from ground import clock
from ground.actor import Actor, Role
from ground.errors import DomainError, Forbidden, PreconditionFailed
from ground.extensions import db
from ground.guard import current_actor

FIELDS = ("name", "gender", "birth_year", "id_number", "mobile", "email", "organization_id", "organization_since",
          "position", "title_rank", "province", "city", "recommended_by", "contributed_by", "term_start",
          "term_end", "status", "language")
LISTS = ("specialties",)
KNOWN = FIELDS + LISTS
IDENTIFIERS = ("id_number", "mobile", "email")
NATIONAL = "national"  # the form's word for "contributed by the Office" (null in the API)


def _data(values: dict[str, Any], actor: Actor, *, editing: bool) -> dict[str, Any]:
    """The form's values as the API's body: only the Office names a contributor; editing has no status."""
    data = dict(values)
    if editing:
        data.pop("status", None)
        data.setdefault("city", "")  # an emptied city is a change, not a field left out
        data.setdefault("specialties", [])  # all unticked is an error to show, not "unchanged"
    if actor.is_office and data.get("contributed_by") == NATIONAL:
        data["contributed_by"] = None
    elif not actor.is_office:
        data.pop("contributed_by", None)
    return data


def _choices(actor: Actor) -> dict[str, Any]:
    return {"organizations": services.organization_choices(), "specialties": services.list_specialties(),
            "is_office": actor.is_office}


def _refused(exc: DomainError) -> FormErrors:
    if exc.status in (401, 403, 404):
        raise exc  # not the form's problem: the error page says it
    keep_refusal_audit(exc)
    db.session.rollback()
    return FormErrors.of_domain(exc, KNOWN)


@bp.route("/experts/new", methods=["GET", "POST"])
def new_expert():
    actor = current_actor()
    if not policy.may_import(actor):  # the same roles create_expert admits
        raise Forbidden(None, FORBIDDEN)
    values: dict[str, Any] = {"recommended_by": actor.province if actor.role == Role.PROVINCE else "MEE",
                              "province": actor.province or "", "language": "zh", "status": "applicant",
                              "contributed_by": NATIONAL}
    errors = FormErrors()
    if request.method == "POST":
        values = submitted(request.form, FIELDS, LISTS)
        try:
            data = schemas.ExpertWriteSchema().load(_data(values, actor, editing=False))
            expert = services.create_expert(actor, data, clock.today())
        except ValidationError as exc:
            errors = FormErrors.of(exc.messages, KNOWN)
        except DomainError as exc:
            errors = _refused(exc)
        else:
            return redirect(url_for("expert_pool.expert", expert_id=expert.id, saved="created"))
    return render_template("expert_pool/expert_form.html", actor=actor, values=values, errors=errors, expert=None,
                           masked=(), version=None, **_choices(actor)), 422 if errors else 200


def _current_values(actor: Actor, expert: Expert, masked: tuple[str, ...]) -> dict[str, Any]:
    values = {f: getattr(expert, f) for f in FIELDS if hasattr(expert, f) and f not in masked}
    values["specialties"] = expert.specialty_codes
    values["contributed_by"] = expert.contributed_by or NATIONAL
    return {k: ("" if v is None else v) for k, v in values.items()}


@bp.route("/experts/<int:expert_id>/edit", methods=["GET", "POST"])
def edit_expert(expert_id: int):
    actor = current_actor()
    expert = services.get_expert(actor, expert_id)
    if not policy.may_edit_expert(actor, expert.contributed_by):
        raise Forbidden(None, FORBIDDEN)
    shown = services.present(actor, expert)
    masked = tuple(f for f in IDENTIFIERS if getattr(shown, f) != getattr(expert, f))
    values, version, errors = _current_values(actor, expert, masked), expert.version, FormErrors()
    if request.method == "POST":
        values = submitted(request.form, FIELDS, LISTS)
        version = request.form.get("version", "")
        try:
            data = schemas.ExpertPatchSchema(partial=True).load(_data(values, actor, editing=True))
            expected = int(version) if version.isdigit() else -1
            services.update_expert(actor, expert, data, expected, clock.today())
        except ValidationError as exc:
            errors = FormErrors.of(exc.messages, KNOWN)
        except PreconditionFailed:
            db.session.rollback()
            errors = FormErrors(stale=True)
        except DomainError as exc:
            errors = _refused(exc)
        else:
            return redirect(url_for("expert_pool.expert", expert_id=expert.id, saved="edit"))
    return render_template("expert_pool/expert_form.html", actor=actor, values=values, errors=errors,
                           expert=shown, masked=masked, version=version, **_choices(actor)), (
        (412 if errors.stale else 422) if errors else 200)
