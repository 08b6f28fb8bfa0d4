"""Messages a user reads, through gettext catalogs (Flask-Babel).

Source strings are English: a message is written ``_l("English")`` (lazy gettext), ``_lp("context",
"English")`` where one English text needs two Chinese wordings, and ``_ln("{n} row", "{n} rows", n)`` where a
count is shown. The Chinese lives in the ``zh_CN`` catalog (``ground/translations``, one catalog for every
package; ``scripts/i18n.sh`` extracts, updates and checks it). Chinese is the default language of the
programme; the response layer renders a message in the reader's language with :func:`localize`.

A message is a :class:`Msg`: a ``str`` whose plain value is its English text (so logs, keys and comparisons
see one stable text), rendered in a language by ``get(lang)``, and in the current request's language when a
template prints it. ``.format(...)`` is lazy as well: the values are filled in after the translation, each in
the same language (a value may itself be a message; a ``date`` is written the reader's way, ``2027年4月6日`` or
``April 6, 2027``: machine formats, never a message, keep ISO).

The catalogs are compiled from the ``.po`` files in memory at first use in each process (see
:func:`catalog`): nothing binary is committed, nothing is built by the install, and a compiled catalog can
never be older than its source.

``Msg(zh, en)`` with two texts remains only for wording that is data rather than a catalog message (what is
stored in both languages, a province's names, the column headers of the import file); :func:`bilingual` is
its name. A literal pair in the source is refused by ``tests/test_i18n_catalog.py``. The pure rules mark
English msgids with ``expert_pool.rules.messages.N_`` and hold a message with values as a ``Text``; it is
translated where shown, by :func:`text_message`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import has_request_context
from flask_babel import get_locale, get_translations
from markupsafe import escape

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LOCALES = {"zh": "zh_CN", "en": "en"}
CATALOG_DIRECTORY = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


def locale_of(lang: str | None) -> str:
    """The catalog locale of a language code (``zh`` -> ``zh_CN``)."""
    return LOCALES.get(lang or DEFAULT_LANGUAGE, LOCALES[DEFAULT_LANGUAGE])


def language_of(locale: Any) -> str:
    """The language code of a locale (``zh_CN`` -> ``zh``)."""
    return "en" if str(locale or "").startswith("en") else "zh"


@lru_cache(maxsize=8)
def catalog(locale: str) -> NullTranslations:
    """The compiled catalog of ``locale``, compiled from its ``.po`` in memory once per process.

    Fuzzy and empty entries are left out, as ``pybabel compile`` does: such a message shows its English.
    """
    path = CATALOG_DIRECTORY / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as source:
        messages = read_po(source, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, messages, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def translations(lang: str) -> NullTranslations:
    return catalog(locale_of(lang))


def current_language() -> str:
    """The language of the current request (Chinese outside a request)."""
    if not has_request_context():
        return DEFAULT_LANGUAGE
    return language_of(get_locale())


def _in(value: Any, lang: str) -> Any:
    """A value filled into a message in ``lang``: a message in that language, a date in its words."""
    if isinstance(value, Msg):
        return value.get(lang)
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value, format="long", locale=locale_of(lang))
    return value


class Msg(str):
    """A message, rendered in a language on demand; as a plain ``str`` it is its English text.

    Built by :func:`_l`, :func:`_lp`, :func:`_ln` (catalog messages) or, for data in two languages,
    :func:`bilingual` (``Msg(zh, en)``).
    """

    _render: Callable[[str], str]

    def __new__(cls, zh: str, en: str) -> Msg:
        return cls._lazy(en, lambda lang: zh if lang == "zh" else en)

    @classmethod
    def _lazy(cls, english: str, render: Callable[[str], str]) -> Msg:
        obj = str.__new__(cls, english)
        obj._render = render
        return obj

    def get(self, lang: str) -> str:
        return self._render(lang)

    @property
    def zh(self) -> str:
        return self.get("zh")

    @property
    def en(self) -> str:
        return self.get("en")

    def format(self, *args: Any, **kwargs: Any) -> Msg:  # type: ignore[override]
        """Filled in lazily: each language's text with the values in that language."""

        def render(lang: str) -> str:
            return self.get(lang).format(*(_in(a, lang) for a in args), **{k: _in(v, lang) for k, v in kwargs.items()})

        return Msg._lazy(render("en"), render)

    def __html__(self) -> str:
        # A template printing a message prints it in the reader's language.
        return str(escape(self.get(current_language())))

    def __reduce__(self):
        return (Msg, (self.get("zh"), self.get("en")))


