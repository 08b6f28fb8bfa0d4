"""Invitations to panels, and the outbox's entry point (:func:`queue_mail`, re-exported for other packages).

Operations take plain values and a clock (``now``), flush and never commit; the request (or the sweeper's
tick) commits once, and only then does the outbox deliver what was queued here.

* :func:`invite_members` invites the drawn members of a panel (alternates only once promoted to members),
  each with a response deadline and a mail carrying signed links and an iCalendar request.
* The links lead to a confirmation page; :func:`accept_invitation` (with the independence and
  confidentiality pledge, Art. 37, 39) and :func:`decline_invitation` decide an invitation once: each is a
  conditional ``UPDATE ... WHERE status = 'pending' AND respond_by > now``, so of two concurrent POSTs
  exactly one wins. A decline hands the seat to :func:`panels.services.replace_member` (promote the next
  valid alternate, or draw a replacement), whose new member is invited at once when the rule set's
  ``auto_invite_replacements`` (default true) says so.
* The sweeper (:func:`sweep_invitations`) reminds before the deadline, treats silence at the deadline as a
  decline, and reminds accepted members before the meeting; :func:`send_digests` tells staff who answered.
* :func:`reschedule_meeting` and :func:`cancel_meeting` move or cancel a meeting and send each invited
  expert an updated calendar entry (``SEQUENCE`` + 1, ``METHOD:CANCEL`` when cancelled).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, func, select, update

from expert_pool.models import Expert
from expert_pool.rules.regions import PROVINCES
from ground.accounts import User
from ground.actor import SYSTEM, Actor, Role
from ground.audit import record, record_many
from ground.clock import SHANGHAI, shanghai_date
from ground.errors import Conflict, DomainError, Forbidden, InvalidInput, not_found
from ground.extensions import db
from ground.i18n import Msg
from notifications import ical
from notifications.models import RESPONSE_EVENTS, Invitation, InvitationEvent, OutboxMessage
from notifications.outbox import MailAttachment, queue_mail
from panels.models import Booking, Panel, PanelMember
from scheduling.models import Park

__all__ = ["queue_mail"]  # the promised entry point for other packages (``scheduling.notices``)

log = logging.getLogger(__name__)

KIND_NAMES: dict[str, tuple[str, str]] = {
    "plan_argumentation": ("建设规划论证", "plan argumentation"),
    "change_argumentation": ("调整论证", "change argumentation"),
    "plan_revision": ("规划修编论证", "plan revision argumentation"),
    "technical_verification": ("现场技术核查", "on-site technical verification"),
    "acceptance_meeting": ("验收会", "acceptance meeting"),
    "performance_evaluation": ("绩效评价", "performance evaluation"),
    "recheck": ("复核", "recheck"),
}
WEEKDAYS = (("星期一", "Monday"), ("星期二", "Tuesday"), ("星期三", "Wednesday"), ("星期四", "Thursday"),
            ("星期五", "Friday"), ("星期六", "Saturday"), ("星期日", "Sunday"))

# The pledge an expert ticks to accept (Art. 37: independent, objective, impartial; Art. 39: confidential).
# A changed wording is a new version; each acceptance stores the version it was given.
PLEDGE_VERSION = "2026-1"
PLEDGE = Msg(
    "本人承诺：独立、客观、公正地开展评审，不受任何单位和个人干预；与该园区、其管理机构、园区内企业以及为其编制规划"
    "或提供数据的第三方机构均无利害关系，如有应主动申请回避；对评审中知悉的材料、信息和评审意见严格保密，不擅自对外披露。",
    "I undertake to review independently, objectively and impartially, free from interference by anyone; I have no "
    "interest in the park, its management agency, the companies in it or the third parties that prepared its plan or "
    "data, and will ask to be recused if I do; I will keep confidential all materials, information and opinions I "
    "learn in the review and not disclose them.")
DECLINE_REASONS: dict[str, Msg] = {
    "schedule": Msg("时间冲突，无法参加", "I am not available on that date"),
    "conflict_of_interest": Msg("存在利益冲突，需要回避", "I have a conflict of interest and must be recused"),
    "health": Msg("身体原因", "Health reasons"),
    "other": Msg("其他原因", "Another reason"),
}
SILENCE_REASON = "no response by the deadline (counts as a decline)"
ACTIVE_MEMBER = ("drawn", "invited", "accepted")


class LinkProblem(DomainError):
    """An invitation link that cannot be used: tampered (400), already answered (409), expired or void (410)."""

    def __init__(self, status: int, code: str, message: Msg, invitation: Invitation | None = None):
        super().__init__(code, message)
        self.status = status
        self.invitation = invitation


# --- links ---------------------------------------------------------------------------------------------------

def _links() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="ecopanel.invitation-link")


def link_token(invitation: Invitation) -> str:
    """The signed token of the invitation's links: its id and nonce (a new nonce voids older links)."""
    return _links().dumps([invitation.id, invitation.nonce])


def page_url(invitation: Invitation, choice: str | None = None) -> str:
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    url = f"{base}/invitations/{link_token(invitation)}"
    return f"{url}?choice={choice}" if choice else url


def link_digest(token: str) -> str:
    """What a page's form token is bound to (the link, without storing the link itself anywhere)."""
    return hashlib.sha256(token.encode()).hexdigest()


