"""The convening pages' blueprint: templates in ``panels/templates/panels/``, styles in ``panels/static/``."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint

bp = Blueprint("panel_pages", __name__, root_path=str(Path(__file__).resolve().parent.parent),
               template_folder="templates", static_folder="static", static_url_path="/static/panels")
