"""The park pages: the list (``/parks``), a park's page with its timeline picture and forms (``/parks/<id>``),
and the public list (``/public/parks``, Art. 22).

Modules: :mod:`.blueprint`, :mod:`.common` (language, words, form input, inline errors), :mod:`.listing`,
:mod:`.public`, :mod:`.park` (the page and how forms are answered) with :mod:`.park_view`,
:mod:`.actions_view`, :mod:`.entries` and :mod:`.picture` (the timeline drawn as SVG), :mod:`.forms`.
"""

from scheduling.pages import forms, listing, park, public
from scheduling.pages.blueprint import bp
from scheduling.pages.sections import register_panel_section

__all__ = ["bp", "forms", "listing", "park", "public", "register_panel_section"]
