"""The pool in numbers: active experts per specialty or per province (the whole shared pool, Art. 37)."""

from __future__ import annotations

from sqlalchemy import func, select

from expert_pool import policy
from expert_pool.models import Expert, expert_specialties
from expert_pool.services.reading import FORBIDDEN
from ground.actor import Actor
from ground.errors import Forbidden
from ground.extensions import db


def expert_counts(actor: Actor, by: str, status: str = "active") -> dict[str, int]:
    """How many experts of ``status`` per ``specialty`` code or ``province`` code (an expert with several
    specialties counts once in each). Anyone who reads the pool may count it: the counts reveal nothing masked."""
    if not policy.may_read_pool(actor):
        raise Forbidden(None, FORBIDDEN)
    if by == "specialty":
        code = expert_specialties.c.specialty_code
        query = (select(code, func.count()).select_from(expert_specialties)
                 .join(Expert, Expert.id == expert_specialties.c.expert_id).group_by(code))
    elif by == "province":
        query = select(Expert.province, func.count()).group_by(Expert.province)
    else:
        raise ValueError(f"cannot count experts by {by!r}")
    return {key: count for key, count in db.session.execute(query.where(Expert.status == status))}