def resolve_link(token: str, now: datetime) -> Invitation:
    """The pending, unexpired invitation behind a link, or a :class:`LinkProblem` saying why not."""
    try:
        invitation_id, nonce = _links().loads(token)
        invitation_id = int(invitation_id)
    except (BadSignature, TypeError, ValueError) as exc:
        raise LinkProblem(400, "invalid_link", Msg("链接无效（可能被截断或篡改），请使用邮件中的完整链接。",
                                                   "This link is invalid (cut off or altered); use the complete "
                                                   "link from the mail.")) from exc
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not secrets.compare_digest(str(nonce), invitation.nonce):
        raise LinkProblem(410, "link_revoked", Msg("该链接已被新的邀请链接取代。", "This link has been replaced by "
                                                   "a newer one."), invitation)
    check_answerable(invitation, now)
    return invitation


def check_answerable(invitation: Invitation, now: datetime) -> None:
    _not_answered_yet(invitation)
    if invitation.status == "cancelled":
        raise LinkProblem(410, "meeting_cancelled", Msg("该会议已取消。", "This meeting has been cancelled."),
                          invitation)
    if invitation.status == "expired" or now >= invitation.respond_by:
        raise LinkProblem(410, "link_expired", Msg("答复期限已过，链接已失效。",
                                                   "The deadline to answer has passed; the link has expired."),
                          invitation)
    if not _seat_open(invitation):
        # Two presses racing: the seat closed because this very invitation was answered a moment ago, after
        # it was read. Read it again so that press hears "already answered", not "the panel changed".
        db.session.refresh(invitation)
        _not_answered_yet(invitation)
        raise LinkProblem(410, "seat_changed", Msg("评审组成员已由召集单位调整，该邀请不再需要答复。",
                                                   "The convening authority has changed the panel's members; this "
                                                   "invitation needs no answer any more."), invitation)


def _not_answered_yet(invitation: Invitation) -> None:
    if invitation.status in ("accepted", "declined"):
        raise LinkProblem(409, "already_answered", Msg("您已答复过该邀请。", "You have already answered this "
                                                       "invitation."), invitation)


def _seat_open(invitation: Invitation) -> bool:
    """The member is still invited (staff may have recorded a decline by phone through the panels API)."""
    member = db.session.get(PanelMember, invitation.member_id)
    return member is not None and member.role == "member" and member.status in ("drawn", "invited")


def link_actor(invitation: Invitation) -> Actor:
    return Actor(user_id=None, label=f"expert {invitation.expert_id} (invitation link)", role=Role.EXPERT,
                 expert_id=invitation.expert_id)


# --- who may do what -----------------------------------------------------------------------------------------

def may_manage(actor: Actor, panel: Panel) -> bool:
    """The convening authority (the Office, or the convening province) manages a panel's invitations."""
    return actor.is_office or (actor.role == Role.PROVINCE and panel.convened_by == actor.province)


def managed_panel(actor: Actor, panel_id: int, purpose: str) -> Panel:
    from panels.services import get_panel

    panel = get_panel(actor, panel_id, purpose=purpose)
    if not may_manage(actor, panel):
        raise Forbidden(None, Msg("只有召集单位可以管理该评审组的邀请。",
                                  "Only the convening authority manages this panel's invitations."))
    return panel


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
            raise InvalidInput("invalid_deadline", Msg(
                f"答复期限须在今天（{today}）与会议前一天（{latest}）之间。",
                f"The deadline must be between today ({today}) and the day before the meeting ({latest})."),
                {"respond_by": [Msg("超出允许范围。", "Out of range.")]})
        last_day = respond_by
    else:
        last_day = min(today + timedelta(days=int(current_app.config["INVITATION_RESPONSE_DAYS"])), latest)
        if last_day < today:
            raise InvalidInput("meeting_too_close", Msg("会议日期已到或已过，不能再发出邀请。",
                                                        "The meeting is today or past; no invitation can be sent."))
    return start_of_day(last_day + timedelta(days=1))


def _reminder_time(respond_by: datetime, now: datetime) -> datetime | None:
    at = respond_by - timedelta(hours=float(current_app.config["INVITATION_REMINDER_HOURS"]))
    return at if at > now else None


def _at(instant: datetime, lang: str) -> str:
    shown = instant.astimezone(SHANGHAI)
    return f"{shown:%Y-%m-%d %H:%M}" + ("（北京时间）" if lang == "zh" else " (Beijing time)")


def _local(deadline: datetime, lang: str) -> str:
    """The last minute of a deadline in Beijing time (a deadline at midnight reads as 23:59 of the day)."""
    return _at(deadline - timedelta(minutes=1), lang)


def _meeting_hours() -> tuple[time, time]:
    config = current_app.config
    return time.fromisoformat(config["MEETING_START"]), time.fromisoformat(config["MEETING_END"])


# --- what the mails say ------------------------------------------------------------------------------------------

def contact_for(panel: Panel) -> dict[str, str]:
    """Whom an expert should call about a panel: the convening authority (configurable per authority)."""
    key = panel.convened_by
    configured = dict(current_app.config.get("INVITATION_CONTACTS", {}).get(key) or {})
    if key == "office":
        zh, en = "生态工业园区建设领导小组办公室", "Office of the eco-industrial park leading group"
    else:
        province = PROVINCES.get(key, (key, key))
        zh, en = f"{province[0]}生态环境厅", f"Department of Ecology and Environment of {province[1]}"
    email = configured.get("email")
    if not email and panel.created_by:
        creator = db.session.get(User, panel.created_by)
        email = creator.email if creator is not None else None
    return {"name_zh": configured.get("name_zh") or zh, "name_en": configured.get("name_en") or en,
            "phone": configured.get("phone") or "", "email": email or current_app.config["MAIL_DEFAULT_SENDER"]}


