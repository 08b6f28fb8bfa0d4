"""Encode a draw: canonical order, fixed members folded into the quotas, and aggregation into types.

Two candidates with the same *binding* groups are interchangeable for every rule, so the optimisation runs
over types (group signatures) with counts, not over people. Quotas that cannot bind are dropped first,
which is what makes "at most one per organisation" cheap when most organisations have one eligible
expert. When a disjoint family of cap-only groups (typically ``org:*``) would still split the pool into
thousands of types, that family is left out of the signatures and enforced when a type panel is expanded
into people (see ``expand.py``), through one linear constraint per group on the type counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import gcd

from .model import Candidate, Quota, QuotaBound

#: Above this many exact types, try to leave one disjoint cap family out of the signatures.
EXACT_TYPE_LIMIT = 300
#: Above this many types (after the cap family), look for a second cap family to relax (``lottery.py``).
RELAX_TYPE_LIMIT = 300


@dataclass(frozen=True)
class AdjQuota:
    """A quota with the fixed members' share taken off: the remaining seats of the group lie in [lo, hi]."""

    quota: Quota
    lo: int
    hi: int

    @property
    def group(self) -> str:
        return self.quota.group


@dataclass(frozen=True)
class Prepared:
    """The draw after canonicalisation, independent of how it will be solved."""

    seats: int
    fixed: tuple[str, ...]
    pool: tuple[str, ...]  # eligible, not fixed, not excluded; sorted by id
    blocked: tuple[str, ...]  # in the pool but barred: a group of theirs has no seat left
    live: tuple[str, ...]  # pool minus blocked
    quotas: tuple[AdjQuota, ...]  # every quota, adjusted for the fixed members, in request order
    groups_of: dict[str, frozenset[str]]  # id -> groups that have a quota
    overfull: tuple[QuotaBound, ...]  # quotas the fixed members alone already break (max side)


@dataclass(frozen=True)
class Row:
    """``lo <= sum(count[t] for t in types) <= hi``; ``quotas`` index into ``Prepared.quotas``."""

    group: str
    lo: int
    hi: int
    types: tuple[int, ...]
    quotas: tuple[int, ...]


@dataclass(frozen=True)
class FractionalRow:
    """A family group enforced at expansion: ``sum(n[t] / size[t] * count[t]) <= hi``.

    The expected number of the group's members on a type panel expanded uniformly within types; dependent
    rounding keeps the realised number at the floor or ceiling of that value, so ``<= hi`` suffices.
    """

    group: str
    hi: int
    share: tuple[tuple[int, int], ...]  # (type, members of the group in that type)


@dataclass(frozen=True)
class TypeModel:
    """The draw over types: count[t] in [0, ub[t]], sum(count) == seats, rows and fractional rows hold."""

    seats: int
    members: tuple[tuple[str, ...], ...]
    ub: tuple[int, ...]
    rows: tuple[Row, ...]
    fractional: tuple[FractionalRow, ...]
    family: str | None  # prefix of the groups left out of the signatures, if any
    family_group_of: dict[str, str]  # id -> its family group (every binding group of the family)
    family_caps: dict[str, int]  # family group -> cap on the remaining seats

    @property
    def sizes(self) -> tuple[int, ...]:
        return tuple(len(m) for m in self.members)


def prepare(
    candidates: Iterable[Candidate],
    quotas: Iterable[Quota],
    size: int,
    fixed: Iterable[str] = (),
    excluded: Iterable[str] = (),
) -> Prepared:
    """Validate and canonicalise the inputs of a draw (no solving)."""
    by_id: dict[str, Candidate] = {}
    for c in candidates:
        if c.id in by_id:
            raise ValueError(f"duplicate candidate id {c.id!r}")
        by_id[c.id] = c
    quotas = tuple(quotas)
    fixed_set, excluded_set = set(fixed), set(excluded)
    unknown = sorted(fixed_set - by_id.keys())
    if unknown:
        raise ValueError(f"fixed members are not candidates: {unknown}")
    if fixed_set & excluded_set:
        raise ValueError(f"members both fixed and excluded: {sorted(fixed_set & excluded_set)}")
    if size < len(fixed_set):
        raise ValueError(f"{len(fixed_set)} fixed members do not fit a panel of {size}")
    quota_groups = {q.group for q in quotas}
    groups_of = {cid: c.groups & quota_groups for cid, c in by_id.items()}
    fixed_sorted = tuple(sorted(fixed_set))
    seats = size - len(fixed_sorted)

    adjusted, overfull = [], []
    for q in quotas:
        used = sum(1 for f in fixed_sorted if q.group in groups_of[f])
        adjusted.append(AdjQuota(q, max(0, q.min - used), q.max - used))
        if q.max - used < 0:
            overfull.append(QuotaBound(q.group, "max", q.max))
    pool = tuple(sorted(cid for cid in by_id if cid not in fixed_set and cid not in excluded_set))
    full = {a.group for a in adjusted if a.hi <= 0}
    blocked = tuple(cid for cid in pool if groups_of[cid] & full)
    blocked_set = set(blocked)
    live = tuple(cid for cid in pool if cid not in blocked_set)
    return Prepared(
        seats=seats,
        fixed=fixed_sorted,
        pool=pool,
        blocked=blocked,
        live=live,
        quotas=tuple(adjusted),
        groups_of=groups_of,
        overfull=tuple(overfull),
    )


