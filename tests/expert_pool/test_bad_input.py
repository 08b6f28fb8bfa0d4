"""Bad input of every kind gets a clear 4xx in the caller's language, and nothing stored changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from expert_pool.models import Expert
from ground.audit import AuditEntry


@pytest.fixture
def counts(db):
    def snapshot():
        return (db.session.scalar(select(func.count()).select_from(Expert)),
                db.session.scalar(select(func.count()).select_from(AuditEntry)))
    return snapshot


def _shape(response, status, code=None):
    assert response.status_code == status, response.json
    body = response.json
    assert set(body) >= {"code", "message", "errors"}
    assert isinstance(body["message"], str) and body["message"]
    if code:
        assert body["code"] == code
    return body


def test_malformed_json(office_api, counts):
    before = counts()
    body = _shape(office_api.post("/experts", data="{not json", content_type="application/json"), 400, "invalid_json")
    assert "JSON" in body["message"]
    assert counts() == before


def test_wrong_types_and_unknown_fields(office_api, expert_payload, counts):
    before = counts()
    payload = expert_payload(birth_year="nineteen-seventy", specialties="eia", surprise=True)
    body = _shape(office_api.post("/experts", json=payload), 422, "invalid_input")
    assert set(body["errors"]) >= {"birth_year", "specialties", "surprise"}
    assert body["errors"]["surprise"] == ["未知字段。"]
    assert counts() == before


def test_messages_follow_accept_language(api_as, expert_payload):
    english = api_as("office", lang="en")
    body = _shape(english.post("/experts", json={"name": "x"}), 422)
    assert body["errors"]["email"] == ["Missing data for required field."]
    assert body["message"].startswith("The input is invalid")
    chinese = api_as("office", lang="zh-CN,zh;q=0.9")
    body = _shape(chinese.post("/experts", json={"name": "x"}), 422)
    assert body["errors"]["email"] == ["缺少必填字段。"]


def test_body_over_the_limit(office_api, counts):
    before = counts()
    big = b'{"name": "' + b"x" * (10 * 1024 * 1024) + b'"}'
    _shape(office_api.post("/experts", data=big, content_type="application/json"), 413, "payload_too_large")
    assert counts() == before


def test_huge_strings(office_api, expert_payload, counts):
    before = counts()
    payload = expert_payload(name="名" * 100_000, city="c" * 100_000)
    body = _shape(office_api.post("/experts", json=payload), 422)
    assert "name" in body["errors"] and "city" in body["errors"]
    assert counts() == before


@pytest.mark.parametrize("bad, code_word", [
    ("320101197005170012", "校验"),       # wrong check digit
    ("32010119700517001", "18"),          # too short
    ("320101197002300016", "出生日期"),     # 30 February
])
def test_invalid_id_numbers(office_api, expert_payload, counts, bad, code_word):
    before = counts()
    body = _shape(office_api.post("/experts", json=expert_payload(id_number=bad)), 422)
    assert "id_number" in body["errors"]
    assert counts() == before


def test_id_number_must_match_birth_year_and_gender(office_api, expert_payload):
    payload = expert_payload()
    payload["birth_year"] += 1
    payload["gender"] = "F"
    body = _shape(office_api.post("/experts", json=payload), 422)
    assert set(body["errors"]) >= {"birth_year", "gender"}


def test_unknown_specialty_code(api_as, expert_payload, counts):
    english = api_as("office", lang="en")
    payload = expert_payload(specialties=["eia", "astrology"])
    before = counts()
    body = _shape(english.post("/experts", json=payload), 422,
                  "unknown_specialty")
    assert "astrology" in body["errors"]["specialties"][0]
    assert counts() == before


def test_bad_query_parameters(office_api):
    _shape(office_api.get("/experts?page=0"), 422)
    _shape(office_api.get("/experts?page_size=100000"), 422)
    _shape(office_api.get("/experts?status=sleeping"), 422)
    _shape(office_api.get("/experts?sort=password"), 422)
    _shape(office_api.get("/experts?unexpected=1"), 422)


def test_unknown_expert_and_bad_paths(office_api):
    _shape(office_api.get("/experts/999999"), 404, "not_found")
    _shape(office_api.get("/no-such-thing"), 404)
    _shape(office_api.client.delete("/api/v1/experts/1", headers={"Authorization": f"Bearer {office_api.token}"}),
           405)


def test_stale_etag_changes_nothing(office_api, make_expert, db, counts):
    expert = make_expert()
    before = counts()
    body = _shape(office_api.patch(f"/experts/{expert.id}", json={"city": "x"}, headers={"If-Match": '"stale"'}),
                  412, "etag_mismatch")
    assert body["message"]
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).city == "南京"
    assert counts() == before


def test_unauthenticated_and_bad_tokens(client):
    assert client.get("/api/v1/experts").status_code == 401
    response = client.get("/api/v1/experts", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.json["code"] == "invalid_token"
    response = client.get("/api/v1/experts", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401 and response.json["code"] == "invalid_authorization"
    assert client.get("/api/v1/health").status_code == 200


def test_ids_beyond_the_integer_range_are_422_not_500(office_api, make_expert):
    expert = make_expert()
    huge = 2**63
    for path, body, field in (
            ("/panels", {"park_id": huge, "kind": "acceptance_meeting", "meeting_date": "2027-03-10", "size": 7,
                         "alternates": 0}, "park_id"),
            (f"/experts/{expert.id}/conflicts", {"organization_id": huge, "reason": "x"}, "organization_id")):
        response = office_api.post(path, json=body)
        assert response.status_code == 422, (path, response.status_code, response.json)
        assert field in response.json["errors"], response.json


def test_huge_integers_in_queries_are_422_in_the_callers_language(office_api):
    response = office_api.get(f"/experts?organization_id={2**63}", headers={"Accept-Language": "zh"})
    assert response.status_code == 422, response.json
    assert response.json["errors"]["organization_id"] == ["必须大于等于 -2147483648 且小于等于 2147483647。"]
    assert office_api.get(f"/tokens?user_id={2**63}").status_code == 422


def test_blank_names_are_refused_not_stored_empty(office_api):
    response = office_api.post("/specialties", json={"code": "key_projects", "name_zh": "重点项目", "name_en": "\t"})
    assert response.status_code == 422 and "name_en" in response.json["errors"], response.json
    created = office_api.post("/specialties", json={"code": "key_projects", "name_zh": " 重点项目 ",
                                                    "name_en": "Key projects"})
    assert created.status_code == 201 and created.json["name_zh"] == "重点项目"
