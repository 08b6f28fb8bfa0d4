"""The review list: experts whose data was not confirmed for a year or whose term is ending (Art. 37,
dynamic management). The Office sees the whole pool; a province the experts it contributed."""

from __future__ import annotations

from flask import current_app, render_template, request

from expert_pool import services
from expert_pool.pages.blueprint import bp
from expert_pool.pages.paging import Pager
from ground import clock
from ground.actor import Actor
from ground.guard import current_actor

PAGE_SIZE = 50


def held_import_rows(actor: Actor) -> list | None:
    """Rows of provincial imports held as possible duplicates of masked identifiers, for the Office to resolve.

    The held-rows service is being built on its own branch (``conf-ids``); until it lands there is nothing to
    show and the page says where the rows are meanwhile (the audit log, ``expert.import_held``). Wire its
    list in here (Office only) and render it in the ``held-rows`` section of ``review.html``."""
    return None


@bp.route("/experts/review")
def review():
    actor = current_actor()
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
    return render_template("expert_pool/review.html", actor=actor, items=items, pager=pager,
                           held_rows=held_import_rows(actor) if actor.is_office else None,
                           months=config["REVIEW_UNCONFIRMED_MONTHS"], days=config["REVIEW_TERM_ENDING_DAYS"])
