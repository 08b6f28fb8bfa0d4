"""Invitations end to end: the mails that really arrived, their links followed through the app, the state after."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select

from expert_pool.models import ConflictDeclaration, Expert
from ground import clock
from ground.clock import SHANGHAI
from notifications.delivery import send_due
from notifications.models import OutboxMessage
from panels.models import Booking, Invitation, Panel, PanelMember
from panels.seats.digest import send_digests
from panels.seats.sweep import sweep_invitations
from tests.notifications.conftest import calendar_part, html_part, page_path, page_token, text_part
from tests.panels.conftest import MEETING, drive


def deliver(at: datetime | None = None) -> int:
    return send_due(at or clock.now())


def invite(api, panel_id, **body):
    response = api.post(f"/panels/{panel_id}/invitations", json=body)
    assert response.status_code == 201, response.json
    return response.json


def mail_to(smtp, address: str, *, subject_has: str | None = None):
    found = [m for m in smtp.messages() if m["To"] == address and (subject_has is None or subject_has in m["Subject"])]
    assert found, (address, [(m["To"], m["Subject"]) for m in smtp.messages()])
    return found[-1]


def emails(db, expert_ids):
    return {e.id: e.email for e in db.session.scalars(select(Expert).where(Expert.id.in_(expert_ids)))}


def invitation_of(db, expert_id) -> Invitation:
    db.session.expire_all()
    return db.session.scalar(select(Invitation).where(Invitation.expert_id == expert_id))


def member_of(db, panel_id, expert_id) -> PanelMember:
    db.session.expire_all()
    return db.session.scalar(select(PanelMember).where(PanelMember.panel_id == panel_id,
                                                       PanelMember.expert_id == expert_id))


def open_page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.data.decode()[:500]
    return response


def post(client, path, action, **form):
    page = client.get(path)
    token = page_token(page.data.decode()) if page.status_code == 200 else form.pop("csrf_token", "")
    return client.post(f"{path}/{action}", data={"csrf_token": token, **form})


@pytest.fixture
def invited(db, office_api, drawn_panel, smtp):
    """The drawn panel with its members invited and the invitation mails delivered."""
    panel = drawn_panel
    invite(office_api, panel["id"])
    assert deliver() == 5
    return panel


def test_invitation_mails_carry_the_facts_the_links_and_a_calendar_entry(db, office_api, drawn_panel, smtp):
    panel = drawn_panel
    members = [m["expert_id"] for m in panel["members"]]
    english = db.session.get(Expert, members[0])
    english.language = "en"
    db.session.commit()
    body = invite(office_api, panel["id"], respond_by="2027-02-20")
    assert body["total"] == 5 and {i["status"] for i in body["items"]} == {"pending"}
    assert [m.status for m in db.session.scalars(select(PanelMember).where(
        PanelMember.panel_id == panel["id"], PanelMember.role == "alternate"))] == ["drawn", "drawn"]  # not invited
    assert smtp.arrived == []  # nothing before the worker runs
    assert deliver() == 5
    addresses = emails(db, members)
    assert sorted(a.rcpt_tos[0] for a in smtp.arrived) == sorted(addresses.values())

    chinese = mail_to(smtp, addresses[members[1]])
    assert chinese["Subject"].startswith("【评审邀请】苏州工业园区验收会（2027年3月10日）")
    text = text_part(chinese)
    for fact in ("验收会", "苏州工业园区", "2027年3月10日星期三", "北京市西城区 生态环境部第一会议室",
                 "2027年2月20日 23:59（北京时间）"):
        assert fact in text, fact
    assert "?choice=accept" in text and "?choice=decline" in text
    assert 'href="http://testserver/invitations/' in html_part(chinese)
    mine = mail_to(smtp, addresses[members[0]])
    assert mine["Subject"].startswith("Invitation: acceptance meeting of 苏州工业园区 on March 10, 2027")
    assert "Wednesday, March 10, 2027" in text_part(mine)
    assert "February 20, 2027 23:59 (Beijing time)" in text_part(mine)

    part = calendar_part(chinese)
    assert part.get_content_type() == "text/calendar" and part.get_param("method") == "REQUEST"
    assert part.get_filename() == "meeting.ics"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "REQUEST" and str(calendar["VERSION"]) == "2.0"
    [event] = calendar.walk("VEVENT")
    start = event["DTSTART"].dt
    assert start.tzinfo is not None and str(start.tzinfo) == "Asia/Shanghai"
    assert start.astimezone(SHANGHAI).date() == date(2027, 3, 10) and start.astimezone(SHANGHAI).hour == 9
    assert event["DTEND"].dt.astimezone(SHANGHAI).date() == date(2027, 3, 10)
    assert str(event["UID"]) == f"ecopanel-panel-{panel['id']}-expert-{members[1]}@localhost"
    assert int(event["SEQUENCE"]) == 0
    assert str(event["ATTENDEE"]).lower() == f"mailto:{addresses[members[1]]}"
    assert event["ATTENDEE"].params["RSVP"] == "FALSE"
    assert calendar.walk("VTIMEZONE")  # the zone travels with the event
    assert db.session.get(Panel, panel["id"]).status == "inviting"

    again = office_api.post(f"/panels/{panel['id']}/invitations", json={})
    assert again.status_code == 201 and again.json["total"] == 0  # everyone invited already: no second mail
    assert deliver() == 0


def test_get_shows_the_page_and_decides_nothing(db, client, invited, smtp):
    expert_id = invited["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    for _ in range(2):  # a mail scanner, then the expert
        response = open_page(client, path)
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert "no-store" in response.headers["Cache-Control"]
        html = response.data.decode()
        assert "独立性与保密承诺" in html and "谢绝原因" in html and "苏州工业园区" in html
    assert client.get(path + "?choice=accept").status_code == 200
    invitation = invitation_of(db, expert_id)
    assert invitation.status == "pending" and invitation.opened_at is not None
    assert member_of(db, invited["id"], expert_id).status == "invited"
    assert open_page(client, path + "?lang=en").data.decode().count("Pledge of independence") == 1


def test_accepting_needs_the_pledge_then_works_once(db, client, invited, smtp, app):
    expert_id = invited["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))

    refused = post(client, path, "accept")  # pledge not ticked
    assert refused.status_code == 422
    assert "请勾选承诺" in refused.data.decode()
    assert invitation_of(db, expert_id).status == "pending"

    accepted = post(client, path, "accept", pledge="y")
    assert accepted.status_code == 200, accepted.data.decode()[:400]
    assert accepted.headers["Referrer-Policy"] == "no-referrer" and "no-store" in accepted.headers["Cache-Control"]
    invitation = invitation_of(db, expert_id)
    assert (invitation.status, invitation.pledge_version) == ("accepted", "2026-1")
    assert member_of(db, invited["id"], expert_id).status == "accepted"

    page = client.get(path)  # opened again: the answer, calmly, and whom to call to change it
    html = page.data.decode()
    assert page.status_code == 200 and "您已接受该邀请" in html and "链接无法使用" not in html
    assert 'data-testid="change-how"' in html and 'data-testid="contact"' in html and "苏州工业园区" in html
    assert "no-store" in page.headers["Cache-Control"] and page.headers["Referrer-Policy"] == "no-referrer"
    assert "Please contact the convening authority" in client.get(path + "?lang=en").data.decode()
    token = page_token(open_page(client, page_path(mail_to(smtp, emails(
        db, [invited["members"][1]["expert_id"]])[invited["members"][1]["expert_id"]]))).data.decode())
    for action in ("accept", "decline"):  # the second POST on a spent link
        again = client.post(f"{path}/{action}", data={"csrf_token": token, "pledge": "y", "reason": "schedule"})
        assert again.status_code == 409
    invitation = invitation_of(db, expert_id)
    assert invitation.status == "accepted" and invitation.decline_reason == ""
    assert member_of(db, invited["id"], expert_id).status == "accepted"

    deliver()
    confirmation = mail_to(smtp, emails(db, [expert_id])[expert_id], subject_has="确认")
    assert "承诺已记录" in text_part(confirmation)


def test_two_simultaneous_posts_one_wins_the_other_gets_409(db, app, invited, smtp):
    expert_id = invited["members"][2]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    token = page_token(open_page(app.test_client(), path).data.decode())
    db.session.commit()
    statuses: list[int] = []
    barrier = threading.Barrier(2)

    def press(action: str) -> None:
        client = app.test_client()
        barrier.wait()
        statuses.append(client.post(f"{path}/{action}", data={
            "csrf_token": token, "pledge": "y", "reason": "schedule"}).status_code)

    threads = [threading.Thread(target=press, args=(a,)) for a in ("accept", "accept")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 409]
    assert invitation_of(db, expert_id).status == "accepted"


def test_an_expired_link_is_410_and_says_whom_to_call(db, client, invited, smtp, monkeypatch, app):
    monkeypatch.setitem(app.config, "INVITATION_CONTACTS", {"office": {"phone": "010-65645678"}})
    expert_id = invited["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    token = page_token(open_page(client, path).data.decode())
    deadline = invitation_of(db, expert_id).respond_by
    monkeypatch.setitem(app.config, "CLOCK", lambda: deadline + timedelta(seconds=1))
    page = client.get(path)
    assert page.status_code == 410
    html = page.data.decode()
    assert "答复期限已过" in html and "010-65645678" in html and "领导小组办公室" in html
    for action in ("accept", "decline"):
        assert client.post(f"{path}/{action}", data={"csrf_token": token, "pledge": "y",
                                                     "reason": "schedule"}).status_code == 410
    assert invitation_of(db, expert_id).status == "pending"
    assert member_of(db, invited["id"], expert_id).status == "invited"


def test_a_tampered_link_is_400_and_changes_nothing(db, client, invited, smtp):
    expert_id = invited["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    token = page_token(open_page(client, path).data.decode())
    head, sig = path.rsplit(".", 1)
    forged = f"{head}.{sig[:-2]}{'A' if sig[-2] != 'A' else 'B'}{sig[-1]}"
    assert client.get(forged).status_code == 400
    assert client.get("/invitations/WzEsIngiXQ.bm90LXNpZ25lZA").status_code == 400
    for action in ("accept", "decline"):
        assert client.post(f"{forged}/{action}", data={"csrf_token": token, "pledge": "y",
                                                       "reason": "schedule"}).status_code == 400
    assert invitation_of(db, expert_id).status == "pending"


def test_the_page_token_is_required_and_bound_to_its_link(db, client, invited, smtp):
    a, b = (invited["members"][i]["expert_id"] for i in (0, 1))
    addresses = emails(db, [a, b])
    path_a = page_path(mail_to(smtp, addresses[a]))
    path_b = page_path(mail_to(smtp, addresses[b]))
    token_b = page_token(open_page(client, path_b).data.decode())
    assert client.post(f"{path_a}/accept", data={"pledge": "y"}).status_code == 400
    assert client.post(f"{path_a}/accept", data={"pledge": "y", "csrf_token": token_b}).status_code == 400
    assert invitation_of(db, a).status == "pending"


def test_decline_with_conflict_of_interest_feeds_recusal_and_invites_the_alternate(db, office_api, client,
                                                                                   invited, smtp, park):
    leaving = invited["members"][0]["expert_id"]
    alternate = invited["alternates"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [leaving])[leaving]))
    missing = post(client, path, "decline")
    assert missing.status_code == 422 and invitation_of(db, leaving).status == "pending"
    response = post(client, path, "decline", reason="conflict_of_interest", note="配偶在园区企业任职")
    assert response.status_code == 200, response.data.decode()[:500]

    invitation = invitation_of(db, leaving)
    assert invitation.status == "declined" and invitation.conflict_of_interest
    assert member_of(db, invited["id"], leaving).status == "declined"
    [conflict] = db.session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.expert_id == leaving))
    assert (conflict.park_id, conflict.source, conflict.relation) == (park.id, "invitation", "interest")
    assert not db.session.scalars(select(Booking).where(Booking.expert_id == leaving)).all()

    promoted = member_of(db, invited["id"], alternate)
    assert (promoted.role, promoted.status) == ("member", "invited")
    assert invitation_of(db, alternate).status == "pending"
    deliver()
    alternate_mail = mail_to(smtp, emails(db, [alternate])[alternate], subject_has="评审邀请")
    assert calendar_part(alternate_mail) is not None
    assert open_page(client, page_path(alternate_mail)).status_code == 200

    # Recusal next time: a new panel for the same park excludes the expert for the declared conflict.
    later = office_api.post("/panels", json={"park_id": park.id, "kind": "performance_evaluation",
                                             "meeting_date": "2027-09-15", "size": 5, "alternates": 0,
                                             "override_reason": "测试：同一园区的下一个评审组"})
    assert later.status_code == 201, later.json
    eligibility = office_api.get(f"/panels/{later.json['id']}/eligibility?page_size=200").json["items"]
    [row] = [i for i in eligibility if i["expert_id"] == leaving]
    assert not row["eligible"] and "declared_conflict_park" in row["reasons"]


def test_without_auto_invite_the_promoted_alternate_waits_for_staff(db, office_api, client, park, pool, smtp):
    from panels.models import RuleSet

    default = db.session.scalar(select(RuleSet).where(RuleSet.name == "default-acceptance_meeting"))
    db.session.add(RuleSet(name="manual-invites", version=1, kind=None, is_default=False,
                           rules={**default.rules, "auto_invite_replacements": False}, created_by="test"))
    db.session.commit()
    panel = office_api.post("/panels", json={"park_id": park.id, "kind": "acceptance_meeting",
                                             "meeting_date": MEETING, "size": 5, "alternates": 1,
                                             "rule_set": "manual-invites"}).json
    invite(office_api, panel["id"])
    deliver()
    leaving = panel["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [leaving])[leaving]))
    assert post(client, path, "decline", reason="schedule").status_code == 200
    db.session.expire_all()
    # the seat went to the alternate or to a replacement draw, whichever keeps the rules; nobody is invited
    [successor] = db.session.scalars(select(PanelMember).where(
        PanelMember.panel_id == panel["id"], PanelMember.role == "member", PanelMember.status == "drawn")).all()
    assert invitation_of(db, successor.expert_id) is None
    created = invite(office_api, panel["id"])
    assert [i["expert_id"] for i in created["items"]] == [successor.expert_id]


def test_silence_at_the_deadline_counts_as_a_decline(db, office_api, invited, smtp, make_user):
    silent = invited["members"][3]["expert_id"]
    alternate = invited["alternates"][0]["expert_id"]
    invitation = invitation_of(db, silent)
    respond_by, remind_at = invitation.respond_by, invitation.remind_at
    assert remind_at == respond_by - timedelta(hours=48)

    assert sweep_invitations(remind_at - timedelta(minutes=1)) == 0
    assert sweep_invitations(remind_at) == 5  # one reminder to each silent member
    db.session.commit()
    assert sweep_invitations(remind_at + timedelta(hours=1)) == 0  # once only
    db.session.commit()
    deliver(remind_at)
    reminder = mail_to(smtp, emails(db, [silent])[silent], subject_has="提醒")
    assert "逾期未答复视为谢绝" in text_part(reminder)

    handled = sweep_invitations(respond_by)
    db.session.commit()
    assert handled == 5
    invitation = invitation_of(db, silent)
    assert invitation.status == "expired" and invitation.responded_at is None
    assert member_of(db, invited["id"], silent).status == "declined"
    promoted = member_of(db, invited["id"], alternate)
    assert promoted.role == "member"
    assert sweep_invitations(respond_by + timedelta(minutes=5)) == 0

    assert send_digests(respond_by) > 0
    db.session.commit()
    deliver(respond_by)
    creator_emails = {m["To"] for m in smtp.messages() if "答复汇总" in m["Subject"]}
    assert len(creator_emails) == 1
    digest = next(m for m in smtp.messages() if "答复汇总" in m["Subject"])
    assert "逾期未答复，视为谢绝" in text_part(digest)
    assert send_digests(respond_by + timedelta(hours=1)) == 0


def test_staff_see_each_invitations_full_history(db, office_api, client, invited, smtp):
    expert_id = invited["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    assert post(client, path, "accept", pledge="y").status_code == 200
    listing = office_api.get(f"/panels/{invited['id']}/invitations")
    assert listing.status_code == 200 and listing.json["total"] == 5
    [item] = [i for i in listing.json["items"] if i["expert_id"] == expert_id]
    events = [h["event"] for h in item["history"]]
    for expected in ("created", "mail_queued", "mail_sending", "mail_delivered_to_server", "opened", "accepted"):
        assert expected in events, events
    delivered = next(h for h in item["history"] if h["event"] == "mail_delivered_to_server")
    assert delivered["detail"]["server_reply"].startswith("250")
    assert item["status"] == "accepted" and item["responded_at"] and item["opened_at"]
    assert events.index("mail_queued") < events.index("mail_delivered_to_server") < events.index("accepted")


def test_an_expert_sees_only_their_own_invitations(db, api_as, office_api, invited):
    mine, other = (invited["members"][i]["expert_id"] for i in (0, 1))
    expert_api = api_as("expert", expert_id=mine)
    listing = expert_api.get("/invitations/mine")
    assert listing.status_code == 200 and listing.json["total"] == 1
    [item] = listing.json["items"]
    assert item["park_name"] == "苏州工业园区" and item["status"] == "pending"
    assert item["page_url"].startswith("http://testserver/invitations/")
    assert "expert_id" not in item
    assert expert_api.get(f"/panels/{invited['id']}/invitations").status_code == 403
    assert office_api.get("/invitations/mine").status_code == 403
    assert other != mine


def test_only_the_convening_authority_invites(api_as, drawn_panel):
    assert api_as("province", province="44").post(
        f"/panels/{drawn_panel['id']}/invitations", json={}).status_code == 404  # unseen: as if missing
    assert api_as("park", park_id=drawn_panel["park_id"]).post(
        f"/panels/{drawn_panel['id']}/invitations", json={}).status_code == 403


def test_invitation_input_is_checked(office_api, drawn_panel):
    late = office_api.post(f"/panels/{drawn_panel['id']}/invitations", json={"respond_by": "2027-03-10"})
    assert late.status_code == 422 and late.json["code"] == "invalid_deadline"
    alternate = drawn_panel["alternates"][0]["expert_id"]
    refused = office_api.post(f"/panels/{drawn_panel['id']}/invitations", json={"expert_ids": [alternate]})
    assert refused.status_code == 422 and refused.json["code"] == "not_invitable"
    unknown = office_api.post(f"/panels/{drawn_panel['id']}/invitations", json={"cc": "x"})
    assert unknown.status_code == 422


def test_staff_preview_the_invitation_before_sending(db, office_api, drawn_panel):
    response = office_api.get(f"/panels/{drawn_panel['id']}/invitations/preview?language=en")
    assert response.status_code == 200, response.json
    assert response.json["subject"].startswith("Invitation: acceptance meeting")
    assert "BEGIN:VCALENDAR" in response.json["calendar"] and "<a href=" in response.json["html"]
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_accepted_members_are_reminded_before_the_meeting(db, client, invited, smtp):
    expert_id = invited["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    assert post(client, path, "accept", pledge="y").status_code == 200
    three_days_before = datetime(2027, 3, 7, 8, 0, tzinfo=SHANGHAI)
    db.session.commit()
    invitation = invitation_of(db, expert_id)
    # keep the other members' deadlines out of the way: only the meeting reminder is under test
    for other in db.session.scalars(select(Invitation).where(Invitation.id != invitation.id)):
        other.status = "declined"
    db.session.commit()
    assert sweep_invitations(three_days_before - timedelta(days=1)) == 0
    assert sweep_invitations(three_days_before) == 1
    db.session.commit()
    assert sweep_invitations(three_days_before + timedelta(hours=2)) == 0
    db.session.commit()
    deliver(three_days_before)
    reminder = mail_to(smtp, emails(db, [expert_id])[expert_id], subject_has="会议提醒")
    [event] = Calendar.from_ical(calendar_part(reminder).get_payload(decode=True)).walk("VEVENT")
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"


def test_moving_then_cancelling_the_meeting_updates_every_calendar(db, office_api, client, invited, smtp):
    accepted_id, pending_id = (invited["members"][i]["expert_id"] for i in (0, 1))
    addresses = emails(db, [accepted_id, pending_id])
    accepted_path = page_path(mail_to(smtp, addresses[accepted_id]))
    pending_path = page_path(mail_to(smtp, addresses[pending_id]))
    assert post(client, accepted_path, "accept", pledge="y").status_code == 200

    moved = office_api.post(f"/panels/{invited['id']}/reschedule", json={
        "meeting_date": "2027-03-17", "location": "腾讯会议 123-456-789", "reason": "园区材料补充"})
    assert moved.status_code == 200, moved.json
    assert moved.json["meeting_date"] == "2027-03-17"
    assert {b.day for b in db.session.scalars(select(Booking).where(Booking.panel_id == invited["id"]))} == {
        date(2027, 3, 17)}
    deliver()
    for expert_id in (accepted_id, pending_id):
        update = mail_to(smtp, addresses[expert_id], subject_has="会议变更")
        calendar = Calendar.from_ical(calendar_part(update).get_payload(decode=True))
        [event] = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "REQUEST" and int(event["SEQUENCE"]) == 1
        assert event["DTSTART"].dt.astimezone(SHANGHAI).date() == date(2027, 3, 17)
        assert str(event["LOCATION"]) == "腾讯会议 123-456-789"
        assert str(event["UID"]) == f"ecopanel-panel-{invited['id']}-expert-{expert_id}@localhost"
    assert "如尚未答复" not in text_part(mail_to(smtp, addresses[accepted_id], subject_has="会议变更"))
    assert "如尚未答复" in text_part(mail_to(smtp, addresses[pending_id], subject_has="会议变更"))
    assert open_page(client, pending_path).status_code == 200  # still answerable

    cancelled = office_api.post(f"/panels/{invited['id']}/cancel", json={"reason": "园区撤回验收申请"})
    assert cancelled.status_code == 200 and cancelled.json["status"] == "cancelled"
    assert db.session.scalars(select(Booking).where(Booking.panel_id == invited["id"])).all() == []
    deliver()
    for expert_id in (accepted_id, pending_id):
        notice = mail_to(smtp, addresses[expert_id], subject_has="会议取消")
        part = calendar_part(notice)
        assert part.get_param("method") == "CANCEL"
        calendar = Calendar.from_ical(part.get_payload(decode=True))
        [event] = calendar.walk("VEVENT")
        assert str(calendar["METHOD"]) == "CANCEL" and str(event["STATUS"]) == "CANCELLED"
        assert int(event["SEQUENCE"]) == 2
    page = client.get(pending_path)
    assert page.status_code == 410 and "该会议已取消" in page.data.decode()
    assert office_api.post(f"/panels/{invited['id']}/cancel", json={"reason": "again"}).status_code == 409
    assert office_api.post(f"/panels/{invited['id']}/invitations", json={}).status_code == 409


def test_a_move_onto_a_day_a_member_is_booked_elsewhere_is_refused(db, office_api, invited):
    member = invited["members"][0]["expert_id"]
    db.session.add(Booking(expert_id=member, day=date(2027, 3, 24), panel_id=_another_panel(db, office_api, invited)))
    db.session.commit()
    response = office_api.post(f"/panels/{invited['id']}/reschedule", json={"meeting_date": "2027-03-24",
                                                                           "reason": "x"})
    assert response.status_code == 409 and response.json["code"] == "experts_booked"
    assert member in response.json["experts"]
    db.session.expire_all()
    assert db.session.get(Panel, invited["id"]).meeting_date == date(2027, 3, 10)


def _another_panel(db, office_api, invited) -> int:
    from scheduling.models import Park

    park = db.session.get(Park, invited["park_id"])
    other = Park(name="另一园区", province="44", management_agency_id=park.management_agency_id, state="new")
    db.session.add(other)
    db.session.commit()
    drive(other, "under_provincial_review")
    response = office_api.post("/panels", json={"park_id": other.id, "kind": "plan_argumentation",
                                                "meeting_date": "2027-05-12", "size": 3, "alternates": 0})
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_a_seat_given_away_by_staff_voids_the_link_and_the_silence_rule(db, office_api, client, invited, smtp):
    expert_id = invited["members"][4]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    by_phone = office_api.post(f"/panels/{invited['id']}/replacements",
                               json={"expert_id": expert_id, "reason": "电话告知出差"})
    assert by_phone.status_code == 200, by_phone.json
    page = client.get(path)
    assert page.status_code == 410 and "不再需要答复" in page.data.decode()
    deadline = invitation_of(db, expert_id).respond_by
    sweep_invitations(deadline)  # the silence rule must not try to hand the seat over a second time
    db.session.commit()
    assert invitation_of(db, expert_id).status == "cancelled"
    assert member_of(db, invited["id"], expert_id).status == "declined"


def test_the_worker_tick_delivers_the_outbox(app, db, office_api, drawn_panel, smtp, monkeypatch):
    import ecopanel.worker as worker

    invite(office_api, drawn_panel["id"])
    [outbox] = [s for s in worker.registered_sweepers() if s.name == "outbox"]
    assert worker.tick(app, outbox) == 5
    assert len(smtp.arrived) == 5
    assert worker.tick(app, outbox) == 0


def test_deadline_reminders_from_scheduling_go_through_the_outbox(db, smtp, park):
    from ecopanel.auth.services import create_user
    from ground.actor import SYSTEM
    from scheduling import notices

    create_user(SYSTEM, "js-office@example.cn", "province", province="32", password=None)
    db.session.commit()
    context = notices.deadline_context(park, "annual_report", date(2027, 6, 30), 23, False, days_left=7,
                                       reminder=True)
    assert notices.notify(park, "annual_report", context, "deadline:test:7") == "queued"
    assert notices.notify(park, "annual_report", context, "deadline:test:7") == "queued"  # same key: once
    db.session.commit()
    deliver()
    [message] = smtp.messages()
    assert message["To"] == "js-office@example.cn" and "2027年6月30日" in message["Subject"]


def test_a_move_onto_a_day_a_member_is_away_is_refused_with_the_reasons(db, office_api, invited):
    from expert_pool.models import Unavailability

    member = invited["members"][1]["expert_id"]
    db.session.add(Unavailability(expert_id=member, start_date=date(2027, 3, 23), end_date=date(2027, 3, 26),
                                  reason="出国"))
    db.session.commit()
    response = office_api.post(f"/panels/{invited['id']}/reschedule", json={"meeting_date": "2027-03-24",
                                                                           "reason": "x"},
                               headers={"Accept-Language": "en"})
    assert response.status_code == 409 and response.json["code"] == "members_ineligible_on_date"
    assert response.json["experts"] == {str(member): ["unavailable"]}
    assert "replace them first" in response.json["message"]
    db.session.expire_all()
    assert db.session.get(Panel, invited["id"]).meeting_date == date(2027, 3, 10)
    # the day after the absence is fine, and the members' own booking does not count against them
    moved = office_api.post(f"/panels/{invited['id']}/reschedule", json={"meeting_date": "2027-03-29",
                                                                        "reason": "x"})
    assert moved.status_code == 200, moved.json


def test_a_seat_staff_replace_is_handed_over_as_after_a_decline(db, office_api, invited, smtp):
    """POST /panels/{id}/replacements and the expert's decline take the same path: with
    ``auto_invite_replacements`` (the default) the successor is invited at once and the staff digest hears of
    it (before, the staff path left the successor uninvited)."""
    leaving = invited["members"][1]["expert_id"]
    response = office_api.post(f"/panels/{invited['id']}/replacements",
                               json={"expert_id": leaving, "reason": "电话告知出差"})
    assert response.status_code == 200, response.json
    newcomers = [m["expert_id"] for m in response.json["members"]
                 if m["expert_id"] not in {x["expert_id"] for x in invited["members"]}]
    assert len(newcomers) == 1
    [successor] = newcomers
    invitation = invitation_of(db, successor)
    assert invitation is not None and invitation.status == "pending"
    assert member_of(db, invited["id"], successor).status == "invited"
    assert deliver() == 1
    assert mail_to(smtp, emails(db, [successor])[successor])


def test_without_auto_invite_a_seat_staff_replace_waits_for_staff(db, office_api, invited, smtp):
    from panels.models import Panel as PanelRow

    panel = db.session.get(PanelRow, invited["id"])
    panel.rule_set.rules = {**panel.rule_set.rules, "auto_invite_replacements": False}
    db.session.commit()
    leaving = invited["members"][1]["expert_id"]
    response = office_api.post(f"/panels/{invited['id']}/replacements",
                               json={"expert_id": leaving, "reason": "电话告知出差"})
    assert response.status_code == 200, response.json
    [successor] = [m["expert_id"] for m in response.json["members"]
                   if m["expert_id"] not in {x["expert_id"] for x in invited["members"]}]
    assert invitation_of(db, successor) is None
