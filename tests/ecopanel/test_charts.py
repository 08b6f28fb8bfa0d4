"""The dashboard's bar charts: geometry from plain data (no app)."""

from __future__ import annotations

import pytest

from ecopanel.dashboard.charts import FONT, WIDTH, bar_chart, shorten, text_width


def test_bars_scale_to_the_largest_value_and_leave_room_for_labels_and_numbers():
    chart = bar_chart("k", "园区", [("江苏", 10, False), ("广东", 5, True), ("西藏", 0, False)])
    a, b, c = chart.bars
    assert chart.total == 15 and not chart.empty
    assert a.length == 2 * b.length and c.length == 0
    assert chart.label_width >= text_width("江苏") and chart.label_width + a.length <= WIDTH - 40
    assert [bar.y for bar in chart.bars] == [0, chart.row, 2 * chart.row] and b.highlight
    assert chart.height == 3 * chart.row + 4


def test_cjk_is_measured_wide_and_long_labels_are_shortened():
    assert text_width("中文") == 2 * FONT and text_width("ab") == pytest.approx(1.2 * FONT)
    long = "Environmental risk and emergency management"
    chart = bar_chart("k", "t", [(long, 3, False)])
    assert chart.bars[0].label.endswith("…") and chart.bars[0].full_label == long
    assert text_width(chart.bars[0].label) <= chart.label_width
    assert shorten("短", 100) == "短"


def test_an_empty_chart_says_so():
    assert bar_chart("k", "t", []).empty and bar_chart("k", "t", [("a", 0, False)]).empty
