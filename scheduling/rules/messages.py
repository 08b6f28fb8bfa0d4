"""The pure rules' messages (English msgids, :class:`Text` with values): defined in
``expert_pool.rules.messages``, the lowest package with pure rules, and imported from here by the
scheduling and panel rules."""

from __future__ import annotations

from expert_pool.rules.messages import N_, NP_, Term, Text

__all__ = ["NP_", "N_", "Term", "Text"]
