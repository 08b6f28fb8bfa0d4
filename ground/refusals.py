"""Refusals that stay on record: a rule refused the request, nothing of it is stored, the refusal is audited.

A service raises a :class:`~ground.errors.DomainError` that also is an :class:`AuditedRefusal` carrying its
audit entry; the route runs the work inside :func:`refusals_on_record`, which rolls the request back, then
appends the entry and commits it in a transaction of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ground.actor import Actor
from ground.audit import record_many
from ground.errors import DomainError
from ground.extensions import db


class AuditedRefusal:
    """Mixed into a :class:`DomainError` whose refusal must stay on record after the rollback."""

    audit: tuple[str, str, Any, dict[str, Any]]
    also: tuple[tuple[str, str, Any, dict[str, Any]], ...] = ()
    """Further entries the refusal adds (e.g. a sign of probing, panels.services.moves)."""


def refused(error: DomainError, action: str, object_type: str, object_id: Any,
            data: dict[str, Any]) -> DomainError:
    """``error`` with its audit entry attached (its class must mix in :class:`AuditedRefusal`)."""
    assert isinstance(error, AuditedRefusal)
    error.audit = (action, object_type, object_id, data)
    return error


def record_refusal(actor: Actor, error: DomainError) -> bool:
    """Append the refusal's audit entry (the caller commits); False for an error that carries none."""
    if not isinstance(error, AuditedRefusal) or not getattr(error, "audit", None):
        return False
    record_many(actor, [error.audit, *error.also])
    return True


@contextmanager
def refusals_on_record(actor: Actor) -> Iterator[None]:
    """Roll a refused request back (nothing of it is stored), then record and commit its refusal."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        if record_refusal(actor, error):
            db.session.commit()
        raise