def _panel_facts(panel: Panel, lang: str) -> dict[str, Any]:
    park = db.session.get(Park, panel.park_id)
    kind = KIND_NAMES.get(panel.kind, (panel.kind, panel.kind))
    province = PROVINCES.get(park.province, (park.province, park.province))
    start, end = _meeting_hours()
    contact = contact_for(panel)
    i = 0 if lang == "zh" else 1
    return {
        "panel_id": panel.id, "panel_kind": kind[i], "park_name": park.name, "park_province": province[i],
        "meeting_date": panel.meeting_date.isoformat(), "meeting_weekday": WEEKDAYS[panel.meeting_date.weekday()][i],
        "meeting_hours": f"{start:%H:%M}–{end:%H:%M}", "location": panel.location or "",
        "contact_name": contact["name_zh"] if lang == "zh" else contact["name_en"],
        "contact_phone": contact["phone"], "contact_email": contact["email"],
    }


def _mail_context(invitation: Invitation, panel: Panel, expert: Expert, lang: str) -> dict[str, Any]:
    return {
        **_panel_facts(panel, lang), "invitation_id": invitation.id, "expert_name": expert.name,
        "respond_by": _local(invitation.respond_by, lang), "page_url": page_url(invitation),
        "accept_url": page_url(invitation, "accept"), "decline_url": page_url(invitation, "decline"),
        "sequence": invitation.ical_sequence,
    }


def calendar_attachment(invitation: Invitation, panel: Panel, expert: Expert, method: str,
                        now: datetime) -> MailAttachment:
    lang = invitation.language
    facts = _panel_facts(panel, lang)
    start, end = _meeting_hours()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    sender = sender if isinstance(sender, str) else sender[1]
    from email.utils import parseaddr

    domain = parseaddr(sender)[1].rpartition("@")[2] or "ecopanel.invalid"
    if lang == "zh":
        summary = f"【{facts['panel_kind']}】{facts['park_name']}"
        description = (f"{facts['park_name']}（{facts['park_province']}）{facts['panel_kind']}。\n"
                       f"请于 {_local(invitation.respond_by, lang)} 前通过以下页面答复：{page_url(invitation)}\n"
                       f"联系：{facts['contact_name']} {facts['contact_phone']} {facts['contact_email']}")
        if method == "CANCEL":
            description = f"{facts['park_name']}{facts['panel_kind']}已取消。"
    else:
        summary = f"{facts['panel_kind'].capitalize()}: {facts['park_name']}"
        description = (f"{facts['panel_kind'].capitalize()} of {facts['park_name']} ({facts['park_province']}).\n"
                       f"Please answer by {_local(invitation.respond_by, lang)} on: {page_url(invitation)}\n"
                       f"Contact: {facts['contact_name']} {facts['contact_phone']} {facts['contact_email']}")
        if method == "CANCEL":
            description = f"The {facts['panel_kind']} of {facts['park_name']} has been cancelled."
    data = ical.build_calendar(ical.MeetingInvite(
        uid=ical.meeting_uid(panel.id, expert.id, domain), sequence=invitation.ical_sequence, method=method,
        day=panel.meeting_date, start=start, end=end, summary=summary, description=description,
        location=panel.location or "", organizer_email=parseaddr(sender)[1] or sender,
        organizer_name=facts["contact_name"], attendee_email=expert.email, attendee_name=expert.name,
        stamp=now, accepted=invitation.status == "accepted",
        url=page_url(invitation) if invitation.status == "pending" else None))
    return MailAttachment(filename="meeting.ics" if method == "REQUEST" else "cancel.ics",
                          content_type=f"text/calendar; method={method}; charset=UTF-8", data=data)


def _queue_invitation_mail(invitation: Invitation, template: str, now: datetime, *, key: str,
                           method: str | None = None, extra: dict[str, Any] | None = None) -> OutboxMessage:
    panel = db.session.get(Panel, invitation.panel_id)
    expert = db.session.get(Expert, invitation.expert_id)
    context = {**_mail_context(invitation, panel, expert, invitation.language), **(extra or {})}
    attachments = [calendar_attachment(invitation, panel, expert, method, now)] if method else None
    return queue_mail([expert.email], template, context, language=invitation.language,
                      dedupe_key=f"invitation:{invitation.id}:{key}", related=("invitation", str(invitation.id)),
                      attachments=attachments)


def _event(invitation: Invitation, kind: str, now: datetime, **detail: Any) -> InvitationEvent:
    event = InvitationEvent(invitation_id=invitation.id, kind=kind, at=now, detail=detail,
                            digested=kind not in RESPONSE_EVENTS)
    db.session.add(event)
    return event


# --- inviting ------------------------------------------------------------------------------------------------------

