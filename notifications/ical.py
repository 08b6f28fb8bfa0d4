"""The meeting as an iCalendar object (RFC 5545 / iTIP RFC 5546), made with the ``icalendar`` package.

Plain values in, bytes out; no database. One VEVENT per expert and panel, with a UID that
is stable for that pair, so a moved meeting (``SEQUENCE`` + 1, ``METHOD:REQUEST``) updates the entry the
expert already has and a cancelled one (``METHOD:CANCEL``, ``STATUS:CANCELLED``) removes it. An expert's subscribed feed
(:func:`build_feed`) carries the same events without a ``METHOD``; a staff user's feed its own entries, without
organizer or attendee (empty addresses leave them out). Times are in
Asia/Shanghai (``ground.clock.SHANGHAI``) with the VTIMEZONE included, which Outlook and the common Chinese
clients need.

``RSVP=FALSE``: the decision is taken on the confirmation page, where the expert signs the independence
and confidentiality pledge (Art. 37, 39); an iTIP reply from a calendar client would bypass it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress, vText

from ground.clock import SHANGHAI

PRODID = "-//ecopanel//eco-industrial park panels//ZH"
METHODS = ("REQUEST", "CANCEL")


@dataclass(frozen=True)
class MeetingInvite:
    uid: str
    sequence: int
    method: str  # REQUEST or CANCEL
    day: date
    start: time
    end: time
    summary: str
    description: str
    location: str
    organizer_email: str
    organizer_name: str
    attendee_email: str
    attendee_name: str
    stamp: datetime  # DTSTAMP: when this version was made (aware)
    accepted: bool = False
    url: str | None = None


def meeting_uid(panel_id: int, expert_id: int, domain: str) -> str:
    """Stable per panel and expert: every update and the cancellation address the same calendar entry."""
    return f"ecopanel-panel-{panel_id}-expert-{expert_id}@{domain}"


def _event(invite: MeetingInvite) -> Event:
    event = Event()
    event.add("uid", invite.uid)
    event.add("sequence", invite.sequence)
    event.add("dtstamp", invite.stamp.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", datetime.combine(invite.day, invite.start, tzinfo=SHANGHAI))
    event.add("dtend", datetime.combine(invite.day, invite.end, tzinfo=SHANGHAI))
    event.add("summary", invite.summary)
    event.add("description", invite.description)
    if invite.location:
        event.add("location", invite.location)
    if invite.url:
        event.add("url", invite.url)
    event.add("status", "CANCELLED" if invite.method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")

    if invite.organizer_email:
        organizer = vCalAddress(f"mailto:{invite.organizer_email}")
        organizer.params["cn"] = vText(invite.organizer_name)
        event.add("organizer", organizer)
    if invite.attendee_email:  # a staff feed's entries have no attendee: the reader oversees, it does not sit
        attendee = vCalAddress(f"mailto:{invite.attendee_email}")
        attendee.params["cn"] = vText(invite.attendee_name)
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = vText("ACCEPTED" if invite.accepted else "NEEDS-ACTION")
        attendee.params["rsvp"] = vText("FALSE")
        event.add("attendee", attendee)
    return event


@lru_cache(maxsize=4)
def _vtimezone(tzid: str) -> Timezone | None:
    """The VTIMEZONE of ``tzid``, as ``add_missing_timezones`` makes it (None for a zone it does not know). Making
    it walks the zone's transitions over its default span (~30 ms), the same for every mail, and a wave's commit
    queues hundreds of invitations. Calendars only serialise it, never change it, so they share one."""
    try:
        return Timezone.from_tzid(tzid)
    except ValueError:
        return None


def _with_timezones(cal: Calendar) -> None:
    """``cal.add_missing_timezones()``, each VTIMEZONE made once per process (the bytes are the same)."""
    for tzid in sorted(cal.get_missing_tzids()):
        zone = _vtimezone(tzid)
        if zone is not None:
            cal.subcomponents.insert(len(cal.timezones), zone)


def build_calendar(invite: MeetingInvite) -> bytes:
    if invite.method not in METHODS:
        raise ValueError(f"unsupported iTIP method {invite.method}")
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", invite.method)
    cal.add_component(_event(invite))
    _with_timezones(cal)
    return cal.to_ical()


def build_feed(name: str, invites: list[MeetingInvite], refresh_hours: int = 6) -> bytes:
    """A subscribed calendar (no iTIP ``METHOD``): one VEVENT per meeting, with the same UIDs as the mails' entries,
    so a client that has both shows one meeting."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    cal.add("refresh-interval", timedelta(hours=refresh_hours), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", timedelta(hours=refresh_hours))
    for invite in invites:
        cal.add_component(_event(invite))
    _with_timezones(cal)
    return cal.to_ical()
