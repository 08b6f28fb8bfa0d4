"""``/me``: the signed-in expert's profile summary and invitations, from the same services as the API
(``GET /experts/{id}`` and ``GET /invitations/mine``)."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from expert_pool.rules.normalize import STATUSES, TITLE_RANKS
from expert_pool.services import get_expert, present
from ground import clock
from ground.guard import current_actor
from panels.record.credit import credit_view
from panels.rules.credit import CONDUCT_NAMES
from panels.seats.present import my_invitations
from scheduling.rules.lifecycle import PANEL_KIND_NAMES

bp = Blueprint("me", __name__, template_folder="templates")

PAGE_SIZE = 20
INVITATION_STATUSES = {
    "pending": ("待答复", "awaiting your answer"),
    "accepted": ("已接受", "accepted"),
    "declined": ("已谢绝", "declined"),
    "expired": ("已过答复期限", "answer period over"),
    "cancelled": ("已取消", "cancelled"),
}


def _page() -> int:
    value = request.args.get("page", "1")
    return max(1, min(int(value), 10_000)) if value.isdigit() else 1


@bp.route("/me")
def index():
    actor = current_actor()
    record = get_expert(actor, actor.expert_id)
    credit = credit_view(actor, record, clock.now())  # as GET /experts/{id}/credit shows it to the expert
    expert = present(actor, record)
    page = _page()
    invitations = my_invitations(actor, page, PAGE_SIZE, clock.now())
    last_page = max(1, -(-invitations["total"] // PAGE_SIZE))
    if page > last_page:
        invitations = my_invitations(actor, last_page, PAGE_SIZE, clock.now())
        page = last_page
    kinds = {kind.value: names for kind, names in PANEL_KIND_NAMES.items()}
    return render_template("me/index.html", expert=expert, invitations=invitations, page=page, last_page=last_page,
                           statuses=STATUSES, titles=TITLE_RANKS, invitation_statuses=INVITATION_STATUSES,
                           kinds=kinds, credit=credit, conduct_names=CONDUCT_NAMES)
