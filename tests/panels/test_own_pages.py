"""The experts' and the parks' own pages through the test client: the calm answered link, ``/me`` (contact,
unavailability, conflicts, upcoming and past panels), the calendar feed, and what a park user sees."""

from __future__ import annotations

import hashlib
import re
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select

from expert_pool.models import ConflictDeclaration, Expert, Unavailability
from ground import clock
from ground.audit import AuditEntry
from notifications.delivery import send_due
from panels.models import CalendarFeed, Invitation
from tests.ecopanel.test_frame_pages import sign_in
from tests.notifications.conftest import page_path
from tests.panels.test_seats import emails, invite, mail_to, post


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


@pytest.fixture
def expert_client(app, make_user):
    """A browser signed in as the given expert (a client of its own: the API fixtures share ``client``)."""

    def make(expert_id: int):
        client = app.test_client()
        user, _ = make_user("expert", expert_id=expert_id)
        sign_in(client, user.email)
        return client

    return make


def form(client, path: str, **data):
    token = _csrf(client.get("/me").text)
    return client.post(path, data={"csrf_token": token, **data})


@pytest.fixture
def accepted(db, client, office_api, drawn_panel, smtp):
    """The first member invited and accepted through the mailed link; returns (panel, expert id, link path)."""
    invite(office_api, drawn_panel["id"])
    send_due(clock.now())
    expert_id = drawn_panel["members"][0]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    assert post(client, path, "accept", pledge="y").status_code == 200
    return drawn_panel, expert_id, path


def test_a_declined_link_opened_again_says_so_calmly_and_whom_to_call(db, client, office_api, drawn_panel, smtp):
    invite(office_api, drawn_panel["id"])
    send_due(clock.now())
    expert_id = drawn_panel["members"][1]["expert_id"]
    path = page_path(mail_to(smtp, emails(db, [expert_id])[expert_id]))
    assert post(client, path, "decline", reason="schedule").status_code == 200
    again = client.get(path)
    assert again.status_code == 200
    html = again.text
    assert "您已谢绝该邀请" in html and "需要更改答复" in html and 'data-testid="contact"' in html
    assert "生态工业园区建设领导小组办公室" in html  # the Office convened it: whom to call
    assert 'name="pledge"' not in html and "/decline" not in html  # nothing to press any more


def test_me_lists_upcoming_panels_without_the_other_members(db, accepted, expert_client):
    panel, expert_id, _ = accepted
    me = expert_client(expert_id)
    html = me.get("/me").text
    upcoming = html[html.index('data-testid="upcoming"'):]
    upcoming = upcoming[:upcoming.index("</ul>")]
    assert "苏州工业园区" in upcoming and "2027-03-10" in upcoming and "已接受" in upcoming
    others = [db.session.get(Expert, m["expert_id"]).name for m in panel["members"][1:]]
    # membership is confidential (whole names: 池专家3 is in the reader's own 池专家35)
    assert not [name for name in others if re.search(re.escape(name) + r"(?!\d)", html)]
    assert "以往的评审" in html and 'data-testid="past"' not in html  # nothing past yet


def test_the_calendar_feed_serves_the_accepted_meeting_and_can_be_revoked(db, app, client, accepted, expert_client):
    panel, expert_id, _ = accepted
    me = expert_client(expert_id)
    assert client.get("/calendar-feeds/nothing-here.ics").status_code == 404
    made = form(me, "/me/calendar-feed")
    assert made.status_code == 200
    url = re.search(r'data-testid="feed-url"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*data-testid="feed-url"', made.text)
    url = next(g for g in url.groups() if g)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    stored = db.session.scalars(select(CalendarFeed).where(CalendarFeed.expert_id == expert_id)).all()
    assert [f.token_hash for f in stored] == [hashlib.sha256(token.encode()).hexdigest()]  # the hash only

    response = client.get(url.removeprefix("http://testserver"))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Referrer-Policy"] == "no-referrer" and "no-store" in response.headers["Cache-Control"]
    calendar = Calendar.from_ical(response.data)
    assert "METHOD" not in calendar  # a subscription, not an iTIP request
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].dt.date() == date(2027, 3, 10) and str(event["DTSTART"].dt.tzinfo) == "Asia/Shanghai"
    assert str(event["UID"]) == f"ecopanel-panel-{panel['id']}-expert-{expert_id}@localhost"
    assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED" and "苏州工业园区" in str(event["SUMMARY"])
    assert "北京市西城区" in str(event["LOCATION"])

    page = me.get("/me").text
    assert 'data-testid="feed-live"' in page and token not in page  # never shown again
    again = form(me, "/me/calendar-feed")  # a new address: the old one stops working
    new_url = re.search(r'value="(http://testserver/calendar-feeds/[^"]+)"', again.text).group(1)
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert client.get(new_url.removeprefix("http://testserver")).status_code == 200
    assert form(me, "/me/calendar-feed/revoke").status_code == 303
    assert client.get(new_url.removeprefix("http://testserver")).status_code == 404
    actions = [a for (a,) in db.session.execute(select(AuditEntry.action).where(
        AuditEntry.action.like("expert.calendar_feed%")).order_by(AuditEntry.seq))]
    assert actions == ["expert.calendar_feed_issued", "expert.calendar_feed_revoked", "expert.calendar_feed_issued",
                       "expert.calendar_feed_revoked"]


