"""Materials (checked, sniffed, stored under generated names) and annual reports (Art. 23) with lateness."""

from __future__ import annotations

import io
import os
import zipfile
from datetime import date
from pathlib import Path

from sqlalchemy import select

from scheduling.materials import sanitize_filename
from scheduling.models import DeadlineRecord, WarningProposalRecord
from scheduling.tasks import sweep_deadlines
from tests.scheduling.conftest import PDF, at


def _upload(api, park_id, data, filename, **form):
    return api.post(f"/parks/{park_id}/materials", data={"file": (io.BytesIO(data), filename), **form},
                    content_type="multipart/form-data")


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_upload_list_and_download(api_as, make_park, clock, app):
    park = make_park()
    api = api_as("park", park_id=park.id, lang="en")
    response = _upload(api, park.id, PDF, "../../etc/建设规划 (终稿).pdf", kind="construction_plan", title="建设规划")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["filename"] == "建设规划 (终稿).pdf"
    assert (body["content_type"], body["size_bytes"], body["kind"]) == ("application/pdf", len(PDF),
                                                                        "construction_plan")
    from scheduling.models import Material

    stored = app.extensions["sqlalchemy"].session.get(Material, body["id"])
    assert stored.storage_key.endswith(".pdf") and "建设" not in stored.storage_key
    path = os.path.join(app.instance_path, "materials", stored.storage_key[:2], stored.storage_key)
    assert Path(path).read_bytes() == PDF

    word = _upload(api, park.id, _docx(), "申请.docx", kind="application_letter")
    assert word.status_code == 201 and word.json["content_type"].endswith("wordprocessingml.document")
    listing = api.get(f"/parks/{park.id}/materials")
    assert [m["kind"] for m in listing.json["items"]] == ["application_letter", "construction_plan"]
    assert listing.json["total"] == 2
    assert api.get(f"/parks/{park.id}/materials?kind=construction_plan&page_size=1").json["total"] == 1
    download = api.get(f"/parks/{park.id}/materials/{body['id']}/content")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    download.close()

    other = make_park("44")
    outsider = api_as("park", park_id=other.id)
    assert outsider.get(f"/parks/{park.id}/materials/{body['id']}/content").status_code == 404  # as if missing
    assert api_as("office").get(f"/parks/{other.id}/materials/{body['id']}").status_code == 404


def test_oversize_wrong_type_and_lying_extensions_are_refused(api_as, make_park, clock, monkeypatch, app):
    park = make_park()
    api = api_as("park", park_id=park.id, lang="en")
    monkeypatch.setitem(app.config, "MATERIAL_MAX_BYTES", 1024)
    big = _upload(api, park.id, PDF + b"0" * 2000, "big.pdf", kind="construction_plan")
    assert (big.status_code, big.json["code"]) == (422, "file_too_large")
    assert "file" in big.json["errors"]
    exe = _upload(api, park.id, b"MZ\x90\x00" + b"\x00" * 100, "plan.pdf", kind="construction_plan")
    assert (exe.status_code, exe.json["code"]) == (422, "unsupported_file_type")
    renamed = _upload(api, park.id, PDF, "plan.docx", kind="construction_plan")
    assert renamed.json["code"] == "unsupported_file_type"
    html = _upload(api, park.id, b"<html><script>alert(1)</script></html>", "x.html", kind="other")
    assert html.json["code"] == "unsupported_file_type"
    csv_plan = _upload(api, park.id, b"a,b\n1,2\n", "plan.csv", kind="construction_plan")
    assert (csv_plan.status_code, csv_plan.json["code"]) == (422, "type_not_accepted")
    data = _upload(api, park.id, b"a,b\n1,2\n", "data.csv", kind="electronic_data")
    assert data.status_code == 201 and data.json["content_type"] == "text/csv"
    empty = _upload(api, park.id, b"", "empty.pdf", kind="construction_plan")
    assert empty.json["code"] == "empty_file"
    no_period = _upload(api, park.id, PDF, "c.pdf", kind="compliance_commitment")
    assert no_period.status_code == 422 and "covers_from" in no_period.json["errors"]
    unknown_kind = _upload(api, park.id, PDF, "c.pdf", kind="selfie")
    assert unknown_kind.status_code == 422 and "kind" in unknown_kind.json["errors"]
    stray = _upload(api, park.id, PDF, "c.pdf", kind="other", path="/etc/passwd")
    assert stray.status_code == 422 and "path" in stray.json["errors"]


def test_filenames_are_sanitised():
    assert sanitize_filename("..\\..\\windows\\system32\\报告.pdf") == "报告.pdf"
    assert sanitize_filename("/etc/passwd") == "passwd"
    assert sanitize_filename("a\x00b<>|.pdf") == "a_b_.pdf"
    assert sanitize_filename("...") == "file"
    assert sanitize_filename("") == "file"
    long = sanitize_filename("长" * 400 + ".pdf")
    assert len(long) <= 150 and long.endswith(".pdf")


def _report_flow(api_park, api_province, park_id, year, material_id, clock, submitted, reviewed, forwarded):
    clock.set(submitted)
    response = api_park.post(f"/parks/{park_id}/annual-reports", json={
        "year": year, "material_id": material_id, "submitted_on": submitted.isoformat()})
    assert response.status_code == 201, response.json
    clock.set(forwarded)
    review = api_province.post(f"/parks/{park_id}/annual-reports/{year}/review", json={
        "compliant": True, "reviewed_on": reviewed.isoformat(), "comment": "符合要求"})
    assert review.status_code == 200, review.json
    forward = api_province.post(f"/parks/{park_id}/annual-reports/{year}/forward",
                                json={"forwarded_on": forwarded.isoformat()})
    assert forward.status_code == 200, forward.json
    return forward.json


