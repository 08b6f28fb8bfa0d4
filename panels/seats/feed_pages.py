"""``GET /calendar-feeds/<token>.ics``: an expert's subscribed calendar of accepted meetings (no sign-in: the
calendar client fetches it; the token is the credential, see :mod:`panels.seats.feeds`)."""

from __future__ import annotations

from flask import Blueprint, Response

from ground import clock
from ground.errors import NotFound
from ground.guard import public
from panels.seats import feeds

bp = Blueprint("calendar_feeds", __name__, url_prefix="/calendar-feeds")


@bp.get("/<token>.ics")
@public
def feed(token: str):
    try:
        body = feeds.feed_calendar(token, clock.now())
    except NotFound as error:
        # A calendar client shows no page: a short plain answer, the same for unknown and revoked tokens.
        return Response(error.message.zh + "\n" + error.message.en + "\n", 404,
                        mimetype="text/plain", headers={"Referrer-Policy": "no-referrer"})
    return Response(body, 200, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="ecopanel.ics"', "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex, nofollow"})
