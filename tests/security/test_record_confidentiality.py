"""Red-team findings 7 and 8 (SQLite and PostgreSQL): what the experts' record (ratings, conduct, credit) and the
staff calendar feed must not tell a province about other authorities' panels.

7. ``GET /experts/{id}/history`` listed every audit entry filed under the expert, and the record files its
   entries there: the Office's ratings of its panel's members (panel id, scores, comment, who rated), the
   conduct derived from a confidential panel's invitations (an unexcused decline, before the meeting), no-shows
   and credit proposals. A province reads the whole pool, so it learnt who sat on (or was invited to) the
   Office's and other provinces' panels, and the credit that only the Office and the expert may see.
"""

from __future__ import annotations

import io
import json
import re
from datetime import date

import openpyxl
import pytest
from icalendar import Calendar
from sqlalchemy import select

from ground.clock import SHANGHAI
from panels.models import Invitation
from panels.record.credit import sweep_credit
from panels.seats.answers import accept_invitation
from panels.seats.sweep import sweep_invitations
from tests.notifications.conftest import smtp  # noqa: F401 - fixture
from tests.panels.conftest import park, park_state, pinned_clock, pool  # noqa: F401 - fixtures
from tests.panels.test_agenda import _feed_url, _post, staff_client, world  # noqa: F401 - fixtures
from tests.panels.test_conclusions import Clock, Journey
from tests.panels.test_record import signed_in

MEETING = date(2027, 1, 20)
RECORD_ACTIONS = ("panel.", "conduct.", "credit.")


@pytest.fixture
def clock(app, monkeypatch):
    c = Clock()
    monkeypatch.setitem(app.config, "CLOCK", c)
    return c


def _history(api, expert_id: int) -> list[dict]:
    response = api.get(f"/experts/{expert_id}/history")
    assert response.status_code == 200, response.json
    return response.json["changes"]


def test_only_the_office_reads_the_record_in_an_experts_history(db, park, pool, api_as, clock):  # noqa: F811
    j = Journey(park, db, api_as, clock)
    # Silence once counts (so that a short test shows a record derived before the meeting).
    assert j.office.post("/credit-rules", json={"rules": {"unexcused_declines": {"count": 1}}}).status_code == 201
    panel = j.draw(j.office, "acceptance_meeting", date(2027, 1, 4), MEETING)  # the Office's, confidential
    members = [m["expert_id"] for m in panel["members"]]
    clock.set(date(2027, 1, 5))
    assert j.office.post(f"/panels/{panel['id']}/invitations", json={}).status_code == 201
    db.session.expire_all()
    silent = next(m["expert_id"] for m in reversed(panel["members"]) if not m["is_chair"])
    invitations = {i.expert_id: i for i in db.session.scalars(select(Invitation))}
    for expert_id in (m for m in members if m != silent):
        accept_invitation(invitations[expert_id], pledge=True, now=clock.set(date(2027, 1, 6)))
    db.session.commit()
    invitation = invitations[silent]
    sweep_invitations(clock.set(invitation.respond_by.astimezone(SHANGHAI).date(), 23))
    db.session.commit()
    sweep_credit(clock.now)
    db.session.commit()
    assert clock.now.astimezone(SHANGHAI).date() < MEETING

    guangdong = api_as("province", province="44", password=None)  # reads the whole pool, masked
    jiangsu = api_as("province", province=park.province, password=None)  # the park's own province
    office_sees = [c["action"] for c in _history(j.office, silent)]
    assert "conduct.derived" in office_sees  # the silence, derived before the meeting
    for province in (guangdong, jiangsu):
        before = _history(province, silent)
        assert [c["action"] for c in before if c["action"].startswith(RECORD_ACTIONS)] == []
        assert str(panel["id"]) not in json.dumps(before)

    # After the meeting: a no-show, the Office's rating of a member who came.
    meeting = j.meet(j.office, panel, absent=1)
    absent = meeting["members"][-1]["expert_id"]
    came = meeting["members"][0]["expert_id"]
    clock.set(MEETING, 17)
    rated = j.office.post(f"/panels/{panel['id']}/ratings", json={
        "expert_id": came, "competence": 10, "discipline": 10, "integrity": 10, "comment": "准备不足，敷衍了事"})
    assert rated.status_code == 201, rated.json
    sweep_credit(clock.set(MEETING, 18))
    db.session.commit()
    assert {"panel.rating", "credit.proposed"} <= {c["action"] for c in _history(j.office, came)}
    assert "conduct.derived" in {c["action"] for c in _history(j.office, absent)}
    for province in (guangdong, jiangsu):
        for expert_id in (came, absent, silent):
            seen = _history(province, expert_id)
            assert [c["action"] for c in seen if c["action"].startswith(RECORD_ACTIONS)] == []
            body = json.dumps(seen, ensure_ascii=False)
            assert str(panel["id"]) not in body and "敷衍了事" not in body

    # The expert reads their own credit without panel ids or who rated (GET /experts/{id}/credit): their
    # history does not give them back either.
    own = api_as("expert", expert_id=came, password=None)
    mine = json.dumps(_history(own, came), ensure_ascii=False)
    assert str(panel["id"]) not in mine and "panel.rating" not in mine and "credit.proposed" not in mine


