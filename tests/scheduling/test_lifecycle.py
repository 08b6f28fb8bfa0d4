"""The lifecycle transition table: structural checks over the whole table, guards, and walk-throughs of parks
from application to naming, evaluation, warning and revocation."""

from __future__ import annotations

import subprocess
import sys
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import pytest

from scheduling.rules.calendar import WorkingDayCalendar
from scheduling.rules.lifecycle import (
    ACCEPTANCE_STATES,
    CONSTRUCTION_STATES,
    GUARDS,
    NAMED_STATES,
    PANEL_DECIDED,
    PANEL_OUTCOMES,
    PHASE_OF,
    TRANSITIONS,
    Action,
    AnnualReport,
    Evaluation,
    GuardFailed,
    IllegalTransition,
    LifecycleRules,
    MajorChange,
    PanelOutcome,
    ParkFacts,
    Party,
    PartyNotAllowed,
    Programme,
    RevocationReason,
    State,
    StopReason,
    WarningReason,
    action_options,
    allowed_actions,
    apply,
    construction_end,
    is_publicly_listed,
    may_use_title,
    parties_for,
    pending_deadlines,
    rule_for,
    warning_proposal_reasons,
)
from scheduling.rules.periods import warning_rectification_deadline

D = date
CAL = WorkingDayCalendar.official()
HUMANS = {Party.PARK, Party.PROVINCE, Party.OFFICE, Party.LEADING_GROUP}


# -- the table as a whole ---------------------------------------------------------------------------------


def _successors(state: State) -> set[State]:
    return {r.to_state or state for r in TRANSITIONS if state in r.from_states}


def _reachable(start: State) -> set[State]:
    seen, queue = {start}, deque([start])
    while queue:
        for nxt in _successors(queue.popleft()) - seen:
            seen.add(nxt)
            queue.append(nxt)
    return seen


def test_every_state_is_reachable_from_applied():
    assert _reachable(State.APPLIED) == set(State) - {State.NEW}
    assert _reachable(State.NEW) == set(State)


def test_no_state_is_a_dead_end():
    # Even the ended states lead on: a new application (Art. 21, 28).
    for state in State:
        assert _successors(state), state


def test_every_action_has_exactly_one_rule_an_article_and_an_actor():
    assert [r.action for r in TRANSITIONS] == list(dict.fromkeys(r.action for r in TRANSITIONS))
    assert {r.action for r in TRANSITIONS} == set(Action)
    for rule in TRANSITIONS:
        assert 1 <= rule.article <= 42, rule.action
        assert all(1 <= a <= 42 for a in rule.see_also), rule.action
        assert rule.parties, rule.action
        assert rule.from_states, rule.action


def test_system_only_takes_deadline_consequences():
    system_rules = {r.action for r in TRANSITIONS if Party.SYSTEM in r.parties}
    assert system_rules == {
        Action.MARK_CREATION_INCOMPLETE,
        Action.EXPIRE_VERIFICATION_RECTIFICATION,
        Action.EXPIRE_RECTIFICATION,
    }
    for action in system_rules:
        rule = rule_for(action)
        assert rule.parties == {Party.SYSTEM} and rule.guards, action  # never unguarded, never shared
    # The system proposes warnings and revocations; it never takes them (issue 5).
    assert Party.SYSTEM not in rule_for(Action.WARN).parties | rule_for(Action.REVOKE).parties


def test_guards_exist_and_cite_their_article():
    for rule in TRANSITIONS:
        for name in rule.guards:
            assert name in GUARDS
            assert GUARDS[name].__doc__.startswith("Art."), name


def test_actions_with_reasons_check_them():
    for rule in TRANSITIONS:
        if rule.reason is not None:
            assert any(name.endswith("reason_supported") for name in rule.guards), rule.action


def test_state_values_fit_the_column_and_phases_cover_all_states():
    assert set(PHASE_OF) == set(State)
    assert all(len(s.value) <= 40 for s in State)


def test_provincial_programme_hands_national_roles_to_the_province():
    for action in Action:
        national = parties_for(action, Programme.NATIONAL)
        provincial = parties_for(action, Programme.PROVINCIAL)
        assert not provincial & {Party.OFFICE, Party.LEADING_GROUP}
        assert (Party.PARK in national) == (Party.PARK in provincial)
        assert (Party.SYSTEM in national) == (Party.SYSTEM in provincial)
    assert parties_for(Action.NAME_PARK) == {Party.LEADING_GROUP}
    assert parties_for(Action.NAME_PARK, "provincial") == {Party.PROVINCE}
    assert parties_for(Action.PASS_EVALUATION) == {Party.OFFICE, Party.PROVINCE}  # Art. 25 delegation


