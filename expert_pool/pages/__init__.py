"""The expert pool's pages for staff (the Office and the provincial departments), rendered on the server.

Each page validates with the API's marshmallow schemas and calls the API's services, so the rules, the
masking and the audit are the API's. The roof keeps the base layout and the navigation; this package renders
into it from ``templates/expert_pool/`` and ``static/pool.css``:

``search`` (the pool as a list), ``profile`` (an expert's page), ``records`` (the forms on it), ``editing``
(add and edit), ``imports`` and ``staging`` (import in two steps), ``review`` and ``held`` (with the Office's
held import rows), ``organizations``, ``specialties``; ``sources`` is where packages above the pool add to an
expert's page.
"""

from __future__ import annotations

from expert_pool.pages import (  # noqa: F401  (each module registers its views on the blueprint)
    editing,
    held,
    imports,
    organizations,
    profile,
    records,
    review,
    search,
    specialties,
)
from expert_pool.pages.blueprint import bp
from expert_pool.pages.sources import Section, register_expert_section, register_park_directory

__all__ = ["Section", "bp", "register_expert_section", "register_park_directory"]
