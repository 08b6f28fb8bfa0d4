"""The ``ecopanel`` command line (see ../shared/API.md for the public contract).

A plain click group rather than Flask's ``FlaskGroup``: that one builds the whole application to list its
commands, so even ``--help`` took seconds. Here each command is imported only when it is named (or listed by
``--help``), and the application is built only by a command that needs it (``with_appcontext``), through the
:class:`~flask.cli.ScriptInfo` made for every command except the offline ones.

Why the imports below sit inside functions: to defer heavy libraries. ``ecopanel draws verify`` needs neither
Flask nor the application (it replays a bundle with the solver, whose OR-Tools import is the heavy part), and
the other commands need Flask but not OR-Tools; ``ecopanel --help`` needs neither's full weight.
"""

from __future__ import annotations

from collections.abc import Callable

import click

#: Commands that run without the application (no Flask import, no ScriptInfo).
OFFLINE = frozenset({"draws"})
#: The commands of :data:`ecopanel.commands.COMMANDS`, by name (tests/ecopanel/test_cli.py keeps the two equal).
APP_COMMANDS = ("demo", "serve", "worker", "seed-demo", "users", "tokens", "experts", "audit", "calendar")


def _app_command(name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        from ecopanel.commands import COMMANDS  # Flask and the commands' modules

        return next(command for command in COMMANDS if command.name == name)

    return load


def _draws() -> click.Command:
    from panels.cli import draws_group  # light itself; its commands import the solver (OR-Tools) when run

    return draws_group


def _flask_command(name: str) -> Callable[[], click.Command]:
    def load() -> click.Command:
        from flask.cli import routes_command, shell_command

        return {"shell": shell_command, "routes": routes_command}[name]

    return load


def _migrations() -> click.Command:
    from flask_migrate.cli import db  # with Alembic, ~1 s: only when ``ecopanel db ...`` is named

    return db


#: Listed by ``--help`` without importing the command (its import is the slow part).
SHORT_HELP = {"db": "Database migrations (upgrade, downgrade, current, history ...)."}

LOADERS: dict[str, Callable[[], click.Command]] = {
    **{name: _app_command(name) for name in APP_COMMANDS},
    "draws": _draws,
    "db": _migrations,
    "shell": _flask_command("shell"),
    "routes": _flask_command("routes"),
}


class _LazyGroup(click.Group):
    """A group whose commands are imported when named (click's "lazily loading subcommands" pattern)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LOADERS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        loader = LOADERS.get(name)
        return loader() if loader is not None else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, except that the commands of :data:`SHORT_HELP` are not imported for it."""
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            if name in SHORT_HELP:
                rows.append((name, SHORT_HELP[name]))
            elif (command := self.get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _create_app():
    from ecopanel.app import create_app

    return create_app()


@click.group(cls=_LazyGroup)
@click.pass_context
def main(ctx: click.Context) -> None:
    """ecopanel: the national expert pool and review panels of eco-industrial demonstration parks."""
    if ctx.invoked_subcommand in OFFLINE:
        return
    from flask.cli import ScriptInfo

    # Every subcommand's context inherits this object; ``with_appcontext`` builds the app from it.
    ctx.obj = ScriptInfo(create_app=_create_app, set_debug_flag=False, load_dotenv_defaults=False)


if __name__ == "__main__":  # pragma: no cover
    main()
