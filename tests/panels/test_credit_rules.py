"""The experts' record as pure rules (no app): the rating window on the official calendar, a rating's parts,
conduct derived from attendance and invitations, the credit score, the proposals a crossing makes, the fees."""

from __future__ import annotations

from datetime import date

import pytest

from panels.rules.credit import (
    CREDIT_DEFAULTS,
    AttendanceFact,
    InvitationFact,
    RatingFact,
    compute_credit,
    credit_rule_problems,
    derived_conduct,
    effective_credit_rules,
    proposals_due,
    rating_problems,
    rating_window,
)
from panels.rules.fees import FeeMember, fee_lines, travels
from scheduling.rules.calendar import WorkingDayCalendar

CALENDAR = WorkingDayCalendar.official()


@pytest.mark.parametrize(("meeting", "closes"), [
    (date(2026, 11, 27), date(2026, 12, 1)),  # Friday: Monday and Tuesday
    (date(2026, 9, 30), date(2026, 10, 9)),  # before the National Day holidays (1-7 October)
    (date(2026, 10, 9), date(2026, 10, 12)),  # Saturday 10 October 2026 is an adjusted workday
])
def test_the_window_counts_working_days_of_the_official_calendar(meeting, closes):
    window = rating_window(meeting, 2, CALENDAR)
    assert (window.opens, window.closes, window.provisional) == (meeting, closes, False)
    assert [window.state(d) for d in (meeting.replace(day=meeting.day - 1), meeting, closes,
                                      date.fromordinal(closes.toordinal() + 1))] == [
        "not_open", "open", "open", "closed"]


def test_a_window_in_a_year_not_loaded_is_provisional():
    assert rating_window(date(2031, 3, 5), 2, CALENDAR).provisional


def test_a_rating_stays_within_each_parts_maximum():
    assert rating_problems({"competence": 40, "discipline": 30, "integrity": 0}, {}) == {}
    problems = rating_problems({"competence": 41, "discipline": 30, "integrity": -1}, {})
    assert set(problems) == {"competence", "integrity"}
    assert "40" in str(problems["competence"])
    # The Office may weigh the parts otherwise, as long as they add up to 100.
    assert rating_problems({"competence": 50, "discipline": 25, "integrity": 25},
                           {"rating_max": {"competence": 50, "discipline": 25, "integrity": 25}}) == {}
    assert credit_rule_problems({"rating_max": {"competence": 50, "discipline": 30, "integrity": 30}})
    assert credit_rule_problems({"suspend_below": 30, "remove_below": 40})
    assert credit_rule_problems(CREDIT_DEFAULTS) == []


def _inv(panel_id, outcome, answered, reason=None, meeting=date(2027, 6, 1), withdrawn=None):
    return InvitationFact(panel_id, meeting, outcome, answered, reason, withdrawn)


def test_conduct_from_attendance_and_invitations():
    attendance = [AttendanceFact(1, date(2027, 1, 20), "absent"), AttendanceFact(2, date(2027, 2, 3), "present"),
                  AttendanceFact(3, date(2027, 2, 10), "left_early")]
    invitations = [
        _inv(4, "accepted", date(2027, 3, 1), meeting=date(2027, 3, 20), withdrawn=date(2027, 3, 15)),  # 5 days
        _inv(5, "accepted", date(2027, 3, 1), meeting=date(2027, 4, 20), withdrawn=date(2027, 3, 2)),  # early
        _inv(6, "declined", date(2027, 1, 3), reason="schedule"),  # a reason: not counted
        _inv(7, "expired", date(2027, 1, 10)), _inv(8, "expired", date(2027, 5, 10)),
        _inv(9, "expired", date(2028, 1, 9)),  # the third silence within 12 months of the second
        _inv(10, "expired", date(2028, 6, 1)),  # counting started again
    ]
    found = [(c.kind, c.panel_id, c.on) for c in derived_conduct(7, attendance, invitations, {})]
    # The third silence within 12 months (10 January 2027 is after 9 January 2027) makes one record.
    assert found == [("no_show", 1, date(2027, 1, 20)), ("late_withdrawal", 4, date(2027, 3, 15)),
                     ("unexcused_declines", 9, date(2028, 1, 9))]
    three = derived_conduct(7, [], invitations[3:], {})
    assert [(c.kind, c.panel_id) for c in three] == [("unexcused_declines", 9)]
    assert derived_conduct(7, [], invitations[3:], {"unexcused_declines": {"months": 6}}) == []
    counted = derived_conduct(7, [], invitations[2:], {"unexcused_declines": {"count": 2, "reasons": ["schedule"]}})
    assert [(c.panel_id, c.on) for c in counted] == [(7, date(2027, 1, 10)), (9, date(2028, 1, 9))]
    assert len({c.key for c in counted}) == 2


