"""The staff's work: what is due, overdue, late or waiting for them, each item linking to where it is handled.

Every list comes from the owning domain's service, already filtered to the caller's scope (a province sees
its parks, its proposals, the panels it convened and the experts it contributed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app

from expert_pool.services import experts_due_for_review
from ground.actor import Actor
from ground.i18n import Msg, _l, _ln, _lp, as_is, bilingual, day, joined
from panels.services.stats import meetings_awaiting_responses, meetings_to_conclude
from scheduling.models import DeadlineRecord
from scheduling.notices import KIND_NAMES
from scheduling.reports import late_annual_reports
from scheduling.services import list_proposals
from scheduling.services.work import deadlines_ahead, deadlines_overdue
from scheduling.wording import panel_kind_name

DAYS_AHEAD = 30
SHOWN = 50  # items listed per section; the count above the list is always the full one


@dataclass(frozen=True)
class Item:
    href: str
    title: str
    detail: Msg | str = ""
    when: Msg | str = ""
    badge: Msg | None = None
    tone: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    heading: Msg
    empty: Msg
    items: list[Item]
    total: int
    more_href: str | None = None
    more: Msg | None = None


def _park_href(park_id: int) -> str:
    return f"/parks/{park_id}"  # scheduling's park page


def _kind(kind: str) -> Msg:
    return KIND_NAMES.get(kind) or as_is(kind)


def _deadline_item(d: DeadlineRecord, today: date) -> Item:
    days = (d.due - today).days
    if days >= 0:
        when = _ln("{due} ({n} day left)", "{due} ({n} days left)", days, due=day(d.due), n=days)
    else:
        when = _ln("{due} ({n} day ago)", "{due} ({n} days ago)", -days, due=day(d.due), n=-days)
    detail = _l("{kind} (Art. {article})").format(kind=_kind(d.kind), article=d.article)
    badge, tone = None, ""
    if d.state == "fired" and d.outcome == "blocked":
        badge, tone = _l("could not take effect: people must act"), "bad"
    elif d.provisional:
        badge, tone = _l("provisional date"), "warn"
    return Item(href=_park_href(d.park_id), title=d.park.name, detail=detail, when=when, badge=badge, tone=tone)


def deadlines_section(actor: Actor, today: date) -> Section:
    rows = deadlines_ahead(actor, today, DAYS_AHEAD)
    return Section("deadlines", _l("Due within 30 days"),
                   _l("Nothing falls due in the next 30 days."),
                   [_deadline_item(d, today) for d in rows[:SHOWN]], len(rows))


def overdue_section(actor: Actor, today: date) -> Section:
    rows = deadlines_overdue(actor, today)
    return Section("overdue", _l("Overdue"), _l("Nothing is overdue."),
                   [_deadline_item(d, today) for d in rows[:SHOWN]], len(rows))


REPORT_STATUS = {
    "missing": _l("not submitted"),
    "submitted": _l("submitted, awaiting the province's review"),
    "reviewed": _l("reviewed, awaiting forwarding to the Office"),
}


def reports_section(actor: Actor, today: date) -> Section:
    """One item per park (a park that stopped reporting would otherwise fill the list year after year)."""
    by_park: dict[int, tuple[Any, list[dict[str, Any]]]] = {}
    for park, row in late_annual_reports(actor, today):
        by_park.setdefault(park.id, (park, []))[1].append(row)
    items = []
    for park, rows in list(by_park.values())[:SHOWN]:
        oldest = rows[0]
        if len(rows) == 1:
            detail = _l("Annual report {year}: {status}").format(year=oldest["year"],
                                                                 status=REPORT_STATUS[oldest["status"]])
        else:
            detail = _l(
                "{n} annual reports, "
                "{first}–{last}, not forwarded").format(first=oldest["year"], last=rows[-1]["year"], n=len(rows))
        items.append(Item(href=_park_href(park.id), title=park.name, detail=detail,
                          when=_ln("{n} day late", "{n} days late", oldest['days_late'], n=oldest['days_late'])))
    return Section("reports", _l("Parks with annual reports late"),
                   _l("No annual report is late."), items, len(by_park))


DECIDES = {"office": _l("the Office decides"),
           "province": _l("the province decides")}


def proposals_section(actor: Actor) -> Section:
    proposals, total = list_proposals(actor, {"status": "open"}, 1, SHOWN)
    items = [Item(href=_park_href(p.park_id), title=p.park.name, detail=bilingual(p.message_zh, p.message_en),
                  when=_l("proposed {on}").format(on=day(p.proposed_on)),
                  badge=DECIDES.get(p.audience), tone="warn") for p in proposals]
    return Section("proposals", _l("Warning proposals awaiting a decision"),
                   _l("No warning proposal awaits a decision."), items, total)


def meetings_section(actor: Actor, today: date) -> Section:
    rows = meetings_awaiting_responses(actor, today)
    items = [Item(href=_park_href(m["park_id"]), title=m["park_name"],
                  detail=_l("{kind}: {pending} not answered, {accepted}/{size} accepted").format(
                      kind=panel_kind_name(m["kind"]), pending=m["pending"], accepted=m["accepted"], size=m["size"]),
                  when=_l("meeting {day}").format(day=day(m["meeting_date"])))
             for m in rows[:SHOWN]]
    return Section("meetings", _l("Meetings awaiting answers"),
                   _l("No meeting is waiting for answers."), items, len(rows))


def conclusions_section(actor: Actor, today: date) -> Section:
    rows = meetings_to_conclude(actor, today)
    items = [Item(href=f"/panels/{m['panel_id']}/meeting", title=m["park_name"],
                  detail=_l("{kind}: record the attendance and the conclusion").format(
                      kind=panel_kind_name(m["kind"])),
                  when=_l("meeting {day}").format(day=day(m["meeting_date"])),
                  badge=_ln(
                      "{n} day since",
                      "{n} days since",
                      m['days_since'], n=m['days_since']) if m["days_since"] else
                  _l("meets today"), tone="warn" if m["days_since"] > 0 else "ok")
             for m in rows[:SHOWN]]
    return Section("conclusions", _l("Meetings awaiting their conclusion"),
                   _l("No meeting awaits its conclusion."), items, len(rows))


def _review_reason(reason: str, expert: Any, months: int) -> Msg:
    if reason == "data_unconfirmed":
        return _ln("data not confirmed for {m} month", "data not confirmed for {m} months", months, m=months)
    end = day(expert.term_end) if expert.term_end else ""
    if reason == "term_ending":
        return _l("term ends on {day}").format(day=end)
    return _l("term ended on {day}").format(day=end)


def experts_section(actor: Actor, today: date) -> Section:
    config = current_app.config
    months = config["REVIEW_UNCONFIRMED_MONTHS"]
    rows, total = experts_due_for_review(actor, today, unconfirmed_months=months,
                                         term_ending_days=config["REVIEW_TERM_ENDING_DAYS"], page=1, page_size=8)
    items = []
    for row in rows:
        expert = row["expert"]
        reasons = [_review_reason(r, expert, months) for r in row["reasons"]]
        items.append(Item(href=f"/experts/{expert.id}", title=expert.name,
                          detail=joined(reasons, _lp("between sentences", "; "))))
    return Section("experts", _l("Experts needing attention"),
                   _l("No expert needs a review."), items, total,
                   more_href="/experts/review",
                   more=_l("Open the review list ({n})").format(n=total))


def work_sections(actor: Actor, today: date) -> list[Section]:
    return [deadlines_section(actor, today), overdue_section(actor, today), reports_section(actor, today),
            proposals_section(actor), meetings_section(actor, today), conclusions_section(actor, today),
            experts_section(actor, today)]
