"""``/me``: the signed-in expert's own page, from the same services as the API: the record (confirm it, keep the
contact details and language current), unavailability (add, remove), declared conflicts, invitations and
panels (upcoming, past; nothing of the other members), and a personal calendar feed of accepted meetings.

Forms validate with the API's schemas and call the API's services; a refused form shows the page again (422)
with the messages beside its fields; a success redirects back (post/redirect/get), except a new calendar feed,
whose address is shown on the answer itself, once (only its hash is kept).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError

from ecopanel.me.view import me_context
from expert_pool import schemas, services
from expert_pool.boundary import keep_refusal_audit
from expert_pool.pages.forms import FormErrors, submitted
from ground import clock
from ground.actor import Actor
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor
from panels.seats import feeds

bp = Blueprint("me", __name__, template_folder="templates")

Action = Callable[[Actor, Any, dict[str, Any]], Any]
FORMS: dict[str, tuple[type[Schema], tuple[str, ...], Action]] = {
    "contact": (schemas.ContactSchema, ("mobile", "email", "language"),
                lambda actor, expert, data: services.update_contact(actor, expert, data)),
    "unavailability": (schemas.UnavailabilitySchema, ("start_date", "end_date", "reason"),
                       lambda actor, expert, data: services.add_unavailability(actor, expert, data)),
    "conflict": (schemas.ConflictCreateSchema, ("park_id", "organization_id", "relation", "note", "valid_to"),
                 lambda actor, expert, data: services.add_conflict(actor, expert, data, clock.today())),
}


def _page() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 10_000)) if value.isdigit() else 1


def _show(status: int = 200, **context: Any):
    actor = current_actor()
    return render_template("me/index.html", **me_context(actor, _page(), clock.now(), **context)), status


@bp.route("/me")
def index():
    return _show()


def _submit(form: str):
    actor = current_actor()
    expert = services.get_expert(actor, actor.expert_id)
    schema, names, action = FORMS[form]
    values = submitted(request.form, names)
    try:
        action(actor, expert, schema().load(values))
    except ValidationError as exc:
        errors = FormErrors.of(exc.messages, names)
    except DomainError as exc:
        if exc.status in (401, 403, 404):
            raise
        keep_refusal_audit(exc)
        errors = FormErrors.of_domain(exc, names)
    else:
        return redirect(url_for("me.index", saved=form, _anchor=form), 303)
    db.session.rollback()
    return _show(422, errors={form: errors}, values={form: values})


@bp.route("/me/contact", methods=["POST"])
def update_contact():
    return _submit("contact")


@bp.route("/me/unavailability", methods=["POST"])
def add_unavailability():
    return _submit("unavailability")


@bp.route("/me/unavailability/<int:unavailability_id>/remove", methods=["POST"])
def remove_unavailability(unavailability_id: int):
    actor = current_actor()
    services.remove_unavailability(actor, services.get_expert(actor, actor.expert_id), unavailability_id)
    return redirect(url_for("me.index", saved="unavailability_removed", _anchor="unavailability"), 303)


@bp.route("/me/conflicts", methods=["POST"])
def add_conflict():
    return _submit("conflict")


@bp.route("/me/confirm", methods=["POST"])
def confirm():
    actor = current_actor()
    services.confirm_data(actor, services.get_expert(actor, actor.expert_id), clock.today())
    return redirect(url_for("me.index", saved="confirm", _anchor="profile"), 303)


@bp.route("/me/calendar-feed", methods=["POST"])
def issue_feed():
    """A new feed address, shown on this answer only (the old address stops working)."""
    token = feeds.issue_feed(current_actor(), clock.now())
    return _show(200, new_feed_url=feeds.feed_url(token))


@bp.route("/me/calendar-feed/revoke", methods=["POST"])
def revoke_feed():
    feeds.revoke_feed(current_actor(), clock.now())
    return redirect(url_for("me.index", saved="feed_revoked", _anchor="feed"), 303)
