"""The names of quota groups' values (specialties, organisations, provinces), so that explanations and pictures
say "专业领域“土壤修复”" rather than a code (:func:`panels.rules.rulesets.describe_group`)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from expert_pool.models import Organization, Specialty
from expert_pool.rules.regions import PROVINCES
from ground.extensions import db


def group_names(groups: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Group -> (zh, en) name of its value, for the specialty, organisation and province groups among ``groups``."""
    wanted: dict[str, set[str]] = {"spec": set(), "org": set(), "prov": set()}
    for group in groups:
        prefix, _, value = group.partition(":")
        if prefix in wanted:
            wanted[prefix].add(value)
    names: dict[str, tuple[str, str]] = {}
    if wanted["spec"]:
        for code, zh, en in db.session.execute(select(Specialty.code, Specialty.name_zh, Specialty.name_en)
                                               .where(Specialty.code.in_(wanted["spec"]))):
            names[f"spec:{code}"] = (zh, en or zh)
    ids = [int(v) for v in wanted["org"] if v.isdigit()]
    if ids:
        for org_id, name in db.session.execute(select(Organization.id, Organization.name)
                                               .where(Organization.id.in_(ids))):
            names[f"org:{org_id}"] = (name, name)
    for code in wanted["prov"]:
        if code in PROVINCES:
            names[f"prov:{code}"] = PROVINCES[code]
    return names