def test_title_use():
    assert [s for s in State if may_use_title(s)] == [State.NAMED]
    for state in (State.UNDER_CONSTRUCTION, State.IN_NAMING_NOTICE, State.WARNED, State.UNDER_RECHECK):
        assert not may_use_title(state)


def test_public_list():
    assert is_publicly_listed(State.UNDER_CONSTRUCTION) and is_publicly_listed("named")
    assert is_publicly_listed(State.WARNED)
    for state in (State.APPLIED, State.CREATION_INCOMPLETE, State.REVOKED, State.WITHDRAWN):
        assert not is_publicly_listed(state)


# -- a park simulator ------------------------------------------------------------------------------------


@dataclass
class Park:
    """Drives one park through the table, keeping the facts the way a service would."""

    state: State = State.NEW
    facts: ParkFacts = field(default_factory=lambda: ParkFacts(today=D(2024, 1, 1)))
    rules: LifecycleRules = field(default_factory=LifecycleRules)

    def on(self, day: date, **changes) -> Park:
        self.facts = replace(self.facts, today=day, **changes)
        return self

    def do(self, action: Action, actor: Party, reason=None) -> State:
        """Take ``action``; one a review panel decides is taken, as the service takes it, on that panel's
        conclusion (a fresh outcome in the facts, spent with the action)."""
        facts = self.facts
        if action in PANEL_DECIDED:
            facts = replace(facts, panel_outcomes=(concluded(action, facts.today),))
        transition = apply(self.state, action, actor, facts, reason=reason, rules=self.rules)
        assert transition.on == self.facts.today
        self.state = transition.to_state
        return self.state

    def refused(self, action: Action, actor: Party, reason=None) -> GuardFailed:
        with pytest.raises(GuardFailed) as info:
            apply(self.state, action, actor, self.facts, reason=reason, rules=self.rules)
        if reason is None and rule_for(action).reason is None:  # else another reason might still pass
            assert action not in allowed_actions(self.state, actor, self.facts, self.rules)
        return info.value

    def can(self, actor: Party) -> tuple[Action, ...]:
        return allowed_actions(self.state, actor, self.facts, self.rules)


def concluded(action: Action, on: date) -> PanelOutcome:
    """The conclusion of a panel that decides ``action`` (the first row of the table that does)."""
    rule = next(r for r in PANEL_OUTCOMES if r.decides is action)
    return PanelOutcome(ref="test", kind=rule.kind, conclusion=rule.conclusion, concluded_on=on)


def approved_park(approved_on: date = D(2024, 3, 15), programme: Programme = Programme.NATIONAL) -> Park:
    park = Park(facts=ParkFacts(today=D(2023, 11, 1), programme=programme))
    park.do(Action.SUBMIT_APPLICATION, Party.PARK)
    park.do(Action.START_PROVINCIAL_REVIEW, Party.PROVINCE)
    park.do(Action.PASS_PLAN_ARGUMENTATION, Party.PROVINCE)
    park.do(Action.PUBLISH_PUBLIC_NOTICE, Party.PROVINCE)
    published = approved_on - timedelta(days=30)
    park.on(approved_on, public_notice_last_day=CAL.add_working_days(published, 5).date)
    park.do(Action.APPROVE_CONSTRUCTION, Party.PROVINCE)
    park.on(approved_on, approved_on=approved_on)
    return park


def named_park(named_on: date = D(2026, 11, 20)) -> Park:
    park = approved_park()
    park.on(D(2026, 6, 1), acceptance_applied_on=D(2026, 6, 1))
    for action, actor in [
        (Action.APPLY_ACCEPTANCE, Party.PARK),
        (Action.FORWARD_ACCEPTANCE, Party.PROVINCE),
        (Action.START_VERIFICATION, Party.OFFICE),
        (Action.PASS_VERIFICATION, Party.OFFICE),
        (Action.PASS_ACCEPTANCE_MEETING, Party.OFFICE),
        (Action.PUBLISH_NAMING_NOTICE, Party.OFFICE),
    ]:
        park.do(action, actor)
    park.on(named_on, naming_notice_last_day=D(2026, 10, 30))
    park.do(Action.NAME_PARK, Party.LEADING_GROUP)
    park.on(named_on, named_on=named_on)
    return park


# -- walk-throughs -------------------------------------------------------------------------------------------


