"""``/calendar``: every meeting the staff user may see, a month at a time (GET filters, no script needed), and the
user's personal calendar feed (CSRF forms: a new address is shown on the answer only, once; revoke)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, flash, redirect, render_template, request, url_for

from ground import clock
from ground.guard import current_actor
from ground.i18n import _l
from panels.agenda import feed
from panels.agenda.view import calendar_context
from panels.seats.feeds import feed_url
from scheduling.pages.common import say

bp = Blueprint("agenda", __name__, root_path=str(Path(__file__).resolve().parent), template_folder="templates",
               static_folder="static", static_url_path="/static/agenda")
REVOKED = _l("The calendar feed address was revoked; calendars subscribed to it no longer update.")


@bp.route("/calendar")
def calendar():
    return render_template("agenda/calendar.html", **calendar_context(current_actor(), request.args, clock.now()))


@bp.route("/calendar/feed", methods=["POST"])
def issue_feed():
    """A new feed address, shown on this answer only (the old address stops working)."""
    actor, now = current_actor(), clock.now()
    token = feed.issue_feed(actor, now)
    context = calendar_context(actor, request.args, now, new_feed_url=feed_url(token))
    return render_template("agenda/calendar.html", **context)


@bp.route("/calendar/feed/revoke", methods=["POST"])
def revoke_feed():
    feed.revoke_feed(current_actor(), clock.now())
    flash(say(REVOKED), "done")
    return redirect(url_for("agenda.calendar", _anchor="feed"), 303)
