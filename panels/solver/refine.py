"""Starting columns for a type model from a lottery over a coarser *relaxed* type model.

When a second disjoint cap family (typically ``prov:*``, "at most 2 per province") sits in the type
signatures, it multiplies the types (31 provinces x ~20 specialty signatures = 620) and column generation
needs hundreds of rounds just to assemble a support of that size. The relaxed model drops that family's
quotas, so each of its types is a union of fine types; its leximin lottery is cheap (~30 types) and
bounds what the fine model can reach. Each relaxed panel is refined into fine panels by systematic
sampling within each relaxed type, proportionally to the fine types' sizes (so that, averaged, every person
of a relaxed type keeps the relaxed probability); the refinements that break a rule of the fine model
(a province cap, an organisation row) are dropped, and the master LP reweights the rest.

Deterministic: a fixed seed and ``random.Random.random`` only.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from .cpsat import Column
from .prepare import TypeModel
from .swaps import SwapNeighbourhood

REFINE_SEED = 0x5EED_2027


def _uniforms(rng: random.Random, count: int) -> np.ndarray:
    """``count`` uniforms in [0, 1) from Python's Mersenne Twister (its byte stream is fixed across versions
    and machines, unlike numpy's generators' distributions), 53 bits each, as ``random.random`` makes them."""
    words = np.frombuffer(rng.randbytes(8 * count), dtype="<u8")
    return (words >> np.uint64(11)).astype(np.float64) * (1.0 / 2**53)


def refine_columns(
    tm: TypeModel,
    coarse_of: Sequence[int],
    coarse_columns: Sequence[Column],
    coarse_probs: Sequence[float],
    total: int,
    minimum: int = 2,
) -> list[Column]:
    """About ``total`` feasible fine panels refining the coarse lottery (more for heavier panels)."""
    sizes = np.asarray(tm.sizes, dtype=np.float64)
    n_types = len(sizes)
    fine_of: dict[int, np.ndarray] = {}
    for s in sorted(set(coarse_of)):
        fine_of[s] = np.asarray([t for t, c in enumerate(coarse_of) if c == s], dtype=np.int64)
    coarse_size = {s: float(sizes[ts].sum()) for s, ts in fine_of.items()}
    rng = random.Random(REFINE_SEED)
    dense: list[np.ndarray] = []
    for col, p in zip(coarse_columns, coarse_probs, strict=True):
        if any(s not in fine_of for s, _ in col):
            continue
        k = max(minimum, round(total * p))
        block = np.zeros((k, n_types), dtype=np.int64)
        rows = np.arange(k)
        for s, n in col:
            types = fine_of[s]
            f = len(types)
            # A random order of the fine types per sample (argsort of uniform keys), then systematic
            # sampling: the n points u, u+1, ... over the cumulated expected counts n * size / coarse size.
            keys = _uniforms(rng, k * f)
            order = np.argsort(keys.reshape(k, f), axis=1, kind="stable")
            cum = np.cumsum((n / coarse_size[s]) * sizes[types][order], axis=1)
            start = _uniforms(rng, k)
            points = start[:, None] + np.arange(n)[None, :]
            shift = (rows * (n + 2.0))[:, None]  # keep each sample's search inside its own row
            pos = np.searchsorted((cum + shift).ravel(), (points + shift).ravel(), side="right")
            pos = np.minimum(pos.reshape(k, n) - (rows * f)[:, None], f - 1)  # round-off at the end
            picked = types[order[rows[:, None], pos]]
            np.add.at(block, (np.repeat(rows, n), picked.ravel()), 1)
        dense.append(block)
    if not dense:
        return []
    swaps = SwapNeighbourhood(tm)
    block = np.vstack(dense)  # K x T
    ok = np.all(block <= swaps.ub, axis=1)
    if swaps.matrix.size and int(np.abs(swaps.matrix).max()) * tm.seats < 2**52:
        # Every partial sum is an integer below 2**53, so the (BLAS) float product is exact, and ~10x
        # faster than numpy's integer one.
        sums = swaps.matrix.astype(np.float64) @ block.T.astype(np.float64)
    else:
        sums = swaps.matrix @ block.T  # R x K
    ok &= np.all((sums >= swaps.lo) & (sums <= swaps.hi), axis=0)
    out: list[Column] = []
    seen: set[Column] = set()
    for row in block[ok]:
        col = tuple((int(t), int(row[t])) for t in np.flatnonzero(row))
        if col not in seen:
            seen.add(col)
            out.append(col)
    return out