def test_a_park_from_application_to_naming_evaluation_warning_and_revocation():
    park = Park(facts=ParkFacts(today=D(2024, 5, 6)))
    assert park.can(Party.PARK) == (Action.SUBMIT_APPLICATION,)
    assert park.do(Action.SUBMIT_APPLICATION, Party.PARK) is State.APPLIED
    # The province finds the materials incomplete and sends them back (Art. 10).
    park.do(Action.RETURN_MATERIALS, Party.PROVINCE)
    assert park.do(Action.RESUBMIT_APPLICATION, Party.PARK) is State.APPLIED
    park.do(Action.START_PROVINCIAL_REVIEW, Party.PROVINCE)
    assert park.do(Action.PASS_PLAN_ARGUMENTATION, Party.PROVINCE) is State.PLAN_ARGUED

    # Public notice of 5 working days published on Friday 27 Sep 2024, over National Day (Art. 10).
    published = D(2024, 9, 27)
    last = CAL.add_working_days(published, 5).date
    assert last == D(2024, 10, 9)
    park.on(published, public_notice_last_day=last)
    park.do(Action.PUBLISH_PUBLIC_NOTICE, Party.PROVINCE)
    park.on(last)
    assert park.refused(Action.APPROVE_CONSTRUCTION, Party.PROVINCE).code == "public_notice_running"
    park.on(D(2024, 10, 10), open_objections=1)
    error = park.refused(Action.APPROVE_CONSTRUCTION, Party.PROVINCE)
    assert (error.code, error.article) == ("objections_open", 10)
    park.on(D(2024, 10, 15), open_objections=0)
    assert park.do(Action.APPROVE_CONSTRUCTION, Party.PROVINCE) is State.UNDER_CONSTRUCTION
    park.on(D(2024, 10, 15), approved_on=D(2024, 10, 15))
    assert not may_use_title(park.state)  # Art. 11

    # A major change, reported within 6 months, argued by the province (Art. 12).
    park.on(D(2025, 3, 1), major_changes=(MajorChange(D(2024, 12, 1), reported_on=D(2025, 3, 1)),))
    park.do(Action.REPORT_MAJOR_CHANGE, Party.PARK)
    park.do(Action.ARGUE_MAJOR_CHANGE, Party.PROVINCE)
    assert park.state is State.UNDER_CONSTRUCTION

    # Acceptance (Art. 15-18), with a rectification round after the technical verification.
    park.on(D(2027, 4, 1), acceptance_applied_on=D(2027, 4, 1))
    park.do(Action.APPLY_ACCEPTANCE, Party.PARK)
    park.do(Action.FORWARD_ACCEPTANCE, Party.PROVINCE)
    park.do(Action.START_VERIFICATION, Party.OFFICE)
    park.on(D(2027, 5, 31), verification_feedback_on=D(2027, 5, 31))
    assert park.do(Action.REQUEST_RECTIFICATION, Party.OFFICE) is State.RECTIFYING_VERIFICATION
    park.on(D(2027, 6, 30))  # 31 May + 1 month = 30 June: still on time
    assert Action.EXPIRE_VERIFICATION_RECTIFICATION not in park.can(Party.SYSTEM)
    assert park.do(Action.RESUBMIT_AFTER_RECTIFICATION, Party.PARK) is State.UNDER_VERIFICATION
    park.do(Action.PASS_VERIFICATION, Party.OFFICE)
    assert park.do(Action.PASS_ACCEPTANCE_MEETING, Party.OFFICE) is State.ACCEPTANCE_PASSED

    # Naming notice of 5 working days from Friday 24 Sep 2027 (2027 not loaded: provisional) (Art. 19).
    notice = CAL.add_working_days(D(2027, 9, 24), 5)
    assert notice.provisional
    park.on(D(2027, 9, 24), naming_notice_last_day=notice.date)
    park.do(Action.PUBLISH_NAMING_NOTICE, Party.OFFICE)
    park.on(notice.date, open_complaints=1)
    assert park.refused(Action.NAME_PARK, Party.LEADING_GROUP).code == "naming_notice_running"
    park.on(D(2027, 10, 20))
    assert park.refused(Action.NAME_PARK, Party.LEADING_GROUP).code == "complaints_open"
    park.on(D(2027, 10, 25), open_complaints=0)
    with pytest.raises(PartyNotAllowed):
        apply(park.state, Action.NAME_PARK, Party.OFFICE, park.facts)
    assert park.do(Action.NAME_PARK, Party.LEADING_GROUP) is State.NAMED
    park.on(D(2027, 10, 25), named_on=D(2027, 10, 25))
    assert may_use_title(park.state)

    # Performance evaluation 3 years after naming: failed -> a warning proposal, the Office warns (Art. 25-27).
    due = [d.due for d in pending_deadlines(park.state, park.facts) if d.kind == "performance_evaluation"]
    assert due == [D(2030, 10, 25)]
    park.on(D(2030, 11, 5), evaluations=(Evaluation(D(2030, 11, 5), passed=False),))
    park.do(Action.FAIL_EVALUATION, Party.OFFICE)
    proposals = warning_proposal_reasons(park.facts)
    assert [p.reason for p in proposals if p.key.startswith("failed")] == [WarningReason.FAILED_EVALUATION]
    assert Action.WARN not in park.can(Party.SYSTEM)
    deadline = warning_rectification_deadline(D(2030, 11, 20))
    park.on(D(2030, 11, 20), warned_on=D(2030, 11, 20), rectification_deadline=deadline)
    assert park.do(Action.WARN, Party.OFFICE, reason=WarningReason.FAILED_EVALUATION) is State.WARNED
    assert not may_use_title(park.state)  # Art. 26

    # The year passes without rectification: the system records the lapse; the leading group revokes.
    park.on(deadline)
    assert park.refused(Action.EXPIRE_RECTIFICATION, Party.SYSTEM).code == "rectification_period_running"
    park.on(D(2031, 11, 21))
    assert park.do(Action.EXPIRE_RECTIFICATION, Party.SYSTEM) is State.RECTIFICATION_FAILED
    park.on(D(2031, 12, 10), failed_rectifications=1)
    assert park.refused(Action.REVOKE, Party.LEADING_GROUP, "repeated_warnings").article == 28
    assert park.do(Action.REVOKE, Party.LEADING_GROUP, "failed_after_rectification") is State.REVOKED
    park.on(D(2031, 12, 10), revoked_on=D(2031, 12, 10), revocation_reason=RevocationReason.FAILED_AFTER_RECTIFICATION)

    # Art. 28: no new application for 3 years; the day after the ban it is accepted.
    park.on(D(2034, 12, 10))
    error = park.refused(Action.SUBMIT_APPLICATION, Party.PARK)
    assert (error.code, error.article) == ("reapplication_banned", 28)
    assert [d.due for d in pending_deadlines(park.state, park.facts)] == [D(2034, 12, 10)]
    park.on(D(2034, 12, 11))
    assert park.do(Action.SUBMIT_APPLICATION, Party.PARK) is State.APPLIED


