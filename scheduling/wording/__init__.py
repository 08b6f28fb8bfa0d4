"""The park lifecycle's codes in words, for people (pages, and the services' messages).

Codes (states, actions, parties, reasons, material kinds ...) are stored and shown in the API as they are;
people read them in words, in both languages. :mod:`.actions` names what people do, :mod:`.things` what the
park holds (materials, deadlines, reports, timeline entries).
"""

from scheduling.wording.actions import (
    ACTION_EFFECTS,
    ACTION_NAMES,
    PARTY_NAMES,
    REASON_NAMES,
    action_name,
    party_name,
    phase_name,
    reason_name,
)
from scheduling.wording.rules import conclusion_name, panel_kind_name, rule_text, state_name, term
from scheduling.wording.things import (
    CHANGE_SUBJECT_NAMES,
    DEADLINE_NAMES,
    EVENT_NAMES,
    MATERIAL_KIND_NAMES,
    NOTICE_NAMES,
    PARK_TYPE_NAMES,
    PROGRAMME_NAMES,
    PROPOSAL_STATUS_NAMES,
    REPORT_STATUS_NAMES,
    material_kind_name,
    named,
)

__all__ = [
    "ACTION_EFFECTS",
    "ACTION_NAMES",
    "CHANGE_SUBJECT_NAMES",
    "DEADLINE_NAMES",
    "EVENT_NAMES",
    "MATERIAL_KIND_NAMES",
    "NOTICE_NAMES",
    "PARK_TYPE_NAMES",
    "PARTY_NAMES",
    "PROGRAMME_NAMES",
    "PROPOSAL_STATUS_NAMES",
    "REASON_NAMES",
    "REPORT_STATUS_NAMES",
    "action_name",
    "conclusion_name",
    "material_kind_name",
    "named",
    "panel_kind_name",
    "party_name",
    "phase_name",
    "reason_name",
    "rule_text",
    "state_name",
    "term",
]
