"""The specialty vocabulary; the Office adds a specialty (the API's schema and service)."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from marshmallow import ValidationError

from expert_pool import policy, schemas, services
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors, submitted
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor

FIELDS = ("code", "name_zh", "name_en", "group")


@bp.route("/specialties", methods=["GET", "POST"])
def specialties():
    actor = current_actor()
    values, errors = {}, FormErrors()
    if request.method == "POST":
        values = submitted(request.form, FIELDS)
        try:
            services.create_specialty(actor, schemas.SpecialtySchema().load(values))
        except ValidationError as exc:
            errors = FormErrors.of(exc.messages, FIELDS)
        except DomainError as exc:
            if exc.status in (401, 403, 404):
                raise
            db.session.rollback()
            errors = FormErrors.of_domain(exc, FIELDS)
        else:
            return redirect(url_for("expert_pool.specialties", saved="1"))
    return render_template("expert_pool/specialties.html", actor=actor, items=services.list_specialties(),
                           may_add=policy.may_manage_vocabulary(actor), values=values, errors=errors,
                           saved=request.args.get("saved") == "1"), 422 if errors else 200
