"""The park pages in a real browser: a park from application through notice to approval by its buttons, as
the park, the province and the Office would; refusals in words; the public list; the phone layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.browser.layout import fits
from tests.browser.park_fixtures import park_server, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _rows(page) -> int:
    return page.locator("[data-testid=timeline-svg] [data-testid=timeline-row]").count()


def _act(page, action: str) -> None:
    """Open the action's form if it is folded, and take it with its button."""
    box = page.get_by_test_id(f"action-{action}")
    if box.get_attribute("open") is None:
        box.locator(":scope > summary").click()
    box.locator(":scope > form > button[type=submit]").click()


def _svg_text(page) -> str:
    return page.get_by_test_id("timeline-svg").text_content()


def test_a_park_goes_from_application_through_notice_to_approval(browser, park_server):  # noqa: F811
    server = park_server
    server.clock.day = date(2026, 3, 2)
    path = f"/parks/{server.parks['journey']}"
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()

    # the park applies: its materials are cited for it, the picture gains the step
    sign_in(page, server, "park", path)
    assert page.get_by_test_id("park-state").inner_text() == "尚未申请"
    before = _rows(page)
    assert "提交创建申请" in page.get_by_test_id("actions").inner_text()
    _act(page, "submit_application")
    page.get_by_test_id("done").filter(has_text="提交创建申请").wait_for()
    assert page.get_by_test_id("park-state").inner_text() == "已提交创建申请"
    assert _rows(page) == before + 1 and "提交创建申请" in _svg_text(page)
    assert "第9条" in _svg_text(page)
    assert page.get_by_test_id("no-actions").count() == 0 or "withdraw" not in page.content()
    _shot(page, "park-applied-park-1280-zh")
    context.close()

    # the province reviews, argues the plan and publishes the notice, each by its button
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, "province", path)
    rows = _rows(page)
    _act(page, "start_provincial_review")
    page.get_by_test_id("park-state").filter(has_text="省级审核中").wait_for()
    assert _rows(page) >= rows + 1
    # the plan's argumentation is the panel's to conclude: no button, the reason in words
    assert page.get_by_test_id("action-pass_plan_argumentation").count() == 0
    assert "评审组的会议结论" in page.get_by_test_id("blocked").inner_text()
    with server.app.app_context():  # the panel concluded (its own journey: tests/panels/test_conclusions.py)
        from ground.extensions import db
        from scheduling.services import transition_park
        from tests.browser.park_fixtures import _actors

        transition_park(_actors(server.parks["journey"])["office"], server.parks["journey"],
                        {"action": "pass_plan_argumentation", "date": date(2026, 3, 2),
                         "panel_override_reason": "评审组结论在系统外记录"}, server.clock())
        db.session.commit()
    page.reload()
    page.get_by_test_id("park-state").filter(has_text="建设规划已论证").wait_for()
    rows = _rows(page)
    _act(page, "publish_public_notice")
    page.get_by_test_id("park-state").filter(has_text="公示中").wait_for()
    assert _rows(page) >= rows + 1
    svg = _svg_text(page)
    assert "发布创建公示" in svg and "创建公示截止" in svg  # the step, and the notice's last day ahead
    assert "2026-03-06" in svg

    # approving is refused while the notice runs: the lifecycle's reason, in words, with its article
    blocked = page.get_by_test_id("blocked").inner_text()
    assert "批准开展创建" in blocked and "公示期至 2026年3月6日 结束" in blocked and "第10条" in blocked
    assert page.get_by_test_id("action-approve_construction").count() == 0
    _shot(page, "park-in-notice-province-1280-zh")

    # after the notice the button is there, and the approval is drawn
    server.clock.day = date(2026, 3, 9)  # a week on: the session has timed out on the moved clock
    sign_in(page, server, "province", path)
    rows = _rows(page)
    _act(page, "approve_construction")
    page.get_by_test_id("park-state").filter(has_text="建设中").wait_for()
    svg = _svg_text(page)
    assert "批准开展创建" in svg and "建设期届满" in svg  # the step, and the 3-year period ahead
    assert _rows(page) >= rows + 1
    _shot(page, "park-approved-province-1280-zh")
    page.goto(f"{server.url}{path}?lang=en")
    assert "Approve construction" in _svg_text(page)
    _shot(page, "park-approved-province-1280-en")
    context.close()


def test_a_refused_action_shows_the_lifecycles_reason(browser, park_server):  # noqa: F811
    from ground.actor import Actor, Role
    from ground.extensions import db
    from scheduling.services import transition_park

    server = park_server
    server.clock.day = date(2026, 3, 2)
    path = f"/parks/{server.parks['stale']}"
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, "province", path)
    assert page.get_by_test_id("action-return_materials").count() == 1
    # meanwhile a colleague returns the materials: the form on this screen is stale
    with server.app.app_context():
        actor = Actor(user_id=None, label="同事", role=Role.PROVINCE, province="32")
        transition_park(actor, server.parks["stale"], {"action": "return_materials", "date": date(2026, 3, 2)},
                        server.clock())
        db.session.commit()
    _act(page, "return_materials")
    error = page.get_by_test_id("page-error").inner_text()  # its form is gone: the action is no longer possible
    assert "申请材料退回补正" in error and "退回申请材料补正" in error  # states and actions in words
    assert "materials_returned" not in page.content() or "illegal_transition" not in error
    assert page.get_by_test_id("park-state").inner_text() == "申请材料退回补正"

    # a date in the future is bad input: the page again, the note by the field, nothing done
    page.goto(f"{server.url}{path}")
    box = page.get_by_test_id("action-reject_application")
    if box.get_attribute("open") is None:
        box.locator(":scope > summary").click()
    box.locator("input[name=date]").evaluate("el => { el.removeAttribute('max'); el.value = '2027-01-01'; }")
    box.locator(":scope > form > button[type=submit]").click()
    assert "日期不能晚于今天" in page.locator(".field-error").first.inner_text() or \
        "日期不能晚于今天" in page.content()
    _shot(page, "park-refused-province-1280-zh")
    context.close()


def test_the_public_list_needs_no_sign_in(browser, park_server):  # noqa: F811
    for lang, width in (("zh", 1280), ("en", 390)):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{park_server.url}/public/parks?lang={lang}")
        assert "/login" not in page.url
        text = page.get_by_test_id("public-parks").inner_text()
        assert "金鸡湖生态工业园区" in text
        assert ("创建中" if lang == "zh" else "under construction") in text
        assert "异议测试生态园区" not in text  # still applying: not on the public list
        assert fits(page)
        _shot(page, f"public-parks-{width}-{lang}")
        context.close()


def test_the_park_page_and_list_at_390_px(browser, park_server):  # noqa: F811
    server = park_server
    path = f"/parks/{server.parks['rich']}"
    for lang in ("zh", "en"):
        context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2)
        page = context.new_page()
        sign_in(page, server, "office", path, lang)
        page.goto(f"{server.url}{path}?lang={lang}")
        assert page.get_by_test_id("timeline-svg").is_visible()
        page.get_by_test_id("timeline-text").locator("summary").click()
        assert fits(page), "the page scrolls sideways"
        _shot(page, f"park-rich-office-390-{lang}")
        page.goto(f"{server.url}/parks?lang={lang}")
        assert fits(page)
        _shot(page, f"parks-list-390-{lang}")
        context.close()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, server, "office", "/parks")
    _shot(page, "parks-list-1280-zh")
    page.goto(f"{server.url}{path}")
    _shot(page, "park-rich-office-1280-zh")
    context.close()
