"""The programme in numbers: parks counted by state, province or city, within the caller's scope."""

from __future__ import annotations

from sqlalchemy import func, select

from ground.actor import Actor
from ground.extensions import db
from scheduling.models import Park
from scheduling.services.parks import scoped

_GROUPS = {"state": Park.state, "province": Park.province, "city": Park.city}


def park_counts(actor: Actor, by: str) -> dict[str, int]:
    """How many parks the caller may see, per ``state``, ``province`` or ``city`` (groups without parks left out)."""
    column = _GROUPS[by]
    query = scoped(actor, select(column, func.count(Park.id)).select_from(Park)).group_by(column)
    return {key: count for key, count in db.session.execute(query)}
