"""Confidential panels stay confidential to a province with a token and the OpenAPI document (SECURITY.md).

A province draws (and may cancel) a panel of its own on any date; nothing it can read about it names the
experts other authorities booked that day or drew for the same park, nor moves by their panels' size."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from panels.models import PanelMember
from tests.panels.test_api import MEETING, draw


@pytest.fixture
def jiangsu(api_as):
    return api_as("province", province="32")


@pytest.fixture
def office_panel(office_api, park, pool):
    """The Office's acceptance meeting for the park on MEETING (7 members, confidential to the Office)."""
    response = draw(office_api, park)
    assert response.status_code == 201, response.json
    return response.json


def _throwaway(jiangsu, park, meeting_date=MEETING):
    response = draw(jiangsu, park, kind="plan_argumentation", size=5, alternates=1, meeting_date=meeting_date)
    assert response.status_code == 201, response.json
    return response.json


def test_an_unseen_panel_answers_as_a_missing_one(db, api_as, office_panel):
    zhejiang = api_as("province", province="33")
    missing = office_panel["id"] + 1000
    member = office_panel["members"][0]["expert_id"]
    probes = [("get", "", None), ("get", "/eligibility", None), ("get", "/invitations", None),
              ("get", "/invitations/preview", None), ("post", "/invitations", {}),
              ("post", "/replacements", {"expert_id": member, "reason": "x"}),
              ("post", "/reschedule", {"meeting_date": "2027-03-12", "reason": "x"}),
              ("post", "/cancel", {"reason": "x"})]
    for method, tail, body in probes:
        answers = []
        for panel_id in (office_panel["id"], missing):
            call = getattr(zhejiang, method)
            response = call(f"/panels/{panel_id}{tail}", **({"json": body} if body is not None else {}))
            answers.append((response.status_code, response.json["code"]))
        assert answers[0] == answers[1] == (404, "not_found"), (tail, answers)
    db.session.expire_all()
    assert db.session.scalar(select(PanelMember).where(PanelMember.expert_id == member,
                                                       PanelMember.panel_id == office_panel["id"])).status == "drawn"
