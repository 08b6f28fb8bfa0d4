"""The one clock and the one time zone of the programme.

Instants are stored in UTC; programme dates are calendar dates in Asia/Shanghai (STYLE.md, time).

- :func:`now` is the application's clock: requests, pages, sweeps and services read "now" here. The
  ``CLOCK`` config key (a callable returning an aware instant) lets tests and drills move time without
  sleeping; without it, the real instant.
- :func:`wall_now` is the real instant, for what must not follow a moved clock (column defaults, token
  expiry, rate limits).
- Rules never read either: they take ``now``/``today`` as arguments.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator

# The programme's time zone, defined once for the whole tree. Pure rules never need it: they take Shanghai
# calendar dates, converted here (shanghai_date) by the services that read the clock.
SHANGHAI = ZoneInfo("Asia/Shanghai")


def wall_now() -> datetime:
    """The real UTC instant, whatever the application clock says."""
    return datetime.now(UTC)


def now() -> datetime:
    """The application's current instant (UTC): the configured ``CLOCK`` if any, else the real one."""
    if has_app_context():
        clock = current_app.config.get("CLOCK")
        if clock is not None:
            return clock()
    return wall_now()


def shanghai_date(instant: datetime) -> date:
    """The programme's calendar date at the aware ``instant`` (a naive one is ambiguous and refused)."""
    if not isinstance(instant, datetime):
        raise TypeError("instant must be a datetime")
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError("instant must be timezone-aware; naive datetimes are ambiguous")
    return instant.astimezone(SHANGHAI).date()


def today() -> date:
    """The programme's calendar date (Asia/Shanghai) at :func:`now`."""
    return shanghai_date(now())


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes for timezone-aware columns; they were stored as UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware instant stored in UTC; SQLite (which keeps no offset) returns it aware too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        return as_utc(value)
