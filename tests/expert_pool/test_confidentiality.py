"""Red-team finding 1: a caller learns nothing about masked personal data from duplicate checks.

A province sees the Office's and other provinces' experts with ID number and mobile masked; no dry run,
import, create or edit may tell it whether a guess of the hidden digits is right. Every dry run and every
duplicate hit is audited (for the Office), also when the request is refused, and imports are rate-limited.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from datetime import date

from sqlalchemy import func, select

from expert_pool.models import Expert
from ground.audit import AuditEntry, verify_chain
from tests.expert_pool.test_import_export import csv_bytes, upload, zh_row


def entries(db, action):
    return db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def mobile_guesses(real: str, n: int) -> list[str]:
    """Mobiles with the visible digits of ``real`` ("139****1234") and the hidden ones filled in, real one last."""
    guesses = [f"{real[:3]}{i:04d}{real[7:]}" for i in range(n + 1) if f"{real[:3]}{i:04d}{real[7:]}" != real]
    return [*guesses[:n - 1], real]


def test_a_province_learns_nothing_from_a_dry_run_that_guesses_masked_digits(api_as, make_expert, db):
    target = make_expert()  # contributed by the Office: masked for every province
    province = api_as("province", province="44")
    shown = province.get(f"/experts/{target.id}").json
    assert shown["personal_data_masked"] and "*" in shown["mobile"] and "*" in shown["id_number"]

    def dry_run(mobiles, id_numbers=()):
        rows = [zh_row(i, 手机=m) for i, m in enumerate(mobiles, start=1)]
        for row, number in zip(rows, id_numbers, strict=False):
            row["身份证号"], row["性别"] = number, "男"
        return upload(province, csv_bytes(rows), "guess.csv", dry_run=True)

    guesses = mobile_guesses(target.mobile, 50)
    with_real, without_real = dry_run(guesses), dry_run([*guesses[:-1], f"{target.mobile[:3]}9999{target.mobile[7:]}"])
    assert with_real.status_code == without_real.status_code == 200, with_real.json
    assert with_real.json == without_real.json  # the same answer, byte for byte: no oracle
    assert with_real.json["issues"] == []
    # The ID number too (once guessed whole, as two dry runs of 20,000 rows used to find it).
    by_id = dry_run(guesses[:2], [target.id_number])
    assert by_id.status_code == 200 and by_id.json["issues"] == []
    # ... and everything it did is in the audit log, for the Office: the dry runs and the hits, with the
    # expert matched and the values masked.
    assert len(entries(db, "expert.import_dry_run")) == 3
    hits = entries(db, "expert.duplicate_hit")
    assert [(h["field"], h["expert_id"]) for e in hits for h in e.data["hits"]] == [
        ("mobile", target.id), ("id_number", target.id)]
    assert all(not e.data["office"] and e.data["context"] == "import" for e in hits)
    dumped = json.dumps([e.data for e in db.session.scalars(select(AuditEntry))], ensure_ascii=False)
    assert target.mobile not in dumped and target.id_number not in dumped
    assert verify_chain().ok


def test_the_office_is_still_told_which_row_duplicates_the_pool(office_api, make_expert, db):
    target = make_expert()
    response = upload(office_api, csv_bytes([zh_row(1), zh_row(2, 手机=target.mobile)]), "x.csv", dry_run=True)
    assert response.status_code == 422
    assert [(i["row"], i["field"], i["code"]) for i in response.json["issues"]] == [(3, "mobile", "duplicate_in_pool")]
    # Refused, and still audited: the entries are written after the rollback.
    assert [e.data["refused"] for e in entries(db, "expert.import_dry_run")] == ["import_invalid"]
    assert entries(db, "expert.duplicate_hit")[0].data["office"] is True


def test_a_provinces_real_import_holds_a_matching_row_for_the_office_silently(api_as, make_expert, db, app):
    target = make_expert()
    province = api_as("province", province="44")
    rows = [zh_row(1), zh_row(2, 手机=target.mobile), zh_row(3)]
    response = upload(province, csv_bytes(rows), "x.csv")
    control = upload(province, csv_bytes([zh_row(4), zh_row(5), zh_row(6)]), "y.csv")
    assert response.status_code == control.status_code == 201
    assert response.json["created"] == control.json["created"] == 3  # the same answer as with no match
    assert {k: v for k, v in response.json.items() if k != "organizations_created"} == {
        k: v for k, v in control.json.items() if k != "organizations_created"}
    stored = set(db.session.scalars(select(Expert.mobile).where(Expert.contributed_by == "44")))
    assert target.mobile not in stored and len(stored) == 5  # held, not stored
    held = entries(db, "expert.import_held")
    assert len(held) == 1 and held[0].data["matched"] == {"mobile": target.id}
    row = held[0].data["row"]
    assert row["row"] == 3 and row["name"] == "导入专家2" and "*" in row["mobile"]
    key = app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    assert row["mobile_fingerprint"] == hmac.new(key, f"mobile:{target.mobile}".encode(), hashlib.sha256).hexdigest()
    dumped = json.dumps([e.data for e in db.session.scalars(select(AuditEntry))], ensure_ascii=False)
    assert target.mobile not in dumped  # never stored twice in clear


def test_create_and_edit_do_not_name_the_duplicate_for_a_province(api_as, office_api, make_expert, expert_payload,
                                                                 db):
    target = make_expert()
    province = api_as("province", lang="en", province="32")
    for field in ("mobile", "id_number"):
        payload = expert_payload(**({"mobile": target.mobile} if field == "mobile" else {}))
        if field == "id_number":
            payload.update(id_number=target.id_number, birth_year=target.birth_year, gender=target.gender)
        refused = province.post("/experts", json=payload)
        assert refused.status_code == 409 and refused.json["code"] == "possible_duplicate"
        text = json.dumps(refused.json)
        assert field not in refused.json["errors"] and "Duplicates expert" not in text and str(target.id) not in text
    # Its own expert, edited to another expert's number: the same answer.
    own = province.post("/experts", json=expert_payload())
    assert own.status_code == 201, own.json
    etag = province.get(f"/experts/{own.json['id']}").headers["ETag"]
    edit = province.patch(f"/experts/{own.json['id']}", json={"mobile": target.mobile}, headers={"If-Match": etag})
    assert edit.status_code == 409 and edit.json["code"] == "possible_duplicate"
    assert "Duplicates expert" not in json.dumps(edit.json)
    # The email is shown to every pool reader, so a duplicate email is still reported as such.
    same_email = province.post("/experts", json=expert_payload(email=target.email))
    assert same_email.status_code == 409 and same_email.json["errors"]["email"]
    # The Office sees everything unmasked and is told which expert.
    office = office_api.post("/experts", json=expert_payload(mobile=target.mobile))
    assert office.status_code == 409 and office.json["code"] == "duplicate_expert" and office.json["errors"]["mobile"]
    hits = entries(db, "expert.duplicate_hit")  # refused requests, audited all the same
    assert [e.data["context"] for e in hits] == ["create", "create", "update", "create", "create"]
    assert db.session.scalar(select(func.count()).select_from(Expert)) == 2


def test_a_mobile_changed_to_one_with_the_same_visible_digits_is_still_audited(office_api, make_expert, db):
    expert = make_expert()
    etag = office_api.get(f"/experts/{expert.id}").headers["ETag"]
    new = f"{expert.mobile[:3]}{(int(expert.mobile[3:7]) + 1) % 10000:04d}{expert.mobile[7:]}"
    assert office_api.patch(f"/experts/{expert.id}", json={"mobile": new}, headers={"If-Match": etag}).status_code == 200
    changes = entries(db, "expert.update")[-1].data["changes"]
    assert "mobile" in changes and new not in json.dumps(changes)


def test_imports_are_rate_limited_per_user(app, make_user, tmp_path_factory):
    from tests.ecopanel.test_auth_hardening import _dispose, _limited

    _, token = make_user("province", province="44")
    _, other = make_user("province", province="32")
    limited = _limited(app, tmp_path_factory, IMPORT_RATE_LIMIT="2 per minute")
    try:
        client = limited.test_client()

        def dry_run(tok):
            return client.post("/api/v1/experts/import", headers={"Authorization": f"Bearer {tok}"},
                               data={"file": (io.BytesIO(csv_bytes([zh_row(1)])), "x.csv"),
                                     "dry_run": "true"}, content_type="multipart/form-data")

        assert [dry_run(token).status_code for _ in range(3)] == [200, 200, 429]
        assert dry_run(other).status_code == 200  # per user, not per address
        assert limited.config["IMPORT_RATE_LIMIT"] == "2 per minute"
    finally:
        _dispose(limited)
    assert app.config["IMPORT_RATE_LIMIT"] == "5 per minute;60 per hour"


def test_a_mobile_inside_the_email_is_masked_and_cannot_be_searched_or_compared(api_as, office_api, make_expert,
                                                                               expert_payload, db):
    # One more indirect answer: "13912345678@163.com" is a common address, shown unmasked beside the masked mobile,
    # searchable with q and comparable by the duplicate check.
    target = make_expert(email="seed@example.com")
    expert = db.session.get(Expert, target.id)
    expert.email = f"{expert.mobile}@163.com"
    db.session.commit()
    province = api_as("province", province="44")
    seen = province.get(f"/experts/{target.id}").json
    assert seen["email"] == f"{expert.mobile[:3]}****{expert.mobile[7:]}@163.com"
    middle = expert.mobile[3:9]
    assert province.get(f"/experts?q={middle}").json["total"] == 0  # no yes/no answer per guess
    assert office_api.get(f"/experts?q={middle}").json["total"] == 1  # the Office searches it as before
    assert province.get("/experts?q=.com").json["total"] == 1  # digit-free searches of the email still work
    assert province.get("/experts?q=%25").json["total"] == 0  # % and _ are literal, not wildcards
    exported = province.get("/experts/export?format=csv").data.decode("utf-8-sig")
    assert expert.mobile not in exported
    history = json.dumps(province.get(f"/experts/{target.id}/history").json, ensure_ascii=False)
    assert expert.mobile not in history
    # The duplicate check treats such an email like the mobile it contains.
    refused = province.post("/experts", json=expert_payload(email=f"{expert.mobile}@163.com"))
    assert refused.status_code == 409 and refused.json["code"] == "possible_duplicate"


def test_a_mobile_spelled_otherwise_inside_free_text_is_masked_compared_and_searched_alike(
        api_as, office_api, make_expert, db):
    # Red-team finding 4: the mask missed "+86-138-0013-8000@…" (and other spellings), so the email showed the
    # masked mobile whole, the duplicate check confirmed it, and a note beside it showed it too.
    from expert_pool.models import ConflictDeclaration

    target = make_expert(email="seed@example.com")
    expert = db.session.get(Expert, target.id)
    mobile = expert.mobile
    spelled = f"+86-{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}"
    expert.email, expert.city = f"{spelled}@163.com", f"南京 {mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    db.session.add(ConflictDeclaration(expert_id=expert.id, organization_id=expert.organization_id,
                                       relation="other", note=f"联系 0086{mobile}", valid_from=date(2026, 1, 1)))
    db.session.commit()
    province = api_as("province", province="44")
    seen = province.get(f"/experts/{target.id}").json
    assert seen["email"] == f"+86-{mobile[:3]}-****-{mobile[7:]}@163.com"
    assert seen["city"] == f"南京 {mobile[:3]} **** {mobile[7:]}"
    assert seen["conflicts"][0]["note"] == f"联系 0086{mobile[:3]}****{mobile[7:]}"
    listed = province.get("/experts?page_size=100").get_data(as_text=True)
    exported = province.get("/experts/export?format=csv").data.decode("utf-8-sig")
    history = province.get(f"/experts/{target.id}/history").get_data(as_text=True)
    for shown in (json.dumps(seen, ensure_ascii=False), listed, exported, history):
        assert mobile[3:7] not in shown.replace(mobile[:3], "").replace(mobile[7:], "")
    # No search in any spelling of the hidden digits answers yes or no; the Office searches as before.
    for guess in (mobile[3:7], f"{mobile[:3]}-{mobile[3:7]}", f"86{mobile}", mobile,
                  "".join(chr(ord(c) + 0xFEE0) for c in mobile[3:7])):
        assert province.get("/experts", query_string={"q": guess}).json["total"] == 0, guess
    assert office_api.get("/experts", query_string={"q": f"{mobile[:3]}-{mobile[3:7]}"}).json["total"] == 1
    assert province.get("/experts", query_string={"q": "南京"}).json["total"] == 1  # digit-free still works
    # A dry run carrying that very email answers as one that carries another: the email holds the mobile.
    def dry_run(email):
        return upload(province, csv_bytes([zh_row(1, 电子邮箱=email)]), "x.csv", dry_run=True)
    same, other = dry_run(expert.email), dry_run(f"+86-{mobile[:3]}-9999-{mobile[7:]}@163.com")
    assert same.status_code == other.status_code == 200 and same.json == other.json
    assert [h["field"] for e in entries(db, "expert.duplicate_hit") for h in e.data["hits"]] == ["email"]
    # The Office is told: it sees the email unmasked.
    told = upload(office_api, csv_bytes([zh_row(2, 电子邮箱=expert.email)]), "x.csv", dry_run=True)
    assert told.status_code == 422 and told.json["issues"][0]["code"] == "duplicate_in_pool"


def test_only_the_office_sees_the_global_audit_sequence_in_an_experts_history(api_as, office_api, make_expert):
    # Red-team finding 3: the history's ``seq`` is the place in the global audit chain; its gaps count what
    # happened elsewhere meanwhile (confidential panels' looks, draws, invitations).
    target = make_expert()
    assert all("seq" in c for c in office_api.get(f"/experts/{target.id}/history").json["changes"])
    for role, kw in (("province", {"province": "44"}), ("expert", {"expert_id": target.id})):
        changes = api_as(role, **kw).get(f"/experts/{target.id}/history").json["changes"]
        assert changes and all("seq" not in c for c in changes), role
