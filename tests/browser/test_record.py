"""The credit record on an expert's page in a real browser, at 1280 px and on a phone (390 px)."""

from __future__ import annotations

import pytest

from tests.browser import pool_fixtures
from tests.browser.layout import scroll_width
from tests.browser.pool_fixtures import EXPERT, OFFICE, overflow, shot, sign_in

pytestmark = pytest.mark.browser
pool_server = pool_fixtures.pool_server  # the pool's live server: its second expert has a record


@pytest.mark.parametrize("width", [1280, 390])
def test_the_office_reads_an_experts_credit_record_on_their_page(browser, pool_server, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, pool_server, OFFICE)
        page.goto(f"{pool_server}/experts?q=池02号专家")
        page.locator("td.name a").first.click()
        section = page.get_by_test_id("section-credit")
        section.wait_for()
        text = section.inner_text()
        assert "信用分 40.0" in text and "投诉经查属实" in text and "-20" in text and "迟到早退" in text
        assert "待决定：暂停聘用" in text
        assert overflow(page) == []
        section.scroll_into_view_if_needed()
        shot(page, f"credit-{width}-zh")
        page.goto(page.url + "?lang=en")
        assert "Credit 40.0" in page.get_by_test_id("section-credit").inner_text()
    finally:
        context.close()


def test_the_expert_reads_their_own_credit_record_on_a_phone(browser, pool_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, device_scale_factor=2,
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{pool_server}/login")
        page.fill("input[name=email]", EXPERT[0])
        page.fill("input[name=password]", EXPERT[1])
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: url.endswith("/me"))
        card = page.get_by_test_id("credit")
        assert "40.0" in card.inner_text() and "投诉经查属实" in card.inner_text()
        width = page.evaluate("document.documentElement.clientWidth")
        assert scroll_width(page) <= width + 1  # no sideways scrolling
        card.scroll_into_view_if_needed()
        shot(page, "me-credit-390-zh")
    finally:
        context.close()


def test_the_office_decides_the_proposal_on_its_page(browser, pool_server):
    for width in (1280, 390):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, pool_server, OFFICE)
            page.goto(f"{pool_server}/credit-proposals")
            proposal = page.get_by_test_id("proposal").first
            assert "暂停聘用" in proposal.inner_text() and "信用分 40.0" in proposal.inner_text()
            width_px = page.evaluate("document.documentElement.clientWidth")
            assert scroll_width(page) <= width_px + 1
            shot(page, f"credit-proposals-{width}-zh")
            if width == 390:  # decide it: a reason is required, then it is listed as decided
                proposal.get_by_label("不采纳").check()
                proposal.get_by_role("button", name="提交决定").click()
                page.get_by_text("请写明理由").wait_for()
                shot(page, "credit-proposals-error-390-zh")
                proposal = page.get_by_test_id("proposal").first
                proposal.get_by_label("理由").fill("两次投诉均已整改，暂不暂停，继续观察。")
                proposal.get_by_role("button", name="提交决定").click()
                page.get_by_test_id("decided").wait_for()
                assert "继续观察" in page.inner_text("main")
                shot(page, "credit-proposals-decided-390-zh")
        finally:
            context.close()
