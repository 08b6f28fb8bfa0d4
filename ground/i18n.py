"""Bilingual (Chinese/English) messages.

Every message a user can read is a :class:`Msg` carrying both languages; the response layer picks
one with :func:`localize`. Chinese is the default language of the programme.
"""

from __future__ import annotations

import re
from typing import Any

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


class Msg(str):
    """A message in both languages; behaves as its English text where a plain ``str`` is expected."""

    zh: str
    en: str

    def __new__(cls, zh: str, en: str) -> Msg:
        obj = super().__new__(cls, en)
        obj.zh = zh
        obj.en = en
        return obj

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en

    def format(self, *args: Any, **kwargs: Any) -> Msg:  # type: ignore[override]
        return Msg(self.zh.format(*args, **kwargs), self.en.format(*args, **kwargs))

    def __reduce__(self):
        return (Msg, (self.zh, self.en))


# marshmallow's and webargs' built-in English messages, so their errors reach Chinese users in Chinese.
_FIXED = {
    "Missing data for required field.": "缺少必填字段。",
    "Unknown field.": "未知字段。",
    "Field may not be null.": "该字段不能为空。",
    "Not a valid string.": "不是有效的字符串。",
    "Not a valid integer.": "不是有效的整数。",
    "Not a valid number.": "不是有效的数字。",
    "Not a valid boolean.": "不是有效的布尔值。",
    "Not a valid date.": "不是有效的日期（格式 YYYY-MM-DD）。",
    "Not a valid datetime.": "不是有效的日期时间。",
    "Not a valid email address.": "不是有效的电子邮箱地址。",
    "Not a valid list.": "不是有效的列表。",
    "Not a valid mapping type.": "不是有效的对象。",
    "Not a valid tuple.": "不是有效的元组。",
    "Not a valid UUID.": "不是有效的 UUID。",
    "Not a valid URL.": "不是有效的网址。",
    "Invalid input type.": "输入类型无效。",
    "Invalid value.": "取值无效。",
    "Invalid JSON body.": "请求体不是有效的 JSON。",
    "Number too large.": "数值过大。",
    "Special numeric values (nan or infinity) are not permitted.": "不允许 NaN 或无穷大。",
    "Not a valid file.": "不是有效的文件。",
    "Shorter than minimum length 1.": "不能为空。",
}
_PATTERNS = [
    (re.compile(r"^Must be one of: (.*)\.$"), "必须是以下之一：{0}。"),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), "长度必须在 {0} 到 {1} 之间。"),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), "长度不能超过 {0}。"),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), "长度不能少于 {0}。"),
    (re.compile(r"^Length must be (\d+)\.$"), "长度必须为 {0}。"),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        "必须大于等于 {0} 且小于等于 {1}。",
    ),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), "必须大于等于 {0}。"),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), "必须小于等于 {0}。"),
    (re.compile(r"^Must be greater than (\S+)\.$"), "必须大于 {0}。"),
    (re.compile(r"^Must be less than (\S+)\.$"), "必须小于 {0}。"),
    (re.compile(r"^String does not match expected pattern\.$"), "格式不正确。"),
]


def translate_builtin(text: str) -> str:
    """Chinese for one of marshmallow's/webargs' English messages (the text itself if unknown)."""
    if text in _FIXED:
        return _FIXED[text]
    for pattern, template in _PATTERNS:
        m = pattern.match(text)
        if m:
            return template.format(*m.groups())
    return text


def localize(value: Any, lang: str) -> Any:
    """Render ``Msg`` objects (recursively in lists and dicts) in ``lang``."""
    if isinstance(value, Msg):
        return value.get(lang)
    if isinstance(value, str):
        return translate_builtin(value) if lang == "zh" else value
    if isinstance(value, dict):
        return {str(k): localize(v, lang) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [localize(v, lang) for v in value]
    return value


def pick_language(accept_languages, explicit: str | None = None) -> str:
    """The caller's language: an explicit choice, else the Accept-Language header, else Chinese."""
    if explicit in LANGUAGES:
        return explicit
    if accept_languages is None:
        return DEFAULT_LANGUAGE
    best = accept_languages.best_match(["zh", "zh-CN", "en", "en-US", "en-GB"], default=DEFAULT_LANGUAGE)
    return "en" if best.startswith("en") else "zh"