def binding_quotas(prep: Prepared, people: Sequence[str]) -> list[int]:
    """Indices of the quotas that some panel drawn from ``people`` could break.

    A quota with ``lo <= 0`` and ``hi >= min(seats, members)`` holds for every panel, so it can neither
    shape the lottery nor take part in a conflict.
    """
    counts: dict[str, int] = {}
    for cid in people:
        for g in prep.groups_of[cid]:
            counts[g] = counts.get(g, 0) + 1
    return [
        i for i, a in enumerate(prep.quotas) if a.lo > 0 or a.hi < min(prep.seats, counts.get(a.group, 0))
    ]


def build_type_model(
    prep: Prepared,
    people: Sequence[str],
    *,
    allow_family: bool = True,
    exact_limit: int | None = None,
    drop: str | None = None,
) -> TypeModel:
    """Aggregate ``people`` (sorted ids) into types over the binding quotas.

    With ``allow_family`` and more than ``exact_limit`` exact types, the disjoint cap-only family whose
    removal leaves the fewest types is enforced through fractional rows instead of the signatures.
    ``drop`` leaves out every quota of the groups with that prefix: a *relaxation* of the draw, whose
    panels need not be valid (``lottery.py`` uses it only for bounds, targets and starting columns).
    """
    if exact_limit is None:
        exact_limit = EXACT_TYPE_LIMIT  # read at call time, so tests can force the family path
    binding = binding_quotas(prep, people)
    if drop is not None:
        binding = [i for i in binding if _prefix(prep.quotas[i].group) != drop]
    groups = sorted({prep.quotas[i].group for i in binding})
    family = None
    if allow_family:
        gset = frozenset(groups)
        exact = len({prep.groups_of[c] & gset for c in people})
        if exact > exact_limit:
            family = _best_family(prep, people, binding, groups, exact)
    family_groups = frozenset(g for g in groups if family is not None and _prefix(g) == family)
    sig_groups = frozenset(groups) - family_groups

    index: dict[tuple[str, ...], int] = {}
    members: list[list[str]] = []
    for cid in people:
        sig = tuple(sorted(prep.groups_of[cid] & sig_groups))
        t = index.setdefault(sig, len(index))
        if t == len(members):
            members.append([])
        members[t].append(cid)
    sigs = list(index)

    # Upper bound per type: its size, the seats, and every cap on a group in its signature.
    hi_of: dict[str, int] = {}
    for i in binding:
        a = prep.quotas[i]
        hi_of[a.group] = min(hi_of.get(a.group, prep.seats), a.hi)
    ub = [min([len(members[t]), prep.seats] + [hi_of[g] for g in sigs[t]]) for t in range(len(sigs))]

    types_of: dict[str, list[int]] = {}
    for t, sig in enumerate(sigs):
        for g in sig:
            types_of.setdefault(g, []).append(t)
    rows = []
    by_group: dict[str, list[int]] = {}
    for i in binding:
        by_group.setdefault(prep.quotas[i].group, []).append(i)
    for g in groups:
        if g in family_groups:
            continue
        idx = by_group[g]
        rows.append(
            Row(
                group=g,
                lo=max(prep.quotas[i].lo for i in idx),
                hi=min(prep.quotas[i].hi for i in idx),
                types=tuple(types_of.get(g, ())),
                quotas=tuple(idx),
            )
        )

    fractional: list[FractionalRow] = []
    family_group_of: dict[str, str] = {}
    family_caps = {g: hi_of[g] for g in sorted(family_groups)}
    if family_groups:
        per_group: dict[str, dict[int, int]] = {}
        type_of = {cid: t for t, ms in enumerate(members) for cid in ms}
        for cid in people:
            hit = prep.groups_of[cid] & family_groups
            if hit:
                (g,) = hit
                family_group_of[cid] = g
                share = per_group.setdefault(g, {})
                share[type_of[cid]] = share.get(type_of[cid], 0) + 1
        for g in sorted(per_group):
            share = per_group[g]
            hi = hi_of[g]
            # The row is redundant unless some type panel could put more than ``hi`` members of g on it *in
            # expectation*; the group still takes part in the rounding (a uniform draw could take two).
            best_sum = sum(n * ub[t] / len(members[t]) for t, n in share.items())
            best_one = prep.seats * max(n / len(members[t]) for t, n in share.items())
            if min(best_sum, best_one) <= hi + 1e-12:
                continue
            fractional.append(FractionalRow(g, hi, tuple(sorted(share.items()))))

    return TypeModel(
        seats=prep.seats,
        members=tuple(tuple(m) for m in members),
        ub=tuple(ub),
        rows=tuple(rows),
        fractional=tuple(fractional),
        family=family,
        family_group_of=family_group_of,
        family_caps=family_caps,
    )


