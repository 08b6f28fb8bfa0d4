"""The staff's calendar of meetings in a real browser, at 1280 and 390 px: the navigation's entry, the month's grid
around the National Day holidays, the filters (a GET form) and the month navigation, a province seeing only what it
may, the feed made, fetched and revoked, the phone's list instead of the grid, and the refusal for a park user.
Screenshots in tests/browser/artifacts/agenda-*.png."""

from __future__ import annotations

import pytest

from tests.browser.agenda_fixtures import PARKS, agenda_server_fixture, shot, sign_in  # noqa: F401 (a fixture)
from tests.browser.layout import scroll_width

pytestmark = pytest.mark.browser


def test_the_office_reads_the_month_filters_and_moves_between_months(desktop, agenda_server):
    base = agenda_server.url
    sign_in(desktop, base, "office")
    desktop.locator("nav.main-nav").get_by_role("link", name="会议日历").click()
    desktop.wait_for_url(f"{base}/calendar")
    assert desktop.get_by_test_id("month").inner_text() == "2026年10月"
    grid = desktop.get_by_test_id("month-grid")
    assert grid.locator("a[data-testid=chip]").count() == 8  # every October meeting, each a link to its panel
    assert "国庆节" in grid.locator("td[data-date='2026-10-01']").inner_text()
    assert "调休上班" in grid.locator("td[data-date='2026-10-10']").inner_text() or \
        "makeup" in grid.locator("td[data-date='2026-10-10']").get_attribute("class")
    assert "本月共 8 场会议" in desktop.get_by_test_id("counts").inner_text()
    shot(desktop, "office-1280-zh")

    desktop.select_option("#province", value="44")
    desktop.select_option("#status", value="drawn")
    desktop.get_by_test_id("apply").click()
    desktop.wait_for_load_state()
    assert "province=44" in desktop.url and "status=drawn" in desktop.url
    items = desktop.get_by_test_id("agenda-item")
    assert items.count() == 1 and "深圳坪山高新区" in items.first.inner_text()
    desktop.get_by_test_id("next-month").click()
    desktop.wait_for_load_state()
    assert desktop.get_by_test_id("month").inner_text() == "2026年11月" and "province=44" in desktop.url
    assert desktop.get_by_test_id("no-meetings").is_visible()  # Jiangsu's November meeting is filtered out
    desktop.goto(f"{base}/calendar?month=2026-10&lang=en")
    assert desktop.locator("h1").inner_text() == "Calendar of meetings"
    assert "8 meetings this month" in desktop.get_by_test_id("counts").inner_text()
    desktop.get_by_test_id("chip").first.click()
    desktop.wait_for_load_state()
    assert "/panels/" in desktop.url and desktop.get_by_test_id("error-page").count() == 0
    desktop.goto(f"{base}/calendar?month=2026-10&lang=en")
    shot(desktop, "office-1280-en")
    desktop.goto(f"{base}/calendar?lang=zh")


def test_a_province_sees_its_own_and_keeps_a_feed(desktop, agenda_server):
    base = agenda_server.url
    sign_in(desktop, base, "province")
    desktop.goto(f"{base}/calendar")
    text = desktop.locator("main").inner_text()
    for name, province in PARKS:
        if province == "44":
            assert name not in text  # another province's parks: nothing at all
    assert "无锡高新技术产业开发区" not in desktop.get_by_test_id("month-grid").inner_text()  # the Office's, ahead
    after = desktop.get_by_test_id("month-grid").locator("td[data-date='2026-10-09'] .chip")
    assert after.count() == 1 and "会议日已过" in after.inner_text()  # the Office's, over: park, kind, day
    assert desktop.get_by_test_id("month-grid").locator("a[data-testid=chip]").count() == 3
    assert "本月共 4 场会议" in desktop.get_by_test_id("counts").inner_text()
    desktop.get_by_test_id("feed-issue").click()
    desktop.wait_for_load_state()
    url = desktop.get_by_test_id("feed-url").input_value()
    assert url.startswith(f"{base}/calendar-feeds/")
    shot(desktop, "province-1280-zh-feed")
    feed = desktop.request.get(url)
    assert feed.status == 200 and feed.headers["content-type"].startswith("text/calendar")
    body = feed.text()
    assert "苏州工业园区" in body and "广州经济技术开发区" not in body and "深圳坪山高新区" not in body
    desktop.get_by_test_id("feed-revoke").click()
    desktop.wait_for_load_state()
    assert desktop.get_by_test_id("done").is_visible() and desktop.get_by_test_id("feed-none").is_visible()
    assert desktop.request.get(url).status == 404


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_on_a_phone_the_grid_becomes_the_list(phone, agenda_server, lang):
    base = agenda_server.url
    sign_in(phone, base, "office", lang)
    phone.locator("details.menu > summary").click()
    menu = phone.locator("details.menu nav")
    assert menu.get_by_role("link").count() == 6
    menu.get_by_role("link", name="会议日历" if lang == "zh" else "Calendar").click()
    phone.wait_for_url(f"{base}/calendar")
    assert phone.get_by_test_id("month-grid").is_hidden()
    assert phone.get_by_test_id("agenda-item").count() == 8 and phone.get_by_test_id("agenda-item").first.is_visible()
    assert scroll_width(phone) <= 390
    shot(phone, f"office-390-{lang}")
    phone.get_by_test_id("feed-issue").click()
    phone.wait_for_load_state()
    assert phone.get_by_test_id("feed-url").is_visible() and scroll_width(phone) <= 390
    phone.get_by_test_id("feed-revoke").click()
    phone.wait_for_load_state()


@pytest.mark.parametrize("role", ["park", "expert"])
def test_a_park_or_an_expert_gets_the_refusal_page(desktop, agenda_server, role):
    base = agenda_server.url
    sign_in(desktop, base, role)
    assert desktop.locator("nav.main-nav").get_by_role("link", name="会议日历").count() == 0
    response = desktop.goto(f"{base}/calendar")
    assert response.status == 403
    assert desktop.get_by_test_id("error-page").locator("h1").inner_text() == "无权访问"
    shot(desktop, f"refused-{role}-1280-zh")
