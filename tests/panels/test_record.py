"""The experts' record after a meeting, through the API on SQLite and PostgreSQL: the convener's ratings within
the window (refused before it, after it, for an absent member, twice, or by someone else: a clear 4xx, nothing
changed, audited), conduct records derived from attendance and invitations, ratings and conduct producing a
suspension proposal the Office accepts (the expert is suspended and no longer drawn), the reminder fired once,
and the fee sheet opened with openpyxl.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from sqlalchemy import func, select

from expert_pool.models import Expert
from ground.audit import AuditEntry
from ground.clock import SHANGHAI
from notifications.models import OutboxMessage
from panels.models import Invitation
from panels.record.credit import sweep_credit
from panels.record.models import ConductRecord, ExpertRating
from panels.record.ratings import remind_conveners
from panels.seats.answers import accept_invitation
from panels.seats.sweep import sweep_invitations
from tests.expert_pool.page_helpers import text
from tests.panels.test_conclusions import Clock, Journey

MEETING = date(2027, 1, 20)  # a Wednesday: the window (2 working days after) closes on Friday 22 January


@pytest.fixture
def park_state():
    return "under_provincial_review"  # calls for the province's plan argumentation panel


@pytest.fixture
def clock(app, monkeypatch):
    c = Clock()
    monkeypatch.setitem(app.config, "CLOCK", c)
    return c


@pytest.fixture
def journey(park, pool, db, api_as, clock):
    return Journey(park, db, api_as, clock)


def signed_in(app, user, at: datetime):
    """A page session for ``user`` signed in at ``at`` (the test's clock, not the wall's)."""
    from flask_login.utils import _create_identifier

    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        ident = _create_identifier()
    with client.session_transaction() as session:
        session.update({"_user_id": str(user.id), "_fresh": True, "_id": ident, "auth_at": int(at.timestamp()),
                        "seen_at": int(at.timestamp()), "auth_v": user.session_version, "lang": "zh"})
    return client


def _rate(api, panel_id, expert_id, competence=35, discipline=25, integrity=25, comment="认真负责"):
    return api.post(f"/panels/{panel_id}/ratings", json={"expert_id": expert_id, "competence": competence,
                                                          "discipline": discipline, "integrity": integrity,
                                                          "comment": comment})


def _refusals(db, why: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "panel.rating_refused")) if why == "*" else sum(
        1 for e in db.session.scalars(select(AuditEntry).where(AuditEntry.action == "panel.rating_refused"))
        if e.data.get("why") == why)


def test_ratings_within_the_window_for_members_who_attended_once_by_the_convener(db, journey, clock, api_as,
                                                                                 park):
    j = journey
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 6), MEETING)
    members = [m["expert_id"] for m in panel["members"]]
    province_en = api_as("province", province=park.province, lang="en", password=None)

    clock.set(MEETING - timedelta(days=1))
    early = _rate(province_en, panel["id"], members[0])
    assert (early.status_code, early.json["code"]) == (409, "rating_window_not_open")
    assert "after it" in early.json["message"]

    order = [m["expert_id"] for m in j.meet(j.province, panel, absent=1)["members"]]  # the chair first
    members, absent = order, order[-1]  # the last one did not come
    clock.set(MEETING, 17)
    view = j.province.get(f"/panels/{panel['id']}/ratings").json
    assert (view["window"], view["closes_on"], view["rating_max"]) == (
        "open", "2027-01-22", {"competence": 40, "discipline": 30, "integrity": 30})
    assert [m["expert_id"] for m in view["members"]] == sorted(members[:-1])  # only those who attended

    not_there = _rate(j.province, panel["id"], absent)
    assert (not_there.status_code, not_there.json["code"]) == (422, "not_attended")
    assert "未出席" in not_there.json["message"]
    stranger = _rate(j.province, panel["id"], panel["alternates"][0]["expert_id"])
    assert (stranger.status_code, stranger.json["code"]) == (422, "not_attended")
    office = _rate(j.office_en, panel["id"], members[0])  # the Office did not convene this panel
    assert (office.status_code, office.json["code"]) == (403, "forbidden")
    assert "convening authority" in office.json["message"]
    too_much = _rate(j.province, panel["id"], members[0], competence=41)
    assert (too_much.status_code, too_much.json["code"]) == (422, "bad_rating")
    assert "competence" in too_much.json["errors"]

    clock.set(date(2027, 1, 22), 18)  # the window's last day
    done = _rate(j.province, panel["id"], members[0])
    assert done.status_code == 201, done.json
    rated = next(m for m in done.json["members"] if m["expert_id"] == members[0])
    assert rated["rating"]["total"] == 85 and done.json["missing"] == sorted(members[1:-1])
    again = _rate(province_en, panel["id"], members[0], competence=10)
    assert (again.status_code, again.json["code"]) == (409, "already_rated")

    clock.set(date(2027, 1, 25), 9)  # Monday: closed
    late = _rate(province_en, panel["id"], members[1])
    assert (late.status_code, late.json["code"]) == (409, "rating_window_closed")
    assert "January 22, 2027" in late.json["message"]  # in the caller's language, its way

    db.session.expire_all()
    ratings = list(db.session.scalars(select(ExpertRating)))
    assert [(r.expert_id, r.total) for r in ratings] == [(members[0], 85)]  # the refusals changed nothing
    assert {why: _refusals(db, why) for why in ("rating_window_not_open", "not_attended", "not_the_convener",
                                                "already_rated", "rating_window_closed")} == {
        "rating_window_not_open": 1, "not_attended": 2, "not_the_convener": 1, "already_rated": 1,
        "rating_window_closed": 1}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "panel.rating", AuditEntry.object_id == str(members[0]))) == 1


def test_the_reminder_goes_to_the_convener_once_when_ratings_are_missing(db, journey, clock):
    j = journey
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 6), MEETING)
    j.meet(j.province, panel)
    members = [m["expert_id"] for m in panel["members"]]
    clock.set(MEETING, 17)
    assert _rate(j.province, panel["id"], members[0]).status_code == 201

    last_day = datetime.combine(date(2027, 1, 22), time(9), SHANGHAI)
    assert remind_conveners(last_day - timedelta(minutes=1)) == 0
    assert remind_conveners(last_day) == 1
    db.session.commit()
    assert remind_conveners(last_day + timedelta(hours=1)) == 0  # fired once
    db.session.commit()
    mails = list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "rating_reminder")))
    assert len(mails) == 1
    names = dict(db.session.execute(select(Expert.id, Expert.name).where(Expert.id.in_(members))).all())
    assert all(names[e] in mails[0].body_text for e in members[1:])
    assert names[members[0]] not in mails[0].body_text
    assert "2027年1月22日" in mails[0].subject


def test_conduct_records_come_from_attendance_and_invitations(db, journey, clock):
    j = journey
    # The Office counts a single silence (to see one in a short test); its rules are data, versioned.
    rules = j.office.post("/credit-rules", json={"rules": {"unexcused_declines": {"count": 1}}})
    assert rules.status_code == 201 and rules.json["version"] == 2
    assert rules.json["rules"]["unexcused_declines"] == {"count": 1, "months": 12, "reasons": []}
    bad = j.office_en.post("/credit-rules", json={"rules": {"rating_max": {"competence": 50, "discipline": 30,
                                                                           "integrity": 30}}})
    assert (bad.status_code, bad.json["code"]) == (422, "bad_credit_rules")

    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 4), MEETING)
    chair = next(m["expert_id"] for m in panel["members"] if m["is_chair"])
    members = [chair] + [m["expert_id"] for m in panel["members"] if not m["is_chair"]]  # the chair first
    clock.set(date(2027, 1, 5))
    assert j.province.post(f"/panels/{panel['id']}/invitations", json={}).status_code == 201
    db.session.expire_all()
    invitations = {i.expert_id: i for i in db.session.scalars(select(Invitation))}
    for expert_id in members[:3]:
        accept_invitation(invitations[expert_id], pledge=True, now=clock.set(date(2027, 1, 6)))
    db.session.commit()
    # Members[3] and [4] stay silent until the deadline: declines without a reason (the worker's ticks follow).
    respond_by = invitations[members[3]].respond_by
    sweep_invitations(clock.set(respond_by.astimezone(SHANGHAI).date(), 23))
    db.session.commit()
    sweep_credit(clock.now)
    db.session.commit()
    # Members[2] accepted, then gives the seat up three days before the meeting: a late withdrawal.
    clock.set(date(2027, 1, 17))
    withdrawn = j.province.post(f"/panels/{panel['id']}/replacements",
                                json={"expert_id": members[2], "reason": "临时出差"})
    assert withdrawn.status_code in (200, 201), withdrawn.json
    sweep_credit(clock.now)
    db.session.commit()

    meeting = j.meet(j.province, panel, absent=1)
    absent = meeting["members"][-1]["expert_id"]
    came = next(m["expert_id"] for m in meeting["members"] if m["expert_id"] in members[:2])
    sweep_credit(clock.set(MEETING, 18))
    db.session.commit()

    def kinds(expert_id):
        credit = j.office.get(f"/experts/{expert_id}/credit").json
        return [(c["kind"], c["panel_id"], c["source"]) for c in credit["conduct"]]

    assert kinds(absent) == [("no_show", panel["id"], "derived")]
    assert kinds(members[2]) == [("late_withdrawal", panel["id"], "derived")]
    assert kinds(members[3]) == kinds(members[4]) == [("unexcused_declines", panel["id"], "derived")]
    assert kinds(came) == []  # accepted and came
    credit = j.office.get(f"/experts/{absent}/credit").json
    assert credit["score"] == 60.0 and credit["records"] == {"no_show": 1} and credit["deducted"] == 20

    # The attendance is corrected: the record is voided (kept, not deleted) and the credit follows.
    clock.set(MEETING, 19)
    fixed = j.province.post(f"/panels/{panel['id']}/meeting/attendance",
                            json={"entries": [{"expert_id": absent, "status": "present", "signed_in_at": "09:05"}]})
    assert fixed.status_code == 200, fixed.json
    sweep_credit(clock.now)
    db.session.commit()
    assert kinds(absent) == []
    db.session.expire_all()
    voided = db.session.scalar(select(ConductRecord).where(ConductRecord.expert_id == absent))
    assert voided.voided_at is not None
    assert [h["score"] for h in j.office.get(f"/experts/{absent}/credit").json["history"]] == [80.0, 60.0]


def test_ratings_and_conduct_propose_a_suspension_the_office_accepts(app, db, journey, clock, api_as, make_user,
                                                                    park):
    j = journey
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 6), MEETING)
    members = [m["expert_id"] for m in panel["members"]]
    target = members[1]
    j.meet(j.province, panel)
    clock.set(MEETING, 17)
    assert _rate(j.province, panel["id"], target, 30, 20, 20, "准备不足").status_code == 201  # 70
    assert j.office.get("/credit-proposals").json == []

    breach = j.office.post(f"/experts/{target}/conduct", json={
        "kind": "complaint_upheld", "on": MEETING.isoformat(), "panel_id": panel["id"],
        "note": "园区投诉评审中态度不端，经查属实"})
    assert breach.status_code == 201, breach.json
    refused = j.province.post(f"/experts/{target}/conduct", json={"kind": "complaint_upheld",
                                                                 "on": MEETING.isoformat(), "note": "x"})
    assert refused.status_code == 403

    credit = j.office.get(f"/experts/{target}/credit").json
    assert (credit["score"], credit["rating_average"], credit["deducted"]) == (50.0, 70.0, 20)
    proposals = j.office_en.get("/credit-proposals").json
    assert [(p["expert_id"], p["action"], p["score"]) for p in proposals] == [(target, "suspend", 50.0)]
    assert "below 60" in proposals[0]["reason"]

    # The expert's page shows the Office the credit record; a province sees no such section (status only).
    page = text(signed_in(app, make_user("office")[0], clock.now).get(f"/experts/{target}"))
    section = re.search(r'data-testid="section-credit">(.*?)</section>', page, re.S).group(1)
    assert "信用分 50.0" in section and "投诉经查属实" in section and "70（30/20/20）" in section
    assert "待决定：暂停聘用" in section and 'href="/credit-proposals#p-' in section  # where it is decided
    province = make_user("province", province=park.province)[0]
    province_page = text(signed_in(app, province, clock.now).get(f"/experts/{target}"))
    assert "池专家" in province_page  # the page itself is there
    assert 'data-testid="section-credit"' not in province_page and "信用分" not in province_page

    # What a province and the expert themself see.
    assert j.province.get(f"/experts/{target}/credit").status_code == 403
    own = api_as("expert", expert_id=target, password=None).get(f"/experts/{target}/credit").json
    me = text(signed_in(app, make_user("expert", expert_id=target)[0], clock.now).get("/me"))
    mine = re.search(r'data-testid="credit">(.*?)</section>', me, re.S).group(1)
    assert "<strong>50.0</strong>" in mine and "投诉经查属实" in mine and "均分 70.0，共 1 次" in mine
    assert own["score"] == 50.0 and own["proposals"] == [] and own["conduct"][0]["panel_id"] is None

    clock.set(date(2027, 1, 25))
    decided = j.office.post(f"/credit-proposals/{proposals[0]['id']}/decision",
                            json={"decision": "accept", "reason": "信用分低于60分，暂停聘用一年"})
    assert decided.status_code == 200, decided.json
    assert decided.json["status"] == "accepted"
    twice = j.office_en.post(f"/credit-proposals/{proposals[0]['id']}/decision",
                             json={"decision": "reject", "reason": "x"})
    assert (twice.status_code, twice.json["code"]) == (409, "already_decided")
    expert = j.office.get(f"/experts/{target}").json
    assert expert["status"] == "suspended"
    db.session.expire_all()
    assert [(e.action, e.data.get("to") or e.data.get("decision")) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action.in_(("expert.status", "credit.decided")),
                                 AuditEntry.object_id == str(target)).order_by(AuditEntry.seq))][-2:] == [
        ("expert.status", "suspended"), ("credit.decided", "accepted")]

    # The next draw does not take the suspended expert: excluded at the status stage.
    later = j.draw(j.province, "plan_argumentation", date(2027, 1, 25), date(2027, 2, 24), size=7)
    assert target not in [m["expert_id"] for m in later["members"] + later["alternates"]]
    rows = j.province.get(f"/panels/{later['id']}/eligibility?page_size=200").json["items"]
    row = next(r for r in rows if r["expert_id"] == target)
    assert not row["eligible"] and row["stage"] == "active"


def test_the_fee_sheet_opens_in_openpyxl_with_every_cell_safe(db, journey, clock):
    j = journey
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 6), MEETING)
    members = [m["expert_id"] for m in panel["members"]]
    not_yet = j.province.get(f"/panels/{panel['id']}/fee-sheet.xlsx")
    assert (not_yet.status_code, not_yet.json["code"]) == (409, "meeting_not_held")

    rates = j.office.post("/fee-rates", json={"per_day": {"senior": 2000}, "travel_allowance": 400})
    assert rates.status_code == 201 and rates.json["version"] == 2
    assert rates.json["rates"]["per_day"]["deputy_senior"] == 1200  # the others stay
    assert j.province.post("/fee-rates", json={"travel_allowance": 1}).status_code == 403
    db.session.expire_all()
    meeting = j.meet(j.province, panel, absent=1)
    order = [m["expert_id"] for m in meeting["members"]]
    chair, absent, hostile_id = meeting["chair_expert_id"], order[-1], order[1]
    hostile = db.session.get(Expert, hostile_id)
    formula = '=HYPERLINK("http://evil.example","点此")'
    hostile.organization.name = formula
    hostile.city = "南京"  # from another city than the park's (苏州)
    db.session.commit()

    clock.set(MEETING, 17)
    response = j.province.get(f"/panels/{panel['id']}/fee-sheet.xlsx?days=2")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    assert j.office.get(f"/panels/{panel['id']}/fee-sheet.xlsx").status_code == 200

    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("专家编号", "姓名", "职称")
    lines = {r[0]: r for r in rows[1:-1]}
    assert set(lines) == set(members)
    db.session.expire_all()
    experts = {e.id: e for e in db.session.scalars(select(Expert).where(Expert.id.in_(members)))}
    for expert_id, line in lines.items():
        rate = {"senior": 2000, "deputy_senior": 1200}[experts[expert_id].title_rank]
        away = expert_id == hostile_id
        if expert_id == absent:
            assert (line[6], line[7], line[12]) == ("缺席", 0, 0)
            continue
        extra = 300 if expert_id == chair else 0
        assert (line[7], line[8], line[9], line[10]) == (2, rate, extra, "是" if away else "否")
        assert line[12] == 2 * (rate + extra) + (400 if away else 0)
    assert rows[-1][1] == "合计" and rows[-1][12] == sum(r[12] for r in lines.values())
    row_number = 2 + [r[0] for r in rows[1:]].index(hostile_id)
    cell = sheet.cell(row=row_number, column=4)
    assert cell.data_type == "s" and cell.value == "'" + formula  # text, never a formula
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_the_office_decides_a_proposal_on_its_page(app, db, journey, clock, make_user, park):
    j = journey
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 6), MEETING)
    j.meet(j.province, panel)
    target = panel["members"][1]["expert_id"]
    clock.set(MEETING, 17)
    assert _rate(j.province, panel["id"], target, 25, 15, 15, "未认真审阅材料").status_code == 201  # 55
    office = signed_in(app, make_user("office")[0], clock.now)
    page = text(office.get("/credit-proposals"))
    assert page.count('data-testid="proposal"') == 1 and "暂停聘用" in page and "信用分 55.0，低于 60 分" in page
    proposal_id = j.office.get("/credit-proposals").json[0]["id"]
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    missing = office.post(f"/credit-proposals/{proposal_id}/decision", data={"csrf_token": csrf, "decision": "reject"})
    assert missing.status_code == 422 and "请写明理由" in text(missing)
    done = office.post(f"/credit-proposals/{proposal_id}/decision",
                       data={"csrf_token": csrf, "decision": "reject", "reason": "首次评价偏低，继续观察"})
    assert done.status_code == 302 and "decided=" in done.headers["Location"]
    after = text(office.get(done.headers["Location"]))
    assert "没有待决定的信用建议" in after and "继续观察" in after
    twice = office.post(f"/credit-proposals/{proposal_id}/decision",
                        data={"csrf_token": csrf, "decision": "accept", "reason": "再议"})
    assert twice.status_code == 409 and "该建议已于" in text(twice)  # said on the page, nothing changed
    db.session.expire_all()
    assert db.session.get(Expert, target).status == "active"
    province = signed_in(app, make_user("province", province=park.province)[0], clock.now)
    assert province.get("/credit-proposals").status_code == 403


def test_the_convener_rates_on_the_ratings_page_linked_from_the_meeting(app, db, journey, clock, make_user, park):
    j = journey
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 6), MEETING)
    order = [m["expert_id"] for m in j.meet(j.province, panel, absent=1)["members"]]
    clock.set(MEETING, 17)
    province = signed_in(app, make_user("province", province=park.province)[0], clock.now)
    assert 'href="/panels/{}/ratings"'.format(panel["id"]) in text(province.get(f"/panels/{panel['id']}/meeting"))
    page = text(province.get(f"/panels/{panel['id']}/ratings"))
    assert page.count('data-testid="member"') == len(order) - 1 and "2027-01-22" in page  # the absent one is not
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"csrf_token": csrf, "expert_id": str(order[0]), "competence": "45", "discipline": "25", "integrity": "25"}
    too_high = province.post(f"/panels/{panel['id']}/ratings", data=form)
    assert too_high.status_code == 422 and "40 分" in text(too_high)
    done = province.post(f"/panels/{panel['id']}/ratings", data={**form, "competence": "38", "comment": "意见中肯"})
    assert done.status_code == 302
    after = text(province.get(done.headers["Location"]))
    assert "<strong>88</strong>" in after and "意见中肯" in after
    absent = province.post(f"/panels/{panel['id']}/ratings", data={**form, "expert_id": str(order[-1])})
    assert absent.status_code == 422 and "未出席" in text(absent)
    office = signed_in(app, make_user("office")[0], clock.now)
    office_page = text(office.get(f"/panels/{panel['id']}/ratings"))
    assert "保存评价" not in office_page  # no form: the Office did not convene it
    office_csrf = re.search(r'name="csrf-token" content="([^"]+)"', office_page).group(1)
    refused = office.post(f"/panels/{panel['id']}/ratings",
                          data={**form, "csrf_token": office_csrf, "expert_id": str(order[1])})
    assert refused.status_code == 403  # the Office did not convene it
    db.session.expire_all()
    assert [(r.expert_id, r.total) for r in db.session.scalars(select(ExpertRating))] == [(order[0], 88)]
    assert j.province.get(f"/panels/{panel['id']}/fee-sheet.xlsx").status_code == 200
