"""The expert's pages behind the mailed links: ``GET /invitations/<token>`` shows, the POSTs decide.

Opened again after the answer, the link shows that answer calmly (200) with the convening authority's
contact, to call for a change; a second POST on a spent link still answers 409.

A GET never decides anything (mail scanners and link previews follow links): it shows the invitation with
two forms. Accepting needs the pledge ticked (Art. 37, 39); declining asks for a reason. Every response
carries ``Referrer-Policy: no-referrer`` (the link is a credential) and ``Cache-Control: no-store``.

CSRF: these views are exempt from the app-wide *session-based* CSRF check on purpose. They are opened from
a mail client, often in an in-app browser that keeps no cookies between the GET and the POST, and there is
no sign-in session to protect. Instead every form carries a per-page token (Flask-WTF form, custom
``csrf_class``) that is signed with the app's secret, bound to this very link and valid for a day; the POST
checks it, and the link itself is an unguessable signed credential for exactly one invitation.
"""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, current_app, g, render_template, request
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.csrf.core import CSRF
from wtforms.validators import Length, ValidationError

from expert_pool.models import Expert
from ground import clock
from ground.api import request_language
from ground.errors import InvalidInput
from ground.extensions import csrf, db
from ground.guard import public
from ground.i18n import localize
from ground.uow import retrying
from panels.models import Invitation, Panel, PanelMember
from panels.seats import answers, links, mail

log = logging.getLogger(__name__)
bp = Blueprint("invitations", __name__, url_prefix="/invitations", template_folder="templates")
PAGE_TOKEN_MAX_AGE = 24 * 3600


class LinkBoundCSRF(CSRF):
    """A per-page CSRF token that needs no session: signed, timed, and bound to the invitation link."""

    def setup_form(self, form):
        self.link = str(form.meta.csrf_context or "")
        return super().setup_form(form)

    @staticmethod
    def _serializer() -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(current_app.secret_key, salt="ecopanel.invitation-page")

    def generate_csrf_token(self, csrf_token_field) -> str:
        return self._serializer().dumps(links.link_digest(self.link))

    def validate_csrf_token(self, form, field) -> None:
        try:
            bound = self._serializer().loads(field.data or "", max_age=PAGE_TOKEN_MAX_AGE)
        except BadData as exc:
            raise ValidationError("page token missing, altered or older than a day") from exc
        if not hmac.compare_digest(str(bound), links.link_digest(self.link)):
            raise ValidationError("page token belongs to another link")


class _LinkForm(FlaskForm):
    class Meta:
        csrf = True  # always, whatever WTF_CSRF_ENABLED says: this token replaces the session check
        csrf_class = LinkBoundCSRF


class AcceptForm(_LinkForm):
    pledge = BooleanField()


class DeclineForm(_LinkForm):
    reason = RadioField(choices=list(answers.DECLINE_REASONS), validate_choice=False)
    note = TextAreaField(validators=[Length(max=500)])


def _language(invitation: Invitation | None) -> str:
    explicit = request.args.get("lang")
    if explicit in ("zh", "en"):
        return explicit
    if invitation is not None:
        return invitation.language
    return request_language()


def _render(template: str, status: int, invitation: Invitation | None, **context):
    lang = _language(invitation)
    g.lang = lang  # Content-Language

    def t(zh: str, en: str) -> str:
        return zh if lang == "zh" else en

    facts = contact = expert = None
    if invitation is not None:
        panel = db.session.get(Panel, invitation.panel_id)
        facts = mail.panel_facts(panel, lang)
        contact = mail.contact_for(panel)
        expert = db.session.get(Expert, invitation.expert_id)
    return render_template(template, lang=lang, t=t, invitation=invitation, facts=facts, contact=contact,
                           expert=expert, **context), status


def _problem(problem: links.LinkProblem):
    invitation = problem.invitation
    lang = _language(invitation)
    answered_at = None
    if invitation is not None and invitation.status in ("accepted", "declined") and invitation.responded_at:
        answered_at = mail.beijing_time(invitation.responded_at, lang)
    return _render("panels/invitations/problem.html", problem.status, invitation, code=problem.code,
                   message=problem.message.get(lang), answered_at=answered_at)


