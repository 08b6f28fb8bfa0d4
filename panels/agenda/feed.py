"""A staff user's personal calendar feed: the meetings their authority may see (the calendar page's rule,
:func:`panels.agenda.services.visible_meetings`), with the experts' token design (:mod:`panels.seats.feeds`:
shown once, only its hash kept, a new one revokes the old, revoking is audited).

The feed is read as the user it belongs to, as they are at the time of reading: a deactivated account, or one
that is no longer Office or province staff, serves nothing (the same answer as an unknown address).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from email.utils import parseaddr

from flask import current_app

from expert_pool.rules.regions import PROVINCES
from ground.accounts import User
from ground.actor import Actor
from ground.clock import shanghai_date
from ground.errors import Forbidden, NotFound
from ground.extensions import db
from ground.i18n import _l, as_is, localize
from notifications import ical
from panels.agenda.services import Meeting, may_use_calendar, visible_meetings
from panels.models import CalendarFeed
from panels.seats import feeds
from panels.seats.mail import meeting_hours
from panels.services.expert_panels import PANEL_STATUSES
from scheduling.wording import panel_kind_name

ONLY_STAFF = _l("Only Office and provincial staff keep a calendar of meetings.")
FEED_NAME = _l("Review meetings calendar (eco-industrial parks)")
#: How far back the feed reaches: a calendar client needs the recent past, not the archive.
PAST_DAYS = 180
HORIZON_DAYS = 3 * 366


#: What a staff member's calendar shows of a meeting (their language, chosen when the feed was made).
SUMMARY = _l("{kind}: {park}")
FULL = _l("{kind} of {park} ({province}); status: {status}.")
DAY_OVER = _l("{kind} of {park} ({province}); the meeting day is over.")


def _owner(actor: Actor) -> feeds.FeedOwner:
    if not may_use_calendar(actor) or actor.user_id is None:
        raise Forbidden(None, ONLY_STAFF)
    return feeds.FeedOwner("user", actor.user_id)


def live_feed(actor: Actor) -> CalendarFeed | None:
    return feeds.live_feed_of(_owner(actor))


def issue_feed(actor: Actor, now: datetime) -> str:
    """A new feed address's token (the old address stops working); shown once, never stored."""
    return feeds.issue_feed_of(actor, _owner(actor), now)


def revoke_feed(actor: Actor, now: datetime) -> bool:
    return feeds.revoke_feed_of(actor, _owner(actor), now)


def _uid(meeting: Meeting, domain: str) -> str:
    """The entry's stable UID. Another authority's panel (after the day) is not named by its id, which the page
    and the park's timeline withhold (red-team finding 8): a keyed hash of it keeps the UID stable instead."""
    if meeting.full:
        return f"ecopanel-panel-{meeting.panel_id}-staff@{domain}"
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    digest = hmac.new(key, f"staff-feed-meeting:{meeting.panel_id}".encode(), hashlib.sha256).hexdigest()[:32]
    return f"ecopanel-meeting-{digest}-staff@{domain}"


def _entry(meeting: Meeting, lang: str, domain: str, now: datetime) -> ical.MeetingInvite:
    kind = panel_kind_name(meeting.kind)
    where = PROVINCES.get(meeting.province, (meeting.province, meeting.province))[0 if lang == "zh" else 1]
    status = PANEL_STATUSES.get(meeting.status, as_is(meeting.status))
    values = {"kind": kind, "park": meeting.park_name, "province": where, "status": status}
    summary = localize(SUMMARY.format(**values), lang)
    description = localize((FULL if meeting.full else DAY_OVER).format(**values), lang)
    if lang == "en":  # a kind's name is lower case within a sentence; here it opens one
        summary, description = summary[:1].upper() + summary[1:], description[:1].upper() + description[1:]
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    start, end = meeting_hours()
    return ical.MeetingInvite(
        uid=_uid(meeting, domain), sequence=0,
        method="CANCEL" if meeting.status == "cancelled" else "REQUEST", day=meeting.day, start=start, end=end,
        summary=summary, description=description, location=meeting.location, organizer_email="",
        organizer_name="", attendee_email="", attendee_name="", stamp=now,
        url=f"{base}/panels/{meeting.panel_id}" if meeting.full else None)


def staff_calendar(feed: CalendarFeed, now: datetime) -> bytes:
    """The iCalendar body of a staff user's feed (found by :func:`panels.seats.feeds.find_feed`)."""
    user = db.session.get(User, feed.user_id)
    if user is None or not user.active:
        raise NotFound("feed_unknown", feeds.UNKNOWN_FEED)
    actor = user.actor()
    if not may_use_calendar(actor):
        raise NotFound("feed_unknown", feeds.UNKNOWN_FEED)
    today = shanghai_date(now)
    lang = user.language if user.language in ("zh", "en") else "zh"
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sender = sender if isinstance(sender, str) else sender[1]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "ecopanel.invalid"
    meetings = visible_meetings(actor, today - timedelta(days=PAST_DAYS), today + timedelta(days=HORIZON_DAYS), today)
    return ical.build_feed(localize(FEED_NAME, lang),
                           [_entry(m, lang, domain, now) for m in meetings])
