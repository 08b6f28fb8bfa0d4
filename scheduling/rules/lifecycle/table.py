"""The transition table of the Measures: one :class:`TransitionRule` per action.

Written out as a table on purpose (one row per action, in the order of the Measures' articles): reviewers
check it against the text article by article, so it stays data rather than being generated or split.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from scheduling.rules.lifecycle import panel_guard
from scheduling.rules.lifecycle.guards import GUARDS
from scheduling.rules.lifecycle.panel_outcomes import PANEL_DECIDED
from scheduling.rules.lifecycle.vocabulary import (
    APPLICATION_STATES,
    CONSTRUCTION_STATES,
    CREATION_STATES,
    ENDED_STATES,
    NAMED_STATES,
    Action,
    Party,
    Programme,
    RevocationReason,
    State,
    StopReason,
    WarningReason,
)


@dataclass(frozen=True)
class TransitionRule:
    """One action: where it may start, where it leads (None: the state is unchanged), who, why, and guards.

    ``parties`` are the roles of the national programme; see :func:`parties_for` for a provincial one.
    ``reason`` is the enum a reason must come from when the action needs one (stop, warn, revoke).
    """

    action: Action
    from_states: frozenset[State]
    to_state: State | None
    parties: frozenset[Party]
    article: int
    guards: tuple[str, ...] = ()
    reason: type[StrEnum] | None = None
    see_also: tuple[int, ...] = ()


def _rule(
    action: Action,
    from_states: Iterable[State] | State,
    to_state: State | None,
    parties: Iterable[Party] | Party,
    article: int,
    *guards: str,
    reason: type[StrEnum] | None = None,
    see_also: tuple[int, ...] = (),
) -> TransitionRule:
    from_set = frozenset({from_states}) if isinstance(from_states, State) else frozenset(from_states)
    party_set = frozenset({parties}) if isinstance(parties, Party) else frozenset(parties)
    return TransitionRule(action, from_set, to_state, party_set, article, tuple(guards), reason, see_also)


S, A, P = State, Action, Party
_REVIEWERS = (P.OFFICE, P.PROVINCE)  # Art. 25-26: the Office, or the province it delegates to
_PANEL = panel_guard.NAME  # decided by a review panel's conclusion (panel_outcomes.PANEL_DECIDED)
_STAY = None

TRANSITIONS: tuple[TransitionRule, ...] = (
    # application (Art. 9-10); a new application after an ended cycle (Art. 21, 28)
    _rule(
        A.SUBMIT_APPLICATION,
        {S.NEW} | ENDED_STATES,
        S.APPLIED,
        P.PARK,
        9,
        "reapplication_ban_over",
        see_also=(21, 28),
    ),
    _rule(A.START_PROVINCIAL_REVIEW, S.APPLIED, S.UNDER_PROVINCIAL_REVIEW, P.PROVINCE, 10),
    _rule(A.RETURN_MATERIALS, {S.APPLIED, S.UNDER_PROVINCIAL_REVIEW}, S.MATERIALS_RETURNED, P.PROVINCE, 10),
    _rule(A.RESUBMIT_APPLICATION, S.MATERIALS_RETURNED, S.APPLIED, P.PARK, 9),
    _rule(
        A.PASS_PLAN_ARGUMENTATION,
        S.UNDER_PROVINCIAL_REVIEW,
        S.PLAN_ARGUED,
        P.PROVINCE,
        10,
        _PANEL,
        see_also=(37,),
    ),
    _rule(A.PUBLISH_PUBLIC_NOTICE, S.PLAN_ARGUED, S.IN_PUBLIC_NOTICE, P.PROVINCE, 10),
    _rule(
        A.APPROVE_CONSTRUCTION,
        S.IN_PUBLIC_NOTICE,
        S.UNDER_CONSTRUCTION,
        P.PROVINCE,
        10,
        "public_notice_over",
        "no_open_objections",
        see_also=(11,),
    ),
    _rule(A.REJECT_APPLICATION, APPLICATION_STATES, S.APPLICATION_REJECTED, P.PROVINCE, 10),
    _rule(A.WITHDRAW, APPLICATION_STATES | CREATION_STATES, S.WITHDRAWN, P.PARK, 7),
    # construction (Art. 11-14, 21, 24)
    _rule(
        A.REQUEST_EXTENSION,
        CONSTRUCTION_STATES,
        _STAY,
        P.PARK,
        11,
        "extension_not_requested_before",
        "within_base_construction_period",
    ),
    _rule(A.GRANT_EXTENSION, CREATION_STATES, _STAY, P.PROVINCE, 11, "extension_awaiting_decision"),
    _rule(A.REFUSE_EXTENSION, CREATION_STATES, _STAY, P.PROVINCE, 11, "extension_awaiting_decision"),
    _rule(A.REPORT_MAJOR_CHANGE, CREATION_STATES | NAMED_STATES, _STAY, P.PARK, 12, see_also=(24, 27)),
    _rule(
        A.ARGUE_MAJOR_CHANGE,
        CREATION_STATES,
        _STAY,
        P.PROVINCE,
        12,
        "has_reported_major_change",
        _PANEL,
        see_also=(37,),
    ),
    _rule(A.REQUIRE_PLAN_REVISION, CREATION_STATES | NAMED_STATES, _STAY, P.PROVINCE, 12, see_also=(24,)),
    _rule(
        A.FILE_PLAN_REVISION, CREATION_STATES | NAMED_STATES, _STAY, P.PROVINCE, 24, "plan_revision_required", _PANEL
    ),
    _rule(
        A.STOP_CREATION,
        CREATION_STATES,
        S.CREATION_STOPPED,
        P.PROVINCE,
        14,
        "stop_reason_supported",
        reason=StopReason,
        see_also=(12,),
    ),
    _rule(
        A.MARK_CREATION_INCOMPLETE,
        CONSTRUCTION_STATES,
        S.CREATION_INCOMPLETE,
        P.SYSTEM,
        21,
        "construction_period_expired",
    ),
    # acceptance (Art. 15-20)
    _rule(
        A.APPLY_ACCEPTANCE,
        CONSTRUCTION_STATES,
        S.ACCEPTANCE_APPLIED,
        P.PARK,
        15,
        "acceptance_within_construction_period",
        "no_late_major_change",
        "no_pending_plan_revision",
        see_also=(12, 21),
    ),
    _rule(A.REJECT_ACCEPTANCE, S.ACCEPTANCE_APPLIED, S.ACCEPTANCE_FAILED, P.PROVINCE, 16, see_also=(21,)),
    _rule(
        A.FORWARD_ACCEPTANCE,
        S.ACCEPTANCE_APPLIED,
        S.AWAITING_VERIFICATION,
        P.PROVINCE,
        16,
        "no_late_major_change",
        "no_pending_plan_revision",
        see_also=(12,),
    ),
    _rule(
        A.START_VERIFICATION,
        S.AWAITING_VERIFICATION,
        S.UNDER_VERIFICATION,
        P.OFFICE,
        17,
        "no_late_major_change",
        see_also=(12,),
    ),
    _rule(A.REQUEST_RECTIFICATION, S.UNDER_VERIFICATION, S.RECTIFYING_VERIFICATION, P.OFFICE, 18, _PANEL),
    _rule(
        A.RESUBMIT_AFTER_RECTIFICATION,
        S.RECTIFYING_VERIFICATION,
        S.UNDER_VERIFICATION,
        P.PARK,
        18,
        "within_verification_rectification_period",
    ),
    _rule(
        A.EXPIRE_VERIFICATION_RECTIFICATION,
        S.RECTIFYING_VERIFICATION,
        S.ACCEPTANCE_FAILED,
        P.SYSTEM,
        18,
        "verification_rectification_period_over",
        see_also=(21,),
    ),
    _rule(
        A.PASS_VERIFICATION,
        S.UNDER_VERIFICATION,
        S.VERIFICATION_PASSED,
        P.OFFICE,
        18,
        "no_late_major_change",
        _PANEL,
        see_also=(17,),
    ),
    _rule(
        A.FAIL_VERIFICATION,
        {S.UNDER_VERIFICATION, S.RECTIFYING_VERIFICATION},
        S.ACCEPTANCE_FAILED,
        P.OFFICE,
        18,
        _PANEL,
        see_also=(21,),
    ),
    _rule(
        A.PASS_ACCEPTANCE_MEETING,
        S.VERIFICATION_PASSED,
        S.ACCEPTANCE_PASSED,
        P.OFFICE,
        18,
        "no_late_major_change",
        _PANEL,
    ),
    _rule(A.FAIL_ACCEPTANCE_MEETING, S.VERIFICATION_PASSED, S.ACCEPTANCE_FAILED, P.OFFICE, 18, _PANEL, see_also=(21,)),
    _rule(A.PUBLISH_NAMING_NOTICE, S.ACCEPTANCE_PASSED, S.IN_NAMING_NOTICE, P.OFFICE, 19),
    _rule(A.UPHOLD_COMPLAINT, S.IN_NAMING_NOTICE, S.NOT_NAMED, P.OFFICE, 19, see_also=(21,)),
    _rule(
        A.NAME_PARK,
        S.IN_NAMING_NOTICE,
        S.NAMED,
        P.LEADING_GROUP,
        20,
        "naming_notice_over",
        "no_open_complaints",
    ),
    _rule(A.DECLINE_NAMING, S.IN_NAMING_NOTICE, S.NOT_NAMED, P.LEADING_GROUP, 20, see_also=(21,)),
    # named (Art. 25-28)
    _rule(A.PASS_EVALUATION, NAMED_STATES, _STAY, _REVIEWERS, 25, _PANEL),
    _rule(A.FAIL_EVALUATION, NAMED_STATES, _STAY, _REVIEWERS, 25, _PANEL, see_also=(26,)),
    _rule(A.COMMEND, S.NAMED, _STAY, P.OFFICE, 26, "latest_evaluation_excellent"),
    _rule(
        A.WARN,
        NAMED_STATES,
        S.WARNED,
        P.OFFICE,
        27,
        "warning_reason_supported",
        reason=WarningReason,
        see_also=(26,),
    ),
    _rule(A.SUBMIT_RECTIFICATION, S.WARNED, S.UNDER_RECHECK, P.PARK, 26),
    _rule(A.PASS_RECHECK, S.UNDER_RECHECK, S.NAMED, _REVIEWERS, 26, _PANEL),
    _rule(A.FAIL_RECHECK, S.UNDER_RECHECK, S.RECTIFICATION_FAILED, _REVIEWERS, 26, _PANEL, see_also=(28,)),
    _rule(
        A.EXPIRE_RECTIFICATION,
        S.WARNED,
        S.RECTIFICATION_FAILED,
        P.SYSTEM,
        26,
        "rectification_period_over",
        see_also=(28,),
    ),
    _rule(A.REQUEST_REVOCATION, NAMED_STATES, _STAY, P.PARK, 28),
    _rule(
        A.REVOKE,
        NAMED_STATES,
        S.REVOKED,
        P.LEADING_GROUP,
        28,
        "revocation_reason_supported",
        reason=RevocationReason,
    ),
)
del S, A, P

_BY_ACTION: Mapping[Action, TransitionRule] = MappingProxyType({r.action: r for r in TRANSITIONS})


def rule_for(action: Action | str) -> TransitionRule:
    return _BY_ACTION[Action(action)]


def parties_for(action: Action | str, programme: Programme | str = Programme.NATIONAL) -> frozenset[Party]:
    """Who may take ``action`` in ``programme``.

    In a provincial programme (Art. 41: 参照本办法) the provincial departments play the Office's and the
    leading group's parts too: they verify, hold the acceptance meeting, name, evaluate, warn, revoke [rule].
    """
    parties = rule_for(action).parties
    if Programme(programme) is Programme.PROVINCIAL:
        national = {Party.OFFICE, Party.LEADING_GROUP}
        parties = frozenset(Party.PROVINCE if a in national else a for a in parties)
    return parties


# Exactly the actions a panel decides carry the panel guard: the two tables cannot drift apart.
_panel_guarded = {r.action for r in TRANSITIONS if panel_guard.NAME in r.guards}
if _panel_guarded != set(PANEL_DECIDED):  # pragma: no cover
    raise RuntimeError(f"panel guard mismatch: {sorted(_panel_guarded ^ set(PANEL_DECIDED))}")
del _panel_guarded

# Every guard named in the table exists: a typo in the table must fail at import, not at a user's request.
_missing = {g for r in TRANSITIONS for g in r.guards} - set(GUARDS)
if _missing:  # pragma: no cover
    raise RuntimeError(f"unknown guards in TRANSITIONS: {sorted(_missing)}")
del _missing
