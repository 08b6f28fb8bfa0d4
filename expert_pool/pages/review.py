"""The review list: experts whose data was not confirmed for a year or whose term is ending (Art. 37,
dynamic management). The Office sees the whole pool; a province the experts it contributed. For the Office
the page also lists the rows of provinces' imports held as possible duplicates (:mod:`.held` resolves them)."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request

from expert_pool import policy, services
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors
from expert_pool.pages.paging import Pager
from expert_pool.services import held
from ground import clock
from ground.actor import Actor
from ground.guard import current_actor
from ground.i18n import _l

PAGE_SIZE = 50
HELD_SHOWN = 50  # the oldest first: the Office works through them in order
SAVED = {"held": _l("The held row was resolved.")}


def held_import_rows(actor: Actor) -> dict[str, Any] | None:
    """The rows still held for the Office (oldest first), through the held rows' service (the API's)."""
    if not policy.may_resolve_held_rows(actor):
        return None
    items, total = held.list_held_rows(actor, "held", 1, HELD_SHOWN)
    return {"items": items, "total": total}


def render_review(actor: Actor, *, held_errors: dict[int, FormErrors] | None = None,
                  held_values: dict[int, dict[str, Any]] | None = None, status: int = 200):
    config = current_app.config
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < int(page) <= 100_000 else 1

    def load(n: int):
        return services.experts_due_for_review(
            actor, clock.today(), unconfirmed_months=config["REVIEW_UNCONFIRMED_MONTHS"],
            term_ending_days=config["REVIEW_TERM_ENDING_DAYS"], page=n, page_size=PAGE_SIZE)

    items, total = load(page)
    pager = Pager(page, PAGE_SIZE, total)
    if page > pager.pages:
        pager = pager.clamped()
        items, _ = load(pager.page)
    return render_template(
        "expert_pool/review.html", actor=actor, items=items, pager=pager, held_rows=held_import_rows(actor),
        held_errors=held_errors or {}, held_values=held_values or {}, field_names=held.FIELD_NAMES,
        resolution_names=held.RESOLUTION_NAMES, saved=SAVED.get(request.args.get("saved", "")),
        months=config["REVIEW_UNCONFIRMED_MONTHS"], days=config["REVIEW_TERM_ENDING_DAYS"]), status


@bp.route("/experts/review")
def review():
    return render_review(current_actor())
