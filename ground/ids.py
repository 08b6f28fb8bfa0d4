"""Record ids that count nothing: random integers for rows whose sequence would tell what others did.

A sequential id is a counter anyone who sees two of them can read: a province that draws a panel on Monday
and another on Friday learns from the gap how many panels (and, from invitation ids, how many seats) other
authorities convened in between, although those panels are confidential (Art. 39). Rows of that kind take
``mapped_column(Integer, primary_key=True, default=random_id)``: a random id in ``1 .. 2**31 - 1`` (it fits
the INTEGER columns and the API's id range, ``ground.schemas.MAX_ID``), drawn from the operating system's
CSPRNG, checked against the table before the insert and drawn again on the rare collision.

The check and the insert are not atomic: two transactions that draw the same id in the same instant would
still collide at the insert (the primary key refuses the second), a chance of about one in two billion per
pair of concurrent inserts. Rows written before ids were random keep their sequential ids.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select

from ground.schemas import MAX_ID

_ATTEMPTS = 32
_TAKEN = "_ecopanel_random_ids"


def draw_id() -> int:
    return secrets.randbelow(MAX_ID) + 1


def random_id(context) -> int:
    """A column default (SQLAlchemy passes the statement's execution context): an id no row of the table has,
    nor any other row of the same multi-row insert."""
    table = context.compiled.statement.table
    taken: set[int] = context.__dict__.setdefault(_TAKEN, set())
    column = table.c.id
    for _ in range(_ATTEMPTS):
        candidate = draw_id()
        if candidate in taken:
            continue
        if context.connection.execute(select(column).where(column == candidate)).first() is None:
            taken.add(candidate)
            return candidate
    raise RuntimeError(f"no free random id in {table.name} after {_ATTEMPTS} attempts")  # pragma: no cover
