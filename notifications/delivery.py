"""The mail outbox, delivery side: after the business transaction commits, never twice by design.

* :func:`send_due` is the sweeper. It **claims** a batch of due rows in one statement (``FOR UPDATE SKIP
  LOCKED`` on PostgreSQL; SQLite serialises writers), marking them ``sending`` with a lease
  (``claimed_until``) and **commits before talking SMTP**, so no other worker can take them. Each row's
  outcome is written and committed right after its SMTP conversation, guarded by the claim, so a worker
  that lost its lease cannot overwrite the row's newer state.
* A crashed worker's rows come back when the lease expires. The only window for a duplicate is a crash
  between the server's ``250`` and that row's commit; the row's stable ``Message-ID`` lets receivers
  recognise the duplicate then.
* Temporary failures (4xx, connection problems, timeouts) retry with exponential backoff and jitter;
  permanent refusals (5xx) and the last allowed attempt make the row ``dead``, which staff list and retry.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import smtplib
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_mail import Attachment, Connection, Message
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import aliased

from ground.extensions import db
from notifications.models import OutboxAttachment, OutboxMessage
from notifications.outbox import MailAttachment

log = logging.getLogger(__name__)
_jitter = random.Random()
# Waits (seconds) between attempts to record a mail's outcome when the database connection is lost: about
# 16 s in all, enough for a database restart or failover.
OUTCOME_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 4.0, 8.0)


# --- backoff ------------------------------------------------------------------------------------------------

def backoff_delay(attempts: int, base: float, cap: float, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with "equal jitter": half the delay fixed, half random, so retries spread out."""
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=delay / 2 + (rng or _jitter).uniform(0, delay / 2))


# --- SMTP ---------------------------------------------------------------------------------------------------

class _Recording:
    """Keeps the server's reply to DATA (``250 2.0.0 Ok: queued as ...``): the proof of delivery to it."""

    last_reply: str = ""

    def data(self, msg):  # type: ignore[override]
        code, response = super().data(msg)  # type: ignore[misc]
        text = response.decode("utf-8", "replace") if isinstance(response, bytes) else str(response)
        self.last_reply = f"{code} {text}"[:500]
        return code, response


class _SMTP(_Recording, smtplib.SMTP):
    pass


class _SMTP_SSL(_Recording, smtplib.SMTP_SSL):
    pass


class TimeoutConnection(Connection):
    """Flask-Mail's connection with a socket timeout (Flask-Mail has none) and the server's reply kept."""

    def configure_host(self):
        config = current_app.config
        timeout = float(config["MAIL_TIMEOUT"])
        local = config.get("MAIL_LOCAL_HOSTNAME")
        cls = _SMTP_SSL if self.mail.use_ssl else _SMTP
        host = cls(self.mail.server, self.mail.port, local_hostname=local, timeout=timeout)
        host.set_debuglevel(int(self.mail.debug))
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is not None:
            try:
                self.host.quit()
            except (smtplib.SMTPException, OSError):
                self.host.close()  # the server went away mid-batch: nothing to say goodbye to


