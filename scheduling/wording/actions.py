"""What people do to a park, in words: actions, what each one does, who acts, and the reasons of Art. 14, 27, 28."""

from __future__ import annotations

from ground.i18n import Msg, _l, _lp, as_is
from scheduling.rules.lifecycle import Action, Party, Phase

A = Action

ACTION_NAMES: dict[Action, Msg] = {
    A.SUBMIT_APPLICATION: _l("Submit the application"),
    A.START_PROVINCIAL_REVIEW: _l("Start the provincial review"),
    A.RETURN_MATERIALS: _l("Return the materials for completion"),
    A.RESUBMIT_APPLICATION: _l("Resubmit the application"),
    A.PASS_PLAN_ARGUMENTATION: _l("Plan argumentation passed"),
    A.PUBLISH_PUBLIC_NOTICE: _l("Publish the public notice"),
    A.APPROVE_CONSTRUCTION: _l("Approve construction"),
    A.REJECT_APPLICATION: _l("Reject the application"),
    A.WITHDRAW: _l("Withdraw"),
    A.REQUEST_EXTENSION: _l("Request an extension"),
    A.GRANT_EXTENSION: _l("Grant the extension"),
    A.REFUSE_EXTENSION: _l("Refuse the extension"),
    A.REPORT_MAJOR_CHANGE: _l("Report a major change"),
    A.ARGUE_MAJOR_CHANGE: _l("Argue the major change"),
    A.REQUIRE_PLAN_REVISION: _l("Require a plan revision"),
    A.FILE_PLAN_REVISION: _l("File the plan revision"),
    A.STOP_CREATION: _l("Stop the creation"),
    A.MARK_CREATION_INCOMPLETE: _l("Mark the creation incomplete"),
    A.APPLY_ACCEPTANCE: _l("Apply for acceptance"),
    A.REJECT_ACCEPTANCE: _l("Reject the acceptance application"),
    A.FORWARD_ACCEPTANCE: _l("Forward the acceptance application"),
    A.START_VERIFICATION: _l("Start the technical verification"),
    A.REQUEST_RECTIFICATION: _l("Request rectification"),
    A.RESUBMIT_AFTER_RECTIFICATION: _l("Resubmit after rectification"),
    A.EXPIRE_VERIFICATION_RECTIFICATION: _l("Rectification period lapsed"),
    A.PASS_VERIFICATION: _l("Verification passed"),
    A.FAIL_VERIFICATION: _l("Verification failed"),
    A.PASS_ACCEPTANCE_MEETING: _l("Acceptance meeting passed"),
    A.FAIL_ACCEPTANCE_MEETING: _l("Acceptance meeting failed"),
    A.PUBLISH_NAMING_NOTICE: _l("Publish the naming notice"),
    A.UPHOLD_COMPLAINT: _l("Uphold a complaint"),
    A.NAME_PARK: _l("Name the park"),
    A.DECLINE_NAMING: _l("Decline naming"),
    A.PASS_EVALUATION: _l("Evaluation passed"),
    A.FAIL_EVALUATION: _l("Evaluation failed"),
    A.COMMEND: _l("Commend"),
    A.WARN: _l("Warn"),
    A.SUBMIT_RECTIFICATION: _l("Submit the rectification"),
    A.PASS_RECHECK: _l("Recheck passed"),
    A.FAIL_RECHECK: _l("Recheck failed"),
    A.EXPIRE_RECTIFICATION: _lp("scheduling.wording.actions", "Rectification period lapsed"),
    A.REQUEST_REVOCATION: _l("Request revocation"),
    A.REVOKE: _l("Revoke the title"),
}