def _create_invitation(actor: Actor, panel: Panel, member: PanelMember, deadline: datetime,
                       now: datetime) -> Invitation:
    expert = db.session.get(Expert, member.expert_id)
    invitation = Invitation(panel_id=panel.id, member_id=member.id, expert_id=expert.id, status="pending",
                            nonce=secrets.token_hex(16), language=expert.language if expert.language in ("zh", "en")
                            else "zh", respond_by=deadline, remind_at=_reminder_time(deadline, now),
                            ical_sequence=0, created_by=actor.label, created_at=now)
    db.session.add(invitation)
    db.session.flush()
    member.status, member.changed_at = "invited", now
    _event(invitation, "created", now, by=actor.label, respond_by=deadline.isoformat())
    _queue_invitation_mail(invitation, "invitation", now, key="invitation", method="REQUEST")
    return invitation


def _invited_member_ids(panel: Panel) -> set[int]:
    return set(db.session.scalars(select(Invitation.member_id).where(Invitation.panel_id == panel.id)))


def invite_members(actor: Actor, panel: Panel, *, respond_by: date | None, expert_ids: list[int] | None,
                   now: datetime) -> list[Invitation]:
    """Invite the panel's drawn members not invited yet (all of them, or those in ``expert_ids``).

    Alternates are not invited: they are invited when a decline promotes them to members."""
    if panel.status in ("cancelled", "held"):
        raise Conflict("panel_closed", Msg("该评审组已取消或已开会，不能再发邀请。",
                                           "The panel is cancelled or was held; no more invitations."))
    deadline = response_deadline(panel, respond_by, now)
    invited = _invited_member_ids(panel)
    members = [m for m in panel.members if m.role == "member" and m.status == "drawn" and m.id not in invited]
    if expert_ids is not None:
        wanted = set(expert_ids)
        unknown = wanted - {m.expert_id for m in members}
        if unknown:
            raise InvalidInput("not_invitable", Msg(
                f"专家 {sorted(unknown)} 不是该评审组待邀请的成员（备选专家须先递补为成员）。",
                f"Experts {sorted(unknown)} are not members waiting for an invitation (an alternate must be "
                "promoted first)."), {"expert_ids": [Msg("不可邀请。", "Not invitable.")]})
        members = [m for m in members if m.expert_id in wanted]
    created = [_create_invitation(actor, panel, m, deadline, now) for m in members]
    if created and panel.status == "drawn":
        panel.status = "inviting"
    record_many(actor, [("invitation.create", "invitation", i.id,
                         {"panel_id": panel.id, "expert_id": i.expert_id, "respond_by": i.respond_by})
                        for i in created], now=now)
    return created


def _invite_replacements(actor: Actor, panel: Panel, successors: list[PanelMember],
                         now: datetime) -> list[Invitation]:
    """After a decline: invite the promoted alternate or the newly drawn member(s), if the rules say so."""
    if not bool(panel.rule_set.rules.get("auto_invite_replacements", True)):
        return []
    invited = _invited_member_ids(panel)
    waiting = [m for m in successors if m.status == "drawn" and m.id not in invited]
    if not waiting:
        return []
    deadline = response_deadline(panel, None, now)
    created = [_create_invitation(actor, panel, m, deadline, now) for m in waiting]
    record_many(actor, [("invitation.create", "invitation", i.id,
                         {"panel_id": panel.id, "expert_id": i.expert_id, "respond_by": i.respond_by,
                          "automatic": True}) for i in created], now=now)
    return created


# --- answering -----------------------------------------------------------------------------------------------------

def record_opened(invitation: Invitation, now: datetime, user_agent: str) -> None:
    """The confirmation page was shown (by the expert, or by a mail scanner following the link)."""
    if invitation.opened_at is None:
        invitation.opened_at = now
    _event(invitation, "opened", now, user_agent=user_agent[:200])


def _decide(invitation: Invitation, now: datetime, **values: Any) -> None:
    """Take the pending invitation's single decision, or raise the reason it is no longer available."""
    result = db.session.execute(
        update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "pending",
                                 Invitation.respond_by > now).values(responded_at=now, **values),
        execution_options={"synchronize_session": False})
    db.session.refresh(invitation)
    if result.rowcount != 1:
        check_answerable(invitation, now)
        raise LinkProblem(409, "already_answered", Msg("您已答复过该邀请。", "You have already answered this "
                                                       "invitation."), invitation)


