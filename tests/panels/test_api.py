"""Drawing panels through the API: fair, reproducible, explained, confidential, replaceable."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from panels.models import Booking, PanelMember
from tests.panels.conftest import drive

MEETING = "2027-03-10"


def draw(api, park, **over):
    body = {"park_id": park.id, "kind": "acceptance_meeting", "meeting_date": MEETING, "size": 7, "alternates": 3}
    body.update(over)
    return api.post("/panels", json=body)


def test_draw_satisfies_the_rules_and_records_why(office_api, park, pool):
    response = draw(office_api, park)
    assert response.status_code == 201, response.json
    panel = response.json
    members = panel["members"]
    assert len(members) == 7 and len(panel["alternates"]) == 3
    by_id = {e.id: e for e in pool}
    chosen = [by_id[m["expert_id"]] for m in members]
    assert all(e.province != "32" for e in chosen)                         # Office panel: not the park's province
    assert len({e.organization_id for e in chosen}) == 7                   # one per organisation
    provinces = [e.province for e in chosen]
    assert max(provinces.count(p) for p in provinces) <= 2                 # at most 2 per province
    assert sum(e.title_rank == "senior" for e in chosen) >= 3
    for code in ("industrial_symbiosis", "circular_economy", "cleaner_production", "env_management"):
        assert any(code in e.specialty_codes for e in chosen), code
    chairs = [m for m in members if m["is_chair"]]
    assert len(chairs) == 1 and by_id[chairs[0]["expert_id"]].title_rank == "senior"
    assert len(panel["draw"]["commitment"]) == 64
    assert panel["draw"]["funnel"]["pool"] == 80 and panel["draw"]["funnel"]["recusal"] == 72
    # the certificate: no lottery could give the least-chance expert more than min_probability + gap
    assert panel["draw"]["gap"] >= 0 and panel["draw"]["fairness_ratio"] >= 0.95
    assert panel["draw"]["fairness_ratio"] == pytest.approx(
        panel["draw"]["min_probability"] / (panel["draw"]["min_probability"] + panel["draw"]["gap"]), abs=1e-6)

    eligibility = office_api.get(f"/panels/{panel['id']}/eligibility?page_size=200").json
    assert eligibility["total"] == 80
    own = [i for i in eligibility["items"] if by_id[i["expert_id"]].province == "32"]
    assert all(not i["eligible"] and i["reasons"] == ["own_province"] for i in own)
    probabilities = [i["probability"] for i in eligibility["items"] if i["eligible"]]
    assert abs(sum(probabilities) - 7) < 1e-6
    assert eligibility["min_probability"] > 0


def test_same_inputs_and_seed_give_the_same_panel(office_api, park, pool, db):
    first = draw(office_api, park, seed=424242).json
    assert "members" in first, first
    db.session.execute(Booking.__table__.delete())
    db.session.commit()
    second = draw(office_api, park, seed=424242).json
    assert [m["expert_id"] for m in first["members"]] == [m["expert_id"] for m in second["members"]]
    assert first["draw"]["commitment"] == second["draw"]["commitment"]
    assert second["draw"]["seed_source"] == "caller"


def test_audit_bundle_verifies_offline_and_tampering_is_detected(office_api, park, pool, app, tmp_path):
    panel = draw(office_api, park, witness="2027-03-01 上证指数收盘 3261.12").json
    bundle = office_api.get(f"/panels/{panel['id']}/audit")
    assert bundle.status_code == 200
    path = tmp_path / "bundle.json"
    path.write_bytes(bundle.data)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["draws", "verify", str(path)])
    assert ok.exit_code == 0 and ok.output.strip() == "verified"

    text = bundle.data.decode()
    tampered = [
        text.replace('"witness":"2027-03-01', '"witness":"2027-03-02'),          # the public value
        re.sub(r'"members":\["(\d+)"', lambda m: f'"members":["{int(m.group(1)) + 1000}"', text, count=1),
        text.replace('"min_senior":3', '"min_senior":2', 1),                     # the rules
        text.replace('"seed":', '"seed": ', 1),                                  # one byte of formatting
    ]
    for variant in tampered:
        assert variant != text
        path.write_text(variant)
        result = runner.invoke(args=["draws", "verify", str(path)])
        assert result.exit_code == 1, variant[:200]
        assert "verified" not in result.output


def test_infeasible_request_is_explained(api_as, park, pool):
    english = api_as("office", lang="en")
    response = draw(english, park, size=30)
    assert response.status_code == 422
    body = response.json
    assert body["code"] == "draw_infeasible"
    assert body["funnel"]["available"] == 72
    assert body["message"].startswith("No panel satisfies the rules")
    assert body["relaxations"] or body["conflict"]


def test_no_double_booking_across_panels(office_api, park, pool, db):
    from scheduling.models import Park

    other = Park(name="另一园区", province="44", management_agency_id=park.management_agency_id, state="new")
    db.session.add(other)
    db.session.commit()
    drive(other, "verification_passed")
    a = draw(office_api, park, size=7).json
    b = draw(office_api, other, size=7).json
    ids_a = {m["expert_id"] for m in a["members"]}
    ids_b = {m["expert_id"] for m in b["members"]}
    assert not ids_a & ids_b
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 14


def test_decline_promotes_a_valid_alternate_then_redraws(office_api, park, pool, db):
    panel = draw(office_api, park, alternates=1, seed=20261124).json
    first_alternate = panel["alternates"][0]["expert_id"]
    leaving = panel["members"][0]["expert_id"]
    after = office_api.post(f"/panels/{panel['id']}/replacements",
                            json={"expert_id": leaving, "reason": "出差", "conflict_of_interest": False})
    assert after.status_code == 200, after.json
    body = after.json
    member_ids = {m["expert_id"] for m in body["members"]}
    assert leaving not in member_ids and len(member_ids) == 7
    history = {m["expert_id"]: m["status"] for m in body["history"]}
    assert history[leaving] == "declined"
    assert first_alternate in member_ids or len(body["draws"]) == 2  # promoted, or redrawn
    # a second decline: the alternate (if still waiting) or a replacement draw with the others fixed
    leaving2 = next(iter(member_ids - {first_alternate}))
    again = office_api.post(f"/panels/{panel['id']}/replacements",
                            json={"expert_id": leaving2, "reason": "利益冲突", "conflict_of_interest": True})
    assert again.status_code == 200, again.json
    body = again.json
    assert len(body["members"]) == 7
    promotions = sum(1 for m in body["members"] if m["status_reason"].startswith("promoted for"))
    assert promotions <= 1
    assert len(body["draws"]) == 1 + (2 - promotions)  # every decline not met by a promotion was redrawn
    assert all(d["purpose"] == "replacement" for d in body["draws"][1:])
    kept = member_ids - {leaving2}
    assert kept <= {m["expert_id"] for m in body["members"]}
    rows = db.session.scalars(select(PanelMember).where(PanelMember.panel_id == panel["id"])).all()
    assert {r.expert_id for r in rows} >= {leaving, leaving2}  # nothing deleted
    bookings = set(db.session.scalars(select(Booking.expert_id).where(Booking.panel_id == panel["id"])))
    assert bookings == {m["expert_id"] for m in body["members"]}


@pytest.mark.parametrize("park_state", ["under_provincial_review"])  # the province's plan argumentation
def test_panels_are_confidential_and_scoped(api_as, office_api, park, pool):
    jiangsu, zhejiang = api_as("province", province="32"), api_as("province", province="33")
    office_panel = draw(office_api, park, override_reason="测试：办公室与省级评审组并存").json
    assert jiangsu.get(f"/panels/{office_panel['id']}").status_code == 404  # unseen: as if missing
    argued = draw(jiangsu, park, kind="plan_argumentation", size=5, alternates=1)
    assert argued.status_code == 201, argued.json
    assert argued.json["convened_by"] == "32"
    assert jiangsu.get(f"/panels/{argued.json['id']}").status_code == 200
    assert zhejiang.get(f"/panels/{argued.json['id']}").status_code == 404
    not_its_park = draw(zhejiang, park, kind="plan_argumentation")  # unknown to it, as a missing park is
    assert not_its_park.status_code == 422 and not_its_park.json["code"] == "unknown_park"
    assert draw(jiangsu, park, kind="acceptance_meeting").status_code == 403     # the Office's panel
    assert jiangsu.get(f"/panels/{argued.json['id']}/audit").status_code == 403  # bundles: Office only
    assert jiangsu.post("/panels", json={"park_id": park.id, "kind": "plan_argumentation", "meeting_date": MEETING,
                                         "size": 5, "seed": 1}).status_code == 403


def test_every_look_is_audited(office_api, park, pool, db):
    from ground.audit import AuditEntry

    panel = draw(office_api, park).json
    office_api.get(f"/panels/{panel['id']}")
    office_api.get(f"/panels/{panel['id']}/eligibility")
    actions = list(db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "panel")
                                      .order_by(AuditEntry.seq)))
    assert actions == ["panel.draw", "panel.view", "panel.eligibility"]


def test_rule_sets_are_versioned_data(office_api, api_as, park, pool):
    sets = office_api.get("/rule-sets").json
    assert {s["kind"] for s in sets if s["is_default"]} >= {"acceptance_meeting", "plan_argumentation"}
    created = office_api.post("/rule-sets", json={"name": "strict-acceptance", "kind": "acceptance_meeting",
                                                  "rules": {"min_senior": 5, "own_province_cap": 0,
                                                            "max_per_province": 1}})
    assert created.status_code == 201 and created.json["version"] == 1
    again = office_api.post("/rule-sets", json={"name": "strict-acceptance", "rules": {"min_senior": 4}})
    assert again.json["version"] == 2
    panel = draw(office_api, park, rule_set="strict-acceptance").json
    assert panel["rule_set"] == {"name": "strict-acceptance", "version": 2}
    bad = office_api.post("/rule-sets", json={"name": "x1", "rules": {"specialty_quotas": [{"specialty": "nope"}]}})
    assert bad.status_code == 422
    assert api_as("province", province="32").post("/rule-sets", json={"name": "pp", "rules": {}}).status_code == 403


@pytest.mark.parametrize("body, field", [
    ({"kind": "tea_party"}, "kind"), ({"size": 0}, "size"), ({"meeting_date": "2027-02-30"}, "meeting_date"),
    ({"park_id": 99999}, "park_id"), ({"surprise": 1}, "surprise"),
])
def test_bad_panel_requests(office_api, park, pool, body, field):
    response = draw(office_api, park, **body)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_bundle_is_canonical_json(office_api, park, pool):
    panel = draw(office_api, park).json
    data = office_api.get(f"/panels/{panel['id']}/audit").data.decode()
    doc = json.loads(data)
    assert doc["bundles"][0]["inputs"]["rule_set"]["name"] == "default-acceptance_meeting"


def test_date_suggestions_check_each_working_day_and_put_the_best_first(office_api, park, pool, db):
    from datetime import date

    from expert_pool.models import Unavailability

    for expert in pool[:75]:  # most of the pool is away on Tuesday: no panel that day
        db.session.add(Unavailability(expert_id=expert.id, start_date=date(2027, 3, 9), end_date=date(2027, 3, 9),
                                      reason="会议"))
    for expert in pool[75:]:  # a few are away on Thursday: still a panel, with less choice
        db.session.add(Unavailability(expert_id=expert.id, start_date=date(2027, 3, 11), end_date=date(2027, 3, 11),
                                      reason="出差"))
    db.session.commit()
    response = office_api.get("/meetings/date-suggestions", query_string={
        "park_id": park.id, "kind": "acceptance_meeting", "from": "2027-03-08", "to": "2027-03-14"})
    assert response.status_code == 200, response.json
    rows = response.json
    assert [r["date"] for r in rows] == ["2027-03-08", "2027-03-10", "2027-03-12", "2027-03-11", "2027-03-09"]
    assert [r["feasible"] for r in rows] == [True, True, True, True, False]  # the weekend is left out
    # 8 of the 80 are from the park's own province (recused for an Office panel); 5 away on Thursday
    assert [r["eligible"] for r in rows] == [72, 72, 72, 67, 5]
    # a panel drawn for Monday books its members: Monday now offers less choice than the other days
    monday = draw(office_api, park, meeting_date="2027-03-08")
    assert monday.status_code == 201
    # the default rest rule (a day between panels) also keeps Monday's members off Tuesday
    tuesday_left = 5 - len({m["expert_id"] for m in monday.json["members"]} & {e.id for e in pool[75:]})
    again = office_api.get("/meetings/date-suggestions", query_string={
        "park_id": park.id, "kind": "acceptance_meeting", "from": "2027-03-08", "to": "2027-03-12"}).json
    assert [(r["date"], r["eligible"]) for r in again] == [
        ("2027-03-10", 72), ("2027-03-12", 72), ("2027-03-11", 67), ("2027-03-08", 72 - 7),
        ("2027-03-09", tuesday_left)]


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2027-03-10", "to": "2027-03-01"}, "to"), ({"from": "2027-01-01", "to": "2027-06-30"}, "to"),
    ({"from": "2027-02-30", "to": "2027-03-01"}, "from"), ({"kind": "tea_party"}, "kind")])
def test_date_suggestions_refuse_bad_spans(office_api, park, query, field):
    params = {"park_id": park.id, "kind": "acceptance_meeting", "from": "2027-03-08", "to": "2027-03-12", **query}
    response = office_api.get("/meetings/date-suggestions", query_string=params, headers={"Accept-Language": "en"})
    assert response.status_code == 422 and field in response.json["errors"], response.json
