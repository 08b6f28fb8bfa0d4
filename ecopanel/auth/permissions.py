"""The permission matrix: who may call which endpoint, in one place.

Every endpoint that is not :func:`~ecopanel.auth.guard.public` has one :class:`Permission` per HTTP method:
the roles that may call it, and the scope rule that confines a permitted role to its own objects.

* The **role** part is enforced here, centrally, by :func:`authorize_request` (a ``before_request`` hook that
  runs after authentication): a caller whose role is not listed gets ``403 forbidden`` before the view runs.
  An endpoint (or method) missing from the table is refused to everybody: deny by default. Pages (outside
  ``/api/``) admit a signed-in page session only; a bearer token is for the API.
* The **scope** part needs the object (the park's province, the panel's convening authority, the expert's
  contributing province), so the services check it; :attr:`Permission.enforced_by` names the check, and
  ``tests/security/test_permission_matrix.py`` proves each rule for every role, against objects in and out of
  the caller's scope. The same test fails when an endpoint of the routing table has no entry here.

Roles: ``office`` (national Office; ``office_admin`` narrows to its administrators), ``province`` (a
provincial department, scoped to its 2-digit code), ``park`` (a park's management agency, its park only),
``expert`` (one expert record, itself only).
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from flask import g, request

from ground.actor import Actor, Role
from ground.errors import Forbidden
from ground.i18n import _l

log = logging.getLogger(__name__)


class Who(enum.StrEnum):
    """Who an entry admits. ``OFFICE_ADMIN`` is the Office's administrators only (``OFFICE`` includes them)."""

    OFFICE = "office"
    OFFICE_ADMIN = "office_admin"
    PROVINCE = "province"
    PARK = "park"
    EXPERT = "expert"


class Scope(enum.StrEnum):
    """The rule that confines a permitted role to its objects (checked where the object is loaded)."""

    NONE = "none"
    """No object scope: the role alone decides (vocabularies, the calendar, Office-only operations)."""
    POOL = "pool"
    """The whole shared pool (Art. 37); ID number and mobile masked for everyone but the Office."""
    POOL_OR_SELF = "pool_or_self"
    """As POOL for Office and provinces (provinces read masked); an expert reads only itself, unmasked."""
    CONTRIBUTED = "contributed"
    """Office: any expert; a province: only experts its province contributed."""
    CONTRIBUTED_OR_SELF = "contributed_or_self"
    """As CONTRIBUTED, and an expert for itself."""
    OWN_PROVINCE = "own_province"
    """Creating: the Office for any province, a province only for / in the name of its own province."""
    PARK = "park"
    """The park's scope: Office any park; a province the parks of its province; a park user its own park."""
    CONVENING = "convening"
    """A panel: the Office, or the province that convened it (membership is confidential)."""
    CONVENER = "convener"
    """A panel's convening authority itself: the province that convened it, or the Office for its own panels."""
    FILTERED = "filtered"
    """A list any permitted role may ask for; the rows are filtered to the caller's scope."""
    SELF = "self"
    """The caller's own records only (an expert's invitations, a user's own tokens)."""


@dataclass(frozen=True)
class Permission:
    roles: frozenset[Who]
    scope: Scope
    enforced_by: str = ""
    """Where the scope rule is checked (the service function or policy), for the reader and the tests."""

    def admits(self, actor: Actor) -> bool:
        """Whether the caller's role may call the endpoint at all (the scope is checked on the object)."""
        if actor.role == Role.SYSTEM:
            return True
        if actor.role == Role.OFFICE:
            return Who.OFFICE in self.roles or (actor.is_admin and Who.OFFICE_ADMIN in self.roles)
        return Who(actor.role.value) in self.roles