def _confirm_if_complete(panel: Panel) -> None:
    seated = [m for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    if panel.status in ("drawn", "inviting") and len(seated) >= panel.size and all(
            m.status == "accepted" for m in seated):
        panel.status = "confirmed"


def accept_invitation(invitation: Invitation, *, pledge: bool, now: datetime) -> Invitation:
    """Accept with the independence and confidentiality pledge (Art. 37, 39) ticked."""
    if not pledge:
        raise InvalidInput("pledge_required", Msg("接受邀请须勾选独立性与保密承诺。",
                                                  "Accepting requires ticking the independence and "
                                                  "confidentiality pledge."),
                           {"pledge": [Msg("请勾选承诺。", "Please tick the pledge.")]})
    _decide(invitation, now, status="accepted", pledge_version=PLEDGE_VERSION)
    member = db.session.get(PanelMember, invitation.member_id)
    member.status, member.changed_at = "accepted", now
    _event(invitation, "accepted", now, pledge_version=PLEDGE_VERSION)
    panel = db.session.get(Panel, invitation.panel_id)
    _confirm_if_complete(panel)
    record(link_actor(invitation), "invitation.accept", "invitation", invitation.id,
           {"panel_id": panel.id, "expert_id": invitation.expert_id, "pledge_version": PLEDGE_VERSION}, now=now)
    _queue_invitation_mail(invitation, "invitation_accepted", now, key="accepted")
    return invitation


def decline_reason_text(code: str, note: str) -> str:
    label = DECLINE_REASONS[code]
    return f"{code}: {label.zh}" + (f" — {note.strip()}" if note.strip() else "")


def decline_invitation(invitation: Invitation, *, reason: str, note: str, now: datetime) -> list[Invitation]:
    """Decline; the seat goes to the next valid alternate or a replacement draw (who is invited at once when
    the rule set says so). "Conflict of interest" is recorded as a declared conflict with the park, which
    recusal applies to every later draw for it. Returns the invitations sent to replacements."""
    if reason not in DECLINE_REASONS:
        raise InvalidInput("invalid_reason", Msg("请选择谢绝原因。", "Please choose a reason."),
                           {"reason": [Msg("请选择。", "Choose one.")]})
    if reason == "other" and not note.strip():
        raise InvalidInput("reason_note_required", Msg("选择“其他原因”时请简要说明。",
                                                       "Please say briefly why when choosing 'another reason'."),
                           {"note": [Msg("请填写。", "Required.")]})
    conflict = reason == "conflict_of_interest"
    text = decline_reason_text(reason, note)
    _decide(invitation, now, status="declined", decline_reason=text, conflict_of_interest=conflict)
    _event(invitation, "declined", now, reason=reason, note=note.strip()[:500], conflict_of_interest=conflict)
    panel = db.session.get(Panel, invitation.panel_id)
    return _hand_over_seat(link_actor(invitation), panel, invitation, text, conflict, now)


def _hand_over_seat(actor: Actor, panel: Panel, invitation: Invitation, reason: str, conflict: bool,
                    now: datetime) -> list[Invitation]:
    from panels.services import replace_member

    before = {m.id for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER}
    if panel.status == "confirmed":
        panel.status = "inviting"
    try:
        replace_member(actor, panel, invitation.expert_id, reason, conflict, shanghai_date(now))
    except InvalidInput as exc:
        # No valid alternate and no feasible replacement draw: the decline stands, staff must act.
        log.warning("panel %s: no replacement for expert %s: %s", panel.id, invitation.expert_id, exc.message.en)
        _event(invitation, "replacement_failed", now, message_zh=exc.message.zh, message_en=exc.message.en)
        return []
    db.session.flush()  # new members (a replacement draw) get their ids
    successors = [m for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER
                  and m.id not in before]
    experts = [m.expert_id for m in successors]
    try:
        created = _invite_replacements(actor, panel, successors, now)
    except InvalidInput as exc:  # the meeting is too close to invite anyone by mail
        _event(invitation, "replacement", now, experts=experts, invited=[], note=exc.message.en)
        return []
    _event(invitation, "replacement", now, experts=experts, invited=[i.expert_id for i in created])
    return created


# --- the sweeper: reminders, silence, meeting reminders -----------------------------------------------------

def _claimable(query, limit: int):
    query = query.limit(limit)
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Invitation)
    return list(db.session.scalars(query))


def expire_silent(now: datetime, limit: int = 20) -> int:
    """Silence at the deadline counts as a decline: the seat is handed over as for a decline."""
    handled = 0
    for invitation in _claimable(select(Invitation).where(Invitation.status == "pending",
                                                          Invitation.respond_by <= now)
                                 .order_by(Invitation.respond_by, Invitation.id), limit):
        seat_open = _seat_open(invitation)
        result = db.session.execute(
            update(Invitation).where(Invitation.id == invitation.id, Invitation.status == "pending")
            .values(status="expired" if seat_open else "cancelled",
                    decline_reason=SILENCE_REASON if seat_open else ""),
            execution_options={"synchronize_session": False})
        db.session.refresh(invitation)
        if result.rowcount != 1:
            continue
        if not seat_open:  # staff already gave the seat away: nothing to hand over
            _event(invitation, "cancelled", now, reason="seat changed by the convening authority")
            handled += 1
            continue
        _event(invitation, "expired", now, respond_by=invitation.respond_by.isoformat())
        panel = db.session.get(Panel, invitation.panel_id)
        _hand_over_seat(SYSTEM, panel, invitation, SILENCE_REASON, False, now)
        handled += 1
    return handled


def send_reminders(now: datetime, limit: int = 200) -> int:
    """One reminder before the deadline to those who have not answered."""
    rows = _claimable(select(Invitation).join(PanelMember, PanelMember.id == Invitation.member_id)
                      .where(Invitation.status == "pending", Invitation.remind_at <= now,
                             Invitation.reminded_at.is_(None), Invitation.respond_by > now,
                             PanelMember.status == "invited")
                      .order_by(Invitation.remind_at, Invitation.id), limit)
    for invitation in rows:
        invitation.reminded_at = now
        _event(invitation, "reminded", now)
        _queue_invitation_mail(invitation, "invitation_reminder", now,
                               key=f"reminder:{invitation.respond_by.isoformat()}")
    return len(rows)


