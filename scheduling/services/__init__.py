"""Parks and their lifecycle. Operations take an :class:`Actor`, plain values and the clock (``now``); they
flush, never commit (the request, CLI command or sweeper batch commits).

The modules, bottom up: :mod:`.messages`, :mod:`.action_effects` (what an action changes in the facts),
:mod:`.parks` (reading, registering, the public list), :mod:`.transitions` (taking an action),
:mod:`.findings` (objections, major changes found), :mod:`.proposals`, :mod:`.panel_actions` (the actions a
review panel's conclusion takes), :mod:`.timeline`. This package
re-exports the operations other packages, the CLI and the permission table name as ``scheduling.services.*``.
"""

from scheduling.deadlines import proposal_audience
from scheduling.services.findings import record_major_change, record_objection, resolve_objection
from scheduling.services.panel_actions import lock_park, take_panel_actions
from scheduling.services.parks import (
    count_parks_by_state,
    create_park,
    get_park,
    list_parks,
    options_for,
    pending_deadline_rows,
    present_park,
    public_parks,
)
from scheduling.services.proposals import dismiss_proposal, list_proposals, propose_decision
from scheduling.services.timeline import register_timeline_source, timeline
from scheduling.services.transitions import apply_transition, transition_park

__all__ = ["apply_transition", "count_parks_by_state", "create_park", "dismiss_proposal", "get_park",
           "list_parks", "list_proposals",
           "lock_park", "options_for", "pending_deadline_rows", "present_park", "proposal_audience",
           "propose_decision", "public_parks", "record_major_change", "record_objection",
           "register_timeline_source", "resolve_objection", "take_panel_actions", "timeline", "transition_park"]
