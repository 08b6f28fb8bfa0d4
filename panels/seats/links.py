"""The signed links in an invitation mail, and whether the invitation behind one can still be answered."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ground.actor import Actor, Role
from ground.errors import DomainError
from ground.extensions import db
from ground.i18n import Msg, _l
from panels.models import Invitation, PanelMember


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
        raise LinkProblem(400, "invalid_link", _l(
            "This link is invalid (cut off or altered); use the complete link from the mail.")) from exc
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not secrets.compare_digest(str(nonce), invitation.nonce):
        raise LinkProblem(410, "link_revoked", _l("This link has been replaced by a newer one."), invitation)
    check_answerable(invitation, now)
    return invitation


def check_answerable(invitation: Invitation, now: datetime) -> None:
    _not_answered_yet(invitation)
    if invitation.status == "cancelled":
        raise LinkProblem(410, "meeting_cancelled", _l("This meeting has been cancelled."),
                          invitation)
    if invitation.status == "expired" or now >= invitation.respond_by:
        raise LinkProblem(410, "link_expired", _l("The deadline to answer has passed; the link has expired."),
                          invitation)
    if not seat_open(invitation):
        # Two presses racing: the seat closed because this very invitation was answered a moment ago, after
        # it was read. Read it again so that press hears "already answered", not "the panel changed".
        db.session.refresh(invitation)
        _not_answered_yet(invitation)
        raise LinkProblem(410, "seat_changed", _l(
            "The convening authority has changed the panel's members; this invitation needs no answer "
            "any more."), invitation)


def _not_answered_yet(invitation: Invitation) -> None:
    if invitation.status in ("accepted", "declined"):
        raise LinkProblem(409, "already_answered", _l("You have already answered this invitation."), invitation)


def seat_open(invitation: Invitation) -> bool:
    """The member is still invited (staff may have recorded a decline by phone through the panels API)."""
    member = db.session.get(PanelMember, invitation.member_id)
    return member is not None and member.role == "member" and member.status in ("drawn", "invited")


def link_actor(invitation: Invitation) -> Actor:
    return Actor(user_id=None, label=f"expert {invitation.expert_id} (invitation link)", role=Role.EXPERT,
                 expert_id=invitation.expert_id)
