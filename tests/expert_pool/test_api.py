"""The expert-pool API: create, read, filter, edit with ETags, status, and who may do what."""

from __future__ import annotations

from sqlalchemy import func, select

from expert_pool.models import Expert


def test_create_and_read_expert(office_api, expert_payload):
    payload = expert_payload(name="王立新")
    created = office_api.post("/experts", json=payload)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["name"] == "王立新"
    assert body["status"] == "active"
    assert body["id_number"] == payload["id_number"]  # the Office sees personal data
    assert body["personal_data_masked"] is False
    assert body["employments"][0]["end_date"] is None
    assert created.headers["ETag"]

    read = office_api.get(f"/experts/{body['id']}")
    assert read.status_code == 200
    assert read.json["specialties"] == ["circular_economy", "eia"]
    assert read.headers["Cache-Control"] == "no-store"


def test_full_width_and_dashes_are_normalised(office_api, expert_payload):
    payload = expert_payload()
    digits = payload["mobile"]
    payload["mobile"] = "＋86 " + "".join(chr(ord(c) + 0xFEE0) for c in digits[:3]) + "-" + digits[3:7] + " " + digits[7:]
    payload["id_number"] = payload["id_number"][:6] + " " + payload["id_number"][6:14] + "-" + payload["id_number"][14:]
    payload["email"] = "  Someone@Example.COM "
    response = office_api.post("/experts", json=payload)
    assert response.status_code == 201, response.json
    assert response.json["mobile"] == digits
    assert response.json["email"] == "someone@example.com"
    assert " " not in response.json["id_number"]


def test_list_filters_sort_and_paginate(office_api, make_expert):
    for i in range(7):
        make_expert(name=f"甲{i}", province="32" if i % 2 else "44",
                    specialties=["eia"] if i < 3 else ["low_carbon", "eia"], title_rank="senior" if i < 5 else "intermediate")
    page = office_api.get("/experts?page=1&page_size=3&sort=name")
    assert page.status_code == 200
    assert page.json["total"] == 7
    assert [e["name"] for e in page.json["items"]] == ["甲0", "甲1", "甲2"]
    assert len(office_api.get("/experts?page=3&page_size=3").json["items"]) == 1

    assert office_api.get("/experts?province=44").json["total"] == 4
    assert office_api.get("/experts?specialty=low_carbon").json["total"] == 4
    assert office_api.get("/experts?specialty=low_carbon&specialty=eia&province=32").json["total"] == 2
    assert office_api.get("/experts?title_rank=intermediate").json["total"] == 2
    assert office_api.get("/experts?q=甲6").json["total"] == 1
    assert [e["name"] for e in office_api.get("/experts?sort=-name&page_size=2").json["items"]] == ["甲6", "甲5"]


def test_province_user_reads_shared_pool_masked(api_as, make_expert):
    expert = make_expert(province="44")
    jiangsu = api_as("province", province="32")
    listing = jiangsu.get("/experts")
    assert listing.status_code == 200
    item = listing.json["items"][0]
    assert item["personal_data_masked"] is True
    assert "*" in item["id_number"] and item["id_number"] != expert.id_number
    assert "*" in item["mobile"]
    detail = jiangsu.get(f"/experts/{expert.id}")
    assert "*" in detail.json["id_number"]


def test_province_edits_only_its_contributed_experts(api_as, make_expert):
    own = make_expert(contributed_by="32")
    other = make_expert(contributed_by="44")
    national = make_expert()
    jiangsu = api_as("province", province="32")
    for expert, expected in ((own, 200), (other, 403), (national, 403)):
        etag = jiangsu.get(f"/experts/{expert.id}").headers["ETag"]
        response = jiangsu.patch(f"/experts/{expert.id}", json={"city": "苏州"}, headers={"If-Match": etag})
        assert response.status_code == expected, response.json


def test_province_creates_in_its_own_name_only(api_as, expert_payload):
    jiangsu = api_as("province", province="32")
    created = jiangsu.post("/experts", json=expert_payload())
    assert created.status_code == 201
    assert created.json["contributed_by"] == "32"
    refused = jiangsu.post("/experts", json=expert_payload(contributed_by="44"))
    assert refused.status_code == 403


def test_park_user_cannot_read_the_pool(api_as, make_expert):
    from scheduling.models import Park

    expert = make_expert()
    org = expert.organization
    from ground.extensions import db

    park = Park(name="测试园区", province="32", management_agency=org, state="under_construction")
    db.session.add(park)
    db.session.commit()
    park_api = api_as("park", park_id=park.id)
    assert park_api.get("/experts").status_code == 403
    assert park_api.get(f"/experts/{expert.id}").status_code == 403


