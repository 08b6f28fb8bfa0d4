"""Which meetings a staff user may see on the calendar, over a span of days, with the filters and the counts.

The rule is the panels' own (:func:`panels.services.access.in_panel_remit`, as the panels list applies it):
the Office sees every panel; a province sees in full the panels its authority convened (which includes the
provincial kinds the Office convened in its name). Of the other panels on its own parks (the Office's) it learns
what the park's timeline tells it (``panels.services.timeline``): only once the meeting day is over and the
meeting was not cancelled, and then only the park, the kind and the day — no place, no link, status "held".
Another province's panels, and the Office's before their day, are not there at all: not listed, not counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from expert_pool.rules.regions import PROVINCES
from ground.actor import Actor, Role
from ground.extensions import db
from panels.models import PANEL_KINDS, PANEL_STATUSES, Panel
from scheduling.models import Park

#: A span longer than this is cut: the feed and the page never load an unbounded number of rows.
MAX_MEETINGS = 2000


@dataclass(frozen=True)
class Filters:
    kind: str | None = None
    province: str | None = None  # the park's province code (the Office's filter)
    status: str | None = None

    @classmethod
    def read(cls, args) -> Filters:
        """From a query string; an unknown value is no filter (the form offers only the known ones)."""
        kind, province, status = (args.get(name, "") for name in ("kind", "province", "status"))
        return cls(kind if kind in PANEL_KINDS else None, province if province in PROVINCES else None,
                   status if status in PANEL_STATUSES else None)


@dataclass(frozen=True)
class Meeting:
    panel_id: int
    park_id: int
    park_name: str
    province: str
    kind: str
    day: date
    status: str
    location: str
    convened_by: str
    full: bool
    """In the viewer's remit (status, place, the panel's page); False: only park, kind and day after the fact."""


def may_use_calendar(actor: Actor) -> bool:
    return actor.is_office or (actor.role == Role.PROVINCE and bool(actor.province))


def _remit(actor: Actor, today: date):
    """The SQL condition of the panels the viewer may see (in full or after the fact); None: every panel."""
    if actor.is_office:
        return None
    return or_(Panel.convened_by == actor.province,
               and_(Park.province == actor.province, Panel.meeting_date < today, Panel.status != "cancelled"))


def visible_meetings(actor: Actor, start: date, end: date, today: date, filters: Filters = Filters()
                     ) -> list[Meeting]:
    """The meetings from ``start`` to ``end`` (both included) the viewer may see, filtered, by day then park."""
    if not may_use_calendar(actor):
        return []
    query = (select(Panel, Park.name, Park.province).join(Park, Park.id == Panel.park_id)
             .where(Panel.meeting_date >= start, Panel.meeting_date <= end)
             .order_by(Panel.meeting_date, Park.name, Panel.id).limit(MAX_MEETINGS))
    remit = _remit(actor, today)
    if remit is not None:
        query = query.where(remit)
    if filters.kind:
        query = query.where(Panel.kind == filters.kind)
    if filters.province:
        query = query.where(Park.province == filters.province)
    out = []
    for panel, park_name, province in db.session.execute(query).all():
        full = actor.is_office or panel.convened_by == actor.province
        status = panel.status if full else "held"  # what the park's timeline says of another's panel
        if filters.status and status != filters.status:
            continue
        out.append(Meeting(panel.id, panel.park_id, park_name, province, panel.kind, panel.meeting_date, status,
                           (panel.location or "") if full else "", panel.convened_by if full else "", full))
    return out


def kind_counts(meetings: list[Meeting]) -> list[tuple[str, int]]:
    """Each panel kind with its number of meetings (the Measures' order; kinds without a meeting left out)."""
    counts = Counter(m.kind for m in meetings)
    return [(kind, counts[kind]) for kind in PANEL_KINDS if counts[kind]]
