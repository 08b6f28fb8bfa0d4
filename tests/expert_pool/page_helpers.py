"""Signing a test client in to the pages, and the CSRF token a page's form carries."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask_login.utils import _create_identifier

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def signed_in(app, user, lang: str = "zh"):
    """A client with a page session for ``user`` (as the sign-in leaves it), in ``lang``."""
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):  # Flask-Login's "strong" mode
        ident = _create_identifier()
    now = int(datetime.now(UTC).timestamp())
    with client.session_transaction() as session:
        session.update({"_user_id": str(user.id), "_fresh": True, "_id": ident, "auth_at": now, "seen_at": now,
                        "auth_v": user.session_version, "lang": lang})
    return client


def token(client, url: str) -> str:
    """The CSRF token of the form on ``url``."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return CSRF.search(response.get_data(as_text=True)).group(1)


def text(response) -> str:
    return response.get_data(as_text=True)
