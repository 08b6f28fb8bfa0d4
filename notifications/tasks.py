"""Scheduled work of notifications: the outbox sender (commits each claim and each outcome itself)."""

from __future__ import annotations

from ground.sweeper import Sweeper
from notifications.delivery import send_due

__all__ = ["SWEEPERS", "send_due"]

SWEEPERS = [
    Sweeper("outbox", 10, send_due),
]
