"""Planning a wave in a real browser: from the panels list to the form, a refused form (no park) with its
message, the proposal with its calendar picture at 1280 and 390 px (the picture scrolls in its box, the page
does not), then the commit. The window is in November, away from the other convening journeys' days.
Screenshots in tests/browser/artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.convene_fixtures import convene_server, sign_in  # noqa: F401 (a fixture)
from tests.browser.layout import fits, scroll_width

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
PARKS = ("无锡核查测试园区", "常州核查测试园区")


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_office_plans_and_commits_a_wave(browser, convene_server):  # noqa: F811
    server = convene_server
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, "office", "/panels")
    page.get_by_test_id("plan-wave").click()
    page.wait_for_url(f"{server.url}/waves/new")
    page.select_option("#kind", "technical_verification")
    page.fill("#from", "2026-11-16")
    page.fill("#to", "2026-11-27")
    page.fill("#size", "5")
    page.fill("#max_per_day", "1")
    page.get_by_test_id("plan").click()  # no park chosen
    error = page.get_by_test_id("form-error")
    error.wait_for()
    assert "园区" in page.locator("[data-testid=wave-parks]").inner_text()
    assert page.locator(".field-error").count() >= 1
    assert "当前可组建：现场技术核查" in page.get_by_test_id("wave-parks").inner_text()  # what each park's stage calls for
    _shot(page, "wave-form-refused-1280")
    for name in PARKS:
        page.get_by_label(name).check()
    page.get_by_test_id("plan").click()
    page.get_by_test_id("wave-calendar").wait_for()
    assert "待确认方案" in page.get_by_test_id("wave-status").inner_text()
    assert page.get_by_test_id("wave-row").count() == 2
    calendar = page.get_by_test_id("wave-calendar").inner_html()
    assert all(name in calendar for name in PARKS)
    assert "最优值" in page.get_by_test_id("fairness").inner_text()  # the fairness in words (the Office)
    assert scroll_width(page) <= 1280
    _shot(page, "wave-proposal-1280")
    wave_url = page.url
    page.goto(f"{wave_url}?lang=en")  # the English switch: the page's own words in English
    assert page.get_by_test_id("commit").inner_text().startswith("Commit")
    assert "optimum" in page.get_by_test_id("fairness").inner_text()
    _shot(page, "wave-proposal-1280-en")
    page.goto(f"{wave_url}?lang=zh")

    phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                is_mobile=True, has_touch=True)
    small = phone.new_page()
    sign_in(small, server, "office", wave_url.removeprefix(server.url))
    small.get_by_test_id("wave-calendar").wait_for()
    assert fits(small)  # the page does not scroll sideways ...
    box = small.get_by_test_id("wave-calendar-box")
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")  # ... the picture scrolls inside its box
    _shot(small, "wave-proposal-390")
    phone.close()

    # swap a member: keep all but the last of the first meeting's panel and re-plan around them
    first = page.locator("[data-testid=wave-meetings] tbody tr").first
    boxes = first.locator("input[name=lock]")
    park_id = boxes.first.get_attribute("value").split(":")[0]
    kept = [boxes.nth(i).get_attribute("value").split(":")[1] for i in range(boxes.count() - 1)]
    for i in range(boxes.count() - 1):
        boxes.nth(i).check()
    page.get_by_test_id("replan").click()
    page.wait_for_url(lambda url: url != wave_url)
    # the park is drawn again, maybe on another day: its row is found by the park
    again = page.locator("[data-testid=wave-meetings] tbody tr").filter(has=page.get_by_test_id(f"redraw-{park_id}"))
    assert {v.split(":")[1] for v in again.locator("input[name=lock]").evaluate_all(
        "boxes => boxes.map(b => b.value)")} >= set(kept)  # the locked members stay on the park's panel
    _shot(page, "wave-replanned-1280")

    page.get_by_test_id("commit").click()
    page.get_by_test_id("done").wait_for()
    assert "已确认" in page.get_by_test_id("done").inner_text()
    assert "已确认" in page.get_by_test_id("wave-status").inner_text()
    links = page.locator("[data-testid=wave-meetings] a")
    assert links.count() == 2  # each meeting now links to its panel
    _shot(page, "wave-committed-1280")
    links.first.click()
    page.wait_for_url("**/panels/*")
    assert "随批次抽取" in page.content()
    context.close()