def send_meeting_reminders(now: datetime, limit: int = 200) -> int:
    """Accepted members hear about the meeting a few days before it (with the calendar entry again)."""
    today = shanghai_date(now)
    horizon = today + timedelta(days=int(current_app.config["MEETING_REMINDER_DAYS"]))
    rows = _claimable(select(Invitation).join(Panel, Panel.id == Invitation.panel_id)
                      .where(Invitation.status == "accepted", Invitation.meeting_reminded_at.is_(None),
                             Panel.status.in_(("inviting", "confirmed", "drawn")),
                             Panel.meeting_date >= today, Panel.meeting_date <= horizon)
                      .order_by(Panel.meeting_date, Invitation.id), limit)
    for invitation in rows:
        panel = db.session.get(Panel, invitation.panel_id)
        invitation.meeting_reminded_at = now
        _event(invitation, "meeting_reminded", now, meeting_date=panel.meeting_date.isoformat())
        _queue_invitation_mail(invitation, "meeting_reminder", now, method="REQUEST",
                               key=f"meeting:{panel.meeting_date.isoformat()}:{invitation.ical_sequence}")
    return len(rows)


def sweep_invitations(now: datetime) -> int:
    """The invitations sweeper: reminders, silence as a decline, meeting reminders (one transaction)."""
    return send_reminders(now) + expire_silent(now) + send_meeting_reminders(now)


# --- the staff digest ------------------------------------------------------------------------------------------

def staff_recipients(panel: Panel) -> dict[str, list[str]]:
    """Who hears about a panel's responses: its convener; else the convening authority's active staff."""
    users: list[User] = []
    if panel.created_by:
        creator = db.session.get(User, panel.created_by)
        if creator is not None and creator.active:
            users = [creator]
    if not users:
        clause = (User.role == "office") if panel.convened_by == "office" else (
            (User.role == "province") & (User.province == panel.convened_by))
        users = list(db.session.scalars(select(User).where(User.active.is_(True), clause).order_by(User.email)))
    grouped: dict[str, list[str]] = defaultdict(list)
    for user in users:
        grouped[user.language if user.language in ("zh", "en") else "zh"].append(user.email)
    return dict(grouped)


def send_digests(now: datetime, limit: int = 1000) -> int:
    """Tell each panel's staff who accepted, declined or stayed silent since the last digest."""
    query = (select(InvitationEvent).where(InvitationEvent.digested.is_(False))
             .order_by(InvitationEvent.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    events = list(db.session.scalars(query))
    by_panel: dict[int, list[InvitationEvent]] = defaultdict(list)
    for event in events:
        by_panel[event.invitation.panel_id].append(event)
    for panel_id, panel_events in by_panel.items():
        panel = db.session.get(Panel, panel_id)
        experts = {e.id: e.name for e in db.session.scalars(select(Expert).where(Expert.id.in_(
            {ev.invitation.expert_id for ev in panel_events})))}
        counts = dict(db.session.execute(select(Invitation.status, func.count()).where(
            Invitation.panel_id == panel_id).group_by(Invitation.status)).all())
        for lang, emails in staff_recipients(panel).items():
            lines = [{"expert_name": experts.get(ev.invitation.expert_id, str(ev.invitation.expert_id)),
                      "event": ev.kind, "at": _at(ev.at, lang),
                      "reason": ev.detail.get("note") or (DECLINE_REASONS[ev.detail["reason"]].get(lang)
                                                          if ev.detail.get("reason") in DECLINE_REASONS else ""),
                      "experts": [str(x) for x in ev.detail.get("experts", [])],
                      "message": ev.detail.get(f"message_{lang}", "")} for ev in panel_events]
            context = {**_panel_facts(panel, lang), "lines": lines,
                       "accepted": counts.get("accepted", 0), "pending": counts.get("pending", 0),
                       "declined": counts.get("declined", 0), "expired": counts.get("expired", 0),
                       "size": panel.size}
            queue_mail(emails, "response_digest", context, language=lang,
                       dedupe_key=f"digest:panel:{panel_id}:{panel_events[-1].id}:{lang}",
                       related=("panel", str(panel_id)))
    for event in events:
        event.digested = True
    return len(events)


# --- moving and cancelling a meeting ----------------------------------------------------------------------------

def _open_invitations(panel: Panel) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.panel_id == panel.id,
                                                            Invitation.status.in_(("pending", "accepted")))
                                   .order_by(Invitation.id)))


