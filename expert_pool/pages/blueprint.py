"""The pool's page blueprint: its templates (``expert_pool/templates/expert_pool/``), its stylesheet
(``expert_pool/static/pool.css``) and the vocabulary every pool page shows in words."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

from expert_pool.pages.wording import Names

bp = Blueprint("expert_pool", __name__, root_path=str(Path(__file__).resolve().parent.parent),
               template_folder="templates", static_folder="static", static_url_path="/static/expert_pool")


@bp.context_processor
def _names():
    return {"names": Names.for_request()}
