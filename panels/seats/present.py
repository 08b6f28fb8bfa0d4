"""Invitations as staff and experts see them: history with the mail's delivery, an expert's own list, the
preview of the invitation mail."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from expert_pool.models import Expert
from expert_pool.rules.normalize import mask_embedded_identifiers
from expert_pool.services import present as present_expert
from ground.actor import Actor, Role
from ground.clock import shanghai_date
from ground.errors import Forbidden, not_found
from ground.extensions import db
from ground.i18n import _l
from notifications import ical
from notifications.models import OutboxMessage
from notifications.rendering import json_ready, render_mail
from panels.models import ACTIVE_MEMBER, Invitation, Panel, PanelMember
from panels.seats.links import page_url
from panels.seats.mail import (
    mail_context,
    meeting_invite,
    panel_facts,
    response_deadline,
)

# --- presenting ----------------------------------------------------------------------------------------------

def _mail_history(invitation_ids: list[int], *, office: bool) -> dict[int, list[dict[str, Any]]]:
    """The mails of each invitation. The outbox row's id only for the Office (whose outbox API takes it): the
    outbox counts every mail sent, other authorities' confidential invitations included."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if not invitation_ids:
        return out
    rows = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.related_type == "invitation",
        OutboxMessage.related_id.in_([str(i) for i in invitation_ids])).order_by(OutboxMessage.id))
    # A server's words name the address ("<13810000012@139.com>: Recipient address rejected"): masked as the
    # pool masks an address for all but the Office (red-team finding 10).
    said = (lambda text: text) if office else mask_embedded_identifiers
    for m in rows:
        history = out[int(m.related_id)]
        base = {"outbox_id": m.id, "template": m.template} if office else {"template": m.template}
        history.append({"at": m.created_at, "event": "mail_queued", "detail": base})
        if m.first_attempt_at:
            history.append({"at": m.first_attempt_at, "event": "mail_sending",
                            "detail": {**base, "attempts": m.attempts}})
        if m.state == "queued" and m.last_error:
            history.append({"at": m.last_attempt_at, "event": "mail_deferred",
                            "detail": {**base, "error": said(m.last_error), "next_attempt_at": m.next_attempt_at}})
        if m.sent_at:
            history.append({"at": m.sent_at, "event": "mail_delivered_to_server",
                            "detail": {**base, "server_reply": said(m.server_reply), "attempts": m.attempts}})
        if m.dead_at:
            history.append({"at": m.dead_at, "event": "mail_dead",
                            "detail": {**base, "error": said(m.last_error), "attempts": m.attempts}})
    return out


def present_invitations(invitations: list[Invitation], *, history: bool, office: bool = False) -> list[dict[str, Any]]:
    experts = {e.id: e for e in db.session.scalars(select(Expert).where(
        Expert.id.in_({i.expert_id for i in invitations})))} if invitations else {}
    mails = _mail_history([i.id for i in invitations], office=office) if history else {}
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


def panel_invitations(actor: Actor, panel: Panel, page: int, page_size: int) -> dict[str, Any]:
    query = select(Invitation).where(Invitation.panel_id == panel.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.order_by(Invitation.created_at, Invitation.id)
                                   .offset((page - 1) * page_size).limit(page_size)))
    return {"items": present_invitations(rows, history=True, office=actor.is_office), "total": total, "page": page,
            "page_size": page_size}


def my_invitations(actor: Actor, page: int, page_size: int, now: datetime,
                   when: str | None = None) -> dict[str, Any]:
    """An expert's own invitations (no other member of any panel is shown: membership is confidential).

    ``when``: ``upcoming`` (meetings from today on, soonest first), ``past`` (before today, latest first), or
    None (all, newest invitation first)."""
    if actor.role != Role.EXPERT or actor.expert_id is None:
        raise Forbidden(None, _l("Only an expert sees their own invitations."))
    query = select(Invitation).where(Invitation.expert_id == actor.expert_id)
    order = (Invitation.created_at.desc(), Invitation.id.desc())
    if when in ("upcoming", "past"):
        today = shanghai_date(now)
        query = query.join(Panel, Panel.id == Invitation.panel_id)
        if when == "upcoming":
            query = query.where(Panel.meeting_date >= today)
            order = (Panel.meeting_date, Invitation.id)
        else:
            query = query.where(Panel.meeting_date < today)
            order = (Panel.meeting_date.desc(), Invitation.id.desc())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = list(db.session.scalars(query.order_by(*order).offset((page - 1) * page_size).limit(page_size)))
    items = []
    member_status = dict(db.session.execute(select(PanelMember.id, PanelMember.status).where(
        PanelMember.id.in_([i.member_id for i in rows]))).all()) if rows else {}
    for invitation in rows:
        panel = db.session.get(Panel, invitation.panel_id)
        facts = panel_facts(panel, invitation.language)
        answerable = invitation.status == "pending" and now < invitation.respond_by
        items.append({"id": invitation.id, "panel_id": panel.id, "kind": panel.kind, "park_name": facts["park_name"],
                      "meeting_date": panel.meeting_date, "location": panel.location or "",
                      "meeting_cancelled": panel.status == "cancelled", "status": invitation.status,
                      "respond_by": invitation.respond_by, "responded_at": invitation.responded_at,
                      "page_url": page_url(invitation) if answerable else None,
                      "seat_released": invitation.status == "accepted" and member_status.get(invitation.member_id)
                      != "accepted"})
    return {"items": items, "total": total, "page": page, "page_size": page_size}


def invitation_preview(actor: Actor, panel: Panel, expert_id: int | None, language: str, now: datetime
                       ) -> dict[str, Any]:
    """The invitation mail as a member would get it (sample links; nothing is stored). The address is shown as
    the pool shows it to the reader: a mobile inside it masked for all but the Office (red-team finding 9)."""
    members = [m for m in panel.members if m.role == "member" and m.status in ACTIVE_MEMBER]
    member = next((m for m in members if expert_id is None or m.expert_id == expert_id), None)
    if member is None:
        raise not_found(_l("Panel member"), expert_id)
    expert = db.session.get(Expert, member.expert_id)
    lang = language or (expert.language if expert.language in ("zh", "en") else "zh")
    sample = Invitation(id=0, panel_id=panel.id, member_id=member.id, expert_id=expert.id, status="pending",
                        nonce="preview", language=lang, respond_by=response_deadline(panel, None, now),
                        ical_sequence=0)
    context = json_ready(mail_context(sample, panel, expert, lang))
    rendered = render_mail("invitation", lang, context)
    address = present_expert(actor, expert).email
    entry = dataclasses.replace(meeting_invite(sample, panel, expert, "REQUEST", now), attendee_email=address)
    return {"template": "invitation", "language": lang, "to": [address], "subject": rendered.subject,
            "text": rendered.text, "html": rendered.html, "calendar": ical.build_calendar(entry).decode()}
