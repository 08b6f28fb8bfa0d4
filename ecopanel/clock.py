"""The application's clock: one place where requests, pages and sweeps read "now".

``CLOCK`` (a callable returning an aware instant) may be configured so tests and drills can move time
without sleeping and without depending on the date the suite happens to run; without it, the real UTC
instant. Rules never call this: they take
``now``/``today`` as arguments (STYLE.md, time).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, has_app_context

from ecopanel.timeutil import today_shanghai, utcnow


def now() -> datetime:
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return utcnow()


def today() -> date:
    """The programme's calendar date (Asia/Shanghai) at :func:`now`."""
    return today_shanghai(now())
