"""The pure rules' words, translated where people read them: a rule's message (:class:`Text`), a park's state,
a panel's kind. The rules hold English msgids only (``scheduling.rules.messages``); the Chinese is in the
catalog. Dates among a message's values are written the reader's way, lists in the reader's words
(``ground.i18n.text_message``, which the expert pool's rules use too)."""

from __future__ import annotations

from ground.i18n import Msg, _l, _lp, text_message
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
    return text_message(value)


def rule_text(text: Text) -> Msg:
    """A rule's message in the reader's language."""
    return text_message(text)


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
