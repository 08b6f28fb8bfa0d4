"""Counting the pool: active experts per specialty and per province, for whoever may read the pool."""

from __future__ import annotations

import pytest

from expert_pool.services.stats import expert_counts
from ground.actor import Actor, Role
from ground.errors import Forbidden

OFFICE = Actor(user_id=None, label="office", role=Role.OFFICE)
JIANGSU = Actor(user_id=None, label="jiangsu", role=Role.PROVINCE, province="32")


def test_counts_by_specialty_and_province(db, make_expert):
    make_expert(specialties=["eia", "low_carbon"], province="32")
    make_expert(specialties=["eia"], province="44")
    make_expert(specialties=["eia"], province="44", status="suspended")  # not active: not counted
    db.session.commit()
    assert expert_counts(OFFICE, "specialty") == {"eia": 2, "low_carbon": 1}
    assert expert_counts(OFFICE, "province") == {"32": 1, "44": 1}
    assert expert_counts(JIANGSU, "province") == {"32": 1, "44": 1}  # the shared pool, whole
    assert expert_counts(OFFICE, "province", status="suspended") == {"44": 1}


def test_only_pool_readers_count(db):
    for actor in (Actor(user_id=None, label="p", role=Role.PARK, park_id=1),
                  Actor(user_id=None, label="e", role=Role.EXPERT, expert_id=1)):
        with pytest.raises(Forbidden):
            expert_counts(actor, "province")
    with pytest.raises(ValueError):
        expert_counts(OFFICE, "organization")
