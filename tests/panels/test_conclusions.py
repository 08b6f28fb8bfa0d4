"""Panels drive the park: a meeting's record, attendance and conclusion take the park's lifecycle actions.

The golden journey takes a park from its application to a passed recheck, every panel-driven step by a real
panel drawn from the pool, met and concluded through the API (SQLite and PostgreSQL); the other tests refuse
what must be refused (before the meeting, twice, strangers' attendance, below quorum, an action without its
panel), each with a clear 4xx in both languages, nothing changed, and the rules' refusals audited.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import func, select

from ground.audit import AuditEntry
from ground.clock import SHANGHAI

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
OPINION = "专家组经审阅材料、现场查看和质询，形成意见如下：材料齐全，数据真实，同意通过。"


@pytest.fixture
def park_state():
    return "new"


class Clock:
    def __init__(self):
        self.now = datetime(2027, 1, 4, 2, 0, tzinfo=UTC)

    def __call__(self):
        return self.now

    def set(self, day: date, hour: int = 10) -> datetime:
        self.now = datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)
        return self.now


@pytest.fixture
def clock(app, monkeypatch):
    c = Clock()
    monkeypatch.setitem(app.config, "CLOCK", c)
    return c


@pytest.fixture
def long_pool(db, pool):
    """The suite's pool, appointed long enough for the park's first performance evaluation (2031)."""
    for expert in pool:
        expert.term_end = date(2040, 12, 31)
    db.session.commit()
    return pool


class Journey:
    """One park, its people (tokens) and the panels they convene, through the API."""

    def __init__(self, park, db, api_as, clock):
        self.park, self.db, self.clock = park, db, clock
        self.office = api_as("office", password=None)
        self.office_en = api_as("office", lang="en", password=None)
        self.province = api_as("province", province=park.province, password=None)
        self.agency = api_as("park", park_id=park.id, password=None)

    def state(self) -> str:
        self.db.session.expire_all()
        return self.park.state

    def act(self, api, action: str, day: date, **data):
        self.clock.set(day)
        response = api.post(f"/parks/{self.park.id}/transitions", json={"action": action, "date": day.isoformat(),
                                                                          **data})
        assert response.status_code == 201, response.json
        return response.json

    def documents(self, day: date, *kinds: str) -> list[int]:
        from ground.actor import Actor, Role
        from scheduling.materials import upload_material

        actor = Actor(user_id=None, label="park", role=Role.PARK, park_id=self.park.id)
        ids = []
        for kind in kinds:
            meta = {"covers_from": date(day.year - 3, 1, 1), "covers_to": day} if kind == "compliance_commitment" \
                else {}
            ids.append(upload_material(actor, self.park.id, PDF, f"{kind}.pdf", {"kind": kind, **meta},
                                       self.clock.set(day)).id)
        self.db.session.commit()
        return ids

    def draw(self, api, kind: str, requested: date, meeting: date, size: int = 5) -> dict:
        self.clock.set(requested)
        response = api.post("/panels", json={"park_id": self.park.id, "kind": kind, "meeting_date": meeting.isoformat(),
                                             "size": size, "alternates": 2, "location": "会议室"})
        assert response.status_code == 201, response.json
        return response.json

    def meet(self, api, panel: dict, *, absent: int = 0, left_early: int = 0, **record) -> dict:
        """On the meeting day: the record, then every member's attendance (the last ones absent / left early)."""
        self.clock.set(date.fromisoformat(panel["meeting_date"]), 9)
        body = {"place": "北京市生态环境部会议室", "start_time": "09:00", "opinion": OPINION, **record}
        response = api.put(f"/panels/{panel['id']}/meeting", json=body)
        assert response.status_code == 200, response.json
        members = [m["expert_id"] for m in response.json["members"]]
        assert members[0] == response.json["chair_expert_id"]  # the drawn chair chairs, listed first
        statuses = ["present"] * (len(members) - absent - left_early) + ["left_early"] * left_early + \
            ["absent"] * absent
        entries = [{"expert_id": e, "status": s, **({"signed_in_at": "08:50"} if s != "absent" else {}),
                    **({"left_at": "10:30"} if s == "left_early" else {})} for e, s in zip(members, statuses,
                                                                                          strict=True)]
        response = api.post(f"/panels/{panel['id']}/meeting/attendance", json={"entries": entries})
        assert response.status_code == 200, response.json
        return response.json

    def conclude(self, api, panel: dict, conclusion: str, reasons: str = "", **extra) -> dict:
        self.clock.set(date.fromisoformat(panel["meeting_date"]), 16)
        response = api.post(f"/panels/{panel['id']}/meeting/conclusion",
                            json={"conclusion": conclusion, "reasons": reasons, **extra})
        assert response.status_code == 201, response.json
        return response.json


