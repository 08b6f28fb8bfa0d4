"""The audit log's codes in words: what each action and object type means to a person reading the log.

An action missing here is shown by its code (new actions appear before anyone names them); the test of this
module lists the actions the code records, so a new one is noticed.
"""

from __future__ import annotations

from ground.i18n import Msg

ACTIONS: dict[str, Msg] = {
    # sign-in and accounts
    "auth.login": Msg("登录", "signed in"),
    "auth.login_failed": Msg("登录失败", "failed to sign in"),
    "auth.lockout": Msg("账户因多次失败被锁定", "account locked after failed attempts"),
    "auth.logout": Msg("退出登录", "signed out"),
    "auth.totp_enrol": Msg("启用两步验证", "turned on two-step verification"),
    "auth.totp_disable": Msg("停用两步验证", "turned off two-step verification"),
    "auth.password_change": Msg("修改密码", "changed the password"),
    "auth.password_change_failed": Msg("修改密码时当前密码错误", "gave a wrong current password to change it"),
    "user.create": Msg("创建账户", "created an account"),
    "token.issue": Msg("签发访问令牌", "issued an API token"),
    "token.revoke": Msg("吊销访问令牌", "revoked an API token"),
    # the expert pool
    "expert.create": Msg("新增专家", "added an expert"),
    "expert.update": Msg("修改专家信息", "changed an expert"),
    "expert.status": Msg("变更专家状态", "changed an expert's status"),
    "expert.confirm": Msg("确认专家信息", "confirmed an expert's data"),
    "expert.employment": Msg("登记任职经历", "recorded an employment"),
    "expert.conflict": Msg("登记利益冲突", "recorded a conflict of interest"),
    "expert.unavailability": Msg("登记不可参会时间", "recorded unavailability"),
    "expert.import": Msg("导入专家", "imported an expert"),
    "expert.import_attempt": Msg("尝试导入专家文件", "tried to import an expert file"),
    "expert.import_dry_run": Msg("试导入专家文件（未保存）", "checked an expert file (nothing stored)"),
    "expert.import_held": Msg("导入行因疑似重复留待办公室处理",
                              "held an imported row for the Office (possible duplicate)"),
    "expert.duplicate_hit": Msg("疑似重复的专家信息", "entered data matching another expert"),
    "expert.export": Msg("导出专家库（含个人信息）", "exported the pool (personal data)"),
    "organization.create": Msg("新增单位", "added an organisation"),
    "organization.blacklist": Msg("将单位列入黑名单", "blacklisted an organisation"),
    "organization.unblacklist": Msg("将单位移出黑名单", "lifted a blacklisting"),
    "specialty.create": Msg("新增专业领域", "added a specialty"),
    # parks
    "park.create": Msg("登记园区", "registered a park"),
    "park.transition": Msg("园区生命周期变更", "took a lifecycle step of a park"),
    "park.material_upload": Msg("上传园区材料", "uploaded a park material"),
    "park.annual_report_submit": Msg("提交年度工作报告", "submitted an annual report"),
    "park.annual_report_review": Msg("审核年度工作报告", "reviewed an annual report"),
    "park.annual_report_forward": Msg("报送年度工作报告", "forwarded an annual report"),
    "park.objection": Msg("登记公示异议", "recorded an objection"),
    "park.objection_resolved": Msg("处理公示异议", "resolved an objection"),
    "park.major_change_found": Msg("登记未报告的重大调整", "recorded an unreported major change"),
    "park.warning_proposal": Msg("系统提出警告建议", "proposed a warning"),
    "park.warning_proposal_dismissed": Msg("驳回警告建议", "dismissed a warning proposal"),
    "park.deadlines_recomputed": Msg("重新计算期限", "recomputed deadlines"),
    "calendar.load_year": Msg("载入年度工作日历", "loaded a year of the working-day calendar"),
    # panels
    "panel.draw": Msg("抽取评审组", "drew a panel"),
    "panel.view": Msg("查看评审组（含成员）", "looked at a panel (its members)"),
    "panel.eligibility": Msg("查看评审组的专家资格明细", "looked at a panel's eligibility list"),
    "panel.audit": Msg("查看评审组的抽取记录", "looked at a panel's draw records"),
    "panel.invitations": Msg("查看评审组的邀请", "looked at a panel's invitations"),
    "panel.invitation_preview": Msg("预览评审邀请邮件", "previewed an invitation mail"),
    "panel.invite": Msg("发出评审邀请", "sent a panel's invitations"),
    "panel.replace": Msg("替换评审组成员", "replaced a panel member"),
    "panel.decline": Msg("成员谢绝或被替换", "recorded a member's decline"),
    "panel.promote": Msg("候补专家递补", "promoted an alternate"),
    "panel.reschedule": Msg("调整评审会议", "rescheduled a meeting"),
    "panel.move_referred": Msg("省级改期因成员在其他机关评审组而转办公室",
                               "referred a province's move to the Office (members on other authorities' panels)"),
    "panel.move_probing_suspected": Msg("改期方式疑似探查保密评审组，请核查",
                                        "flagged moves that look like probing confidential panels"),
    "panel.cancel": Msg("取消评审会议", "cancelled a meeting"),
    "panel.throwaway_draw": Msg("抽取后不久即取消（省级）", "cancelled a province's panel soon after drawing it"),
    "panel.draw_probing_suspected": Msg("抽取后即取消的方式疑似探查保密评审组，请核查",
                                        "flagged draws cancelled soon after, a pattern that looks like probing "
                                        "confidential panels"),
    "panel.stage_override": Msg("办公室越过阶段规则组建评审组", "drew a panel outside the stage rule (Office)"),
    "panel.stage_refused": Msg("评审组类型与园区阶段不符，已拒绝",
                               "refused a panel kind the park's stage does not call for"),
    "panel.stage_override_refused": Msg("非办公室尝试越过阶段规则，已拒绝",
                                        "refused a stage override by someone not the Office"),
    "rule_set.create": Msg("新增规则集版本", "added a rule set version"),
    "invitation.create": Msg("生成评审邀请", "created an invitation"),
    "invitation.accept": Msg("专家接受邀请", "an expert accepted an invitation"),
    # the system
    "outbox.retry": Msg("重新发送邮件", "retried a mail"),
    "audit.checkpoint": Msg("生成审计检查点", "took an audit checkpoint"),
    "demo.load": Msg("载入演示数据", "loaded the demo data"),
}

