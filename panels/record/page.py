"""The credit record on an expert's page in the pool, for the Office only (the pages are the Office's and the
provinces'; a province sees the expert's status only, as in the API). The roof registers
:func:`expert_credit_section` as a source of the expert's page (``expert_pool.pages.register_expert_section``).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from expert_pool.models import Expert
from expert_pool.pages import Section
from ground.actor import Actor
from ground.clock import now as clock_now
from ground.extensions import db
from ground.i18n import Msg, _l, _lp, bilingual
from panels.models import Panel
from panels.record.conduct import conduct_of
from panels.record.credit import current_credit, on_senior_list
from panels.record.models import CreditProposal, ExpertRating
from panels.record.rule_data import current_credit_rules
from panels.rules.credit import CONDUCT_NAMES, PROPOSAL_NAMES, effective_credit_rules
from scheduling.wording import panel_kind_name

DERIVED = _l("Derived from attendance and invitations")


def expert_credit_section(actor: Actor, expert: Expert, today: date) -> Section | None:
    if not actor.is_office:
        return None
    credit, version = current_credit(expert.id, clock_now())
    deductions = effective_credit_rules(current_credit_rules().rules)["deductions"]  # the points shown
    ratings = list(db.session.scalars(select(ExpertRating).where(ExpertRating.expert_id == expert.id)))
    kinds = dict(db.session.execute(select(Panel.id, Panel.kind).where(
        Panel.id.in_({r.panel_id for r in ratings} | {c.panel_id for c in conduct_of(expert.id) if c.panel_id})
    )).all())
    rows: list[tuple[date, list[str | Msg]]] = []
    for r in ratings:
        rows.append((r.meeting_date, [r.meeting_date.isoformat(), _l("Rating"), _kind(kinds, r.panel_id),
                                      f"{r.total}（{r.competence}/{r.discipline}/{r.integrity}）", r.comment]))
    for c in conduct_of(expert.id):
        rows.append((c.on, [c.on.isoformat(), _lp("conduct", CONDUCT_NAMES[c.kind]), _kind(kinds, c.panel_id),
                            f"-{deductions.get(c.kind, 0)}", c.note or DERIVED]))
    rows.sort(key=lambda item: item[0], reverse=True)
    links: list[str | None] = [None] * len(rows)
    proposals = list(db.session.scalars(select(CreditProposal).where(
        CreditProposal.expert_id == expert.id, CreditProposal.status == "open").order_by(CreditProposal.proposed_on)))
    for p in proposals:  # first, each linking to where the Office decides it
        rows.insert(0, (p.proposed_on, [p.proposed_on.isoformat(), _l(
            "To decide: {value}").format(
            value=_lp("credit proposal", PROPOSAL_NAMES[p.action])), "—",
                                        f"{p.score}", bilingual(p.reason_zh, p.reason_en)]))
        links.insert(0, f"/credit-proposals#p-{p.id}")
    rules = effective_credit_rules(current_credit_rules().rules)
    if credit.rating_average is None:
        base = _l("no rating yet, from {neutral}").format(neutral=rules["neutral_score"])
    else:
        base = _l("ratings' mean {average} over {n}").format(average=credit.rating_average, n=credit.ratings)
    note = _l("Credit {score} ({base}; {deducted} deducted; rules version {version}).").format(
        score=credit.score, base=base, deducted=credit.deducted, version=version)
    if on_senior_list(expert.id):
        note = _l("{note} On the senior list.").format(note=note)
    return Section(key="credit", title=_l("Credit record"),
                   columns=[_l("Date"), _l("Entry"), _l("Panel"), _l("Points"),
                            _l("Note")],
                   rows=[cells for _, cells in rows], empty=_l("No rating or record yet."),
                   note=note, links=links)


def _kind(kinds: dict[int, str], panel_id: int | None) -> str | Msg:
    if panel_id is None or panel_id not in kinds:
        return "—"
    return panel_kind_name(kinds[panel_id])
