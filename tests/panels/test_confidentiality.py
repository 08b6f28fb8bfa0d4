"""Confidential panels stay confidential to a province with a token and the OpenAPI document (SECURITY.md).

A province draws (and may cancel) a panel of its own on any date; nothing it can read about it names the
experts other authorities booked that day or drew for the same park, nor moves by their panels' size."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from expert_pool.models import Expert
from panels.models import Booking, PanelMember
from tests.panels.test_api import MEETING, draw


@pytest.fixture
def park_state():
    """Under provincial review: the province's plan argumentation is the panel the park calls for; the Office's
    acceptance meeting beside it on the same day is drawn with an override (what is under test is
    confidentiality between the two authorities, not the stage rule)."""
    return "under_provincial_review"


OVERRIDE = "测试：与省级评审组同日的办公室评审组"


@pytest.fixture
def jiangsu(api_as):
    return api_as("province", province="32")


@pytest.fixture
def office_panel(office_api, park, pool):
    """The Office's acceptance meeting for the park on MEETING (7 members, confidential to the Office)."""
    response = draw(office_api, park, override_reason=OVERRIDE)
    assert response.status_code == 201, response.json
    return response.json


def _throwaway(jiangsu, park, meeting_date=MEETING):
    response = draw(jiangsu, park, kind="plan_argumentation", size=5, alternates=1, meeting_date=meeting_date)
    assert response.status_code == 201, response.json
    return response.json


def test_eligibility_counts_others_bookings_without_naming_them(office_api, jiangsu, park, pool, office_panel):
    office_members = {m["expert_id"] for m in office_panel["members"]}
    mine = _throwaway(jiangsu, park)
    seen = jiangsu.get(f"/panels/{mine['id']}/eligibility?page_size=200").json
    listed = {i["expert_id"] for i in seen["items"]}
    assert not office_members & listed, "an expert of the Office's panel is named to the province"
    assert all("booked_that_day" not in i["reasons"] for i in seen["items"])
    assert seen["unavailable_elsewhere"] == len(office_members)  # only how many
    # eligible experts are not listed one by one: with the pool's roster, the experts neither listed eligible
    # nor listed excluded would be exactly the Office's members
    assert seen["eligible_listed"] is False and not [i for i in seen["items"] if i["eligible"]]
    assert jiangsu.get(f"/panels/{mine['id']}/eligibility?eligible=true").json["total"] == 0
    # the Office sees every reason
    full = office_api.get(f"/panels/{mine['id']}/eligibility?page_size=200&eligible=false").json
    booked = {i["expert_id"] for i in full["items"] if "booked_that_day" in i["reasons"]}
    assert booked == office_members and full["eligible_listed"] is True


def test_date_suggestion_counts_do_not_drop_by_a_confidential_panel(jiangsu, park, pool, office_panel):
    query = f"park_id={park.id}&kind=plan_argumentation&from=2027-03-09&to=2027-03-11&size=5"
    rows = jiangsu.get(f"/meetings/date-suggestions?{query}")
    assert rows.status_code == 200, rows.json
    counts = {r["date"]: r["eligible"] for r in rows.json}
    assert counts["2027-03-10"] == counts["2027-03-09"] == counts["2027-03-11"], counts


def test_invitation_conflicts_are_for_the_office_and_the_convening_authority(db, office_api, jiangsu, park, pool,
                                                                            office_panel):
    leaving = office_panel["members"][0]["expert_id"]
    response = office_api.post(f"/panels/{office_panel['id']}/replacements",
                               json={"expert_id": leaving, "reason": "与园区存在利害关系", "conflict_of_interest": True})
    assert response.status_code == 200, response.json
    on_record = jiangsu.get(f"/experts/{leaving}").json
    assert all(c["source"] != "invitation" for c in on_record["conflicts"]), on_record["conflicts"]
    assert any(c["source"] == "invitation" for c in office_api.get(f"/experts/{leaving}").json["conflicts"])
    # nor does the conflict show as a reason on the province's own panel for the park
    mine = _throwaway(jiangsu, park, "2027-04-14")
    seen = jiangsu.get(f"/panels/{mine['id']}/eligibility?page_size=200").json
    assert leaving not in {i["expert_id"] for i in seen["items"]}
    assert all("declared_conflict_park" not in i["reasons"] for i in seen["items"])


