"""``ecopanel calendar ...``: the holiday table from the command line.

The commands import what they run inside their functions on purpose: ``ecopanel`` registers this group at
start, and ``ecopanel --help`` or any other command should not pay for loading the scheduling services.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("calendar")
def calendar_group() -> None:
    """The working-day calendar (official holidays and adjusted workdays)."""


@calendar_group.command("load")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", type=int, help="The year you mean to load (checked against the file)")
@with_appcontext
def calendar_load(file: Path, year: int | None) -> None:
    """Load an officially published year (CSV: date,type,name; or JSON) and recompute provisional deadlines."""
    from ground.actor import SYSTEM
    from ground.cli import fail
    from ground.clock import wall_now
    from ground.errors import DomainError
    from ground.extensions import db
    from scheduling.calendar_service import load_year

    try:
        summary = load_year(SYSTEM, file.read_bytes(), file.name, wall_now(), year=year)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        fail(exc)
    verb = "reloaded" if summary["replaced"] else "loaded"
    click.echo(f"{verb} {summary['year']}: {summary['holidays']} holidays, {summary['workdays']} adjusted workdays;"
               f" {len(summary['recomputed'])} parks' deadlines recomputed")


@calendar_group.command("years")
@with_appcontext
def calendar_years() -> None:
    """List the loaded years."""
    from ground.clock import wall_now
    from ground.extensions import db
    from scheduling.calendar_service import ensure_seeded, list_years

    ensure_seeded(wall_now())
    db.session.commit()
    for row in list_years():
        click.echo(f"{row['year']}  {row['holidays']:3d} holidays  {row['workdays']:2d} workdays  {row['source']}")
