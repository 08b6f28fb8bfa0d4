"""A real SMTP server on loopback (aiosmtpd), mail helpers, and a drawn panel to invite.

The server stores what actually arrived; it can be told to answer ``451`` the next N times, or be stopped
and started again on the same port (the mail server "down for a while"). It listens on a port the system
chooses when it first starts (port 0), so parallel test processes never race for one.
"""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
from dataclasses import dataclass
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller


@dataclass
class Arrived:
    mail_from: str
    rcpt_tos: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)


class Sink:
    """aiosmtpd handler: keeps every message it accepted; can refuse the next N with a temporary error."""

    def __init__(self) -> None:
        self.arrived: list[Arrived] = []
        self.fail_next = 0
        self.refused = 0
        self.reply_code = "451 4.3.0 Temporary local problem, try again later"
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                self.refused += 1
                return self.reply_code
            self.arrived.append(Arrived(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content
                                        or envelope.content))
            return f"250 2.0.0 Ok: queued as Q{len(self.arrived)}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Controller(Controller):
    """aiosmtpd's controller, able to listen on port 0: it learns the chosen port before connecting to it."""

    def _trigger_server(self):
        if not self.port:
            self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpServer:
    def __init__(self, port: int = 0) -> None:
        """``port`` 0: the system chooses one at the first start (kept for restarts)."""
        self.port = port
        self.sink = Sink()
        self._controller: Controller | None = None

    def start(self) -> None:
        # A new controller each time: a stopped one has closed its event loop.
        self._controller = _Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        self.port = self._controller.port

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def arrived(self) -> list[Arrived]:
        return list(self.sink.arrived)

    def messages(self) -> list[EmailMessage]:
        return [a.message for a in self.sink.arrived]

    def fail_next(self, n: int, reply: str | None = None) -> None:
        self.sink.fail_next = n
        if reply:
            self.sink.reply_code = reply


def send_mail_to(server: SmtpServer, app, monkeypatch) -> None:
    """Point the app's Flask-Mail at ``server``'s port, really sending (whether it listens yet or not: one that
    does not listen yet needs a port of its own, ``SmtpServer(free_port())``)."""
    assert server.port, "start the server first, or give it a port"
    state = app.extensions["mail"]
    monkeypatch.setattr(state, "server", "127.0.0.1")
    monkeypatch.setattr(state, "port", server.port)
    monkeypatch.setattr(state, "suppress", False)
    monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 5)


@pytest.fixture
def smtp(app, monkeypatch):
    """The running server, with the app's Flask-Mail pointed at it (and really sending)."""
    server = SmtpServer()
    server.start()
    send_mail_to(server, app, monkeypatch)
    monkeypatch.setitem(app.config, "MAIL_LOCAL_HOSTNAME", "ecopanel.test")
    yield server
    server.stop()


def text_part(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html_part(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("html",))
    return part.get_content() if part is not None else None


def calendar_part(message: EmailMessage):
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part
    return None


LINK = re.compile(r"http://testserver(/invitations/[A-Za-z0-9_.\-]+)(\?choice=(accept|decline))?")


def page_path(message: EmailMessage) -> str:
    """The confirmation page's path, from the plain-text part of an invitation mail."""
    paths = {m.group(1) for m in LINK.finditer(text_part(message))}
    assert len(paths) == 1, paths
    return paths.pop()


def page_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no page token in the form"
    return match.group(1)
