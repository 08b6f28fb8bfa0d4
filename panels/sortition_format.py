"""Reader for the CSV instance format of the PyPI package ``sortition-algorithms``, and ``simulate``.

An instance directory holds ``features.csv`` (``feature,value,min,max``), ``people.csv`` (an id column and
one column per feature) and optionally ``settings.toml``. The panel size is not part of the format: the
caller passes it. Each ``feature,value`` pair becomes the group ``"feature:value"``; the household rule
(``check_same_address`` over ``check_same_address_columns``, e.g. ``["org"]``) becomes "at most one member
per household", a group ``"household:<values>"`` per distinct combination. No Flask, no database.
"""

from __future__ import annotations

import csv
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from panels.solver import Candidate, Quota, build_lottery

HOUSEHOLD = "household"


@dataclass(frozen=True)
class SortitionInstance:
    """An instance read from disk: candidates in file order, quotas in ``features.csv`` order."""

    candidates: tuple[Candidate, ...]
    quotas: tuple[Quota, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)


def read_instance(directory: str | Path) -> SortitionInstance:
    """Read ``features.csv``, ``people.csv`` and (if present) ``settings.toml`` from ``directory``."""
    directory = Path(directory)
    settings: dict[str, Any] = {}
    settings_path = directory / "settings.toml"
    if settings_path.exists():
        with settings_path.open("rb") as fh:
            settings = tomllib.load(fh)
    id_column = settings.get("id_column", "id")

    quotas: list[Quota] = []
    values: dict[str, set[str]] = {}
    with (directory / "features.csv").open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            feature, value = row["feature"].strip(), row["value"].strip()
            values.setdefault(feature, set()).add(value)
            quotas.append(Quota(f"{feature}:{value}", int(row["min"]), int(row["max"])))

    household_columns: list[str] = []
    if settings.get("check_same_address", False):
        household_columns = list(settings.get("check_same_address_columns", []))

    candidates: list[Candidate] = []
    households: set[str] = set()
    with (directory / "people.csv").open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in [id_column, *values, *household_columns] if c not in header]
        if missing:
            raise ValueError(f"{directory / 'people.csv'}: missing columns {missing}")
        for line, row in enumerate(reader, start=2):
            groups = set()
            for feature, allowed in values.items():
                value = row[feature].strip()
                if value not in allowed:
                    raise ValueError(f"people.csv line {line}: {feature}={value!r} is not in features.csv")
                groups.add(f"{feature}:{value}")
            if household_columns:
                key = "|".join(row[c].strip() for c in household_columns)
                households.add(key)
                groups.add(f"{HOUSEHOLD}:{key}")
            candidates.append(Candidate(row[id_column].strip(), frozenset(groups)))
    quotas.extend(Quota(f"{HOUSEHOLD}:{key}", 0, 1) for key in sorted(households))
    return SortitionInstance(tuple(candidates), tuple(quotas), settings)


def simulate(directory: str | Path, k: int, draws: int, seed_offset: int = 0) -> dict[str, Any]:
    """Run the production engine on an instance: precompute once, then ``draws`` draws.

    Seeds are ``seed_offset .. seed_offset + draws - 1``. Returns ``{"counts": {id: n}, "draws": D,
    "seconds": s, "precompute_seconds": p, "marginals": {id: p}}`` where ``counts`` covers every
    candidate (zeros included) and ``marginals`` are the exact probabilities of the lottery.
    """
    instance = read_instance(directory)
    started = time.perf_counter()
    lottery = build_lottery(instance.candidates, instance.quotas, k)
    precomputed = time.perf_counter()
    counts = {c.id: 0 for c in instance.candidates}
    for seed in range(seed_offset, seed_offset + draws):
        for member in lottery.draw(seed).members:
            counts[member] += 1
    finished = time.perf_counter()
    return {
        "counts": counts,
        "draws": draws,
        "seconds": finished - started,
        "precompute_seconds": precomputed - started,
        "marginals": dict(lottery.marginals),
    }
