"""What ``/me`` shows, read through the services the API uses: the expert's record, unavailability, declared
conflicts, invitations (upcoming and past) and the calendar feed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from expert_pool.pages.blueprint import option_tags
from expert_pool.pages.wording import RELATIONS, Names
from expert_pool.rules.normalize import STATUSES, TITLE_RANKS
from expert_pool.services import get_expert, organization_choices, present
from ground.actor import Actor
from ground.clock import shanghai_date
from ground.i18n import _lp
from panels.record.credit import credit_view
from panels.rules.credit import CONDUCT_NAMES
from panels.seats import feeds
from panels.seats.present import my_invitations
from scheduling.pages.common import say
from scheduling.rules.lifecycle import PanelKind
from scheduling.services import public_parks
from scheduling.wording import panel_kind_name

PAGE_SIZE = 20
UPCOMING_SHOWN = 50
INVITATION_STATUSES = {
    "pending": ("待答复", "awaiting your answer"),
    "accepted": ("已接受", "accepted"),
    "declined": ("已谢绝", "declined"),
    "expired": ("已过答复期限", "answer period over"),
    "cancelled": ("已取消", "cancelled"),
}


def _park_choices() -> list[tuple[str, str]]:
    """The parks an expert may name a conflict with: the public list (Art. 22), as (id as text, name)."""
    items, _ = public_parks({}, 1, 10_000)
    return [(str(p["id"]), p["name"]) for p in items]


def me_context(actor: Actor, page: int, now: datetime, *, errors: dict[str, Any] | None = None,
               values: dict[str, Any] | None = None, new_feed_url: str | None = None) -> dict[str, Any]:
    record = get_expert(actor, actor.expert_id)
    credit = credit_view(actor, record, now)  # as GET /experts/{id}/credit shows it to the expert
    expert = present(actor, record)
    upcoming = my_invitations(actor, 1, UPCOMING_SHOWN, now, when="upcoming")
    past = my_invitations(actor, page, PAGE_SIZE, now, when="past")
    last_page = max(1, -(-past["total"] // PAGE_SIZE))
    if page > last_page:
        page = last_page
        past = my_invitations(actor, page, PAGE_SIZE, now, when="past")
    parks = _park_choices()
    names = Names.for_request()
    feed = feeds.live_feed(actor)
    today = shanghai_date(now)
    return {
        "expert": expert, "upcoming": upcoming, "past": past, "page": page, "last_page": last_page,
        "statuses": STATUSES, "titles": TITLE_RANKS, "invitation_statuses": INVITATION_STATUSES,
        "kinds": {kind.value: say(panel_kind_name(kind)) for kind in PanelKind},
        "unavailabilities": sorted(expert.unavailabilities, key=lambda u: u.start_date),
        "conflicts": sorted(expert.conflicts, key=lambda c: c.valid_from),
        "parks": parks, "park_names": dict(parks), "organizations": organization_choices(),
        "relations": [(code, names.msg(words)) for code, words in RELATIONS.items()], "names": names,
        "option_tags": option_tags,
        "languages": names.table("language"), "feed": feed, "new_feed_url": new_feed_url,
        "feed_meetings": len(feeds.accepted_meetings(expert.id)), "today": today,
        "credit": credit, "conduct_names": {k: say(_lp("conduct", v)) for k, v in CONDUCT_NAMES.items()},
        "errors": errors or {}, "values": values or {},
    }
