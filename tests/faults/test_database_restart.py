"""The database "restarts" under the service (every backend of the test database is terminated): the service
recovers by itself, without a restart of its own.

* an idle pooled connection that died is noticed by ``pool_pre_ping`` and replaced: no request fails;
* a request whose connection dies mid-transaction or at COMMIT answers a clean bilingual ``503
  database_unavailable`` and leaves nothing half-written; the same request then succeeds;
* a sweep (deadlines, mail outbox) whose connection dies mid-batch resumes on the next tick and applies every
  due row exactly once.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ecopanel.worker import Sweeper, tick
from ground.audit import AuditEntry, verify_chain
from tests.conftest import Api
from tests.panels.conftest import park, park_state, pinned_clock, pool  # noqa: F401 - fixtures used here

pytestmark = pytest.mark.postgres_only

MEETING = "2027-03-10"
ZH_UNAVAILABLE = "数据库暂时不可用，请稍后重试。"
EN_UNAVAILABLE = "The database is temporarily unavailable; try again shortly."


@pytest.fixture
def api(client, make_user):
    _, token = make_user("office", password=None)  # token only: no (deliberately slow) password hash
    return Api(client, token)


def count(db, model) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def audit_entries(db) -> int:
    return count(db, AuditEntry)


# --- requests ----------------------------------------------------------------------------------------------

def test_engine_options_from_the_environment_keep_pre_ping(monkeypatch, tmp_path):
    from ecopanel.app import create_app

    monkeypatch.setenv("ECOPANEL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("ECOPANEL_SQLALCHEMY_ENGINE_OPTIONS", '{"pool_size": 20, "pool_recycle": 1800}')
    options = create_app({"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db.internal/ecopanel"}).config[
        "SQLALCHEMY_ENGINE_OPTIONS"]
    assert options == {"pool_pre_ping": True, "pool_size": 20, "pool_recycle": 1800}
    monkeypatch.setenv("ECOPANEL_SQLALCHEMY_ENGINE_OPTIONS", '{"pool_pre_ping": false}')
    assert create_app().config["SQLALCHEMY_ENGINE_OPTIONS"] == {"pool_pre_ping": False}  # said explicitly


def test_pre_ping_replaces_connections_killed_while_idle(app, db, api, killer, pg):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert api.get("/experts").status_code == 200  # a pooled connection now exists
    before = pg("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
    assert before >= 2  # ours and the app's idle pooled one
    assert killer.kill_all() >= 1

    for path in ("/experts", "/health", "/rule-sets"):
        response = api.get(path)
        assert response.status_code == 200, (path, response.status_code, response.json)


def test_without_pre_ping_the_first_request_is_a_clean_503_and_the_next_recovers(app, db, api, killer,
                                                                                 monkeypatch):
    """The control experiment: the kill really breaks pooled connections; even then no 500 and no restart."""
    assert api.get("/experts").status_code == 200
    # (``monkeypatch`` is set up after ``killer``, so it is undone before ``killer`` disposes of the engine,
    # and the pool recreated then pre-pings again for the tests that follow.)
    monkeypatch.setattr(db.engine.pool, "_pre_ping", False)
    killer.kill_all()
    failed = api.get("/experts", headers={"Accept-Language": "en"})
    assert failed.status_code == 503
    assert failed.json["code"] == "database_unavailable" and failed.json["message"] == EN_UNAVAILABLE
    assert api.get("/experts").status_code == 200  # the disconnect invalidated the pool: fresh connections


def test_a_draw_whose_connection_dies_mid_transaction_writes_nothing(app, db, api, killer, park, pool):  # noqa: F811
    from panels.models import Booking, Draw, Panel, PanelMember

    body = {"park_id": park.id, "kind": "acceptance_meeting", "meeting_date": MEETING, "size": 7, "alternates": 3}
    entries = audit_entries(db)
    db.session.remove()
    # Panel, draw, members and the audit entry are written; the bookings are next when the database goes.
    killer.arm(r"INSERT INTO bookings")
    failed = api.post("/panels", json=body)
    assert killer.kills == 1
    assert failed.status_code == 503, failed.json
    assert failed.json["code"] == "database_unavailable" and failed.json["message"] == ZH_UNAVAILABLE
    assert [count(db, m) for m in (Panel, Draw, PanelMember, Booking)] == [0, 0, 0, 0]
    assert audit_entries(db) == entries
    assert verify_chain().ok

    retried = api.post("/panels", json=body)
    assert retried.status_code == 201, retried.json
    assert [count(db, m) for m in (Panel, Draw, Booking)] == [1, 1, 7]
    assert verify_chain().ok


def test_a_request_whose_connection_dies_at_commit_is_a_503_not_a_conflict(app, db, api, killer,
                                                                           expert_payload):
    from expert_pool.models import Expert

    payload = expert_payload()
    db.session.commit()  # the organisation the payload names
    entries = audit_entries(db)
    db.session.remove()
    killer.arm("COMMIT")  # the request boundary's commit (ecopanel.app._commit)
    failed = api.post("/experts", json=payload, headers={"Accept-Language": "en"})
    assert killer.kills == 1
    assert failed.status_code == 503, failed.json
    assert failed.json["code"] == "database_unavailable" and failed.json["message"] == EN_UNAVAILABLE
    assert count(db, Expert) == 0 and audit_entries(db) == entries
    assert verify_chain().ok

    created = api.post("/experts", json=payload)
    assert created.status_code == 201, created.json
    assert count(db, Expert) == 1 and verify_chain().ok


# --- sweeps ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kill_at", [
    pytest.param((r"INSERT INTO audit_entries", 2), id="mid-batch"),  # the second batch's audit entries
    pytest.param(("COMMIT", 2), id="at-commit"),  # the second batch's commit
])
def test_a_deadline_sweep_whose_connection_dies_resumes_exactly_once(app, db, killer, monkeypatch, kill_at):
    from scheduling.tasks import sweep_deadlines
    from tests.scheduling.bulk import SWEEP_AT, effects, seed_due_parks

    seed_due_parks(300)
    db.session.remove()
    monkeypatch.setitem(app.config, "CLOCK", lambda: SWEEP_AT)
    sweeper = Sweeper("deadlines", 60, lambda now: sweep_deadlines(now, batch_size=100))

    killer.arm(*kill_at)
    assert tick(app, sweeper) == 0  # the tick failed (logged), the worker lives on
    assert killer.kills == 1
    assert effects()["fired"] == 100  # the first batch had committed; the second is gone whole
    db.session.remove()
    assert tick(app, sweeper) == 200  # the next tick
    assert effects() == {"fired": 300, "pending_due": 0, "failed": 0, "system_transitions": 300,
                         "parks_transitioned_twice": 0, "proposals": 0}
    report = verify_chain()
    assert report.ok and report.entries >= 300


class StepClock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


@pytest.mark.parametrize("kill_at", [
    pytest.param((r"WITH claimed", 2), id="claiming"),  # the second batch's claim
    pytest.param((r"SELECT outbox_attachments", 2), id="after-claim"),  # claimed and committed, not yet sent
    pytest.param((r"UPDATE outbox_messages SET state", 5), id="recording-an-outcome"),  # after the 250
    pytest.param(("COMMIT", 6), id="committing-an-outcome"),  # the claim's commit, then the 5th outcome's
])
def test_an_outbox_sweep_whose_connection_dies_delivers_every_mail_once(app, db, killer, monkeypatch, kill_at):
    from ground.clock import wall_now
    from notifications.models import OutboxMessage
    from notifications.outbox import queue_mail
    from notifications.tasks import send_due
    from tests.notifications.conftest import SmtpServer, send_mail_to

    server = SmtpServer()
    server.start()
    send_mail_to(server, app, monkeypatch)
    monkeypatch.setitem(app.config, "OUTBOX_BATCH_SIZE", 10)
    try:
        for i in range(30):
            queue_mail([f"to{i}@example.cn"], "deadline_reminder", {
                "park_id": 1, "park_name": "苏州工业园区", "province": "32", "kind": "annual_report",
                "kind_name": "annual report", "due": "2027-06-30", "article": 23,
                "provisional": False, "days_left": 7, "reminder": True, "recomputed": False, "previous_due": None})
        db.session.commit()
        db.session.remove()
        clock = StepClock(wall_now())
        monkeypatch.setitem(app.config, "CLOCK", clock)
        sweeper = Sweeper("outbox", 10, send_due)

        killer.arm(*kill_at)
        for _ in range(60):  # ticks 30 s apart: half an hour, well past a claim's lease (10 minutes)
            tick(app, sweeper)
            if count(db, OutboxMessage) == db.session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(OutboxMessage.state == "sent")):
                break
            db.session.remove()
            clock.now += timedelta(seconds=30)
        assert killer.kills == 1
        ids = Counter(a.message["Message-ID"] for a in server.arrived)
        assert len(ids) == 30 and set(ids.values()) == {1}, ids.most_common(3)
        assert Counter(db.session.scalars(select(OutboxMessage.state))) == {"sent": 30}
    finally:
        server.stop()
