"""The park pages' blueprint: templates in ``scheduling/templates/scheduling/``, styles in ``scheduling/static/``."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

bp = Blueprint("park_pages", __name__, root_path=str(Path(__file__).resolve().parent.parent),
               template_folder="templates", static_folder="static", static_url_path="/static/scheduling")
