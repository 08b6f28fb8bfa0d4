"""A park's timeline (``services.timeline``) as entries people read: what, when, who, which article.

The picture (:mod:`.picture`) and its text alternative draw the same entries. Annual reports fold into one
entry per year and a panel's draws and invitations into the entry of its convening, so that the picture stays
readable; the text keeps every date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ground.i18n import _l, _ln, _lp
from scheduling.pages.common import article, colon, convener_name, day, join, say
from scheduling.rules.lifecycle import PANEL_CALLS, PHASE_OF, State
from scheduling.wording import (
    CHANGE_SUBJECT_NAMES,
    DEADLINE_NAMES,
    EVENT_NAMES,
    NOTICE_NAMES,
    PROPOSAL_STATUS_NAMES,
    action_name,
    material_kind_name,
    named,
    panel_kind_name,
    party_name,
    reason_name,
    state_name,
)

PANEL_ARTICLES = {call.kind.value: call.article for call in PANEL_CALLS}


@dataclass
class Entry:
    on: date
    title: str
    detail: str = ""
    article: str = ""
    kind: str = "step"  # step (a transition), event (reports, changes, objections, proposals), panel, due
    tone: str = "application"  # a phase, or: event, panel, due, overdue
    ahead: bool = False
    provisional: bool = False
    notes: list[str] = field(default_factory=list)  # the text list only: comments, documents, every date
    documents: list[dict[str, Any]] = field(default_factory=list)


def _panel_kind(kind: str | None) -> str:
    return say(panel_kind_name(kind)) if kind else ""


def _transition(e: dict[str, Any]) -> Entry:
    who = say(party_name(e["actor"]))
    detail = f"{who} · {e['actor_label']}" if e.get("actor_label") else who
    notes = [say(_l(
        "State: {state_name} → {state_name2}").format(
        state_name=state_name(e['from_state']),
        state_name2=state_name(e['to_state'])))]
    if e.get("reason"):
        notes.append(say(reason_name(e["action"], e["reason"])))
    if e.get("comment"):
        notes.append(e["comment"])
    return Entry(e["on"], say(action_name(e["action"])), detail, article(e.get("article")), "step",
                 PHASE_OF[State(e["to_state"])].value, notes=notes,
                 documents=[{**d, "kind_name": say(material_kind_name(d["kind"]))} for d in e.get("documents") or []])


def _event(e: dict[str, Any]) -> Entry | None:
    kind = e["type"]
    name = say(named(EVENT_NAMES, kind))
    if kind == "major_change":
        subjects = join(say(named(CHANGE_SUBJECT_NAMES, s)) for s in e.get("subjects") or [])
        reported = (say(_l("reported {reported_on}").format(reported_on=day(e['reported_on'])))
                    if e.get("reported_on") else say(_l("not reported")))
        title = f"{name}{colon()}{subjects}" if subjects else name
        return Entry(e["on"], title, reported, article(12), "event", "event")
    if kind == "objection":
        resolved = (say(_l("under investigation")) if e.get("resolved_on") is None else
                    say(_l(
                        "found {value} on {resolved_on}").format(
                        value=_lp("objection finding", "true") if e.get("upheld")
                        else _lp("objection finding", "untrue"),
                        resolved_on=day(e['resolved_on']))))
        notice = e.get("notice")
        return Entry(e["on"], f"{name} · {say(named(NOTICE_NAMES, notice))}", resolved,
                     article(10 if notice == "public_notice" else 19), "event", "event")
    if kind == "warning_proposal":
        status = say(named(PROPOSAL_STATUS_NAMES, e.get("status")))
        return Entry(e["on"], f"{name}{colon()}{say(reason_name('warn', e['reason']))}", status,
                     article(e.get("article")), "event", "event", notes=[say(e.get("message"))])
    if kind == "panel_meeting" or kind == "panel_cancelled":
        by = convener_name(e.get("convened_by"))
        return Entry(e["on"], f"{name}{colon()}{_panel_kind(e.get('panel_kind'))}", by,
                     article(PANEL_ARTICLES.get(e.get("panel_kind") or "")), "panel", "panel")
    return None


def _panel_convened(e: dict[str, Any], steps: list[dict[str, Any]]) -> Entry:
    notes = [say(_l("meeting on {value}").format(value=day(e.get('meeting_date'))))]
    for s in steps:
        if s["type"] == "panel_drawn":
            notes.append(say(_l("draw round {value} on {on}").format(value=s.get('round'), on=day(s['on']))))
        else:
            notes.append(say(_l("invitations sent on {on}").format(on=day(s['on']))))
    if e.get("reason"):
        notes.append(say(_l("Office override: {reason}").format(reason=e['reason'])))
    title = f"{say(EVENT_NAMES['panel_convened'])}{colon()}{_panel_kind(e.get('panel_kind'))}"
    return Entry(e["on"], title, f"{convener_name(e.get('convened_by'))} · {notes[0]}",
                 article(PANEL_ARTICLES.get(e.get("panel_kind") or "")), "panel", "panel", notes=notes[1:])


def _reports(events: list[dict[str, Any]]) -> list[Entry]:
    by_year: dict[int, list[dict[str, Any]]] = {}
    for e in events:
        by_year.setdefault(e["year"], []).append(e)
    out = []
    for year, steps in sorted(by_year.items()):
        last = max(steps, key=lambda s: s["on"])
        dates = " · ".join(f"{say(named(EVENT_NAMES, s['type']))} {day(s['on'])}"
                           for s in sorted(steps, key=lambda s: s["on"]))
        late = any(s.get("late") for s in steps)
        title = say(_l("Annual report {year}").format(year=year))
        detail = say(named(EVENT_NAMES, last["type"])) + (say(_l(" (late)")) if late else "")
        out.append(Entry(last["on"], title, detail, article(23), "event", "overdue" if late else "event",
                         notes=[dates]))
    return out


def _due(d: dict[str, Any], today: date) -> Entry:
    left = d["days_left"]
    when = (say(_ln("{left} day left", "{left} days left", left, left=left)) if left > 0 else
            say(_l("due today")) if left == 0 else say(_ln(
                "{left} day overdue",
                "{left} days overdue",
                -left, left=-left)))
    notes = []
    if d.get("consequence"):
        then = action_name(d["consequence"])
        notes.append(say(_l("then: {then}").format(then=then)))
    if d.get("provisional"):
        notes.append(say(_l(
            "Provisional: the official holidays of that year are not published yet; counted Monday to Friday and "
            "recomputed once they are.")))
    return Entry(d["due"], say(named(DEADLINE_NAMES, d["kind"])), when, article(d.get("article")), "due",
                 "overdue" if left < 0 else "due", ahead=True, provisional=bool(d.get("provisional")), notes=notes)


def _capitalised(entries: list[Entry]) -> list[Entry]:
    # Names are written to sit inside sentences ("then: annual report due"); a title starts with a capital.
    for entry in entries:
        entry.title = entry.title[:1].upper() + entry.title[1:]
    return entries


def timeline_entries(tl: dict[str, Any]) -> list[Entry]:
    """Past entries in date order, then what lies ahead (panel meetings to come and deadlines) by date."""
    today: date = tl["today"]
    events = tl["events"]
    panel_steps: dict[Any, list[dict[str, Any]]] = {}
    for e in events:
        if e["type"] in ("panel_drawn", "panel_invitations_sent"):
            panel_steps.setdefault(e.get("panel_id"), []).append(e)
    entries: list[Entry] = []
    reports = [e for e in events if e["type"].startswith("annual_report_")]
    for e in events:
        if e["type"] == "transition":
            entries.append(_transition(e))
        elif e["type"] == "panel_convened":
            entries.append(_panel_convened(e, panel_steps.get(e.get("panel_id"), [])))
        elif not e["type"].startswith("annual_report_") and e["type"] not in ("panel_drawn", "panel_invitations_sent"):
            entry = _event(e)
            if entry is not None:
                entries.append(entry)
    entries.extend(_reports(reports))
    for entry in entries:
        entry.ahead = entry.on > today
    entries.extend(_due(d, today) for d in tl["due"])
    # stable: the service's order within a day (transitions first) is kept
    return _capitalised(sorted(entries, key=lambda x: (x.ahead, x.on)))
