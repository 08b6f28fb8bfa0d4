"""The credit rule set and the fee rate table: versioned data the Office edits (each edit a new version, the
newest in use), as the draw's rule sets are. Version 1 of each is seeded by migration ``0012``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ground.actor import Actor
from ground.audit import record
from ground.errors import Forbidden, InvalidInput
from ground.extensions import db
from ground.i18n import _l
from panels.record.models import CreditRuleSet, FeeRateTable
from panels.rules.credit import CREDIT_DEFAULTS, credit_rule_problems, effective_credit_rules
from panels.rules.fees import FEE_DEFAULTS, effective_fees
from scheduling.wording import rule_text

OFFICE_ONLY = _l("Only the Office edits these rules.")


def current_credit_rules() -> CreditRuleSet:
    found = db.session.scalar(select(CreditRuleSet).order_by(CreditRuleSet.version.desc()).limit(1))
    if found is None:  # the migration seeds version 1; a bare test database may lack it
        found = CreditRuleSet(version=1, rules=dict(CREDIT_DEFAULTS), description="default", created_by="system")
        db.session.add(found)
        db.session.flush()
    return found


def credit_rule_versions() -> list[CreditRuleSet]:
    return list(db.session.scalars(select(CreditRuleSet).order_by(CreditRuleSet.version)))


def create_credit_rules(actor: Actor, data: dict[str, Any]) -> CreditRuleSet:
    """A new version of the credit rules (the parameters given, the others from the version in use)."""
    if not actor.is_office:
        raise Forbidden(None, OFFICE_ONLY)
    latest = current_credit_rules()
    rules = effective_credit_rules({**latest.rules, **data["rules"]})
    problems = credit_rule_problems(rules)
    if problems:
        raise InvalidInput("bad_credit_rules", rule_text(problems[0]), {"rules": [rule_text(p) for p in problems]})
    row = CreditRuleSet(version=latest.version + 1, rules=rules, description=data.get("description", ""),
                        created_by=actor.label)
    db.session.add(row)
    db.session.flush()
    record(actor, "credit_rules.create", "credit_rules", row.version, {"rules": rules})
    return row


def current_fee_table() -> FeeRateTable:
    found = db.session.scalar(select(FeeRateTable).order_by(FeeRateTable.version.desc()).limit(1))
    if found is None:
        found = FeeRateTable(version=1, rates=dict(FEE_DEFAULTS), created_by="system")
        db.session.add(found)
        db.session.flush()
    return found


def fee_table_versions() -> list[FeeRateTable]:
    return list(db.session.scalars(select(FeeRateTable).order_by(FeeRateTable.version)))


def create_fee_table(actor: Actor, data: dict[str, Any]) -> FeeRateTable:
    """A new version of the rate table (the rates given, the others from the version in use)."""
    if not actor.is_office:
        raise Forbidden(None, OFFICE_ONLY)
    latest = current_fee_table()
    rates = effective_fees({**latest.rates, **data,
                            "per_day": {**latest.rates.get("per_day", {}), **data.get("per_day", {})}})
    row = FeeRateTable(version=latest.version + 1, rates=rates, created_by=actor.label)
    db.session.add(row)
    db.session.flush()
    record(actor, "fee_rates.create", "fee_rates", row.version, {"rates": rates})
    return row
