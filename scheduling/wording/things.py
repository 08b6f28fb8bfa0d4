"""What a park holds, in words: materials, deadlines, reports, proposals, notices and the timeline's entries."""

from __future__ import annotations

from collections.abc import Mapping

from ground.i18n import Msg

MATERIAL_KIND_NAMES: dict[str, Msg] = {
    "application_letter": Msg("创建申请", "application letter"),
    "construction_plan": Msg("建设规划", "construction plan"),
    "compliance_commitment": Msg("近三年环境守法承诺书", "3-year compliance commitment"),
    "planning_eia": Msg("规划环评报告书及审查意见", "planning EIA and its review"),
    "acceptance_application": Msg("验收申请", "acceptance application"),
    "acceptance_report": Msg("验收报告", "acceptance report"),
    "electronic_data": Msg("电子数据", "electronic data"),
    "annual_report": Msg("年度工作报告", "annual report"),
    "rectification_report": Msg("整改报告", "rectification report"),
    "major_change_report": Msg("重大调整书面报告", "major change report"),
    "plan_revision": Msg("规划修编", "plan revision"),
    "decision": Msg("决定、通知或备案表", "decision, notice or filing form"),
    "other": Msg("其他材料", "other material"),
}

DEADLINE_NAMES: dict[str, Msg] = {
    "public_notice": Msg("创建公示截止", "public notice ends"),
    "construction_period": Msg("建设期届满", "construction period ends"),
    "major_change_report": Msg("重大调整报告期限", "major change report due"),
    "annual_report": Msg("年度工作报告报送期限", "annual report due"),
    "verification_rectification": Msg("核查整改期限", "verification rectification due"),
    "naming_notice": Msg("命名公示截止", "naming notice ends"),
    "performance_evaluation": Msg("绩效评价到期", "performance evaluation due"),
    "warning_rectification": Msg("警告整改期限", "warning rectification due"),
    "reapplication_ban": Msg("重新申请限制期届满", "re-application ban ends"),
}

#: Timeline entries other than transitions (whose name is their action's).
EVENT_NAMES: dict[str, Msg] = {
    "major_change": Msg("重大调整", "major change"),
    "annual_report_submitted": Msg("年度报告已提交", "annual report submitted"),
    "annual_report_reviewed": Msg("年度报告已审核", "annual report reviewed"),
    "annual_report_forwarded": Msg("年度报告已报送办公室", "annual report forwarded"),
    "objection": Msg("收到公示异议", "objection received"),
    "warning_proposal": Msg("警告建议", "warning proposal"),
    "panel_convened": Msg("专家组已组建", "panel convened"),
    "panel_drawn": Msg("专家已抽取", "experts drawn"),
    "panel_invitations_sent": Msg("邀请已发出", "invitations sent"),
    "panel_meeting": Msg("专家会议", "panel meeting"),
    "panel_cancelled": Msg("专家会议已取消", "panel meeting cancelled"),
}

NOTICE_NAMES: dict[str, Msg] = {
    "public_notice": Msg("创建公示（第十条）", "public notice (Art. 10)"),
    "naming_notice": Msg("命名公示（第十九条）", "naming notice (Art. 19)"),
}

CHANGE_SUBJECT_NAMES: dict[str, Msg] = {
    "name": Msg("名称", "name"),
    "management_agency": Msg("管理机构", "management agency"),
    "scope": Msg("范围", "scope"),
    "indicators": Msg("指标", "indicators"),
    "key_projects": Msg("重点项目", "key projects"),
}

PARK_TYPE_NAMES: dict[str, Msg] = {
    "national_etdz": Msg("国家级经济技术开发区", "national ETDZ"),
    "national_htz": Msg("国家级高新技术产业开发区", "national high-tech zone"),
    "provincial": Msg("省级开发区", "provincial development zone"),
    "other": Msg("其他园区", "other park"),
}

PROGRAMME_NAMES: dict[str, Msg] = {
    "national": Msg("国家级", "national"),
    "provincial": Msg("省级（第四十一条）", "provincial (Art. 41)"),
}

REPORT_STATUS_NAMES: dict[str, Msg] = {
    "missing": Msg("未提交", "not submitted"),
    "submitted": Msg("已提交，待省级审核", "submitted, awaiting review"),
    "reviewed": Msg("已审核，待报送", "reviewed, awaiting forwarding"),
    "forwarded": Msg("已报送办公室", "forwarded to the Office"),
}

PROPOSAL_STATUS_NAMES: dict[str, Msg] = {
    "open": Msg("待决定", "awaiting a decision"),
    "acted": Msg("已据此处理", "acted on"),
    "dismissed": Msg("已驳回", "dismissed"),
}


def named(names: Mapping[str, Msg], code: str | None) -> Msg:
    """The name of ``code`` in ``names``; an unknown code (never expected) reads as itself, not as a crash."""
    if code is None:
        return Msg("—", "—")
    return names.get(code) or Msg(code, code)


def material_kind_name(kind: str) -> Msg:
    return named(MATERIAL_KIND_NAMES, kind)
