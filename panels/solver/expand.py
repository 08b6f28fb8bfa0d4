"""Turn a type panel (how many of each type) into people, uniformly within each type.

Without a cap family this is a uniform sample of ``count[t]`` members from each type ``t``. With one (say
"at most one per organisation", left out of the type signatures), members of a type must also come from
distinct organisations. Each member of type ``t`` carries the value ``count[t] / size[t]``; members of
one type and one organisation share an edge (type, organisation) of a bipartite graph, whose value is the
sum of theirs. *Dependent rounding* (Gandhi, Khuller, Parthasarathy and Srinivasan, J. ACM 2006) rounds
every edge to an integer so that its expected value is unchanged and every vertex's sum ends at the floor or
ceiling of its value. Type vertices have integer sums, so each type gets exactly ``count[t]``; an
organisation whose expected count is at most its cap (guaranteed by the fractional rows of the type model,
or by their redundancy) never exceeds the cap. The people of an edge rounded to ``r`` are ``r`` of its
members drawn uniformly, so every member keeps the probability ``count[t] / size[t]`` exactly.

Speed (a draw must take milliseconds at 10,000 eligible):

- only organisations that could overflow on this panel get edges of their own; everyone else of a type is
  pooled into one edge (and drawn from by rejection, without building the list);
- rounding steps run along paths through organisations that touch two or more fractional edges; once none
  is left, every type is a star of independent edges, which systematic sampling (one uniform number per
  type, units in seeded random order) rounds in one pass with the same guarantees.

Integer arithmetic over a common denominator keeps the rounding exact; the seeded generator supplies the
coin flips and the systematic-sampling starts (as floats, so exact to 2**-53).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from math import lcm

from .cpsat import Column
from .prepare import TypeModel


def sample(rng: random.Random, items: Sequence[str], r: int) -> list[str]:
    """``r`` items uniformly without replacement, in the order drawn (partial Fisher-Yates).

    Only ``rng.random()`` is used: it is the one method whose sequence Python guarantees across versions.
    """
    pool = list(items)
    n = len(pool)
    if r >= n:
        return pool
    for i in range(r):
        j = i + min(int(rng.random() * (n - i)), n - i - 1)
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:r]


def _uniform_below(rng: random.Random, n: int) -> int:
    return min(int(rng.random() * n), n - 1)


class _Edge:
    """An edge of the rounding graph; ``value`` is in units of ``1/denominator``."""

    __slots__ = ("group", "people", "type", "value")

    def __init__(self, type_: int, group: str | None, value: int, people: tuple[str, ...] | None) -> None:
        self.type = type_
        self.group = group  # None: the pooled edge of the type, whose other end has no constraint
        self.value = value
        self.people = people  # None for the pooled edge: the type's members outside the active groups


class Expander:
    """Per-lottery precomputation for ``expand``: each type's members grouped by cap-family group."""

    def __init__(self, tm: TypeModel) -> None:
        self.tm = tm
        self.sizes = tm.sizes
        self.by_group: list[dict[str, tuple[str, ...]]] = []
        for members in tm.members:
            groups: dict[str, list[str]] = {}
            for cid in members:
                g = tm.family_group_of.get(cid)
                if g is not None:
                    groups.setdefault(g, []).append(cid)
            self.by_group.append({g: tuple(ms) for g, ms in groups.items()})

    def expand(self, column: Column, rng: random.Random) -> list[str]:
        """People for the type panel ``column``, in draw order."""
        tm, sizes = self.tm, self.sizes
        hi = tm.family_caps
        # A cap group can only overflow on this panel if more of its members have a chance than it has
        # seats left after the members who are certain (their whole type is on the panel).
        exposure: dict[str, int] = {}
        certain: dict[str, int] = {}
        for t, n in column:
            tally = certain if n == sizes[t] else exposure
            for g, ms in self.by_group[t].items():
                tally[g] = tally.get(g, 0) + len(ms)
        active = {g for g, n in exposure.items() if n > hi[g] - certain.get(g, 0)}

        den = 1  # exact arithmetic over the lcm of the sizes of the types drawn
        for t, _ in column:
            den = lcm(den, sizes[t])
        chosen: list[str] = []
        edges: list[_Edge] = []
        for t, n in column:
            if n == sizes[t]:
                chosen.extend(tm.members[t])
                continue
            x = n * (den // sizes[t])  # count / size, in units of 1/den
            own = [(g, ms) for g, ms in self.by_group[t].items() if g in active]
            pooled = sizes[t] - sum(len(ms) for _, ms in own)
            for g, ms in own:
                edges.append(_Edge(t, g, x * len(ms), ms))
            if pooled:
                edges.append(_Edge(t, None, x * pooled, None))
        if active:
            _round_shared(edges, den, rng)
        _round_stars(edges, den, rng)
        for e in edges:
            r = e.value // den
            if not r:
                continue
            if e.people is not None:
                chosen.extend(sample(rng, e.people, r))
            else:
                chosen.extend(self._from_pool(e.type, active, r, rng))
        return chosen

    def _from_pool(self, t: int, active: set[str], r: int, rng: random.Random) -> list[str]:
        """``r`` members of type ``t`` outside the active groups, uniformly, by rejection when cheap."""
        members = self.tm.members[t]
        group_of = self.tm.family_group_of
        outside = len(members) - sum(len(ms) for g, ms in self.by_group[t].items() if g in active)
        if 2 * outside < len(members):
            pool = [c for c in members if group_of.get(c) not in active]
            return sample(rng, pool, r)
        picked: list[str] = []
        while len(picked) < r:
            c = members[_uniform_below(rng, len(members))]
            if group_of.get(c) not in active and c not in picked:
                picked.append(c)
        return picked


def _round_shared(edges: list[_Edge], den: int, rng: random.Random) -> None:
    """Dependent-rounding steps until no group vertex holds two or more fractional edges.

    Each step finds a cycle or a maximal path of fractional edges through such a vertex and shifts value
    alternately up and down along it (interior vertices keep their sums); at least one edge becomes
    integral, after which it leaves the graph for good.
    """
    at: dict[object, dict[int, None]] = {}  # vertex -> its fractional edges (ordered, O(1) removal)
    ends: list[tuple[object, object | None]] = []
    for i, e in enumerate(edges):
        u, v = ("t", e.type), (("g", e.group) if e.group is not None else None)
        ends.append((u, v))
        if e.value % den:
            at.setdefault(u, {})[i] = None
            if v is not None:
                at.setdefault(v, {})[i] = None
    # Group vertices with two or more fractional edges; edges only ever leave, so a vertex that drops
    # below two never comes back.
    shared = [v for v in at if v[0] == "g" and len(at[v]) >= 2]
    shared.reverse()  # a stack, worked from the first-created vertex

    def next_edge(vertex: object | None, came: int) -> int | None:
        if vertex is None:
            return None
        for j in at.get(vertex, ()):
            if j != came:
                return j
        return None

    while shared:
        if len(at[shared[-1]]) < 2:
            shared.pop()
            continue
        start = next(iter(at[shared[-1]]))
        path = _walk(start, ends, next_edge)
        up, down = path[0::2], path[1::2]
        to_ceil = [-edges[i].value % den for i in up] + [edges[i].value % den for i in down]
        to_floor = [edges[i].value % den for i in up] + [-edges[i].value % den for i in down]
        alpha, beta = min(to_ceil), min(to_floor)
        # Up by alpha with probability beta / (alpha + beta), else down by beta: the mean move is 0.
        delta = alpha if rng.random() < beta / (alpha + beta) else -beta
        for i in up:
            edges[i].value += delta
        for i in down:
            edges[i].value -= delta
        for i in path:
            if not edges[i].value % den:
                u, v = ends[i]
                del at[u][i]
                if v is not None:
                    del at[v][i]


def _round_stars(edges: list[_Edge], den: int, rng: random.Random) -> None:
    """Round what is left: per type, edges whose other ends have no other fractional edge.

    Systematic sampling over the type's fractional edges in seeded random order: one uniform start ``u``
    in ``[0, den)``, and edge ``i`` gets as many of the points ``u, u + den, ...`` as fall in its slice of
    the cumulative sum. Each edge ends at the floor or ceiling of its value with the right mean, and the
    type's total is its (integral) sum.
    """
    by_type: dict[int, list[_Edge]] = {}
    for e in edges:
        if e.value % den:
            by_type.setdefault(e.type, []).append(e)
    for t in sorted(by_type):
        units = by_type[t]
        order = [units[i] for i in _permutation(rng, len(units))]
        u = _uniform_below(rng, den)
        low, hits_low = 0, 0
        for e in order:
            high = low + e.value
            hits_high = max(0, -((u - high) // den))  # points u + q*den (q >= 0) below ``high``
            e.value = (hits_high - hits_low) * den
            low, hits_low = high, hits_high


def _permutation(rng: random.Random, n: int) -> list[int]:
    idx = list(range(n))
    for i in range(n - 1):
        j = i + _uniform_below(rng, n - i)
        idx[i], idx[j] = idx[j], idx[i]
    return idx


def _walk(start: int, ends, next_edge) -> list[int]:
    """A maximal path or a cycle of fractional edges through ``start``, as consecutive edge indices.

    Bipartite graph: every cycle is even, so +/- alternation closes up consistently.
    """
    a, b = ends[start]
    forward = [start]  # edges from a outwards through b
    where: dict[object, int] = {a: 0}  # vertex -> position: >= 0 forward (a is 0), < 0 backward
    if b is not None:
        where[b] = 1
    current, came = b, start
    while current is not None:
        j = next_edge(current, came)
        if j is None:
            break
        u, w = ends[j]
        nxt = w if u == current else u
        if nxt is not None and nxt in where:
            return [*forward[where[nxt] :], j]  # closed: the edges from that vertex on, then j
        forward.append(j)
        if nxt is not None:
            where[nxt] = len(forward)
        current, came = nxt, j
    backward: list[int] = []  # edges from a outwards on the other side
    current, came = a, start
    while current is not None:
        j = next_edge(current, came)
        if j is None:
            break
        u, w = ends[j]
        nxt = w if u == current else u
        if nxt is not None and nxt in where:
            k = where[nxt]
            if k >= 0:  # back to the forward side: closed through a
                return [*reversed(forward[:k]), *backward, j]
            return [*backward[-k:], j]  # a backward vertex: the edges beyond it, then j
        backward.append(j)
        if nxt is not None:
            where[nxt] = -len(backward)
        current, came = nxt, j
    return [*reversed(backward), *forward]
