"""Staff and expert accounts, API tokens, and who is asking (the :class:`Actor`)."""

from ecopanel.auth.actor import SYSTEM, Actor, Role

__all__ = ["SYSTEM", "Actor", "Role"]