#: What the action does, said to the person about to take it (the state it leads to is shown beside it).
ACTION_EFFECTS: dict[Action, Msg] = {
    A.SUBMIT_APPLICATION: _l(
        "Sends the application and its four materials (letter, plan, compliance commitment, planning EIA) to the "
        "provincial departments."),
    A.START_PROVINCIAL_REVIEW: _l("Accepts the application and reviews the materials and the plan."),
    A.RETURN_MATERIALS: _l("Returns the materials to the park for completion."),
    A.RESUBMIT_APPLICATION: _l("Sends the completed materials again."),
    A.PASS_PLAN_ARGUMENTATION: _l("Records that the plan passed the expert argumentation."),
    A.PUBLISH_PUBLIC_NOTICE: _l("Publishes the notice for 5 working days (the official calendar decides the last)."),
    A.APPROVE_CONSTRUCTION: _l(
        "The notice is over and no objection is open: approves construction; the 3-year construction period "
        "starts on this date."),
    A.REJECT_APPLICATION: _l("Rejects the application; this cycle ends."),
    A.WITHDRAW: _l("The park withdraws; this cycle ends."),
    A.REQUEST_EXTENSION: _l("Asks once for up to one more year of construction."),
    A.GRANT_EXTENSION: _l("Grants the extension, for up to 12 months."),
    A.REFUSE_EXTENSION: _l("Refuses the extension; the period stays as it is."),
    A.REPORT_MAJOR_CHANGE: _l(
        "Reports in writing a change of name, agency, scope, indicators or key projects (within 6 months of the "
        "change)."),
    A.ARGUE_MAJOR_CHANGE: _l("Records that experts argued the major change."),
    A.REQUIRE_PLAN_REVISION: _l("Requires a revised plan; acceptance waits until it is filed."),
    A.FILE_PLAN_REVISION: _l("Records that the revised plan was argued and filed."),
    A.STOP_CREATION: _l("Stops the creation under Art. 14; choose the ground."),
    A.MARK_CREATION_INCOMPLETE: _l("The construction period ended without an application for acceptance."),
    A.APPLY_ACCEPTANCE: _l("Sends the acceptance application, the acceptance report and the electronic data."),
    A.REJECT_ACCEPTANCE: _l("The province finds the park not ready for acceptance."),
    A.FORWARD_ACCEPTANCE: _l("The province forwards the application to the Office for on-site verification."),
    A.START_VERIFICATION: _l("Starts the on-site technical verification."),
    A.REQUEST_RECTIFICATION: _l("Feeds back the problems; the park rectifies within 1 month."),
    A.RESUBMIT_AFTER_RECTIFICATION: _l("Sends the rectification for verification."),
    A.EXPIRE_VERIFICATION_RECTIFICATION: _l("The rectification period lapsed; acceptance failed."),
    A.PASS_VERIFICATION: _l("Verification passed; the acceptance meeting may follow."),
    A.FAIL_VERIFICATION: _l("Verification failed; no acceptance meeting."),
    A.PASS_ACCEPTANCE_MEETING: _l("The meeting passed the park; the naming notice may follow."),
    A.FAIL_ACCEPTANCE_MEETING: _l("The meeting did not pass the park."),
    A.PUBLISH_NAMING_NOTICE: _l("Publishes the naming notice for 5 working days."),
    A.UPHOLD_COMPLAINT: _l("A complaint during the naming notice was found true; the park is not named."),
    A.NAME_PARK: _l("The leading group names the park by joint document; it may use the title."),
    A.DECLINE_NAMING: _l("The leading group declines to name the park."),
    A.PASS_EVALUATION: _l("Records a passed evaluation (excellent if so)."),
    A.FAIL_EVALUATION: _l("Records a failed evaluation; a warning may follow."),
    A.COMMEND: _l("Commends a park rated excellent."),
    A.WARN: _l(
        "Warns the park, with up to 1 year to rectify and no use of the title meanwhile; choose the ground of "
        "Art. 27."),
    A.SUBMIT_RECTIFICATION: _l("Sends the rectification report for the recheck."),
    A.PASS_RECHECK: _l("The recheck passed; the title is restored."),
    A.FAIL_RECHECK: _l("The recheck failed; revocation may follow (Art. 28)."),
    A.EXPIRE_RECTIFICATION: _l("The rectification period lapsed."),
    A.REQUEST_REVOCATION: _l("The park asks for its title to be revoked."),
    A.REVOKE: _l("The leading group revokes the title; choose the ground of Art. 28."),
}

PARTY_NAMES: dict[Party, Msg] = {
    Party.PARK: _l("park management agency"),
    Party.PROVINCE: _l("provincial departments"),
    Party.OFFICE: _l("the Office"),
    Party.LEADING_GROUP: _l("the leading group"),
    Party.SYSTEM: _l("the system (a deadline passed)"),
}

PHASE_NAMES: dict[Phase, Msg] = {
    Phase.APPLICATION: _l("application"),
    Phase.CREATION: _l("creation"),
    Phase.NAMED: _l("named"),
    Phase.ENDED: _l("ended"),
}

#: The grounds of a stop (Art. 14, 12), a warning (Art. 27) and a revocation (Art. 28), by their stored values.
REASON_NAMES: dict[str, dict[str, Msg]] = {
    "stop_creation": {
        "pollution_complaints": _l("Art. 14 (1): a violation or pollution event with mass complaints"),
        "unreported_major_change": _l("Art. 14 (2): a major change not reported"),
        "other": _l("Art. 14 (3): another verified cause"),
        "major_change_impact": _l("Art. 12: the argued change makes the creation untenable"),
    },
    "warn": {
        "pollution_complaints": _l("Art. 27 (1): a violation or pollution event with mass complaints"),
        "unreported_major_change": _l("Art. 27 (2): a major change not reported"),
        "failed_evaluation": _l("Art. 27 (3): a failed performance evaluation"),
        "annual_report": _l("Art. 27 (4): the annual report late or non-compliant"),
        "other": _l("Art. 27 (5): other"),
    },
    "revoke": {
        "serious_pollution": _l("Art. 28 (1): serious pollution, a major emergency or a breach of a convention"),
        "falsified_data": _l("Art. 28 (2): falsified data"),
        "failed_after_rectification": _l("Art. 28 (3): a failed evaluation still failing after rectification"),
        "two_failed_evaluations": _l("Art. 28 (4): two consecutive failed evaluations"),
        "repeated_warnings": _l("Art. 28 (5): repeated warnings not rectified"),
        "no_dedicated_body": _l("Art. 28 (6): no dedicated body after a change of agency"),
        "voluntary": _l("Art. 28 (7): at the park's own request"),
        "other": _l("Art. 28 (8): other"),
    },
}


def action_name(action: Action | str) -> Msg:
    return ACTION_NAMES[Action(action)]


def party_name(party: Party | str) -> Msg:
    return PARTY_NAMES[Party(party)]


def phase_name(phase: Phase | str) -> Msg:
    return PHASE_NAMES[Phase(phase)]


def reason_name(action: Action | str, reason: str) -> Msg:
    """A ground in words; a reason recorded with another action (never expected) reads as itself."""
    return REASON_NAMES.get(Action(action).value, {}).get(reason) or next(
        (names[reason] for names in REASON_NAMES.values() if reason in names), as_is(reason))
