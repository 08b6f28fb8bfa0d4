"""``GET /calendar-feeds/<token>.ics``: a subscribed calendar (no sign-in: the calendar client fetches it; the
token is the credential, see :mod:`panels.seats.feeds`). One route for both kinds of feed: an expert's accepted
meetings, or the meetings a staff user's authority may see (:mod:`panels.agenda.feed`). It lives here because
this package may use the seats' code, not the other way round."""

from __future__ import annotations

from flask import Blueprint, Response

from ground import clock
from ground.errors import NotFound
from ground.extensions import db
from ground.guard import public
from panels.agenda.feed import staff_calendar
from panels.seats import feeds

bp = Blueprint("calendar_feeds", __name__, url_prefix="/calendar-feeds")


@bp.get("/<token>.ics")
@public
def feed(token: str):
    now = clock.now()
    try:
        found = feeds.find_feed(token, now)
        body = feeds.expert_calendar(found, now) if found.expert_id is not None else staff_calendar(found, now)
    except NotFound as error:
        db.session.rollback()
        # A calendar client shows no page: a short plain answer, the same for unknown and revoked tokens.
        return Response(error.message.zh + "\n" + error.message.en + "\n", 404,
                        mimetype="text/plain", headers={"Referrer-Policy": "no-referrer"})
    return Response(body, 200, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="ecopanel.ics"', "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow"})
