"""The pure rules' words, translated where people read them: a rule's message (:class:`Text`), a park's state,
a panel's kind. The rules hold English msgids only (``scheduling.rules.messages``); the Chinese is in the
catalog. Dates among a message's values are written the reader's way, lists in the reader's words."""

from __future__ import annotations

from datetime import date
from typing import Any

from ground.i18n import Msg, _l, _lp, day, listing
from scheduling.rules.lifecycle import (
    CONCLUSION_NAMES,
    PANEL_KIND_NAMES,
    STATE_CONTEXT,
    STATE_NAMES,
    Conclusion,
    PanelKind,
    State,
)
from scheduling.rules.messages import Term, Text


def term(value: Term) -> Msg:
    return _lp(value.context, value.message) if value.context else _l(value.message)


def _value(value: Any) -> Any:
    if isinstance(value, Text):
        return rule_text(value)
    if isinstance(value, Term):
        return term(value)
    if isinstance(value, date):
        return day(value)
    if isinstance(value, tuple):
        return listing(_value(v) for v in value)
    return value


def rule_text(text: Text) -> Msg:
    """A rule's message in the reader's language."""
    return _l(text.message).format(**{k: _value(v) for k, v in text.values.items()})


def state_name(state: State | str) -> Msg:
    return _lp(STATE_CONTEXT, STATE_NAMES[State(state)])


def conclusion_name(conclusion: Conclusion | str) -> Msg:
    return _lp("panel conclusion", CONCLUSION_NAMES[Conclusion(conclusion)])


def panel_kind_name(kind: PanelKind | str) -> Msg:
    """A panel's kind in words; an unknown code reads as itself."""
    try:
        return _l(PANEL_KIND_NAMES[PanelKind(kind)])
    except ValueError:
        return _l(str(kind))
