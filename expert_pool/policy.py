"""Who may do what with the pool (plain functions over the :class:`Actor` and plain attributes).

The pool is open and shared with the provincial departments (Art. 37): they read all of it, with
personal data masked, and edit only the experts their province contributed.
"""

from __future__ import annotations

from ground.actor import Actor, Role


def may_read_pool(actor: Actor) -> bool:
    return actor.is_office or actor.role == Role.PROVINCE


def may_read_expert(actor: Actor, expert_id: int) -> bool:
    return may_read_pool(actor) or (actor.role == Role.EXPERT and actor.expert_id == expert_id)


def may_see_personal_data(actor: Actor, expert_id: int) -> bool:
    return actor.is_office or (actor.role == Role.EXPERT and actor.expert_id == expert_id)


def may_see_pool_personal_data(actor: Actor) -> bool:
    """Whether the caller sees every expert's identifiers unmasked (and may search and compare by them)."""
    return actor.is_office


def may_edit_expert(actor: Actor, contributed_by: str | None) -> bool:
    if actor.is_office:
        return True
    return actor.role == Role.PROVINCE and contributed_by is not None and contributed_by == actor.province


def may_confirm_expert(actor: Actor, expert_id: int, contributed_by: str | None) -> bool:
    return may_edit_expert(actor, contributed_by) or (actor.role == Role.EXPERT and actor.expert_id == expert_id)


def may_manage_vocabulary(actor: Actor) -> bool:
    """Specialties and blacklists are the Office's."""
    return actor.is_office


def may_add_organization(actor: Actor) -> bool:
    return actor.is_office or actor.role == Role.PROVINCE


def may_resolve_held_rows(actor: Actor) -> bool:
    """Held import rows carry identifiers in clear and name the experts they matched: the Office's only."""
    return actor.is_office


def may_import(actor: Actor) -> bool:
    return actor.is_office or actor.role == Role.PROVINCE
