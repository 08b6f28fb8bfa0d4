"""The rule sets as records: versions, defaults per kind, and which one a draw uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from expert_pool.services import resolve_specialties
from ground.actor import Actor, Role
from ground.audit import record
from ground.errors import Forbidden, InvalidInput
from ground.extensions import db
from ground.i18n import Msg
from panels.models import RuleSet
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
        raise InvalidInput("unknown_rule_set", Msg(f"规则集 {name or kind} 不存在。", f"No rule set {name or kind}."),
                           {"rule_set": [Msg("规则集不存在。", "Unknown rule set.")]})
    if found.kind is not None and found.kind != kind:
        raise InvalidInput("rule_set_kind_mismatch", Msg(
            f"规则集 {found.name} 适用于 {found.kind}，不能用于 {kind} 类评审组。",
            f"Rule set {found.name} is for {found.kind} panels, not for {kind}."),
            {"rule_set": [Msg("规则集与评审组类型不符。", "The rule set is for another kind of panel.")]})
    if name and not actor.is_office and not (found.is_default and found.kind == kind):
        raise InvalidInput("rule_set_not_default", Msg(
            f"只有办公室可以选用非默认规则集；{kind} 类评审组请使用默认规则集。",
            f"Only the Office may choose a rule set other than the default; use the default for {kind} panels."),
            {"rule_set": [Msg("只能使用默认规则集。", "Only the default rule set.")]})
    return found


def list_rule_sets(actor: Actor) -> list[RuleSet]:
    if not (actor.is_office or actor.role == Role.PROVINCE):
        raise Forbidden(None, FORBIDDEN)
    return list(db.session.scalars(select(RuleSet).order_by(RuleSet.name, RuleSet.version)))


def create_rule_set(actor: Actor, data: dict[str, Any]) -> RuleSet:
    """A new version of a named rule set (versions are never edited); optionally the default for its kind."""
    if not actor.is_office:
        raise Forbidden(None, Msg("只有办公室可以修改规则集。", "Only the Office edits rule sets."))
    rules = data["rules"]
    codes = list(rules.get("relevant_specialties", [])) + [q["specialty"] for q in rules.get("specialty_quotas", [])]
    if codes:
        resolve_specialties(codes)
    latest = db.session.scalar(select(RuleSet).where(RuleSet.name == data["name"])
                               .order_by(RuleSet.version.desc()).limit(1))
    kind = data.get("kind", latest.kind if latest else None)
    if data["is_default"]:
        if not kind:
            raise InvalidInput(None, Msg("默认规则集须指定评审组类型。", "A default rule set needs a panel kind."),
                               {"kind": [Msg("必填。", "Required.")]})
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


