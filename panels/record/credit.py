"""An expert's credit: computed by the Office's rule set in use from the ratings and the conduct records in
force, kept as a history (a snapshot each time it changes), and the proposals a crossing makes for the Office to
decide. Accepting a suspension or a removal changes the expert's status through the pool's own service
(``expert_pool.services.change_status``: its rules, its history, its audit), so the draw stops at once: it only
takes active experts. Promotion puts the expert on the senior list (the accepted promotions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select

from expert_pool.models import Expert
from expert_pool.services import change_status
from ground.actor import SYSTEM, Actor
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, not_found
from ground.extensions import db
from ground.i18n import _l, _lp, bilingual
from panels.models import Invitation, InvitationEvent, PanelMember
from panels.outcomes.models import Attendance
from panels.record.conduct import conduct_of, sync_conduct
from panels.record.models import ConductRecord, CreditProposal, CreditSnapshot, ExpertRating
from panels.record.rule_data import current_credit_rules
from panels.rules.credit import (
    PROMOTE,
    PROPOSAL_NAMES,
    REMOVE,
    SUSPEND,
    Credit,
    RatingFact,
    compute_credit,
    effective_credit_rules,
    proposals_due,
)
from scheduling.wording import rule_text

STATUS_FOR = {SUSPEND: "suspended", REMOVE: "removed"}


def _credit_of(snapshot: CreditSnapshot | None) -> Credit | None:
    if snapshot is None:
        return None
    d = snapshot.detail
    return Credit(d["score"], d["rating_average"], d["ratings"], d["records"], d["deducted"])


def latest_snapshot(expert_id: int) -> CreditSnapshot | None:
    return db.session.scalar(select(CreditSnapshot).where(CreditSnapshot.expert_id == expert_id)
                             .order_by(CreditSnapshot.id.desc()).limit(1))


def on_senior_list(expert_id: int) -> bool:
    return db.session.scalar(select(CreditProposal.id).where(
        CreditProposal.expert_id == expert_id, CreditProposal.action == PROMOTE,
        CreditProposal.status == "accepted").limit(1)) is not None


def current_credit(expert_id: int, now: datetime) -> tuple[Credit, int]:
    rules = current_credit_rules()
    ratings = [RatingFact(on, total) for on, total in db.session.execute(
        select(ExpertRating.meeting_date, ExpertRating.total).where(ExpertRating.expert_id == expert_id)).all()]
    records = [(r.kind, r.on) for r in conduct_of(expert_id)]
    return compute_credit(ratings, records, rules.rules, shanghai_date(now)), rules.version


def refresh_credit(expert_id: int, now: datetime) -> list[CreditProposal]:
    """Derive the conduct records, recompute the credit, keep it if it changed and propose what a crossing calls
    for (one open proposal per action at most). Returns the new proposals."""
    expert = db.session.get(Expert, expert_id)
    rules = current_credit_rules()
    sync_conduct(expert_id, effective_credit_rules(rules.rules), now)
    credit, version = current_credit(expert_id, now)
    last = latest_snapshot(expert_id)
    previous = _credit_of(last)
    if previous is not None and previous.as_dict() == credit.as_dict():
        return []
    db.session.add(CreditSnapshot(expert_id=expert_id, on=shanghai_date(now), score=credit.score,
                                  detail=credit.as_dict(), rule_version=version, computed_at=now))
    due = proposals_due(previous, credit, rules.rules, status=expert.status, senior=on_senior_list(expert_id))
    open_actions = set(db.session.scalars(select(CreditProposal.action).where(
        CreditProposal.expert_id == expert_id, CreditProposal.status == "open")))
    made = []
    for action, why in due.items():
        if action in open_actions:
            continue
        reason = rule_text(why)  # stored in both languages, as the proposal keeps it
        proposal = CreditProposal(expert_id=expert_id, action=action, status="open", score=credit.score,
                                  reason_zh=reason.zh, reason_en=reason.en, rule_version=version,
                                  proposed_on=shanghai_date(now))
        db.session.add(proposal)
        made.append(proposal)
    db.session.flush()
    for proposal in made:
        record(SYSTEM, "credit.proposed", "expert", expert_id,
               {"proposal_id": proposal.id, "action": proposal.action, "score": proposal.score,
                "reason": proposal.reason_en}, now=now)
    return made


def sweep_credit(now: datetime, limit: int = 500) -> int:
    """Refresh the credit of the experts whose facts changed lately (attendance, answers, seats given up,
    ratings, records): the two last days, so a missed tick is caught up; refreshing is idempotent."""
    since = now - timedelta(days=2)
    ids: set[int] = set()
    ids |= set(db.session.scalars(select(Attendance.expert_id).where(Attendance.recorded_at >= since)))
    ids |= set(db.session.scalars(select(Invitation.expert_id).join(
        InvitationEvent, InvitationEvent.invitation_id == Invitation.id).where(
        InvitationEvent.at >= since, InvitationEvent.kind.in_(("declined", "expired")))))
    ids |= set(db.session.scalars(select(PanelMember.expert_id).where(
        PanelMember.changed_at >= since, or_(PanelMember.status == "declined", PanelMember.status == "withdrawn"))))
    ids |= set(db.session.scalars(select(ExpertRating.expert_id).where(ExpertRating.rated_at >= since)))
    ids |= set(db.session.scalars(select(ConductRecord.expert_id).where(ConductRecord.recorded_at >= since)))
    for expert_id in sorted(ids)[:limit]:
        refresh_credit(expert_id, now)
    return len(ids)


# --- reading ------------------------------------------------------------------------------------------------------


def may_see_credit(actor: Actor, expert_id: int) -> bool:
    """The Office, and the expert themself. A province sees the expert's status only (what the draw uses), not
    the score or the records: ratings are the conveners' confidential judgements (README)."""
    return actor.is_office or actor.expert_id == expert_id