CHECKLIST_MET = {str(n): {"finding": "met", "note": ""} for n in range(1, 8)}


def test_golden_journey_every_panel_step_by_a_concluded_panel(park, long_pool, db, api_as, clock):
    j = Journey(park, db, api_as, clock)
    # Application and provincial review (Art. 9-10).
    j.act(j.agency, "submit_application", date(2027, 1, 4), documents=j.documents(
        date(2027, 1, 4), "application_letter", "construction_plan", "compliance_commitment", "planning_eia"))
    j.act(j.province, "start_provincial_review", date(2027, 1, 5))
    refused = j.province.post(f"/parks/{park.id}/transitions", json={"action": "pass_plan_argumentation",
                                                                     "date": "2027-01-05"})
    assert (refused.status_code, refused.json["code"]) == (409, "panel_conclusion_required")

    # The province's plan argumentation panel passes the plan (Art. 10, 37).
    plan = j.draw(j.province, "plan_argumentation", date(2027, 1, 6), date(2027, 1, 20))
    j.meet(j.province, plan)
    done = j.conclude(j.province, plan, "pass")
    assert done["conclusion"]["effects"]["transitions"][0]["action"] == "pass_plan_argumentation"
    assert done["conclusion"]["effects"]["quorum"]["met"] is True and j.state() == "plan_argued"

    # Notice, approval, construction, acceptance application and forwarding (Art. 10-16).
    j.act(j.province, "publish_public_notice", date(2027, 1, 21))
    j.act(j.province, "approve_construction", date(2027, 2, 1))
    j.act(j.agency, "apply_acceptance", date(2028, 3, 1), documents=j.documents(
        date(2028, 3, 1), "acceptance_application", "acceptance_report", "electronic_data"))
    j.act(j.province, "forward_acceptance", date(2028, 3, 6))

    # Technical verification finds problems: rectify within a month (Art. 17-18); the meeting is the on-site
    # verification, so the park is put under verification and asked to rectify on the same day.
    first = j.draw(j.office, "technical_verification", date(2028, 3, 7), date(2028, 3, 20))
    j.meet(j.office, first, checklist={**CHECKLIST_MET, "3": {"finding": "rectify", "note": "两个重点项目未投运"}})
    done = j.conclude(j.office, first, "pass_after_rectification", "补充重点项目运行证明材料")
    assert [t["action"] for t in done["conclusion"]["effects"]["transitions"]] == [
        "start_verification", "request_rectification"]
    assert j.state() == "rectifying_verification" and park.verification_feedback_on == date(2028, 3, 20)
    j.act(j.agency, "resubmit_after_rectification", date(2028, 4, 10),
          documents=j.documents(date(2028, 4, 10), "rectification_report"))
    second = j.draw(j.office, "technical_verification", date(2028, 4, 11), date(2028, 4, 24), size=3)
    j.meet(j.office, second, checklist=CHECKLIST_MET)
    j.conclude(j.office, second, "pass")
    assert j.state() == "verification_passed"

    # The acceptance meeting passes (one member left early: 4 of 5 still make the quorum); naming is
    # proposed to the people who decide it, not taken (Art. 18-20).
    meeting = j.draw(j.office, "acceptance_meeting", date(2028, 4, 25), date(2028, 5, 15))
    j.meet(j.office, meeting, left_early=1)
    done = j.conclude(j.office, meeting, "pass")
    assert done["conclusion"]["effects"]["quorum"]["present"] == 4 and j.state() == "acceptance_passed"
    proposals = j.office.get(f"/warning-proposals?park_id={park.id}&status=open").json["items"]
    assert [(p["proposed_action"], p["audience"]) for p in proposals] == [("name_park", "office")]
    j.act(j.office, "publish_naming_notice", date(2028, 5, 16))
    j.act(j.office, "name_park", date(2028, 5, 25), as_leading_group=True)
    assert j.state() == "named"
    naming = j.office.get(f"/warning-proposals?park_id={park.id}").json["items"]
    assert [(p["proposed_action"], p["status"]) for p in naming] == [("name_park", "acted")]

    # The performance evaluation fails on the score sheet (Art. 25-27): the warning is proposed, the Office warns.
    evaluation = j.draw(j.office, "performance_evaluation", date(2031, 3, 2), date(2031, 4, 14))
    sheet = [{"item": "建设指标优化提升情况", "max": 20, "score": 10}, {"item": "环境质量改善", "max": 20, "score": 11},
             {"item": "减污降碳绩效", "max": 20, "score": 9}, {"item": "持续推进示范园区建设成效", "max": 15, "score": 8},
             {"item": "管理创新", "max": 10, "score": 6}, {"item": "示范引领作用", "max": 15, "score": 8}]
    recorded = j.meet(j.office, evaluation, score_sheet=sheet)
    assert recorded["score_total"] == 52
    done = j.conclude(j.office, evaluation, "fail", "减污降碳绩效未达到要求")
    assert done["conclusion"]["effects"]["transitions"][0]["action"] == "fail_evaluation"
    assert done["conclusion"]["effects"]["proposals"] == ["failed_evaluation:2031-04-14"]
    open_ = j.office.get(f"/warning-proposals?park_id={park.id}&status=open").json["items"]
    grounds = [p for p in open_ if p["key"] == "failed_evaluation:2031-04-14"]
    assert [(p["reason"], p["proposed_action"]) for p in grounds] == [("failed_evaluation", None)]
    j.act(j.office, "warn", date(2031, 4, 21), reason="failed_evaluation", rectification_months=6,
          proposal_ids=[grounds[0]["id"]])
    j.act(j.agency, "submit_rectification", date(2031, 9, 1))
    assert j.state() == "under_recheck"

    # The recheck passes and restores the title (Art. 26).
    recheck = j.draw(j.office, "recheck", date(2031, 9, 2), date(2031, 9, 22))
    j.meet(j.office, recheck, absent=1)
    j.conclude(j.office, recheck, "pass")
    assert j.state() == "named"

    # Every panel-driven step names its panel on the park's timeline (kind, conclusion, day; the id only for
    # those who see the panel), and in the audit (the conclusion's reference).
    timeline = j.office_en.get(f"/parks/{park.id}/timeline").json["events"]
    decided = {e["action"]: e["data"]["panel"] for e in timeline if e["type"] == "transition"
               and "panel" in e["data"]}
    assert set(decided) == {"pass_plan_argumentation", "start_verification", "request_rectification",
                            "pass_verification", "pass_acceptance_meeting", "fail_evaluation", "pass_recheck"}
    assert decided["pass_verification"] == {"kind": "technical_verification", "conclusion": "pass",
                                            "concluded_on": "2028-04-24"}
    concluded = [e for e in timeline if e["type"] == "panel_concluded"]
    assert len(concluded) == 6 and all("panel_id" in e for e in concluded)
    park_view = j.agency.get(f"/parks/{park.id}/timeline").json["events"]
    assert [e for e in park_view if e["type"] == "panel_concluded"] and not any(
        "panel_id" in e for e in park_view if e["type"].startswith("panel_"))
    refs = db.session.scalars(select(AuditEntry.data).where(AuditEntry.action == "park.transition")).all()
    assert sum(1 for d in refs if str(d.get("panel_ref", "")).startswith("meeting:")) == 6
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "panel.concluded")) == 6