def _classify(exc: BaseException) -> tuple[bool, bool, str]:
    """(temporary?, connection still usable?, text) for an SMTP failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{rcpt}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                         for rcpt, (code, msg) in exc.recipients.items())
        return any(400 <= c < 500 for c in codes), True, text
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return True, False, f"server disconnected: {exc}"
    if isinstance(exc, smtplib.SMTPResponseException):
        code = exc.smtp_code
        message = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else exc.smtp_error
        # -1: smtplib's "connection unexpectedly closed"; 421: the server is closing the channel
        temporary = 400 <= code < 500 or code == -1
        return temporary, code >= 400 and code != 421, f"{code} {message}"
    if isinstance(exc, (OSError, socket.timeout, smtplib.SMTPException)):
        return True, False, f"{type(exc).__name__}: {exc}"
    return False, False, f"{type(exc).__name__}: {exc}"


# --- claiming and sending -----------------------------------------------------------------------------------

@dataclass
class _Outgoing:
    id: int
    message_id: str
    recipients: list[str]
    subject: str
    text: str
    html: str | None
    attempts: int
    max_attempts: int
    claimed_until: datetime
    attachments: list[MailAttachment] = field(default_factory=list)


def worker_name() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _due(now: datetime, m=OutboxMessage):
    return or_(and_(m.state == "queued", m.next_attempt_at <= now),
               # a crashed (or stuck) sender's lease has expired: the row is anyone's again
               and_(m.state == "sending", m.claimed_until <= now))


def claim_due(now: datetime, worker: str, limit: int, lease: timedelta) -> list[int]:
    """Mark up to ``limit`` due rows ``sending`` for ``worker`` until ``now + lease``; the caller commits.

    One statement: ``WITH claimed AS MATERIALIZED (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED) UPDATE ... FROM
    claimed``. On PostgreSQL concurrent claimers skip each other's rows instead of waiting; on SQLite the
    statement takes the write lock first, so the second claimer sees the first one's marks. The outer
    ``WHERE`` repeats the due test either way.

    Not ``WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)``: PostgreSQL may plan that as a nested
    loop that re-runs the subquery per row, and each re-run skips the rows this very statement has just
    updated, so the LIMIT limits nothing (measured: 20 rows claimed for a limit of 5). The CTE runs once.
    """
    candidate = aliased(OutboxMessage, name="candidate")
    candidates = (select(candidate.id).where(_due(now, candidate))
                  .order_by(candidate.next_attempt_at, candidate.id).limit(limit))
    if db.engine.dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    claimed = candidates.cte("claimed").prefix_with("MATERIALIZED")
    statement = (update(OutboxMessage).where(OutboxMessage.id == claimed.c.id, _due(now))
                 .values(state="sending", claimed_by=worker, claimed_until=now + lease,
                         attempts=OutboxMessage.attempts + 1, last_attempt_at=now,
                         first_attempt_at=func.coalesce(OutboxMessage.first_attempt_at, now))
                 .returning(OutboxMessage.id))
    return sorted(db.session.execute(statement, execution_options={"synchronize_session": False}).scalars())


def _load(ids: list[int]) -> list[_Outgoing]:
    """Plain snapshots of the claimed rows (Core, not the ORM: nothing session-managed spans the SMTP talk)."""
    m, a = OutboxMessage, OutboxAttachment
    attachments: dict[int, list[MailAttachment]] = {}
    for owner, filename, content_type, data in db.session.execute(
            select(a.outbox_message_id, a.filename, a.content_type, a.data)
            .where(a.outbox_message_id.in_(ids)).order_by(a.id)):
        attachments.setdefault(owner, []).append(MailAttachment(filename, content_type, data))
    rows = db.session.execute(select(m.id, m.message_id, m.recipients, m.subject, m.body_text, m.body_html,
                                     m.attempts, m.max_attempts, m.claimed_until)
                              .where(m.id.in_(ids)).order_by(m.id))
    return [_Outgoing(id=r.id, message_id=r.message_id, recipients=list(r.recipients), subject=r.subject,
                      text=r.body_text, html=r.body_html, attempts=r.attempts, max_attempts=r.max_attempts,
                      claimed_until=r.claimed_until, attachments=attachments.get(r.id, []))
            for r in rows]


def build_message(row: _Outgoing) -> Message:
    """A Flask-Mail message with the row's stable Message-ID."""
    message = Message(subject=row.subject, recipients=row.recipients, body=row.text, html=row.html,
                      extra_headers={"Auto-Submitted": "auto-generated", "X-Ecopanel-Outbox-Id": str(row.id)})
    message.msgId = row.message_id
    for a in row.attachments:
        # Flask-Mail builds ``MIMEBase(*content_type.split("/"))``; parameters after the subtype are kept
        # verbatim in the header (``text/calendar; method=REQUEST; charset=UTF-8``), as iTIP needs.
        message.attachments.append(Attachment(filename=a.filename, content_type=a.content_type, data=a.data,
                                              disposition="attachment"))
    return message


def _finish(row_id: int, worker: str, **values: Any) -> bool:
    """Write an outcome if the row is still ours (a lost lease means someone else owns it now), and commit at
    once: the smaller the gap between the server's 250 and this commit, the smaller a crash's duplicate window.
    Core on the table, not the ORM: this runs once per mail.

    A database connection lost here (restart, failover) is retried for a while on a fresh connection
    (``OUTCOME_RETRY_DELAYS``): the mail is already out, and an outcome left unwritten would send it again
    once the lease expires. Retrying is safe: the guarded update applies at most once."""
    t = OutboxMessage.__table__
    statement = (update(t).where(t.c.id == row_id, t.c.claimed_by == worker, t.c.state == "sending")
                 .values(claimed_by=None, claimed_until=None, **values))
    for delay in (*OUTCOME_RETRY_DELAYS, None):
        try:
            result = db.session.execute(statement)
            db.session.commit()
            break
        except OperationalError as exc:
            db.session.rollback()
            if delay is None:
                raise
            log.warning("outbox row %s: database unavailable while recording its outcome (%s); retrying in %.2f s",
                        row_id, exc.orig, delay)
            time.sleep(delay)
    if result.rowcount != 1:  # also after a commit whose acknowledgement was lost: then the row is written
        log.warning("outbox row %s was no longer claimed by %s when its outcome was written", row_id, worker)
        return False
    return True


