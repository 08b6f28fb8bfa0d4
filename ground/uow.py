"""Running a unit of work that may lose a race, and retrying it from scratch."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, IntegrityError

from ground.errors import Conflict
from ground.extensions import db
from ground.i18n import _l

log = logging.getLogger(__name__)
T = TypeVar("T")
# PostgreSQL: serialization_failure, deadlock_detected; SQLite: "database is locked"
RETRYABLE_SQLSTATES = {"40001", "40P01"}


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, DBAPIError):
        state = getattr(exc.orig, "sqlstate", None)
        return state in RETRYABLE_SQLSTATES or "database is locked" in str(exc.orig)
    return False


def retrying(work: Callable[[], T], *, attempts: int = 6, what: str = "operation") -> T:
    """Run ``work`` and commit; on a lost race (unique key, serialization failure, deadlock) roll back and
    run it again from the start, so it re-reads what the winner stored. ``work`` must not commit."""
    for attempt in range(1, attempts + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except DBAPIError as exc:
            db.session.rollback()
            if not _retryable(exc) or attempt == attempts:
                if _retryable(exc):
                    raise Conflict("concurrent_change", _l("Another operation got there first; try again.")) from exc
                raise
            log.info("%s lost a race (attempt %d): %s", what, attempt, exc.orig)
            time.sleep(random.uniform(0, 0.02 * attempt))  # de-synchronise the contenders
        except Exception:
            db.session.rollback()
            raise
    raise AssertionError("unreachable")
