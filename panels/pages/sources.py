"""What the roof wires into the convening pages: the supervisor's confirmation (``ecopanel.auth``, which the
panels may not import), kept in ``app.extensions`` like the park timeline's sources."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from flask import Flask, current_app

from ground.actor import Actor
from ground.errors import Forbidden
from ground.i18n import _l

SupervisorCheck = Callable[[Actor, str, str, datetime], str]
_KEY = "panel_pages.supervisor_check"


def register_supervisor_check(app: Flask, check: SupervisorCheck) -> None:
    app.extensions[_KEY] = check


def confirm_supervisor(actor: Actor, email: str, secret: str, now: datetime) -> str:
    """The confirmed supervisor's label; refuses when no check is registered (no draw goes unwitnessed)."""
    check = current_app.extensions.get(_KEY)
    if check is None:
        raise Forbidden(None, _l("No supervisor check is configured: draws cannot be made on the pages."))
    return check(actor, email, secret, now)
