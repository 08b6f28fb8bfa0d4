"""The convener rates each member who attended, within the window after the meeting; the window's row carries
the reminder to the convener, fired once on the window's last day when ratings are missing.

Refusals, each a clear 4xx in both languages with nothing changed, and audited (``panel.rating_refused``): by
anyone but the convening authority (403, audited as ``not_the_convener``; the Office rates its own panels, not
a province's), before the meeting or after the window (409 ``rating_window_not_open`` /
``rating_window_closed``), for a member who did not attend or is not a member (422 ``not_attended``), a second
time (409 ``already_rated``).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import select

from expert_pool.models import Expert
from ground.actor import SYSTEM, Actor, Role
from ground.audit import record
from ground.clock import SHANGHAI, shanghai_date
from ground.errors import Conflict, Forbidden, InvalidInput
from ground.extensions import db
from ground.i18n import _l
from ground.refusals import AuditedRefusal, refused
from notifications.outbox import queue_mail
from panels.models import Panel
from panels.outcomes.meeting import meeting_of
from panels.outcomes.models import PanelMeeting
from panels.record.models import ExpertRating, RatingWindow
from panels.record.rule_data import current_credit_rules
from panels.rules.credit import RATING_PARTS, effective_credit_rules, rating_problems, rating_window
from panels.rules.credit import RatingWindow as Window
from panels.seats.digest import staff_recipients
from panels.seats.mail import panel_facts
from scheduling import calendar_service
from scheduling.wording import rule_text

ATTENDED = ("present", "left_early")
REMIND_HOUR = time(9, 0)  # on the window's last day, Beijing time


class RatingRefused(AuditedRefusal, Conflict):
    """A rule refused the rating (409); audited after the rollback."""


class RatingForbidden(AuditedRefusal, Forbidden):
    pass


class RatingInvalid(AuditedRefusal, InvalidInput):
    pass


def window_of(panel: Panel, now: datetime) -> Window:
    """The window of the rule set in use; once the meeting is held, the one its row fixed (and reminds of)."""
    row = db.session.get(RatingWindow, panel.id)
    if row is not None:
        return Window(panel.meeting_date, row.closes_on, row.provisional)
    days = effective_credit_rules(current_credit_rules().rules)["rating_window_working_days"]
    return rating_window(panel.meeting_date, days, calendar_service.get_calendar(now))


def is_convener(actor: Actor, panel: Panel) -> bool:
    if panel.convened_by == "office":
        return actor.is_office
    return actor.role == Role.PROVINCE and actor.province == panel.convened_by


def attended(panel: Panel) -> dict[int, str]:
    """expert id -> attendance status, as recorded for the meeting."""
    meeting = meeting_of(panel)
    return {a.expert_id: a.status for a in meeting.attendance} if meeting is not None else {}


def ensure_window(panel: Panel, now: datetime) -> RatingWindow:
    """The window's row (and so its reminder), created once the meeting has been held."""
    row = db.session.get(RatingWindow, panel.id)
    if row is None:
        window = window_of(panel, now)
        remind_at = datetime.combine(window.closes, REMIND_HOUR, SHANGHAI)
        row = RatingWindow(panel_id=panel.id, closes_on=window.closes, provisional=window.provisional,
                           remind_at=remind_at, state="pending")
        db.session.add(row)
        db.session.flush()
    return row


def rate_member(actor: Actor, panel: Panel, data: dict[str, Any], now: datetime) -> ExpertRating:
    """Rate one member who attended: competence, discipline, integrity (out of the rule set's maxima)."""
    expert_id = data["expert_id"]
    facts = {"panel_id": panel.id, "expert_id": expert_id}
    if not is_convener(actor, panel):
        raise refused(RatingForbidden(None, _l("Only the panel's convening authority rates its experts.")),
            "panel.rating_refused", "panel", panel.id, {**facts, "why": "not_the_convener"})
    today = shanghai_date(now)
    window = window_of(panel, now)
    state = window.state(today)
    if state != "open":
        code = "rating_window_not_open" if state == "not_open" else "rating_window_closed"
        message = _l(
            "The meeting is on {meeting_date}; experts are rated after it.").format(
            meeting_date=panel.meeting_date) \
            if state == "not_open" else _l(
                "The rating window closed on {closes} ({days} working days after the meeting).").format(
                closes=window.closes, days=_days(panel, now))
        raise refused(RatingRefused(code, message, extra={"closes_on": window.closes.isoformat()}),
                      "panel.rating_refused", "panel", panel.id, {**facts, "why": code})
    status = attended(panel).get(expert_id)
    if status not in ATTENDED:
        why = _l(
            "Expert {expert_id} did not attend the meeting ({status}); only members who attended are "
            "rated.").format(
            expert_id=expert_id,
            status=_l("absent") if status == "absent" else _l("no attendance recorded"))
        raise refused(RatingInvalid("not_attended", why, {"expert_id": [why]}),
                      "panel.rating_refused", "panel", panel.id, {**facts, "why": "not_attended"})
    existing = db.session.scalar(select(ExpertRating).where(ExpertRating.panel_id == panel.id,
                                                            ExpertRating.expert_id == expert_id))
    if existing is not None:
        raise refused(RatingRefused("already_rated", _l(
            "Expert {expert_id} was rated on {shanghai_date}; a rating is given once.").format(
            expert_id=expert_id, shanghai_date=shanghai_date(existing.rated_at))),
            "panel.rating_refused", "panel", panel.id, {**facts, "why": "already_rated"})
    rules = current_credit_rules()
    problems = rating_problems(data, rules.rules)
    if problems:
        first = next(iter(problems.values()))
        raise InvalidInput("bad_rating", rule_text(first), {k: [rule_text(v)] for k, v in problems.items()})
    scores = {part: data[part] for part in RATING_PARTS}
    rating = ExpertRating(panel_id=panel.id, expert_id=expert_id, meeting_date=panel.meeting_date, **scores,
                          total=sum(scores.values()), comment=data.get("comment") or "", rule_version=rules.version,
                          rated_by=actor.label, rated_at=now)
    db.session.add(rating)
    ensure_window(panel, now)
    db.session.flush()
    record(actor, "panel.rating", "expert", expert_id, {**facts, **scores, "total": rating.total,
                                                        "comment": rating.comment, "rule_version": rules.version},
           now=now)
    return rating


