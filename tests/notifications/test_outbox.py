"""The outbox against a real SMTP server: delivery, retries, a server down, rollbacks, racing workers."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ground.clock import wall_now
from notifications.delivery import backoff_delay, claim_due, send_due
from notifications.models import OutboxMessage
from notifications.outbox import MailAttachment, queue_mail
from tests.notifications.conftest import html_part, text_part


def deadline_context(**over):
    context = {"park_id": 1, "park_name": "苏州工业园区", "province": "32", "kind": "annual_report",
               "kind_name": "annual report", "due": "2027-06-30", "article": 23,
               "provisional": False, "days_left": 7, "reminder": True, "recomputed": False, "previous_due": None}
    context.update(over)
    return context


def queue(n: int = 1, **kw) -> list[OutboxMessage]:
    rows = [queue_mail([f"to{i}@example.cn"], "deadline_reminder", deadline_context(), **kw) for i in range(n)]
    return rows


def rows(db) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_queued_mail_is_delivered_once_with_its_stable_message_id(db, smtp):
    row = queue_mail(["zhang@example.cn", "li@example.cn"], "deadline_reminder", deadline_context(),
                     related=("park", "1"),
                     attachments=[MailAttachment("note.txt", "text/plain; charset=UTF-8", "附件".encode())])
    message_id = row.message_id
    db.session.commit()
    assert smtp.arrived == []  # queued, not sent: delivery is the worker's job, after commit

    assert send_due(wall_now()) == 1
    [arrived] = smtp.arrived
    assert sorted(arrived.rcpt_tos) == ["li@example.cn", "zhang@example.cn"]
    message = arrived.message
    assert message["Message-ID"] == message_id
    assert message["Subject"] == "【生态工业园区】苏州工业园区：年度工作报告将于 2027年6月30日 到期"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "距今还有 7 天" in text_part(message)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "note.txt" and attachment.get_content() == "附件"

    [stored] = rows(db)
    assert (stored.state, stored.attempts, stored.claimed_by) == ("sent", 1, None)
    assert stored.server_reply.startswith("250 2.0.0 Ok: queued as Q1")
    assert send_due(wall_now() + timedelta(days=1)) == 0  # never again
    assert len(smtp.arrived) == 1


def test_one_template_speaks_each_recipients_language(db, smtp):
    """The same template and context, queued for a Chinese and an English reader: each mail in its reader's
    words, dates and plural forms by locale."""
    queue_mail(["zhang@example.cn"], "deadline_reminder", deadline_context(days_left=1), language="zh")
    queue_mail(["smith@example.cn"], "deadline_reminder", deadline_context(days_left=1), language="en")
    db.session.commit()
    send_due(wall_now())
    mails = {m["To"]: m for m in smtp.messages()}
    chinese, english = mails["zhang@example.cn"], mails["smith@example.cn"]
    assert chinese["Subject"] == "【生态工业园区】苏州工业园区：年度工作报告将于 2027年6月30日 到期"
    assert "（《管理办法》第23条）将于 2027年6月30日 到期。距今还有 1 天。" in text_part(chinese)
    assert english["Subject"] == "[Eco-industrial parks] 苏州工业园区: annual report due June 30, 2027"
    assert "is due on June 30, 2027. 1 day left." in text_part(english)
    assert "本邮件由系统自动发送" in text_part(chinese) and "please do not reply" in text_part(english)


def test_html_and_plain_text_alternatives(db, smtp):
    from notifications.rendering import render_mail

    rendered = render_mail("invitation_reminder", "en", {
        "expert_name": "Dr Wang", "panel_kind": "acceptance meeting", "park_name": "Suzhou Industrial Park",
        "park_province": "Jiangsu", "meeting_date": "2027-03-10",
        "meeting_hours": "09:00–17:00", "location": "", "respond_by": "2027-03-01 23:59 (Beijing time)",
        "page_url": "http://testserver/invitations/abc", "contact_name": "Office", "contact_phone": "",
        "contact_email": "office@example.cn"})
    assert rendered.subject.startswith("Reminder: please answer")
    assert "<script" not in rendered.html and 'href="http://testserver/invitations/abc"' in rendered.html
    queue_mail(["wang@example.cn"], "invitation_reminder", {
        "expert_name": "<b>王</b>", "panel_kind": "验收会", "park_name": "苏州工业园区", "park_province": "江苏省",
        "meeting_date": "2027-03-10", "meeting_hours": "09:00–17:00", "location": "",
        "respond_by": "2027-03-01 23:59（北京时间）", "page_url": "http://testserver/invitations/abc",
        "contact_name": "办公室", "contact_phone": "010-00000000", "contact_email": "office@example.cn"})
    db.session.commit()
    send_due(wall_now())
    [message] = smtp.messages()
    assert "&lt;b&gt;王&lt;/b&gt;" in html_part(message)  # HTML is escaped ...
    assert "<b>王</b>" in text_part(message)  # ... the plain text is not


def test_a_rolled_back_transaction_sends_nothing(db, smtp):
    queue(3)
    db.session.rollback()
    assert send_due(wall_now()) == 0
    assert smtp.arrived == [] and rows(db) == []


def test_dedupe_key_queues_once(db, smtp):
    first = queue_mail(["a@example.cn"], "deadline_reminder", deadline_context(), dedupe_key="deadline:1:30")
    again = queue_mail(["a@example.cn"], "deadline_reminder", deadline_context(), dedupe_key="deadline:1:30")
    assert first.id == again.id
    db.session.commit()
    queue_mail(["a@example.cn"], "deadline_reminder", deadline_context(), dedupe_key="deadline:1:30")
    db.session.commit()
    send_due(wall_now())
    assert len(smtp.arrived) == 1 and len(rows(db)) == 1


def test_451_twice_then_success_is_one_delivery_in_three_attempts(db, smtp):
    [row] = queue(1)
    message_id = row.message_id
    db.session.commit()
    smtp.fail_next(2)
    t0 = wall_now()

    assert send_due(t0) == 1
    [r] = rows(db)
    assert (r.state, r.attempts) == ("queued", 1) and r.last_error.startswith("451")
    first_delay = r.next_attempt_at - t0
    assert timedelta(seconds=30) <= first_delay <= timedelta(seconds=61)  # base 60 s, equal jitter
    assert send_due(r.next_attempt_at - timedelta(seconds=1)) == 0  # not due yet: nothing happens

    t1 = r.next_attempt_at
    assert send_due(t1) == 1
    [r] = rows(db)
    assert (r.state, r.attempts) == ("queued", 2)
    assert timedelta(seconds=60) <= r.next_attempt_at - t1 <= timedelta(seconds=121)  # doubled

    assert send_due(r.next_attempt_at) == 1
    [r] = rows(db)
    assert (r.state, r.attempts, r.last_error) == ("sent", 3, None)
    assert smtp.sink.refused == 2
    [arrived] = smtp.arrived
    assert arrived.message["Message-ID"] == message_id  # the same Message-ID on every attempt


def test_the_server_down_for_a_while_loses_nothing(db, smtp):
    smtp.stop()
    queue(3)
    db.session.commit()
    t0 = wall_now()
    assert send_due(t0) == 3
    waiting = rows(db)
    assert {(r.state, r.attempts) for r in waiting} == {("queued", 1)}
    assert all("connect" in r.last_error for r in waiting)
    assert send_due(t0 + timedelta(seconds=20)) == 0  # backing off, not hammering

    smtp.start()
    t1 = t0 + timedelta(hours=2)
    assert send_due(t1) == 3
    assert sorted(a.rcpt_tos[0] for a in smtp.arrived) == ["to0@example.cn", "to1@example.cn", "to2@example.cn"]
    assert {(r.state, r.attempts) for r in rows(db)} == {("sent", 2)}


def test_a_server_that_never_answers_times_out(db, smtp, app, monkeypatch):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the TCP connection (backlog) but never greets
    monkeypatch.setattr(app.extensions["mail"], "port", silent.getsockname()[1])
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.3)
    try:
        queue(1)
        db.session.commit()
        assert send_due(wall_now()) == 1
    finally:
        silent.close()
    [r] = rows(db)
    assert r.state == "queued" and "timed out" in r.last_error.lower()


def test_permanent_refusal_and_exhausted_attempts_go_dead_and_staff_retry(db, smtp, office_api, app, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    queue(1)
    db.session.commit()
    smtp.fail_next(1, "550 5.1.1 Mailbox unavailable")
    send_due(wall_now())
    [dead] = rows(db)
    assert (dead.state, dead.attempts) == ("dead", 1) and dead.last_error.startswith("550")

    queue(1)
    db.session.commit()
    smtp.fail_next(5, "451 4.3.0 Try later")
    t = wall_now()
    send_due(t)
    send_due(t + timedelta(hours=1))
    tired = rows(db)[1]
    assert (tired.state, tired.attempts) == ("dead", 2)

    listed = office_api.get("/outbox?state=dead")
    assert listed.status_code == 200 and listed.json["total"] == 2
    detail = office_api.get(f"/outbox/{tired.id}").json
    assert detail["body_text"] and detail["last_error"].startswith("451")

    smtp.fail_next(0)
    retried = office_api.post(f"/outbox/{tired.id}/retry")
    assert retried.status_code == 200 and retried.json["state"] == "queued" and retried.json["attempts"] == 0
    assert office_api.post(f"/outbox/{tired.id}/retry").status_code == 200  # still queued: harmless
    send_due(wall_now() + timedelta(seconds=1))
    assert [a.rcpt_tos for a in smtp.arrived] == [["to0@example.cn"]]
    assert rows(db)[1].state == "sent"
    assert office_api.post(f"/outbox/{tired.id}/retry").status_code == 409  # sent: nothing to retry


def test_outbox_is_for_the_office(api_as):
    province = api_as("province", province="32")
    assert province.get("/outbox").status_code == 403


def test_a_crashed_senders_lease_expires_and_another_sends_it(db, smtp, app):
    [row] = queue(1)
    message_id = row.message_id
    db.session.commit()
    t0 = wall_now()
    lease = timedelta(seconds=app.config["OUTBOX_LEASE_SECONDS"])
    assert claim_due(t0, "crashed-worker", 10, lease) == [row.id]
    db.session.commit()  # claimed ... and the worker dies before any SMTP

    assert send_due(t0 + timedelta(minutes=1)) == 0  # still leased: nobody else touches it
    assert smtp.arrived == []
    assert send_due(t0 + lease + timedelta(seconds=1)) == 1
    [arrived] = smtp.arrived
    assert arrived.message["Message-ID"] == message_id
    [r] = rows(db)
    assert (r.state, r.attempts) == ("sent", 2)


@pytest.mark.postgres_only
def test_skip_locked_claims_are_disjoint_while_the_first_claim_is_open(db, app):
    queue(20)
    db.session.commit()
    now = wall_now() + timedelta(seconds=1)
    lease = timedelta(minutes=10)
    first = claim_due(now, "a", 5, lease)  # transaction still open: rows locked, not yet committed
    with app.app_context():  # another session, another connection
        second = claim_due(now, "b", 100, lease)
        db.session.commit()
    db.session.commit()
    assert len(first) == 5 and len(second) == 15 and not set(first) & set(second)


def test_two_workers_racing_send_each_row_once(db, smtp, app):
    queue(60)
    db.session.commit()
    now = wall_now() + timedelta(seconds=1)
    start = threading.Barrier(2)
    handled: dict[str, int] = {}
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        with app.app_context():
            try:
                start.wait()
                handled[name] = send_due(now, batch_size=5, worker=name)
            except BaseException as exc:  # asserted below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    ids = Counter(a.message["Message-ID"] for a in smtp.arrived)
    assert len(ids) == 60 and set(ids.values()) == {1}
    assert sum(handled.values()) == 60
    assert db.session.scalar(select(func.count()).where(OutboxMessage.state == "sent")) == 60


def test_backoff_grows_and_is_capped():
    import random

    rng = random.Random(7)
    delays = [backoff_delay(n, 60, 3600, rng).total_seconds() for n in range(1, 12)]
    for n, d in enumerate(delays, start=1):
        full = min(3600, 60 * 2 ** (n - 1))
        assert full / 2 <= d <= full
    assert max(delays) <= 3600


def test_template_preview_for_staff(office_api):
    response = office_api.post("/mail-templates/preview", json={
        "template": "deadline_reminder", "language": "en", "context": deadline_context()})
    assert response.status_code == 200, response.json
    assert response.json["subject"].startswith("[Eco-industrial parks] 苏州工业园区")
    missing = office_api.post("/mail-templates/preview", json={"template": "deadline_reminder", "context": {}})
    assert missing.status_code == 422 and missing.json["code"] == "template_context"
    unknown = office_api.post("/mail-templates/preview", json={"template": "nope", "context": {}})
    assert unknown.status_code == 422


def _sender_process(url: str, port: int, name: str, go, results) -> None:
    """A separate ``ecopanel worker``-like process: its own app, its own connections."""
    import os
    import tempfile

    from ecopanel.app import create_app
    from ground.clock import wall_now as now

    os.environ["ECOPANEL_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="ecopanel-test-worker-")
    app = create_app({"ENVIRONMENT": "test", "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret-key",
                      "AUDIT_HMAC_KEY": "test-audit-key", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port,
                      "MAIL_SUPPRESS_SEND": False, "MAIL_LOCAL_HOSTNAME": "worker.test", "OUTBOX_BATCH_SIZE": 7})
    with app.app_context():
        go.wait(60)
        handled = 0
        while (n := send_due(now(), worker=name)) > 0:
            handled += n
        results.put((name, handled))


@pytest.mark.postgres_only
@pytest.mark.slow
def test_two_worker_processes_deliver_each_row_once(db, smtp, app):
    import multiprocessing

    queue(300)
    db.session.commit()
    db.session.remove()
    context = multiprocessing.get_context("spawn")
    go, results = context.Event(), context.Queue()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    processes = [context.Process(target=_sender_process, args=(url, smtp.port, f"p{i}", go, results), daemon=True)
                 for i in range(2)]
    for p in processes:
        p.start()
    go.set()
    handled = dict(results.get(timeout=180) for _ in processes)
    for p in processes:
        p.join(timeout=60)
        assert p.exitcode == 0
    ids = Counter(a.message["Message-ID"] for a in smtp.arrived)
    assert len(ids) == 300 and set(ids.values()) == {1}
    assert sum(handled.values()) == 300
    assert {r.state for r in rows(db)} == {"sent"}