def bilingual(zh: str, en: str) -> Msg:
    """Wording that is data in both languages (not a catalog message), e.g. an import file's column header."""
    return Msg(zh, en)


def as_is(text: str) -> Msg:
    """A text that is no message (a code with no name yet, a name): the same in every language."""
    return Msg._lazy(text, lambda lang: text)


def _l(message: str) -> Msg:
    """Lazy gettext: ``message`` (English, the msgid) in the reader's language."""
    return Msg._lazy(message, lambda lang: translations(lang).ugettext(message))


def _lp(context: str, message: str) -> Msg:
    """Lazy pgettext: for one English text with more than one Chinese wording."""
    return Msg._lazy(message, lambda lang: translations(lang).upgettext(context, message))


def _ln(singular: str, plural: str, n: int, /, **values: Any) -> Msg:
    """Lazy ngettext: the form for ``n`` (available as ``{n}``), filled in with ``values``."""
    message = Msg._lazy(singular if n == 1 else plural,
                        lambda lang: translations(lang).ungettext(singular, plural, n))
    values.setdefault("n", n)
    return message.format(**values)


def day(value: date, format: str = "long") -> Msg:
    """A date in the reader's words (``2027年4月6日``, ``April 6, 2027``): for dates in messages, never in
    machine formats (API JSON, CSV, iCalendar, form inputs keep ISO). As a ``str``, its English."""
    return Msg._lazy(format_date(value, format=format, locale="en"),
                     lambda lang: format_date(value, format=format, locale=locale_of(lang)))


def listing(items: Iterable[Any], style: str = "standard") -> Msg:
    """Words (messages or plain text) as a list in the reader's language (``甲、乙和丙``, ``a, b, and c``;
    ``style="or"``: ``甲、乙或丙``, ``a, b, or c``)."""
    items = list(items)

    def render(lang: str) -> str:
        words = [str(_in(item, lang)) for item in items]
        return format_list(words, style=style, locale=locale_of(lang)) if words else ""

    return Msg._lazy(render("en"), render)


def joined(items: Iterable[Any], separator: Msg) -> Msg:
    """Sentences (messages or text) one after the other, ``separator`` (a message) between them."""
    items = list(items)

    def render(lang: str) -> str:
        return separator.get(lang).join(str(_in(item, lang)) for item in items)

    return Msg._lazy(render("en"), render)


def text_message(text: Any) -> Msg:
    """A pure rule's message (``expert_pool.rules.messages``) in the reader's language, lazily.

    Duck-typed, as the ground imports nothing of ours: a ``Text`` has a ``message`` (an English msgid with
    ``{placeholders}``) and its ``values``; a ``Term`` has a ``message`` and a ``context`` (a msgid among the
    values). Among the values a ``Text`` or ``Term`` is translated too, a ``Bilingual`` (``zh``, ``en``: data)
    shown in the reader's language, a date written the reader's way, a tuple listed in the reader's words;
    anything else is filled in as it is.
    """
    if hasattr(text, "values"):
        return _l(text.message).format(**{k: _rule_value(v) for k, v in text.values.items()})
    return _lp(text.context, text.message) if text.context else _l(text.message)


