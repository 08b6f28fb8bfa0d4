"""The audit log's codes in words: what each action and object type means to a person reading the log.

An action missing here is shown by its code (new actions appear before anyone names them); the test of this
module lists the actions the code records, so a new one is noticed.
"""

from __future__ import annotations

from ground.i18n import Msg, _l, _lp, as_is

ACTIONS: dict[str, Msg] = {
    # sign-in and accounts
    "auth.login": _l("signed in"),
    "auth.login_failed": _l("failed to sign in"),
    "auth.lockout": _l("account locked after failed attempts"),
    "auth.logout": _l("signed out"),
    "auth.totp_enrol": _l("turned on two-step verification"),
    "auth.totp_disable": _l("turned off two-step verification"),
    "auth.password_change": _l("changed the password"),
    "auth.password_change_failed": _l("gave a wrong current password to change it"),
    "user.create": _l("created an account"),
    "token.issue": _l("issued an API token"),
    "token.revoke": _l("revoked an API token"),
    # the expert pool
    "expert.create": _l("added an expert"),
    "expert.update": _l("changed an expert"),
    "expert.status": _l("changed an expert's status"),
    "expert.confirm": _l("confirmed an expert's data"),
    "expert.employment": _l("recorded an employment"),
    "expert.conflict": _l("recorded a conflict of interest"),
    "expert.unavailability": _l("recorded unavailability"),
    "expert.import": _l("imported an expert"),
    "expert.import_attempt": _l("tried to import an expert file"),
    "expert.import_dry_run": _l("checked an expert file (nothing stored)"),
    "expert.import_held": _l("held an imported row for the Office (possible duplicate)"),
    "expert.duplicate_hit": _l("entered data matching another expert"),
    "expert.export": _l("exported the pool (personal data)"),
    "organization.create": _l("added an organisation"),
    "organization.blacklist": _l("blacklisted an organisation"),
    "organization.unblacklist": _l("lifted a blacklisting"),
    "specialty.create": _l("added a specialty"),
    # parks
    "park.create": _l("registered a park"),
    "park.transition": _l("took a lifecycle step of a park"),
    "park.material_upload": _l("uploaded a park material"),
    "park.annual_report_submit": _l("submitted an annual report"),
    "park.annual_report_review": _l("reviewed an annual report"),
    "park.annual_report_forward": _l("forwarded an annual report"),
    "park.objection": _l("recorded an objection"),
    "park.objection_resolved": _l("resolved an objection"),
    "park.major_change_found": _l("recorded an unreported major change"),
    "park.warning_proposal": _l("proposed a warning"),
    "park.warning_proposal_dismissed": _l("dismissed a warning proposal"),
    "park.deadlines_recomputed": _l("recomputed deadlines"),
    "calendar.load_year": _l("loaded a year of the working-day calendar"),
    # panels
    "panel.draw": _l("drew a panel"),
    "panel.view": _l("looked at a panel (its members)"),
    "panel.eligibility": _l("looked at a panel's eligibility list"),
    "panel.audit": _l("looked at a panel's draw records"),
    "panel.invitations": _l("looked at a panel's invitations"),
    "panel.invitation_preview": _l("previewed an invitation mail"),
    "panel.invite": _l("sent a panel's invitations"),
    "panel.replace": _l("replaced a panel member"),
    "panel.decline": _l("recorded a member's decline"),
    "panel.promote": _l("promoted an alternate"),
    "panel.reschedule": _l("rescheduled a meeting"),
    "panel.move_referred": _l("referred a province's move to the Office (members on other authorities' panels)"),
    "panel.move_probing_suspected": _l("flagged moves that look like probing confidential panels"),
    "panel.cancel": _l("cancelled a meeting"),
    "panel.throwaway_draw": _l("cancelled a province's panel soon after drawing it"),
    "panel.draw_probing_suspected": _l(
        "flagged draws cancelled soon after, a pattern that looks like probing confidential panels"),
    "panel.stage_override": _l("drew a panel outside the stage rule (Office)"),
    "panel.stage_refused": _l("refused a panel kind the park's stage does not call for"),
    "panel.stage_override_refused": _l("refused a stage override by someone not the Office"),
    "rule_set.create": _l("added a rule set version"),
    "expert.calendar_feed_issued": _l("made a calendar feed address (an expert's)"),
    "expert.calendar_feed_revoked": _l("revoked a calendar feed address (an expert's)"),
    "user.calendar_feed_issued": _l("made a calendar feed address of meetings (staff)"),
    "user.calendar_feed_revoked": _l("revoked a calendar feed address of meetings (staff)"),
    "invitation.create": _l("created an invitation"),
    "invitation.accept": _l("an expert accepted an invitation"),
    # the system
    "outbox.retry": _l("retried a mail"),
    "audit.checkpoint": _l("took an audit checkpoint"),
    "demo.load": _l("loaded the demo data"),
}

#: Looks at personal data or at a confidential panel (``panels.services.get_panel`` records every one).
VIEW_ACTIONS = ("panel.view", "panel.eligibility", "panel.audit", "panel.invitations", "panel.invitation_preview",
                "expert.export")

OBJECT_TYPES: dict[str, Msg] = {
    "expert": _l("expert"),
    "pool": _l("expert pool"),
    "organization": _l("organisation"),
    "specialty": _lp("ecopanel.auditlog.phrases", "specialty"),
    "park": _l("park"),
    "panel": _l("panel"),
    "invitation": _l("invitation"),
    "rule_set": _l("rule set"),
    "user": _l("account"),
    "calendar": _l("calendar"),
    "outbox": _l("mail"),
    "audit": _l("audit log"),
    "demo": _l("demo data"),
}

ROLES: dict[str, Msg] = {
    "office": _l("Office"),
    "province": _lp("ecopanel.auditlog.phrases", "province"),
    "park": _l("park"),
    "expert": _l("expert"),
    "system": _l("system"),
}


def action_words(action: str) -> Msg:
    return ACTIONS.get(action) or _l("other action")


def object_words(object_type: str) -> Msg:
    return OBJECT_TYPES.get(object_type) or as_is(object_type)


def role_words(role: str) -> Msg:
    return ROLES.get(role) or as_is(role)


def object_href(object_type: str, object_id: str | None) -> str | None:
    """Where the object is shown, for the types that have a page (the pool's and the parks' pages)."""
    if object_id and object_id.isdigit() and object_type in ("expert", "park"):
        return f"/{object_type}s/{object_id}"
    return None
