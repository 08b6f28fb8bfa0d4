"""Recipients grouped by mail language (one helper for every package that mails people)."""

from __future__ import annotations

from notifications.recipients import group_by_language


def test_addresses_are_grouped_by_language_in_order_with_chinese_as_the_fallback():
    pairs = [("a@x.cn", "en"), ("b@x.cn", "zh"), ("c@x.cn", None), ("d@x.cn", "fr"), ("e@x.cn", "en")]
    assert group_by_language(pairs) == {"en": ["a@x.cn", "e@x.cn"], "zh": ["b@x.cn", "c@x.cn", "d@x.cn"]}
    assert group_by_language([]) == {}
    assert group_by_language(iter([("f@x.cn", "zh")])) == {"zh": ["f@x.cn"]}
