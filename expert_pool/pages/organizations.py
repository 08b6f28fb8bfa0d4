"""Organisations with their blacklist state (Art. 38); staff add one, the Office blacklists or lifts with a
reason. The API's schemas and services, as everywhere in the pool's pages."""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, url_for
from marshmallow import ValidationError

from expert_pool import policy, schemas, services
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors, submitted
from expert_pool.pages.paging import Pager
from ground import clock
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from ground.i18n import _l

PAGE_SIZE = 50
CREATE_FIELDS = ("name", "type", "province")
LISTING_FIELDS = {"blacklist": ("listed_on", "reason"), "lift": ("lifted_on", "reason")}
SAVED = {
    "created": _l("The organisation was added."),
    "blacklist": _l("The organisation is now blacklisted."),
    "lift": _l("The blacklisting was lifted."),
}


def _list(create_values: dict[str, Any] | None = None, create_errors: FormErrors | None = None, status: int = 200):
    actor = current_actor()
    raw = submitted(request.args, ("q", "type", "blacklisted"))
    try:
        filters = schemas.OrganizationQuerySchema().load(raw)
    except ValidationError as exc:
        filters, errors = {"page": 1, "page_size": PAGE_SIZE}, FormErrors.of(exc.messages, ("q", "type", "blacklisted"))
    else:
        errors = FormErrors()
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1
    filters.pop("page", None), filters.pop("page_size", None)
    items, total = services.list_organizations(actor, filters, page, PAGE_SIZE, clock.today())
    pager = Pager(page, PAGE_SIZE, total)
    if page > pager.pages:
        pager = pager.clamped()
        items, _ = services.list_organizations(actor, filters, pager.page, PAGE_SIZE, clock.today())
    return render_template(
        "expert_pool/organizations.html", actor=actor, items=items, pager=pager, shown=raw, errors=errors,
        may_add=policy.may_add_organization(actor), create_values=create_values or {"province": actor.province or ""},
        create_errors=create_errors or FormErrors(), saved=SAVED.get(request.args.get("saved", ""))), status


@bp.route("/organizations", methods=["GET", "POST"])
def organizations():
    if request.method == "GET":
        return _list()
    actor = current_actor()
    values = submitted(request.form, CREATE_FIELDS)
    try:
        org = services.create_organization(actor, schemas.OrganizationCreateSchema().load(values))
    except ValidationError as exc:
        return _list(values, FormErrors.of(exc.messages, CREATE_FIELDS), 422)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        db.session.rollback()
        return _list(values, FormErrors.of_domain(exc, CREATE_FIELDS), 422)
    return redirect(url_for("expert_pool.organization", organization_id=org.id, saved="created"))


def _detail(organization_id: int, form: str | None = None, values: dict[str, Any] | None = None,
            errors: FormErrors | None = None, status: int = 200):
    actor = current_actor()
    org = services.get_organization(organization_id)
    return render_template(
        "expert_pool/organization.html", actor=actor, org=services.present_organization(org, clock.today()),
        may_manage=policy.may_manage_vocabulary(actor), form=form, values=values or {}, errors=errors or FormErrors(),
        today=clock.today(), saved=SAVED.get(request.args.get("saved", ""))), status


@bp.route("/organizations/<int:organization_id>")
def organization(organization_id: int):
    return _detail(organization_id)


def _listing(organization_id: int, form: str):
    """Blacklist (Art. 38) or lift, with the date and the reason the audit log keeps."""
    actor = current_actor()
    org = services.get_organization(organization_id)
    names = LISTING_FIELDS[form]
    values = submitted(request.form, names)
    schema = schemas.BlacklistRequestSchema if form == "blacklist" else schemas.BlacklistLiftSchema
    try:
        data = schema().load(values)
        if form == "blacklist":
            services.blacklist_organization(actor, org, data["listed_on"], data["reason"])
        else:
            services.lift_blacklisting(actor, org, data["lifted_on"], data["reason"])
    except ValidationError as exc:
        return _detail(organization_id, form, values, FormErrors.of(exc.messages, names), 422)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        db.session.rollback()
        return _detail(organization_id, form, values, FormErrors.of_domain(exc, names), 422)
    return redirect(url_for("expert_pool.organization", organization_id=organization_id, saved=form))


@bp.route("/organizations/<int:organization_id>/blacklist", methods=["POST"])
def blacklist(organization_id: int):
    return _listing(organization_id, "blacklist")


@bp.route("/organizations/<int:organization_id>/blacklist/lift", methods=["POST"])
def lift_blacklist(organization_id: int):
    return _listing(organization_id, "lift")
