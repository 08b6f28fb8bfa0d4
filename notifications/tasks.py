"""Scheduled work of notifications: the outbox sender, the invitations sweeper and the staff digest."""

from __future__ import annotations

from datetime import datetime

from ground.sweeper import Sweeper


def send_due(now: datetime) -> int:
    """Deliver the due mails (see :mod:`notifications.outbox`); commits each claim and each outcome itself."""
    from notifications.outbox import send_due as send

    return send(now)


def sweep_invitations(now: datetime) -> int:
    """Reminders before the response deadline, silence at the deadline as a decline, meeting reminders."""
    from notifications.services import sweep_invitations as sweep

    return sweep(now)


def send_digests(now: datetime) -> int:
    """Tell staff who accepted, declined or stayed silent since the last digest."""
    from notifications.services import send_digests as digest

    return digest(now)


SWEEPERS = [
    Sweeper("outbox", 10, send_due),
    Sweeper("invitations", 60, sweep_invitations),
    Sweeper("invitation_digest", 3600, send_digests),
]
