"""Who convenes a panel, and so who may see and manage it: one rule for every path.

The Office convenes the Office's kinds and, for the provincial kinds, in the name of the park's province;
a provincial department convenes the provincial kinds (Art. 10, 12, 24) and the delegable ones (Art. 25-26)
for the parks of its own province. Whoever convenes a panel (and the Office, which oversees all) sees its
confidential membership and manages its seats; nobody else learns that it exists.
"""

from __future__ import annotations

from panels.rules.rulesets import DELEGABLE_KINDS, PROVINCE_KINDS

OFFICE = "office"


def convener_for(*, is_office: bool, province: str | None, kind: str, park_province: str) -> str | None:
    """The authority (``"office"`` or a province code) that convenes a panel of ``kind`` for a park of
    ``park_province`` when this caller asks; ``None`` when the caller may not convene it."""
    if is_office:
        return park_province if kind in PROVINCE_KINDS else OFFICE
    if province is not None and park_province == province and (kind in PROVINCE_KINDS or kind in DELEGABLE_KINDS):
        return province
    return None


def in_remit(*, is_office: bool, province: str | None, convened_by: str) -> bool:
    """The caller sees and manages the panel: the Office, or the province that convened it."""
    return is_office or (province is not None and convened_by == province)
