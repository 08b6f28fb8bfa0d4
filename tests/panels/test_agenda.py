"""The staff's calendar of meetings (``/calendar``) and their personal feed, on SQLite and PostgreSQL: who sees
which meeting (a province never another authority's panel before its day, nor another province's at all — not
listed, not counted, not in its feed), the month's filters and counts, the feed parsed with ``icalendar``, its
token (shown once, a new one revokes the old, revoking makes the address 404, audited), and the roles refused."""

from __future__ import annotations

import re
from datetime import date

import pytest
from icalendar import Calendar
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ground.actor import Actor, Role
from ground.audit import AuditEntry
from panels.agenda.services import Filters, kind_counts, visible_meetings
from panels.models import CalendarFeed, Panel, RuleSet
from tests.ecopanel.test_frame_pages import sign_in

TODAY = date(2026, 11, 24)  # the pinned clock's day (tests/panels/conftest.py)
MARCH = (date(2027, 3, 1), date(2027, 3, 31))


@pytest.fixture
def world(db, make_org):
    """Parks P and Q of Jiangsu (32), R of Guangdong (44), and their panels:

    a: P, Jiangsu's own plan argumentation in March 2027 (Jiangsu sees it in full);
    b: Q, the Office's technical verification in March 2027 (before its day: Jiangsu does not see it);
    c: R, Guangdong's own plan argumentation in March 2027 (never Jiangsu's);
    d: P, the Office's acceptance meeting of 10 November 2026, over (Jiangsu sees park, kind and day only);
    e: P, the Office's meeting of 12 November 2026, cancelled (Jiangsu never sees it);
    f: R, the Office's meeting of 11 November 2026, over (Guangdong's park: not Jiangsu's).
    """
    from scheduling.models import Park

    parks = {}
    for key, name, province in (("P", "日历园区甲", "32"), ("Q", "日历园区乙", "32"), ("R", "日历园区丙", "44")):
        park = Park(name=name, province=province, city="某市", state="under_construction",
                    management_agency=make_org(name=f"{name}管委会", type="park_agency", province=province))
        db.session.add(park)
        parks[key] = park
    db.session.flush()
    rule_set = db.session.scalars(select(RuleSet).limit(1)).one()
    specs = {"a": ("P", "32", "plan_argumentation", date(2027, 3, 10), "inviting", "南京市 省厅会议室"),
             "b": ("Q", "office", "technical_verification", date(2027, 3, 12), "drawn", "北京"),
             "c": ("R", "44", "plan_argumentation", date(2027, 3, 15), "confirmed", "广州"),
             "d": ("P", "office", "acceptance_meeting", date(2026, 11, 10), "confirmed", "北京 第二会议室"),
             "e": ("P", "office", "recheck", date(2026, 11, 12), "cancelled", "北京"),
             "f": ("R", "office", "acceptance_meeting", date(2026, 11, 11), "held", "北京")}
    panels = {}
    for key, (park, convener, kind, day, status, place) in specs.items():
        panel = Panel(park_id=parks[park].id, kind=kind, convened_by=convener, meeting_date=day, size=5,
                      alternates=1, rule_set_id=rule_set.id, status=status, location=place)
        db.session.add(panel)
        panels[key] = panel
    db.session.commit()
    return parks, panels


def _actor(role: str, province: str | None = None) -> Actor:
    return Actor(user_id=None, label=f"{role}-test", role=Role(role), province=province)


def _ids(meetings) -> set[int]:
    return {m.panel_id for m in meetings}


def test_who_sees_which_meeting(world):
    _, p = world
    office, jiangsu, guangdong = _actor("office"), _actor("province", "32"), _actor("province", "44")
    year = (date(2026, 11, 1), date(2027, 12, 31))
    assert _ids(visible_meetings(office, *year, TODAY)) == {x.id for x in p.values()}
    seen = visible_meetings(jiangsu, *year, TODAY)
    assert _ids(seen) == {p["a"].id, p["d"].id}
    after = next(m for m in seen if m.panel_id == p["d"].id)
    assert (after.full, after.status, after.location, after.convened_by) == (False, "held", "", "")
    assert _ids(visible_meetings(guangdong, *year, TODAY)) == {p["c"].id, p["f"].id}
    for role in ("park", "expert"):
        assert visible_meetings(_actor(role), *year, TODAY) == []