def reschedule_meeting(actor: Actor, panel: Panel, *, meeting_date: date | None, location: str | None,
                       reason: str, now: datetime) -> Panel:
    """Move the meeting (its bookings move with it) and/or change its place; everyone invited gets an updated
    calendar entry (same UID, ``SEQUENCE`` + 1)."""
    from panels.services import lock_meeting_day, members_ineligible_on

    if panel.status in ("cancelled", "held"):
        raise Conflict("panel_closed", Msg("该评审组已取消或已开会。", "The panel is cancelled or was held."))
    old_date, old_location = panel.meeting_date, panel.location
    new_date = meeting_date or old_date
    new_location = old_location if location is None else location
    if (new_date, new_location) == (old_date, old_location):
        raise InvalidInput("nothing_to_change", Msg("日期和地点都没有变化。",
                                                    "Neither the date nor the place changes."))
    if new_date <= shanghai_date(now):
        raise InvalidInput("date_in_past", Msg("新的会议日期须晚于今天。", "The new date must be after today."),
                           {"meeting_date": [Msg("须晚于今天。", "Must be after today.")]})
    if new_date != old_date:
        lock_meeting_day(new_date)
        mine = select(Booking.expert_id).where(Booking.panel_id == panel.id)
        clash = sorted(db.session.scalars(select(Booking.expert_id).where(
            Booking.day == new_date, Booking.panel_id != panel.id, Booking.expert_id.in_(mine))))
        if clash:
            raise Conflict("experts_booked", Msg(f"专家 {clash} 在 {new_date} 已参加其他评审组。",
                                                 f"Experts {clash} already sit on another panel on {new_date}."),
                           extra={"experts": clash})
        unfit = members_ineligible_on(panel, new_date)
        if unfit:
            listed = "; ".join(f"{e}: {', '.join(r)}" for e, r in sorted(unfit.items()))
            raise Conflict("members_ineligible_on_date",
                           Msg(f"改期后以下专家不再符合条件（{listed}），请先替换或另选日期。",
                               f"On the new date these members would no longer qualify ({listed}); replace them "
                               "first or choose another date."),
                           extra={"experts": {str(e): r for e, r in sorted(unfit.items())}})
        db.session.execute(update(Booking).where(Booking.panel_id == panel.id).values(day=new_date),
                           execution_options={"synchronize_session": False})
        panel.meeting_date = new_date
    panel.location = new_location
    latest = start_of_day(new_date)
    for invitation in _open_invitations(panel):
        invitation.ical_sequence += 1
        invitation.meeting_reminded_at = None
        if invitation.status == "pending" and invitation.respond_by > latest:
            invitation.respond_by = latest  # the answer is still needed before the (earlier) meeting
            invitation.remind_at = _reminder_time(latest, now)
        _event(invitation, "rescheduled", now, from_date=old_date.isoformat(), to_date=new_date.isoformat(),
               location=new_location, sequence=invitation.ical_sequence)
        _queue_invitation_mail(invitation, "meeting_update", now, method="REQUEST",
                               key=f"update:{invitation.ical_sequence}",
                               extra={"previous_date": old_date.isoformat(), "previous_location": old_location or "",
                                      "reason": reason,
                                      # an accepted expert's link is spent: no "answer here" for them
                                      "page_url": page_url(invitation) if invitation.status == "pending" else ""})
    record(actor, "panel.reschedule", "panel", panel.id,
           {"from": old_date, "to": new_date, "location": [old_location, new_location], "reason": reason}, now=now)
    db.session.flush()
    return panel


def cancel_meeting(actor: Actor, panel: Panel, *, reason: str, now: datetime) -> Panel:
    """Cancel the meeting: bookings are released, open invitations end, everyone invited gets
    ``METHOD:CANCEL`` for the calendar entry they have."""
    if panel.status in ("cancelled", "held"):
        raise Conflict("panel_closed", Msg("该评审组已取消或已开会。", "The panel is cancelled or was held."))
    panel.status = "cancelled"
    db.session.execute(delete(Booking).where(Booking.panel_id == panel.id),
                       execution_options={"synchronize_session": False})
    for invitation in _open_invitations(panel):
        previous = invitation.status
        invitation.ical_sequence += 1
        invitation.status = "cancelled"
        _event(invitation, "cancelled", now, previous_status=previous, reason=reason,
               sequence=invitation.ical_sequence)
        _queue_invitation_mail(invitation, "meeting_cancelled", now, method="CANCEL",
                               key=f"cancel:{invitation.ical_sequence}", extra={"reason": reason})
    record(actor, "panel.cancel", "panel", panel.id, {"reason": reason}, now=now)
    db.session.flush()
    return panel


# --- presenting ----------------------------------------------------------------------------------------------

def _mail_history(invitation_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not invitation_ids:
        return out
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.related_type == "invitation",
        OutboxMessage.related_id.in_([str(i) for i in invitation_ids])).order_by(OutboxMessage.id))
    for m in rows:
        history = out[int(m.related_id)]
        base = {"outbox_id": m.id, "template": m.template}
        history.append({"at": m.created_at, "event": "mail_queued", "detail": base})
        if m.first_attempt_at:
            history.append({"at": m.first_attempt_at, "event": "mail_sending",
                            "detail": {**base, "attempts": m.attempts}})
        if m.state == "queued" and m.last_error:
            history.append({"at": m.last_attempt_at, "event": "mail_deferred",
                            "detail": {**base, "error": m.last_error, "next_attempt_at": m.next_attempt_at}})
        if m.sent_at:
            history.append({"at": m.sent_at, "event": "mail_delivered_to_server",
                            "detail": {**base, "server_reply": m.server_reply, "attempts": m.attempts}})
        if m.dead_at:
            history.append({"at": m.dead_at, "event": "mail_dead",
                            "detail": {**base, "error": m.last_error, "attempts": m.attempts}})
    return out


def present_invitations(invitations: list[Invitation], *, history: bool) -> list[dict[str, Any]]:
    experts = {e.id: e for e in db.session.scalars(select(Expert).where(
        Expert.id.in_({i.expert_id for i in invitations})))} if invitations else {}
    mails = _mail_history([i.id for i in invitations]) if history else {}
    out = []
    for i in invitations:
        expert = experts.get(i.expert_id)
        item = {"id": i.id, "panel_id": i.panel_id, "expert_id": i.expert_id,
                "expert_name": expert.name if expert else None, "status": i.status, "language": i.language,
                "respond_by": i.respond_by, "reminded_at": i.reminded_at, "opened_at": i.opened_at,
                "responded_at": i.responded_at, "decline_reason": i.decline_reason,
                "conflict_of_interest": i.conflict_of_interest, "pledge_version": i.pledge_version,
                "ical_sequence": i.ical_sequence, "created_at": i.created_at}
        if history:
            events = [{"at": e.at, "event": e.kind, "detail": e.detail} for e in i.events]
            item["history"] = sorted(events + mails.get(i.id, []), key=lambda h: (h["at"], h["event"]))
        out.append(item)
    return out


