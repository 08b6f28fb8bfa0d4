"""Many feasible type panels at once, drawn at random: a warm start for the column generation (engine 1.4).

Column generation starting from one panel spends about one pricing round (a CP-SAT call and a master LP) per
type just to assemble a support: ~100 rounds on a pool of 300. A few hundred random valid panels give the
master LP most of the support it needs from the start, and the exact pricing is left to finish and to prove
each stage: n300_k7_rare 108 rounds -> ~22, the same optimum.

A panel is drawn seat by seat: each seat goes to a uniformly random person among those who still fit (no cap,
type bound or organisation row broken), restricted to the groups still short of their minimum once the seats
left are only just enough for them, and with those groups' members preferred while they are short. All panels
are drawn together, one seat per step, with numpy; a panel that ends up breaking a rule (a minimum it could not
meet) is dropped, the rest are checked against exactly the constraints of ``swaps.SwapNeighbourhood``.

Deterministic: a fixed seed and Python's Mersenne Twister only (``refine._uniforms``); integer arithmetic for
the rules, and weights that are small integers held exactly in doubles.
"""

from __future__ import annotations

import random

import numpy as np

from .cpsat import Column
from .prepare import TypeModel
from .refine import _uniforms
from .swaps import SwapNeighbourhood

SAMPLE_SEED = 0x5A3B_1E14
#: A person of a group still short of its minimum is this many times as likely to take the next seat.
SHORT_BIAS = 4.0


def sample_panels(tm: TypeModel, count: int, seed: int = SAMPLE_SEED) -> list[Column]:
    """Up to ``count`` distinct valid type panels of ``tm``, in the order drawn."""
    swaps = SwapNeighbourhood(tm)
    matrix = swaps.matrix  # R x T, rows and (integer-scaled) organisation rows
    lo, hi, ub = swaps.lo.ravel(), swaps.hi.ravel(), swaps.ub
    n_rows, n_types = matrix.shape
    if count <= 0 or n_types == 0 or tm.seats == 0:
        return []
    # Each type's rows, one after the other (a type with none gets a row of its own that never binds, index
    # n_rows): organisation rows make a few types sit in ~30 rows, so a padded table would cost 3-4x more.
    rows_of = [np.flatnonzero(matrix[:, t]) for t in range(n_types)]
    rows_of = [r if len(r) else np.asarray([n_rows]) for r in rows_of]
    starts = np.cumsum([0] + [len(r) for r in rows_of[:-1]])
    flat = np.concatenate(rows_of)
    flat_coef = np.concatenate([np.append(matrix[:, t], 0)[r] for t, r in enumerate(rows_of)])
    room = np.append(hi, np.iinfo(np.int64).max // 4)[flat] - flat_coef  # a row's sum up to which t fits
    # ... and as a padded table (to the pad row, coefficient 0) for adding a picked type to the row sums.
    width = max(len(r) for r in rows_of)
    index = np.full((n_types, width), n_rows, dtype=np.int64)
    coef = np.zeros((n_types, width), dtype=np.int64)
    for t, rows in enumerate(rows_of):
        index[t, : len(rows)] = rows
        coef[t, : len(rows)] = np.append(matrix[:, t], 0)[rows]
    short_rows = np.flatnonzero(lo > 0)
    in_short = (matrix[short_rows, :] > 0).astype(np.int64)  # S x T
    sizes = np.asarray(tm.sizes, dtype=np.float64)

    rng = random.Random(seed)
    counts = np.zeros((count, n_types), dtype=np.int64)
    sums = np.zeros((count, n_rows + 1), dtype=np.int64)
    alive = np.ones(count, dtype=bool)
    for step in range(tm.seats):
        deficit = np.maximum(lo[short_rows][None, :] - sums[:, short_rows], 0)  # K x S
        helps = ((deficit > 0).astype(np.int64) @ in_short) > 0  # K x T: the type serves a short group
        must = deficit.sum(axis=1) >= tm.seats - step  # only short groups may take the seat
        broken = np.add.reduceat((sums[:, flat] > room[None]).astype(np.int8), starts, axis=1)
        fits = (broken == 0) & (counts < ub[None, :])
        fits &= ~must[:, None] | helps
        weight = np.where(fits, (sizes[None, :] - counts) * np.where(helps, SHORT_BIAS, 1.0), 0.0)
        cumulative = np.cumsum(weight, axis=1)
        total = cumulative[:, -1]
        alive &= total > 0
        points = _uniforms(rng, count) * total
        pick = np.minimum((cumulative <= points[:, None]).sum(axis=1), n_types - 1)
        live = np.flatnonzero(alive)
        chosen = pick[live]
        counts[live, chosen] += 1
        sums[live[:, None], index[chosen]] += coef[chosen]  # a type's rows are distinct (the pad adds 0)
    valid = alive & np.all((sums[:, :n_rows] >= lo[None]) & (sums[:, :n_rows] <= hi[None]), axis=1)
    valid &= np.all(counts <= ub[None, :], axis=1)
    out: list[Column] = []
    seen: set[Column] = set()
    for row in counts[valid]:
        col = tuple((int(t), int(row[t])) for t in np.flatnonzero(row))
        if col not in seen:
            seen.add(col)
            out.append(col)
    return out
