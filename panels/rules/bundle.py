"""The verifiable draw: commitment, seed derivation, the audit bundle and its offline verification.

Pure: ``ecopanel draws verify BUNDLE.json`` runs this without a database. The procedure:

1. the draw's inputs (eligible pool with the attributes the solver uses, quotas, rule set and version,
   every expert's eligibility and reasons, the engine version) are serialised canonically and committed to
   with SHA-256 *before* any randomness exists;
2. the seed is derived from the commitment, fresh server entropy and an optional public value a witness
   enters (or, for a replay the Office asks for, given by the caller, which the bundle says);
3. the engine draws; the result is stored beside the inputs.

Verification re-derives the commitment and the seed, re-runs the same engine and compares; the bundle file
must also be byte-for-byte canonical, so changing any byte of it is detected.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from panels.solver import (
    ENGINE_VERSION,
    ENGINE_WORK,
    WORK_LIMIT,
    WORK_UNIT,
    Candidate,
    DrawRequest,
    DrawResult,
    InfeasibleDraw,
    Quota,
    draw_panel,
)

BUNDLE_FORMAT = "ecopanel-draw-bundle/1"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_parts(value: Mapping[str, Any]) -> dict[str, str]:
    """``canonical_json`` of each value of a dict, to serialise the large ones once for several digests."""
    return {k: canonical_json(v) for k, v in value.items()}


def canonical_from_parts(parts: Mapping[str, str]) -> str:
    """``canonical_json`` of the dict whose values' canonical forms are ``parts`` (byte for byte the same)."""
    return "".join(_pieces(parts))


def _pieces(parts: Mapping[str, str]):
    yield "{"
    for i, k in enumerate(sorted(parts)):
        yield f"{',' if i else ''}{canonical_json(k)}:"
        yield parts[k]
    yield "}"


def sha256_of_parts(parts: Mapping[str, str]) -> str:
    """SHA-256 of ``canonical_from_parts(parts)``, fed piece by piece (the large pieces are not copied)."""
    digest = hashlib.sha256()
    for piece in _pieces(parts):
        digest.update(piece.encode())
    return digest.hexdigest()


def commitment_of(inputs: Mapping[str, Any], parts: Mapping[str, str] | None = None) -> str:
    """SHA-256 of the canonical inputs (``parts``: their ``canonical_parts``, if already made)."""
    if parts is not None:
        return sha256_of_parts(parts)
    return hashlib.sha256(canonical_json(inputs).encode()).hexdigest()