def _days(panel: Panel, now: datetime) -> int:
    """The window's length in working days (the rule set in use)."""
    return effective_credit_rules(current_credit_rules().rules)["rating_window_working_days"]


def ratings_view(panel: Panel, now: datetime) -> dict[str, Any]:
    """The window, the members who attended (rated or not) and the ratings given."""
    window = window_of(panel, now)
    statuses = attended(panel)
    ratings = {r.expert_id: r for r in db.session.scalars(select(ExpertRating).where(
        ExpertRating.panel_id == panel.id))}
    ids = [e for e, s in statuses.items() if s in ATTENDED]
    names = dict(db.session.execute(select(Expert.id, Expert.name).where(Expert.id.in_(ids))).all()) if ids else {}
    rules = effective_credit_rules(current_credit_rules().rules)
    return {"panel_id": panel.id, "meeting_date": panel.meeting_date, "opens_on": window.opens,
            "closes_on": window.closes, "provisional": window.provisional,
            "window": window.state(shanghai_date(now)), "rating_max": rules["rating_max"],
            "members": [{"expert_id": e, "name": names.get(e), "attendance": statuses[e],
                         "rating": _rating(ratings.get(e))} for e in sorted(ids)],
            "missing": sorted(e for e in ids if e not in ratings)}


def _rating(row: ExpertRating | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"competence": row.competence, "discipline": row.discipline, "integrity": row.integrity,
            "total": row.total, "comment": row.comment, "rated_by": row.rated_by, "rated_at": row.rated_at}


# --- the window's rows and the reminder ------------------------------------------------------------------------


def open_windows(now: datetime, limit: int = 200) -> int:
    """Give every held meeting (attendance recorded) its window row, so its reminder is scheduled."""
    query = (select(Panel).join(PanelMeeting, PanelMeeting.panel_id == Panel.id)
             .outerjoin(RatingWindow, RatingWindow.panel_id == Panel.id)
             .where(RatingWindow.panel_id.is_(None), Panel.status != "cancelled",
                    Panel.meeting_date <= shanghai_date(now), PanelMeeting.attendance.any())
             .order_by(Panel.meeting_date).limit(limit))
    panels = list(db.session.scalars(query))
    for panel in panels:
        ensure_window(panel, now)
    return len(panels)


def remind_conveners(now: datetime, limit: int = 200) -> int:
    """On the window's last day: tell the convener which members who attended are not rated yet. Each row is
    claimed (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and fired once; the mail's dedupe key guards the rest."""
    open_windows(now)
    query = (select(RatingWindow).where(RatingWindow.state == "pending", RatingWindow.remind_at <= now)
             .order_by(RatingWindow.remind_at).limit(limit))
    if db.engine.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(db.session.scalars(query))
    for row in rows:
        panel = db.session.get(Panel, row.panel_id)
        view = ratings_view(panel, now)
        row.state, row.fired_at = "fired", now
        if not view["missing"]:
            row.outcome = "complete"
            continue
        recipients = staff_recipients(panel)
        if not recipients:
            row.outcome = "no_recipient"
            continue
        names = {m["expert_id"]: m["name"] for m in view["members"]}
        for lang, emails in recipients.items():
            context = {**panel_facts(panel, lang), "closes_on": row.closes_on.isoformat(),
                       "missing": [names.get(e) or str(e) for e in view["missing"]],
                       "rated": len(view["members"]) - len(view["missing"]), "attended": len(view["members"])}
            queue_mail(emails, "rating_reminder", context, language=lang,
                       dedupe_key=f"rating_reminder:{panel.id}:{lang}", related=("panel", str(panel.id)))
        row.outcome = "reminded"
        record(SYSTEM, "panel.rating_reminder", "panel", panel.id, {"missing": view["missing"]}, now=now)
    return len(rows)