def test_filters_and_counts(world):
    _, p = world
    office = _actor("office")
    march = visible_meetings(office, *MARCH, TODAY)
    assert kind_counts(march) == [("plan_argumentation", 2), ("technical_verification", 1)]
    assert _ids(visible_meetings(office, *MARCH, TODAY, Filters(kind="plan_argumentation", province="44"))) == \
        {p["c"].id}
    assert _ids(visible_meetings(office, *MARCH, TODAY, Filters(status="drawn"))) == {p["b"].id}
    # a province asking for another province's parks gets nothing (its remit still applies)
    assert visible_meetings(_actor("province", "32"), *MARCH, TODAY, Filters(province="44")) == []
    assert kind_counts(visible_meetings(_actor("province", "32"), *MARCH, TODAY)) == [("plan_argumentation", 1)]


@pytest.fixture
def staff_client(app, make_user):
    def make(role: str = "province", **scope):
        client = app.test_client()
        user, _ = make_user(role, **scope)
        sign_in(client, user.email)
        return client, user
    return make


def _csrf(html: str) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)


def _post(client, path: str):
    return client.post(path, data={"csrf_token": _csrf(client.get("/calendar").text)})


def _section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index("</section>", start)]


def test_the_month_page_shows_a_province_only_its_own(world, staff_client):
    parks, p = world
    client, _ = staff_client("province", province="32")
    html = client.get("/calendar?month=2027-03").text
    assert "2027年3月" in html and 'data-testid="month-grid"' in html
    assert f'data-panel="{p["a"].id}"' in html and f'href="/panels/{p["a"].id}"' in html
    # another authority's panels: no chip, no park name, no count, no id anywhere on the page
    for other in ("b", "c"):
        assert str(p[other].id) not in html
    assert parks["Q"].name not in html and parks["R"].name not in html and "技术核查" not in _section(html, "counts")
    assert "本月共 1 场会议" in _section(html, "counts")
    agenda = _section(html, "agenda")
    assert agenda.count('data-testid="agenda-item"') == 1 and "南京市 省厅会议室" in agenda
    assert 'id="province"' not in html  # a province has one province: no such filter
    november = client.get("/calendar?month=2026-11").text
    assert f'data-panel="{p["d"].id}"' not in november  # after the fact: no link to a panel it may not open
    items = _section(november, "agenda")
    assert parks["P"].name in items and "会议日已过" in items and "北京 第二会议室" not in items
    assert str(p["e"].id) not in november and str(p["f"].id) not in november and parks["R"].name not in november
    assert "本月共 1 场会议" in _section(november, "counts")
    # the month's grid marks the official calendar: National Day, and a make-up workday (Saturday 10 October)
    october = client.get("/calendar?month=2026-10").text
    assert re.search(r'class="[^"]*holiday[^"]*" data-date="2026-10-01"', october)
    assert re.search(r'class="[^"]*makeup[^"]*" data-date="2026-10-10"', october)


def test_the_office_filters_by_province_and_reads_english(world, staff_client):
    parks, _ = world
    client, _ = staff_client("office")
    html = client.get("/calendar?month=2027-03&province=44&lang=en").text
    assert "Calendar of meetings" in html and "2027-03" in html
    assert 'href="/calendar"' in html and "Calendar</a>" in html  # the navigation's entry
    agenda = _section(html, "agenda")
    assert parks["R"].name in agenda and parks["P"].name not in agenda and parks["Q"].name not in agenda
    assert "1 meeting this month" in _section(html, "counts")
    # the navigation links keep the filters; a bad month is this month, not an error
    assert "month=2027-04&amp;province=44" in html and "month=2027-02&amp;province=44" in html
    assert client.get("/calendar?month=2027-13&kind=nonsense").status_code == 200