def derive_seed(commitment: str, server_entropy: str, witness: str | None) -> int:
    """63 bits from SHA-256(commitment : entropy : witness): nobody chose it, everybody can recompute it."""
    digest = hashlib.sha256(f"{commitment}:{server_entropy}:{witness or ''}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


#: Engine versions this code re-runs exactly, and the work bound each used (1.1 had none, 1.2 counted
#: term-solves, 1.3 CP-SAT deterministic time: see ``panels.solver.model``). Results are otherwise the same.
WORK_LIMITS: dict[str, float | None] = {version: limit for version, (limit, _) in ENGINE_WORK.items()}


def request_from_inputs(inputs: Mapping[str, Any], seed: int, time_limit_s: float = 60.0) -> DrawRequest:
    return DrawRequest(
        candidates=tuple(Candidate(cid, frozenset(groups)) for cid, groups in inputs["candidates"]),
        quotas=tuple(Quota(g, lo, hi) for g, lo, hi in inputs["quotas"]),
        size=inputs["size"], alternates=inputs["alternates"], fixed=frozenset(inputs["fixed"]),
        excluded=frozenset(inputs["excluded"]), seed=seed, time_limit_s=time_limit_s, workers=1,
        work_limit=ENGINE_WORK.get(inputs.get("engine_version", ENGINE_VERSION), (WORK_LIMIT, WORK_UNIT))[0],
        work_unit=ENGINE_WORK.get(inputs.get("engine_version", ENGINE_VERSION), (WORK_LIMIT, WORK_UNIT))[1],
    )


def choose_chair(members: Sequence[str], candidates: Mapping[str, frozenset[str]], seed: int,
                 senior_only: bool) -> str | None:
    """The chair among the members (a senior one when the rule set says so), chosen by the seed."""
    pool = sorted(m for m in members if not senior_only or "senior" in candidates.get(m, ()))
    if not pool:
        return None
    return random.Random(seed ^ 0x63A1).choice(pool)  # a fixed salt: independent of the member draw


def run_draw(inputs: Mapping[str, Any], seed: int, time_limit_s: float = 60.0) -> dict[str, Any]:
    """Draw from committed inputs; the result as it is stored and compared."""
    return result_record(inputs, draw_panel(request_from_inputs(inputs, seed, time_limit_s)), seed)


def stored_marginals(marginals: Mapping[str, float] | None) -> dict[str, float]:
    """A lottery's marginals as a result stores them (the same for every draw of one lottery)."""
    return {k: round(v, 12) for k, v in sorted((marginals or {}).items())}


def result_record(inputs: Mapping[str, Any], result: DrawResult, seed: int,
                  marginals: dict[str, float] | None = None) -> dict[str, Any]:
    """The stored form of an engine result for ``inputs`` (shared with ``panels.lottery_cache``, which passes
    the lottery's ``stored_marginals`` once made)."""
    members = set(result.members)
    groups = {cid: frozenset(g) for cid, g in inputs["candidates"] if cid in members}
    chair = None
    if inputs.get("choose_chair", True):
        chair = choose_chair(result.members, groups, seed, inputs.get("chair_senior", True))
    return {
        "members": list(result.members), "drawn": list(result.drawn), "alternates": list(result.alternates),
        "chair": chair, "min_probability": result.min_probability, "optimal": result.optimal,
        "gap": result.gap,
        "lottery_digest": result.lottery_digest, "engine_version": result.engine_version,
        "marginals": stored_marginals(result.marginals) if marginals is None else marginals,
    }


def make_bundle(*, draw_id: int, panel: Mapping[str, Any], inputs: Mapping[str, Any], commitment: str,
                server_entropy: str, witness: str | None, seed_source: str, seed: int,
                result: Mapping[str, Any], created_at: str, created_by: str,
                supervised_by: str | None = None) -> str:
    """The bundle as canonical JSON text (what the audit endpoint returns and ``draws verify`` reads).

    ``supervised_by`` (the supervisor who confirmed the draw) is written only when there was one, so the
    bundles of draws made without it keep their bytes."""
    extra = {"supervised_by": supervised_by} if supervised_by else {}
    return canonical_json({
        "format": BUNDLE_FORMAT, "draw_id": draw_id, "panel": panel, "inputs": inputs, "commitment": commitment,
        "entropy": {"server": server_entropy, "witness": witness}, "seed_source": seed_source, "seed": seed,
        "result": result, "created_at": created_at, "created_by": created_by, **extra,
    })


@dataclass(frozen=True)
class Verification:
    ok: bool
    problems: tuple[str, ...]


def verify_document(text: str) -> list[tuple[str, Verification]]:
    """Verify a single bundle, or the ``{"bundles": [...]}`` document the audit endpoint returns."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        return [("bundle", Verification(False, (f"not valid JSON: {exc}",)))]
    if isinstance(doc, dict) and isinstance(doc.get("bundles"), list):
        parts = [canonical_json(b) for b in doc["bundles"]]
        results = [(f"draw {b.get('draw_id') if isinstance(b, dict) else '?'}", verify_bundle(p))
                   for b, p in zip(doc["bundles"], parts, strict=True)]
        if '{"bundles":[' + ",".join(parts) + "]}" != text.rstrip("\n"):
            results.append(("document", Verification(False, (
                "the file is not in canonical form: its bytes were changed after export",))))
        return results
    return [("bundle", verify_bundle(text))]


def verify_bundle(text: str) -> Verification:
    """Check a bundle offline: canonical bytes, commitment, seed derivation, and a re-run of the draw."""
    problems: list[str] = []
    try:
        bundle = json.loads(text)
    except json.JSONDecodeError as exc:
        return Verification(False, (f"not valid JSON: {exc}",))
    if not isinstance(bundle, dict) or bundle.get("format") != BUNDLE_FORMAT:
        return Verification(False, (f"not an {BUNDLE_FORMAT} bundle",))
    if canonical_json(bundle) != text.rstrip("\n"):
        problems.append("the file is not in canonical form: its bytes were changed after export")
    try:
        inputs, result = bundle["inputs"], bundle["result"]
        if commitment_of(inputs) != bundle["commitment"]:
            problems.append("commitment does not match the inputs (inputs or commitment altered)")
        if bundle["seed_source"] == "derived":
            seed = derive_seed(bundle["commitment"], bundle["entropy"]["server"], bundle["entropy"]["witness"])
            if seed != bundle["seed"]:
                problems.append(f"seed {bundle['seed']} is not the one derived from commitment and entropy ({seed})")
        elif bundle["seed_source"] == "wave":
            # its members come from the wave's plan, not from a lottery of its own: the wave's bundle proves them
            wave = inputs.get("wave") or {}
            return Verification(False, (f"drawn in wave {wave.get('id')}: its members come from the wave's plan; "
                                         f"verify the wave's bundle (GET /api/v1/waves/{wave.get('id')}/bundle)",))
        elif bundle["seed_source"] != "caller":
            problems.append(f"unknown seed source {bundle['seed_source']!r}")
        if inputs.get("engine_version") not in WORK_LIMITS:
            problems.append(f"drawn with engine {inputs.get('engine_version')}, this is {ENGINE_VERSION}: "
                            "verify with that version")
        replay = run_draw(inputs, bundle["seed"])
        for key in ("members", "alternates", "chair"):
            if replay[key] != result.get(key):
                problems.append(f"{key} differ: bundle {result.get(key)}, re-run {replay[key]}")
        if replay["lottery_digest"] != result.get("lottery_digest"):
            problems.append("the lottery (distribution over panels) differs from the one recorded")
    except InfeasibleDraw as exc:
        problems.append(f"the inputs admit no panel: {exc}")
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(f"malformed bundle: {exc!r}")
    return Verification(not problems, tuple(problems))
