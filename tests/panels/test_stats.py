"""Panels counted and meetings awaiting answers: the Office sees all, a province only the panels it convened."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ground.actor import Actor, Role
from ground.errors import Forbidden
from panels.services.stats import meetings_awaiting_responses, panel_counts_by_kind
from tests.panels.test_seats import invite

OFFICE = Actor(user_id=None, label="office", role=Role.OFFICE)
START, END = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def test_counts_and_meetings_stay_within_the_remit(db, office_api, drawn_panel, smtp):
    invite(office_api, drawn_panel["id"])
    jiangsu = Actor(user_id=None, label="js", role=Role.PROVINCE, province="32")  # the park's own province
    assert panel_counts_by_kind(OFFICE, START, END) == {"acceptance_meeting": 1}
    assert panel_counts_by_kind(jiangsu, START, END) == {}  # the Office's panel: not even counted
    assert panel_counts_by_kind(OFFICE, datetime(2001, 1, 1, tzinfo=UTC), datetime(2002, 1, 1, tzinfo=UTC)) == {}
    [meeting] = meetings_awaiting_responses(OFFICE, date(2026, 11, 24))
    assert meeting["panel_id"] == drawn_panel["id"] and meeting["kind"] == "acceptance_meeting"
    assert (meeting["pending"], meeting["accepted"], meeting["size"]) == (5, 0, 5)
    assert meeting["meeting_date"] == date(2027, 3, 10) and meeting["park_name"] == "苏州工业园区"
    assert meetings_awaiting_responses(jiangsu, date(2026, 11, 24)) == []
    assert meetings_awaiting_responses(OFFICE, date(2027, 3, 11)) == []  # the meeting day is over


def test_parks_and_experts_count_no_panel(db):
    for actor in (Actor(user_id=None, label="p", role=Role.PARK, park_id=1),
                  Actor(user_id=None, label="e", role=Role.EXPERT, expert_id=1)):
        with pytest.raises(Forbidden):
            panel_counts_by_kind(actor, START, END)
        with pytest.raises(Forbidden):
            meetings_awaiting_responses(actor, date(2026, 11, 24))
