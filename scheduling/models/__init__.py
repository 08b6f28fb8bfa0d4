"""Parks of the programme, their lifecycle history, facts, materials, reports, deadlines and the holiday table.

The lifecycle itself is the pure table in :mod:`scheduling.rules.lifecycle`; the rows here are what the service
needs to build a :class:`scheduling.rules.lifecycle.ParkFacts` snapshot from the database:

* ``parks`` carries the facts of the park's *current creation cycle* as dated columns (approval, extension,
  notices, naming, warning, revocation ...); a new application after an ended cycle starts a new ``cycle``
  and clears them (Art. 21), keeping only the revocation that the re-application ban needs (Art. 28);
* ``park_transitions`` is the append-only history (nothing is ever updated or deleted);
* major changes, evaluations, objections and annual reports are rows of their own;
* deadlines (and their reminders) are rows the sweeper claims and fires exactly once;
* the working-day calendar's data is the ``holiday_overrides`` table, with ``calendar_years`` saying which
  years are loaded and ``calendar_state`` a version counter that tells every process to reload.
"""

from scheduling.models.holidays import CalendarState, CalendarYear, HolidayOverride
from scheduling.models.parks import (
    DEADLINE_STATES,
    MATERIAL_KINDS,
    NOTICES,
    PARK_TYPES,
    PROGRAMMES,
    PROPOSAL_STATUSES,
    STATES,
    AnnualReportRecord,
    DeadlineRecord,
    EvaluationRecord,
    MajorChangeRecord,
    Material,
    NoticeObjection,
    Park,
    ParkTransition,
    WarningProposalRecord,
    park_enterprises,
)

__all__ = [
    "DEADLINE_STATES",
    "MATERIAL_KINDS",
    "NOTICES",
    "PARK_TYPES",
    "PROGRAMMES",
    "PROPOSAL_STATUSES",
    "STATES",
    "AnnualReportRecord",
    "CalendarState",
    "CalendarYear",
    "DeadlineRecord",
    "EvaluationRecord",
    "HolidayOverride",
    "MajorChangeRecord",
    "Material",
    "NoticeObjection",
    "Park",
    "ParkTransition",
    "WarningProposalRecord",
    "park_enterprises",
]