def _answered(invitation: Invitation):
    """A link opened again after its answer: the answer, calmly (200), and whom to call to change it."""
    lang = _language(invitation)
    answered_at = mail.beijing_time(invitation.responded_at, lang) if invitation.responded_at else None
    member = db.session.get(PanelMember, invitation.member_id)
    # Accepted, then released by the convening authority (a decline it recorded by phone): say so, not "accepted".
    released = invitation.status == "accepted" and (member is None or member.status != "accepted")
    return _render("panels/invitations/answered.html", 200, invitation, answered_at=answered_at, released=released)


def _show(invitation: Invitation, token: str, status: int, *, accept_form=None, decline_form=None,
          choice: str | None = None, errors: dict | None = None):
    lang = _language(invitation)
    return _render("panels/invitations/show.html", status, invitation, token=token,
                   accept_form=accept_form or AcceptForm(formdata=None, meta={"csrf_context": token}),
                   decline_form=decline_form or DeclineForm(formdata=None, meta={"csrf_context": token}),
                   choice=choice, errors=localize(errors or {}, lang),
                   respond_by=mail.deadline_text(invitation.respond_by, lang),
                   pledge=answers.PLEDGE.get(lang),
                   reasons=[(code, label.get(lang)) for code, label in answers.DECLINE_REASONS.items()])


def _form_problem(form: FlaskForm, invitation: Invitation, token: str, **forms):
    if "csrf_token" in form.errors:
        lang = _language(invitation)
        message = ("页面已过期或不完整，请重新打开邮件中的链接。" if lang == "zh"
                   else "The page expired or is incomplete; open the link from the mail again.")
        return _render("panels/invitations/problem.html", 400, invitation, code="page_token_invalid", message=message,
                       answered_at=None)
    return _show(invitation, token, 422, errors={k: v for k, v in form.errors.items()}, **forms)


@bp.after_request
def _private(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/<token>")
@public
def show(token: str):
    """The confirmation page; opening it decides nothing (it is recorded in the invitation's history)."""
    now = clock.now()
    try:
        invitation = links.resolve_link(token, now)
    except links.LinkProblem as problem:
        if problem.code == "already_answered" and problem.invitation is not None:
            return _answered(problem.invitation)
        return _problem(problem)
    answers.record_opened(invitation, now, request.headers.get("User-Agent", ""))
    choice = request.args.get("choice")
    return _show(invitation, token, 200, choice=choice if choice in ("accept", "decline") else None)


@bp.post("/<token>/accept")
@public
@csrf.exempt  # replaced by the link-bound page token (see the module's docstring)
def accept(token: str):
    now = clock.now()
    try:
        invitation = links.resolve_link(token, now)
    except links.LinkProblem as problem:
        return _problem(problem)
    form = AcceptForm(meta={"csrf_context": token})
    if not form.validate():
        return _form_problem(form, invitation, token, accept_form=form, choice="accept")
    try:
        answers.accept_invitation(invitation, pledge=bool(form.pledge.data), now=now)
    except links.LinkProblem as problem:
        return _problem(problem)
    except InvalidInput as error:
        return _show(invitation, token, 422, accept_form=form, choice="accept", errors=error.errors)
    return _render("panels/invitations/done.html", 200, invitation, decision="accepted")


@bp.post("/<token>/decline")
@public
@csrf.exempt  # replaced by the link-bound page token (see the module's docstring)
def decline(token: str):
    now = clock.now()
    try:
        invitation = links.resolve_link(token, now)
    except links.LinkProblem as problem:
        return _problem(problem)
    form = DeclineForm(meta={"csrf_context": token})
    if not form.validate():
        return _form_problem(form, invitation, token, decline_form=form, choice="decline")

    def work():
        # Read again on every attempt: a lost race on a booking retries from the start.
        current = links.resolve_link(token, now)
        answers.decline_invitation(current, reason=form.reason.data or "", note=form.note.data or "", now=now)
        return current.id

    try:
        invitation_id = retrying(work, what="invitation decline")
    except links.LinkProblem as problem:
        return _problem(problem)
    except InvalidInput as error:
        invitation = db.session.get(Invitation, invitation.id)
        return _show(invitation, token, 422, decline_form=form, choice="decline", errors=error.errors)
    return _render("panels/invitations/done.html", 200, db.session.get(Invitation, invitation_id), decision="declined")
