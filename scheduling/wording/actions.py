"""What people do to a park, in words: actions, what each one does, who acts, and the reasons of Art. 14, 27, 28."""

from __future__ import annotations

from ground.i18n import Msg
from scheduling.rules.lifecycle import STATE_NAMES, Action, Party, Phase, State

A = Action

ACTION_NAMES: dict[Action, Msg] = {
    A.SUBMIT_APPLICATION: Msg("提交创建申请", "Submit the application"),
    A.START_PROVINCIAL_REVIEW: Msg("启动省级审核", "Start the provincial review"),
    A.RETURN_MATERIALS: Msg("退回申请材料补正", "Return the materials for completion"),
    A.RESUBMIT_APPLICATION: Msg("补正后重新报送申请", "Resubmit the application"),
    A.PASS_PLAN_ARGUMENTATION: Msg("建设规划通过论证", "Plan argumentation passed"),
    A.PUBLISH_PUBLIC_NOTICE: Msg("发布创建公示", "Publish the public notice"),
    A.APPROVE_CONSTRUCTION: Msg("批准开展创建", "Approve construction"),
    A.REJECT_APPLICATION: Msg("不予批准创建", "Reject the application"),
    A.WITHDRAW: Msg("撤回", "Withdraw"),
    A.REQUEST_EXTENSION: Msg("申请延长建设期", "Request an extension"),
    A.GRANT_EXTENSION: Msg("同意延长建设期", "Grant the extension"),
    A.REFUSE_EXTENSION: Msg("不同意延长建设期", "Refuse the extension"),
    A.REPORT_MAJOR_CHANGE: Msg("报告重大调整", "Report a major change"),
    A.ARGUE_MAJOR_CHANGE: Msg("组织重大调整论证", "Argue the major change"),
    A.REQUIRE_PLAN_REVISION: Msg("要求修编建设规划", "Require a plan revision"),
    A.FILE_PLAN_REVISION: Msg("修编规划备案", "File the plan revision"),
    A.STOP_CREATION: Msg("终止创建", "Stop the creation"),
    A.MARK_CREATION_INCOMPLETE: Msg("认定创建未完成", "Mark the creation incomplete"),
    A.APPLY_ACCEPTANCE: Msg("申请验收", "Apply for acceptance"),
    A.REJECT_ACCEPTANCE: Msg("验收申请审核不通过", "Reject the acceptance application"),
    A.FORWARD_ACCEPTANCE: Msg("审核通过并报送验收申请", "Forward the acceptance application"),
    A.START_VERIFICATION: Msg("开始现场技术核查", "Start the technical verification"),
    A.REQUEST_RECTIFICATION: Msg("反馈问题，限期整改", "Request rectification"),
    A.RESUBMIT_AFTER_RECTIFICATION: Msg("整改后重新报送", "Resubmit after rectification"),
    A.EXPIRE_VERIFICATION_RECTIFICATION: Msg("整改期满未报送", "Rectification period lapsed"),
    A.PASS_VERIFICATION: Msg("技术核查通过", "Verification passed"),
    A.FAIL_VERIFICATION: Msg("技术核查不通过", "Verification failed"),
    A.PASS_ACCEPTANCE_MEETING: Msg("验收会通过", "Acceptance meeting passed"),
    A.FAIL_ACCEPTANCE_MEETING: Msg("验收会不通过", "Acceptance meeting failed"),
    A.PUBLISH_NAMING_NOTICE: Msg("发布命名公示", "Publish the naming notice"),
    A.UPHOLD_COMPLAINT: Msg("投诉属实，不予命名", "Uphold a complaint"),
    A.NAME_PARK: Msg("命名", "Name the park"),
    A.DECLINE_NAMING: Msg("不予命名", "Decline naming"),
    A.PASS_EVALUATION: Msg("绩效评价合格", "Evaluation passed"),
    A.FAIL_EVALUATION: Msg("绩效评价不合格", "Evaluation failed"),
    A.COMMEND: Msg("通报表扬", "Commend"),
    A.WARN: Msg("警告", "Warn"),
    A.SUBMIT_RECTIFICATION: Msg("提交整改报告", "Submit the rectification"),
    A.PASS_RECHECK: Msg("复核通过", "Recheck passed"),
    A.FAIL_RECHECK: Msg("复核不通过", "Recheck failed"),
    A.EXPIRE_RECTIFICATION: Msg("整改期满", "Rectification period lapsed"),
    A.REQUEST_REVOCATION: Msg("申请撤销称号", "Request revocation"),
    A.REVOKE: Msg("撤销称号", "Revoke the title"),
}