def test_a_cancelled_meeting_leaves_the_feed(db, accepted, expert_client, office_api, client):
    panel, expert_id, _ = accepted
    me = expert_client(expert_id)
    url = re.search(r'value="(http://testserver/calendar-feeds/[^"]+)"', form(me, "/me/calendar-feed").text).group(1)
    assert office_api.post(f"/panels/{panel['id']}/cancel", json={"reason": "场地变更"}).status_code == 200
    calendar = Calendar.from_ical(client.get(url.removeprefix("http://testserver")).data)
    assert calendar.walk("VEVENT") == []


def test_an_expert_keeps_availability_and_conflicts_on_me(db, make_expert, make_org, expert_client, api_as):
    expert = make_expert(name="王五", status="active")
    other = make_expert(name="赵六", status="active")
    me = expert_client(expert.id)
    bad = form(me, "/me/unavailability", start_date="2027-02-10", end_date="2027-02-01")
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    assert form(me, "/me/unavailability", start_date="2027-02-01", end_date="2027-02-10",
                reason="出国").status_code == 303
    html = me.get("/me?saved=unavailability").text
    assert "2027-02-01 – 2027-02-10" in html and "出国" in html and "不可参会时段已登记" in html
    [period] = db.session.scalars(select(Unavailability).where(Unavailability.expert_id == expert.id)).all()

    theirs = Unavailability(expert_id=other.id, start_date=date(2027, 1, 1), end_date=date(2027, 1, 2))
    db.session.add(theirs)
    db.session.commit()
    assert form(me, f"/me/unavailability/{theirs.id}/remove").status_code == 404  # another expert's period
    assert form(me, f"/me/unavailability/{period.id}/remove").status_code == 303
    db.session.expire_all()
    assert db.session.scalars(select(Unavailability).where(Unavailability.expert_id == expert.id)).all() == []
    assert db.session.get(Unavailability, theirs.id) is not None

    org = make_org(name="南京某设计院", province="32")
    db.session.commit()
    assert form(me, "/me/conflicts", relation="former_employment", organization_id=str(org.id),
                note="2023 年离职").status_code == 303
    [conflict] = db.session.scalars(select(ConflictDeclaration).where(ConflictDeclaration.expert_id == expert.id))
    assert (conflict.source, conflict.organization_id) == ("self", org.id)
    assert "南京某设计院" in me.get("/me").text
    assert form(me, "/me/conflicts", relation="relative").status_code == 422  # neither park nor organisation

    # the API's DELETE: the expert on its own period; a province on an expert it did not contribute: refused
    api = api_as("expert", expert_id=expert.id)
    again = api.post(f"/experts/{expert.id}/unavailability", json={"start_date": "2027-05-01",
                                                                    "end_date": "2027-05-02"}).json
    assert api_as("province", province="44").client.delete(
        f"/api/v1/experts/{expert.id}/unavailability/{again['id']}",
        headers={"Authorization": f"Bearer {api_as('province', province='44').token}"}).status_code == 403
    assert api.client.delete(f"/api/v1/experts/{expert.id}/unavailability/{again['id']}",
                             headers={"Authorization": f"Bearer {api.token}"}).status_code == 204
    assert api.client.delete(f"/api/v1/experts/{expert.id}/unavailability/{again['id']}",
                             headers={"Authorization": f"Bearer {api.token}"}).status_code == 404


