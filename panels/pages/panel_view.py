"""What a panel's page shows, read through the API's services (``present_panel``, ``panel_invitations``)
in the reader's words: members with their answers, alternates, rounds, history; for the Office the chances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ground.actor import Actor
from ground.clock import as_utc
from ground.extensions import db
from ground.i18n import _l
from panels.models import Panel
from panels.pages.chances import chances_picture
from panels.pages.wording import (
    authority_name,
    event_name,
    funnel_rows,
    invitation_status,
    kind_name,
    panel_status,
    reason_words,
    seat_status,
)
from panels.seats import present
from panels.services import present_panel
from scheduling.models import Park
from scheduling.pages.common import say

BOUNCED = ("mail_dead",)


def _time_left(respond_by: datetime, now: datetime) -> str:
    left = as_utc(respond_by) - now
    if left.total_seconds() <= 0:
        return say(_l("past the deadline"))
    days, hours = left.days, left.seconds // 3600
    return say(_l("{d} d {h} h left").format(d=days, h=hours))


def _answer(inv: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    if inv is None:
        return {"state": "not_invited", "words": say(_l("not invited yet")), "detail": ""}
    bounced = any(h["event"] in BOUNCED for h in inv.get("history", []))
    words = invitation_status(inv["status"])
    detail = ""
    if inv["status"] == "pending":
        words = say(_l("silent"))
        detail = _time_left(inv["respond_by"], now)
    elif inv["status"] == "declined" and inv["decline_reason"]:
        detail = reason_words(inv["decline_reason"])
    if bounced:
        words, detail = say(_l("mail bounced")), detail
    return {"state": "bounced" if bounced else inv["status"], "words": words, "detail": detail}


def _origin(status_reason: str, names: dict[str, str]) -> str:
    """Why a member holds the seat: promoted or drawn for someone who declined (from the seat's record)."""
    for prefix, words in (("promoted for ", _l("promoted alternate (for {e})")),
                          ("replacement for ", _l("replacement draw (for {e})"))):
        if status_reason.startswith(prefix):
            who = status_reason[len(prefix):]
            return say(words.format(e=names.get(who, who)))
    return ""


def _number(key: str, value: float | bool) -> str:
    if key == "fairness_certified":
        yes = _l("yes (the least chance is within 95 per cent of the best)")
        return say(yes if value else _l("no"))
    if key == "unavailable_elsewhere":
        return str(value)
    if key == "fairness_ratio":
        return f"{value:.1%}"
    return "< 0.0001" if 0 < value < 0.0001 else f"{value:.4f}"


def _round(d: dict[str, Any]) -> dict[str, Any]:
    """A draw round; the numbers a province may not get (null in its view) are simply not shown."""
    return {**d, "funnel_rows": funnel_rows(d.get("funnel")),
            "purpose_words": say({"initial": _l("first draw"), "wave": _l("drawn with its wave")}.get(
                d["purpose"], _l("replacement draw"))),
            "numbers": [(say(label), _number(key, d[key])) for key, label in (
                ("unavailable_elsewhere", _l("unavailable through other authorities")),
                ("min_probability", _l("lowest chance")),
                ("gap", _l("gap to optimum")),
                ("fairness_ratio", _l("fairness ratio")),
                ("fairness_certified", _l("fairness certified"))) if d.get(key) is not None]}


def panel_context(actor: Actor, panel: Panel, now: datetime) -> dict[str, Any]:
    shown = present_panel(panel, reveal_all=actor.is_office)
    invitations = present.panel_invitations(actor, panel, 1, 500)["items"]
    latest = {}
    for inv in invitations:
        latest[inv["expert_id"]] = inv
    names = {str(m["expert_id"]): m.get("name", "") for m in shown["members"] + shown["history"]}
    members = [{**m, "seat": seat_status(m["status"]), "answer": _answer(latest.get(m["expert_id"]), now),
                "origin": _origin(m.get("status_reason") or "", names)} for m in shown["members"]]
    history = [{**m, "seat": seat_status(m["status"]), "answer": _answer(latest.get(m["expert_id"]), now),
                "reason": reason_words(m.get("status_reason") or "")} for m in shown["history"]]
    waiting = [m for m in members if m["status"] == "drawn" and m["expert_id"] not in latest]
    park = db.session.get(Park, panel.park_id)
    open_panel = panel.status not in ("cancelled", "held")
    return {
        "panel": shown, "park": park, "kind": kind_name(panel.kind), "status": panel_status(panel.status),
        "convener": authority_name(panel.convened_by), "members": members, "alternates": shown["alternates"],
        "history": history, "rounds": [_round(d) for d in shown["draws"]], "waiting": waiting,
        "invitations": [{**i, "status_words": invitation_status(i["status"]),
                         "events": [(h["at"], event_name(h["event"])) for h in i.get("history", [])]}
                        for i in invitations],
        "chances": chances_picture(panel) if actor.is_office else None, "is_office": actor.is_office,
        "open": open_panel, "replaceable": [m for m in members if open_panel],
        "today": now.date().isoformat(),
    }