def _prefix(group: str) -> str | None:
    return group.split(":", 1)[0] if ":" in group else None


def relaxable_family(prep: Prepared, tm: TypeModel, limit: int | None = None) -> str | None:
    """A second disjoint cap-only family in the signatures of ``tm`` whose removal divides the types.

    Returns the prefix whose removal leaves the fewest types (at most half of them), or None when ``tm``
    has at most ``limit`` types or no such family exists.
    """
    if limit is None:
        limit = RELAX_TYPE_LIMIT
    if len(tm.members) <= limit:
        return None
    rows = [r for r in tm.rows if _prefix(r.group) is not None and _prefix(r.group) != tm.family]
    with_min = {r.group for r in rows if r.lo > 0}
    row_groups = frozenset(r.group for r in tm.rows)
    sig_of = [prep.groups_of[ms[0]] & row_groups for ms in tm.members]
    best, best_types = None, len(tm.members) // 2 + 1
    for p in sorted({_prefix(r.group) for r in rows}):
        fam = frozenset(r.group for r in rows if _prefix(r.group) == p)
        if len(fam) < 2 or fam & with_min or any(len(sig & fam) > 1 for sig in sig_of):
            continue
        n_types = len({sig - fam for sig in sig_of})
        if n_types < best_types:
            best, best_types = p, n_types
    return best


def _best_family(
    prep: Prepared, people: Sequence[str], binding: list[int], groups: list[str], exact: int
) -> str | None:
    """The prefix whose groups are disjoint caps (min 0) and whose removal leaves the fewest types."""
    with_min = {prep.quotas[i].group for i in binding if prep.quotas[i].lo > 0}
    prefixes = sorted({p for g in groups if (p := _prefix(g)) is not None})
    best, best_types = None, exact
    for p in prefixes:
        fam = frozenset(g for g in groups if _prefix(g) == p)
        if len(fam) < 2 or fam & with_min:
            continue
        if any(len(prep.groups_of[c] & fam) > 1 for c in people):
            continue  # not disjoint: dependent rounding needs each person in at most one family group
        rest = frozenset(groups) - fam
        n_types = len({prep.groups_of[c] & rest for c in people})
        if n_types < best_types:
            best, best_types = p, n_types
    return best


def scaled_fractional(row: FractionalRow, sizes: Sequence[int]) -> tuple[list[tuple[int, int]], int, bool]:
    """Integer form of a fractional row for CP-SAT: ``(coefficients, rhs, exact)``.

    Exact when the lcm of the type sizes is small enough; otherwise coefficients are rounded *up*, which
    only forbids a few type panels that sit exactly on the bound and never admits one that breaks it.
    """
    lcm = 1
    for t, _ in row.share:
        lcm = lcm * sizes[t] // gcd(lcm, sizes[t])
        if lcm > 10**12:
            break
    if lcm <= 10**12:
        return [(t, n * (lcm // sizes[t])) for t, n in row.share], row.hi * lcm, True
    scale = 10**9
    return [(t, -(-n * scale // sizes[t])) for t, n in row.share], row.hi * scale, False
