"""The rule sets as records: versions, defaults per kind, and which one a draw uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from expert_pool.services import resolve_specialties
from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import Forbidden, InvalidInput
from ground.extensions import db
from ground.i18n import _l, _lp
from panels.models import Panel, RuleSet
from panels.rules.rulesets import effective_rules
from panels.services.access import FORBIDDEN

# --- rule sets -------------------------------------------------------------------------------------------

def rule_set_for(actor: Actor, name: str | None, kind: str) -> RuleSet:
    """The rule set a draw of ``kind`` uses: the kind's default, or the one named. A named set must be made for
    this kind (or for none: a general set), and only the Office may choose another set than the default (a
    province drawing under weaker rules of its choosing would defeat them)."""
    query = select(RuleSet)
    query = query.where(RuleSet.name == name) if name else query.where(RuleSet.kind == kind, RuleSet.is_default)
    found = db.session.scalar(query.order_by(RuleSet.version.desc()).limit(1))
    if found is None:
        raise InvalidInput("unknown_rule_set", _l("No rule set {name}.").format(name=name or kind),
                           {"rule_set": [_l("Unknown rule set.")]})
    if found.kind is not None and found.kind != kind:
        raise InvalidInput("rule_set_kind_mismatch", _l(
            "Rule set {found} is for {kind} panels, not for {kind2}.").format(
            found=found.name, kind=found.kind, kind2=kind),
            {"rule_set": [_l("The rule set is for another kind of panel.")]})
    if name and not actor.is_office and not (found.is_default and found.kind == kind):
        raise InvalidInput("rule_set_not_default", _l(
            "Only the Office may choose a rule set other than the default; use the default for {kind} "
            "panels.").format(
            kind=kind),
            {"rule_set": [_l("Only the default rule set.")]})
    return found


def list_rule_sets(actor: Actor) -> list[RuleSet]:
    """Every rule set for the Office. A province draws with the defaults only (:func:`rule_set_for`): it reads
    those (every version) and the sets its own panels used, not the others the Office made, among them the
    relaxations of the Office's own infeasible draws, which would tell what kind of expert a confidential panel
    lacked (red-team finding 11)."""
    if not (actor.is_office or actor.role == Role.PROVINCE):
        raise Forbidden(None, FORBIDDEN)
    query = select(RuleSet)
    if not actor.is_office:
        defaults = select(RuleSet.name).where(RuleSet.is_default)
        used = select(Panel.rule_set_id).where(Panel.convened_by == actor.province)
        query = query.where(or_(RuleSet.name.in_(defaults), RuleSet.id.in_(used)))
    return list(db.session.scalars(query.order_by(RuleSet.name, RuleSet.version)))


def create_rule_set(actor: Actor, data: dict[str, Any]) -> RuleSet:
    """A new version of a named rule set (versions are never edited); optionally the default for its kind."""
    if not actor.is_office:
        raise Forbidden(None, _l("Only the Office edits rule sets."))
    rules = data["rules"]
    codes = list(rules.get("relevant_specialties", [])) + [q["specialty"] for q in rules.get("specialty_quotas", [])]
    if codes:
        resolve_specialties(codes)
    latest = db.session.scalar(select(RuleSet).where(RuleSet.name == data["name"])
                               .order_by(RuleSet.version.desc()).limit(1))
    kind = data.get("kind", latest.kind if latest else None)
    if data["is_default"]:
        if not kind:
            raise InvalidInput(None, _l("A default rule set needs a panel kind."),
                               {"kind": [_lp("panels.services.rule_sets", "Required.")]})
        for other in db.session.scalars(select(RuleSet).where(RuleSet.kind == kind, RuleSet.is_default)):
            other.is_default = False
    rule_set = RuleSet(name=data["name"], version=(latest.version + 1) if latest else 1, kind=kind,
                       is_default=data["is_default"], description=data.get("description", ""),
                       rules=effective_rules(rules), created_by=actor.label)
    db.session.add(rule_set)
    db.session.flush()
    record(actor, "rule_set.create", "rule_set", rule_set.id,
           {"name": rule_set.name, "version": rule_set.version, "rules": rule_set.rules})
    return rule_set


