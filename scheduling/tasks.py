"""Scheduled work of the park lifecycle: the deadline sweeper (ticked by ``ecopanel worker`` / the demo)."""

from __future__ import annotations

from datetime import datetime

from ground.sweeper import Sweeper


def sweep_deadlines(now: datetime) -> int:
    """Fire every deadline and reminder due at ``now``, batch by batch (see :mod:`scheduling.deadlines`)."""
    from scheduling.deadlines import sweep_deadlines as sweep

    return sweep(now)


SWEEPERS = [Sweeper("deadlines", 60, sweep_deadlines)]