#: What the action does, said to the person about to take it (the state it leads to is shown beside it).
ACTION_EFFECTS: dict[Action, Msg] = {
    A.SUBMIT_APPLICATION: Msg("向省级部门报送创建申请及四项材料（申请、建设规划、守法承诺、规划环评）。",
                              "Sends the application and its four materials (letter, plan, compliance commitment, "
                              "planning EIA) to the provincial departments."),
    A.START_PROVINCIAL_REVIEW: Msg("受理申请，审核材料的合法性、真实性、完整性和建设规划的科学性。",
                                   "Accepts the application and reviews the materials and the plan."),
    A.RETURN_MATERIALS: Msg("将申请材料退回园区补正。", "Returns the materials to the park for completion."),
    A.RESUBMIT_APPLICATION: Msg("报送补正后的申请材料。", "Sends the completed materials again."),
    A.PASS_PLAN_ARGUMENTATION: Msg("记录建设规划已通过专家论证。",
                                   "Records that the plan passed the expert argumentation."),
    A.PUBLISH_PUBLIC_NOTICE: Msg("公示5个工作日，系统按工作日历计算公示截止日。",
                                 "Publishes the notice for 5 working days (the official calendar decides the last)."),
    A.APPROVE_CONSTRUCTION: Msg("公示期满且无未核实的异议，批准园区开展创建，3年建设期自批准之日起算。",
                                "The notice is over and no objection is open: approves construction; the 3-year "
                                "construction period starts on this date."),
    A.REJECT_APPLICATION: Msg("不予批准，本轮申请结束。", "Rejects the application; this cycle ends."),
    A.WITHDRAW: Msg("园区撤回申请或创建，本轮创建结束。", "The park withdraws; this cycle ends."),
    A.REQUEST_EXTENSION: Msg("3年内无法完成建设任务，申请延长建设期（仅一次，至多1年）。",
                             "Asks once for up to one more year of construction."),
    A.GRANT_EXTENSION: Msg("同意延长建设期，填写延长月数（至多12个月）。",
                           "Grants the extension, for up to 12 months."),
    A.REFUSE_EXTENSION: Msg("不同意延期，建设期不变。", "Refuses the extension; the period stays as it is."),
    A.REPORT_MAJOR_CHANGE: Msg("书面报告名称、管理机构、范围、指标或重点项目的重大调整（应在调整后6个月内）。",
                               "Reports in writing a change of name, agency, scope, indicators or key projects "
                               "(within 6 months of the change)."),
    A.ARGUE_MAJOR_CHANGE: Msg("记录已组织专家对重大调整进行论证。", "Records that experts argued the major change."),
    A.REQUIRE_PLAN_REVISION: Msg("要求园区修编建设规划，修编备案前不能申请验收。",
                                 "Requires a revised plan; acceptance waits until it is filed."),
    A.FILE_PLAN_REVISION: Msg("记录修编后的建设规划已论证并备案。",
                              "Records that the revised plan was argued and filed."),
    A.STOP_CREATION: Msg("依第十四条终止园区创建，须选择情形。",
                         "Stops the creation under Art. 14; choose the ground."),
    A.MARK_CREATION_INCOMPLETE: Msg("建设期届满未申请验收，认定创建未完成。",
                                    "The construction period ended without an application for acceptance."),
    A.APPLY_ACCEPTANCE: Msg("报送验收申请、验收报告和电子数据。",
                            "Sends the acceptance application, the acceptance report and the electronic data."),
    A.REJECT_ACCEPTANCE: Msg("省级审核认为不具备验收条件。", "The province finds the park not ready for acceptance."),
    A.FORWARD_ACCEPTANCE: Msg("省级审核通过，报送领导小组办公室，等待现场技术核查。",
                              "The province forwards the application to the Office for on-site verification."),
    A.START_VERIFICATION: Msg("开始现场技术核查。", "Starts the on-site technical verification."),
    A.REQUEST_RECTIFICATION: Msg("反馈核查问题，园区须在1个月内整改并重新报送。",
                                 "Feeds back the problems; the park rectifies within 1 month."),
    A.RESUBMIT_AFTER_RECTIFICATION: Msg("报送整改材料，重新接受核查。", "Sends the rectification for verification."),
    A.EXPIRE_VERIFICATION_RECTIFICATION: Msg("整改期满未报送，验收未通过。",
                                             "The rectification period lapsed; acceptance failed."),
    A.PASS_VERIFICATION: Msg("技术核查通过，可召开验收会。", "Verification passed; the acceptance meeting may follow."),
    A.FAIL_VERIFICATION: Msg("技术核查不通过，不召开验收会。", "Verification failed; no acceptance meeting."),
    A.PASS_ACCEPTANCE_MEETING: Msg("验收会通过，可发布命名公示。",
                                   "The meeting passed the park; the naming notice may follow."),
    A.FAIL_ACCEPTANCE_MEETING: Msg("验收会不通过。", "The meeting did not pass the park."),
    A.PUBLISH_NAMING_NOTICE: Msg("在生态环境部网站公示5个工作日。", "Publishes the naming notice for 5 working days."),
    A.UPHOLD_COMPLAINT: Msg("命名公示期间的投诉经核实属实，不予命名。",
                            "A complaint during the naming notice was found true; the park is not named."),
    A.NAME_PARK: Msg("领导小组联合发文命名，园区可使用称号。",
                     "The leading group names the park by joint document; it may use the title."),
    A.DECLINE_NAMING: Msg("领导小组决定不予命名。", "The leading group declines to name the park."),
    A.PASS_EVALUATION: Msg("记录绩效评价合格（可注明优秀）。", "Records a passed evaluation (excellent if so)."),
    A.FAIL_EVALUATION: Msg("记录绩效评价不合格，可据此警告。", "Records a failed evaluation; a warning may follow."),
    A.COMMEND: Msg("对评价优秀的园区通报表扬。", "Commends a park rated excellent."),
    A.WARN: Msg("警告并限期整改（至多1年），整改期间不得使用称号；须选择第二十七条的情形。",
                "Warns the park, with up to 1 year to rectify and no use of the title meanwhile; "
                "choose the ground of Art. 27."),
    A.SUBMIT_RECTIFICATION: Msg("报送整改报告，等待复核。", "Sends the rectification report for the recheck."),
    A.PASS_RECHECK: Msg("复核通过，恢复使用称号。", "The recheck passed; the title is restored."),
    A.FAIL_RECHECK: Msg("复核不通过，可依第二十八条撤销称号。", "The recheck failed; revocation may follow (Art. 28)."),
    A.EXPIRE_RECTIFICATION: Msg("整改期满未完成整改。", "The rectification period lapsed."),
    A.REQUEST_REVOCATION: Msg("园区申请撤销称号。", "The park asks for its title to be revoked."),
    A.REVOKE: Msg("领导小组撤销称号，须选择第二十八条的情形。",
                  "The leading group revokes the title; choose the ground of Art. 28."),
}

