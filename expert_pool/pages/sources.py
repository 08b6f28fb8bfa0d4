"""What packages above the pool add to its pages, registered by the app: the pool imports none of them.

* sections of an expert's page (the panels the expert sat on, from ``panels``): a source takes the caller,
  the expert and today and returns a :class:`Section`, or None when it has nothing the caller may see;
* the park directory (from ``scheduling``): the parks the caller may name in a conflict of interest, and
  their names for the conflicts already declared.

Each source applies its own package's visibility rules; the pool only renders what it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import Flask, current_app

from expert_pool.models import Expert
from ground.actor import Actor
from ground.i18n import Msg

_SECTIONS = "expert_pool.page_sections"
_PARKS = "expert_pool.park_directory"


@dataclass(frozen=True)
class Section:
    """A titled table on an expert's page; a cell is text or a :class:`Msg` (shown in the reader's language)."""

    key: str
    title: Msg
    columns: list[Msg]
    rows: list[list[str | Msg]]
    empty: Msg
    note: Msg | None = None
    links: list[str | None] = field(default_factory=list)
    """Per row, where its first cell links to (None: no link)."""


SectionSource = Callable[[Actor, Expert, date], Section | None]
ParkDirectory = Callable[[Actor], list[tuple[int, str]]]


def register_expert_section(app: Flask, source: SectionSource) -> None:
    app.extensions.setdefault(_SECTIONS, []).append(source)


def register_park_directory(app: Flask, directory: ParkDirectory) -> None:
    app.extensions[_PARKS] = directory


def expert_sections(actor: Actor, expert: Expert, today: date) -> list[Section]:
    sections = (source(actor, expert, today) for source in current_app.extensions.get(_SECTIONS, ()))
    return [s for s in sections if s is not None]


def park_choices(actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the parks the caller may see; none when no directory is registered."""
    directory = current_app.extensions.get(_PARKS)
    return directory(actor) if directory is not None else []