def test_late_major_change_blocks_acceptance_and_grounds_a_stop():
    park = approved_park()
    park.on(D(2025, 9, 1), major_changes=(MajorChange(D(2025, 1, 31)),))  # due 31 July 2025, unreported
    error = park.refused(Action.APPLY_ACCEPTANCE, Party.PARK)
    assert (error.code, error.article) == ("major_change_not_reported_in_time", 12)
    # Reporting it late does not cure it (未及时报告的园区将不予开展示范园区验收工作).
    park.on(D(2025, 9, 2), major_changes=(MajorChange(D(2025, 1, 31), reported_on=D(2025, 9, 2)),))
    park.do(Action.REPORT_MAJOR_CHANGE, Party.PARK)
    assert park.refused(Action.APPLY_ACCEPTANCE, Party.PARK).code == "major_change_not_reported_in_time"
    assert park.do(Action.STOP_CREATION, Party.PROVINCE, StopReason.UNREPORTED_MAJOR_CHANGE) is State.CREATION_STOPPED
    # A stop carries no ban: the park may apply again (Art. 21 by analogy).
    assert park.can(Party.PARK) == (Action.SUBMIT_APPLICATION,)


def test_a_change_reported_in_time_does_not_block():
    park = approved_park()
    park.on(D(2025, 7, 31), major_changes=(MajorChange(D(2025, 1, 31), reported_on=D(2025, 7, 31)),))
    assert Action.APPLY_ACCEPTANCE in park.can(Party.PARK)
    # Unreported but not yet overdue: not late yet, but it shows up as a deadline.
    park.on(D(2025, 7, 1), major_changes=(MajorChange(D(2025, 6, 1)),))
    assert Action.APPLY_ACCEPTANCE in park.can(Party.PARK)
    kinds = {d.kind: d.due for d in pending_deadlines(park.state, park.facts)}
    assert kinds["major_change_report"] == D(2025, 12, 1)


def test_stop_reasons_are_checked_against_the_facts():
    park = approved_park()
    park.on(D(2025, 1, 10))
    assert park.refused(Action.STOP_CREATION, Party.PROVINCE, "unreported_major_change").code == (
        "reason_not_supported_by_facts"
    )
    assert park.refused(Action.STOP_CREATION, Party.PROVINCE).code == "reason_required"
    assert park.refused(Action.STOP_CREATION, Party.PROVINCE, "bored").code == "bad_reason"
    assert park.do(Action.STOP_CREATION, Party.PROVINCE, "pollution_complaints") is State.CREATION_STOPPED


