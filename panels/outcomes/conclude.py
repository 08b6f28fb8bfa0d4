"""The panel concludes: the checks a conclusion must pass, and what it does to the park.

In order, each refusal a clear 4xx that changes nothing: the panel is not cancelled and has not concluded
(409 ``already_concluded``); its meeting day has come and the conclusion is dated on or after it (409
``meeting_not_held``); the kind can reach this conclusion and the reasons are given where it needs them
(422); the record is complete (place or video link, the panel's opinion, every seated member's attendance,
the Art. 17 check-list or the score sheet; 422 ``meeting_record_incomplete``); the quorum of the rule set is
met (409 ``below_quorum``). Refusals of a rule (second conclusion, meeting not held, quorum) are audited.

Then the conclusion is recorded and the lifecycle actions of :data:`PANEL_OUTCOMES` are taken through
``scheduling`` as the convening authority, dated the day of the conclusion, and the decisions people take
after it are proposed. All in the caller's transaction: a refusal of the lifecycle (say the park moved on)
rolls the conclusion back too.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ground.actor import Actor
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, InvalidInput
from ground.extensions import db
from ground.i18n import Msg, _l, day, listing
from ground.refusals import AuditedRefusal, refused
from panels.models import Panel
from panels.outcomes.meeting import meeting_of, open_meeting, seated_members
from panels.outcomes.models import PanelMeeting
from panels.rules.meeting_documents import checklist_gaps, items_not_met, score_total
from panels.rules.quorum import Quorum, assess_quorum, quorum_rule
from scheduling.models import Park
from scheduling.rules.lifecycle import (
    Action,
    Conclusion,
    OutcomeRule,
    PanelKind,
    Party,
    conclusions_for,
    outcome_rule,
    outcome_steps,
)
from scheduling.services import lock_park, propose_decision, take_panel_actions
from scheduling.wording import conclusion_name, panel_kind_name


class ConclusionRefused(AuditedRefusal, Conflict):
    """A rule refused the conclusion (409); audited after the rollback."""


def quorum_of(panel: Panel, meeting: PanelMeeting | None) -> Quorum:
    attendance = {a.expert_id: a.status for a in meeting.attendance} if meeting is not None else {}
    chair = meeting.chair_expert_id if meeting is not None else None
    return assess_quorum(panel.size, attendance, chair, quorum_rule(panel.rule_set.rules))


def conclude_panel(actor: Actor, panel: Panel, data: dict[str, Any], now: datetime) -> PanelMeeting:
    """Record the panel's conclusion and take (or propose) what it decides for the park."""
    today = shanghai_date(now)
    on: date = data.get("date") or today
    facts = {"panel_id": panel.id, "kind": panel.kind, "conclusion": data["conclusion"], "on": on.isoformat()}
    existing = meeting_of(panel, lock=True)
    if existing is not None and existing.conclusion is not None:
        raise refused(ConclusionRefused("already_concluded", _l(
            "The panel concluded on {concluded_on} ({conclusion_names}); it cannot conclude again.").format(
            concluded_on=day(existing.concluded_on), conclusion_names=conclusion_name(existing.conclusion))),
            "panel.conclusion_refused", "panel", panel.id, {**facts, "why": "already_concluded"})
    if panel.status == "cancelled":
        raise Conflict("panel_closed", _l("The panel is cancelled."))
    if today < panel.meeting_date or on < panel.meeting_date:
        raise refused(ConclusionRefused("meeting_not_held", _l(
            "The meeting is on {meeting_date}; the panel cannot conclude before it.").format(
            meeting_date=panel.meeting_date)),
            "panel.conclusion_refused", "panel", panel.id, {**facts, "why": "meeting_not_held"})
    if on > today:
        raise _invalid("date", _l("The conclusion cannot be dated after today."))
    rule = _rule_for(panel, data)
    meeting = open_meeting(actor, panel, now)
    db.session.flush()
    _check_record(panel, meeting)
    check_findings(panel, meeting, rule.conclusion)
    quorum = quorum_of(panel, meeting)
    if not quorum.met:
        chair = "" if quorum.chair_present or not quorum.chair_required else _l("; the chair is not present")
        raise refused(ConclusionRefused("below_quorum", _l(
            "{present} members present, fewer than the quorum "
            "of {required} of {seats} seats{chair}; the panel "
            "cannot conclude.").format(
            present=quorum.present,
            required=quorum.required,
            seats=quorum.seats,
            chair=chair), extra={"quorum": _quorum_dict(quorum)}),
            "panel.conclusion_refused", "panel", panel.id,
            {**facts, "why": "below_quorum", "quorum": _quorum_dict(quorum)})
    meeting.conclusion, meeting.reasons = rule.conclusion.value, data.get("reasons") or ""
    meeting.excellent = bool(data.get("excellent"))
    meeting.concluded_on, meeting.concluded_at, meeting.concluded_by = on, now, actor.label
    meeting.acted = False
    panel.status = "held"
    db.session.flush()  # the lifecycle's facts now see the conclusion, awaiting its actions
    effects = _act(actor, panel, meeting, rule, on, now)
    meeting.acted, meeting.effects = True, {**effects, "quorum": _quorum_dict(quorum)}
    db.session.flush()
    record(actor, "panel.concluded", "panel", panel.id, {**facts, "reasons": meeting.reasons, **meeting.effects},
           now=now)
    return meeting


