"""An expert's page: profile, employment, status history, conflicts, unavailability, panels sat on.

What is shown is what the API gives the caller: ``get_expert`` (who may read), ``present`` (masking, and the
conflicts declared in answer to a confidential invitation hidden from all but the Office),
``expert_history``; the panels come from the panels package's own source (see :mod:`.sources`).
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from expert_pool import policy, services
from expert_pool.models import Expert
from expert_pool.pages.blueprint import bp
from expert_pool.pages.forms import FormErrors
from expert_pool.pages.sources import expert_sections, park_choices
from expert_pool.pages.wording import RELATIONS
from ground import clock
from ground.actor import Actor
from ground.guard import current_actor
from ground.i18n import Msg, _l

SAVED: dict[str, Msg] = {
    "created": _l("The expert was added."),
    "edit": _l("Your changes were saved."),
    "status": _l("The status was changed."),
    "confirm": _l("The data is confirmed as current."),
    "employment": _l("The employment was added."),
    "conflict": _l("The conflict of interest was recorded."),
    "unavailability": _l("The unavailable period was recorded."),
}


def profile_context(actor: Actor, expert: Expert, *, errors: dict[str, FormErrors] | None = None,
                    values: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the expert's page shows; ``errors`` and ``values`` re-open a form that was refused."""
    shown = services.present(actor, expert)
    history = services.expert_history(actor, expert)
    may_edit = policy.may_edit_expert(actor, expert.contributed_by)
    # The parks the caller may see: to choose one in the conflict form, to name those of declared conflicts.
    wanted = may_edit or any(c.park_id for c in shown.conflicts)
    parks = [(str(i), name) for i, name in park_choices(actor)] if wanted else []
    saved = SAVED.get(request.args.get("saved", ""))
    return {
        "actor": actor, "e": shown, "status_changes": list(reversed(history["status_changes"])),
        "employments": sorted(expert.employments, key=lambda j: j.start_date, reverse=True),
        "sections": expert_sections(actor, expert, clock.today()),
        "may_edit": may_edit, "may_confirm": policy.may_confirm_expert(actor, expert.id, expert.contributed_by),
        "organizations": services.organization_choices(), "parks": parks, "park_names": dict(parks),
        "relations": RELATIONS, "errors": errors or {}, "values": values or {},
        "saved": saved, "today": clock.today(),
    }


@bp.route("/experts/<int:expert_id>")
def expert(expert_id: int):
    actor = current_actor()
    return render_template("expert_pool/expert.html", **profile_context(actor, services.get_expert(actor, expert_id)))