def test_refusals_change_nothing_and_the_rules_refusals_are_audited(park, pool, db, api_as, clock):
    from tests.panels.conftest import drive

    j = Journey(park, db, api_as, clock)
    clock.set(date(2026, 9, 1))
    drive(park, "awaiting_verification")
    panel = j.draw(j.office, "technical_verification", date(2026, 11, 24), date(2027, 3, 10))
    members = [m["expert_id"] for m in panel["members"]]
    url = f"/panels/{panel['id']}/meeting"

    def refusals() -> int:
        return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action.in_(("panel.conclusion_refused", "park.transition_refused",
                                   "park.panel_override_refused"))))

    # Before the meeting: no attendance, no conclusion (409, both languages, audited, nothing stored).
    clock.set(date(2027, 3, 9))
    early = j.office.post(f"{url}/attendance", json={"entries": [{"expert_id": members[0], "status": "present"}]})
    assert (early.status_code, early.json["code"]) == (409, "meeting_not_held") and "2027年3月10日" in early.json["message"]
    before = j.office_en.post(f"{url}/conclusion", json={"conclusion": "pass"})
    assert (before.status_code, before.json["code"]) == (409, "meeting_not_held")
    assert "cannot conclude before" in before.json["message"]
    assert refusals() == 1 and j.office.get(url).json["conclusion"] is None

    # A direct transition without its panel: 409 in both languages, audited; a province cannot override;
    # state unchanged.
    j.act(j.office, "start_verification", date(2027, 3, 10))
    for api, needle in ((j.office, "评审组"), (j.office_en, "technical verification panel")):
        direct = api.post(f"/parks/{park.id}/transitions", json={"action": "pass_verification", "date": "2027-03-10"})
        assert (direct.status_code, direct.json["code"], direct.json["article"]) == (
            409, "panel_conclusion_required", 37)
        assert needle in direct.json["message"]
    assert refusals() == 3 and j.state() == "under_verification"
    sneaky = j.province.post(f"/parks/{park.id}/transitions", json={
        "action": "request_rectification", "date": "2027-03-10", "panel_override_reason": "省里说了算"})
    assert (sneaky.status_code, sneaky.json["code"]) == (403, "override_office_only")
    pointless = j.office.post(f"/parks/{park.id}/transitions", json={
        "action": "publish_naming_notice", "date": "2027-03-10", "panel_override_reason": "x"})
    assert (pointless.status_code, pointless.json["code"]) == (422, "override_not_applicable")
    assert refusals() == 5 and j.state() == "under_verification"

    # Attendance for someone who is not a member; an incomplete record; a conclusion the kind cannot reach.
    stranger = next(e.id for e in pool if e.id not in members)
    alien = j.office_en.post(f"{url}/attendance", json={"entries": [{"expert_id": stranger, "status": "present"}]})
    assert (alien.status_code, alien.json["code"]) == (422, "not_a_member") and str(stranger) in alien.json["message"]
    incomplete = j.office.post(f"{url}/conclusion", json={"conclusion": "pass"})
    assert (incomplete.status_code, incomplete.json["code"]) == (422, "meeting_record_incomplete")
    assert {"opinion", "attendance", "checklist"} <= set(incomplete.json["errors"])
    no_reason = j.office.post(f"{url}/conclusion", json={"conclusion": "fail"})
    assert (no_reason.status_code, list(no_reason.json["errors"])) == (422, ["reasons"])

    # Below quorum (5 seats need 4 present): refused and audited; one more present, and it concludes.
    met = j.meet(j.office, panel, absent=2, checklist=CHECKLIST_MET)
    absent = [m["expert_id"] for m in met["members"] if m["attendance"]["status"] == "absent"]
    low = j.office_en.post(f"{url}/conclusion", json={"conclusion": "pass"})
    assert (low.status_code, low.json["code"]) == (409, "below_quorum")
    assert low.json["quorum"] == {"seats": 5, "required": 4, "present": 3, "chair_required": True,
                                  "chair_present": True, "met": False}
    assert "fewer than the quorum of 4" in low.json["message"] and refusals() == 6
    assert j.office.get(url).json["conclusion"] is None and j.state() == "under_verification"
    contradiction = j.office.put(url, json={"checklist": {"1": {"finding": "not_met", "note": "发生较大突发环境事件"}}})
    assert contradiction.status_code == 200
    # (one of the two absent: the meeting lists the chair first, so not by the draw's order)
    j.office.post(f"{url}/attendance", json={"entries": [{"expert_id": absent[0], "status": "present"}]})
    cannot_pass = j.office.post(f"{url}/conclusion", json={"conclusion": "pass"})
    assert (cannot_pass.status_code, cannot_pass.json["code"]) == (422, "findings_contradict_conclusion")
    done = j.office.post(f"{url}/conclusion", json={"conclusion": "fail", "reasons": "核查事项（一）不符合"})
    assert done.status_code == 201, done.json
    assert j.state() == "acceptance_failed"

    # A second conclusion, and any change to the concluded record: refused, nothing changed.
    again = j.office_en.post(f"{url}/conclusion", json={"conclusion": "pass"})
    assert (again.status_code, again.json["code"]) == (409, "already_concluded") and refusals() == 7
    frozen = j.office.put(url, json={"opinion": "改写"})
    assert (frozen.status_code, frozen.json["code"]) == (409, "meeting_concluded")
    assert j.office.get(url).json["conclusion"]["conclusion"] == "fail" and j.state() == "acceptance_failed"



