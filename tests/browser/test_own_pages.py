"""The experts' and the parks' own pages in a real browser: an expert accepts on a 390 px phone from the link in
the mail and opens it again (a calm page, whom to call); an expert's calendar feed, parsed by ``icalendar``; an
expert adds a period of unavailability; a park user uploads and submits its annual report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from icalendar import Calendar

from tests.browser.layout import scroll_width
from tests.browser.own_fixtures import PARK_PASSWORD, PASSWORD, own_server, sign_in  # noqa: F401 (a fixture)
from tests.browser.park_fixtures import PDF

pytestmark = pytest.mark.browser
ARTIFACTS = Path(__file__).parent / "artifacts"
PHONE = {"width": 390, "height": 844}


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _phone(browser):
    context = browser.new_context(locale="zh-CN", viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    return context, context.new_page()


def _fits(page) -> None:
    """Nothing wider than the phone: no sideways scrolling."""
    width = scroll_width(page)
    assert width <= PHONE["width"], width


def test_an_expert_accepts_on_a_phone_from_the_mail_then_reopens_the_link(browser, own_server):  # noqa: F811
    server = own_server
    expert_id = server.members[0]
    link = server.invitation_link(expert_id)  # from the mail as it arrived at the SMTP server
    context, page = _phone(browser)
    try:
        page.goto(link)
        assert "评审邀请" in page.locator("h1").text_content()
        assert page.get_by_test_id("park").text_content().startswith("苏州工业园区")
        _fits(page)
        _shot(page, "own-01-invitation-phone")
        page.locator("input[name=pledge]").check()
        page.get_by_role("button", name="我承诺并接受邀请").click()
        assert page.get_by_test_id("outcome").text_content() == "感谢您接受邀请"
        _shot(page, "own-02-accepted-phone")

        response = page.goto(link)  # opened again, days later, from the same mail
        assert response.status == 200
        assert page.get_by_test_id("outcome").text_content() == "您已接受该邀请"
        assert "链接无法使用" not in page.content()
        assert "需要更改答复" in page.get_by_test_id("change-how").text_content()
        contact = page.get_by_test_id("contact").text_content()
        assert "生态工业园区建设领导小组办公室" in contact  # the Office convened it: whom to call
        assert page.locator("input[name=pledge]").count() == 0
        _fits(page)
        _shot(page, "own-03-reopened-calm-phone")
    finally:
        context.close()


def test_an_experts_calendar_feed_holds_the_accepted_meeting(browser, own_server):  # noqa: F811
    server = own_server
    expert_id = server.members[1]  # accepted from the mail earlier
    context, page = _phone(browser)
    try:
        sign_in(page, server, server.emails[expert_id], PASSWORD, "/me")
        upcoming = page.get_by_test_id("upcoming").text_content()
        assert "苏州工业园区" in upcoming and "2027-03-10" in upcoming and "已接受" in upcoming
        assert page.get_by_test_id("feed-none").is_visible()
        page.get_by_test_id("feed-issue").click()
        url = page.get_by_test_id("feed-url").input_value()
        assert url.startswith(f"{server.url}/calendar-feeds/") and url.endswith(".ics")
        _fits(page)
        page.get_by_test_id("feed-new").scroll_into_view_if_needed()
        _shot(page, "own-04-calendar-feed-phone")

        response = page.request.get(url)  # as a calendar client fetches it: no sign-in, the token is the key
        assert response.status == 200 and response.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.body())
        [event] = calendar.walk("VEVENT")
        assert event["DTSTART"].dt.date() == date(2027, 3, 10)
        assert "苏州工业园区" in str(event["SUMMARY"]) and "第一会议室" in str(event["LOCATION"])
        assert event["ATTENDEE"].params["PARTSTAT"] == "ACCEPTED"
        assert str(calendar["X-WR-CALNAME"]) == "评审会议（生态工业园区）"

        page.get_by_test_id("feed-revoke").click()
        assert page.get_by_test_id("saved").text_content() == "日历订阅地址已撤销。"
        assert page.request.get(url).status == 404
    finally:
        context.close()


def test_an_expert_adds_a_period_of_unavailability(browser, own_server):  # noqa: F811
    server = own_server
    expert_id = server.members[2]
    context, page = _phone(browser)
    try:
        sign_in(page, server, server.emails[expert_id], PASSWORD, "/me")
        assert page.get_by_test_id("no-unavailability").is_visible()
        box = page.get_by_test_id("add-unavailability")
        box.locator("summary").click()
        box.locator("input[name=start_date]").fill("2027-04-06")
        box.locator("input[name=end_date]").fill("2027-04-17")
        box.locator("input[name=reason]").fill("出国访问")
        box.get_by_role("button", name="登记").click()
        assert page.get_by_test_id("saved").text_content() == "不可参会时段已登记。"
        periods = page.get_by_test_id("unavailabilities").text_content()
        assert "2027-04-06 – 2027-04-17" in periods and "出国访问" in periods
        _fits(page)
        page.locator("#unavailability").scroll_into_view_if_needed()
        _shot(page, "own-05-unavailability-phone")
    finally:
        context.close()
    desktop = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    try:
        page = desktop.new_page()
        sign_in(page, server, server.emails[expert_id], PASSWORD, "/me")
        page.goto(f"{server.url}/me?lang=en")
        assert "2027-04-06 – 2027-04-17" in page.get_by_test_id("unavailabilities").text_content()
        assert page.locator("#unavailability h2").text_content() == "When I cannot sit"
        _shot(page, "own-05b-me-desktop-en")
    finally:
        desktop.close()
    with server.app.app_context():
        from expert_pool.models import Unavailability
        from ground.extensions import db

        [period] = db.session.query(Unavailability).filter_by(expert_id=expert_id).all()
        assert (period.start_date, period.end_date, period.reason) == (date(2027, 4, 6), date(2027, 4, 17), "出国访问")


def test_a_park_user_uploads_and_submits_its_annual_report(browser, own_server):  # noqa: F811
    server = own_server
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        path = f"/parks/{server.report_park_id}"
        sign_in(page, server, server.park_email, PARK_PASSWORD, path)
        steps = page.get_by_test_id("next-steps")
        assert "您接下来要做的事" in steps.text_content()
        words = steps.text_content()
        assert "报送2025年度工作报告" in words and "2026-06-30 前（已逾期" in words  # which year, by when
        assert "现在可以办理：申请验收，需提交：验收申请" in words and "撤回" not in words
        _shot(page, "own-06-park-next-steps")

        upload = page.locator("#form-material")
        upload.locator("summary").click()
        upload.locator("select[name=kind]").select_option("annual_report")
        upload.locator("input[name=title]").fill("2025年度创建工作报告")
        upload.locator("input[name=year]").fill("2025")
        upload.locator("input[name=file]").set_input_files(
            files=[{"name": "2025年度报告.pdf", "mimeType": "application/pdf", "buffer": PDF}])
        upload.get_by_role("button", name="上传").click()
        assert "已上传：2025年度报告.pdf" in page.get_by_test_id("done").text_content()

        report = page.locator("#form-report")
        report.locator("summary").click()
        report.locator("input[name=year]").fill("2025")
        report.locator("select[name=material_id]").select_option(index=1)
        report.get_by_role("button", name="提交").click()
        assert page.get_by_test_id("done").text_content() == "2025 年度报告已提交。"
        row = page.get_by_test_id("reports").locator("tr", has=page.locator("td.lead", has_text="2025"))
        assert "已提交" in row.text_content(), row.text_content()
        words = page.get_by_test_id("next-steps").text_content()
        assert "报送2025年度工作报告" not in words and "报送2024年度工作报告" in words  # the park's part is done
        page.locator("#reports").scroll_into_view_if_needed()
        _shot(page, "own-07-park-report-submitted")

        context_phone, phone = _phone(browser)
        try:
            sign_in(phone, server, server.park_email, PARK_PASSWORD, path)
            _fits(phone)
            _shot(phone, "own-08-park-page-phone")
        finally:
            context_phone.close()
    finally:
        context.close()
