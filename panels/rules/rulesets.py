"""Rule sets are data: this module turns one into the solver's quotas and the recusal rules.

Pure functions: no Flask, no database. The defaults per panel kind are seeded by a migration; the Office
edits rule sets through the API, each edit being a new version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from panels.rules.quorum import QUORUM_DEFAULT
from panels.rules.recusal import ExpertFacts, RecusalRules
from panels.solver import Candidate, Quota, caps_per_value

# Kinds a provincial department convenes (Art. 10, 12, 24); the others are the Office's, which it may
# delegate to the province for evaluations and rechecks (Art. 25-26).
PROVINCE_KINDS = frozenset({"plan_argumentation", "change_argumentation", "plan_revision"})
DELEGABLE_KINDS = frozenset({"performance_evaluation", "recheck"})

RULE_DEFAULTS: dict[str, Any] = {
    "relevant_specialties": [],
    "specialty_quotas": [],
    "max_per_organization": 1,
    "max_per_province": None,
    "own_province_cap": None,
    "min_senior": 0,
    "chair_senior": True,
    "yearly_panel_cap": None,
    "min_rest_days": 0,
    "repeat_kinds_forbidden": [],
    "employment_lookback_years": 3,
    "auto_invite_replacements": True,
    # when the meeting may conclude (panels.rules.quorum); stored sets without it use this default
    "quorum": QUORUM_DEFAULT,
}


def effective_rules(rules: Mapping[str, Any]) -> dict[str, Any]:
    return {**RULE_DEFAULTS, **rules}


def recusal_rules(rules: Mapping[str, Any], convened_by: str) -> RecusalRules:
    r = effective_rules(rules)
    return RecusalRules(
        relevant_specialties=frozenset(r["relevant_specialties"]),
        employment_lookback_years=r["employment_lookback_years"],
        yearly_panel_cap=r["yearly_panel_cap"],
        min_rest_days=r["min_rest_days"],
        repeat_kinds_forbidden=frozenset(r["repeat_kinds_forbidden"]),
        # A cap of 0 on the park's own province is a recusal reason, not a quota: say so per expert.
        exclude_own_province=convened_by == "office" and r["own_province_cap"] == 0,
    )


def candidate(expert: ExpertFacts, quota_specialties: frozenset[str]) -> Candidate:
    """The attributes the solver sees: quota specialties, organisation, province, seniority."""
    groups = {f"spec:{s}" for s in expert.specialties & quota_specialties}
    groups.add(f"org:{expert.organization_id}")
    groups.add(f"prov:{expert.province}")
    if expert.title_rank == "senior":
        groups.add("senior")
    return Candidate(id=str(expert.id), groups=frozenset(groups))


def candidates(experts: Iterable[ExpertFacts], quota_specialties: frozenset[str]) -> list[Candidate]:
    """``[candidate(e, quota_specialties) for e in experts]``, with each group name made once per value."""
    spec: dict[frozenset[str], frozenset[str]] = {}
    orgs: dict[int, str] = {}
    provs: dict[str, str] = {}
    out = []
    for e in experts:
        s = spec.get(e.specialties)
        if s is None:
            s = spec[e.specialties] = frozenset(f"spec:{c}" for c in e.specialties & quota_specialties)
        org = orgs.get(e.organization_id) or orgs.setdefault(e.organization_id, f"org:{e.organization_id}")
        prov = provs.get(e.province) or provs.setdefault(e.province, f"prov:{e.province}")
        extra = (org, prov, "senior") if e.title_rank == "senior" else (org, prov)
        out.append(Candidate(str(e.id), s.union(extra)))
    return out


def quota_specialties(rules: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(q["specialty"] for q in effective_rules(rules)["specialty_quotas"])


def quotas(rules: Mapping[str, Any], candidates: Iterable[Candidate], park_province: str,
           convened_by: str) -> tuple[Quota, ...]:
    """Specialty quotas, per-organisation and per-province caps, the own-province cap, senior minimum."""
    r = effective_rules(rules)
    pool = list(candidates)
    out: list[Quota] = [Quota(f"spec:{q['specialty']}", q.get("min", 0), q.get("max", 1_000_000))
                        for q in sorted(r["specialty_quotas"], key=lambda q: q["specialty"])]
    if r["max_per_organization"] is not None:
        out.extend(caps_per_value(pool, "org", r["max_per_organization"]))
    own_cap = r["own_province_cap"] if convened_by == "office" else None
    if r["max_per_province"] is not None:
        for q in caps_per_value(pool, "prov", r["max_per_province"]):
            if q.group == f"prov:{park_province}" and own_cap is not None:
                q = Quota(q.group, 0, min(q.max, own_cap))
            out.append(q)
    elif own_cap:
        out.append(Quota(f"prov:{park_province}", 0, own_cap))
    if r["min_senior"]:
        out.append(Quota("senior", r["min_senior"]))
    return tuple(out)


def describe_group(group: str, names: Mapping[str, tuple[str, str]] | None = None) -> tuple[str, str]:
    """A quota group in words (zh, en) for explanations; ``names`` gives the value's name by group (a specialty's,
    an organisation's, a province's), without which the code is shown."""
    prefix, _, value = group.partition(":")
    zh, en = (names or {}).get(group, (value, value))
    if group == "senior":
        return "正高级职称专家", "experts of senior title"
    if prefix == "spec":
        return f"专业领域“{zh}”", f"specialty “{en}”"
    if prefix == "org":
        return f"单位“{zh}”", f"organisation “{en}”"
    if prefix == "prov":
        return f"省份“{zh}”", f"province “{en}”"
    return group, group


#: What the Office may adjust on a rule set for one request, without an infeasible draw asking for it.
ADJUSTABLE = ("max_per_organization", "max_per_province", "min_senior", "min_rest_days")
MAX_REST_DAYS = 60


def adjusted_rules(rules: Mapping[str, Any], changes: Mapping[str, int | None],
                   specialty_mins: Mapping[str, int], size: int) -> tuple[dict[str, Any], dict[str, str]]:
    """``rules`` with the Office's adjustments, and the problems by field (empty when all hold).

    An adjustment stays within what the set allows: it may only make the panel more independent or more
    qualified (fewer members per organisation or province, more rest days, more senior members, more of a
    specialty, each up to the panel's size); loosening a rule is what an infeasible draw's relaxations are for,
    one at a time and only as the engine proposes. A change equal to the set's value is no change."""
    r = effective_rules(rules)
    out = {**r, "specialty_quotas": [dict(q) for q in r["specialty_quotas"]]}
    problems: dict[str, str] = {}

    def at_most(field: str, value: int | None, ceiling: int | None) -> None:
        if value is None:
            return
        if value < 1 or (ceiling is not None and value > ceiling):
            problems[field] = "tighten_only"
        else:
            out[field] = value

    at_most("max_per_organization", changes.get("max_per_organization"), r["max_per_organization"])
    at_most("max_per_province", changes.get("max_per_province"), r["max_per_province"] or size)
    for field, floor, ceiling in (("min_senior", r["min_senior"], size),
                                  ("min_rest_days", r["min_rest_days"], MAX_REST_DAYS)):
        value = changes.get(field)
        if value is None:
            continue
        if value < floor or value > ceiling:
            problems[field] = "raise_only"
        else:
            out[field] = value
    known = {q["specialty"]: q for q in out["specialty_quotas"]}
    for code, value in specialty_mins.items():
        quota = known.get(code)
        ceiling = min(size, quota["max"]) if quota and quota.get("max") is not None else size
        if quota is None:
            problems[f"spec_min_{code}"] = "unknown_specialty"
        elif value < quota.get("min", 0) or value > ceiling:
            problems[f"spec_min_{code}"] = "raise_only"
        else:
            quota["min"] = value
    return out, problems
