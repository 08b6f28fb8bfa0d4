"""The park's timeline shows its panels (kind, dates, status), never who sits on them, and a confidential
panel only to the Office and its convening authority until its meeting day is over."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tests.panels.test_api import MEETING, draw

PANEL_TYPES = {"panel_convened", "panel_drawn", "panel_invitations_sent", "panel_meeting", "panel_cancelled"}


def panel_events(api, park) -> list[dict]:
    response = api.get(f"/parks/{park.id}/timeline")
    assert response.status_code == 200, response.json
    return [e for e in response.json["events"] if e["type"] in PANEL_TYPES]


def after_the_meeting(app, monkeypatch):
    monkeypatch.setitem(app.config, "CLOCK", lambda: datetime(2027, 3, 11, 2, 0, tzinfo=UTC))


def test_the_office_sees_its_panel_from_the_draw_on_without_names(db, office_api, park, pool):
    panel = draw(office_api, park).json
    office_api.post(f"/panels/{panel['id']}/invitations", json={})
    events = panel_events(office_api, park)
    # (convened and drawn are dated by the real instant of the draw, the invitations by the application's clock,
    # which the suite pins to an earlier day: compare by type, not by order)
    by_type = {e["type"]: e for e in events}
    assert sorted(by_type) == ["panel_convened", "panel_drawn", "panel_invitations_sent", "panel_meeting"]
    assert len(events) == 4 and events[-1]["type"] == "panel_meeting"
    assert {(e["panel_id"], e["panel_kind"], e["convened_by"]) for e in events} == {
        (panel["id"], "acceptance_meeting", "office")}
    assert by_type["panel_convened"]["meeting_date"] == MEETING and by_type["panel_meeting"]["on"] == MEETING
    assert (by_type["panel_drawn"]["round"], by_type["panel_drawn"]["purpose"]) == (1, "initial")
    text = json.dumps(events, ensure_ascii=False)
    for member in panel["members"] + panel["alternates"]:
        assert member["name"] not in text and f'"expert_id": {member["expert_id"]}' not in text


def test_others_learn_of_a_confidential_panel_only_after_its_meeting(app, db, api_as, office_api, park, pool,
                                                                     monkeypatch):
    panel = draw(office_api, park).json
    jiangsu = api_as("province", province="32")  # the park's province: not the Office panel's convener
    park_user = api_as("park", park_id=park.id)
    assert panel_events(jiangsu, park) == [] and panel_events(park_user, park) == []
    after_the_meeting(app, monkeypatch)
    for api in (jiangsu, park_user):
        assert panel_events(api, park) == [{"type": "panel_meeting", "on": MEETING, "panel_kind": "acceptance_meeting",
                                            "status": "held", "at": None}]
    assert panel["id"] not in {e.get("panel_id") for e in panel_events(jiangsu, park)}


def test_a_cancelled_panel_never_shows_to_others(app, db, api_as, office_api, park, pool, monkeypatch):
    panel = draw(office_api, park).json
    assert office_api.post(f"/panels/{panel['id']}/cancel", json={"reason": "测试取消"}).status_code == 200
    assert panel_events(office_api, park)[-1]["type"] == "panel_cancelled"
    after_the_meeting(app, monkeypatch)
    assert panel_events(api_as("park", park_id=park.id), park) == []


@pytest.mark.parametrize("park_state", ["under_provincial_review"])
def test_the_convening_province_sees_its_panel_and_the_override_reason_shows(db, api_as, office_api, park, pool):
    jiangsu = api_as("province", province="32")
    argued = draw(jiangsu, park, kind="plan_argumentation", size=5, alternates=0).json
    mine = panel_events(jiangsu, park)
    assert {e["panel_id"] for e in mine} == {argued["id"]} and mine[0]["convened_by"] == "32"
    assert panel_events(api_as("park", park_id=park.id), park) == []
    overridden = draw(office_api, park, meeting_date="2027-03-11", override_reason="测试：办公室越过阶段").json
    office_view = {e["panel_id"]: e for e in panel_events(office_api, park) if e["type"] == "panel_convened"}
    assert office_view[overridden["id"]]["reason"] == "测试：办公室越过阶段"
    assert office_view[argued["id"]]["reason"] is None
    assert overridden["id"] not in {e["panel_id"] for e in panel_events(jiangsu, park)}
