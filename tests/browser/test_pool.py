"""The expert pool in a real browser: the journeys of issue 12 (find, add, import, the phone layout)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser import pool_fixtures
from tests.browser.pool_fixtures import JIANGSU, LONG_NAME, OFFICE, expected_jiangsu_low_carbon, overflow, shot, sign_in
from tests.conftest import valid_id_number

pytestmark = pytest.mark.browser
pool_server = pool_fixtures.pool_server  # this module's live server (a fixture)


def test_office_finds_experts_of_a_specialty_in_jiangsu_by_choosing_from_lists(desktop, pool_server):
    page = desktop
    sign_in(page, pool_server, OFFICE)
    page.goto(f"{pool_server}/experts")
    page.get_by_label("省份").select_option(label="江苏省")
    page.get_by_label("专业领域", exact=True).select_option(label="低碳与碳达峰碳中和")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"province=32"))
    expected = expected_jiangsu_low_carbon()
    assert page.get_by_test_id("total").inner_text().startswith(f"共 {expected} 位专家")
    rows = page.locator("table[data-testid=experts] tbody tr")
    assert rows.count() == expected
    for i in range(expected):
        row = rows.nth(i).inner_text()
        assert "江苏省" in row and "低碳" in row and "1361234" in row  # the Office reads mobiles whole
    assert page.get_by_label("省份").input_value() == "32"  # the choice stays on the form
    shot(page, "search-1280-zh")
    rows.first.get_by_role("link").click()
    page.get_by_role("heading", name="任职经历").wait_for()
    shot(page, "expert-1280-zh")


def test_a_province_reads_the_pool_masked_in_english(desktop, pool_server):
    page = desktop
    sign_in(page, pool_server, JIANGSU, lang="en")
    page.goto(f"{pool_server}/experts?page_size=20")
    assert "Expert pool" in page.locator("h1").inner_text()
    first = page.locator("table[data-testid=experts] tbody tr").first.inner_text()
    assert re.search(r"136\*{4}\d{4}", first) and "Active" in first
    assert "Page 1 of 2" in page.get_by_test_id("page").inner_text()
    page.get_by_role("link", name="Next").click()
    assert "Page 2 of 2" in page.get_by_test_id("page").inner_text()
    shot(page, "search-1280-en")


def test_office_adds_an_expert_with_one_bad_field_and_fixes_it(desktop, pool_server):
    page = desktop
    sign_in(page, pool_server, OFFICE)
    page.goto(f"{pool_server}/experts/new")
    good = valid_id_number("32", date(1978, 6, 2), False, 7777)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    page.get_by_label("姓名").fill("浏览器新增专家")
    page.get_by_label("性别").select_option(label="女")
    page.get_by_label("出生年份").fill("1978")
    page.get_by_label("身份证号").fill(bad)
    page.get_by_label("手机").fill("13812349876")
    page.get_by_label("邮箱").fill("new-expert@example.cn")
    page.get_by_label(re.compile(r"^单位")).select_option(label="南京林业大学")
    page.get_by_label("职称").select_option(label="副高级")
    page.get_by_label("所在省份").select_option(label="江苏省")
    page.get_by_label("循环经济").check()
    page.get_by_role("button", name="保存").click()
    error = page.locator("#e-id_number")
    error.wait_for()
    assert "校验" in error.inner_text()  # beside the field, in Chinese
    assert page.get_by_label("身份证号").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("循环经济").is_checked() and page.get_by_label("姓名").input_value() == "浏览器新增专家"
    shot(page, "add-error-1280-zh")
    page.get_by_label("身份证号").fill(good)
    page.get_by_role("button", name="保存").click()
    page.get_by_test_id("saved").wait_for()
    assert "专家已添加" in page.get_by_test_id("saved").inner_text()
    assert page.locator("h1").inner_text().startswith("浏览器新增专家")


HEADER = "姓名,性别,身份证号,手机,邮箱,单位,职称,专业领域,省份\r\n"


def _csv(mobile_of_second: str) -> bytes:
    rows = []
    for n, mobile in ((1, "13500001111"), (2, mobile_of_second)):
        birth = date(1972, 2, n)
        rows.append(",".join([f"导入{n}号", "男", valid_id_number("33", birth, True, 9100 + n), mobile,
                              f"browser-import{n}@example.cn", "浙江工业大学", "正高级", "清洁生产", "浙江"]))
    return (HEADER + "\r\n".join(rows) + "\r\n").encode("utf-8-sig")


def test_office_imports_a_file_with_a_bad_row_sees_row_and_column_fixes_and_imports(desktop, pool_server):
    page = desktop
    sign_in(page, pool_server, OFFICE)
    page.goto(f"{pool_server}/experts/import")
    page.get_by_label("专家信息表").set_input_files(
        {"name": "专家.csv", "mimeType": "text/csv", "buffer": _csv("1350000")})
    page.get_by_role("button", name="上传并检查").click()
    issues = page.get_by_test_id("import-issues")
    issues.wait_for()
    row = issues.locator("tbody tr").first
    assert row.locator("td").nth(0).inner_text() == "3" and row.locator("td").nth(1).inner_text() == "手机"
    assert "手机" in row.locator("td").nth(2).inner_text()
    assert "未导入任何数据" in issues.inner_text()
    shot(page, "import-issues-1280-zh")
    page.get_by_label("专家信息表").set_input_files(
        {"name": "专家.csv", "mimeType": "text/csv", "buffer": _csv("13500002222")})
    page.get_by_role("button", name="上传并检查").click()
    ready = page.get_by_test_id("import-ready")
    ready.wait_for()
    assert "2 行均可导入" in ready.inner_text() and "浙江工业大学" in ready.inner_text()
    shot(page, "import-ready-1280-zh")
    page.get_by_role("button", name="确认导入 2 位专家").click()
    page.get_by_test_id("import-done").wait_for()
    page.get_by_role("link", name="查看专家列表").click()
    assert "导入2号" in page.locator("table[data-testid=experts]").inner_text()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_pool_on_a_phone_becomes_cards_without_sideways_scrolling(phone, pool_server, lang):
    page = phone
    sign_in(page, pool_server, OFFICE, lang=lang)
    page.goto(f"{pool_server}/experts?province=11")
    table = page.locator("table[data-testid=experts]")
    table.wait_for()
    assert overflow(page) == []
    assert page.evaluate("getComputedStyle(document.querySelector('table[data-testid=experts] tr')).display") \
        == "block"  # a card per expert
    org = page.locator("td.org").filter(has_text=LONG_NAME[:6]).first
    assert org.bounding_box()["width"] > 200  # the long name wraps in a wide box, not one character per line
    shot(page, f"search-390-{lang}")
    page.locator("td.name a").first.click()
    page.locator("h1").wait_for()
    assert overflow(page) == []
    shot(page, f"expert-390-{lang}")
    page.goto(f"{pool_server}/experts/new")
    assert overflow(page) == []
    shot(page, f"add-390-{lang}")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_other_pool_pages_fit_the_screen(browser, pool_server, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, pool_server, OFFICE)
        for path, name in (("/experts/review", "review"), ("/organizations", "organizations"),
                           ("/specialties", "specialties"), ("/experts/import", "import")):
            page.goto(f"{pool_server}{path}")
            page.locator("h1").wait_for()
            if name == "review":  # the held row's form, opened
                page.get_by_test_id("held-row").locator("summary").click()
            assert overflow(page) == [], path
            shot(page, f"{name}-{width}-zh")
        page.goto(f"{pool_server}/organizations?q=中国科学院")
        page.locator("table[data-testid=organizations] a").first.click()
        page.get_by_test_id("blacklist-form").wait_for()
        assert overflow(page) == []
        shot(page, f"organization-{width}-zh")
    finally:
        context.close()
