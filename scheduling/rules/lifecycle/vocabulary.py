"""The lifecycle's vocabulary: states, phases, actions, the parties who act, programmes and reasons.

Values are stored as strings (``parks.state``, ``park_transitions.action``/``actor``, reasons) and shown in the
API, so they never change; names may.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from scheduling.rules.messages import N_, NP_


class State(StrEnum):
    """Where a park stands. Values are stored in ``parks.state`` (String(40))."""

    NEW = "new"  # known to the system, no application yet
    # application (Art. 9-10)
    APPLIED = "applied"
    MATERIALS_RETURNED = "materials_returned"
    UNDER_PROVINCIAL_REVIEW = "under_provincial_review"
    PLAN_ARGUED = "plan_argued"
    IN_PUBLIC_NOTICE = "in_public_notice"
    # creation (Art. 11-21)
    UNDER_CONSTRUCTION = "under_construction"
    ACCEPTANCE_APPLIED = "acceptance_applied"
    AWAITING_VERIFICATION = "awaiting_verification"
    UNDER_VERIFICATION = "under_verification"
    RECTIFYING_VERIFICATION = "rectifying_verification"
    VERIFICATION_PASSED = "verification_passed"
    ACCEPTANCE_PASSED = "acceptance_passed"
    IN_NAMING_NOTICE = "in_naming_notice"
    ACCEPTANCE_FAILED = "acceptance_failed"
    NOT_NAMED = "not_named"
    # named (Art. 20-28)
    NAMED = "named"
    WARNED = "warned"
    UNDER_RECHECK = "under_recheck"
    RECTIFICATION_FAILED = "rectification_failed"
    # ended
    APPLICATION_REJECTED = "application_rejected"
    WITHDRAWN = "withdrawn"
    CREATION_STOPPED = "creation_stopped"
    CREATION_INCOMPLETE = "creation_incomplete"
    REVOKED = "revoked"


class Phase(StrEnum):
    APPLICATION = "application"
    CREATION = "creation"
    NAMED = "named"
    ENDED = "ended"


class Action(StrEnum):
    # application
    SUBMIT_APPLICATION = "submit_application"
    START_PROVINCIAL_REVIEW = "start_provincial_review"
    RETURN_MATERIALS = "return_materials"
    RESUBMIT_APPLICATION = "resubmit_application"
    PASS_PLAN_ARGUMENTATION = "pass_plan_argumentation"
    PUBLISH_PUBLIC_NOTICE = "publish_public_notice"
    APPROVE_CONSTRUCTION = "approve_construction"
    REJECT_APPLICATION = "reject_application"
    WITHDRAW = "withdraw"
    # construction
    REQUEST_EXTENSION = "request_extension"
    GRANT_EXTENSION = "grant_extension"
    REFUSE_EXTENSION = "refuse_extension"
    REPORT_MAJOR_CHANGE = "report_major_change"
    ARGUE_MAJOR_CHANGE = "argue_major_change"
    REQUIRE_PLAN_REVISION = "require_plan_revision"
    FILE_PLAN_REVISION = "file_plan_revision"
    STOP_CREATION = "stop_creation"
    MARK_CREATION_INCOMPLETE = "mark_creation_incomplete"
    # acceptance
    APPLY_ACCEPTANCE = "apply_acceptance"
    REJECT_ACCEPTANCE = "reject_acceptance"
    FORWARD_ACCEPTANCE = "forward_acceptance"
    START_VERIFICATION = "start_verification"
    REQUEST_RECTIFICATION = "request_rectification"
    RESUBMIT_AFTER_RECTIFICATION = "resubmit_after_rectification"
    EXPIRE_VERIFICATION_RECTIFICATION = "expire_verification_rectification"
    PASS_VERIFICATION = "pass_verification"
    FAIL_VERIFICATION = "fail_verification"
    PASS_ACCEPTANCE_MEETING = "pass_acceptance_meeting"
    FAIL_ACCEPTANCE_MEETING = "fail_acceptance_meeting"
    PUBLISH_NAMING_NOTICE = "publish_naming_notice"
    UPHOLD_COMPLAINT = "uphold_complaint"
    NAME_PARK = "name_park"
    DECLINE_NAMING = "decline_naming"
    # named
    PASS_EVALUATION = "pass_evaluation"
    FAIL_EVALUATION = "fail_evaluation"
    COMMEND = "commend"
    WARN = "warn"
    SUBMIT_RECTIFICATION = "submit_rectification"
    PASS_RECHECK = "pass_recheck"
    FAIL_RECHECK = "fail_recheck"
    EXPIRE_RECTIFICATION = "expire_rectification"
    REQUEST_REVOCATION = "request_revocation"
    REVOKE = "revoke"


class Party(StrEnum):
    """Who takes an action in the Measures' terms (not the signed-in user: that is ``ground.actor.Actor``).

    The values are what ``park_transitions.actor`` stores and the API shows (``as``, ``allowed_actors``).
    """

    PARK = "park"  # 园区管理机构
    PROVINCE = "province"  # 省级生态环境部门会同商务、科技行政主管部门
    OFFICE = "office"  # 领导小组办公室
    LEADING_GROUP = "leading_group"  # 领导小组
    SYSTEM = "system"  # deadline-driven consequences only


class Programme(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"  # Art. 41: a province's own programme run the same way


class StopReason(StrEnum):
    """Why the province stops a creation (Art. 12, Art. 14)."""

    POLLUTION_COMPLAINTS = "pollution_complaints"  # Art. 14 (1)
    UNREPORTED_MAJOR_CHANGE = "unreported_major_change"  # Art. 14 (2)
    OTHER = "other"  # Art. 14 (3)
    MAJOR_CHANGE_IMPACT = "major_change_impact"  # Art. 12: the argued change makes creation untenable


class WarningReason(StrEnum):
    """Grounds for a warning (Art. 27 items (1)-(5))."""

    POLLUTION_COMPLAINTS = "pollution_complaints"  # (1)
    UNREPORTED_MAJOR_CHANGE = "unreported_major_change"  # (2)
    FAILED_EVALUATION = "failed_evaluation"  # (3), also Art. 26
    ANNUAL_REPORT = "annual_report"  # (4) late or non-compliant annual report
    OTHER = "other"  # (5)


class RevocationReason(StrEnum):
    """Grounds for revocation (Art. 28 items (1)-(8))."""

    SERIOUS_POLLUTION = "serious_pollution"  # (1) incl. major emergencies, international conventions
    FALSIFIED_DATA = "falsified_data"  # (2)
    FAILED_AFTER_RECTIFICATION = "failed_after_rectification"  # (3)
    TWO_FAILED_EVALUATIONS = "two_failed_evaluations"  # (4)
    REPEATED_WARNINGS = "repeated_warnings"  # (5)
    NO_DEDICATED_BODY = "no_dedicated_body"  # (6)
    VOLUNTARY = "voluntary"  # (7)
    OTHER = "other"  # (8)


WARNING_REASON_ITEM: Mapping[WarningReason, int] = MappingProxyType(
    {reason: item for item, reason in enumerate(WarningReason, start=1)}
)
REVOCATION_REASON_ITEM: Mapping[RevocationReason, int] = MappingProxyType(
    {reason: item for item, reason in enumerate(RevocationReason, start=1)}
)

APPLICATION_STATES = frozenset(
    {
        State.APPLIED,
        State.MATERIALS_RETURNED,
        State.UNDER_PROVINCIAL_REVIEW,
        State.PLAN_ARGUED,
        State.IN_PUBLIC_NOTICE,
    }
)
# States in which the park is building and may (re)apply for acceptance (Art. 11, 15, 21).
CONSTRUCTION_STATES = frozenset({State.UNDER_CONSTRUCTION, State.ACCEPTANCE_FAILED, State.NOT_NAMED})
ACCEPTANCE_STATES = frozenset(
    {
        State.ACCEPTANCE_APPLIED,
        State.AWAITING_VERIFICATION,
        State.UNDER_VERIFICATION,
        State.RECTIFYING_VERIFICATION,
        State.VERIFICATION_PASSED,
        State.ACCEPTANCE_PASSED,
        State.IN_NAMING_NOTICE,
    }
)
CREATION_STATES = CONSTRUCTION_STATES | ACCEPTANCE_STATES
NAMED_STATES = frozenset({State.NAMED, State.WARNED, State.UNDER_RECHECK, State.RECTIFICATION_FAILED})
ENDED_STATES = frozenset(
    {
        State.APPLICATION_REJECTED,
        State.WITHDRAWN,
        State.CREATION_STOPPED,
        State.CREATION_INCOMPLETE,
        State.REVOKED,
    }
)

PHASE_OF: Mapping[State, Phase] = MappingProxyType(
    {
        State.NEW: Phase.APPLICATION,
        **{s: Phase.APPLICATION for s in APPLICATION_STATES},
        **{s: Phase.CREATION for s in CREATION_STATES},
        **{s: Phase.NAMED for s in NAMED_STATES},
        **{s: Phase.ENDED for s in ENDED_STATES},
    }
)


def may_use_title(state: State | str) -> bool:
    """Whether the park may use the title 生态文明建设示范区（生态工业园区）.

    Not before naming (Art. 11) and not while rectifying after a warning (Art. 26). We keep the title
    suspended until the recheck passes, i.e. also while the recheck is pending or after it failed [rule].
    """
    return State(state) is State.NAMED


def is_publicly_listed(state: State | str) -> bool:
    """Whether the park appears on the public list of named and under-construction parks (Art. 22).

    Parks approved for construction (through acceptance) and named parks, including warned ones; a park whose
    creation is incomplete is off the list (Art. 21) [rule].
    """
    return PHASE_OF[State(state)] in (Phase.CREATION, Phase.NAMED)


#: Each state in words for people: English msgids in their own context (``scheduling.wording.state_name``
#: translates them).
STATE_CONTEXT = "park state"
STATE_NAMES: Mapping[State, str] = MappingProxyType(
    {
        State.NEW: NP_("park state", "not yet applied"),
        State.APPLIED: NP_("park state", "application submitted"),
        State.MATERIALS_RETURNED: NP_("park state", "application materials returned"),
        State.UNDER_PROVINCIAL_REVIEW: NP_("park state", "under provincial review"),
        State.PLAN_ARGUED: NP_("park state", "construction plan argued"),
        State.IN_PUBLIC_NOTICE: NP_("park state", "in public notice"),
        State.UNDER_CONSTRUCTION: NP_("park state", "under construction"),
        State.ACCEPTANCE_APPLIED: NP_("park state", "acceptance applied for"),
        State.AWAITING_VERIFICATION: NP_("park state", "awaiting technical verification"),
        State.UNDER_VERIFICATION: NP_("park state", "under technical verification"),
        State.RECTIFYING_VERIFICATION: NP_("park state", "rectifying after verification"),
        State.VERIFICATION_PASSED: NP_("park state", "technical verification passed"),
        State.ACCEPTANCE_PASSED: NP_("park state", "acceptance passed"),
        State.IN_NAMING_NOTICE: NP_("park state", "in naming notice"),
        State.ACCEPTANCE_FAILED: NP_("park state", "acceptance failed"),
        State.NOT_NAMED: NP_("park state", "not named"),
        State.NAMED: NP_("park state", "named"),
        State.WARNED: NP_("park state", "warned, rectifying"),
        State.UNDER_RECHECK: NP_("park state", "rectification awaiting recheck"),
        State.RECTIFICATION_FAILED: NP_("park state", "rectification failed"),
        State.APPLICATION_REJECTED: NP_("park state", "application rejected"),
        State.WITHDRAWN: NP_("park state", "withdrawn"),
        State.CREATION_STOPPED: NP_("park state", "creation stopped"),
        State.CREATION_INCOMPLETE: NP_("park state", "creation incomplete"),
        State.REVOKED: NP_("park state", "title revoked"),
    }
)


class PanelKind(StrEnum):
    """The panels of the Measures; the values are ``panels.kind`` and the API's ``kind``."""

    PLAN_ARGUMENTATION = "plan_argumentation"  # Art. 10
    CHANGE_ARGUMENTATION = "change_argumentation"  # Art. 12
    PLAN_REVISION = "plan_revision"  # Art. 24
    TECHNICAL_VERIFICATION = "technical_verification"  # Art. 17
    ACCEPTANCE_MEETING = "acceptance_meeting"  # Art. 18
    PERFORMANCE_EVALUATION = "performance_evaluation"  # Art. 25
    RECHECK = "recheck"  # Art. 26


#: Each panel in words for people: English msgids (``scheduling.wording.panel_kind_name`` translates them).
PANEL_KIND_NAMES: Mapping[PanelKind, str] = MappingProxyType(
    {
        PanelKind.PLAN_ARGUMENTATION: N_("plan argumentation"),
        PanelKind.CHANGE_ARGUMENTATION: N_("change argumentation"),
        PanelKind.PLAN_REVISION: N_("plan revision argumentation"),
        PanelKind.TECHNICAL_VERIFICATION: N_("on-site technical verification"),
        PanelKind.ACCEPTANCE_MEETING: N_("acceptance meeting"),
        PanelKind.PERFORMANCE_EVALUATION: N_("performance evaluation"),
        PanelKind.RECHECK: N_("recheck"),
    }
)