def test_creation_incomplete_after_three_years_without_acceptance_or_extension():
    park = approved_park(D(2024, 3, 15))
    assert construction_end(park.facts) == D(2027, 3, 15)
    park.on(D(2027, 3, 15))
    assert park.refused(Action.MARK_CREATION_INCOMPLETE, Party.SYSTEM).code == "construction_period_running"
    park.on(D(2027, 3, 16))
    assert park.refused(Action.APPLY_ACCEPTANCE, Party.PARK).code == "construction_period_over"
    assert park.refused(Action.REQUEST_EXTENSION, Party.PARK).code == "construction_period_over"
    assert park.can(Party.SYSTEM) == (Action.MARK_CREATION_INCOMPLETE,)
    assert park.do(Action.MARK_CREATION_INCOMPLETE, Party.SYSTEM) is State.CREATION_INCOMPLETE
    assert not is_publicly_listed(park.state)  # 不再列入建设园区名单
    assert park.do(Action.SUBMIT_APPLICATION, Party.PARK) is State.APPLIED  # 重新申请创建


def test_an_extension_request_holds_off_incompleteness_and_a_grant_adds_a_year():
    park = approved_park(D(2024, 3, 15))
    park.on(D(2027, 3, 1))
    park.do(Action.REQUEST_EXTENSION, Party.PARK)
    park.on(D(2027, 3, 1), extension_requested_on=D(2027, 3, 1))
    assert park.refused(Action.REQUEST_EXTENSION, Party.PARK).code == "extension_already_requested"
    park.on(D(2027, 4, 1))
    assert park.refused(Action.MARK_CREATION_INCOMPLETE, Party.SYSTEM).code == "extension_pending"
    assert Action.APPLY_ACCEPTANCE in park.can(Party.PARK)  # still possible while the request is pending
    park.do(Action.GRANT_EXTENSION, Party.PROVINCE)
    park.on(D(2027, 4, 1), extension_granted_on=D(2027, 4, 1))
    assert park.refused(Action.GRANT_EXTENSION, Party.PROVINCE).code == "no_pending_extension"
    assert construction_end(park.facts) == D(2028, 3, 15)
    park.on(D(2028, 3, 15))
    assert Action.APPLY_ACCEPTANCE in park.can(Party.PARK)
    park.on(D(2028, 3, 16))
    assert park.do(Action.MARK_CREATION_INCOMPLETE, Party.SYSTEM) is State.CREATION_INCOMPLETE


def test_a_shorter_or_refused_extension():
    park = approved_park(D(2024, 3, 15))
    park.on(D(2027, 1, 5), extension_requested_on=D(2027, 1, 5), extension_granted_on=D(2027, 2, 1), extension_months=6)
    assert construction_end(park.facts) == D(2027, 9, 15)
    park.on(D(2027, 4, 1), extension_granted_on=None, extension_months=None, extension_refused_on=D(2027, 2, 1))
    assert construction_end(park.facts) == D(2027, 3, 15)
    assert park.can(Party.SYSTEM) == (Action.MARK_CREATION_INCOMPLETE,)


def test_failed_verification_may_reapply_within_the_period_then_is_incomplete():
    park = approved_park(D(2024, 3, 15))
    park.on(D(2026, 9, 1))
    for action, actor in [
        (Action.APPLY_ACCEPTANCE, Party.PARK),
        (Action.FORWARD_ACCEPTANCE, Party.PROVINCE),
        (Action.START_VERIFICATION, Party.OFFICE),
    ]:
        park.do(action, actor)
    park.on(D(2026, 10, 31), verification_feedback_on=D(2026, 10, 31))
    park.do(Action.REQUEST_RECTIFICATION, Party.OFFICE)
    park.on(D(2026, 11, 30))
    assert park.refused(Action.EXPIRE_VERIFICATION_RECTIFICATION, Party.SYSTEM).code == "rectification_period_running"
    park.on(D(2026, 12, 1))  # 31 Oct + 1 month = 30 Nov
    assert park.refused(Action.RESUBMIT_AFTER_RECTIFICATION, Party.PARK).code == "rectification_period_over"
    assert park.do(Action.EXPIRE_VERIFICATION_RECTIFICATION, Party.SYSTEM) is State.ACCEPTANCE_FAILED
    assert Action.APPLY_ACCEPTANCE in park.can(Party.PARK)  # Art. 21: rectify and apply again
    park.on(D(2027, 3, 16))  # but not after the construction period
    assert park.refused(Action.APPLY_ACCEPTANCE, Party.PARK).code == "construction_period_over"
    assert park.do(Action.MARK_CREATION_INCOMPLETE, Party.SYSTEM) is State.CREATION_INCOMPLETE