OF, OA, PR, PK, EX = Who.OFFICE, Who.OFFICE_ADMIN, Who.PROVINCE, Who.PARK, Who.EXPERT
ANYONE = frozenset({OF, PR, PK, EX})
OFFICE = frozenset({OF})
OFFICE_ADMIN = frozenset({OA})
STAFF = frozenset({OF, PR})  # the Office and the provincial departments
PARK_STAFF = frozenset({OF, PR, PK})


def _p(roles: frozenset[Who], scope: Scope = Scope.NONE, enforced_by: str = "") -> Permission:
    return Permission(roles, scope, enforced_by)


_EXPERT = "expert_pool.services.get_expert (policy.may_read_expert)"
_EDIT = "expert_pool.policy.may_edit_expert"
_PARK = "scheduling.services.get_park (policy.may_see_park)"
_PANEL = "panels.services.get_panel (panels.rules.authority.in_remit)"
_WAVE = "panels.waves.services.get_wave (panels.rules.authority.in_remit)"
_CONVENE = "panels.services.convening_authority (panels.rules.authority.convener_for: a province, its parks)"

#: (endpoint, method) -> who may call it. HEAD is checked as GET; OPTIONS carries no data and is not checked.
PERMISSIONS: dict[tuple[str, str], Permission] = {
    # --- pages (the API behind them applies its own rows) ---------------------------------------------------
    ("pages.index", "GET"): _p(ANYONE),
    ("pages.logout", "POST"): _p(ANYONE, Scope.SELF, "logs out the caller's own session"),
    # the park pages: the same roles as the API rows they stand for; the services check the park's scope
    ("park_pages.parks", "GET"): _p(PARK_STAFF, Scope.FILTERED, "scheduling.services.list_parks (scoped)"),
    ("park_pages.park", "GET"): _p(PARK_STAFF, Scope.PARK, _PARK),
    ("park_pages.take_action", "POST"): _p(PARK_STAFF, Scope.PARK,
                                           f"scheduling.services.transition_park: {_PARK}, then the lifecycle"),
    ("park_pages.upload_material", "POST"): _p(PARK_STAFF, Scope.PARK, "scheduling.materials.upload_material"),
    ("park_pages.submit_report", "POST"): _p(frozenset({OF, PK}), Scope.PARK, "scheduling.reports.submit_report"),
    ("park_pages.review_report", "POST"): _p(STAFF, Scope.PARK, "scheduling.reports.review_report"),
    ("park_pages.forward_report", "POST"): _p(STAFF, Scope.PARK, "scheduling.reports.forward_report"),
    ("park_pages.record_major_change", "POST"): _p(STAFF, Scope.PARK, "scheduling.services.record_major_change"),
    ("park_pages.record_objection", "POST"): _p(STAFF, Scope.PARK, "scheduling.services.record_objection"),
    ("park_pages.resolve_objection", "POST"): _p(STAFF, Scope.PARK, "scheduling.services.resolve_objection"),
    ("park_pages.dismiss_proposal", "POST"): _p(STAFF, Scope.PARK,
                                                "scheduling.services.dismiss_proposal (policy.may_decide_proposal)"),
    # the convening pages: the roles of the API rows they stand for (POST /panels, date suggestions, a panel's
    # seats); the park's scope through get_park, the panel's through get_panel
    ("panel_pages.panels", "GET"): _p(STAFF, Scope.FILTERED, "panels.pages.listing.visible_panels (in_remit)"),
    ("panel_pages.convene", "GET"): _p(STAFF, Scope.PARK, f"{_PARK}; {_CONVENE}"),
    ("panel_pages.convene_rules", "GET"): _p(STAFF, Scope.PARK, f"{_PARK}; {_CONVENE}"),
    ("panel_pages.convene_draw", "GET"): _p(STAFF, Scope.PARK, _PARK),
    ("panel_pages.convene_draw_post", "POST"): _p(STAFF, Scope.PARK, f"{_PARK}; {_CONVENE}"),
    ("panel_pages.convene_relax", "POST"): _p(OFFICE, Scope.NONE),
    ("panel_pages.convene_adjust", "POST"): _p(OFFICE, Scope.NONE, "panels.services.convening.adjust_rule_set"),
    ("panel_pages.panel", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panel_pages.verify", "POST"): _p(OFFICE, Scope.CONVENING, _PANEL),
    ("panel_pages.invite_preview", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panel_pages.invite", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panel_pages.replace", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panel_pages.reschedule", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panel_pages.cancel", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("pages.password", "GET"): _p(ANYONE, Scope.SELF, "the signed-in user's own account"),
    ("pages.password", "POST"): _p(ANYONE, Scope.SELF, "ecopanel.auth.services.change_password (the caller)"),
    # the staff's calendar of meetings and their own feed (the feed's rows: the same rule as the page)
    ("agenda.calendar", "GET"): _p(STAFF, Scope.FILTERED, "panels.agenda.services.visible_meetings (in_remit; a "
                                   "province: others' panels of its parks only after the day, as the timeline)"),
    ("agenda.issue_feed", "POST"): _p(STAFF, Scope.SELF, "panels.agenda.feed.issue_feed (actor.user_id)"),
    ("agenda.revoke_feed", "POST"): _p(STAFF, Scope.SELF, "panels.agenda.feed.revoke_feed (actor.user_id)"),
    ("dashboard.index", "GET"): _p(STAFF, Scope.FILTERED, "ecopanel.dashboard.work and .programme: the services "
                                   "each section calls filter to the caller's scope"),
    ("auditlog.index", "GET"): _p(OFFICE),
    ("me.index", "GET"): _p(frozenset({EX}), Scope.SELF, "expert_pool.services.get_expert (actor.expert_id), "
                            "panels.seats.present.my_invitations, panels.record.credit.credit_view"),
    ("me.update_contact", "POST"): _p(frozenset({EX}), Scope.SELF, "expert_pool.services.update_contact "
                                      "(actor.expert_id; policy.may_confirm_expert)"),
    ("me.confirm", "POST"): _p(frozenset({EX}), Scope.SELF, "expert_pool.services.confirm_data (actor.expert_id)"),
    ("me.add_unavailability", "POST"): _p(frozenset({EX}), Scope.SELF,
                                          "expert_pool.services.add_unavailability (actor.expert_id)"),
    ("me.remove_unavailability", "POST"): _p(frozenset({EX}), Scope.SELF, "expert_pool.services.remove_unavailability "
                                             "(actor.expert_id: another expert's period is not found)"),
    ("me.add_conflict", "POST"): _p(frozenset({EX}), Scope.SELF, "expert_pool.services.add_conflict (actor.expert_id)"),
    ("me.issue_feed", "POST"): _p(frozenset({EX}), Scope.SELF, "panels.seats.feeds.issue_feed (actor.expert_id)"),
    ("me.revoke_feed", "POST"): _p(frozenset({EX}), Scope.SELF, "panels.seats.feeds.revoke_feed (actor.expert_id)"),
    # --- the expert pool's pages: staff only (a park or an expert gets the 403 page); the services check scope
    ("expert_pool.experts", "GET"): _p(STAFF, Scope.POOL, "expert_pool.services.list_experts (masking in present)"),
    ("expert_pool.expert", "GET"): _p(STAFF, Scope.POOL, _EXPERT),
    ("expert_pool.new_expert", "GET"): _p(STAFF, Scope.OWN_PROVINCE, "expert_pool.policy.may_import"),
    ("expert_pool.new_expert", "POST"): _p(STAFF, Scope.OWN_PROVINCE, "expert_pool.services._check_contributor"),
    ("expert_pool.edit_expert", "GET"): _p(STAFF, Scope.CONTRIBUTED, _EDIT),
    ("expert_pool.edit_expert", "POST"): _p(STAFF, Scope.CONTRIBUTED, f"expert_pool.services.update_expert ({_EDIT})"),
    ("expert_pool.change_status", "POST"): _p(STAFF, Scope.CONTRIBUTED,
                                              f"expert_pool.services.change_status ({_EDIT})"),
    ("expert_pool.confirm", "POST"): _p(STAFF, Scope.CONTRIBUTED,
                                        "expert_pool.services.confirm_data (policy.may_confirm_expert)"),
    ("expert_pool.add_employment", "POST"): _p(STAFF, Scope.CONTRIBUTED,
                                               f"expert_pool.services.add_employment ({_EDIT})"),
    ("expert_pool.add_conflict", "POST"): _p(STAFF, Scope.CONTRIBUTED, "expert_pool.services.add_conflict"),
    ("expert_pool.add_unavailability", "POST"): _p(STAFF, Scope.CONTRIBUTED,
                                                   "expert_pool.services.add_unavailability"),
    ("experts.remove_unavailability", "DELETE"): _p(STAFF | {EX}, Scope.CONTRIBUTED_OR_SELF,
                                                    "expert_pool.services.remove_unavailability"),
    ("experts.update_contact", "PUT"): _p(STAFF | {EX}, Scope.CONTRIBUTED_OR_SELF,
                                          "expert_pool.services.update_contact (policy.may_confirm_expert)"),
    ("expert_pool.import_upload", "GET"): _p(STAFF),
    ("expert_pool.import_upload", "POST"): _p(STAFF, Scope.OWN_PROVINCE,
                                              "expert_pool.exchange.import_file (dry run; rate-limited)"),
    ("expert_pool.import_confirm", "POST"): _p(STAFF, Scope.OWN_PROVINCE,
                                               "expert_pool.exchange._store (the caller's own staged file)"),
    ("expert_pool.review", "GET"): _p(STAFF, Scope.FILTERED,
                                      "expert_pool.services.experts_due_for_review (a province: its contributed)"),
    ("expert_pool.resolve_held_row", "POST"): _p(OFFICE, Scope.NONE, "expert_pool.services.held.resolve_held_row"),
    ("expert_pool.organizations", "GET"): _p(STAFF),
    ("expert_pool.organizations", "POST"): _p(STAFF),
    ("expert_pool.organization", "GET"): _p(STAFF),
    ("expert_pool.blacklist", "POST"): _p(OFFICE),
    ("expert_pool.lift_blacklist", "POST"): _p(OFFICE),
    ("expert_pool.specialties", "GET"): _p(STAFF),
    ("expert_pool.specialties", "POST"): _p(OFFICE),
    # --- the expert pool (Art. 37-39) ----------------------------------------------------------------------
    ("experts.Experts", "GET"): _p(STAFF, Scope.POOL, "expert_pool.services.list_experts (masking in present)"),
    ("experts.Experts", "POST"): _p(STAFF, Scope.OWN_PROVINCE, "expert_pool.services._check_contributor"),
    ("experts.ExpertItem", "GET"): _p(STAFF | {EX}, Scope.POOL_OR_SELF, _EXPERT),
    ("experts.ExpertItem", "PATCH"): _p(STAFF, Scope.CONTRIBUTED, f"expert_pool.services.update_expert ({_EDIT})"),
    ("experts.change_status", "POST"): _p(STAFF, Scope.CONTRIBUTED, f"expert_pool.services.change_status ({_EDIT})"),
    ("experts.confirm", "POST"): _p(STAFF | {EX}, Scope.CONTRIBUTED_OR_SELF,
                                    "expert_pool.services.confirm_data (policy.may_confirm_expert)"),
    ("experts.history", "GET"): _p(STAFF | {EX}, Scope.POOL_OR_SELF, _EXPERT),
    ("experts.add_employment", "POST"): _p(STAFF, Scope.CONTRIBUTED, f"expert_pool.services.add_employment ({_EDIT})"),
    ("experts.add_conflict", "POST"): _p(STAFF | {EX}, Scope.CONTRIBUTED_OR_SELF, "expert_pool.services.add_conflict"),
    ("experts.add_unavailability", "POST"): _p(STAFF | {EX}, Scope.CONTRIBUTED_OR_SELF,
                                               "expert_pool.services.add_unavailability"),
    ("experts.review", "GET"): _p(STAFF, Scope.FILTERED,
                                  "expert_pool.services.experts_due_for_review (a province: its contributed)"),
    ("experts.import_template", "GET"): _p(STAFF),
    ("experts.export", "GET"): _p(STAFF, Scope.POOL, "expert_pool.services.experts_for_export (masked)"),
    ("experts.import_experts", "POST"): _p(STAFF, Scope.OWN_PROVINCE,
                                           "expert_pool.exchange._store (contributed by the caller's province)"),
    ("experts.Specialties", "GET"): _p(ANYONE),
    ("experts.Specialties", "POST"): _p(OFFICE),
    ("experts.Organizations", "GET"): _p(ANYONE),
    ("experts.Organizations", "POST"): _p(STAFF),
    ("experts.organization", "GET"): _p(ANYONE),
    ("experts.blacklist", "POST"): _p(OFFICE),
    ("experts.lift_blacklist", "POST"): _p(OFFICE),
    # rows of a province's import held for the Office (possible duplicates of masked identifiers)
    ("held_rows.list_held_rows", "GET"): _p(OFFICE),
    ("held_rows.held_row", "GET"): _p(OFFICE),
    ("held_rows.resolve", "POST"): _p(OFFICE),
    # --- parks and their lifecycle (Art. 6-28) ---------------------------------------------------------------
    ("parks.Parks", "GET"): _p(PARK_STAFF, Scope.FILTERED, "scheduling.services.list_parks (scoped)"),
    ("parks.Parks", "POST"): _p(STAFF, Scope.OWN_PROVINCE, "scheduling.services.create_park (policy.may_create_park)"),
    ("parks.park", "GET"): _p(PARK_STAFF, Scope.PARK, _PARK),
    ("parks.transition", "POST"): _p(PARK_STAFF, Scope.PARK,
                                     f"scheduling.services.transition_park: {_PARK}, then the lifecycle's actors"),
    ("parks.park_timeline", "GET"): _p(PARK_STAFF, Scope.PARK, _PARK),
    ("parks.add_objection", "POST"): _p(STAFF, Scope.PARK, "scheduling.services.record_objection"),
    ("parks.resolve_objection", "POST"): _p(STAFF, Scope.PARK, "scheduling.services.resolve_objection"),
    ("parks.add_major_change", "POST"): _p(STAFF, Scope.PARK, "scheduling.services.record_major_change"),
    ("parks.proposals", "GET"): _p(STAFF, Scope.FILTERED, "scheduling.services.list_proposals"),
    ("parks.dismiss", "POST"): _p(STAFF, Scope.PARK,
                                  "scheduling.services.dismiss_proposal (policy.may_decide_proposal)"),
    ("parks.Materials", "GET"): _p(PARK_STAFF, Scope.PARK, "scheduling.materials.list_materials"),
    ("parks.Materials", "POST"): _p(PARK_STAFF, Scope.PARK, "scheduling.materials.upload_material"),
    ("parks.material", "GET"): _p(PARK_STAFF, Scope.PARK, "scheduling.materials.get_material"),
    ("parks.material_content", "GET"): _p(PARK_STAFF, Scope.PARK, "scheduling.materials.get_material"),
    ("parks.AnnualReports", "GET"): _p(PARK_STAFF, Scope.PARK, "scheduling.reports.report_rows"),
    ("parks.AnnualReports", "POST"): _p(frozenset({OF, PK}), Scope.PARK, "scheduling.reports.submit_report"),
    ("parks.review_report", "POST"): _p(STAFF, Scope.PARK, "scheduling.reports.review_report"),
    ("parks.forward_report", "POST"): _p(STAFF, Scope.PARK, "scheduling.reports.forward_report"),
    ("parks.add_working_days", "GET"): _p(ANYONE),
    ("parks.CalendarYears", "GET"): _p(ANYONE),
    ("parks.CalendarYears", "POST"): _p(OFFICE_ADMIN, Scope.NONE, "scheduling.policy.may_load_calendar"),
    # --- panels (Art. 37) -----------------------------------------------------------------------------------
    ("panels.create_panel", "POST"): _p(STAFF, Scope.PARK, _CONVENE),
    ("panels.read_panel", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panels.panel_eligibility", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panels.panel_audit", "GET"): _p(OFFICE, Scope.CONVENING, _PANEL),
    ("seats.replace", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("panels.date_suggestions", "GET"): _p(STAFF, Scope.PARK, _CONVENE),
    ("panels.RuleSets", "GET"): _p(STAFF),
    ("panels.RuleSets", "POST"): _p(OFFICE),
    # --- waves: many parks planned together (issue 15) -------------------------------------------------------
    ("waves.create_wave", "POST"): _p(STAFF, Scope.PARK, f"panels.waves.services.wave_parks (policy.may_see_park); "
                                                         f"{_CONVENE}"),
    ("waves.read_wave", "GET"): _p(STAFF, Scope.CONVENING, _WAVE),
    ("waves.replan_wave", "POST"): _p(STAFF, Scope.CONVENING, _WAVE),
    ("waves.commit_wave", "POST"): _p(STAFF, Scope.CONVENING, _WAVE),
    ("waves.wave_bundle", "GET"): _p(OFFICE, Scope.CONVENING, _WAVE),
    ("wave_pages.new_wave", "GET"): _p(STAFF, Scope.FILTERED, "panels.waves.pages._parks (the caller's parks)"),
    # a park the caller may not see is a field error of the form (as a missing id), not a refusal
    ("wave_pages.create_wave", "POST"): _p(STAFF, Scope.NONE, "panels.waves.services.wave_parks; " + _CONVENE),
    ("wave_pages.wave", "GET"): _p(STAFF, Scope.CONVENING, _WAVE),
    ("wave_pages.commit", "POST"): _p(STAFF, Scope.CONVENING, _WAVE),
    ("wave_pages.replan", "POST"): _p(STAFF, Scope.CONVENING, _WAVE),
    # --- invitations, meetings and the outbox ----------------------------------------------------------------
    ("seats.invite", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("seats.list_invitations", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("seats.preview_invitation", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("seats.reschedule", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("seats.cancel", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    # --- a panel's meeting and its conclusion (the conclusion moves the park) ----------------------------------
    ("outcomes.Meeting", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("outcomes.Meeting", "PUT"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("outcomes.attendance", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("outcomes.conclusion", "POST"): _p(STAFF, Scope.CONVENING,
                                        f"{_PANEL}; the park's actions through scheduling.services.take_panel_actions"),
    ("meeting_pages.meeting", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("meeting_pages.save_record", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("meeting_pages.save_attendance", "POST"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("meeting_pages.conclude", "POST"): _p(
        STAFF, Scope.CONVENING, f"{_PANEL}; the park's actions through scheduling.services.take_panel_actions"),
    # --- the experts' record: ratings, honoraria, conduct, credit and its proposals (panels.record) -----------
    ("record.Ratings", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("record.Ratings", "POST"): _p(STAFF, Scope.CONVENER, f"{_PANEL}; panels.record.ratings.is_convener (the "
                                   "convening authority itself: the Office rates its own panels only)"),
    ("record.fee_sheet_xlsx", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("record.credit", "GET"): _p(frozenset({OF, EX}), Scope.POOL_OR_SELF,
                                 f"{_EXPERT}; panels.record.credit.may_see_credit (a province: status only)"),
    ("record.conduct", "POST"): _p(OFFICE, Scope.NONE, "panels.record.conduct.record_conduct"),
    ("record.credit_proposals", "GET"): _p(OFFICE),
    ("record.decide", "POST"): _p(OFFICE, Scope.NONE, "panels.record.credit.decide_proposal"),
    ("record.CreditRules", "GET"): _p(OFFICE),
    ("record.CreditRules", "POST"): _p(OFFICE),
    ("record.FeeRates", "GET"): _p(STAFF),
    ("record.FeeRates", "POST"): _p(OFFICE),
    ("record_pages.proposals", "GET"): _p(OFFICE),
    ("record_pages.ratings", "GET"): _p(STAFF, Scope.CONVENING, _PANEL),
    ("record_pages.rate", "POST"): _p(STAFF, Scope.CONVENER, f"{_PANEL}; panels.record.ratings.is_convener"),
    ("record_pages.decide", "POST"): _p(OFFICE, Scope.NONE, "panels.record.credit.decide_proposal (the API's)"),
    ("seats.my_invitations", "GET"): _p(frozenset({EX}), Scope.SELF, "panels.seats.present.my_invitations"),
    ("notifications.list_outbox", "GET"): _p(OFFICE),
    ("notifications.read_outbox", "GET"): _p(OFFICE),
    ("notifications.retry_outbox", "POST"): _p(OFFICE),
    ("notifications.preview_template", "POST"): _p(OFFICE),
    # --- the caller's own account: second factor, API tokens (auth hardening) ---------------------------------
    ("pages.account_totp", "GET"): _p(ANYONE, Scope.SELF, "the signed-in user's own account"),
    ("pages.account_totp", "POST"): _p(ANYONE, Scope.SELF, "the signed-in user's own account"),
    ("pages.disable_totp", "POST"): _p(ANYONE, Scope.SELF, "ecopanel.auth.totp.disable (not for administrators)"),
    ("tokens.Tokens", "GET"): _p(ANYONE, Scope.SELF,
                                 "ecopanel.auth.services.list_tokens (Office administrators: any user_id)"),
    ("tokens.Tokens", "POST"): _p(ANYONE, Scope.SELF, "ecopanel.auth.routes.Tokens.post (issues for the caller)"),
    ("tokens.token", "DELETE"): _p(ANYONE, Scope.SELF,
                                   "ecopanel.auth.services.revoke_token (Office administrators: anyone's)"),
}

NOT_LISTED = _l("This endpoint has no entry in the permission matrix; refused.")
SESSION_REQUIRED = _l("Pages need a signed-in session; bearer tokens are for the API.")
NOT_YOUR_ROLE = _l("You are not allowed to do this.")


def permission_for(endpoint: str, method: str) -> Permission | None:
    return PERMISSIONS.get((endpoint, "GET" if method == "HEAD" else method))


def authorize_request():
    """``before_request`` after authentication: refuse a caller whose role the matrix does not admit."""
    from ground.guard import Unauthenticated, current_actor, is_public_endpoint

    endpoint = request.endpoint
    if request.method == "OPTIONS" or is_public_endpoint(endpoint):
        return None
    actor = current_actor()  # authentication ran first; without an actor it has refused already
    if g.get("auth_via") == "token" and not request.path.startswith("/api/"):
        # Pages work on the signed-in session (account pages read ``current_user``): a bearer token is for
        # the API. Without this, a token opening /account/totp failed with a 500.
        raise Unauthenticated("session_required", SESSION_REQUIRED)
    permission = permission_for(endpoint, request.method)
    if permission is None:
        log.error("refused %s %s: endpoint %s has no entry in the permission matrix",
                  request.method, request.path, endpoint)
        raise Forbidden("forbidden", NOT_LISTED)
    if not permission.admits(actor):
        raise Forbidden("forbidden", NOT_YOUR_ROLE)
    return None
