"""Who is asking: a plain value the services take instead of reading Flask's globals."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.StrEnum):
    OFFICE = "office"
    PROVINCE = "province"
    PARK = "park"
    EXPERT = "expert"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """The authenticated caller, with the scope its role is confined to."""

    user_id: int | None
    label: str
    role: Role
    province: str | None = None
    park_id: int | None = None
    expert_id: int | None = None
    is_admin: bool = False

    @property
    def is_office(self) -> bool:
        return self.role in (Role.OFFICE, Role.SYSTEM)


SYSTEM = Actor(user_id=None, label="system", role=Role.SYSTEM)