def test_an_upheld_complaint_means_not_named_and_a_new_acceptance():
    park = approved_park()
    park.on(D(2026, 6, 1))
    for action, actor in [
        (Action.APPLY_ACCEPTANCE, Party.PARK),
        (Action.FORWARD_ACCEPTANCE, Party.PROVINCE),
        (Action.START_VERIFICATION, Party.OFFICE),
        (Action.PASS_VERIFICATION, Party.OFFICE),
        (Action.PASS_ACCEPTANCE_MEETING, Party.OFFICE),
        (Action.PUBLISH_NAMING_NOTICE, Party.OFFICE),
    ]:
        park.do(action, actor)
    assert park.state is State.IN_NAMING_NOTICE and not may_use_title(park.state)
    assert park.do(Action.UPHOLD_COMPLAINT, Party.OFFICE) is State.NOT_NAMED
    assert park.state in CONSTRUCTION_STATES
    assert park.do(Action.APPLY_ACCEPTANCE, Party.PARK) is State.ACCEPTANCE_APPLIED


def test_no_acceptance_with_a_pending_plan_revision():
    park = approved_park()
    park.on(D(2025, 5, 1), plan_revision_pending=True)
    park.do(Action.REQUIRE_PLAN_REVISION, Party.PROVINCE)
    assert park.refused(Action.APPLY_ACCEPTANCE, Party.PARK).code == "plan_revision_pending"
    park.do(Action.FILE_PLAN_REVISION, Party.PROVINCE)
    park.on(D(2025, 6, 1), plan_revision_pending=False)
    assert park.refused(Action.FILE_PLAN_REVISION, Party.PROVINCE).code == "no_plan_revision_pending"
    assert park.do(Action.APPLY_ACCEPTANCE, Party.PARK) is State.ACCEPTANCE_APPLIED


def test_recheck_restores_the_title():
    park = named_park()
    park.on(D(2027, 8, 1), warned_on=D(2027, 8, 1), rectification_deadline=D(2028, 2, 1))
    park.do(Action.WARN, Party.OFFICE, WarningReason.POLLUTION_COMPLAINTS)
    assert park.do(Action.SUBMIT_RECTIFICATION, Party.PARK) is State.UNDER_RECHECK
    assert not may_use_title(park.state)
    assert park.do(Action.PASS_RECHECK, Party.PROVINCE) is State.NAMED  # delegated recheck (Art. 26)
    assert may_use_title(park.state)


def test_revocation_reasons_that_the_facts_must_show():
    park = named_park()
    park.on(D(2030, 1, 1))
    assert park.refused(Action.REVOKE, Party.LEADING_GROUP, "two_failed_evaluations").article == 28
    assert park.refused(Action.REVOKE, Party.LEADING_GROUP, "voluntary").code == "reason_not_supported_by_facts"
    assert park.refused(Action.REVOKE, Party.LEADING_GROUP, "failed_after_rectification").article == 28
    park.on(D(2030, 1, 1), evaluations=(Evaluation(D(2029, 12, 1), False), Evaluation(D(2030, 1, 1), False)))
    park.on(D(2030, 1, 1), revocation_requested_on=D(2029, 12, 20), failed_rectifications=2)
    for reason in ("two_failed_evaluations", "voluntary", "repeated_warnings", "falsified_data", "other"):
        assert apply(park.state, Action.REVOKE, Party.LEADING_GROUP, park.facts, reason=reason).to_state is (
            State.REVOKED
        )
    # A deployment may switch the cross-checks off: the leading group's finding is then enough [rule].
    lenient = LifecycleRules(check_stated_reasons=False)
    fresh = named_park()
    assert (
        apply(fresh.state, Action.REVOKE, Party.LEADING_GROUP, fresh.facts, reason="voluntary", rules=lenient).to_state
        is State.REVOKED
    )


@pytest.mark.parametrize("reason", list(RevocationReason))
def test_only_reasons_one_to_three_ban_a_new_application(reason):
    park = Park(
        state=State.REVOKED, facts=ParkFacts(today=D(2025, 1, 1), revoked_on=D(2024, 6, 1), revocation_reason=reason)
    )
    banned = reason in {
        RevocationReason.SERIOUS_POLLUTION,
        RevocationReason.FALSIFIED_DATA,
        RevocationReason.FAILED_AFTER_RECTIFICATION,
    }
    assert (Action.SUBMIT_APPLICATION not in park.can(Party.PARK)) == banned


def test_ban_reasons_and_length_are_configurable():
    from scheduling.rules.periods import TimeRules

    rules = LifecycleRules(time=TimeRules(reapplication_ban_years=1), ban_reasons=frozenset())
    facts = ParkFacts(today=D(2025, 1, 1), revoked_on=D(2024, 6, 1), revocation_reason="serious_pollution")
    assert Action.SUBMIT_APPLICATION in allowed_actions(State.REVOKED, Party.PARK, facts, rules)
    rules = LifecycleRules(time=TimeRules(reapplication_ban_years=1))  # ban until 1 June 2025 inclusive
    assert Action.SUBMIT_APPLICATION not in allowed_actions(State.REVOKED, Party.PARK, facts, rules)
    on_last_day, after = replace(facts, today=D(2025, 6, 1)), replace(facts, today=D(2025, 6, 2))
    assert Action.SUBMIT_APPLICATION not in allowed_actions(State.REVOKED, Party.PARK, on_last_day, rules)
    assert Action.SUBMIT_APPLICATION in allowed_actions(State.REVOKED, Party.PARK, after, rules)


