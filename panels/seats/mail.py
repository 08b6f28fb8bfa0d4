"""What an invitation's mails say: the panel's facts, deadlines in Beijing time, whom to call, the calendar
entry; and queuing them in the outbox."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from email.utils import parseaddr
from typing import Any

from flask import current_app

from expert_pool.models import Expert
from expert_pool.rules.regions import PROVINCES
from ground.accounts import User
from ground.clock import SHANGHAI, shanghai_date
from ground.errors import InvalidInput
from ground.extensions import db
from ground.i18n import _l, bilingual
from notifications import ical
from notifications.models import OutboxMessage
from notifications.outbox import MailAttachment, queue_mail
from notifications.rendering import local_date
from panels.models import Invitation, Panel
from panels.seats.links import page_url
from scheduling.models import Park
from scheduling.wording import panel_kind_name

# The pledge an expert ticks to accept (Art. 37: independent, objective, impartial; Art. 39: confidential).
# A changed wording is a new version; each acceptance stores the version it was given.


# --- time ----------------------------------------------------------------------------------------------------

def start_of_day(day: date) -> datetime:
    """Midnight at the start of ``day`` in Asia/Shanghai, as an aware instant."""
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def response_deadline(panel: Panel, respond_by: date | None, now: datetime) -> datetime:
    """The instant the links expire: the end of the last day to answer (Asia/Shanghai), at the latest the end
    of the day before the meeting."""
    today = shanghai_date(now)
    latest = panel.meeting_date - timedelta(days=1)
    if respond_by is not None:
        if respond_by < today or respond_by > latest:
            raise InvalidInput("invalid_deadline", _l(
                "The deadline must be between today ({today}) and the day before the meeting ({latest}).").format(
                today=today, latest=latest),
                {"respond_by": [_l("Out of range.")]})
        last_day = respond_by
    else:
        last_day = min(today + timedelta(days=int(current_app.config["INVITATION_RESPONSE_DAYS"])), latest)
        if last_day < today:
            raise InvalidInput("meeting_too_close", _l("The meeting is today or past; no invitation can be sent."))
    return start_of_day(last_day + timedelta(days=1))


def reminder_time(respond_by: datetime, now: datetime) -> datetime | None:
    at = respond_by - timedelta(hours=float(current_app.config["INVITATION_REMINDER_HOURS"]))
    return at if at > now else None


def beijing_time(instant: datetime, lang: str) -> str:
    """An instant as people read it, in ``lang``: ``2027年2月20日 23:59（北京时间）``, ``February 20, 2027, 23:59
    (Beijing time)``."""
    shown = instant.astimezone(SHANGHAI)
    return _l("{day} {time} (Beijing time)").format(day=local_date(shown.date(), language=lang),
                                                     time=f"{shown:%H:%M}").get(lang)


def deadline_text(deadline: datetime, lang: str) -> str:
    """The last minute of a deadline in Beijing time (a deadline at midnight reads as 23:59 of the day)."""
    return beijing_time(deadline - timedelta(minutes=1), lang)


def meeting_hours() -> tuple[time, time]:
    config = current_app.config
    return time.fromisoformat(config["MEETING_START"]), time.fromisoformat(config["MEETING_END"])


# --- what the mails say ------------------------------------------------------------------------------------------

def contact_for(panel: Panel) -> dict[str, str]:
    """Whom an expert should call about a panel: the convening authority (configurable per authority)."""
    key = panel.convened_by
    configured = dict(current_app.config.get("INVITATION_CONTACTS", {}).get(key) or {})
    if key == "office":
        name = _l("Office of the eco-industrial park leading group")
    else:
        province = PROVINCES.get(key, (key, key))
        name = _l("Department of Ecology and Environment of {province}").format(
            province=bilingual(*province))  # a province's name is data, in both languages
    zh, en = name.get("zh"), name.get("en")
    email = configured.get("email")
    if not email and panel.created_by:
        creator = db.session.get(User, panel.created_by)
        email = creator.email if creator is not None else None
    return {"name_zh": configured.get("name_zh") or zh, "name_en": configured.get("name_en") or en,
            "phone": configured.get("phone") or "", "email": email or current_app.config["MAIL_DEFAULT_SENDER"]}


def panel_facts(panel: Panel, lang: str) -> dict[str, Any]:
    park = db.session.get(Park, panel.park_id)
    province = PROVINCES.get(park.province, (park.province, park.province))
    start, end = meeting_hours()
    contact = contact_for(panel)
    i = 0 if lang == "zh" else 1
    return {
        "panel_id": panel.id, "panel_kind": panel_kind_name(panel.kind).get(lang), "park_name": park.name,
        "park_province": province[i],
        "meeting_date": panel.meeting_date.isoformat(),  # the mail writes it in the reader's words
        "meeting_hours": f"{start:%H:%M}–{end:%H:%M}", "location": panel.location or "",
        "contact_name": contact["name_zh"] if lang == "zh" else contact["name_en"],
        "contact_phone": contact["phone"], "contact_email": contact["email"],
    }


def mail_context(invitation: Invitation, panel: Panel, expert: Expert, lang: str) -> dict[str, Any]:
    return {
        **panel_facts(panel, lang), "invitation_id": invitation.id, "expert_name": expert.name,
        "respond_by": deadline_text(invitation.respond_by, lang), "page_url": page_url(invitation),
        "accept_url": page_url(invitation, "accept"), "decline_url": page_url(invitation, "decline"),
        "sequence": invitation.ical_sequence,
    }


def meeting_invite(invitation: Invitation, panel: Panel, expert: Expert, method: str,
                   now: datetime) -> ical.MeetingInvite:
    """The invitation's calendar entry as plain values (the mail's attachment and the expert's feed)."""
    lang = invitation.language
    facts = panel_facts(panel, lang)
    start, end = meeting_hours()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sender = sender if isinstance(sender, str) else sender[1]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "ecopanel.invalid"
    kind, park = facts["panel_kind"], facts["park_name"]
    summary = _l("{kind}: {park}").format(kind=kind.capitalize(), park=park).get(lang)
    if method == "CANCEL":
        description = _l("The {kind} of {park} has been cancelled.").format(kind=kind, park=park).get(lang)
    else:
        description = "\n".join(message.get(lang) for message in (
            _l("{kind} of {park} ({province}).").format(kind=kind.capitalize(), park=park,
                                                        province=facts["park_province"]),
            _l("Please answer by {deadline} on: {url}").format(deadline=deadline_text(invitation.respond_by, lang),
                                                               url=page_url(invitation)),
            _l("Contact: {name} {phone} {email}").format(name=facts["contact_name"], phone=facts["contact_phone"],
                                                         email=facts["contact_email"])))
    return ical.MeetingInvite(
        uid=ical.meeting_uid(panel.id, expert.id, domain), sequence=invitation.ical_sequence, method=method,
        day=panel.meeting_date, start=start, end=end, summary=summary, description=description,
        location=panel.location or "", organizer_email=parseaddr(sender)[1] or sender,
        organizer_name=facts["contact_name"], attendee_email=expert.email, attendee_name=expert.name,
        stamp=now, accepted=invitation.status == "accepted",
        url=page_url(invitation) if invitation.status == "pending" else None)


def calendar_attachment(invitation: Invitation, panel: Panel, expert: Expert, method: str,
                        now: datetime) -> MailAttachment:
    data = ical.build_calendar(meeting_invite(invitation, panel, expert, method, now))
    return MailAttachment(filename="meeting.ics" if method == "REQUEST" else "cancel.ics",
                          content_type=f"text/calendar; method={method}; charset=UTF-8", data=data)


def queue_invitation_mail(invitation: Invitation, template: str, now: datetime, *, key: str,
                           method: str | None = None, extra: dict[str, Any] | None = None) -> OutboxMessage:
    panel = db.session.get(Panel, invitation.panel_id)
    expert = db.session.get(Expert, invitation.expert_id)
    context = {**mail_context(invitation, panel, expert, invitation.language), **(extra or {})}
    attachments = [calendar_attachment(invitation, panel, expert, method, now)] if method else None
    return queue_mail([expert.email], template, context, language=invitation.language,
                      dedupe_key=f"invitation:{invitation.id}:{key}", related=("invitation", str(invitation.id)),
                      attachments=attachments)
