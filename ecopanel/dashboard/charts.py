"""Horizontal bar charts laid out on the server (drawn as SVG by ``templates/dashboard/_chart.html``).

Plain data in, plain geometry out: labels are measured with a rough model of the font (a CJK character is one
em wide, a Latin one a little over half), so Chinese labels get the room they need and long English ones are
shortened with an ellipsis (the full text stays in the tooltip and in the chart's table).
"""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 440  # the viewBox width; the picture is drawn at this size and shrinks on narrow screens
FONT = 14
ROW = 26
BAR = 16
VALUE_ROOM = 44  # after the longest bar, for its number
MAX_LABEL_SHARE = 0.5


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of the drawn width of ``text``: wide (CJK, full-width) characters one em, others ~0.6 em."""
    return sum(size if ord(c) >= 0x2E80 else size * 0.6 for c in text)


def shorten(text: str, room: float, size: float = FONT) -> str:
    if text_width(text, size) <= room:
        return text
    out = ""
    for c in text:
        if text_width(out + c + "…", size) > room:
            break
        out += c
    return out.rstrip() + "…"


@dataclass(frozen=True)
class Bar:
    label: str  # as drawn (maybe shortened)
    full_label: str
    value: int
    y: float  # top of the row
    length: float
    highlight: bool


@dataclass(frozen=True)
class BarChart:
    key: str
    title: str
    width: int
    height: int
    label_width: float
    bars: tuple[Bar, ...]
    total: int
    font: int = FONT
    row: int = ROW
    bar: int = BAR

    @property
    def empty(self) -> bool:
        return not self.bars or self.total == 0


def bar_chart(key: str, title: str, rows: list[tuple[str, int, bool]], *, width: int = WIDTH) -> BarChart:
    """Rows ``(label, value, highlight)`` in the order given, as bars scaled to the largest value."""
    label_room = min(width * MAX_LABEL_SHARE, max((text_width(label) for label, _, _ in rows), default=0) + 10)
    largest = max((value for _, value, _ in rows), default=0)
    scale = (width - label_room - VALUE_ROOM) / largest if largest else 0
    bars = tuple(Bar(label=shorten(label, label_room - 10), full_label=label, value=value, y=i * ROW,
                     length=round(value * scale, 1), highlight=highlight)
                 for i, (label, value, highlight) in enumerate(rows))
    return BarChart(key=key, title=title, width=width, height=max(1, len(rows)) * ROW + 4,
                    label_width=round(label_room, 1), bars=bars, total=sum(value for _, value, _ in rows))