def test_the_office_overrides_with_a_reason_and_others_do_not_reach_its_panel(park, pool, db, api_as, clock):
    from tests.panels.conftest import drive

    j = Journey(park, db, api_as, clock)
    clock.set(date(2026, 10, 8))
    drive(park, "under_verification")
    clock.set(date(2026, 10, 20))
    override = j.office.post(f"/parks/{park.id}/transitions", json={
        "action": "pass_verification", "date": "2026-10-20", "panel_override_reason": "核查组结论为纸质存档，补录"})
    assert override.status_code == 201, override.json
    assert override.json["data"]["panel_override"]["reason"] == "核查组结论为纸质存档，补录"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "park.transition")
                               .order_by(AuditEntry.seq.desc())).first()
    assert entry.data["panel_override"] == "核查组结论为纸质存档，补录"

    # A province's panel: its own convening province concludes it; another province does not see it.
    other = api_as("province", province="44", password=None)
    panel = j.draw(j.office, "acceptance_meeting", date(2026, 11, 24), date(2027, 3, 10))
    assert other.get(f"/panels/{panel['id']}/meeting").status_code == 404
    assert other.post(f"/panels/{panel['id']}/meeting/conclusion", json={"conclusion": "pass"}).status_code == 404
    assert j.province.get(f"/panels/{panel['id']}/meeting").status_code == 404  # the Office's panel


