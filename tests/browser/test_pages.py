"""Staff use the pool in a real browser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _login(page, base, email, password, lang="zh"):
    page.goto(f"{base}/login?lang={lang}&next=/experts")  # staff land on the dashboard otherwise
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/experts")


def test_office_signs_in_filters_and_pages(page, live_server):
    _login(page, live_server, "office@example.com", "office-password-1")
    total = page.get_by_test_id("total")
    total.filter(has_text="25").wait_for()
    rows = page.locator("table[data-testid=experts] tbody tr")
    assert rows.count() == 20
    first = rows.first.inner_text()
    assert "13912340000" in first  # the Office sees mobiles whole
    assert "正高级" in first and "江苏省" in first and "在库" in first  # labels, not codes
    page.select_option("select[name=specialty]", "low_carbon")
    page.click("#filters button[type=submit]")
    total.filter(has_text="(4)").wait_for()
    assert rows.count() == 4
    page.select_option("select[name=specialty]", "")
    page.click("#filters button[type=submit]")
    total.filter(has_text="25").wait_for()
    page.click("#next")
    page.locator("#page").filter(has_text="2 / 2").wait_for()
    assert rows.count() == 5


def test_province_user_sees_masked_data_and_english(page, live_server):
    _login(page, live_server, "jiangsu@example.com", "jiangsu-password-1", lang="en")
    page.get_by_test_id("total").filter(has_text="25").wait_for()
    assert "Expert pool" in page.locator("h1").inner_text()
    first = page.locator("table[data-testid=experts] tbody tr").first.inner_text()
    assert "139****0000" in first
    assert "Jiangsu" in first and "Active" in first
    assert "Provincial users read the whole shared pool" in page.content()


def test_wrong_password_shows_an_error(page, live_server):
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", "office@example.com")
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text() == "邮箱或密码错误。"
