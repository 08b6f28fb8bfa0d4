"""Refusals that stay on record although the request that met them stores nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ground.actor import Actor
from ground.errors import DomainError
from ground.extensions import db
from panels.services import record_refusal


@contextmanager
def refusals_on_record(actor: Actor) -> Iterator[None]:
    """Roll the request back on a refusal (nothing of it is stored), then append the refusal's audit entries
    (:class:`panels.services.stage.AuditedRefusal`) and commit them on their own."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        if record_refusal(actor, error):
            db.session.commit()
        raise
