"""``/parks/<id>``: the park's page, and the way every form on it is answered.

A form's input goes through the API's own schema and the same service as the API; a refusal or bad input
rolls back and shows the page again with the message by the form (4xx, never a 500); a success redirects
back to the page (post/redirect/get) with a note of what was done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import render_template, url_for

from ground import clock
from ground.guard import current_actor
from scheduling.pages.blueprint import bp
from scheduling.pages.common import Failure, answered, form_input
from scheduling.pages.park_view import park_context


def show_park(park_id: int, failure: Failure | None = None, status: int = 200):
    context = park_context(current_actor(), park_id, clock.now(), failure)
    return render_template("scheduling/park.html", **context), status


@bp.route("/parks/<int:park_id>")
def park(park_id: int):
    """The park's page: facts, the timeline as a picture, what the viewer may do now, and its records."""
    return show_park(park_id)


def answer_form(park_id: int, form: str, fields: tuple[str, ...], schema: type[ma.Schema] | None,
                act: Callable[[Any, dict[str, Any], Any], Any], done: Callable[[Any], Any], anchor: str):
    """Load the form with ``schema``, call ``act(actor, data, now)``, then flash ``done(result)`` and go back."""
    data, typed = form_input(fields)

    def run():
        loaded = schema().load(data) if schema is not None else data
        return act(current_actor(), loaded, clock.now())

    return answered(form, typed, run, lambda failure, status: show_park(park_id, failure, status), done,
                    url_for("park_pages.park", park_id=park_id, _anchor=anchor))
