"""Does any panel exist? A yes/no question, much cheaper than computing the fair lottery.

Used to suggest other meeting dates when a request is infeasible: the engine checks each candidate date
instead of the service guessing from head counts.
"""

from __future__ import annotations

from collections.abc import Iterable

from panels.solver import Candidate, Quota
from panels.solver.cpsat import TypePricer
from panels.solver.prepare import build_type_model, prepare


def panel_exists(candidates: Iterable[Candidate], quotas: Iterable[Quota], size: int, *,
                 fixed: Iterable[str] = (), excluded: Iterable[str] = ()) -> bool:
    prep = prepare(candidates, quotas, size, fixed, excluded)
    if prep.overfull:
        return False
    if prep.seats == 0:
        return not any(q.lo > 0 for q in prep.quotas)
    # Exact rows only: the cap-family relaxation the lottery may use is slightly stronger than the caps.
    model = build_type_model(prep, prep.live, allow_family=False)
    return TypePricer(model, 1).feasible_column() is not None