def credit_view(actor: Actor, expert: Expert, now: datetime) -> dict[str, Any]:
    if not may_see_credit(actor, expert.id):
        raise Forbidden(None, _l("Only the Office and the expert themself see the credit record."))
    credit, version = current_credit(expert.id, now)
    history = db.session.scalars(select(CreditSnapshot).where(CreditSnapshot.expert_id == expert.id)
                                 .order_by(CreditSnapshot.id.desc()).limit(100))
    ratings = db.session.scalars(select(ExpertRating).where(ExpertRating.expert_id == expert.id)
                                 .order_by(ExpertRating.meeting_date.desc()).limit(100))
    proposals = db.session.scalars(select(CreditProposal).where(CreditProposal.expert_id == expert.id)
                                   .order_by(CreditProposal.proposed_on.desc()))
    office = actor.is_office
    return {"expert_id": expert.id, "status": expert.status, "senior_list": on_senior_list(expert.id),
            **credit.as_dict(), "rule_version": version,
            "history": [{"on": s.on, "score": s.score, "rule_version": s.rule_version, **s.detail} for s in history],
            "rating_list": [{"panel_id": r.panel_id if office else None, "meeting_date": r.meeting_date,
                         "competence": r.competence, "discipline": r.discipline, "integrity": r.integrity,
                         "total": r.total, "comment": r.comment} for r in ratings],
            "conduct": [{"id": r.id, "kind": r.kind, "on": r.on, "panel_id": r.panel_id if office else None,
                         "source": r.source, "note": r.note, "recorded_by": r.recorded_by if office else None,
                         "recorded_at": r.recorded_at} for r in conduct_of(expert.id)],
            "proposals": [present_proposal(p) for p in proposals] if office else []}


def present_proposal(p: CreditProposal) -> dict[str, Any]:
    return {"id": p.id, "expert_id": p.expert_id, "action": p.action,
            "action_name": _lp("credit proposal", PROPOSAL_NAMES[p.action]),
            "status": p.status, "score": p.score, "reason": bilingual(p.reason_zh, p.reason_en),
            "rule_version": p.rule_version, "proposed_on": p.proposed_on, "decided_by": p.decided_by,
            "decided_at": p.decided_at, "decision_reason": p.decision_reason}


def list_proposals(status: str | None) -> list[CreditProposal]:
    query = select(CreditProposal).order_by(CreditProposal.proposed_on, CreditProposal.id)
    if status and status != "all":
        query = query.where(CreditProposal.status == status)
    return list(db.session.scalars(query))


def get_proposal(proposal_id: int, *, lock: bool = False) -> CreditProposal:
    query = select(CreditProposal).where(CreditProposal.id == proposal_id)
    found = db.session.scalar(query.with_for_update() if lock else query)
    if found is None:
        raise not_found(_l("Credit proposal"), proposal_id)
    return found


def decide_proposal(actor: Actor, proposal_id: int, data: dict[str, Any], now: datetime) -> CreditProposal:
    """The Office accepts (the status change follows) or rejects a proposal, with its reason; once."""
    proposal = get_proposal(proposal_id, lock=True)
    if proposal.status != "open":
        raise Conflict("already_decided", _l(
            "The proposal was decided on {shanghai_date} by {decided_by}.").format(
            shanghai_date=shanghai_date(proposal.decided_at), decided_by=proposal.decided_by))
    expert = db.session.get(Expert, proposal.expert_id)
    accepted = data["decision"] == "accept"
    if accepted and proposal.action in STATUS_FOR:
        # the status change's reason, stored in the record's language (Chinese)
        why = _l("Credit decision: {action}. {reason}").format(
            action=_lp("credit proposal", PROPOSAL_NAMES[proposal.action]), reason=data["reason"]).get("zh")
        change_status(actor, expert, STATUS_FOR[proposal.action], why, shanghai_date(now))
    proposal.status = "accepted" if accepted else "rejected"
    proposal.decided_by, proposal.decided_at, proposal.decision_reason = actor.label, now, data["reason"]
    db.session.flush()
    record(actor, "credit.decided", "expert", expert.id,
           {"proposal_id": proposal.id, "action": proposal.action, "decision": proposal.status,
            "reason": data["reason"], "score": proposal.score}, now=now)
    return proposal
