"""The panels' tables: panels, draws, members and bookings, rule sets, and each seat's invitation.

Nothing here is updated in place once it has been relied on: a rule set change is a new version, a
replacement is a new draw round, a declined member keeps their row with the outcome. (Art. 13: archives.)
"""

from panels.models.feeds import CalendarFeed
from panels.models.invitations import (
    INVITATION_EVENTS,
    INVITATION_STATUSES,
    RESPONSE_EVENTS,
    Invitation,
    InvitationEvent,
    add_event,
)
from panels.models.panels import (
    ACTIVE_MEMBER,
    MEMBER_ROLES,
    MEMBER_STATUSES,
    PANEL_KINDS,
    PANEL_STATUSES,
    Booking,
    Draw,
    Panel,
    PanelMember,
    RuleSet,
)

__all__ = [
    "ACTIVE_MEMBER", "INVITATION_EVENTS", "INVITATION_STATUSES", "MEMBER_ROLES", "MEMBER_STATUSES", "PANEL_KINDS",
    "PANEL_STATUSES", "RESPONSE_EVENTS", "Booking", "CalendarFeed", "Draw", "Invitation", "InvitationEvent", "Panel",
    "PanelMember", "RuleSet", "add_event",
]
