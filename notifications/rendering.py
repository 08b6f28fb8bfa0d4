"""Mail templates: ``templates/mail/<name>.<lang>.txt`` (first line ``Subject: ...``) and optional ``.html``.

Chinese is the default; a template missing in the requested language falls back to Chinese. Rendering is
strict (an undefined variable is an error, never an empty hole in a mail). No Flask here: the outbox
renders when it queues, the preview endpoint renders on demand, both through :func:`render_mail`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jinja2

MAIL_TEMPLATES = Path(__file__).resolve().parent / "templates" / "mail"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


class TemplateProblem(Exception):
    """A template is missing or does not render with the given context."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str | None


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(MAIL_TEMPLATES)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def template_names() -> list[str]:
    """Every template that has a Chinese text version (the ones that can be sent)."""
    return sorted(p.name[: -len(".zh.txt")] for p in MAIL_TEMPLATES.glob("*.zh.txt"))


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
    """Subject, plain text and (if the template has one) HTML of a mail."""
    if language not in LANGUAGES:
        language = DEFAULT_LANGUAGE
    env = environment()
    try:
        try:
            text_template = env.get_template(f"{template}.{language}.txt")
        except jinja2.TemplateNotFound:
            language = DEFAULT_LANGUAGE
            text_template = env.get_template(f"{template}.{language}.txt")
        raw = text_template.render(**context)
    except jinja2.TemplateNotFound as exc:
        raise TemplateProblem(f"no mail template {template!r}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"mail template {template}.{language}: {exc}") from exc
    first, _, body = raw.partition("\n")
    if not first.startswith("Subject:"):
        raise TemplateProblem(f"mail template {template}.{language}.txt must start with 'Subject: '")
    subject = " ".join(first[len("Subject:"):].split())  # one line, whatever the template's whitespace
    html = None
    try:
        html_template = env.get_template(f"{template}.{language}.html")
    except jinja2.TemplateNotFound:
        pass
    else:
        try:
            html = html_template.render(subject=subject, **context)
        except jinja2.TemplateError as exc:
            raise TemplateProblem(f"mail template {template}.{language}.html: {exc}") from exc
    return RenderedMail(subject=subject, text=body.lstrip("\n"), html=html)
