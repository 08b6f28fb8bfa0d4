"""The frame in a real browser: every role lands on its page, the dashboard's pictures, the language switch,
the phone layout. Screenshots go to tests/browser/artifacts/ (frame-*.png)."""

from __future__ import annotations

import pytest

from tests.browser.frame_fixtures import ARTIFACTS, frame_server_fixture, page_overflow, shot, sign_in  # noqa: F401
from tests.browser.layout import scroll_width

pytestmark = pytest.mark.browser

LANDING = {"office": "/dashboard", "province": "/dashboard", "expert": "/me"}


@pytest.mark.parametrize("role", ["office", "province", "park", "expert"])
def test_each_role_signs_in_and_lands_on_its_page(desktop, frame_server, role):
    base = frame_server.url
    sign_in(desktop, base, role)
    path = LANDING.get(role, f"/parks/{frame_server.park_id}")
    assert desktop.url == base + path
    who = desktop.get_by_test_id("who").inner_text()
    expected = {"office": "生态环境部（办公室）", "province": "江苏省生态环境厅", "park": "苏州工业园区",
                "expert": "专家01号"}[role]
    role_line = desktop.get_by_test_id("who").locator(".who-role").inner_text()
    assert expected in who and not {"province", "office", "park", "expert", "32"} & set(role_line.split())
    if frame_server.has_page(path):  # the park page is scheduling's: checked once it is in this build
        assert desktop.get_by_test_id("error-page").count() == 0
        assert desktop.locator("h1").first.is_visible()
        shot(desktop, f"landing-{role}-1280-zh")


def test_dashboard_draws_the_work_and_the_programme(desktop, frame_server):
    base = frame_server.url
    sign_in(desktop, base, "office")
    work = desktop.get_by_test_id("my-work")
    assert work.locator("section.work-section").count() == 7
    reports = desktop.get_by_test_id("work-reports")
    assert "苏州工业园区" in reports.inner_text()
    assert reports.locator("a").first.get_attribute("href").startswith("/parks/")
    charts = desktop.get_by_test_id("charts")
    assert charts.locator("figure.chart").count() == 5
    stage = desktop.get_by_test_id("chart-parks-stage").locator("svg")
    assert stage.get_attribute("role") == "img"
    assert "建设中" in stage.text_content() and "已命名" in stage.text_content()
    province = desktop.get_by_test_id("chart-experts-province").locator("svg")
    assert "江苏" in province.text_content() and "西藏" in province.text_content()
    # the text alternative: the numbers as a table
    desktop.get_by_test_id("chart-parks-place").locator("summary").click()
    assert "江苏" in desktop.get_by_test_id("chart-parks-place").locator("table").inner_text()
    shot(desktop, "dashboard-1280-zh")


def test_the_language_switch_keeps_the_page_and_the_choice(desktop, frame_server):
    base = frame_server.url
    sign_in(desktop, base, "province")
    assert desktop.locator("h1").first.inner_text() == "工作台"
    desktop.get_by_test_id("language-switch").click()
    desktop.wait_for_load_state()
    assert desktop.locator("h1").first.inner_text() == "Dashboard"
    assert desktop.locator("html").get_attribute("lang") == "en"
    assert "Jiangsu Department of Ecology and Environment" in desktop.get_by_test_id("who").inner_text()
    assert "Parks by stage" in desktop.get_by_test_id("chart-parks-stage").inner_text()
    shot(desktop, "dashboard-province-1280-en")
    desktop.goto(f"{base}/account/password")  # the choice is remembered
    assert desktop.locator("h1").first.inner_text() == "Change password"
    desktop.get_by_test_id("language-switch").click()
    desktop.wait_for_load_state()
    assert desktop.locator("h1").first.inner_text() == "修改密码"


def test_audit_log_and_error_pages(desktop, frame_server):
    base = frame_server.url
    sign_in(desktop, base, "office")
    desktop.goto(f"{base}/audit")
    assert "完整" in desktop.get_by_test_id("chain-status").inner_text()
    assert desktop.get_by_test_id("audit-entries").locator("tbody tr").count() > 0
    assert "创建账户" in desktop.get_by_test_id("audit-entries").inner_text()  # in words
    shot(desktop, "audit-1280-zh")
    desktop.goto(f"{base}/no-such-page?lang=en")
    assert desktop.locator("h1").first.inner_text() == "Page not found"
    sign_in(desktop, base, "expert")
    response = desktop.goto(f"{base}/dashboard?lang=zh")
    assert response.status == 403
    error = desktop.get_by_test_id("error-page")
    assert error.locator("h1").inner_text() == "无权访问" and "{}" not in error.inner_text()
    shot(desktop, "error-403-1280-zh")
    error.get_by_role("link", name="返回首页").click()
    desktop.wait_for_url(f"{base}/me")
    shot(desktop, "me-1280-zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_layout_of_sign_in_and_dashboard(phone, frame_server, lang):
    base = frame_server.url
    phone.goto(f"{base}/login?lang={lang}")
    assert page_overflow(phone) <= 0
    assert scroll_width(phone) <= 390
    shot(phone, f"login-390-{lang}")
    sign_in(phone, base, "office", lang)
    assert phone.url == f"{base}/dashboard"
    assert scroll_width(phone) <= 390
    assert phone.locator("nav.main-nav").is_hidden()
    phone.locator("details.menu > summary").click()
    menu = phone.locator("details.menu nav")
    assert menu.is_visible() and menu.get_by_role("link").count() == 6  # dashboard, pool, parks, panels, calendar, audit
    assert scroll_width(phone) <= 390
    shot(phone, f"dashboard-390-{lang}-menu", full_page=False)
    phone.get_by_test_id("chart-experts-specialty").screenshot(
        path=str(ARTIFACTS / f"frame-chart-390-{lang}.png"))
    shot(phone, f"dashboard-390-{lang}")
    phone.locator("details.menu > summary").click()  # closed again
    phone.get_by_test_id("who").click()  # the account menu: password, two-step verification, sign-out
    assert phone.get_by_test_id("sign-out").is_visible()
    assert scroll_width(phone) <= 390
    shot(phone, f"account-390-{lang}", full_page=False)
    phone.goto(f"{base}/audit")
    assert scroll_width(phone) <= 390
    shot(phone, f"audit-390-{lang}")
