"""Counting parks and listing the work across parks, within the caller's scope (the staff dashboard's data)."""

from __future__ import annotations

from datetime import date

import pytest

from ground.actor import Actor, Role
from ground.errors import Forbidden
from scheduling.reports import late_annual_reports
from scheduling.services.stats import park_counts
from scheduling.services.work import deadlines_ahead, deadlines_overdue
from tests.scheduling.conftest import office, park_actor, province


@pytest.fixture
def parks(approved_park, make_park):
    """Two parks under construction in Jiangsu (approved 2024, 2025), one in Guangdong, one new in Jiangsu."""
    return {"a": approved_park(date(2024, 3, 15), name="苏州A园区"),
            "b": approved_park(date(2025, 5, 6), name="无锡B园区"),
            "c": approved_park(date(2024, 3, 15), province="44", name="广州C园区"),
            "d": make_park(name="南京D园区")}


def test_park_counts_are_scoped(db, parks):
    assert park_counts(office(), "state") == {"under_construction": 3, "new": 1}
    assert park_counts(office(), "province") == {"32": 3, "44": 1}
    assert park_counts(province("32"), "province") == {"32": 3}
    assert park_counts(province("32"), "state") == {"under_construction": 2, "new": 1}
    assert sum(park_counts(park_actor(parks["c"]), "state").values()) == 1
    with pytest.raises(Forbidden):
        park_counts(Actor(user_id=1, label="expert", role=Role.EXPERT, expert_id=1), "state")


def test_deadlines_ahead_and_overdue(db, parks):
    # Annual report for 2024 is due 2025-06-30; the 2025 one 2026-06-30. Nobody forwarded anything.
    ahead = deadlines_ahead(office(), date(2026, 6, 10), 30)
    assert {(d.park.name, d.kind, d.due) for d in ahead} >= {("苏州A园区", "annual_report", date(2026, 6, 30))}
    assert all(date(2026, 6, 10) <= d.due <= date(2026, 7, 10) for d in ahead)
    assert {d.park.province for d in deadlines_ahead(province("44"), date(2026, 6, 10), 30)} == {"44"}
    overdue = deadlines_overdue(province("32"), date(2026, 7, 5))  # the sweeper did not run: still pending
    assert {(d.park.name, d.kind) for d in overdue} >= {("苏州A园区", "annual_report"), ("无锡B园区", "annual_report")}
    assert all(d.park.province == "32" and d.due < date(2026, 7, 5) for d in overdue)


def test_late_annual_reports_follow_the_report_rows(db, parks):
    late = late_annual_reports(province("32"), date(2026, 7, 5))
    rows = {(park.name, row["year"]): row for park, row in late}
    assert set(rows) == {("苏州A园区", 2024), ("苏州A园区", 2025), ("无锡B园区", 2025)}
    assert rows[("苏州A园区", 2024)]["status"] == "missing" and rows[("苏州A园区", 2024)]["days_late"] == 370
    assert late[0][1]["year"] == 2024  # oldest first
    assert {park.province for park, _ in late_annual_reports(office(), date(2026, 7, 5))} == {"32", "44"}
