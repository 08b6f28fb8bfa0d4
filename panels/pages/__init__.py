"""The convening pages: a panel convened step by step, each step one page, resumable.

1. :mod:`.meeting` (``/parks/<id>/convene``): kind, place, size, a window of dates -> the date suggestions as a
   calendar; 2. :mod:`.rules_step`: the rule set in words and the eligibility funnel; 3. :mod:`.drawing`: the
   supervisor confirms, the witness value, the draw (infeasible: relaxations and nearby dates as buttons);
4.-6. :mod:`.panel` (``/panels/<id>``, with :mod:`.panel_view` and :mod:`.chances`): the result, the mails'
   preview and sending, the answers, replacements, moving or cancelling the meeting. :mod:`.listing`:
   ``/panels`` and the park page's section. Before the draw the request lives in the query string
   (:mod:`.request`); the draw creates the panel, whose page then shows the next step.
"""

from panels.pages import drawing, listing, meeting, panel, rules_step
from panels.pages.blueprint import bp
from panels.pages.listing import park_panels
from panels.pages.sources import register_supervisor_check

__all__ = ["bp", "drawing", "listing", "meeting", "panel", "park_panels", "register_supervisor_check",
           "rules_step"]
