"""Sections other packages add to the park's page (the panels of the park, from ``panels.pages``), which the
park pages may not import: the roof registers them, as it registers the timeline's sources."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Flask, current_app

from ground.actor import Actor
from scheduling.models import Park

ParkSection = Callable[[Actor, Park, date], "dict[str, Any] | None"]
_KEY = "park_pages.panel_section"


def register_panel_section(app: Flask, section: ParkSection) -> None:
    app.extensions[_KEY] = section


def panel_section(actor: Actor, park: Park, today: date) -> dict[str, Any] | None:
    section = current_app.extensions.get(_KEY)
    return section(actor, park, today) if section is not None else None
