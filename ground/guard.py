"""Who is calling: the acting user of the current request, and which views need none.

The roof's ``ecopanel.auth.guard`` authenticates each request and stores the :class:`Actor` here; domain
routes read it with :func:`current_actor` and mark views open to everyone with :func:`public`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g

from ground.actor import Actor
from ground.errors import DomainError
from ground.i18n import _l

F = TypeVar("F", bound=Callable)


class Unauthenticated(DomainError):
    status = 401
    default_code = "unauthenticated"


def public(view: F) -> F:
    """Mark a view (function or MethodView class) as reachable without signing in."""
    view._public = True  # type: ignore[attr-defined]
    return view


def is_static_endpoint(endpoint: str | None) -> bool:
    """The application's static files and those of a blueprint's static folder (``<blueprint>.static``)."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None or is_static_endpoint(endpoint) or endpoint.startswith("api-docs."):
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "_public", False) or getattr(getattr(view, "view_class", None), "_public", False))


def current_actor() -> Actor:
    actor = g.get("actor")
    if actor is None:
        raise Unauthenticated(None, _l("Authentication required."))
    return actor
