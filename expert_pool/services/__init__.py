"""Operations on the expert pool. They take plain values and an :class:`Actor`, flush, never commit.

``reading`` (what a caller may see, lists, review, history), ``experts`` (create, update, status, confirm),
``records`` (employments, conflicts, unavailability), ``vocabulary`` (specialties, organisations, blacklists),
``duplicates`` (duplicate checks that reveal nothing a caller may not see).
"""

from __future__ import annotations

from expert_pool.services.experts import change_status, confirm_data, create_expert, update_contact, update_expert
from expert_pool.services.reading import (
    FORBIDDEN,
    MaskedExpert,
    expert_history,
    experts_due_for_review,
    experts_for_export,
    get_expert,
    list_experts,
    present,
    snapshot,
)
from expert_pool.services.records import add_conflict, add_employment, add_unavailability, remove_unavailability
from expert_pool.services.vocabulary import (
    blacklist_organization,
    create_organization,
    create_specialty,
    get_organization,
    known_organization,
    lift_blacklisting,
    list_organizations,
    list_specialties,
    organization_choices,
    present_organization,
    resolve_specialties,
)

__all__ = [
    "FORBIDDEN",
    "MaskedExpert",
    "add_conflict",
    "add_employment",
    "add_unavailability",
    "blacklist_organization",
    "change_status",
    "confirm_data",
    "create_expert",
    "create_organization",
    "create_specialty",
    "expert_history",
    "experts_due_for_review",
    "experts_for_export",
    "get_expert",
    "get_organization",
    "known_organization",
    "lift_blacklisting",
    "list_experts",
    "list_organizations",
    "list_specialties",
    "organization_choices",
    "present",
    "present_organization",
    "remove_unavailability",
    "resolve_specialties",
    "snapshot",
    "update_contact",
    "update_expert",
]
