"""Nearby dates offered with a 422 ``draw_infeasible`` follow the official calendar, as date suggestions do."""

from __future__ import annotations

from datetime import date

from ground.actor import SYSTEM
from panels.models import Panel
from panels.services import pool_facts, recusal_rules_for, rule_set_for
from panels.services.infeasible import suggest_dates

NATIONAL_DAY_2026 = {date(2026, 10, d) for d in range(1, 8)}  # 1-7 October 2026 off (chinesecalendar)
MAKE_UP_SATURDAY = date(2026, 10, 10)  # worked in exchange


def test_nearby_dates_skip_public_holidays_and_offer_make_up_workdays(db, park, pool, open_rules):
    rule_set = rule_set_for(SYSTEM, open_rules, "acceptance_meeting")
    panel = Panel(park_id=park.id, kind="acceptance_meeting", convened_by="office", meeting_date=date(2026, 10, 4),
                  size=3, alternates=0, rule_set=rule_set)
    facts = pool_facts(park, date(2026, 9, 20), recusal_rules_for(rule_set, panel), until=date(2026, 10, 20))
    offered = [date.fromisoformat(d) for d in suggest_dates(panel, park, rule_set, facts, [], [], limit=30)]
    db.session.rollback()
    assert offered, "the pool has a panel on most days"
    assert not NATIONAL_DAY_2026 & set(offered), offered  # weekday() < 5 offered 1, 2, 5, 6, 7 October
    assert date(2026, 9, 25) not in offered  # Mid-Autumn Festival, a Friday
    assert MAKE_UP_SATURDAY in offered  # a working Saturday, which weekday() never offered
    assert offered[:3] == [date(2026, 10, 8), date(2026, 9, 30), date(2026, 10, 9)]  # nearest working days first
