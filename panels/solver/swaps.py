"""Cheap columns: feasible single swaps around a type panel, vectorised with numpy.

Column generation needs one column per support panel at least, and the exact pricing problem (CP-SAT)
costs a few milliseconds per call. Swapping one member of a good panel for a member of another type
yields many more good panels for a fraction of that, checked against exactly the same constraints
(integer arithmetic, same scaling of the fractional rows as CP-SAT).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .cpsat import Column
from .prepare import TypeModel, scaled_fractional


class SwapNeighbourhood:
    def __init__(self, tm: TypeModel) -> None:
        n_types = len(tm.members)
        rows = [r for r in tm.rows]
        self.ub = np.asarray(tm.ub, dtype=np.int64)
        # Stack quota rows and fractional rows into one integer system lo <= M @ count <= hi.
        mats, lo, hi = [], [], []
        for r in rows:
            line = np.zeros(n_types, dtype=np.int64)
            line[list(r.types)] = 1
            mats.append(line)
            lo.append(r.lo)
            hi.append(r.hi)
        sizes = tm.sizes
        for f in tm.fractional:
            coefs, rhs, _ = scaled_fractional(f, sizes)
            line = np.zeros(n_types, dtype=np.int64)
            for t, c in coefs:
                line[t] = c
            mats.append(line)
            lo.append(np.iinfo(np.int64).min // 4)
            hi.append(rhs)
        self.matrix = np.vstack(mats) if mats else np.zeros((0, n_types), dtype=np.int64)
        self.lo = np.asarray(lo, dtype=np.int64).reshape(-1, 1)
        self.hi = np.asarray(hi, dtype=np.int64).reshape(-1, 1)
        self.n_types = n_types

    def dense(self, col: Column) -> np.ndarray:
        m = np.zeros(self.n_types, dtype=np.int64)
        for t, n in col:
            m[t] = n
        return m

    def improving(
        self, col: Column, weights: np.ndarray, threshold: float, limit: int
    ) -> list[tuple[float, Column]]:
        """Feasible single swaps of ``col`` weighing more than ``threshold``: up to ``limit``, best first."""
        m = self.dense(col)
        base = float(weights @ m)
        sums = self.matrix @ m
        found: list[tuple[float, int, int]] = []
        room = m < self.ub
        for a, _ in col:
            gain = weights - weights[a]
            cand = room & (gain > threshold - base)
            cand[a] = False
            if not cand.any():
                continue
            idx = np.flatnonzero(cand)
            new = (sums - self.matrix[:, a]).reshape(-1, 1) + self.matrix[:, idx]
            ok = np.all((new >= self.lo) & (new <= self.hi), axis=0)
            for b in idx[ok]:
                found.append((base + float(gain[b]), a, int(b)))
        found.sort(key=lambda x: (-x[0], x[1], x[2]))
        out = []
        for value, a, b in found[:limit]:
            mm = m.copy()
            mm[a] -= 1
            mm[b] += 1
            out.append((value, tuple((int(t), int(mm[t])) for t in np.flatnonzero(mm))))
        return out

    def climb(self, col: Column, weights: np.ndarray, max_steps: int = 50) -> Column:
        """Best-improvement hill climbing by single swaps."""
        for _ in range(max_steps):
            better = self.improving(col, weights, float(weights @ self.dense(col)) + 1e-15, 1)
            if not better:
                break
            col = better[0][1]
        return col


def as_array(weights: Sequence[float]) -> np.ndarray:
    return np.asarray(weights, dtype=np.float64)
