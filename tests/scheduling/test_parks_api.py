"""The parks API: scoping per role, transitions with their refusals, the timeline and the public list."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from ground.audit import AuditEntry
from scheduling.models import DeadlineRecord, ParkTransition
from tests.scheduling.conftest import PDF


def _create_payload(make_org, province="32", **kw):
    agency = make_org(type="park_agency", province=province)
    return {"name": kw.pop("name", f"苏州工业园区{agency.id}"), "province": province, "city": "苏州",
            "programme": "national", "park_type": "national_etdz", "management_agency_id": agency.id,
            "leading_industries": ["电子信息", "装备制造"], **kw}


def test_office_and_province_create_parks_in_scope(api_as, make_org, clock):
    office = api_as("office")
    created = office.post("/parks", json=_create_payload(make_org, "44"))
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["state"], body["phase"], body["may_use_title"], body["publicly_listed"]) == (
        "new", "application", False, False)
    assert [o["action"] for o in body["options"]] == []  # the Office has nothing to do with a new park

    jiangsu = api_as("province", province="32")
    own = jiangsu.post("/parks", json=_create_payload(make_org, "32"))
    assert own.status_code == 201, own.json
    other = jiangsu.post("/parks", json=_create_payload(make_org, "44"))
    assert other.status_code == 403
    assert other.json["code"] == "forbidden"
    duplicate = office.post("/parks", json=_create_payload(make_org, "32", name=own.json["name"]))
    assert duplicate.status_code == 409 and duplicate.json["code"] == "duplicate_park"
    unknown = office.post("/parks", json={**_create_payload(make_org), "colour": "green"})
    assert unknown.status_code == 422 and "colour" in unknown.json["errors"]


def test_scoping_per_role(api_as, make_park, clock):
    jiangsu_park, guangdong_park = make_park("32"), make_park("44")
    office = api_as("office")
    jiangsu = api_as("province", province="32")
    park_user = api_as("park", park_id=jiangsu_park.id)
    expert_user = api_as("expert", expert_id=None) if False else None

    assert office.get("/parks").json["total"] == 2
    listing = jiangsu.get("/parks")
    assert [p["id"] for p in listing.json["items"]] == [jiangsu_park.id]
    assert [p["id"] for p in park_user.get("/parks").json["items"]] == [jiangsu_park.id]

    assert jiangsu.get(f"/parks/{jiangsu_park.id}").status_code == 200
    # A park outside the caller's scope answers as a missing one: parks cannot be counted by id.
    assert jiangsu.get(f"/parks/{guangdong_park.id}").status_code == 404
    assert jiangsu.get(f"/parks/{guangdong_park.id}/timeline").status_code == 404
    assert park_user.get(f"/parks/{guangdong_park.id}").status_code == 404
    assert office.get("/parks/999999").status_code == 404
    acting = jiangsu.post(f"/parks/{guangdong_park.id}/transitions",
                          json={"action": "start_provincial_review", "date": "2026-03-01"})
    assert acting.status_code == 404
    assert expert_user is None


def test_expert_sees_no_park(api_as, make_expert, make_park, clock):
    park = make_park()
    expert = make_expert()
    api = api_as("expert", expert_id=expert.id)
    assert api.get("/parks").status_code == 403
    assert api.get(f"/parks/{park.id}").status_code == 403


def test_illegal_transition_names_state_and_allowed_actions(api_as, make_park, clock):
    park = make_park()
    api = api_as("province", province="32", lang="en")
    response = api.post(f"/parks/{park.id}/transitions", json={"action": "approve_construction",
                                                               "date": "2026-03-01"})
    assert response.status_code == 409
    assert response.json["code"] == "illegal_transition"
    assert response.json["current_state"] == "new"
    assert response.json["allowed_actions"] == []  # the province has nothing to do before an application
    assert "not yet applied" in response.json["message"]  # the state in words; its code is current_state

    park_api = api_as("park", park_id=park.id)
    wrong = park_api.post(f"/parks/{park.id}/transitions", json={"action": "approve_construction",
                                                                 "date": "2026-03-01"})
    assert wrong.status_code == 409
    assert wrong.json["allowed_actions"] == ["submit_application"]
    assert "提交创建申请" in wrong.json["message"]  # what is possible, in words (codes in allowed_actions)


def test_wrong_role_is_403_and_bad_input_422(api_as, make_park, step, application_documents, clock):
    park = make_park()
    step(park, "submit_application", date(2026, 2, 2), "park", documents=application_documents(park, date(2026, 2, 2)))
    park_api = api_as("park", park_id=park.id, lang="en")
    refused = park_api.post(f"/parks/{park.id}/transitions", json={"action": "start_provincial_review",
                                                                   "date": "2026-03-01"})
    assert refused.status_code == 403
    assert refused.json["code"] == "actor_not_allowed"
    assert refused.json["allowed_actors"] == ["province"]

    future = api_as("province", province="32").post(
        f"/parks/{park.id}/transitions", json={"action": "start_provincial_review", "date": "2026-03-03"})
    assert future.status_code == 422 and "date" in future.json["errors"]
    before = api_as("province", province="32").post(
        f"/parks/{park.id}/transitions", json={"action": "start_provincial_review", "date": "2026-01-03"})
    assert before.status_code == 422 and "date" in before.json["errors"]
    stray = api_as("province", province="32").post(
        f"/parks/{park.id}/transitions", json={"action": "start_provincial_review", "date": "2026-03-01",
                                               "extension_months": 6})
    assert stray.status_code == 422 and "extension_months" in stray.json["errors"]
    unknown = park_api.post(f"/parks/{park.id}/transitions", json={"action": "fly", "date": "2026-03-01"})
    assert unknown.status_code == 422 and "action" in unknown.json["errors"]


def test_application_needs_the_four_materials_and_a_three_year_commitment(api_as, make_park, upload, clock):
    park = make_park()
    api = api_as("park", park_id=park.id, lang="en")
    letter = upload(park, "application_letter").id
    missing = api.post(f"/parks/{park.id}/transitions",
                       json={"action": "submit_application", "date": "2026-03-01", "documents": [letter]})
    assert missing.status_code == 422
    assert missing.json["code"] == "materials_missing"
    assert missing.json["article"] == 9
    assert "construction plan" in missing.json["message"]  # the kind in words, not its code

    others = [upload(park, k).id for k in ("construction_plan", "planning_eia")]
    short = upload(park, "compliance_commitment", covers_from=date(2024, 1, 1), covers_to=date(2026, 2, 28)).id
    too_short = api.post(f"/parks/{park.id}/transitions", json={
        "action": "submit_application", "date": "2026-03-01", "documents": [letter, *others, short]})
    assert too_short.status_code == 422 and too_short.json["code"] == "commitment_period"
    full = upload(park, "compliance_commitment", covers_from=date(2023, 1, 1), covers_to=date(2026, 2, 28)).id
    ok = api.post(f"/parks/{park.id}/transitions", json={
        "action": "submit_application", "date": "2026-03-01", "documents": [letter, *others, full],
        "comment": "创建申请"})
    assert ok.status_code == 201, ok.json
    assert ok.json["to_state"] == "applied" and ok.json["article"] == 9
    assert {d["kind"] for d in ok.json["documents"]} == {"application_letter", "construction_plan",
                                                          "planning_eia", "compliance_commitment"}


def test_walk_to_approval_with_public_notice_objection_and_timeline(
        api_as, make_park, step, application_documents, clock, db):
    park = make_park()
    step(park, "submit_application", date(2025, 9, 1), "park", documents=application_documents(park, date(2025, 9, 1)))
    step(park, "start_provincial_review", date(2025, 9, 2))
    step(park, "pass_plan_argumentation", date(2025, 9, 20))
    jiangsu = api_as("province", province="32", lang="en")
    clock.set(date(2025, 9, 26))
    # Friday 26 Sep 2025 + 5 working days: Fri 26, make-up Sunday 28, Mon 29, Tue 30, then the National Day
    # holiday 1-8 Oct, so the last day is Thursday 9 Oct.
    published = jiangsu.post(f"/parks/{park.id}/transitions", json={"action": "publish_public_notice",
                                                                    "date": "2025-09-26"})
    assert published.status_code == 201, published.json
    assert published.json["data"] == {"last_day": "2025-10-09", "provisional": False}

    clock.set(date(2025, 9, 29))
    objection = jiangsu.post(f"/parks/{park.id}/objections", json={
        "notice": "public_notice", "received_on": "2025-09-29", "summary": "群众反映园区内企业夜间偷排。"})
    assert objection.status_code == 201, objection.json
    clock.set(date(2025, 10, 9))
    running = jiangsu.post(f"/parks/{park.id}/transitions", json={"action": "approve_construction",
                                                                  "date": "2025-10-09"})
    assert (running.status_code, running.json["code"], running.json["article"]) == (409, "public_notice_running", 10)
    clock.set(date(2025, 10, 10))
    blocked = jiangsu.post(f"/parks/{park.id}/transitions", json={"action": "approve_construction",
                                                                  "date": "2025-10-10"})
    assert (blocked.status_code, blocked.json["code"]) == (409, "objections_open")
    resolved = jiangsu.post(f"/parks/{park.id}/objections/{objection.json['id']}/resolve", json={
        "resolved_on": "2025-10-10", "upheld": False, "finding": "经核查不属实。"})
    assert resolved.status_code == 200, resolved.json
    approved = jiangsu.post(f"/parks/{park.id}/transitions", json={"action": "approve_construction",
                                                                   "date": "2025-10-10"})
    assert approved.status_code == 201, approved.json

    clock.set(date(2026, 3, 2))
    timeline = jiangsu.get(f"/parks/{park.id}/timeline")
    assert timeline.status_code == 200
    body = timeline.json
    assert body["park"]["state"] == "under_construction"
    actions = [e["action"] for e in body["events"] if e["type"] == "transition"]
    assert actions == ["submit_application", "start_provincial_review", "pass_plan_argumentation",
                       "publish_public_notice", "approve_construction"]
    assert any(e["type"] == "objection" and e["upheld"] is False for e in body["events"])
    due = {d["kind"]: d for d in body["due"]}
    assert due["construction_period"]["due"] == "2028-10-10"
    assert due["construction_period"]["consequence"] == "mark_creation_incomplete"
    assert due["construction_period"]["provisional"] is False
    assert due["construction_period"]["article"] == 21
    reports = [d for d in body["due"] if d["kind"] == "annual_report"]
    # Art. 23: from the year of approval, each due 30 June of the next year; next year's is already known.
    assert [(d["key"], d["due"]) for d in reports] == [("annual_report:2025", "2026-06-30"),
                                                        ("annual_report:2026", "2027-06-30")]
    assert reports[0]["days_left"] == (date(2026, 6, 30) - date(2026, 3, 2)).days
    assert reports[0]["next_reminder_at"].startswith("2026-05-30T16:00")  # 31 May 00:00 in Shanghai
    park_options = {o["action"] for o in api_as("park", park_id=park.id).get(f"/parks/{park.id}").json["options"]}
    assert {"apply_acceptance", "request_extension", "report_major_change", "withdraw"} <= park_options

    audit_actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "park")).all()
    assert audit_actions.count("park.transition") == 5


def test_provisional_notice_end_in_a_year_not_loaded(api_as, approved_park, step, clock, db):
    park = approved_park(date(2024, 3, 15))
    step(park, "apply_acceptance", date(2026, 12, 1), "park", now=clock.set(date(2026, 12, 1)),
         documents=_acceptance_docs(park, db))
    step(park, "forward_acceptance", date(2026, 12, 2))
    step(park, "start_verification", date(2026, 12, 3), "office")
    step(park, "pass_verification", date(2026, 12, 10), "office")
    step(park, "pass_acceptance_meeting", date(2026, 12, 20), "office")
    clock.set(date(2026, 12, 31))
    # Thursday 31 Dec 2026 + 5 working days runs into 2027, which chinesecalendar 1.11 does not carry.
    notice = step(park, "publish_naming_notice", date(2026, 12, 31), "office")
    assert notice.data["provisional"] is True
    due = {d["kind"]: d for d in api_as("office").get(f"/parks/{park.id}/timeline").json["due"]}
    assert due["naming_notice"]["provisional"] is True
    assert due["naming_notice"]["due"] == notice.data["last_day"]


def _acceptance_docs(park, db):
    from scheduling.materials import upload_material
    from tests.scheduling.conftest import at, office

    ids = [upload_material(office(), park.id, PDF, "验收.pdf", {"kind": k}, at(date(2026, 11, 1))).id
           for k in ("acceptance_application", "acceptance_report")]
    ids.append(upload_material(office(), park.id, b"indicator,value\nA,1\n", "data.csv",
                               {"kind": "electronic_data"}, at(date(2026, 11, 1))).id)
    db.session.commit()
    return ids


def test_leading_group_decisions_are_entered_by_the_office_explicitly(api_as, approved_park, step, clock, db):
    park = approved_park(date(2024, 3, 15))
    step(park, "apply_acceptance", date(2026, 6, 1), "park", documents=_acceptance_docs(park, db))
    for action, who, on in [("forward_acceptance", "province", date(2026, 6, 2)),
                            ("start_verification", "office", date(2026, 6, 3)),
                            ("pass_verification", "office", date(2026, 6, 10)),
                            ("pass_acceptance_meeting", "office", date(2026, 6, 20)),
                            ("publish_naming_notice", "office", date(2026, 7, 6))]:
        step(park, action, on, who)
    clock.set(date(2026, 7, 20))
    office = api_as("office", lang="en")
    plain = office.post(f"/parks/{park.id}/transitions", json={"action": "name_park", "date": "2026-07-20"})
    assert plain.status_code == 403 and plain.json["allowed_actors"] == ["leading_group"]
    province = api_as("province", province="32")
    pretend = province.post(f"/parks/{park.id}/transitions", json={"action": "name_park", "date": "2026-07-20",
                                                                   "as_leading_group": True})
    assert pretend.status_code == 403
    named = office.post(f"/parks/{park.id}/transitions", json={"action": "name_park", "date": "2026-07-20",
                                                               "as_leading_group": True})
    assert named.status_code == 201, named.json
    assert named.json["actor"] == "leading_group" and named.json["data"] == {"as_leading_group": True}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "park.transition")
                               .order_by(AuditEntry.seq.desc())).first()
    assert entry.data["as"] == "leading_group"
    assert entry.data["entered_for_leading_group_by"].startswith("office")
    detail = office.get(f"/parks/{park.id}").json
    assert detail["may_use_title"] is True and detail["facts"]["named_on"] == "2026-07-20"
    due = {d["kind"]: d["due"] for d in office.get(f"/parks/{park.id}/timeline").json["due"]}
    assert due["performance_evaluation"] == "2029-07-20"
    assert "construction_period" not in due


def test_public_list_needs_no_login_and_shows_no_personal_data(client, approved_park, make_park, clock):
    listed = approved_park(date(2024, 3, 15), province="44")
    make_park()  # new: not listed
    response = client.get("/api/v1/public/parks")
    assert response.status_code == 200
    assert response.json["total"] == 1
    item = response.json["items"][0]
    assert item["id"] == listed.id and item["status"] == "under_construction"
    assert item["may_use_title"] is False
    assert set(item) == {"id", "name", "province", "city", "programme", "park_type", "status", "may_use_title",
                         "approved_on", "named_on", "leading_industries"}
    assert "@" not in response.get_data(as_text=True)
    assert client.get("/api/v1/parks").status_code == 401
    assert client.get("/api/v1/public/parks?province=32").json["total"] == 0
    assert client.get("/api/v1/public/parks?colour=green").status_code == 422


def test_transitions_are_append_only_and_numbered(approved_park, db):
    park = approved_park()
    rows = db.session.scalars(select(ParkTransition).where(ParkTransition.park_id == park.id)
                              .order_by(ParkTransition.seq)).all()
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5]
    rows[0].comment = "rewritten"
    try:
        db.session.flush()
    except RuntimeError as exc:
        assert "append-only" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("a transition was updated")
    finally:
        db.session.rollback()
    pending = db.session.scalar(select(func.count()).select_from(DeadlineRecord).where(
        DeadlineRecord.park_id == park.id, DeadlineRecord.state == "pending"))
    assert pending > 0


@pytest.mark.postgres_only
def test_concurrent_transitions_of_one_park_serialise(app, api_as, make_park, step, application_documents, clock):
    park = make_park()
    step(park, "submit_application", date(2026, 2, 2), "park", documents=application_documents(park, date(2026, 2, 2)))
    province = api_as("province", province="32")
    park_id = park.id  # read here: the threads have no app context to load expired attributes in
    barrier = threading.Barrier(2)
    results = []

    def act(action):
        barrier.wait()
        response = province.post(f"/parks/{park_id}/transitions", json={"action": action, "date": "2026-03-01"})
        results.append((response.status_code, (response.json or {}).get("code")))

    threads = [threading.Thread(target=act, args=(a,)) for a in ("start_provincial_review",) * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    # The same step twice at once: the second waits for the park's row lock, then sees the new state: 409.
    # (Not a unique-key accident at commit: the park's row lock makes it a plain illegal transition.)
    assert sorted(results, key=lambda r: r[0]) == [(201, None), (409, "illegal_transition")]


def test_openapi_documents_the_scheduling_routes(client):
    spec = client.get("/openapi.json").json
    for path in ("/api/v1/parks", "/api/v1/parks/{park_id}/transitions", "/api/v1/parks/{park_id}/timeline",
                 "/api/v1/public/parks", "/api/v1/calendar/working-days/add", "/api/v1/calendar/years",
                 "/api/v1/parks/{park_id}/materials", "/api/v1/parks/{park_id}/annual-reports"):
        assert path in spec["paths"], path
    assert "TransitionRequest" in spec["components"]["schemas"]
