"""Honoraria (pure): the fee sheet of a panel's meeting from the Office's rate table.

**[rule]** The rate is per day and by title (the programme pays experts by professional title, as Chinese
expert-fee rules do); a member who signed in is paid, also one who left early (they served), an absent one is
listed with nothing; travelling from another city than the park's is a flag for finance, with the table's flat
``travel_allowance`` (0 by default: finance settles travel on the receipts).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

FEE_DEFAULTS: dict[str, Any] = {
    "currency": "CNY",
    "per_day": {"senior": 1500, "deputy_senior": 1200, "intermediate": 800, "junior": 500},
    "chair_extra_per_day": 300,
    "travel_allowance": 0,
}
PAID = ("present", "left_early")


def effective_fees(table: Mapping[str, Any]) -> dict[str, Any]:
    return {**FEE_DEFAULTS, **table, "per_day": {**FEE_DEFAULTS["per_day"], **table.get("per_day", {})}}


@dataclass(frozen=True)
class FeeMember:
    expert_id: int
    name: str
    title_rank: str
    organization: str
    city: str
    is_chair: bool
    attendance: str | None  # present | left_early | absent | None (not recorded)


def travels(member_city: str, meeting_city: str) -> bool:
    """From another city: both cities known and different (a missing city is not guessed)."""
    a, b = member_city.strip(), meeting_city.strip()
    return bool(a and b) and a.removesuffix("市") != b.removesuffix("市")


def fee_lines(members: Iterable[FeeMember], days: int, meeting_city: str,
              table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One line per member: days paid, the rate of their title, the chair's extra, travel flag and allowance."""
    t = effective_fees(table)
    lines = []
    for m in members:
        paid = m.attendance in PAID
        rate = t["per_day"].get(m.title_rank, 0)
        extra = t["chair_extra_per_day"] if m.is_chair else 0
        away = travels(m.city, meeting_city)
        allowance = t["travel_allowance"] if (paid and away) else 0
        paid_days = days if paid else 0
        lines.append({"expert_id": m.expert_id, "name": m.name, "title_rank": m.title_rank,
                      "organization": m.organization, "city": m.city, "is_chair": m.is_chair,
                      "attendance": m.attendance, "days": paid_days, "rate": rate, "chair_extra": extra,
                      "travel": away, "travel_allowance": allowance,
                      "amount": paid_days * (rate + extra) + allowance})
    return lines
