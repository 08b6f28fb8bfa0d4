"""Scheduled work of notifications: the outbox sender."""

from __future__ import annotations

from datetime import datetime

from ground.sweeper import Sweeper


def send_due(now: datetime) -> int:
    """Deliver the due mails (see :mod:`notifications.delivery`); commits each claim and each outcome itself."""
    from notifications.delivery import send_due as send

    return send(now)


SWEEPERS = [
    Sweeper("outbox", 10, send_due),
]
