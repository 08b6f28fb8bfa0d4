"""What the pool's request boundaries (the API's routes and the pages) share: one implementation each.

* :func:`keep_refusal_audit` records the audit entries a refusal carries (duplicate hits, refused imports)
  after the request's rollback;
* :func:`etag` is an expert's version as the API's ``ETag`` and the edit form's hidden field carry it.
"""

from __future__ import annotations

import functools

from expert_pool.models import Expert
from ground.audit import record_many
from ground.errors import DomainError
from ground.extensions import db
from ground.guard import current_actor


def keep_refusal_audit(exc: DomainError) -> None:
    """Roll back the refused work and record (and commit) the audit entries the refusal carries.

    The request boundary rolls back every failed request; these entries are why we audit (a province probing
    the pool is refused), so they are written and committed here, on their own. A page that shows the refusal
    inline calls this before it renders; the API's routes use :func:`keeps_refusal_audit`."""
    items = getattr(exc, "audit", None)
    if items:
        db.session.rollback()
        record_many(current_actor(), items)
        db.session.commit()
        exc.audit = []  # recorded once, whoever else catches the error


def keeps_refusal_audit(view):
    """:func:`keep_refusal_audit` for a view that lets the error reach the usual handler."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            keep_refusal_audit(exc)
            raise
    return wrapper


def etag(expert: Expert) -> str:
    return f'"expert-{expert.id}-v{expert.version}"'
