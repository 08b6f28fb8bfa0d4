"""An expert's personal calendar feed: issue (once shown), revoke, and serve the meetings the expert accepted.

The feed URL is a credential for one expert's accepted meetings, as the mailed links are for one invitation:
a random token of which only the SHA-256 is stored; making a new URL revokes the old one. The feed holds only
the expert's own meetings (nothing of the other members: membership is confidential).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from expert_pool.models import Expert
from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import Forbidden, NotFound
from ground.extensions import db
from ground.i18n import _l
from notifications import ical
from panels.models import CalendarFeed, Invitation, Panel, PanelMember
from panels.seats.mail import meeting_invite, panel_facts

ONLY_EXPERTS = _l("Only an expert manages their own calendar feed.")
UNKNOWN_FEED = _l("This calendar feed address is unknown or was revoked.")
FEED_NAMES = ("评审会议（生态工业园区）", "Review meetings (eco-industrial parks)")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expert_only(actor: Actor) -> int:
    if actor.role != Role.EXPERT or actor.expert_id is None:
        raise Forbidden(None, ONLY_EXPERTS)
    return actor.expert_id


def feed_url(token: str) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return f"{base}/calendar-feeds/{token}.ics"


def live_feed(actor: Actor) -> CalendarFeed | None:
    """The expert's feed that is not revoked, if any (its URL cannot be shown again: only its hash is kept)."""
    expert_id = _expert_only(actor)
    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.expert_id == expert_id,
                                                        CalendarFeed.revoked_at.is_(None)))


def revoke_feed(actor: Actor, now: datetime) -> bool:
    """Revoke the expert's live feed; False if there was none."""
    feed = live_feed(actor)
    if feed is None:
        return False
    feed.revoked_at = now
    db.session.flush()
    record(actor, "expert.calendar_feed_revoked", "expert", feed.expert_id, {"feed_id": feed.id}, now=now)
    return True


def issue_feed(actor: Actor, now: datetime) -> str:
    """A new feed URL for the expert (the old one stops working); the token is returned once, never stored."""
    expert_id = _expert_only(actor)
    replaced = revoke_feed(actor, now)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(expert_id=expert_id, token_hash=_digest(token), created_at=now)
    db.session.add(feed)
    db.session.flush()
    record(actor, "expert.calendar_feed_issued", "expert", expert_id, {"feed_id": feed.id, "replaced": replaced},
           now=now)
    return token


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


def feed_calendar(token: str, now: datetime) -> bytes:
    """The iCalendar body behind a feed URL, or :class:`NotFound` for an unknown or revoked token."""
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token_hash == _digest(token),
                                                        CalendarFeed.revoked_at.is_(None)))
    if feed is None:
        raise NotFound("feed_unknown", UNKNOWN_FEED)
    expert = db.session.get(Expert, feed.expert_id)
    feed.last_read_at = now
    lang = expert.language if expert.language in ("zh", "en") else "zh"
    invites = []
    for invitation, panel in accepted_meetings(expert.id):
        entry = meeting_invite(invitation, panel, expert, "REQUEST", invitation.responded_at or now)
        facts = panel_facts(panel, invitation.language)
        invites.append(dataclasses.replace(entry, description=_description(facts, invitation.language), url=None))
    return ical.build_feed(FEED_NAMES[0] if lang == "zh" else FEED_NAMES[1], invites)
