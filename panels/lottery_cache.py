"""Fair lotteries reused across draws, keyed by a digest of exactly what a lottery depends on.

A lottery is a function of the eligible pool (candidates and their groups), the quotas, the panel size,
the fixed and excluded members and the engine version; the seed only picks a panel from it. A redraw, a
replacement round or another meeting over the same eligible pool and rules therefore needs no new
precompute (the expensive part of a draw). The key is the SHA-256 of those inputs in canonical JSON, so a
change to any of them (an expert becoming eligible or not, a rule set version, a fixed member) is a
different key: entries are never stale, only unused, and the least recently used ones are dropped.

Results are unchanged by the cache: ``build_lottery`` is deterministic in its inputs (its work bounds are
iterations, not seconds), and a lottery that the wall-clock safety net cut short is never stored, so a
cached draw is exactly what ``panels.rules.bundle.run_draw`` (what ``ecopanel draws verify`` re-runs) computes.
The cache is per process; nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from typing import Any

from panels.rules.bundle import (
    canonical_json,
    request_from_inputs,
    result_record,
    sha256_of_parts,
    stored_marginals,
)
from panels.rules.feasibility import panel_exists
from panels.solver import ENGINE_VERSION, Candidate, FairLottery, Quota, build_lottery

#: Lotteries kept per process: one for a 10,000-expert pool holds ~10,000 marginals and a few hundred
#: panels (a few MB), and a meeting's redraws come within minutes of each other.
MAX_ENTRIES = 16
#: Feasibility answers kept (a bool each): date suggestions ask about the distinct eligible sets of a span.
MAX_ANSWERS = 512


KEY_FIELDS = ("engine_version", "candidates", "quotas", "size", "fixed", "excluded")


def lottery_key(inputs: Mapping[str, Any], parts: Mapping[str, str] | None = None) -> str:
    """Digest of the inputs a lottery depends on (not the seed, alternates, funnel or panel metadata);
    ``parts``: the inputs' ``canonical_parts`` if already made (the same digest, without serialising again)."""
    if parts is not None:
        return sha256_of_parts({k: parts.get(k, "null") for k in KEY_FIELDS})
    return hashlib.sha256(canonical_json({k: inputs.get(k) for k in KEY_FIELDS}).encode()).hexdigest()


def _id_order(cid: str) -> tuple[int, int, str]:
    return (0, int(cid), "") if cid.isdigit() else (1, 0, cid)  # the draw inputs sort ids as numbers


def draw_key(candidates: Iterable[Candidate], quotas: Iterable[Quota], size: int, *,
             fixed: Iterable[str] = (), excluded: Iterable[str] = ()) -> str:
    """``lottery_key`` of the draw inputs these engine values would make (``services._inputs``' format)."""
    return lottery_key({
        "engine_version": ENGINE_VERSION,
        "candidates": [[c.id, sorted(c.groups)] for c in sorted(candidates, key=lambda c: _id_order(c.id))],
        "quotas": [[q.group, q.min, q.max] for q in quotas], "size": size,
        "fixed": sorted(fixed), "excluded": sorted(excluded)})


class LotteryCache:
    """A bounded, thread-safe LRU map from ``lottery_key`` to ``FairLottery``."""

    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[str, FairLottery] = OrderedDict()
        self._answers: OrderedDict[str, bool] = OrderedDict()
        # each lottery's marginals as results store them, for as long as the lottery is alive
        self._marginals: weakref.WeakKeyDictionary[FairLottery, dict[str, float]] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: str) -> FairLottery | None:
        with self._lock:
            lottery = self._entries.get(key)
            if lottery is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return lottery

    def put(self, key: str, lottery: FairLottery) -> None:
        if lottery.time_limited:
            return  # cut short by the wall clock: another run may differ, so never reuse it
        with self._lock:
            self._entries[key] = lottery
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._answers.clear()

    def panel_exists(self, candidates: Iterable[Candidate], quotas: Iterable[Quota], size: int, *,
                     fixed: Iterable[str] = (), excluded: Iterable[str] = ()) -> bool:
        """``panels.rules.feasibility.panel_exists``, remembered under the same key as the lottery of that draw:
        a draw whose lottery is cached is feasible without a solve, and a date asked about twice (date
        suggestions, an infeasible draw's nearby days) is solved once."""
        candidates, quotas, fixed, excluded = list(candidates), list(quotas), list(fixed), list(excluded)
        key = draw_key(candidates, quotas, size, fixed=fixed, excluded=excluded)
        with self._lock:
            if key in self._entries:
                return True
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
        answer = panel_exists(candidates, quotas, size, fixed=fixed, excluded=excluded)
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > MAX_ANSWERS:
                self._answers.popitem(last=False)
        return answer

    def __len__(self) -> int:
        return len(self._entries)

    def lottery_for(self, inputs: Mapping[str, Any], time_limit_s: float = 60.0,
                    parts: Mapping[str, str] | None = None) -> FairLottery:
        """The lottery of ``inputs``, built at most once (concurrent first uses may both build it)."""
        key = lottery_key(inputs, parts)
        lottery = self.get(key)
        if lottery is None:
            request = request_from_inputs(inputs, 0, time_limit_s)
            lottery = build_lottery(request.candidates, request.quotas, request.size, fixed=request.fixed,
                                    excluded=request.excluded, time_limit_s=request.time_limit_s,
                                    workers=request.workers)
            self.put(key, lottery)
        return lottery

    def run_draw(self, inputs: Mapping[str, Any], seed: int, time_limit_s: float = 60.0,
                 parts: Mapping[str, str] | None = None) -> dict[str, Any]:
        """``panels.rules.bundle.run_draw`` with the lottery (and its stored marginals) taken from the cache."""
        lottery = self.lottery_for(inputs, time_limit_s, parts)
        with self._lock:
            marginals = self._marginals.get(lottery)
        if marginals is None:
            marginals = stored_marginals(lottery.marginals)
            with self._lock:
                self._marginals[lottery] = marginals
        return result_record(inputs, lottery.draw(seed, inputs["alternates"]), seed, marginals)


#: The process's cache, used by the draw path (``panels.services._draw_round``).
LOTTERIES = LotteryCache()
