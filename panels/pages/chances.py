"""Each eligible expert's chance in a draw, as a picture for the Office: how the chances are spread (a
histogram against the even share, seats / eligible), and who is over-represented and why (a quota group few
eligible experts belong to, e.g. a rare specialty). Read from ``panels.services.eligibility`` (the same
numbers as ``GET /api/v1/panels/{id}/eligibility``) and the draw's committed inputs; provinces get neither."""

from __future__ import annotations

from statistics import median
from typing import Any

from sqlalchemy import select

from expert_pool.models import Expert
from ground.extensions import db
from ground.i18n import _l, bilingual
from panels.models import Panel
from panels.rules.rulesets import describe_group
from panels.services import eligibility
from panels.services.group_names import group_names
from scheduling.pages.common import say

BUCKETS = 20
WIDTH, HEIGHT, PAD = 560, 180, 28
OVER = 1.5  # "over-represented": at least this many times the median chance
LISTED = 10


def _why(groups: list[str], holders: dict[str, int], quotas: dict[str, int]) -> str:
    """The quota groups with a minimum that few eligible experts share, in words."""
    rare = sorted((holders[g], g) for g in groups if quotas.get(g, 0) > 0)
    if not rare:
        return say(_l("the combination of caps (organisation, province)"))
    count, group = rare[0]
    zh, en = describe_group(group, group_names([group]))
    return say(_l(
        "{name}: only {n} eligible experts have it, the rules need at least {m}").format(
        name=bilingual(zh, en), n=count, m=quotas[group]))


def chances_picture(panel: Panel) -> dict[str, Any] | None:
    draw = panel.draws[-1]
    data = eligibility(panel, draw.round, True, 1, 1_000_000, reveal_all=True)
    probs = {i["expert_id"]: i["probability"] for i in data["items"] if i["probability"] is not None}
    if not probs:
        return None
    values = sorted(probs.values())
    even = draw.inputs["size"] / len(values)
    top = max(max(values), even) * 1.2 or 1.0  # room right of the tallest chance and the even share
    counts = [0] * BUCKETS
    for p in values:
        counts[min(BUCKETS - 1, int(p / top * BUCKETS))] += 1
    tallest = max(counts) or 1
    bar_w = (WIDTH - 2 * PAD) / BUCKETS
    bars = [{"x": round(PAD + i * bar_w, 1), "w": round(bar_w - 2, 1), "h": round((HEIGHT - 2 * PAD) * c / tallest, 1),
             "y": round(HEIGHT - PAD - (HEIGHT - 2 * PAD) * c / tallest, 1), "n": c,
             "lo": round(i * top / BUCKETS, 3), "hi": round((i + 1) * top / BUCKETS, 3)} for i, c in enumerate(counts)]
    even_x = round(PAD + (WIDTH - 2 * PAD) * min(even / top, 1.0), 1)
    mid = median(values)
    groups = {int(cid): g for cid, g in draw.inputs["candidates"]}
    holders: dict[str, int] = {}
    for g in groups.values():
        for name in g:
            holders[name] = holders.get(name, 0) + 1
    quota_min = {g: lo for g, lo, _hi in draw.inputs["quotas"] if lo}
    over = sorted(((p, eid) for eid, p in probs.items() if mid and p >= OVER * mid), reverse=True)[:LISTED]
    names = dict(db.session.execute(select(Expert.id, Expert.name).where(Expert.id.in_([e for _, e in over]))).all())
    return {"bars": bars, "width": WIDTH, "height": HEIGHT, "pad": PAD, "even": round(even, 4), "even_x": even_x,
            "top": round(top, 3), "eligible": len(values), "median": round(mid, 4),
            "min": round(values[0], 4), "max": round(values[-1], 4),
            "over": [{"expert_id": eid, "name": names.get(eid, str(eid)), "p": f"{p:.4f}",
                      "why": _why(sorted(groups.get(eid, ())), holders, quota_min)} for p, eid in over]}
