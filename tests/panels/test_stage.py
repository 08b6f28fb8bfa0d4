"""The stage calls for the panel: a kind the park's lifecycle state does not call for is refused (409, audited,
nothing stored) unless the Office overrides with a reason (audited, kept with the panel)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from ground.audit import AuditEntry
from panels.models import Booking, Panel
from tests.panels.test_api import MEETING, draw

SUGGEST = "/meetings/date-suggestions?park_id={}&kind={}&from=2027-03-08&to=2027-03-12"


def _count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def _audits(db, action: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


def test_a_kind_the_state_does_not_call_for_is_refused_and_audited(db, office_api, park, pool):
    refused = draw(office_api, park, kind="plan_argumentation")
    assert refused.status_code == 409, refused.json
    body = refused.json
    assert body["code"] == "panel_kind_not_allowed"
    assert (body["current_state"], body["allowed_kinds"]) == ("verification_passed", ["acceptance_meeting"])
    assert "技术核查已通过" in body["message"] and "验收会" in body["message"]
    english = office_api.post(
        "/panels", json={"park_id": park.id, "kind": "recheck", "meeting_date": MEETING, "size": 7},
        headers={"Accept-Language": "en"})
    assert english.status_code == 409
    assert english.json["message"] == ("The park is technical verification passed; that stage calls for no recheck "
                                       "panel. Allowed now: acceptance meeting.")
    assert _count(db, Panel) == 0 and _count(db, Booking) == 0
    [first, second] = _audits(db, "panel.stage_refused")
    assert first.data == {"park_id": park.id, "kind": "plan_argumentation", "state": "verification_passed",
                          "allowed_kinds": ["acceptance_meeting"], "what": "draw"}
    assert second.data["kind"] == "recheck"


def test_date_suggestions_follow_the_same_rule(db, office_api, park, pool):
    refused = office_api.get(SUGGEST.format(park.id, "technical_verification"))
    assert refused.status_code == 409 and refused.json["code"] == "panel_kind_not_allowed"
    assert refused.json["allowed_kinds"] == ["acceptance_meeting"]
    [entry] = _audits(db, "panel.stage_refused")
    assert entry.data["what"] == "date_suggestions"
    assert office_api.get(SUGGEST.format(park.id, "acceptance_meeting")).status_code == 200
    overridden = office_api.get(SUGGEST.format(park.id, "technical_verification") + "&override_reason=补充核查")
    assert overridden.status_code == 200
    [override] = _audits(db, "panel.stage_override")
    assert (override.data["reason"], override.data["what"]) == ("补充核查", "date_suggestions")


def test_the_office_overrides_with_a_reason_kept_with_the_panel(db, office_api, park, pool):
    reason = "省级部门书面请求办公室协助复核"
    response = draw(office_api, park, kind="recheck", size=5, alternates=0, override_reason=f"  {reason} ")
    assert response.status_code == 201, response.json
    expected = {"reason": reason, "state": "verification_passed", "allowed_kinds": ["acceptance_meeting"],
                "by": response.json["stage_override"]["by"]}
    assert response.json["stage_override"] == expected
    assert office_api.get(f"/panels/{response.json['id']}").json["stage_override"] == expected
    [entry] = _audits(db, "panel.stage_override")
    assert (entry.object_type, entry.object_id, entry.data["reason"]) == ("park", str(park.id), reason)
    # a panel the state calls for carries no override, whatever the caller sends
    plain = draw(office_api, park, meeting_date="2027-03-11", size=5, alternates=0, override_reason="不需要")
    assert plain.status_code == 201 and plain.json["stage_override"] is None


@pytest.mark.parametrize("park_state", ["under_provincial_review"])
def test_only_the_office_may_override(db, api_as, park, pool):
    jiangsu = api_as("province", province="32")
    body = {"park_id": park.id, "kind": "change_argumentation", "meeting_date": MEETING, "size": 5,
            "override_reason": "省里认为需要"}
    refused = jiangsu.post("/panels", json=body)
    assert refused.status_code == 403 and refused.json["code"] == "override_office_only"
    assert jiangsu.post("/panels", json={**body, "kind": "plan_argumentation"}).status_code == 403
    assert jiangsu.get(SUGGEST.format(park.id, "plan_argumentation") + "&override_reason=x").status_code == 403
    assert _count(db, Panel) == 0
    assert len(_audits(db, "panel.stage_override_refused")) == 3
    without = jiangsu.post("/panels", json={k: v for k, v in body.items() if k != "override_reason"})
    assert without.status_code == 409 and without.json["allowed_kinds"] == ["plan_argumentation"]
    assert jiangsu.post("/panels", json={**body, "kind": "plan_argumentation", "override_reason": None}
                        ).status_code == 422


@pytest.mark.parametrize("reason", ["", "   ", "长" * 501])
def test_an_override_needs_a_bounded_reason(db, office_api, park, pool, reason):
    response = draw(office_api, park, kind="recheck", override_reason=reason)
    assert response.status_code == 422 and "override_reason" in response.json["errors"]
    assert _count(db, Panel) == 0