def test_expert_sees_only_self_unmasked(api_as, make_expert):
    me, other = make_expert(), make_expert()
    mine = api_as("expert", expert_id=me.id)
    response = mine.get(f"/experts/{me.id}")
    assert response.status_code == 200
    assert response.json["id_number"] == me.id_number
    # Another expert does not exist for an expert user (as a missing id: the pool's ids cannot be probed).
    assert mine.get(f"/experts/{other.id}").status_code == 404
    assert mine.get("/experts").status_code == 403
    confirm = mine.post(f"/experts/{me.id}/confirm")
    assert confirm.status_code == 200


def test_patch_requires_matching_etag(office_api, make_expert, db):
    expert = make_expert()
    first = office_api.get(f"/experts/{expert.id}")
    etag = first.headers["ETag"]
    assert office_api.patch(f"/experts/{expert.id}", json={"city": "无锡"}).status_code == 428
    ok = office_api.patch(f"/experts/{expert.id}", json={"city": "无锡"}, headers={"If-Match": etag})
    assert ok.status_code == 200
    assert ok.headers["ETag"] != etag
    stale = office_api.patch(f"/experts/{expert.id}", json={"city": "常州"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.json["code"] == "etag_mismatch"
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).city == "无锡"


def test_patch_change_of_organisation_keeps_dated_history(office_api, make_expert, make_org):
    from datetime import date

    expert = make_expert(organization_since=date(2020, 3, 1))
    new_org = make_org(name="新单位")
    etag = office_api.get(f"/experts/{expert.id}").headers["ETag"]
    response = office_api.patch(f"/experts/{expert.id}", json={"organization_id": new_org.id,
                                                               "organization_since": "2026-10-01"},
                                headers={"If-Match": etag})
    assert response.status_code == 200, response.json
    jobs = response.json["employments"]
    assert [j["organization"]["name"] for j in jobs][-1] == "新单位"
    assert jobs[0]["end_date"] == "2026-10-01" and jobs[-1]["end_date"] is None
    history = office_api.get(f"/experts/{expert.id}/history").json
    change = next(c for c in history["changes"] if c["action"] == "expert.update")
    assert change["data"]["changes"]["organization_id"][1] == new_org.id
    assert change["actor_label"].startswith("office")


def test_status_transitions_are_recorded_and_checked(office_api, make_expert):
    expert = make_expert()
    suspended = office_api.post(f"/experts/{expert.id}/status", json={"status": "suspended", "reason": "连续两次无故缺席"})
    assert suspended.status_code == 200
    assert suspended.json["status"] == "suspended"
    removed = office_api.post(f"/experts/{expert.id}/status", json={"status": "removed", "reason": "违反保密规定"})
    assert removed.status_code == 200
    illegal = office_api.post(f"/experts/{expert.id}/status", json={"status": "active", "reason": "x"})
    assert illegal.status_code == 409
    assert illegal.json["code"] == "illegal_status_change"
    history = office_api.get(f"/experts/{expert.id}/history").json
    assert [s["to_status"] for s in history["status_changes"]] == ["active", "suspended", "removed"]
    assert history["status_changes"][1]["reason"] == "连续两次无故缺席"


def test_conflicts_unavailability_and_employment(office_api, make_expert, make_org):
    expert = make_expert()
    org = make_org(type="enterprise")
    conflict = office_api.post(f"/experts/{expert.id}/conflicts",
                               json={"organization_id": org.id, "relation": "relative", "note": "配偶任职"})
    assert conflict.status_code == 201
    no_target = office_api.post(f"/experts/{expert.id}/conflicts", json={"relation": "relative"})
    assert no_target.status_code == 422
    away = office_api.post(f"/experts/{expert.id}/unavailability",
                           json={"start_date": "2027-01-10", "end_date": "2027-01-20", "reason": "出国"})
    assert away.status_code == 201
    backwards = office_api.post(f"/experts/{expert.id}/unavailability",
                                json={"start_date": "2027-01-20", "end_date": "2027-01-10"})
    assert backwards.status_code == 422
    job = office_api.post(f"/experts/{expert.id}/employments",
                          json={"organization_id": org.id, "start_date": "2015-01-01", "end_date": "2020-06-30"})
    assert job.status_code == 201
    detail = office_api.get(f"/experts/{expert.id}").json
    assert len(detail["conflicts"]) == 1 and len(detail["unavailabilities"]) == 1 and len(detail["employments"]) == 2


def test_unknown_park_is_the_databases_answer_a_422_and_the_transaction_stays_usable(office_api, make_expert, make_org,
                                                                                      db):
    # The pool does not import the package that owns parks: the foreign key of expert_conflicts.park_id decides,
    # in a savepoint, on SQLite and PostgreSQL alike.
    from expert_pool.models import ConflictDeclaration
    from expert_pool.services import add_conflict
    from ground.actor import SYSTEM
    from ground.errors import InvalidInput

    expert = make_expert()
    response = office_api.post(f"/experts/{expert.id}/conflicts", json={"park_id": 999_999, "relation": "interest"})
    assert response.status_code == 422 and response.json["code"] == "unknown_park"
    assert response.json["errors"]["park_id"]
    assert db.session.scalar(select(func.count()).select_from(ConflictDeclaration)) == 0

    # In one transaction: the refused row is gone, the rest of the work goes on and commits.
    expert = db.session.get(Expert, expert.id)
    try:
        add_conflict(SYSTEM, expert, {"park_id": 999_999, "relation": "interest"}, expert.data_confirmed_on)
    except InvalidInput as exc:
        assert exc.code == "unknown_park"
    else:
        raise AssertionError("an unknown park was accepted")
    org = make_org(type="enterprise")
    add_conflict(SYSTEM, db.session.get(Expert, expert.id), {"organization_id": org.id, "relation": "relative"},
                 expert.data_confirmed_on)
    db.session.commit()
    assert [c.organization_id for c in db.session.get(Expert, expert.id).conflicts] == [org.id]


def test_review_list_for_dynamic_management(office_api, make_expert, db):
    from datetime import date

    stale = make_expert()
    stale.data_confirmed_on = date(2025, 6, 1)
    ending = make_expert(term_end="2027-01-10")
    fresh = make_expert()
    db.session.commit()
    response = office_api.get("/experts/review?on=2026-11-24")
    assert response.status_code == 200
    reasons = {item["expert"]["id"]: item["reasons"] for item in response.json["items"]}
    assert reasons[stale.id] == ["data_unconfirmed"]
    assert reasons[ending.id] == ["term_ending"]
    assert fresh.id not in reasons


def test_duplicates_against_pool_are_refused(office_api, expert_payload, db):
    first = expert_payload()
    assert office_api.post("/experts", json=first).status_code == 201
    again = expert_payload(id_number=first["id_number"], email=first["email"],
                           birth_year=first["birth_year"], gender=first["gender"])
    response = office_api.post("/experts", json=again)
    assert response.status_code == 409
    assert set(response.json["errors"]) == {"id_number", "email"}
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 1


def test_specialties_and_organisations(office_api, api_as):
    specialties = office_api.get("/specialties").json
    assert any(s["code"] == "circular_economy" and s["name_zh"] == "循环经济" for s in specialties)
    added = office_api.post("/specialties", json={"code": "hydrogen", "name_zh": "氢能", "name_en": "Hydrogen"})
    assert added.status_code == 201
    assert office_api.post("/specialties", json={"code": "hydrogen", "name_zh": "氢能", "name_en": "H"}).status_code == 409
    province = api_as("province", province="32")
    assert province.post("/specialties", json={"code": "x1", "name_zh": "x", "name_en": "x"}).status_code == 403

    org = office_api.post("/organizations", json={"name": "某某环境咨询有限公司", "type": "third_party", "province": "32"})
    assert org.status_code == 201
    org_id = org.json["id"]
    listed = office_api.post(f"/organizations/{org_id}/blacklist", json={"listed_on": "2026-01-05", "reason": "数据造假"})
    assert listed.status_code == 200 and listed.json["blacklisted"] is True
    assert province.post(f"/organizations/{org_id}/blacklist",
                         json={"listed_on": "2026-01-05", "reason": "x"}).status_code == 403
    assert office_api.get("/organizations?blacklisted=true").json["total"] == 1
    lifted = office_api.post(f"/organizations/{org_id}/blacklist/lift", json={"lifted_on": "2026-06-01", "reason": "整改完成"})
    assert lifted.json["blacklisted"] is False
    assert len(lifted.json["blacklistings"]) == 1


def test_every_change_is_audited(office_api, expert_payload, app):
    from ground.audit import verify_chain

    created = office_api.post("/experts", json=expert_payload()).json
    office_api.post(f"/experts/{created['id']}/status", json={"status": "suspended", "reason": "核查"})
    history = office_api.get(f"/experts/{created['id']}/history").json
    actions = [c["action"] for c in history["changes"]]
    assert actions == ["expert.create", "expert.status"]
    # personal identifiers are not spread into the log
    assert "*" in history["changes"][0]["data"]["after"]["id_number"]
    assert verify_chain().ok