def panel_invitations(panel: Panel, page: int, page_size: int) -> dict[str, Any]:
    query = select(Invitation).where(Invitation.panel_id == panel.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.order_by(Invitation.id).offset((page - 1) * page_size).limit(page_size)))
    return {"items": present_invitations(rows, history=True), "total": total, "page": page, "page_size": page_size}


def my_invitations(actor: Actor, page: int, page_size: int, now: datetime) -> dict[str, Any]:
    """An expert's own invitations (no other member of any panel is shown: membership is confidential)."""
    if actor.role != Role.EXPERT or actor.expert_id is None:
        raise Forbidden(None, Msg("仅专家本人可查看自己的邀请。", "Only an expert sees their own invitations."))
    query = select(Invitation).where(Invitation.expert_id == actor.expert_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.order_by(Invitation.id.desc()).offset((page - 1) * page_size)
                                   .limit(page_size)))
    items = []
    for invitation in rows:
        panel = db.session.get(Panel, invitation.panel_id)
        facts = _panel_facts(panel, invitation.language)
        answerable = invitation.status == "pending" and now < invitation.respond_by
        items.append({"id": invitation.id, "panel_id": panel.id, "kind": panel.kind, "park_name": facts["park_name"],
                      "meeting_date": panel.meeting_date, "location": panel.location or "",
                      "meeting_cancelled": panel.status == "cancelled", "status": invitation.status,
                      "respond_by": invitation.respond_by, "responded_at": invitation.responded_at,
                      "page_url": page_url(invitation) if answerable else None})
    return {"items": items, "total": total, "page": page, "page_size": page_size}


def invitation_preview(panel: Panel, expert_id: int | None, language: str, now: datetime) -> dict[str, Any]:
    """The invitation mail as a member would get it (sample links; nothing is stored)."""
    from notifications.rendering import json_ready, render_mail

    members = [m for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    member = next((m for m in members if expert_id is None or m.expert_id == expert_id), None)
    if member is None:
        raise not_found("评审组成员", "Panel member", expert_id)
    expert = db.session.get(Expert, member.expert_id)
    lang = language or (expert.language if expert.language in ("zh", "en") else "zh")
    sample = Invitation(id=0, panel_id=panel.id, member_id=member.id, expert_id=expert.id, status="pending",
                        nonce="preview", language=lang, respond_by=response_deadline(panel, None, now),
                        ical_sequence=0)
    context = json_ready(_mail_context(sample, panel, expert, lang))
    rendered = render_mail("invitation", lang, context)
    attachment = calendar_attachment(sample, panel, expert, "REQUEST", now)
    return {"template": "invitation", "language": lang, "to": [expert.email], "subject": rendered.subject,
            "text": rendered.text, "html": rendered.html, "calendar": attachment.data.decode()}


def outbox_page(state: str | None, related_type: str | None, related_id: str | None, page: int,
                page_size: int) -> dict[str, Any]:
    query = select(OutboxMessage)
    if state:
        query = query.where(OutboxMessage.state == state)
    if related_type:
        query = query.where(OutboxMessage.related_type == related_type)
    if related_id:
        query = query.where(OutboxMessage.related_id == related_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.order_by(OutboxMessage.id.desc()).offset((page - 1) * page_size)
                                   .limit(page_size)))
    return {"items": rows, "total": total, "page": page, "page_size": page_size}


def require_office(actor: Actor) -> None:
    if not actor.is_office:
        raise Forbidden(None, Msg("邮件发件箱仅向办公室开放。", "The mail outbox is for the Office only."))


def get_outbox_message(actor: Actor, message_id: int) -> OutboxMessage:
    require_office(actor)
    row = db.session.get(OutboxMessage, message_id)
    if row is None:
        raise not_found("邮件", "Mail", message_id)
    return row


def retry_outbox_message(actor: Actor, message_id: int, now: datetime) -> OutboxMessage:
    """Staff put a dead mail back in the queue (e.g. after fixing the address or the mail server)."""
    from notifications.outbox import retry_message

    row = get_outbox_message(actor, message_id)
    if row.state not in ("dead", "queued"):
        raise Conflict("not_retryable", Msg(f"状态为 {row.state} 的邮件不能重试。",
                                            f"A mail in state {row.state} cannot be retried."))
    previous = (row.state, row.attempts, row.last_error)
    retry_message(row, now)
    record(actor, "outbox.retry", "outbox_message", row.id,
           {"previous_state": previous[0], "attempts": previous[1], "last_error": previous[2]}, now=now)
    return row


def preview_template(template: str, language: str, context: dict[str, Any]) -> dict[str, Any]:
    from notifications.rendering import TemplateProblem, json_ready, render_mail, template_names

    if template not in template_names():
        raise InvalidInput("unknown_template", Msg(f"没有邮件模板 {template}。", f"No mail template {template}."),
                           {"template": [Msg("未知模板。", "Unknown template.")]})
    try:
        rendered = render_mail(template, language, json_ready(context))
    except TemplateProblem as exc:
        raise InvalidInput("template_context", Msg(f"模板无法渲染：{exc}", f"The template does not render: {exc}"),
                           {"context": [str(exc)]}) from exc
    return {"template": template, "language": language, "subject": rendered.subject, "text": rendered.text,
            "html": rendered.html}
