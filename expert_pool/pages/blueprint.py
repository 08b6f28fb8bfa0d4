"""The pool's page blueprint: its templates (``expert_pool/templates/expert_pool/``), its stylesheet
(``expert_pool/static/pool.css``) and the vocabulary every pool page shows in words."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint
from markupsafe import Markup, escape

from expert_pool.pages.wording import Names

bp = Blueprint("expert_pool", __name__, root_path=str(Path(__file__).resolve().parent.parent),
               template_folder="templates", static_folder="static", static_url_path="/static/expert_pool")


def option_tags(options, current: str) -> Markup:
    """The ``<option>``s of a list, ``current`` selected. Built here rather than in a template loop: the filters
    list every organisation (1,000s), and the page must render in well under 200 ms."""
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if value == current else ""}>{escape(words)}</option>'
        for value, words in options))


@bp.context_processor
def _names():
    return {"names": Names.for_request(), "option_tags": option_tags}
