"""The timeline as a picture: rows laid out for a server-drawn SVG (``_timeline_svg.html`` draws them).

One row per entry down a vertical axis, past steps above the "today" line and what is due below it, so the
picture reads the same at 1280 px and at 390 px (it is 360 units wide and never scaled up). Text that would
not fit is shortened with "…" in the picture; the full text is in the row's tooltip and in the text list.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ground.i18n import _l, _ln
from scheduling.pages.common import day, say
from scheduling.pages.entries import Entry

WIDTH = 360
TEXT_X = 42
ROW = 58
TOP = 16
TODAY_GAP = 34
FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
COLOURS = {
    "application": "#2f6db5", "creation": "#2e8b57", "named": "#b07d12", "ended": "#6b7280",
    "event": "#7b4fa8", "panel": "#0f7c8c", "due": "#2e6b50", "overdue": "#b42318",
}


def _width(text: str, size: float) -> float:
    """Rendered width estimate: CJK and full-width characters are one em, others a little over half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else size * 0.58 for c in text)


def fit(text: str, size: float, room: float = WIDTH - TEXT_X - 8) -> str:
    if _width(text, size) <= room:
        return text
    out = ""
    for c in text:
        if _width(out + c + "…", size) > room:
            break
        out += c
    return out + "…"


@dataclass
class Row:
    y: int
    colour: str
    hollow: bool
    dashed: bool
    square: bool
    top: str  # date · article (· provisional)
    title: str
    detail: str
    tooltip: str
    ahead: bool


@dataclass
class Picture:
    height: int
    rows: list[Row]
    today_y: int | None
    today_label: str
    title: str
    summary: str


def draw(entries: list[Entry], today, park_name: str) -> Picture:
    rows: list[Row] = []
    y = TOP
    today_y = None
    provisional_mark = say(_l("provisional"))
    for entry in entries:
        if entry.ahead and today_y is None:
            today_y = y + 4
            y += TODAY_GAP
        top = " · ".join(x for x in (day(entry.on), entry.article, provisional_mark if entry.provisional else "") if x)
        rows.append(Row(
            y=y, colour=COLOURS.get(entry.tone, COLOURS["event"]), hollow=entry.kind == "due",
            dashed=entry.provisional, square=entry.kind in ("event", "panel"), top=fit(top, 12),
            title=fit(entry.title, 15), detail=fit(entry.detail, 12),
            tooltip=" · ".join(x for x in (day(entry.on), entry.title, entry.detail, entry.article, *entry.notes) if x),
            ahead=entry.ahead))
        y += ROW
    if today_y is None:
        today_y = y + 4
        y += TODAY_GAP
    past = sum(1 for e in entries if not e.ahead)
    ahead = len(entries) - past
    summary = say(_ln(
        "Timeline of {park_name}: {past} entry so far, {ahead} due from today ({today}).",
        "Timeline of {park_name}: {past} entries so far, {ahead} due from today ({today}).",
        past, park_name=park_name, past=past, ahead=ahead, today=day(today)))
    return Picture(height=y + 8, rows=rows, today_y=today_y, today_label=say(_l(
        "Today {today}").format(
        today=day(today))),
                   title=say(_l("Park timeline")), summary=summary)
