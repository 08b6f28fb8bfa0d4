"""The ground floor: what every domain package stands on, importing nothing else of the project.

- ``extensions``: the database handle, the declarative base and the other Flask extensions (bound by the
  roof's app factory);
- ``errors``, ``i18n``: the one error shape and the bilingual messages;
- ``clock``: the application clock and the programme's time zone;
- ``actor``, ``accounts``, ``guard``: who is acting (the plain :class:`~ground.actor.Actor`, the accounts
  table, the current request's actor and public views);
- ``audit``: the HMAC-chained audit log;
- ``uow``: the unit of work (commit once, retry a lost race);
- ``api``, ``schemas``: the REST blueprint, pagination and strict marshmallow fields;
- ``sweeper``, ``cli``: scheduled work as data, and the command line's error printer.
"""
