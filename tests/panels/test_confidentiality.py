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


def test_a_province_names_only_its_kinds_default_rule_set(db, office_api, jiangsu, park, pool):
    from panels.models import RuleSet

    other_kind = jiangsu.post("/panels", json={"park_id": park.id, "kind": "performance_evaluation",
                                               "meeting_date": MEETING, "size": 5, "alternates": 0,
                                               "rule_set": "default-plan_argumentation"})
    assert other_kind.status_code == 422 and other_kind.json["code"] == "rule_set_kind_mismatch"
    assert "plan_argumentation" in other_kind.json["message"]
    assert office_api.post("/panels", json={"park_id": park.id, "kind": "performance_evaluation",
                                            "meeting_date": MEETING, "size": 5, "alternates": 0,
                                            "rule_set": "default-plan_argumentation"}).status_code == 422
    db.session.add(RuleSet(name="lenient-argumentation", version=1, kind="plan_argumentation", is_default=False,
                           created_by="test", rules={"max_per_organization": 3, "min_senior": 0}))
    db.session.commit()
    body = {"park_id": park.id, "kind": "plan_argumentation", "meeting_date": MEETING, "size": 5, "alternates": 0,
            "rule_set": "lenient-argumentation"}
    refused = jiangsu.post("/panels", json=body, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json["code"] == "rule_set_not_default"
    assert "Only the Office" in refused.json["message"]
    assert jiangsu.get(f"/meetings/date-suggestions?park_id={park.id}&kind=plan_argumentation&from=2027-03-09"
                       "&to=2027-03-10&size=5&rule_set=lenient-argumentation").status_code == 422
    assert jiangsu.post("/panels", json={**body, "rule_set": "default-plan_argumentation"}).status_code == 201
    assert office_api.post("/panels", json={**body, "meeting_date": "2027-03-11"}).status_code == 201


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
