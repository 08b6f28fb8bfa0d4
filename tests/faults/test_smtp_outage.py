"""The SMTP server is down (connection refused) for an hour: mails wait and retry with backoff, none is
dead-lettered for it, and once the server is back every mail arrives exactly once.

The clock is the application's (``CLOCK``), moved by the test; the outbox sweeper runs through the worker's
real ``tick`` every 10 s of that clock, as ``ecopanel worker`` schedules it. Nothing sleeps.
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from ecopanel.worker import Sweeper, tick
from ground.clock import wall_now
from notifications.delivery import backoff_delay
from notifications.models import OutboxMessage
from notifications.outbox import queue_mail
from notifications.tasks import send_due
from tests.notifications.conftest import SmtpServer, free_port, send_mail_to

pytestmark = pytest.mark.postgres_only

MAILS = 20
CONTEXT = {"park_id": 1, "park_name": "苏州工业园区", "province": "32", "kind": "annual_report",
           "kind_name": "annual report", "due": "2027-06-30", "article": 23,
           "provisional": False, "days_left": 7, "reminder": True, "recomputed": False, "previous_due": None}


class ShortestJitter(random.Random):
    """The worst case for dead-lettering: every backoff as short as the jitter allows (half the delay)."""

    def uniform(self, a, b):
        return a


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def minimum_retry_window(config) -> timedelta:
    """How long a mail is retried at the least before its last attempt fails (shortest jitter throughout)."""
    attempts = int(config["OUTBOX_MAX_ATTEMPTS"])
    base, cap = float(config["OUTBOX_BACKOFF_BASE_SECONDS"]), float(config["OUTBOX_BACKOFF_MAX_SECONDS"])
    return sum((backoff_delay(n, base, cap, ShortestJitter()) for n in range(1, attempts)), timedelta())


def test_the_configured_backoff_retries_for_a_day_before_dead_lettering(app):
    window = minimum_retry_window(app.config)
    # 17 attempts, 60 s doubling to a 6 h cap, equal jitter: at least 25 h 15 min.
    assert window >= timedelta(hours=24), window


@pytest.fixture
def smtp_down(app, monkeypatch):
    """A port with nothing listening (connection refused) that an aiosmtpd server can later take over."""
    server = SmtpServer(free_port())
    send_mail_to(server, app, monkeypatch)
    yield server
    server.stop()


def states(db) -> Counter:
    db.session.rollback()
    return Counter(db.session.scalars(select(OutboxMessage.state)))


@pytest.mark.parametrize("jitter", ["shortest", "random"])
def test_smtp_down_for_an_hour_then_every_mail_arrives_once(app, db, smtp_down, monkeypatch, jitter):
    monkeypatch.setattr("notifications.delivery._jitter", ShortestJitter() if jitter == "shortest" else random.Random(7))
    start = wall_now()
    clock = Clock(start)
    monkeypatch.setitem(app.config, "CLOCK", clock)
    for i in range(MAILS):
        queue_mail([f"to{i}@example.cn"], "deadline_reminder", CONTEXT)
    db.session.commit()
    db.session.remove()
    outbox = Sweeper("outbox", 10, send_due)

    outage = start + timedelta(hours=1, minutes=5)
    while clock.now < outage:  # the worker ticks every 10 s; every attempt meets a refused connection
        tick(app, outbox)
        clock.now += timedelta(seconds=10)
    assert states(db) == {"queued": MAILS}  # none dead-lettered, none lost
    rows = db.session.execute(select(OutboxMessage.attempts, OutboxMessage.last_error)).all()
    assert all(attempts >= 5 for attempts, _ in rows), rows  # it kept trying, backing off (not every tick)
    assert all(attempts <= 8 for attempts, _ in rows), rows
    assert all("ConnectionRefusedError" in error for _, error in rows), rows
    assert smtp_down.arrived == []
    db.session.remove()

    smtp_down.start()
    back = clock.now
    while states(db).get("sent", 0) < MAILS and clock.now < back + timedelta(hours=2):
        db.session.remove()
        tick(app, outbox)
        clock.now += timedelta(seconds=10)
    # The next attempt after an hour's failures comes within the current backoff (at most 64 min).
    assert clock.now - back <= timedelta(minutes=65)
    assert states(db) == {"sent": MAILS}
    ids = Counter(a.message["Message-ID"] for a in smtp_down.arrived)
    assert len(ids) == MAILS and set(ids.values()) == {1}
    assert sorted(a.rcpt_tos[0] for a in smtp_down.arrived) == sorted(f"to{i}@example.cn" for i in range(MAILS))
    assert db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.dead_at.is_not(None))) is None