def _release(rows: list[_Outgoing], worker: str, at: datetime) -> None:
    """Give back rows that were claimed but not tried (their attempt does not count)."""
    t = OutboxMessage.__table__
    for row in rows:
        db.session.execute(
            update(t).where(t.c.id == row.id, t.c.claimed_by == worker, t.c.state == "sending")
            .values(state="queued", claimed_by=None, claimed_until=None, next_attempt_at=at,
                    attempts=t.c.attempts - 1))
    db.session.commit()


def _failed(row: _Outgoing, worker: str, at: datetime, error: str, temporary: bool) -> str:
    config = current_app.config
    if temporary and row.attempts < row.max_attempts:
        delay = backoff_delay(row.attempts, float(config["OUTBOX_BACKOFF_BASE_SECONDS"]),
                              float(config["OUTBOX_BACKOFF_MAX_SECONDS"]))
        _finish(row.id, worker, state="queued", next_attempt_at=at + delay, last_error=error[:2000])
        return "retry"
    _finish(row.id, worker, state="dead", dead_at=at, last_error=error[:2000])
    log.error("outbox row %s is dead after %d attempts: %s", row.id, row.attempts, error)
    return "dead"


def _deliver(rows: list[_Outgoing], worker: str, clock: Callable[[], datetime]) -> int:
    config = current_app.config
    # Stop early enough that even a slow last conversation ends inside the lease (several socket operations
    # each bounded by the timeout); the untried rows go back at once.
    margin = timedelta(seconds=4 * float(config["MAIL_TIMEOUT"]))
    handled = 0
    pending = list(rows)
    while pending:
        try:
            connection = TimeoutConnection(current_app.extensions["mail"])
            connection.__enter__()
        except Exception as exc:  # any failure to reach the server is a temporary one
            # The server is unreachable (down, refusing, timing out): each claimed row records the failed
            # attempt and backs off with its own jitter; nothing is lost, the next attempts come later.
            _temporary, _, text = _classify(exc)
            log.warning("SMTP server %s:%s unreachable (%s); %d mails wait for their next attempt",
                        current_app.extensions["mail"].server, current_app.extensions["mail"].port, text,
                        len(pending))
            now = clock()
            for row in pending:
                _failed(row, worker, now, f"connect: {text}", True)
            return handled + len(pending)
        broken = False
        try:
            while pending and not broken:
                row = pending[0]
                now = clock()
                if now + margin >= row.claimed_until:
                    _release(pending, worker, now)
                    return handled
                pending.pop(0)
                try:
                    connection.send(build_message(row))
                except Exception as exc:  # classified; a bug in one row must not stop the rest
                    temporary, usable, text = _classify(exc)
                    _failed(row, worker, clock(), text, temporary)
                    broken = not usable
                else:
                    host = connection.host
                    reply = getattr(host, "last_reply", "") if host is not None else "suppressed (MAIL_SUPPRESS_SEND)"
                    _finish(row.id, worker, state="sent", sent_at=clock(), server_reply=reply or "250",
                            last_error=None)
                handled += 1
        finally:
            with contextlib.suppress(Exception):  # closing a broken connection
                connection.__exit__(None, None, None)
    return handled


def send_due(now: datetime, *, batch_size: int | None = None, worker: str | None = None,
             max_batches: int | None = None) -> int:
    """The outbox sweeper: claim due rows batch by batch, commit each claim, send, record each outcome.

    ``now`` is the clock (tests move it); time spent sending is added to it for the lease and the
    timestamps. Returns the number of rows handled (sent, retried later or dead).
    """
    config = current_app.config
    batch_size = batch_size or int(config["OUTBOX_BATCH_SIZE"])
    worker = worker or worker_name()
    lease = timedelta(seconds=float(config["OUTBOX_LEASE_SECONDS"]))
    started = time.monotonic()

    def clock() -> datetime:
        return now + timedelta(seconds=time.monotonic() - started)

    handled = 0
    batches = 0
    while max_batches is None or batches < max_batches:
        ids = claim_due(clock(), worker, batch_size, lease)
        db.session.commit()  # the claim is visible to every other worker before any SMTP conversation
        if not ids:
            break
        batches += 1
        handled += _deliver(_load(ids), worker, clock)
        if len(ids) < batch_size:
            break
    return handled


# --- staff operations ---------------------------------------------------------------------------------------

def retry_message(row: OutboxMessage, now: datetime) -> OutboxMessage:
    """Put a dead (or waiting) row back in the queue for an immediate attempt, with a fresh budget."""
    row.state = "queued"
    row.attempts = 0
    row.next_attempt_at = now
    row.dead_at = None
    row.claimed_by = None
    row.claimed_until = None
    db.session.flush()
    return row