def _rule_value(value: Any) -> Any:
    if isinstance(value, Msg):
        return value
    if hasattr(value, "zh") and hasattr(value, "en"):  # a ``Bilingual``: data in both languages
        return bilingual(value.zh, value.en)
    if hasattr(value, "message") and (hasattr(value, "values") or hasattr(value, "context")):
        return text_message(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, tuple):
        return listing(_rule_value(v) for v in value)
    return value


def N_(message: str) -> str:
    """Marks a text for extraction where it is translated later (a key of a table, say)."""
    return message


# marshmallow's and webargs' built-in English messages, so their errors reach Chinese users in Chinese.
# Marked here for the catalog; their Chinese is in the zh_CN catalog like every other message.
BUILTIN_MESSAGES = frozenset({
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Field may not be null."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid email address."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid tuple."),
    N_("Not a valid UUID."),
    N_("Not a valid URL."),
    N_("Invalid input type."),
    N_("Invalid value."),
    N_("Invalid JSON body."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    N_("Not a valid file."),
    N_("Shorter than minimum length 1."),
})
_PATTERNS = [
    (re.compile(r"^Must be one of: (.*)\.$"), N_("Must be one of: {0}.")),
    (re.compile(r"^Length must be between (\d+) and (\d+)\.$"), N_("Length must be between {0} and {1}.")),
    (re.compile(r"^Longer than maximum length (\d+)\.$"), N_("Longer than maximum length {0}.")),
    (re.compile(r"^Shorter than minimum length (\d+)\.$"), N_("Shorter than minimum length {0}.")),
    (re.compile(r"^Length must be (\d+)\.$"), N_("Length must be {0}.")),
    (
        re.compile(r"^Must be greater than or equal to (\S+) and less than or equal to (\S+)\.$"),
        N_("Must be greater than or equal to {0} and less than or equal to {1}."),
    ),
    (re.compile(r"^Must be greater than or equal to (\S+)\.$"), N_("Must be greater than or equal to {0}.")),
    (re.compile(r"^Must be less than or equal to (\S+)\.$"), N_("Must be less than or equal to {0}.")),
    (re.compile(r"^Must be greater than (\S+)\.$"), N_("Must be greater than {0}.")),
    (re.compile(r"^Must be less than (\S+)\.$"), N_("Must be less than {0}.")),
    (re.compile(r"^String does not match expected pattern\.$"), N_("String does not match expected pattern.")),
]


def translate_builtin(text: str, lang: str = "zh") -> str:
    """One of marshmallow's/webargs' English messages in ``lang`` (the text itself if unknown)."""
    if text in BUILTIN_MESSAGES:
        return translations(lang).ugettext(text)
    for pattern, template in _PATTERNS:
        m = pattern.match(text)
        if m:
            return translations(lang).ugettext(template).format(*m.groups())
    return text


def localize(value: Any, lang: str) -> Any:
    """Render messages (recursively in lists and dicts) in ``lang``."""
    if isinstance(value, Msg):
        return value.get(lang)
    if isinstance(value, str):
        return translate_builtin(value, lang) if lang != "en" else value
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


def install_template_gettext(jinja_env) -> None:
    """``_``, ``gettext``, ``ngettext`` and ``pgettext`` in templates, over the request's catalog.

    Old-style, as Jinja's i18n extension calls it: ``_("Page %d of %d") | format(page, pages)``; keyword values,
    ``_("%(n)d rows", n=3)``, are filled in too.
    """

    def fill(text: str, values: dict[str, Any]) -> str:
        return text % values if values else text  # a plain str: the template escapes it with its values

    def gettext(message: str, /, **values: Any) -> str:
        return fill(get_translations().ugettext(message), values)

    def ngettext(singular: str, plural: str, n: int, /, **values: Any) -> str:
        values.setdefault("num", n)
        return fill(get_translations().ungettext(singular, plural, n), values)

    def pgettext(context: str, message: str, /, **values: Any) -> str:
        return fill(get_translations().upgettext(context, message), values)

    jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, pgettext=pgettext, newstyle=False)
