"""Checking a concrete panel against the rules, and promoting an alternate after a decline."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .model import Candidate, Quota


def panel_violations(
    members: Iterable[str],
    candidates: Iterable[Candidate] | Mapping[str, Candidate],
    quotas: Iterable[Quota],
    size: int | None = None,
) -> list[str]:
    """Human-readable list of the rules ``members`` break (empty when the panel is valid)."""
    by_id = candidates if isinstance(candidates, Mapping) else {c.id: c for c in candidates}
    members = list(members)
    problems = []
    if len(set(members)) != len(members):
        problems.append("a member appears twice")
    unknown = [m for m in members if m not in by_id]
    if unknown:
        problems.append(f"not candidates: {sorted(unknown)}")
    if size is not None and len(members) != size:
        problems.append(f"{len(members)} members for {size} seats")
    for q in quotas:
        n = sum(1 for m in members if m in by_id and q.group in by_id[m].groups)
        if not q.min <= n <= q.max:
            problems.append(f"{q.group}: {n} members, allowed [{q.min}, {q.max}]")
    return problems


def promote(
    members: Sequence[str],
    declined: str,
    alternates: Sequence[str],
    candidates: Iterable[Candidate] | Mapping[str, Candidate],
    quotas: Iterable[Quota],
) -> str | None:
    """The first alternate whose taking ``declined``'s seat keeps every quota satisfied, or None.

    Alternates already on the panel or unknown are skipped. If None comes back, the service draws a
    replacement with the accepted members fixed (``DrawRequest(fixed=...)``).
    """
    if declined not in members:
        raise ValueError(f"{declined!r} is not a member")
    by_id = candidates if isinstance(candidates, Mapping) else {c.id: c for c in candidates}
    quotas = tuple(quotas)
    rest = [m for m in members if m != declined]
    for alt in alternates:
        if alt in members or alt not in by_id:
            continue
        if not panel_violations([*rest, alt], by_id, quotas):
            return alt
    return None


class QuotaIndex:
    """Quotas indexed by group, for checking one-for-one swaps on a valid panel in O(groups touched)."""

    def __init__(self, groups_of: Mapping[str, frozenset[str]], quotas: Iterable[Quota]) -> None:
        self.groups_of = groups_of
        self.bounds: dict[str, tuple[int, int]] = {}
        for q in quotas:
            lo, hi = self.bounds.get(q.group, (0, q.max))
            self.bounds[q.group] = (max(lo, q.min), min(hi, q.max))

    def counts(self, members: Iterable[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for m in members:
            for g in self.groups_of[m]:
                out[g] = out.get(g, 0) + 1
        return out

    def swap_ok(self, counts: Mapping[str, int], out: str, into: str) -> bool:
        """Does the (valid) panel with group ``counts`` stay valid when ``into`` takes ``out``'s seat?"""
        changed: dict[str, int] = {}
        for g in self.groups_of[out]:
            changed[g] = changed.get(g, counts.get(g, 0)) - 1
        for g in self.groups_of[into]:
            changed[g] = changed.get(g, counts.get(g, 0)) + 1
        for g, n in changed.items():
            bound = self.bounds.get(g)
            if bound is not None and not bound[0] <= n <= bound[1]:
                return False
        return True
