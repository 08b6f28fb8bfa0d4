"""The ``ecopanel`` command line (see ../shared/API.md for the public contract).

A plain click group rather than Flask's ``FlaskGroup``: that one builds the whole application to list its
commands, so even ``--help`` took seconds. Here the application is built only by a command that needs it
(``with_appcontext``), through the :class:`~flask.cli.ScriptInfo` every command context inherits.
"""

from __future__ import annotations

import click
from flask.cli import ScriptInfo, routes_command, shell_command

from ecopanel.commands import COMMANDS


class _MigrationsGroup(click.Group):
    """``ecopanel db ...``: Flask-Migrate's commands, imported (with Alembic, ~1 s) only when one is used."""

    def _flask_migrate(self) -> click.Group:
        from flask_migrate.cli import db

        return db

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._flask_migrate().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._flask_migrate().get_command(ctx, name)


db_group = _MigrationsGroup("db", help="Database migrations (upgrade, downgrade, current, history ...).")


def _create_app():
    from ecopanel.app import create_app

    return create_app()


@click.group(context_settings={"obj": ScriptInfo(create_app=_create_app, set_debug_flag=False,
                                                 load_dotenv_defaults=False)})
def main():
    """ecopanel: the national expert pool and review panels of eco-industrial demonstration parks."""


for _command in (*COMMANDS, db_group, shell_command, routes_command):
    main.add_command(_command)


if __name__ == "__main__":  # pragma: no cover
    main()
