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

Deterministic: a fixed seed and Python's Mersenne Twister only (``refine._uniforms``); integer arithmetic
for the rules (0/1 products in doubles, which are exact), and weights that are small integers held exactly in doubles.
"""

from __future__ import annotations

import random

import numpy as np
from threadpoolctl import ThreadpoolController

from .cpsat import Column
from .prepare import TypeModel
from .refine import _uniforms
from .swaps import SwapNeighbourhood

SAMPLE_SEED = 0x5A3B_1E14
#: A person of a group still short of its minimum is this many times as likely to take the next seat.
SHORT_BIAS = 4.0
#: The products below are a few hundred rows by a few hundred: OpenBLAS would spread each over every core and
#: spin there, for twice the CPU and no gain in time (n3000_k15_noprov, 900 panels: 0.22 CPU s against 0.12).
_BLAS = ThreadpoolController()


def sample_panels(tm: TypeModel, count: int, seed: int = SAMPLE_SEED) -> list[Column]:
    """Up to ``count`` distinct valid type panels of ``tm``, in the order drawn."""
    with _BLAS.limit(limits=1, user_api="blas"):
        return _sample(tm, count, seed)


def _sample(tm: TypeModel, count: int, seed: int) -> list[Column]:
    swaps = SwapNeighbourhood(tm)
    matrix = swaps.matrix  # R x T, rows and (integer-scaled) organisation rows
    lo, hi, ub = swaps.lo.ravel(), swaps.hi.ravel(), swaps.ub
    n_rows, n_types = matrix.shape
    if count <= 0 or n_types == 0 or tm.seats == 0:
        return []
    # A type fits a 0/1 row (a quota group) while the row's sum is below its maximum: one matrix product
    # over all panels at once. The other rows (integer-scaled organisation rows, a type in ~30 of them) are
    # checked entry by entry, each type's entries one after the other.
    unit = np.all((matrix == 0) | (matrix == 1), axis=1)
    unit_rows = np.flatnonzero(unit)
    unit_matrix = matrix[unit_rows, :].astype(np.float64)  # exact: 0/1 entries, sums far below 2**53
    other_rows = np.flatnonzero(~unit)
    if len(other_rows):
        other_of = [other_rows[matrix[other_rows, t] != 0] for t in range(n_types)]
        other_of = [r if len(r) else np.asarray([n_rows]) for r in other_of]  # the pad row never binds
        starts = np.cumsum([0] + [len(r) for r in other_of[:-1]])
        flat = np.concatenate(other_of)
        flat_coef = np.concatenate([np.append(matrix[:, t], 0)[r] for t, r in enumerate(other_of)])
        room = np.append(hi, np.iinfo(np.int64).max // 4)[flat] - flat_coef  # a row's sum up to which t fits
    # Each type's rows as a padded table (to the pad row, coefficient 0) for adding a picked type to the sums.
    rows_of = [np.flatnonzero(matrix[:, t]) for t in range(n_types)]
    width = max(1, max(len(r) for r in rows_of))
    index = np.full((n_types, width), n_rows, dtype=np.int64)
    coef = np.zeros((n_types, width), dtype=np.int64)
    for t, rows in enumerate(rows_of):
        index[t, : len(rows)] = rows
        coef[t, : len(rows)] = matrix[rows, t]
    short_rows = np.flatnonzero(lo > 0)
    in_short = (matrix[short_rows, :] > 0).astype(np.float64)  # S x T, 0/1: exact in a float product
    sizes = np.asarray(tm.sizes, dtype=np.float64)

    rng = random.Random(seed)
    counts = np.zeros((count, n_types), dtype=np.int64)
    sums = np.zeros((count, n_rows + 1), dtype=np.int64)
    alive = np.ones(count, dtype=bool)
    for step in range(tm.seats):
        deficit = np.maximum(lo[short_rows][None, :] - sums[:, short_rows], 0)  # K x S
        helps = ((deficit > 0).astype(np.float64) @ in_short) > 0  # K x T: the type serves a short group
        must = deficit.sum(axis=1) >= tm.seats - step  # only short groups may take the seat
        fits = ((sums[:, unit_rows] >= hi[unit_rows][None]).astype(np.float64) @ unit_matrix) == 0
        if len(other_rows):
            fits &= np.add.reduceat((sums[:, flat] > room[None]).astype(np.int8), starts, axis=1) == 0
        fits &= counts < ub[None, :]
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
    panels = counts[valid]
    which, types = np.nonzero(panels)  # row-major: each panel's types in order
    ends = np.searchsorted(which, np.arange(1, len(panels) + 1)).tolist()
    pairs = list(zip(types.tolist(), panels[which, types].tolist(), strict=True))
    out: list[Column] = []
    seen: set[Column] = set()
    begin = 0
    for end in ends:
        col, begin = tuple(pairs[begin:end]), end
        if col not in seen:
            seen.add(col)
            out.append(col)
    return out