def test_a_failed_recheck_proposes_revocation_and_the_leading_groups_decision_settles_it(
        park, pool, db, api_as, clock):
    from tests.panels.conftest import drive

    j = Journey(park, db, api_as, clock)
    drive(park, "verification_passed")
    why = {"panel_override_reason": "测试：此前的评审组结论"}
    j.act(j.office, "pass_acceptance_meeting", date(2026, 10, 21), **why)
    j.act(j.office, "publish_naming_notice", date(2026, 10, 22))
    j.act(j.office, "name_park", date(2026, 11, 2), as_leading_group=True)
    j.act(j.office, "fail_evaluation", date(2026, 11, 3), **why)
    grounds = j.office.get(f"/warning-proposals?park_id={park.id}&reason=failed_evaluation").json["items"]
    j.act(j.office, "warn", date(2026, 11, 4), reason="failed_evaluation", proposal_ids=[grounds[0]["id"]])
    j.act(j.agency, "submit_rectification", date(2026, 11, 5))

    recheck = j.draw(j.office, "recheck", date(2026, 11, 6), date(2026, 11, 20))
    j.meet(j.office, recheck)
    done = j.conclude(j.office, recheck, "fail", "整改措施未落实")
    assert [t["action"] for t in done["conclusion"]["effects"]["transitions"]] == ["fail_recheck"]
    assert j.state() == "rectification_failed"  # revocation is the leading group's: proposed, not taken
    proposed = j.office.get(f"/warning-proposals?park_id={park.id}&status=open").json["items"]
    revoke = [p for p in proposed if p["proposed_action"] == "revoke"]
    assert [(p["reason"], p["article"], p["item"], p["audience"]) for p in revoke] == [
        ("failed_after_rectification", 28, 3, "office")]
    j.act(j.office, "revoke", date(2026, 11, 23), reason="failed_after_rectification", as_leading_group=True)
    settled = j.office.get(f"/warning-proposals?park_id={park.id}&status=acted").json["items"]
    assert revoke[0]["id"] in {p["id"] for p in settled} and j.state() == "revoked"
