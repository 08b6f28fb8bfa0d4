"""Flask extensions, created unbound and bound in :func:`ecopanel.app.create_app`."""

from __future__ import annotations

import os
from functools import cached_property

from flask_babel import Babel, Domain, get_locale
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from ground.i18n import catalog, language_of, locale_of

# Stable constraint names, so Alembic can alter them on SQLite (batch mode) and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()


class CatalogDomain(Domain):
    """Flask-Babel's domain over the one catalog of :mod:`ground.i18n` (compiled in memory from the .po)."""

    def get_translations(self):
        # Babel spells zh_CN zh_Hans_CN: the catalog is found by the language (ground.i18n.LOCALES)
        return catalog(locale_of(language_of(get_locale())))


class CatalogBabel(Babel):
    """Flask-Babel whose ``gettext``, ``lazy_gettext`` and templates' ``_`` read :func:`ground.i18n.catalog`."""

    @cached_property
    def domain_instance(self):
        return CatalogDomain(domain=self.domain)


babel = CatalogBabel()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # pragma: no cover - trivial
    # SQLite needs foreign keys switched on per connection; WAL lets readers work during a write.
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        files = [row[2] for row in cursor.execute("PRAGMA database_list") if row[2]]
        cursor.close()
        _owner_only(files)


def _owner_only(databases: list[str]) -> None:
    """The database and its WAL / shared-memory / journal files hold personal data, password hashes and TOTP
    seeds: readable by their owner only, whatever the umask they were created under."""
    for database in databases:
        for name in (database, f"{database}-wal", f"{database}-shm", f"{database}-journal"):
            try:
                if os.stat(name).st_mode & 0o077:
                    os.chmod(name, 0o600)
            except OSError:  # absent (no WAL yet), or not ours: nothing we may do
                pass
