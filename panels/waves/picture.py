"""A wave as a calendar picture drawn on the server: the window's working days across, one row per park (its
name at the left), each meeting a block on its day; unplaced parks are rows without a block. The picture
scrolls inside its box on a phone (the page itself never scrolls sideways)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ground import clock
from ground.i18n import _l
from panels.waves.inputs import working_days
from scheduling.pages.common import say
from scheduling.pages.picture import FONT

LABEL_W, DAY_W, ROW_H, HEAD_H = 168, 20, 24, 44
__all__ = ["FONT", "calendar_picture"]


def _short(name: str, room: int = 11) -> str:
    return name if len(name) <= room else name[:room - 1] + "…"


def calendar_picture(wave: dict[str, Any]) -> dict[str, Any]:
    days = working_days(date.fromisoformat(wave["from"]), date.fromisoformat(wave["to"]), clock.now())
    column = {d.isoformat(): i for i, d in enumerate(days)}
    rows = []
    for m in wave["meetings"]:
        i = column.get(m["date"], 0)
        rows.append({"name": _short(m["park_name"]), "full": m["park_name"], "date": m["date"],
                     "x": LABEL_W + i * DAY_W + 2, "text_x": LABEL_W + i * DAY_W + DAY_W + 4,
                     "anchor_end": i > len(days) - 4, "end_x": LABEL_W + i * DAY_W - 4,
                     "label": m["date"][5:].replace("-", "/"), "kept": m["kept"]})
    for u in wave["unplaced"]:
        rows.append({"name": _short(u["park_name"]), "full": u["park_name"], "date": None,
                     "label": say(_l("not placed"))})
    for n, r in enumerate(rows):
        r["y"] = HEAD_H + n * ROW_H
    ticks = [{"x": LABEL_W + i * DAY_W + DAY_W / 2, "label": f"{d.month}/{d.day}", "monday": d.weekday() == 0}
             for i, d in enumerate(days) if d.weekday() == 0 or i == 0]
    width = LABEL_W + max(1, len(days)) * DAY_W + 48
    return {"width": width, "height": HEAD_H + max(1, len(rows)) * ROW_H + 8, "rows": rows, "ticks": ticks,
            "days": len(days), "label_w": LABEL_W, "day_w": DAY_W, "row_h": ROW_H, "head_h": HEAD_H,
            "title": say(_l("The wave's meetings by day")),
            "summary": say(_l("{n} meetings over {d} working days; each row is a park, its block the day of its "
                              "meeting.").format(n=len(wave["meetings"]), d=len(days)))}
