"""Telling people about deadlines: the one integration point with the mail outbox.

Mail is queued in the same transaction as the change that causes it (``notifications.outbox.queue_mail``,
delivered after commit by the outbox). A notice is recorded on its deadline row in any case (the outcome
``queued``, ``no_recipients`` or ``no_outbox``) and shows on the park's timeline.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from sqlalchemy import or_, select

from ground.accounts import User
from ground.extensions import db
from ground.i18n import Msg, _l
from notifications.outbox import queue_mail
from notifications.recipients import group_by_language
from scheduling.models import Park

log = logging.getLogger(__name__)
TEMPLATE = "deadline_reminder"

# Who is responsible for each deadline besides the park itself [rule]: the provincial departments for the
# creation phase and annual reports (Art. 10-16, 23), the Office for acceptance, evaluation and warnings
# (Art. 17-19, 25-26). In a provincial programme (Art. 41) the province plays the Office's part.
RESPONSIBLE = {
    "public_notice": ("province",),
    "construction_period": ("park", "province"),
    "major_change_report": ("park", "province"),
    "annual_report": ("park", "province"),
    "verification_rectification": ("park", "office"),
    "naming_notice": ("office",),
    "performance_evaluation": ("park", "office"),
    "warning_rectification": ("park", "office"),
    "reapplication_ban": ("park", "province"),
}

# Each deadline in words (English msgids; the mail and the dashboard say them in the reader's language).
KIND_NAMES: dict[str, Msg] = {
    "public_notice": _l("public notice"),
    "construction_period": _l("construction period"),
    "major_change_report": _l("written report of a major change"),
    "annual_report": _l("annual report"),
    "verification_rectification": _l("rectification after the technical verification"),
    "naming_notice": _l("naming notice"),
    "performance_evaluation": _l("performance evaluation"),
    "warning_rectification": _l("rectification after a warning"),
    "reapplication_ban": _l("ban on a new application"),
}


def _outbox():
    """The function that queues a mail. A seam, not a plug-in point: tests replace it to watch what is queued,
    or with None to check that a notice without an outbox stays recorded (``no_outbox``)."""
    return queue_mail


def recipients(park: Park, audiences: Iterable[str]) -> dict[str, list[str]]:
    """Active users responsible for ``park`` in the given roles, grouped by language."""
    audiences = set(audiences)
    if park.programme == "provincial" and "office" in audiences:
        audiences = (audiences - {"office"}) | {"province"}
    clauses = []
    if "park" in audiences:
        clauses.append((User.role == "park") & (User.park_id == park.id))
    if "province" in audiences:
        clauses.append((User.role == "province") & (User.province == park.province))
    if "office" in audiences:
        clauses.append(User.role == "office")
    if not clauses:
        return {}
    return group_by_language(db.session.execute(
        select(User.email, User.language).where(User.active.is_(True), or_(*clauses)).order_by(User.email)))


def deadline_context(park: Park, kind: str, due, article: int, provisional: bool, **extra: Any) -> dict[str, Any]:
    # the kind's English msgid: the mail template translates it into each recipient's language
    return {"park_id": park.id, "park_name": park.name, "province": park.province, "kind": kind,
            "kind_name": str(KIND_NAMES.get(kind, kind)), "due": due.isoformat(), "article": article,
            "provisional": provisional, "days_left": None, "reminder": False, "recomputed": False,
            "previous_due": None, **extra}


def notify(park: Park, kind: str, context: dict[str, Any], dedupe_key: str,
           audiences: Iterable[str] | None = None) -> str:
    """Queue the deadline mail to the people concerned; returns ``queued``, ``no_recipients`` or ``no_outbox``."""
    queue = _outbox()
    if queue is None:
        log.info("no mail outbox; notice %s recorded only", dedupe_key)
        return "no_outbox"
    groups = recipients(park, audiences or RESPONSIBLE.get(kind, ("park", "province")))
    if not groups:
        return "no_recipients"
    for language, emails in groups.items():
        queue(emails, TEMPLATE, context, language=language, dedupe_key=f"{dedupe_key}:{language}",
                   related=("park", str(park.id)))
    return "queued"
