"""Every mail is one template rendered in its reader's language from the one gettext catalog."""

from __future__ import annotations

import re

import pytest

from notifications.rendering import MAIL_TEMPLATES, TemplateProblem, render_mail, template_names

# Everything any mail uses, with Chinese data (names are data, the same in both languages' mails).
CONTEXT = {
    "expert_name": "王五", "panel_kind": "验收会", "park_name": "苏州工业园区", "park_province": "江苏省",
    "meeting_date": "2027-03-10", "meeting_hours": "09:00–17:00", "location": "", "respond_by": "2027年3月1日 23:59",
    "page_url": "http://testserver/i/abc", "accept_url": "http://testserver/i/abc/accept",
    "decline_url": "http://testserver/i/abc/decline", "reason": "材料补充", "previous_date": "2027-03-03",
    "previous_location": "", "contact_name": "办公室", "contact_phone": "010-00000000",
    "contact_email": "office@example.cn", "accepted": 1, "pending": 2, "declined": 1, "expired": 0, "size": 5,
    "lines": [{"at": "3月1日", "expert_name": "张三", "event": "declined", "reason": "", "experts": [],
               "message": ""}],
    "closes_on": "2027-03-20", "missing": ["李四"], "rated": 1, "attended": 2, "park_id": 1, "province": "32",
    "kind": "annual_report", "kind_name": "annual report", "due": "2027-06-30", "article": 23,
    "provisional": False, "days_left": 3, "reminder": True, "recomputed": False, "previous_due": None,
    "email": "wang@example.cn", "failures": 5, "until": "2027-03-01 12:30", "checkpoint": "CP-1", "seq": 3,
    "count": 4, "taken_at": "2027-03-01 12:00:00",
}
# English words a Chinese mail may carry: product and program names, a command line, the link's scheme.
ALLOWED_IN_CHINESE = {"ecopanel", "Outlook", "UTC", "audit", "verify", "since"}


def english_words(text: str) -> set[str]:
    """Words of English left in a text, leaving out links and addresses."""
    text = re.sub(r"https?://\S+|\S+@\S+", " ", text)
    return set(re.findall(r"[A-Za-z]{3,}", text)) - ALLOWED_IN_CHINESE


def test_each_mail_is_one_template_for_both_languages():
    names = template_names()
    assert "invitation" in names and "deadline_reminder" in names
    assert not list(MAIL_TEMPLATES.glob("*.zh.*")) and not list(MAIL_TEMPLATES.glob("*.en.*"))


@pytest.mark.parametrize("template", template_names())
def test_every_mail_reads_in_chinese_and_in_english(template):
    chinese, english = render_mail(template, "zh", CONTEXT), render_mail(template, "en", CONTEXT)
    for mail in (chinese, english):
        whole = "\n".join([mail.subject, mail.text, mail.html or ""])
        assert "%(" not in whole and "{{" not in whole
    assert not english_words(chinese.subject + chinese.text), english_words(chinese.subject + chinese.text)
    assert "本邮件由系统自动发送，请勿直接回复。" in chinese.text
    assert "This message was sent automatically; please do not reply." in english.text
    if chinese.html is not None:
        assert '<html lang="zh-CN">' in chinese.html and '<html lang="en">' in english.html
        assert "本邮件由系统自动发送" in chinese.html and "please do not reply" in english.html


@pytest.mark.parametrize("template", ["invitation", "meeting_reminder", "response_digest", "rating_reminder"])
def test_dates_are_written_the_readers_way(template):
    assert "2027年3月10日" in render_mail(template, "zh", CONTEXT).text
    english = render_mail(template, "en", CONTEXT).text
    assert "March 10, 2027" in english and "2027-03-10" not in english


def test_an_unknown_language_falls_back_to_chinese_and_a_missing_value_is_an_error():
    assert render_mail("invitation", "fr", CONTEXT).subject.startswith("【评审邀请】苏州工业园区验收会（2027年3月10日）")
    with pytest.raises(TemplateProblem):
        render_mail("invitation", "en", {k: v for k, v in CONTEXT.items() if k != "expert_name"})
    with pytest.raises(TemplateProblem):
        render_mail("no_such_mail", "zh", CONTEXT)
