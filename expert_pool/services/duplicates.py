"""Duplicate checks against the pool that teach a caller nothing it may not see (red-team finding 1).

A province sees other provinces' experts with the ID number and mobile masked ("320***********0710"). If a
duplicate check answered "this value is already in the pool" (or worse, "duplicates expert 17"), a province
could fill in the masked digits and ask: one dry-run import of 10,000 mobiles, two of 20,000 ID numbers, and
the real values are out. So:

- The Office sees everything unmasked anyway: it is told which field duplicates which expert, as before.
- Any other caller is told about a match on a field it may see (the email is shown to every pool reader,
  unless it holds a mobile or ID number) as before, and never about a match on a masked field
  (``PRIVATE_FIELDS``, or such an email) of an expert it may not see unmasked:
  * a dry-run import answers exactly as if there were no such match;
  * a real import *holds* such rows for the Office: they are not stored, the report counts them among the
    accepted rows, and only the audit log (read by the Office) says which rows, fields and experts matched;
  * ``POST /experts`` and ``PATCH /experts/{id}`` answer 409 ``possible_duplicate`` naming neither the field
    nor the expert (a single write can only be refused or not: see SECURITY.md for what this leaves).
- Every hit and every dry run is audited, also when the request is refused (the route records the entries
  after the rollback: see :func:`keep_audit`), and imports are rate-limited per user (``IMPORT_RATE_LIMIT``).

What is kept for the Office about a held row never repeats a matching value in clear: the matched expert
already holds it. The submitted identifiers are kept as keyed fingerprints (HMAC-SHA256 with the app's
``SECRET_KEY``), which let the Office confirm a value it is told without storing it twice.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from flask import current_app
from sqlalchemy import select

from expert_pool import policy
from expert_pool.models import Expert
from expert_pool.rules.normalize import holds_identifier, mask_embedded_identifiers, mask_id_number, mask_mobile
from ground.actor import Actor
from ground.errors import Conflict, DomainError
from ground.extensions import db
from ground.i18n import _l

PRIVATE_FIELDS = ("id_number", "mobile")
IDENTIFYING_FIELDS = ("id_number", "mobile", "email")
_MASKS = {"id_number": mask_id_number, "mobile": mask_mobile}
AuditItem = tuple[str, str, Any, dict[str, Any] | None]

POSSIBLE_DUPLICATE = _l(
    "This expert may already be in the pool, so nothing was saved; ask the Office to check it if the change is "
    "needed.")


def fingerprint(field: str, value: str) -> str:
    """A keyed hash of an identifier: comparable by whoever holds ``SECRET_KEY``, useless to anyone else."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"{field}:{value}".encode(), hashlib.sha256).hexdigest()


def masked(field: str, value: str | None) -> str | None:
    """The value as the audit log may hold it (identifiers masked, the email as it is shown to all)."""
    if value is None:
        return value
    return _MASKS[field](value) if field in _MASKS else mask_embedded_identifiers(value)


def may_learn_of(actor: Actor, field: str, expert_id: int, value: str) -> bool:
    """Whether telling ``actor`` that ``field`` matches expert ``expert_id`` tells it nothing it may not see.

    An email is shown to every pool reader, unless it holds a mobile or ID number in any spelling (then it is
    shown masked, and a match on it would confirm the hidden digits just the same): the masking rule decides
    (``normalize.masking.holds_identifier``), so what is compared is exactly what is shown."""
    if policy.may_see_personal_data(actor, expert_id):
        return True
    return field == "email" and not holds_identifier(value)


def pool_matches(values: dict[str, str | None], exclude_id: int | None = None) -> dict[str, int]:
    """``{field: id of another expert holding that value}`` for the identifying fields given."""
    found: dict[str, int] = {}
    for field in IDENTIFYING_FIELDS:
        value = values.get(field)
        if not value:
            continue
        query = select(Expert.id).where(getattr(Expert, field) == value)
        if exclude_id is not None:
            query = query.where(Expert.id != exclude_id)
        other = db.session.scalar(query.limit(1))
        if other is not None:
            found[field] = other
    return found


def keep_audit(error: DomainError, items: list[AuditItem]) -> DomainError:
    """Attach audit entries that must outlive the refusal's rollback; the route records and commits them."""
    error.audit = [*getattr(error, "audit", []), *items]  # type: ignore[attr-defined]
    return error


def hit_entry(actor: Actor, context: str, hits: list[dict[str, Any]], **data: Any) -> AuditItem:
    """One audit entry for the duplicate hits of one request (rows, fields, matched experts; values masked)."""
    return ("expert.duplicate_hit", "pool", None, {
        "context": context, "office": actor.is_office, "count": len(hits), "hits": hits[:1000], **data})


def check_single(actor: Actor, values: dict[str, str | None], *, context: str,
                 exclude_id: int | None = None) -> None:
    """Refuse a create or an edit that duplicates another expert, telling the caller only what it may see."""
    matches = pool_matches(values, exclude_id)
    if not matches:
        return
    hits = [{"field": field, "expert_id": other, "value": masked(field, values.get(field))}
            for field, other in matches.items()]
    entry = hit_entry(actor, context, hits, expert_id=exclude_id)
    if all(may_learn_of(actor, field, other, values[field] or "") for field, other in matches.items()):
        raise keep_audit(Conflict("duplicate_expert", _l(
            "An expert with the same ID number, mobile or email is already in the pool."),
            {field: [_l("Duplicates expert {other}.").format(other=other)]
             for field, other in matches.items()}), [entry])
    raise keep_audit(Conflict("possible_duplicate", POSSIBLE_DUPLICATE, {"_schema": [POSSIBLE_DUPLICATE]}),
                     [entry])