def test_provincial_programme_is_named_by_the_province():
    park = approved_park(programme=Programme.PROVINCIAL)
    park.on(D(2026, 6, 1))
    park.do(Action.APPLY_ACCEPTANCE, Party.PARK)
    park.do(Action.FORWARD_ACCEPTANCE, Party.PROVINCE)
    with pytest.raises(PartyNotAllowed) as info:
        park.do(Action.START_VERIFICATION, Party.OFFICE)
    assert info.value.allowed_parties == {Party.PROVINCE}
    for action in (
        Action.START_VERIFICATION,
        Action.PASS_VERIFICATION,
        Action.PASS_ACCEPTANCE_MEETING,
        Action.PUBLISH_NAMING_NOTICE,
    ):
        park.do(action, Party.PROVINCE)
    park.on(D(2026, 9, 1), naming_notice_last_day=D(2026, 8, 20))
    assert park.can(Party.LEADING_GROUP) == ()
    assert park.do(Action.NAME_PARK, Party.PROVINCE) is State.NAMED


# -- errors ------------------------------------------------------------------------------------------------


def test_illegal_transition_names_the_state_and_the_allowed_actions():
    park = approved_park()
    with pytest.raises(IllegalTransition) as info:
        park.do(Action.NAME_PARK, Party.PARK)
    error = info.value
    assert error.current_state is State.UNDER_CONSTRUCTION and error.action is Action.NAME_PARK
    assert error.allowed_actions == park.can(Party.PARK)
    assert Action.APPLY_ACCEPTANCE in error.allowed_actions
    assert "under_construction" in str(error) and "apply_acceptance" in str(error)


def test_wrong_actor_and_unknown_names():
    park = approved_park()
    with pytest.raises(PartyNotAllowed):
        park.do(Action.APPLY_ACCEPTANCE, Party.PROVINCE)
    with pytest.raises(PartyNotAllowed):
        park.do(Action.MARK_CREATION_INCOMPLETE, Party.PROVINCE)  # people do not fire deadlines
    with pytest.raises(ValueError):
        apply("under_construction", "fly_away", "park", park.facts)


def test_reason_only_where_the_article_has_grounds():
    park = approved_park()
    error = park.refused(Action.APPLY_ACCEPTANCE, Party.PARK, reason="other")
    assert error.code == "reason_not_applicable"


def test_action_options_explain_what_blocks():
    park = approved_park()
    park.on(D(2025, 1, 1))
    options = {o.action: o.blocked for o in action_options(park.state, Party.SYSTEM, park.facts)}
    assert options[Action.MARK_CREATION_INCOMPLETE].code == "construction_period_running"
    options = {o.action: o.blocked for o in action_options(park.state, Party.PARK, park.facts)}
    assert options[Action.APPLY_ACCEPTANCE] is None
    assert options[Action.WITHDRAW] is None


def test_allowed_actions_with_reasons_need_one_reason_to_pass():
    park = named_park()
    assert Action.WARN in park.can(Party.OFFICE)  # e.g. (1) or (5) are always open to the Office
    assert Action.REVOKE in park.can(Party.LEADING_GROUP)


# -- proposals and deadlines --------------------------------------------------------------------------------


def test_annual_report_proposals():
    park = named_park()  # approved 15 Mar 2024, named 20 Nov 2026
    reports = (AnnualReport(2024, D(2025, 6, 30), True), AnnualReport(2025, D(2026, 7, 2), True))
    park.on(D(2027, 6, 30), annual_reports=reports)
    keys = [p.key for p in warning_proposal_reasons(park.facts)]
    assert keys == ["annual_report:2025"]  # 2024 on time (30 June inclusive), 2025 two days late
    park.on(D(2027, 7, 1))
    keys = [p.key for p in warning_proposal_reasons(park.facts)]
    assert keys == ["annual_report:2025", "annual_report:2026"]  # 2026 now missing
    park.on(D(2027, 7, 1), annual_reports=(*reports, AnnualReport(2026, D(2027, 6, 1), False)))
    proposals = warning_proposal_reasons(park.facts)
    assert [p.key for p in proposals] == ["annual_report:2025", "annual_report_non_compliant:2026"]
    assert {(p.reason, p.article, p.item) for p in proposals} == {(WarningReason.ANNUAL_REPORT, 27, 4)}
    park.on(D(2027, 7, 1), addressed_proposal_keys=frozenset({"annual_report:2025"}))
    assert [p.key for p in warning_proposal_reasons(park.facts)] == ["annual_report_non_compliant:2026"]
    # The Office may warn on that ground; without a problem on record the ground is refused.
    assert park.do(Action.WARN, Party.OFFICE, WarningReason.ANNUAL_REPORT) is State.WARNED


