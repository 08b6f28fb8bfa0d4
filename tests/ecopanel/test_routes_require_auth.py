"""Generated from the routing table: every endpoint refuses anonymous callers unless it is meant to be public.

A new endpoint is covered the moment it is registered; making one public means adding it here on purpose.
"""

from __future__ import annotations

import pytest

from ground.guard import is_public_endpoint

INTENDED_PUBLIC = {
    "static", "expert_pool.static", "park_pages.static", "meeting_pages.static", "panel_pages.static", "agenda.static",
    "pages.login", "pages.health", "health.Health",
    "api-docs.openapi_json",
    # Art. 22: the public list of parks; expert invitation links (token in the URL) — as they are added
    "parks.PublicParks", "parks.public_parks", "park_pages.public_parks", "invitations.show", "invitations.accept", "invitations.decline",
    # an expert's or a staff user's calendar feed: the secret token in its URL is the credential (panels.seats.feeds)
    "calendar_feeds.feed",
    # the second sign-in step: reachable only with a pending password check in the session (ecopanel.auth.sessions)
    "pages.login_totp", "pages.enrol_totp",
}


def _sample_url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        values[name] = 1 if type(converter).__name__ in ("IntegerConverter", "NumberConverter") else "x"
    return rule.build(values, append_unknown=False)[1]


def test_only_intended_endpoints_are_public(app):
    with app.test_request_context():
        public = {rule.endpoint for rule in app.url_map.iter_rules() if is_public_endpoint(rule.endpoint)}
    assert public <= INTENDED_PUBLIC | {e for e in public if e.startswith("api-docs.")}


def test_every_other_endpoint_refuses_anonymous_callers(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        with app.test_request_context():
            if is_public_endpoint(rule.endpoint):
                continue
        url = _sample_url(rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            if url.startswith("/api/"):
                assert response.status_code == 401, (method, url, response.status_code)
                assert response.json["code"] == "unauthenticated"
            else:
                assert response.status_code in (302, 400), (method, url, response.status_code)
                if response.status_code == 302:
                    assert "/login" in response.headers["Location"]
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("header", ["Bearer ", "Bearer ecp_forged", "Token abc"])
def test_bad_credentials_never_fall_back_to_anonymous(client, header):
    response = client.get("/api/v1/experts", headers={"Authorization": header})
    assert response.status_code == 401
