"""Scheduled work as data: a domain package lists its sweepers; the roof's worker ticks them.

A sweeper claims due rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL) and applies them; each tick is one
unit of work that commits once (:func:`ecopanel.worker.tick`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Sweeper:
    name: str
    interval_seconds: int
    run: Callable  # (now: datetime) -> int, the number of rows handled