def test_credit_is_the_ratings_mean_less_the_records_within_the_lookback():
    today = date(2027, 6, 1)
    ratings = [RatingFact(date(2027, 1, 20), 90), RatingFact(date(2027, 3, 3), 70),
               RatingFact(date(2023, 1, 1), 10)]  # older than 36 months: not counted
    credit = compute_credit(ratings, [("no_show", date(2027, 2, 1)), ("complaint_upheld", date(2020, 1, 1))], {},
                            today)
    assert (credit.score, credit.rating_average, credit.ratings, dict(credit.records), credit.deducted) == (
        60.0, 80.0, 2, {"no_show": 1}, 20)
    assert compute_credit([], [], {}, today).score == 80.0  # neutral before any rating
    assert compute_credit([], [("confidentiality_breach", today)] * 3, {}, today).score == 0.0  # never below 0


def test_proposals_are_made_when_a_condition_becomes_true():
    rules = effective_credit_rules({})
    ok = compute_credit([RatingFact(date(2027, 1, 1), 75)], [], rules, date(2027, 2, 1))
    low = compute_credit([RatingFact(date(2027, 1, 1), 75)], [("complaint_upheld", date(2027, 1, 5))], rules,
                         date(2027, 2, 1))
    assert low.score == 55.0
    assert list(proposals_due(ok, low, rules, status="active", senior=False)) == ["suspend"]
    assert proposals_due(low, low, rules, status="active", senior=False) == {}  # no new crossing
    assert proposals_due(ok, low, rules, status="suspended", senior=False) == {}
    breach = compute_credit([RatingFact(date(2027, 1, 1), 95)], [("confidentiality_breach", date(2027, 1, 5))],
                            rules, date(2027, 2, 1))
    assert list(proposals_due(ok, breach, rules, status="active", senior=False)) == ["remove"]
    great = compute_credit([RatingFact(date(2027, 1, d), 95) for d in range(1, 6)], [], rules, date(2027, 2, 1))
    assert list(proposals_due(ok, great, rules, status="active", senior=False)) == ["promote"]
    assert proposals_due(ok, great, rules, status="active", senior=True) == {}
    assert list(proposals_due(None, low, rules, status="active", senior=False)) == ["suspend"]


def test_fee_lines_pay_those_who_attended_by_title_with_the_chairs_extra_and_travel():
    members = [FeeMember(1, "甲", "senior", "大学", "南京市", True, "present"),
               FeeMember(2, "乙", "deputy_senior", "院", "苏州", False, "left_early"),
               FeeMember(3, "丙", "senior", "所", "", False, "absent")]
    lines = fee_lines(members, 2, "苏州市", {"travel_allowance": 300})
    assert [(x["days"], x["rate"], x["chair_extra"], x["travel"], x["amount"]) for x in lines] == [
        (2, 1500, 300, True, 2 * 1800 + 300), (2, 1200, 0, False, 2400), (0, 1500, 0, False, 0)]
    assert not travels("", "苏州") and travels("无锡", "苏州") and not travels("苏州市", "苏州")
