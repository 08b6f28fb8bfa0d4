"""Words for the convening pages: kinds, statuses, funnel stages, exclusion reasons, rules in words."""

from __future__ import annotations

from typing import Any

from ground.i18n import _l, _ln, _lp, as_is
from panels.rules.rulesets import effective_rules
from panels.seats.answers import DECLINE_REASONS
from panels.services.expert_panels import PANEL_STATUSES, SEAT_STATUSES
from scheduling.pages.common import join, province_name, say
from scheduling.wording import panel_kind_name

STAGES = (("pool", _l("pool")), ("active", _l("active")),
          ("specialty", _l("specialty")), ("recusal", _l("no recusal")),
          ("available", _l("available")))
INVITATION_STATUSES = {
    "pending": _l("awaiting answer"), "accepted": _l("accepted"),
    "declined": _l("declined"), "expired": _l("no answer in time"),
    "cancelled": _l("withdrawn"),
}

EVENTS = {
    "created": _l("invitation created"), "opened": _l("opened by the expert"),
    "accepted": _lp("panels.pages.wording", "accepted"), "declined": _lp("panels.pages.wording", "declined"),
    "expired": _l("no answer in time"), "reminded": _l("reminder sent"),
    "meeting_reminded": _l("meeting reminder sent"),
    "rescheduled": _l("meeting moved, calendar updated"),
    "cancelled": _l("meeting cancelled"), "replacement": _l("seat filled by another"),
    "replacement_failed": _l("the seat could not be filled"),
    "mail_queued": _l("mail queued"), "mail_sending": _l("mail being sent"),
    "mail_deferred": _l("mail deferred, will retry"),
    "mail_delivered_to_server": _l("mail handed to the mail server"),
    "mail_dead": _l("mail could not be delivered (bounced)"),
}


def event_name(event: str) -> str:
    return say(EVENTS.get(event, as_is(event)))


def kind_name(kind: str) -> str:
    return say(panel_kind_name(kind)) if kind else kind


def panel_status(status: str) -> str:
    return say(PANEL_STATUSES.get(status, as_is(status)))


def seat_status(status: str) -> str:
    return say(SEAT_STATUSES.get(status, as_is(status)))


def invitation_status(status: str) -> str:
    return say(INVITATION_STATUSES.get(status, as_is(status)))


def funnel_rows(funnel: dict[str, int] | None) -> list[tuple[str, int]]:
    funnel = funnel or {}
    return [(say(name), funnel[key]) for key, name in STAGES if key in funnel]


def rules_in_words(rules: dict[str, Any], specialty_names: dict[str, str]) -> list[str]:
    """A rule set as sentences ("at most 1 per organisation; at least 3 of senior title; ...")."""
    r = effective_rules(rules)
    out: list[str] = []
    if r["max_per_organization"] is not None:
        out.append(say(_l("at most {n} per organisation").format(n=r["max_per_organization"])))
    if r["max_per_province"] is not None:
        out.append(say(_l("at most {n} per province").format(n=r["max_per_province"])))
    if r["own_province_cap"] == 0:
        out.append(say(_l("none from the park's own province (Office panels)")))
    elif r["own_province_cap"] is not None:
        out.append(say(_l(
            "at most {n} from the park's own province (Office panels)").format(n=r["own_province_cap"])))
    if r["min_senior"]:
        out.append(say(_l("at least {n} of senior title").format(n=r["min_senior"])))
    if r["chair_senior"]:
        out.append(say(_l("the chair of senior title")))
    for q in r["specialty_quotas"]:
        name = specialty_names.get(q["specialty"], q["specialty"])
        if q.get("min"):
            out.append(say(_l("at least {n} in {s}").format(s=name, n=q["min"])))
        if q.get("max") is not None and q.get("max", 50) < 50:
            out.append(say(_l("at most {n} in {s}").format(s=name, n=q["max"])))
    if r["relevant_specialties"]:
        names = join(specialty_names.get(s, s) for s in r["relevant_specialties"])
        out.append(say(_l("only experts of: {s}").format(s=names)))
    if r["yearly_panel_cap"]:
        out.append(say(_ln(
            "at most {n} panel per expert a year",
            "at most {n} panels per expert a year",
            r['yearly_panel_cap'], n=r['yearly_panel_cap'])))
    if r["min_rest_days"]:
        out.append(say(_ln(
            "at least {n} day between two meetings",
            "at least {n} days between two meetings",
            r['min_rest_days'], n=r['min_rest_days'])))
    out.append(say(_l("recusal of anyone who worked for the park's agency or companies in the last {n} years")
                   .format(n=r["employment_lookback_years"])))
    return out


def authority_name(code: str) -> str:
    return say(_lp("panels.pages.wording", "the Office")) if code == "office" else province_name(code)


def reason_words(text: str) -> str:
    """A decline's recorded reason ("<code>: <中文> — note") in the reader's words, the note as written."""
    code, _, rest = (text or "").partition(": ")
    label = DECLINE_REASONS.get(code)
    if label is None or not rest.startswith(label.zh):
        return text or ""
    return say(label) + rest[len(label.zh):]
