"""Words for the convening pages: kinds, statuses, funnel stages, exclusion reasons, rules in words."""

from __future__ import annotations

from typing import Any

from ground.i18n import Msg
from panels.rules.rulesets import effective_rules
from panels.seats.answers import DECLINE_REASONS
from panels.services.expert_panels import KIND_NAMES, PANEL_STATUSES, SEAT_STATUSES
from scheduling.pages.common import join, province_name, say

STAGES = (("pool", Msg("专家库", "pool")), ("active", Msg("在聘在岗", "active")),
          ("specialty", Msg("专业相符", "specialty")), ("recusal", Msg("无需回避", "no recusal")),
          ("available", Msg("当天可参会", "available")))
INVITATION_STATUSES = {
    "pending": Msg("待答复", "awaiting answer"), "accepted": Msg("已接受", "accepted"),
    "declined": Msg("已谢绝", "declined"), "expired": Msg("逾期未答复", "no answer in time"),
    "cancelled": Msg("已撤销", "withdrawn"),
}

EVENTS = {
    "created": Msg("创建邀请", "invitation created"), "opened": Msg("专家打开了邀请页面", "opened by the expert"),
    "accepted": Msg("接受", "accepted"), "declined": Msg("谢绝", "declined"),
    "expired": Msg("逾期未答复", "no answer in time"), "reminded": Msg("已发送提醒", "reminder sent"),
    "meeting_reminded": Msg("已发送会前提醒", "meeting reminder sent"),
    "rescheduled": Msg("会议调整，已发送更新日程", "meeting moved, calendar updated"),
    "cancelled": Msg("会议取消", "meeting cancelled"), "replacement": Msg("席位已由他人递补", "seat filled by another"),
    "replacement_failed": Msg("未能递补席位", "the seat could not be filled"),
    "mail_queued": Msg("邮件排队待发", "mail queued"), "mail_sending": Msg("正在发送邮件", "mail being sent"),
    "mail_deferred": Msg("邮件暂未送达，将重试", "mail deferred, will retry"),
    "mail_delivered_to_server": Msg("邮件已交邮件服务器", "mail handed to the mail server"),
    "mail_dead": Msg("邮件无法投递（退信）", "mail could not be delivered (bounced)"),
}


def event_name(event: str) -> str:
    return say(EVENTS.get(event, Msg(event, event)))


def kind_name(kind: str) -> str:
    names = KIND_NAMES.get(kind)
    return say(Msg(*names)) if names else kind


def panel_status(status: str) -> str:
    return say(PANEL_STATUSES.get(status, Msg(status, status)))


def seat_status(status: str) -> str:
    return say(SEAT_STATUSES.get(status, Msg(status, status)))


def invitation_status(status: str) -> str:
    return say(INVITATION_STATUSES.get(status, Msg(status, status)))


def funnel_rows(funnel: dict[str, int] | None) -> list[tuple[str, int]]:
    funnel = funnel or {}
    return [(say(name), funnel[key]) for key, name in STAGES if key in funnel]


def rules_in_words(rules: dict[str, Any], specialty_names: dict[str, str]) -> list[str]:
    """A rule set as sentences ("at most 1 per organisation; at least 3 of senior title; ...")."""
    r = effective_rules(rules)
    out: list[str] = []
    if r["max_per_organization"] is not None:
        out.append(say(Msg("同一单位至多 {n} 人", "at most {n} per organisation").format(n=r["max_per_organization"])))
    if r["max_per_province"] is not None:
        out.append(say(Msg("同一省份至多 {n} 人", "at most {n} per province").format(n=r["max_per_province"])))
    if r["own_province_cap"] == 0:
        out.append(say(Msg("办公室组建时，不抽取园区所在省份的专家",
                           "none from the park's own province (Office panels)")))
    elif r["own_province_cap"] is not None:
        out.append(say(Msg("办公室组建时，园区所在省份的专家至多 {n} 人",
                           "at most {n} from the park's own province (Office panels)").format(n=r["own_province_cap"])))
    if r["min_senior"]:
        out.append(say(Msg("正高级职称至少 {n} 人", "at least {n} of senior title").format(n=r["min_senior"])))
    if r["chair_senior"]:
        out.append(say(Msg("组长须为正高级职称", "the chair of senior title")))
    for q in r["specialty_quotas"]:
        name = specialty_names.get(q["specialty"], q["specialty"])
        if q.get("min"):
            out.append(say(Msg("“{s}”至少 {n} 人", "at least {n} in {s}").format(s=name, n=q["min"])))
        if q.get("max") is not None and q.get("max", 50) < 50:
            out.append(say(Msg("“{s}”至多 {n} 人", "at most {n} in {s}").format(s=name, n=q["max"])))
    if r["relevant_specialties"]:
        names = join(specialty_names.get(s, s) for s in r["relevant_specialties"])
        out.append(say(Msg("只抽取以下专业的专家：{s}", "only experts of: {s}").format(s=names)))
    if r["yearly_panel_cap"]:
        out.append(say(Msg("每位专家每年至多参加 {n} 个评审组", "at most {n} panels per expert a year").format(
            n=r["yearly_panel_cap"])))
    if r["min_rest_days"]:
        out.append(say(Msg("两次会议之间至少间隔 {n} 天", "at least {n} days between two meetings").format(
            n=r["min_rest_days"])))
    out.append(say(Msg("近 {n} 年内在园区管理机构或园区企业任职的专家回避",
                       "recusal of anyone who worked for the park's agency or companies in the last {n} years")
                   .format(n=r["employment_lookback_years"])))
    return out


def authority_name(code: str) -> str:
    return say(Msg("办公室", "the Office")) if code == "office" else province_name(code)


def reason_words(text: str) -> str:
    """A decline's recorded reason ("<code>: <中文> — note") in the reader's words, the note as written."""
    code, _, rest = (text or "").partition(": ")
    label = DECLINE_REASONS.get(code)
    if label is None or not rest.startswith(label.zh):
        return text or ""
    return say(label) + rest[len(label.zh):]
