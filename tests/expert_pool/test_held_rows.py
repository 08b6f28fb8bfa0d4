"""Rows of a province's import held for the Office (possible duplicates of masked identifiers): only the Office
lists, reads and resolves them (a new expert, a duplicate, or dismissed), every decision audited; what they
carry is stored encrypted and kept only masked once resolved."""

from __future__ import annotations

import json

import sqlalchemy as sa
from sqlalchemy import select

from expert_pool.models import Expert, HeldImportRow
from ground.audit import AuditEntry, verify_chain
from tests.expert_pool.test_import_export import csv_bytes, upload, zh_row


def _entries(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def _held_import(api_as, make_expert):
    """Guangdong imports three rows, each matching a masked identifier of an Office expert: held, silently."""
    target = make_expert()
    guangdong = api_as("province", province="44")
    rows = [zh_row(1, 手机=target.mobile), zh_row(2, 身份证号=target.id_number, 性别="男" if target.gender == "M" else "女"),
            zh_row(3, 手机=target.mobile), zh_row(4)]
    rows[1]["身份证号"] = target.id_number
    response = upload(guangdong, csv_bytes(rows), "广东专家.csv")
    assert response.status_code == 201 and response.json["created"] == 4, response.json
    return target, guangdong


def test_only_the_office_sees_held_rows_and_they_are_stored_encrypted(api_as, office_api, make_expert, db):
    target, guangdong = _held_import(api_as, make_expert)
    listed = office_api.get("/experts/held-rows")
    assert listed.status_code == 200, listed.json
    assert listed.json["total"] == 3
    first = listed.json["items"][0]
    assert (first["status"], first["file_name"], first["row_number"], first["contributed_by"]) == (
        "held", "广东专家.csv", 2, "44")
    assert first["values"]["mobile"] == target.mobile and first["values"]["name"] == "导入专家1"
    assert first["matches"] == [{"field": "mobile", "expert_id": target.id, "expert_name": target.name}]
    one = office_api.get(f"/experts/held-rows/{first['id']}")
    assert one.status_code == 200 and one.json == first
    # The audit entry of the import names the held row (its values there stay masked and fingerprinted).
    held = _entries(db, "expert.import_held")
    assert sorted(e.data["held_row_id"] for e in held) == sorted(i["id"] for i in listed.json["items"])
    # Nobody else may list or read them (the matrix refuses every other role before the view runs).
    for api in (guangdong, api_as("province", province="32"), api_as("expert", expert_id=target.id)):
        assert api.get("/experts/held-rows").status_code == 403
        assert api.get(f"/experts/held-rows/{first['id']}").status_code == 403
        assert api.post(f"/experts/held-rows/{first['id']}/resolve",
                        json={"resolution": "dismiss", "reason": "x"}).status_code == 403
    assert office_api.get("/experts/held-rows/999999").status_code == 404
    # In the database the submitted values are ciphertext: neither the identifiers nor the name in clear.
    with db.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT submitted FROM held_import_rows")).scalars().all()
    assert len(stored) == 3
    for text in stored:
        assert target.mobile not in text and target.id_number not in text and "导入专家" not in text
        assert not text.lstrip().startswith("{")


def test_the_office_resolves_each_row_once_and_every_decision_is_audited(api_as, office_api, make_expert, db):
    target, _ = _held_import(api_as, make_expert)
    rows = {i["row_number"]: i for i in office_api.get("/experts/held-rows").json["items"]}
    by_mobile, by_id_number, again = rows[2], rows[3], rows[4]

    def resolve(row, **body):
        return office_api.post(f"/experts/held-rows/{row['id']}/resolve", json={"reason": "已核实", **body})

    # As submitted, the row still repeats the pool's mobile: the Office is told which field and expert.
    refused = resolve(by_mobile, resolution="create")
    assert refused.status_code == 409 and refused.json["code"] == "duplicate_expert", refused.json
    assert refused.json["errors"]["mobile"]
    assert db.session.get(HeldImportRow, by_mobile["id"]).status == "held"
    created = resolve(by_mobile, resolution="create", values={"mobile": "13722220001"})
    assert created.status_code == 200, created.json
    assert created.json["status"] == "created" and created.json["resolution_reason"] == "已核实"
    expert = db.session.get(Expert, created.json["expert_id"])
    assert (expert.name, expert.mobile, expert.contributed_by, expert.status) == ("导入专家1", "13722220001", "44", "active")
    # Once resolved, the row keeps its identifiers only masked: the expert holds them.
    assert "*" in created.json["values"]["mobile"] and created.json["values"]["mobile"] != target.mobile

    assert resolve(by_id_number, resolution="duplicate").status_code == 422  # which expert?
    unknown = resolve(by_id_number, resolution="duplicate", duplicate_of=999999)
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_expert"
    duplicate = resolve(by_id_number, resolution="duplicate", duplicate_of=target.id)
    assert duplicate.status_code == 200 and (duplicate.json["status"], duplicate.json["expert_id"]) == (
        "duplicate", target.id)
    assert target.id_number not in json.dumps(duplicate.json)

    assert resolve(again, resolution="dismiss", values={"mobile": "13722220002"}).status_code == 422
    dismissed = resolve(again, resolution="dismiss")
    assert dismissed.status_code == 200 and dismissed.json["status"] == "dismissed"

    twice = resolve(again, resolution="dismiss")
    assert twice.status_code == 409 and twice.json["code"] == "already_resolved"
    assert office_api.get("/experts/held-rows").json["total"] == 0  # none left to resolve
    assert office_api.get("/experts/held-rows?status=all").json["total"] == 3
    assert office_api.get("/experts/held-rows?status=dismissed").json["items"][0]["id"] == again["id"]

    decisions = _entries(db, "expert.held_resolved")
    assert [(e.object_id, e.data["resolution"], e.data["expert_id"]) for e in decisions] == [
        (str(by_mobile["id"]), "create", expert.id), (str(by_id_number["id"]), "duplicate", target.id),
        (str(again["id"]), "dismiss", None)]
    dumped = json.dumps([e.data for e in db.session.scalars(select(AuditEntry))], ensure_ascii=False)
    assert target.mobile not in dumped and "13722220001" not in dumped  # identifiers never in the log in clear
    assert verify_chain().ok
