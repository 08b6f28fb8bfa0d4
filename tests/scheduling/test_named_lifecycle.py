"""A named park: evaluation, a warning proposal, the Office's warning, the lapse, revocation and the ban."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from scheduling.models import WarningProposalRecord
from scheduling.tasks import sweep_deadlines
from tests.scheduling.conftest import at


def _named_park(approved_park, step, db, named_on=date(2026, 7, 20)):
    from tests.scheduling.test_parks_api import _acceptance_docs

    park = approved_park(date(2024, 3, 15))
    step(park, "apply_acceptance", date(2026, 6, 1), "park", documents=_acceptance_docs(park, db))
    for action, who, on in [("forward_acceptance", "province", date(2026, 6, 2)),
                            ("start_verification", "office", date(2026, 6, 3)),
                            ("pass_verification", "office", date(2026, 6, 10)),
                            ("pass_acceptance_meeting", "office", date(2026, 6, 20)),
                            ("publish_naming_notice", "office", date(2026, 7, 6)),
                            ("name_park", "leading_group", named_on)]:
        step(park, action, on, who)
    return park


def test_failed_evaluation_proposal_warning_lapse_revocation_and_ban(
        api_as, approved_park, step, application_documents, db, clock):
    park = _named_park(approved_park, step, db)
    office = api_as("office", lang="en")
    jiangsu = api_as("province", province="32", lang="en")

    # Art. 25-27: the evaluation fails; the system proposes, it does not warn.
    step(park, "fail_evaluation", date(2029, 8, 1), "office")
    assert park.state == "named"
    clock.set(date(2029, 8, 2))
    # No annual report was ever sent either (Art. 23): those grounds are proposed too, one per year.
    everything = office.get("/warning-proposals?status=open&page_size=50").json
    assert sorted(p["key"] for p in everything["items"] if p["reason"] == "annual_report") == [
        f"annual_report:{y}" for y in range(2024, 2029)]
    listing = office.get("/warning-proposals?status=open&reason=failed_evaluation").json
    assert listing["total"] == 1
    proposal = listing["items"][0]
    assert (proposal["reason"], proposal["article"], proposal["item"], proposal["audience"]) == (
        "failed_evaluation", 27, 3, "office")
    assert "failed" in proposal["message"]
    assert jiangsu.get("/warning-proposals").json["total"] == 6  # the province sees its parks' proposals
    assert api_as("province", province="44").get("/warning-proposals").json["total"] == 0
    assert jiangsu.post(f"/warning-proposals/{proposal['id']}/dismiss",
                        json={"comment": "no"}).status_code == 403  # the Office's to decide

    no_reason = office.post(f"/parks/{park.id}/transitions", json={"action": "warn", "date": "2029-08-02"})
    assert (no_reason.status_code, no_reason.json["code"], no_reason.json["article"]) == (
        422, "reason_required", 27)
    unsupported = office.post(f"/parks/{park.id}/transitions", json={
        "action": "warn", "date": "2029-08-02", "reason": "unreported_major_change"})
    assert (unsupported.status_code, unsupported.json["code"]) == (409, "reason_not_supported_by_facts")
    warned = office.post(f"/parks/{park.id}/transitions", json={
        "action": "warn", "date": "2029-08-02", "reason": "failed_evaluation", "rectification_months": 6,
        "proposal_ids": [proposal["id"]], "comment": "限期整改"})
    assert warned.status_code == 201, warned.json
    assert warned.json["data"] == {"rectification_deadline": "2030-02-02", "proposals": ["failed_evaluation:2029-08-01"]}
    detail = office.get(f"/parks/{park.id}").json
    assert (detail["state"], detail["may_use_title"]) == ("warned", False)  # Art. 26: no title while rectifying
    assert office.get("/warning-proposals?status=open&reason=failed_evaluation").json["total"] == 0
    assert office.get("/warning-proposals?status=acted").json["items"][0]["decided_by_label"]

    # The rectification period lapses: the system records it once (Art. 26); people decide what follows.
    sweep_deadlines(at(date(2030, 2, 3)))
    sweep_deadlines(at(date(2030, 2, 4)))
    db.session.expire_all()
    assert park.state == "rectification_failed"
    assert park.failed_rectifications == 1

    clock.set(date(2030, 3, 1))
    repeated = office.post(f"/parks/{park.id}/transitions", json={
        "action": "revoke", "date": "2030-03-01", "reason": "repeated_warnings", "as_leading_group": True})
    assert (repeated.status_code, repeated.json["article"]) == (409, 28)
    revoked = office.post(f"/parks/{park.id}/transitions", json={
        "action": "revoke", "date": "2030-03-01", "reason": "failed_after_rectification", "as_leading_group": True})
    assert revoked.status_code == 201, revoked.json
    timeline = office.get(f"/parks/{park.id}/timeline").json
    assert [(d["kind"], d["due"]) for d in timeline["due"]] == [("reapplication_ban", "2033-03-01")]
    public = api_as("office").client.get("/api/v1/public/parks").json
    assert all(p["id"] != park.id for p in public["items"])

    # Art. 28: no new application before the ban ends; the day after, a new cycle starts from scratch.
    park_api = api_as("park", park_id=park.id, lang="en")
    clock.set(date(2033, 3, 1))
    docs = application_documents(park, date(2033, 3, 1))
    banned = park_api.post(f"/parks/{park.id}/transitions", json={
        "action": "submit_application", "date": "2033-03-01", "documents": docs})
    assert (banned.status_code, banned.json["code"], banned.json["article"]) == (409, "reapplication_banned", 28)
    clock.set(date(2033, 3, 2))
    docs = application_documents(park, date(2033, 3, 2))
    again = park_api.post(f"/parks/{park.id}/transitions", json={
        "action": "submit_application", "date": "2033-03-02", "documents": docs})
    assert again.status_code == 201, again.json
    assert again.json["cycle"] == 2
    fresh = office.get(f"/parks/{park.id}").json
    assert fresh["facts"]["named_on"] is None and fresh["facts"]["approved_on"] is None
    assert fresh["facts"]["revoked_on"] == "2030-03-01"
    statuses = db.session.scalars(select(WarningProposalRecord.status).where(
        WarningProposalRecord.park_id == park.id, WarningProposalRecord.reason == "failed_evaluation")).all()
    assert statuses == ["acted"]


def test_dismissing_a_proposal(api_as, approved_park, step, db, clock):
    park = _named_park(approved_park, step, db)
    step(park, "fail_evaluation", date(2029, 8, 1), "office")
    office = api_as("office")
    proposal = office.get("/warning-proposals?reason=failed_evaluation").json["items"][0]
    clock.set(date(2029, 8, 3))
    empty = office.post(f"/warning-proposals/{proposal['id']}/dismiss", json={"comment": ""})
    assert empty.status_code == 422
    dismissed = office.post(f"/warning-proposals/{proposal['id']}/dismiss", json={"comment": "评价组复核后认可整改措施"})
    assert dismissed.status_code == 200 and dismissed.json["status"] == "dismissed"
    again = office.post(f"/warning-proposals/{proposal['id']}/dismiss", json={"comment": "x"})
    assert again.status_code == 409
    # A dismissed ground is addressed: the proposal does not come back with the next event.
    step(park, "report_major_change", date(2029, 9, 1), "park", changed_on=date(2029, 8, 20))
    assert office.get("/warning-proposals?status=open&reason=failed_evaluation").json["total"] == 0
    assert office.get("/warning-proposals/999/dismiss").status_code == 405
