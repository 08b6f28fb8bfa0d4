"""Deterministic demo data that looks like the real programme (seeded: a bug report can cite it).

2,400 experts across all 31 provincial-level regions (:mod:`.experts`), universities, institutes, design
institutes, enterprises, third-party consultancies, three of them blacklisted (:mod:`.people`), 71 parks with
their management agencies (:mod:`.parks`), and one account per role (:mod:`.accounts`).

The parks are registered and driven through the lifecycle services (application, review, notice, approval,
extensions, major changes, annual reports, acceptance, naming, evaluations, warnings, revocation) on fixed
historical dates up to ``DEMO_TODAY`` (their histories: :mod:`.plans`), so each has its history, facts,
materials, deadlines and proposals.

Everything draws from one seeded generator in a fixed order (organisations, parks, blacklistings, experts);
changing that order changes the data, which ``tests/ecopanel/test_cli.py`` compares between two runs.
"""

from __future__ import annotations

import random

from sqlalchemy import func, select

from ecopanel.demo.accounts import DEMO_PASSWORDS, add_users
from ecopanel.demo.dates import DEMO_NOW, DEMO_TODAY
from ecopanel.demo.experts import SPECIALTY_WEIGHTS, add_experts
from ecopanel.demo.logins import logins_text
from ecopanel.demo.parks import Driver, register_parks
from ecopanel.demo.people import add_organizations, blacklist_consultancies
from expert_pool.models import Expert
from ground.actor import SYSTEM
from ground.audit import record
from ground.extensions import db

__all__ = ["DEMO_NOW", "DEMO_PASSWORDS", "DEMO_TODAY", "EXPERTS", "SEED", "SPECIALTY_WEIGHTS", "is_empty", "load",
           "logins_text"]

SEED = 20261124
EXPERTS = 2400


def is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(Expert))


def load(seed: int = SEED, experts: int = EXPERTS) -> None:
    """Fill an empty database with the demo programme (flushes and commits: a CLI boundary)."""
    rng = random.Random(seed)
    orgs = add_organizations(rng)
    parks, plans = register_parks(rng, orgs, seed)
    blacklist_consultancies(rng, orgs)
    rows = add_experts(rng, experts, orgs, parks)
    Driver(parks, plans).run()
    add_users(parks, rows)
    record(SYSTEM, "demo.load", "database", None, {"seed": seed, "experts": len(rows), "parks": len(parks)})
    db.session.commit()
