"""Personal calendar feeds: the token design every feed shares (issue once shown, revoke, look up), and the
expert's feed, which serves the meetings the expert accepted.

The feed URL is a credential, as the mailed links are for one invitation: a random token of which only the
SHA-256 is stored; making a new URL revokes the old one. A feed belongs to one owner (:class:`FeedOwner`): an
expert record here, a staff user's account for the staff calendar (``panels.agenda.feed``), which reuses these
functions. The expert's feed holds only the expert's own meetings (nothing of the other members: membership is
confidential).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from expert_pool.models import Expert
from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import Forbidden, NotFound
from ground.extensions import db
from ground.i18n import _l, localize
from notifications import ical
from panels.models import CalendarFeed, Invitation, Panel, PanelMember
from panels.seats.mail import meeting_invite, panel_facts

ONLY_EXPERTS = _l("Only an expert manages their own calendar feed.")
UNKNOWN_FEED = _l("This calendar feed address is unknown or was revoked.")
FEED_NAME = _l("Review meetings (eco-industrial parks)")


@dataclass(frozen=True)
class FeedOwner:
    """Whose feed: ``kind`` is ``"expert"`` (an expert record) or ``"user"`` (a staff account), and names the
    audit's object type and actions (``<kind>.calendar_feed_issued`` / ``_revoked``)."""

    kind: str
    id: int

    def where(self):
        column = CalendarFeed.expert_id if self.kind == "expert" else CalendarFeed.user_id
        return column == self.id


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_url(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/calendar-feeds/{token}.ics"


def live_feed_of(owner: FeedOwner) -> CalendarFeed | None:
    """The owner's feed that is not revoked, if any (its URL cannot be shown again: only its hash is kept)."""
    return db.session.scalar(select(CalendarFeed).where(owner.where(), CalendarFeed.revoked_at.is_(None)))


def revoke_feed_of(actor: Actor, owner: FeedOwner, now: datetime) -> bool:
    """Revoke the owner's live feed; False if there was none."""
    feed = live_feed_of(owner)
    if feed is None:
        return False
    feed.revoked_at = now
    db.session.flush()
    record(actor, f"{owner.kind}.calendar_feed_revoked", owner.kind, owner.id, {"feed_id": feed.id}, now=now)
    return True


def issue_feed_of(actor: Actor, owner: FeedOwner, now: datetime) -> str:
    """A new feed URL's token for the owner (the old one stops working); returned once, never stored."""
    replaced = revoke_feed_of(actor, owner, now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(token_hash=_digest(token), created_at=now,
                        **{"expert_id" if owner.kind == "expert" else "user_id": owner.id})
    db.session.add(feed)
    db.session.flush()
    record(actor, f"{owner.kind}.calendar_feed_issued", owner.kind, owner.id, {"feed_id": feed.id,
                                                                              "replaced": replaced}, now=now)
    return token


def find_feed(token: str, now: datetime) -> CalendarFeed:
    """The live feed behind a URL's token (its last read noted), or :class:`NotFound` — the same for an unknown
    and a revoked token."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token),
                                                        CalendarFeed.revoked_at.is_(None)))
    if feed is None:
        raise NotFound("feed_unknown", UNKNOWN_FEED)
    feed.last_read_at = now
    return feed


# --- the expert's feed ------------------------------------------------------------------------------------------


def _expert_owner(actor: Actor) -> FeedOwner:
    if actor.role != Role.EXPERT or actor.expert_id is None:
        raise Forbidden(None, ONLY_EXPERTS)
    return FeedOwner("expert", actor.expert_id)


def live_feed(actor: Actor) -> CalendarFeed | None:
    """The expert's live feed, if any."""
    return live_feed_of(_expert_owner(actor))


def revoke_feed(actor: Actor, now: datetime) -> bool:
    """Revoke the expert's live feed; False if there was none."""
    return revoke_feed_of(actor, _expert_owner(actor), now)


def issue_feed(actor: Actor, now: datetime) -> str:
    """A new feed URL for the expert (the old one stops working); the token is returned once, never stored."""
    return issue_feed_of(actor, _expert_owner(actor), now)


def accepted_meetings(expert_id: int) -> list[tuple[Invitation, Panel]]:
    """The expert's accepted seats whose meeting stands (not cancelled, the seat not given up), by date."""
    rows = db.session.execute(
        select(Invitation, Panel).join(Panel, Panel.id == Invitation.panel_id)
        .join(PanelMember, PanelMember.id == Invitation.member_id)
        .where(Invitation.expert_id == expert_id, Invitation.status == "accepted", Panel.status != "cancelled",
               PanelMember.status == "accepted")
        .order_by(Panel.meeting_date, Panel.id)).all()
    return [(invitation, panel) for invitation, panel in rows]


def _description(facts: dict, lang: str) -> str:
    if lang == "zh":
        return (f"{facts['park_name']}（{facts['park_province']}）{facts['panel_kind']}，您已接受邀请。\n"
                f"联系：{facts['contact_name']} {facts['contact_phone']} {facts['contact_email']}").strip()
    return (f"{facts['panel_kind'].capitalize()} of {facts['park_name']} ({facts['park_province']}); you accepted.\n"
            f"Contact: {facts['contact_name']} {facts['contact_phone']} {facts['contact_email']}").strip()


def expert_calendar(feed: CalendarFeed, now: datetime) -> bytes:
    """The iCalendar body of an expert's feed (found by :func:`find_feed`)."""
    expert = db.session.get(Expert, feed.expert_id)
    lang = expert.language if expert.language in ("zh", "en") else "zh"
    invites = []
    for invitation, panel in accepted_meetings(expert.id):
        entry = meeting_invite(invitation, panel, expert, "REQUEST", invitation.responded_at or now)
        facts = panel_facts(panel, invitation.language)
        invites.append(dataclasses.replace(entry, description=_description(facts, invitation.language), url=None))
    return ical.build_feed(localize(FEED_NAME, lang), invites)