def test_the_staff_feed_names_no_panel_of_another_authority(world, staff_client, client):  # noqa: F811
    parks, p = world
    jiangsu, _ = staff_client("province", province="32")
    url = _feed_url(_post(jiangsu, "/calendar/feed").text)
    body = client.get(url).data
    events = {str(e["UID"]): e for e in Calendar.from_ical(body).walk("VEVENT")}
    assert f"ecopanel-panel-{p['a'].id}-staff@localhost" in events  # its own panel, by its id
    [after] = [e for uid, e in events.items() if parks["P"].name in str(e["SUMMARY"]) and "会议日已过" in
               str(e["DESCRIPTION"])]  # the Office's meeting of its park, after the day
    assert not re.search(rf"\b{p['d'].id}\b", body.decode())  # its id nowhere in the feed
    again = {str(e["UID"]) for e in Calendar.from_ical(client.get(url).data).walk("VEVENT")}
    assert str(after["UID"]) in again  # the entry's UID is stable, so calendar clients keep one entry
    office, _ = staff_client("office")
    office_feed = client.get(_feed_url(_post(office, "/calendar/feed").text)).data.decode()
    assert f"ecopanel-panel-{p['d'].id}-staff@localhost" in office_feed  # the Office's own panel, by its id


@pytest.mark.parametrize("park_state", ["under_provincial_review"])  # calls for the province's own panel
def test_a_provinces_invitation_preview_masks_a_mobile_inside_an_address(db, app, park, pool, api_as, clock,  # noqa: F811
                                                                         make_user):
    from expert_pool.models import Expert

    for expert in db.session.scalars(select(Expert)):
        expert.email = f"{expert.mobile}@139.com"  # China Mobile's mail: the address is the mobile
    db.session.commit()
    j = Journey(park, db, api_as, clock)
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 4), MEETING)
    mobiles = {e.mobile for e in db.session.scalars(select(Expert))}
    member = panel["members"][0]["expert_id"]
    preview = j.province.get(f"/panels/{panel['id']}/invitations/preview?expert_id={member}")
    assert preview.status_code == 200, preview.json
    assert preview.json["to"][0].endswith("@139.com") and "****" in preview.json["to"][0]
    assert "ATTENDEE" in preview.json["calendar"]
    page = signed_in(app, make_user("province", province=park.province)[0], clock.now).get(
        f"/panels/{panel['id']}/invite")
    assert page.status_code == 200
    for body in (json.dumps(preview.json), preview.json["calendar"].replace("\r\n ", ""), page.text):
        assert not [m for m in mobiles if m in body]
    office = j.office.get(f"/panels/{panel['id']}/invitations/preview?expert_id={member}").json
    assert office["to"][0] in {f"{m}@139.com" for m in mobiles}  # the Office sees the pool unmasked


