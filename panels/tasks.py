"""Scheduled work of panels: the invitations sweeper and the staff digest of the seats."""

from __future__ import annotations

from ground.sweeper import Sweeper
from panels.record.credit import sweep_credit
from panels.record.ratings import remind_conveners
from panels.seats.digest import send_digests
from panels.seats.sweep import sweep_invitations

SWEEPERS = [
    Sweeper("invitations", 60, sweep_invitations),
    Sweeper("invitation_digest", 3600, send_digests),
    Sweeper("rating_reminders", 900, remind_conveners),
    Sweeper("credit", 3600, sweep_credit),
]
