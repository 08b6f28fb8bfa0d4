"""``ecopanel draws verify`` (a draw's or a wave's bundle) and ``ecopanel draws simulate``: work offline, need
no database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.group("draws")
def draws_group() -> None:
    """Verify draws offline; simulate the draw engine on a pool of your own."""


@draws_group.command("verify")
@click.argument("bundle", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify_command(bundle: Path) -> None:
    """Replay a draw from its audit bundle, or a wave from its bundle: print 'verified' (exit 0) or what
    differs (exit 1)."""
    from panels.rules.wave_bundle import verify_any

    try:
        text = bundle.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        click.echo("错误: 文件不是 UTF-8 文本 / error: the file is not UTF-8 text", err=True)
        sys.exit(1)
    results = verify_any(text)
    if all(v.ok for _, v in results):
        click.echo("verified")
        return
    for name, v in results:
        for problem in v.problems:
            click.echo(f"{name}: {problem}")
    sys.exit(1)


@draws_group.command("simulate")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-k", "k", type=click.IntRange(1, 100), required=True, help="Panel size")
@click.option("--draws", type=click.IntRange(1, 10_000_000), required=True, help="Number of draws")
@click.option("--seed-offset", type=int, default=0, show_default=True, help="Seeds S..S+D-1")
def simulate_command(directory: Path, k: int, draws: int, seed_offset: int) -> None:
    """Real draws with the production engine on a pool in the sortition-algorithms CSV format."""
    from panels.solver import InfeasibleDraw
    from panels.sortition_format import simulate

    try:
        out = simulate(directory, k, draws, seed_offset)
    except InfeasibleDraw as exc:
        click.echo(f"错误: 无可行评审组 / error: no feasible panel: {exc}", err=True)
        sys.exit(1)
    except (ValueError, KeyError, OSError) as exc:
        click.echo(f"错误: 无法读取样本库 / error: cannot read the pool: {exc}", err=True)
        sys.exit(1)
    click.echo(json.dumps({"counts": out["counts"], "draws": out["draws"], "seconds": round(out["seconds"], 6),
                           "marginals": out["marginals"]}, ensure_ascii=False))