@pytest.mark.parametrize("park_state", ["under_provincial_review"])
def test_a_refused_address_in_the_mail_history_is_masked_for_a_province(db, park, pool, api_as, clock,  # noqa: F811
                                                                        smtp):  # noqa: F811
    from expert_pool.models import Expert
    from notifications.delivery import send_due

    for expert in db.session.scalars(select(Expert)):
        expert.email = f"{expert.mobile}@139.com"
    db.session.commit()

    async def refuse(server, session, envelope, address, rcpt_options):  # as a mail server refuses a mailbox
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"

    smtp.sink.handle_RCPT = refuse
    j = Journey(park, db, api_as, clock)
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 4), MEETING)
    clock.set(date(2027, 1, 5))
    assert j.province.post(f"/panels/{panel['id']}/invitations", json={}).status_code == 201
    assert send_due(clock.now) == 5
    mobiles = {e.mobile for e in db.session.scalars(select(Expert))}
    office = j.office.get(f"/panels/{panel['id']}/invitations").json
    dead = [h for i in office["items"] for h in i["history"] if h["event"] == "mail_dead"]
    assert len(dead) == 5 and any(m in dead[0]["detail"]["error"] for m in mobiles)  # the Office: as it came
    seen = j.province.get(f"/panels/{panel['id']}/invitations").json
    errors = [h["detail"]["error"] for i in seen["items"] for h in i["history"] if h["event"] == "mail_dead"]
    assert len(errors) == 5 and all("Recipient address rejected" in e and "****" in e for e in errors)
    assert not [m for m in mobiles if m in json.dumps(seen)]


@pytest.mark.parametrize("park_state", ["under_provincial_review"])
def test_a_province_lists_only_the_rule_sets_it_draws_with_or_its_panels_used(db, park, pool, api_as,  # noqa: F811
                                                                             clock):
    j = Journey(park, db, api_as, clock)
    relaxed = j.office.post("/rule-sets", json={  # as the Office's relaxation of an infeasible draw makes one
        "name": "default-technical_verification.relaxed", "kind": "technical_verification",
        "description": "default-technical_verification v1: specialty:soil_remediation min 1", "rules": {}})
    assert relaxed.status_code == 201, relaxed.json
    strict = j.office.post("/rule-sets", json={"name": "strict-plan", "kind": "plan_argumentation",
                                               "rules": {"max_per_organization": 1}})
    assert strict.status_code == 201, strict.json
    clock.set(date(2027, 1, 4))
    # The Office convenes the province's plan argumentation in its name, under a set of its choosing.
    panel = j.office.post("/panels", json={"park_id": park.id, "kind": "plan_argumentation", "size": 5,
                                           "meeting_date": MEETING.isoformat(), "alternates": 1,
                                           "rule_set": "strict-plan"})
    assert panel.status_code == 201 and panel.json["convened_by"] == park.province, panel.json
    names = {s["name"] for s in j.office.get("/rule-sets").json}
    assert {"default-technical_verification.relaxed", "strict-plan"} <= names
    jiangsu = {s["name"] for s in j.province.get("/rule-sets").json}
    guangdong = {s["name"] for s in api_as("province", province="44", password=None).get("/rule-sets").json}
    defaults = {s["name"] for s in j.office.get("/rule-sets").json if s["is_default"]}
    assert defaults <= jiangsu and defaults <= guangdong  # the sets a province draws with
    assert "strict-plan" in jiangsu and "strict-plan" not in guangdong  # its own panel's set, not another's
    assert "default-technical_verification.relaxed" not in jiangsu | guangdong


@pytest.mark.parametrize("park_state", ["under_provincial_review"])
def test_the_fee_sheet_masks_a_number_inside_a_city_for_a_province(db, park, pool, api_as, clock):  # noqa: F811
    from expert_pool.models import Expert

    for expert in db.session.scalars(select(Expert)):
        expert.city = f"南京 {expert.mobile}"  # a mobile written beside the city
    db.session.commit()
    j = Journey(park, db, api_as, clock)
    panel = j.draw(j.province, "plan_argumentation", date(2027, 1, 4), MEETING)
    j.meet(j.province, panel)
    mobiles = {e.mobile for e in db.session.scalars(select(Expert))}

    def cities(api) -> list[str]:
        response = api.get(f"/panels/{panel['id']}/fee-sheet.xlsx")
        assert response.status_code == 200
        rows = list(openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
        column = rows[0].index("所在城市")
        return [r[column] for r in rows[1:-1]]

    seen = cities(j.province)
    assert len(seen) == 5 and all(c.startswith("南京 ") and "****" in c for c in seen)
    assert not [m for m in mobiles if any(m in c for c in seen)]
    assert all(c.split()[1] in mobiles for c in cities(j.office))  # the Office reads the pool unmasked