def test_annual_reports_lateness_and_proposals(api_as, approved_park, upload, clock, db):
    park = approved_park(date(2024, 3, 15))
    api_park = api_as("park", park_id=park.id, lang="en")
    api_province = api_as("province", province="32", lang="en")
    report_2024 = upload(park, "annual_report", year=2024).id
    on_time = _report_flow(api_park, api_province, park.id, 2024, report_2024, clock,
                           date(2025, 5, 6), date(2025, 6, 10), date(2025, 6, 30))
    assert (on_time["status"], on_time["late"], on_time["due"]) == ("forwarded", False, "2025-06-30")

    report_2025 = upload(park, "annual_report", year=2025).id
    late = _report_flow(api_park, api_province, park.id, 2025, report_2025, clock,
                        date(2026, 6, 20), date(2026, 7, 2), date(2026, 7, 3))
    assert (late["late"], late["days_late"]) == (True, 3)
    proposals = db.session.scalars(select(WarningProposalRecord).where(
        WarningProposalRecord.park_id == park.id)).all()
    assert [(p.key, p.reason, p.audience) for p in proposals] == [("annual_report:2025", "annual_report",
                                                                   "province")]
    assert "late" in proposals[0].message_en

    clock.set(date(2027, 7, 15))
    listing = api_province.get(f"/parks/{park.id}/annual-reports").json
    assert listing["total"] == 4 and listing["items"][0]["year"] == 2027  # newest first
    rows = {r["year"]: r for r in listing["items"]}
    assert rows[2024]["late"] is False and rows[2025]["days_late"] == 3
    assert (rows[2026]["status"], rows[2026]["late"], rows[2026]["days_late"]) == ("missing", True, 15)
    assert rows[2027]["status"] == "missing" and rows[2027]["late"] is False

    # The annual deadlines fired and the next ones exist; a forwarded report cancelled its own.
    states = {d.key: d.state for d in db.session.scalars(select(DeadlineRecord).where(
        DeadlineRecord.park_id == park.id, DeadlineRecord.kind == "annual_report"))}
    assert states["annual_report:2024"] == "cancelled" and states["annual_report:2025"] == "cancelled"
    assert states["annual_report:2026"] == "pending"
    # No acceptance application by 15 March 2027: creation incomplete (Art. 21), off the list, and no more
    # reports are expected from it.
    sweep_deadlines(at(date(2027, 7, 15)))
    db.session.expire_all()
    assert park.state == "creation_incomplete"
    states = {d.key: d.state for d in db.session.scalars(select(DeadlineRecord).where(
        DeadlineRecord.park_id == park.id, DeadlineRecord.kind == "annual_report"))}
    assert states["annual_report:2026"] == "cancelled"


def test_annual_report_rules(api_as, approved_park, make_park, upload, clock):
    park = approved_park(date(2024, 3, 15))
    api_park = api_as("park", park_id=park.id, lang="en")
    api_province = api_as("province", province="32", lang="en")
    material = upload(park, "annual_report", year=2024).id
    clock.set(date(2025, 3, 1))
    too_early = api_park.post(f"/parks/{park.id}/annual-reports", json={"year": 2023, "material_id": material})
    assert too_early.status_code == 422 and "year" in too_early.json["errors"]
    future = api_park.post(f"/parks/{park.id}/annual-reports", json={"year": 2026, "material_id": material})
    assert future.status_code == 422
    plan = upload(park, "construction_plan").id
    wrong_material = api_park.post(f"/parks/{park.id}/annual-reports", json={"year": 2024, "material_id": plan})
    assert wrong_material.status_code == 422 and "material_id" in wrong_material.json["errors"]
    not_reviewed = api_province.post(f"/parks/{park.id}/annual-reports/2024/forward", json={})
    assert not_reviewed.status_code == 404
    ok = api_park.post(f"/parks/{park.id}/annual-reports", json={"year": 2024, "material_id": material})
    assert ok.status_code == 201 and ok.json["status"] == "submitted"
    assert api_province.post(f"/parks/{park.id}/annual-reports/2024/forward", json={}).json["code"] == "not_reviewed"
    assert api_park.post(f"/parks/{park.id}/annual-reports/2024/review",
                         json={"compliant": True}).status_code == 403
    other_province = api_as("province", province="44")
    assert other_province.post(f"/parks/{park.id}/annual-reports/2024/review",
                               json={"compliant": True}).status_code == 404  # another province's park: as if missing
    reviewed = api_province.post(f"/parks/{park.id}/annual-reports/2024/review", json={"compliant": False,
                                                                                      "comment": "数据不全"})
    assert reviewed.json["compliant"] is False
    resubmitted = api_park.post(f"/parks/{park.id}/annual-reports", json={"year": 2024, "material_id": material})
    assert resubmitted.json["status"] == "submitted" and resubmitted.json["compliant"] is None

    new_park = make_park()
    api_new = api_as("park", park_id=new_park.id)
    refused = api_new.post(f"/parks/{new_park.id}/annual-reports", json={"year": 2024, "material_id": material})
    assert refused.status_code == 409 and refused.json["code"] == "not_reporting"