@pytest.mark.parametrize("role", ["park", "expert"])
def test_park_and_expert_users_get_the_refusal_page(world, staff_client, make_expert, role):
    scope = {"park_id": world[0]["P"].id} if role == "park" else {"expert_id": make_expert().id}
    client, _ = staff_client(role, **scope)
    response = client.get("/calendar")
    assert response.status_code == 403 and response.mimetype == "text/html"
    assert "无权访问" in response.text and 'data-testid="error-page"' in response.text
    assert 'href="/calendar"' not in response.text  # not offered in their navigation


def _feed_url(html: str) -> str:
    return re.search(r'value="http://testserver(/calendar-feeds/[^"]+)"', html).group(1)


def test_the_staff_feed_serves_what_the_page_shows_and_is_revoked(db, world, staff_client, client):
    parks, p = world
    jiangsu, user = staff_client("province", province="32")
    made = _post(jiangsu, "/calendar/feed")
    assert made.status_code == 200 and 'data-testid="feed-url"' in made.text
    url = _feed_url(made.text)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in jiangsu.get("/calendar").text and 'data-testid="feed-live"' in jiangsu.get("/calendar").text
    [stored] = db.session.scalars(select(CalendarFeed).where(CalendarFeed.user_id == user.id)).all()
    assert stored.expert_id is None and token not in stored.token_hash

    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert "METHOD" not in calendar
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    own = events.pop(f"ecopanel-panel-{p['a'].id}-staff@localhost")
    [(after_uid, after)] = events.items()  # the Office's meeting of park P, over: not named by its id
    assert re.fullmatch(r"ecopanel-meeting-[0-9a-f]{32}-staff@localhost", after_uid)
    assert own["DTSTART"].dt.date() == date(2027, 3, 10) and str(own["DTSTART"].dt.tzinfo) == "Asia/Shanghai"
    assert parks["P"].name in str(own["SUMMARY"]) and "南京市" in str(own["LOCATION"])
    assert str(own["URL"]).endswith(f"/panels/{p['a'].id}") and "ATTENDEE" not in own
    assert "LOCATION" not in after and "URL" not in after and "会议日已过" in str(after["DESCRIPTION"])
    body = response.data.decode()
    assert parks["Q"].name not in body and parks["R"].name not in body

    again = _post(jiangsu, "/calendar/feed")  # a new address: the old one stops working
    new_url = _feed_url(again.text)
    assert client.get(url).status_code == 404 and client.get(new_url).status_code == 200
    revoked = _post(jiangsu, "/calendar/feed/revoke")
    assert revoked.status_code == 303 and revoked.headers["Location"].startswith("/calendar")
    assert client.get(new_url).status_code == 404
    assert 'data-testid="feed-none"' in jiangsu.get("/calendar").text
    actions = [a for (a,) in db.session.execute(select(AuditEntry.action).where(
        AuditEntry.action.like("user.calendar_feed%")).order_by(AuditEntry.seq))]
    assert actions == ["user.calendar_feed_issued", "user.calendar_feed_revoked", "user.calendar_feed_issued",
                       "user.calendar_feed_revoked"]


def test_the_offices_feed_has_every_meeting_and_a_cancelled_one_as_cancelled(db, world, staff_client, client):
    _, p = world
    office, user = staff_client("office")
    url = _feed_url(_post(office, "/calendar/feed").text)
    events = {str(e["UID"]): e for e in Calendar.from_ical(client.get(url).data).walk("VEVENT")}
    assert len(events) == 6
    assert str(events[f"ecopanel-panel-{p['e'].id}-staff@localhost"]["STATUS"]) == "CANCELLED"
    user.active = False  # a deactivated account's feed answers as an unknown address
    db.session.commit()
    assert client.get(url).status_code == 404


def test_a_feed_has_exactly_one_owner(db, make_expert, make_user):
    from datetime import UTC, datetime

    user, _ = make_user("office")
    expert = make_expert()
    now = datetime(2026, 11, 24, tzinfo=UTC)
    for owners in ({}, {"user_id": user.id, "expert_id": expert.id}):
        db.session.add(CalendarFeed(token_hash=f"x{len(owners)}" * 8, created_at=now, **owners))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