#: Looks at personal data or at a confidential panel (``panels.services.get_panel`` records every one).
VIEW_ACTIONS = ("panel.view", "panel.eligibility", "panel.audit", "panel.invitations", "panel.invitation_preview",
                "expert.export")

OBJECT_TYPES: dict[str, Msg] = {
    "expert": Msg("专家", "expert"),
    "pool": Msg("专家库", "expert pool"),
    "organization": Msg("单位", "organisation"),
    "specialty": Msg("专业领域", "specialty"),
    "park": Msg("园区", "park"),
    "panel": Msg("评审组", "panel"),
    "invitation": Msg("评审邀请", "invitation"),
    "rule_set": Msg("规则集", "rule set"),
    "user": Msg("账户", "account"),
    "calendar": Msg("工作日历", "calendar"),
    "outbox": Msg("邮件", "mail"),
    "audit": Msg("审计日志", "audit log"),
    "demo": Msg("演示数据", "demo data"),
}

ROLES: dict[str, Msg] = {
    "office": Msg("办公室", "Office"),
    "province": Msg("省级部门", "province"),
    "park": Msg("园区", "park"),
    "expert": Msg("专家", "expert"),
    "system": Msg("系统", "system"),
}


def action_words(action: str) -> Msg:
    return ACTIONS.get(action) or Msg("其他操作", "other action")


def object_words(object_type: str) -> Msg:
    return OBJECT_TYPES.get(object_type) or Msg(object_type, object_type)


def role_words(role: str) -> Msg:
    return ROLES.get(role) or Msg(role, role)


def object_href(object_type: str, object_id: str | None) -> str | None:
    """Where the object is shown, for the types that have a page (the pool's and the parks' pages)."""
    if object_id and object_id.isdigit() and object_type in ("expert", "park"):
        return f"/{object_type}s/{object_id}"
    return None