def _act(actor: Actor, panel: Panel, meeting: PanelMeeting, rule: OutcomeRule, on: date,
         now: datetime) -> dict[str, Any]:
    park = lock_park(actor, panel.park_id)
    party = Party.OFFICE if panel.convened_by == "office" else Party.PROVINCE
    kind, conclusion = panel_kind_name(rule.kind), conclusion_name(rule.conclusion)
    # stored with the transition as the programme's record, in Chinese (the record's language)
    comment = _l("The {kind} panel concluded: {conclusion}.").format(kind=kind, conclusion=conclusion).get("zh")
    comment = f"{comment}{meeting.reasons}".strip()
    cites = {"panel": {"kind": rule.kind.value, "conclusion": rule.conclusion.value, "concluded_on": on.isoformat()}}
    steps = outcome_steps(rule, park.state)
    transitions = take_panel_actions(actor, park, steps, on, now, party=party, comment=comment, cites=cites,
                                     params={"excellent": meeting.excellent})
    proposals = []
    decision = rule.proposes
    if decision is not None and _supported(decision.action, park):
        key = f"failed_evaluation:{on.isoformat()}" if decision.action is Action.WARN \
            else f"{decision.action.value}:{decision.reason}:{on.isoformat()}"
        message = _l(
            "The {kind} panel concluded \"{value}\" on {on}: a decision is proposed (Art. {article}).").format(
            kind=kind, value=conclusion, on=day(on), article=decision.article)
        propose_decision(park, decision, key, on, message)
        proposals.append(key)
    db.session.flush()
    return {"transitions": [{"seq": t.seq, "action": t.action} for t in transitions], "proposals": proposals,
            "state": park.state}


def _supported(action: Action, park: Park) -> bool:
    """Revocation under Art. 28 (3) is proposed only after a failed evaluation's rectification failed."""
    if action is not Action.REVOKE:
        return True
    evaluations = [e for e in park.evaluations if e.cycle == park.cycle]
    return bool(evaluations) and not evaluations[-1].passed


def _rule_for(panel: Panel, data: dict[str, Any]) -> OutcomeRule:
    conclusion = Conclusion(data["conclusion"])
    rule = outcome_rule(panel.kind, conclusion)
    if rule is None:
        allowed = conclusions_for(panel.kind)
        raise _invalid("conclusion", _l(
            "A {kind} panel concludes {words}.").format(
            kind=panel_kind_name(panel.kind), words=listing([conclusion_name(c) for c in allowed], style="or")),
            "conclusion_not_for_kind")
    if conclusion is not Conclusion.PASS and not (data.get("reasons") or "").strip():
        raise _invalid("reasons", _l(
            "Pass after rectification and fail need the reasons (what to rectify, or why it fails)."))
    if data.get("excellent") and not (panel.kind == PanelKind.PERFORMANCE_EVALUATION
                                      and conclusion is Conclusion.PASS):
        raise _invalid("excellent", _l("Only a performance evaluation that passes can be rated excellent."))
    return rule


def _check_record(panel: Panel, meeting: PanelMeeting) -> None:
    missing: dict[str, list[Msg]] = {}
    if not (meeting.place or meeting.video_link):
        missing["place"] = [_l("Give the place or the video link.")]
    if not (meeting.opinion or "").strip():
        missing["opinion"] = [_l("Give the panel's opinion.")]
    recorded = {a.expert_id for a in meeting.attendance}
    unrecorded = [m.expert_id for m in seated_members(panel) if m.expert_id not in recorded]
    if unrecorded:
        missing["attendance"] = [_l("Attendance is not recorded for: {unrecorded}.").format(unrecorded=unrecorded)]
    if panel.kind == PanelKind.TECHNICAL_VERIFICATION:
        gaps = checklist_gaps(meeting.checklist)
        if gaps:
            missing["checklist"] = [_l("Art. 17 items not assessed: {gaps}.").format(gaps=gaps)]
    if panel.kind == PanelKind.PERFORMANCE_EVALUATION and score_total(meeting.score_sheet or []) is None:
        missing["score_sheet"] = [_l("Complete the score sheet (100 points).")]
    if missing:
        raise InvalidInput("meeting_record_incomplete", _l(
            "The meeting record is incomplete; the panel cannot conclude."), missing)


def check_findings(panel: Panel, meeting: PanelMeeting, conclusion: Conclusion) -> None:
    """A technical verification cannot pass on an item of Art. 17 found not met."""
    failing = items_not_met(meeting.checklist) if panel.kind == PanelKind.TECHNICAL_VERIFICATION else []
    if failing and conclusion is Conclusion.PASS:
        raise _invalid("conclusion", _l(
            "Art. 17 item(s) {failing} were found not met; the verification cannot pass.").format(
            failing=failing),
                       "findings_contradict_conclusion")


def _quorum_dict(quorum: Quorum) -> dict[str, Any]:
    return {"seats": quorum.seats, "required": quorum.required, "present": quorum.present,
            "chair_required": quorum.chair_required, "chair_present": quorum.chair_present, "met": quorum.met}


def _invalid(field: str, message: Msg, code: str | None = None) -> InvalidInput:
    return InvalidInput(code, message, {field: [message]})