def test_annual_reports_start_with_the_approval_year_by_default():
    park = approved_park(D(2024, 11, 20))
    park.on(D(2025, 7, 1))
    assert [p.key for p in warning_proposal_reasons(park.facts)] == ["annual_report:2024"]
    later = LifecycleRules(annual_report_from_approval_year=False)
    assert warning_proposal_reasons(park.facts, later) == []


def test_major_change_and_evaluation_proposals():
    park = named_park()
    on_time = tuple(AnnualReport(y, D(y + 1, 5, 1), True) for y in range(2024, 2029))
    park.on(D(2027, 9, 1), major_changes=(MajorChange(D(2027, 1, 15)),), annual_reports=on_time)
    assert [p.reason for p in warning_proposal_reasons(park.facts)] == [WarningReason.UNREPORTED_MAJOR_CHANGE]
    park.on(D(2029, 12, 1), major_changes=(), evaluations=(Evaluation(D(2029, 11, 25), passed=True),))
    assert warning_proposal_reasons(park.facts) == []
    assert park.refused(Action.WARN, Party.OFFICE, WarningReason.FAILED_EVALUATION).article == 27


def test_pending_deadlines_under_construction():
    park = approved_park(D(2024, 3, 15))
    park.on(D(2025, 2, 1), major_changes=(MajorChange(D(2024, 12, 31)),), annual_reports=(AnnualReport(2024, None),))
    deadlines = pending_deadlines(park.state, park.facts)
    assert [(d.kind, d.key, d.due, d.article, d.consequence) for d in deadlines] == [
        ("annual_report", "annual_report:2024", D(2025, 6, 30), 23, None),
        ("major_change_report", "major_change:2024-12-31", D(2025, 6, 30), 12, None),
        ("annual_report", "annual_report:2025", D(2026, 6, 30), 23, None),
        ("construction_period", "construction:2024-03-15", D(2027, 3, 15), 21, Action.MARK_CREATION_INCOMPLETE),
    ]


def test_pending_deadlines_while_warned_and_after_evaluations():
    park = named_park(D(2026, 11, 20))
    park.on(
        D(2030, 1, 10),
        evaluations=(Evaluation(D(2029, 12, 1), False),),
        warned_on=D(2030, 1, 10),
        rectification_deadline=D(2030, 7, 10),
    )
    park.do(Action.WARN, Party.OFFICE, WarningReason.FAILED_EVALUATION)
    by_kind = {d.kind: d for d in pending_deadlines(park.state, park.facts)}
    assert by_kind["warning_rectification"].due == D(2030, 7, 10)
    assert by_kind["warning_rectification"].consequence is Action.EXPIRE_RECTIFICATION
    assert by_kind["performance_evaluation"].due == D(2032, 11, 20)  # the 2nd cycle, from the naming date
    assert "construction_period" not in by_kind


def test_deadline_consequences_are_system_actions_from_that_state():
    # Every consequence a deadline names must be something the system may do from the state that has it.
    samples = [
        (approved_park().state, approved_park().facts),
        (State.RECTIFYING_VERIFICATION, ParkFacts(today=D(2025, 1, 1), verification_feedback_on=D(2024, 12, 1))),
        (State.WARNED, ParkFacts(today=D(2025, 1, 1), warned_on=D(2024, 1, 1), rectification_deadline=D(2024, 12, 31))),
    ]
    for state, facts in samples:
        for deadline in pending_deadlines(state, facts):
            if deadline.consequence is not None:
                assert state in rule_for(deadline.consequence).from_states
                assert parties_for(deadline.consequence) == {Party.SYSTEM}


def test_acceptance_states_and_named_states_are_disjoint_groups():
    assert not ACCEPTANCE_STATES & CONSTRUCTION_STATES
    assert not NAMED_STATES & (ACCEPTANCE_STATES | CONSTRUCTION_STATES)
    assert all(h in HUMANS or h is Party.SYSTEM for r in TRANSITIONS for h in r.parties)


def test_pure_cores_import_neither_flask_nor_sqlalchemy():
    code = (
        "import sys, scheduling.rules.calendar, scheduling.rules.year_files, scheduling.rules.periods\n"
        "import scheduling.rules.lifecycle\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in\n"
        "             {'flask', 'sqlalchemy', 'flask_sqlalchemy', 'marshmallow', 'ground'})\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