def test_an_expert_edits_contact_details_and_language_and_confirms(db, make_expert, expert_client):
    expert = make_expert(name="钱七", status="active")
    me = expert_client(expert.id)
    bad = form(me, "/me/contact", email="not-an-email", mobile=expert.mobile, language="zh")
    assert bad.status_code == 422 and 'aria-invalid="true"' in bad.text
    assert form(me, "/me/contact", email="qian7@example.cn", mobile="13912345678", language="en").status_code == 303
    db.session.expire_all()
    stored = db.session.get(Expert, expert.id)
    assert (stored.email, stored.mobile, stored.language) == ("qian7@example.cn", "13912345678", "en")
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "expert.update")).all()[-1]
    assert "13912345678" not in str(entry.data)  # the audit keeps the mobile masked
    stored.data_confirmed_on = None
    db.session.commit()
    assert form(me, "/me/confirm").status_code == 303
    db.session.expire_all()
    assert db.session.get(Expert, expert.id).data_confirmed_on is not None


def test_a_park_user_sees_next_steps_and_never_the_experts_names(db, app, park, drawn_panel, make_user, office_api,
                                                                   smtp):
    invite(office_api, drawn_panel["id"])  # drawn and invited, the meeting ahead
    assert len(db.session.scalars(select(Invitation)).all()) == 5
    user, token = make_user("park", park_id=park.id)
    browser = app.test_client()
    sign_in(browser, user.email)
    html = browser.get(f"/parks/{park.id}").text
    assert 'data-testid="next-steps"' in html and "您接下来要做的事" in html
    names = [db.session.get(Expert, m["expert_id"]).name for m in drawn_panel["members"] + drawn_panel["alternates"]]
    assert not [n for n in names if n in html]
    timeline = app.test_client().get(f"/api/v1/parks/{park.id}/timeline", headers={"Authorization": f"Bearer {token}"})
    assert timeline.status_code == 200 and not [n for n in names if n in timeline.text]
    assert app.test_client().get(f"/api/v1/panels/{drawn_panel['id']}",
                                 headers={"Authorization": f"Bearer {token}"}).status_code in (403, 404)


def test_after_the_meeting_the_panel_moves_to_past_and_the_page_reads_in_english(db, app, accepted, expert_client,
                                                                               monkeypatch):
    from tests.scheduling.conftest import at

    _, expert_id, _ = accepted
    monkeypatch.setitem(app.config, "CLOCK", lambda: at(date(2027, 3, 11)))  # the day after the meeting
    me = expert_client(expert_id)
    html = me.get("/me?lang=en").text
    assert 'data-testid="upcoming"' not in html and "No upcoming panels" in html
    past = html[html.index('data-testid="past"'):]
    assert "Acceptance meeting" in past[:past.index("</ul>")] and "2027-03-10" in past
    assert "Calendar feed" in html and "When I cannot sit" in html and "Conflicts of interest I declared" in html


def test_the_contact_api_lets_the_expert_and_its_editor_only(db, make_expert, api_as):
    expert = make_expert(contributed_by="32", province="32", status="active")
    body = {"email": "new-address@example.cn", "mobile": "13900001111", "language": "en"}
    refused = api_as("province", province="44").put(f"/experts/{expert.id}/contact", json=body)
    assert refused.status_code == 403
    other = make_expert(status="active")
    assert api_as("expert", expert_id=other.id).put(f"/experts/{expert.id}/contact", json=body).status_code in (403, 404)
    done = api_as("expert", expert_id=expert.id).put(f"/experts/{expert.id}/contact", json=body)
    assert done.status_code == 200 and done.json["email"] == "new-address@example.cn" and done.json["language"] == "en"
    bad = api_as("province", province="32").put(f"/experts/{expert.id}/contact", json={**body, "language": "fr"})
    assert bad.status_code == 422 and "language" in bad.json["errors"]


def test_an_accepted_seat_released_by_staff_reads_so_on_the_link(db, client, office_api, accepted, expert_client):
    panel, expert_id, path = accepted
    assert "您已接受该邀请" in client.get(path).text
    by_phone = office_api.post(f"/panels/{panel['id']}/replacements", json={"expert_id": expert_id,
                                                                             "reason": "电话告知出差"})
    assert by_phone.status_code == 200, by_phone.json
    again = client.get(path)
    assert again.status_code == 200 and "您不再是该评审组成员" in again.text and "您已接受该邀请" not in again.text
    assert 'data-testid="contact"' in again.text
    assert 'data-testid="released"' in expert_client(expert_id).get("/me").text
