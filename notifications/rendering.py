"""Mail templates: ``templates/mail/<name>.txt`` (first line ``Subject: ...``) and optional ``<name>.html``.

One template per mail, every sentence a gettext message (``{% trans %}`` blocks and ``_()``), rendered in the
RECIPIENT's language: one Jinja environment per language, with that language's catalog installed (the same
``ground/translations`` catalog the pages use, read without Flask: the outbox renders when it queues, in a
request or in a worker, and the preview endpoint renders on demand, both through :func:`render_mail`).
Dates in the context are ISO strings (that is how the context is stored); the ``date`` filter writes them
the recipient's way (``2027年3月10日`` / ``March 10, 2027``). Chinese is the default.

Rendering is strict (an undefined variable is an error, never an empty hole in a mail).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date

from ground.i18n import DEFAULT_LANGUAGE, LANGUAGES, locale_of, translations

MAIL_TEMPLATES = Path(__file__).resolve().parent / "templates" / "mail"
HTML_LANG = {"zh": "zh-CN", "en": "en"}


class TemplateProblem(Exception):
    """A template is missing or does not render with the given context."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


def local_date(value: Any, format: str = "long", *, language: str = DEFAULT_LANGUAGE) -> str:
    """A date (or its ISO text) in ``language``'s words; anything else as it is (say, ``None`` or "")."""
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        return "" if value is None else str(value)
    return format_date(value, format=format, locale=locale_of(language))


def local_datetime(value: Any, *, language: str = DEFAULT_LANGUAGE) -> str:
    """``2027-03-01 23:59`` (as the context stores a wall-clock time) with its date in ``language``'s words."""
    text = str(value or "")
    if len(text) < 16:
        return local_date(text, language=language)
    return f"{local_date(text[:10], language=language)} {text[11:16]}"


@cache
def environment(language: str = DEFAULT_LANGUAGE) -> jinja2.Environment:
    """The mail templates in ``language``: its catalog installed (new-style gettext: ``_("%(n)s", n=1)``
    fills in and escapes its values), ``date`` formatting by its locale."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(MAIL_TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(language), newstyle=True)
    env.filters["date"] = lambda value, format="long": local_date(value, format, language=language)
    env.filters["datetime"] = lambda value: local_datetime(value, language=language)
    env.globals["html_lang"] = HTML_LANG[language]
    return env


def template_names() -> list[str]:
    """Every mail that can be sent: each ``<name>.txt`` (``_``-prefixed files are parts, not mails)."""
    return sorted(p.stem for p in MAIL_TEMPLATES.glob("*.txt") if not p.name.startswith("_"))


def json_ready(value: Any) -> Any:
    """The context as it is stored (JSON): dates become ISO strings, so a re-render sees what was stored."""

    def default(obj: Any) -> Any:
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        if isinstance(obj, (set, frozenset, tuple)):
            return list(obj)
        return str(obj)

    return json.loads(json.dumps(value, default=default, ensure_ascii=False))


def render_mail(template: str, language: str, context: dict[str, Any]) -> RenderedMail:
    """Subject, plain text and (if the template has one) HTML of a mail, in ``language``."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    env = environment(language)
    try:
        raw = env.get_template(f"{template}.txt").render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(f"no mail template {template!r}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"mail template {template} ({language}): {exc}") from exc
    first, _, body = raw.partition("\n")
    if not first.startswith("Subject:"):
        raise TemplateProblem(f"mail template {template}.txt must start with 'Subject: '")
    subject = " ".join(first[len("Subject:"):].split())  # one line, whatever the template's whitespace
    html = None
    try:
        html_template = env.get_template(f"{template}.html")
    except jinja2.TemplateNotFound:
        pass
    else:
        try:
            html = html_template.render(subject=subject, **context)
        except jinja2.TemplateError as exc:
            raise TemplateProblem(f"mail template {template}.html ({language}): {exc}") from exc
    return RenderedMail(subject=subject, text=body.lstrip("\n"), html=html)