PARTY_NAMES: dict[Party, Msg] = {
    Party.PARK: Msg("园区管理机构", "park management agency"),
    Party.PROVINCE: Msg("省级部门", "provincial departments"),
    Party.OFFICE: Msg("领导小组办公室", "the Office"),
    Party.LEADING_GROUP: Msg("领导小组", "the leading group"),
    Party.SYSTEM: Msg("系统（期限届满）", "the system (a deadline passed)"),
}

PHASE_NAMES: dict[Phase, Msg] = {
    Phase.APPLICATION: Msg("申请", "application"),
    Phase.CREATION: Msg("创建", "creation"),
    Phase.NAMED: Msg("已命名", "named"),
    Phase.ENDED: Msg("已结束", "ended"),
}

#: The grounds of a stop (Art. 14, 12), a warning (Art. 27) and a revocation (Art. 28), by their stored values.
REASON_NAMES: dict[str, dict[str, Msg]] = {
    "stop_creation": {
        "pollution_complaints": Msg("第十四条（一）：发生环境违法或污染事件，群众反映强烈",
                                    "Art. 14 (1): a violation or pollution event with mass complaints"),
        "unreported_major_change": Msg("第十四条（二）：重大调整未按时报告",
                                       "Art. 14 (2): a major change not reported"),
        "other": Msg("第十四条（三）：其他经核实的原因", "Art. 14 (3): another verified cause"),
        "major_change_impact": Msg("第十二条：经论证，重大调整致使创建无法继续",
                                   "Art. 12: the argued change makes the creation untenable"),
    },
    "warn": {
        "pollution_complaints": Msg("第二十七条（一）：环境违法或污染事件，群众反映强烈",
                                    "Art. 27 (1): a violation or pollution event with mass complaints"),
        "unreported_major_change": Msg("第二十七条（二）：重大调整未报告", "Art. 27 (2): a major change not reported"),
        "failed_evaluation": Msg("第二十七条（三）：绩效评价不合格", "Art. 27 (3): a failed performance evaluation"),
        "annual_report": Msg("第二十七条（四）：年度报告逾期或不合规",
                             "Art. 27 (4): the annual report late or non-compliant"),
        "other": Msg("第二十七条（五）：其他情形", "Art. 27 (5): other"),
    },
    "revoke": {
        "serious_pollution": Msg("第二十八条（一）：重大污染事故、突发事件或违反国际公约",
                                 "Art. 28 (1): serious pollution, a major emergency or a breach of a convention"),
        "falsified_data": Msg("第二十八条（二）：数据造假", "Art. 28 (2): falsified data"),
        "failed_after_rectification": Msg("第二十八条（三）：评价不合格且整改后仍不合格",
                                          "Art. 28 (3): a failed evaluation still failing after rectification"),
        "two_failed_evaluations": Msg("第二十八条（四）：连续两次绩效评价不合格",
                                      "Art. 28 (4): two consecutive failed evaluations"),
        "repeated_warnings": Msg("第二十八条（五）：多次警告仍未整改", "Art. 28 (5): repeated warnings not rectified"),
        "no_dedicated_body": Msg("第二十八条（六）：管理机构变更后无专门机构",
                                 "Art. 28 (6): no dedicated body after a change of agency"),
        "voluntary": Msg("第二十八条（七）：园区自愿申请", "Art. 28 (7): at the park's own request"),
        "other": Msg("第二十八条（八）：其他情形", "Art. 28 (8): other"),
    },
}


def state_name(state: State | str) -> Msg:
    zh, en = STATE_NAMES[State(state)]
    return Msg(zh, en)


def action_name(action: Action | str) -> Msg:
    return ACTION_NAMES[Action(action)]


def party_name(party: Party | str) -> Msg:
    return PARTY_NAMES[Party(party)]


def phase_name(phase: Phase | str) -> Msg:
    return PHASE_NAMES[Phase(phase)]


def reason_name(action: Action | str, reason: str) -> Msg:
    """A ground in words; a reason recorded with another action (never expected) reads as itself."""
    return REASON_NAMES.get(Action(action).value, {}).get(reason) or next(
        (names[reason] for names in REASON_NAMES.values() if reason in names), Msg(reason, reason))