def test_a_move_onto_another_authoritys_day_does_not_name_its_members(db, jiangsu, park, pool, office_panel):
    mine = _throwaway(jiangsu, park, "2027-04-14")
    busy = {m["expert_id"] for m in office_panel["members"]}
    member = next(m["expert_id"] for m in mine["members"] if m["expert_id"] not in busy)
    # the member also sits on the Office's panel on MEETING (as if drawn there)
    db.session.add(Booking(expert_id=member, day=date(2027, 3, 10), panel_id=office_panel["id"]))
    db.session.commit()
    response = jiangsu.post(f"/panels/{mine['id']}/reschedule", json={"meeting_date": MEETING, "reason": "x"})
    assert response.status_code == 409, response.json
    assert response.json["code"] == "members_ineligible_on_date"
    # the draws are random: members of mine that the Office's panel also drew are unavailable on its day too
    also_busy = sum(m["expert_id"] in busy for m in mine["members"])
    assert response.json["experts"] == {} and response.json["unavailable"] == 1 + also_busy
    # named neither by name nor by id: the only number the message holds is the count
    assert db.session.get(Expert, member).name not in response.json["message"]
    assert re.findall(r"\d+", response.json["message"]) == [str(1 + also_busy)]


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


def test_the_ids_a_province_sees_count_nothing(db, office_api, jiangsu, park, pool, office_panel, expert_payload):
    # Red-team finding 3: panel, draw and invitation ids were sequential, so the gap between a province's own
    # ids counted the panels (and seats) other authorities convened in between.
    first = _throwaway(jiangsu, park, "2027-04-14")
    assert office_api.post(f"/panels/{office_panel['id']}/invitations", json={}).status_code in (200, 201)
    second = _throwaway(jiangsu, park, "2027-04-15")
    for panel in (first, second):
        sent = jiangsu.post(f"/panels/{panel['id']}/invitations", json={})
        assert sent.status_code in (200, 201), sent.json
    invitations = [i for p in (first, second) for i in jiangsu.get(f"/panels/{p['id']}/invitations").json["items"]]
    panels = [first["id"], second["id"]]
    draws = [first["draw"]["id"], second["draw"]["id"]]
    ids = panels + draws + [i["id"] for i in invitations]
    assert len(invitations) == 10
    assert all(1 <= i < 2**31 for i in ids)  # the INTEGER columns and the API's id range
    # Sequential ids lie within a few of each other (the Office's one panel, its 7 invitations between them);
    # random ones spread over the range.
    for group in (panels, draws, [i["id"] for i in invitations]):
        assert max(group) - min(group) > 2**16, group
    # The invitations' mail history names the Office's outbox rows only to the Office (their ids count mail).
    details = [h["detail"] for i in invitations for h in i["history"] if h["event"].startswith("mail_")]
    assert details and all("outbox_id" not in d for d in details)
    office_view = office_api.get(f"/panels/{first['id']}/invitations").json["items"]
    assert all("outbox_id" in h["detail"] for i in office_view for h in i["history"] if h["event"].startswith("mail_"))
    # A conflict is also recorded when an expert declines a confidential panel: those ids are random too.
    own = jiangsu.post("/experts", json=expert_payload(contributed_by="32"))
    assert own.status_code == 201, own.json
    added = [jiangsu.post(f"/experts/{own.json['id']}/conflicts", json={"relation": "relative", "park_id": park.id})
             for _ in range(2)]
    assert all(r.status_code == 201 for r in added)
    assert abs(added[0].json["id"] - added[1].json["id"]) > 2**16



def test_a_park_out_of_sight_is_unknown_to_panel_requests(api_as, park, pool):
    # Red-team finding 5, for park ids in a body or query: another province's park answered "only the Office or
    # the park's province may convene" where a missing one answered "unknown park", so parks could be counted.
    zhejiang = api_as("province", province="33")
    answers = []
    for park_id in (park.id, park.id + 100_000):
        drawn = zhejiang.post("/panels", json={"park_id": park_id, "kind": "plan_argumentation",
                                               "meeting_date": MEETING, "size": 5, "alternates": 0})
        dates = zhejiang.get(f"/meetings/date-suggestions?park_id={park_id}&kind=plan_argumentation"
                             "&from=2027-03-09&to=2027-03-10&size=5")
        answers.append([(r.status_code, r.json) for r in (drawn, dates)])
    assert answers[0] == answers[1]
    assert [status for status, _ in answers[0]] == [422, 422] and answers[0][0][1]["code"] == "unknown_park"
