"""Alembic environment: runs inside the Flask app, against its engine and its models' metadata."""

import logging

from alembic import context
from flask import current_app

logger = logging.getLogger("alembic.env")
config = context.config
target_db = current_app.extensions["migrate"].db


def render_item(type_, obj, autogen_context):
    """Render the project's UTC timestamp type as what it stores, so revisions import only SQLAlchemy."""
    from ground.clock import UTCDateTime

    if type_ == "type" and isinstance(obj, UTCDateTime | type(UTCDateTime.impl)) and getattr(obj, "timezone", True):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_offline():
    url = target_db.engine.url.render_as_string(hide_password=False)
    context.configure(url=url, target_metadata=target_db.metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def process_revision_directives(context, revision, directives):
        # Never write an empty revision from autogenerate.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("render_item", render_item)
    with target_db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # SQLite alters a table by copying it (batch mode); with foreign keys on, dropping the old copy
            # fails while other tables point at it. Switch them off for the migration (it is a no-op inside a
            # transaction, hence before it) and check every reference afterwards.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
            # pysqlite commits each DDL statement on its own; an explicit BEGIN makes the whole upgrade one
            # transaction, so a failed migration leaves the database exactly as it was.
            connection.exec_driver_sql("BEGIN")
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            connection.commit()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            if broken:
                raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
