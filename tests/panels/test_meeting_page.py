"""The meeting's page (/panels/<id>/meeting): the convening authority records the meeting, its attendance and
its conclusion in the browser's forms, through the API's schemas and services; bad input is shown by its field
with nothing stored, a refusal is shown in words, and the conclusion moves the park."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.ecopanel.test_frame_pages import _csrf, sign_in
from tests.panels.test_conclusions import Journey


@pytest.fixture
def park_state():
    return "new"


@pytest.fixture
def clock(app, monkeypatch):
    from tests.panels.test_conclusions import Clock

    c = Clock()
    monkeypatch.setitem(app.config, "CLOCK", c)
    return c


def _post(client, url: str, data: dict, lang: str = "zh"):
    token = _csrf(client.get(url.rsplit("/", 1)[0] + f"?lang={lang}").text)
    return client.post(url, data={**data, "csrf_token": token})


def test_the_office_records_and_concludes_a_verification_in_its_forms(park, pool, db, api_as, clock, client,
                                                                      make_user):
    from tests.panels.conftest import drive

    j = Journey(park, db, api_as, clock)
    clock.set(date(2026, 9, 1))
    drive(park, "awaiting_verification")
    panel = j.draw(j.office, "technical_verification", date(2026, 11, 24), date(2027, 3, 10))
    members = [m["expert_id"] for m in panel["members"]]
    user, _ = make_user("office")
    url = f"/panels/{panel['id']}/meeting"

    def at(day: date, hour: int = 10) -> None:
        """Move the clock; a page session ends after 30 idle minutes of it, so sign in again."""
        clock.set(day, hour)
        client._cookies.clear()  # a new browser session
        sign_in(client, user.email)

    at(date(2026, 11, 24))

    page = client.get(url)
    assert page.status_code == 200
    assert 'data-testid="seats-svg"' in page.text and page.text.count("<circle") == 5
    assert "应到 5 人，出席 0 人，法定人数 4 人" in page.text and "尚不足以作出结论" in page.text
    assert "园区批准建设以来是否发生严重污染环境事件" in page.text  # Art. 17's items, in words

    # one bad field: shown beside it, in the reader's language, nothing stored
    bad = _post(client, f"{url}/record", {"place": "北京", "video_link": "javascript:alert(1)"}, "en")
    assert bad.status_code == 422 and "Not a valid URL" in bad.text and 'data-testid="page-error"' in bad.text
    assert j.office.get(f"/panels/{panel['id']}/meeting").json["place"] == "会议室"
    assert "javascript:alert(1)" in bad.text  # what was typed is shown again, escaped, to be fixed

    # before the meeting day: the attendance is refused in words, not a 500
    at(date(2027, 3, 9))
    early = _post(client, f"{url}/attendance", {"expert_id": str(members[0]), f"status_{members[0]}": "present"})
    assert early.status_code == 409 and "2027年3月10日" in early.text

    at(date(2027, 3, 10), 9)
    record = {"place": "北京市生态环境部会议室", "start_time": "09:00", "opinion": "材料齐全，同意通过。",
              "chair_expert_id": str(members[0]), "checklist_item": [str(n) for n in range(1, 8)],
              **{f"finding_{n}": "met" for n in range(1, 8)}}
    saved = _post(client, f"{url}/record", record)
    assert saved.status_code == 303 and saved.headers["Location"].endswith(f"{url}#record")
    attendance = {"expert_id": [str(e) for e in members],
                  **{f"status_{e}": "present" for e in members[:4]}, f"status_{members[4]}": "absent",
                  f"signed_in_at_{members[0]}": "08:50"}
    assert _post(client, f"{url}/attendance", attendance).status_code == 303
    page = client.get(url).text
    assert "应到 5 人，出席 4 人，法定人数 4 人" in page and "可以作出结论" in page
    assert 'fill="#c62828"' in page and page.count('fill="#2e7d32"') == 4  # one absent, four present

    # the conclusion moves the park
    at(date(2027, 3, 10), 16)
    done = _post(client, f"{url}/conclusion", {"conclusion": "pass", "reasons": "", "date": "2027-03-10"})
    assert done.status_code == 303, done.text
    assert j.state() == "verification_passed"
    page = client.get(url).text
    assert 'data-testid="conclusion-name"' in page and "园区现处于" in page
    assert 'action="/panels/' not in page  # the record is frozen: no more forms
    again = _post(client, f"{url}/conclusion", {"conclusion": "pass"})
    assert again.status_code == 409 and "不能再次作出结论" in again.text


def test_a_province_does_not_reach_the_offices_meeting_page(park, pool, db, api_as, clock, client, make_user):
    from tests.panels.conftest import drive

    j = Journey(park, db, api_as, clock)
    clock.set(date(2026, 9, 1))
    drive(park, "awaiting_verification")
    panel = j.draw(j.office, "technical_verification", date(2026, 11, 24), date(2027, 3, 10))
    user, _ = make_user("province", province=park.province)
    sign_in(client, user.email)
    seen = client.get(f"/panels/{panel['id']}/meeting")
    missing = client.get("/panels/999999999/meeting")
    assert seen.status_code == missing.status_code == 404
    assert re.sub(r"\d+", "", seen.text) == re.sub(r"\d+", "", missing.text)
