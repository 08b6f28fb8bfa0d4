"""Proposals before the people who decide: grounds for a warning (Art. 27), and the decisions a review panel's
conclusion leaves to people (naming, stopping a creation, revocation); listing, proposing and dismissing them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from ground.actor import Actor, Role
from ground.audit import record
from ground.clock import shanghai_date
from ground.errors import Conflict, Forbidden, not_found
from ground.extensions import db
from ground.i18n import Msg, _l
from scheduling import policy
from scheduling.models import Park, WarningProposalRecord
from scheduling.rules.lifecycle import Action, Programme, ProposedDecision
from scheduling.services.messages import FORBIDDEN
from scheduling.services.parks import get_park


def list_proposals(actor: Actor, filters: dict[str, Any], page: int, page_size: int):
    query = select(WarningProposalRecord).join(Park)
    if actor.role == Role.PROVINCE:
        query = query.where(Park.province == actor.province)
    elif not actor.is_office:
        raise Forbidden(None, FORBIDDEN)
    for key in ("status", "audience", "reason"):
        if filters.get(key):
            query = query.where(getattr(WarningProposalRecord, key) == filters[key])
    if filters.get("park_id"):
        query = query.where(WarningProposalRecord.park_id == filters["park_id"])
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.order_by(WarningProposalRecord.proposed_on.desc(), WarningProposalRecord.id)
                               .offset((page - 1) * page_size).limit(page_size)).all()
    return list(items), total


def propose_decision(park: Park, decision: ProposedDecision, key: str, on: date, message: Msg
                     ) -> WarningProposalRecord | None:
    """Put a decision before the people who take it (the system proposes, people decide); None when the same
    ground is already before them (e.g. a failed evaluation's warning, which the facts propose by themselves).

    Naming and revocation are the leading group's, entered by the Office; stopping a creation is the
    province's. In a provincial programme the province takes them all (Art. 41).
    """
    if any(p.key == key for p in park.proposals):
        return None
    office_decides = decision.action is not Action.STOP_CREATION and park.programme != Programme.PROVINCIAL
    row = WarningProposalRecord(
        key=key, reason=str(decision.reason), proposed_action=None if decision.action is Action.WARN
        else decision.action.value, article=decision.article, item=decision.item, message_zh=message.zh,
        message_en=message.en, audience="office" if office_decides else "province", status="open",
        proposed_on=on, decision_comment="")
    park.proposals.append(row)
    return row


def dismiss_proposal(actor: Actor, proposal_id: int, comment: str, now: datetime) -> WarningProposalRecord:
    """People decide: the Office (or the province, for its audience) dismisses a ground, with a reason."""
    found = db.session.execute(select(WarningProposalRecord, Park.province).join(Park)
                               .where(WarningProposalRecord.id == proposal_id)).first()
    if found is None or not policy.may_see_park(actor, found[1], found[0].park_id):
        # Another province's proposal does not exist for the caller (nor is its park named), at the same cost.
        raise not_found(_l("Warning proposal"), proposal_id)
    proposal = found[0]
    park = get_park(actor, proposal.park_id, lock=True)
    if not policy.may_decide_proposal(actor, park.province, proposal.audience):
        raise Forbidden(None, FORBIDDEN)
    if proposal.status != "open":
        raise Conflict("already_decided", _l("This proposal has been decided already."))
    proposal.status, proposal.decided_on = "dismissed", shanghai_date(now)
    proposal.decided_by_label, proposal.decision_comment = actor.label, comment.strip()
    db.session.flush()
    record(actor, "park.warning_proposal_dismissed", "park", park.id,
           {"key": proposal.key, "comment": proposal.decision_comment}, now=now)
    return proposal
