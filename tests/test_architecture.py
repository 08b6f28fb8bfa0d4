"""The architecture, enforced: the import contracts of ``pyproject.toml`` ([tool.importlinter]) and module size.

The contracts are checked by import-linter's own command, one contract per case, so a failure names the
contract and the imports that break it. ``.ci/run`` runs the same command on the whole configuration.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCT_PACKAGES = ("ground", "notifications", "expert_pool", "scheduling", "panels", "ecopanel")
MAX_MODULE_LINES = 400
LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))



def _contract_ids() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [contract["id"] for contract in config["tool"]["importlinter"]["contracts"]]


@pytest.mark.parametrize("contract", _contract_ids())
def test_import_contract_is_kept(contract):
    result = subprocess.run([LINT_IMPORTS, "--no-cache", "--contract", contract], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_contract_is_checked():
    assert set(_contract_ids()) >= {"layers", "acyclic", "pure", "ground"}


def _product_modules() -> list[Path]:
    return sorted(path for package in PRODUCT_PACKAGES for path in (ROOT / package).rglob("*.py"))


def test_no_product_module_is_over_400_lines():
    """A module that grows past ~400 lines becomes a subpackage split by responsibility (tests, migrations and
    benchmarks are not product modules)."""
    too_long = {str(path.relative_to(ROOT)): n for path in _product_modules()
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not too_long


DYNAMIC_IMPORT = re.compile(r"\bimportlib\.import_module\(|\b__import__\(|\bimport_string\(")


def test_no_module_imports_through_importlib():
    """An import the contracts cannot see is an import that can break them unseen."""
    offenders = [str(path.relative_to(ROOT)) for path in _product_modules()
                 if DYNAMIC_IMPORT.search(path.read_text(encoding="utf-8"))]
    assert not offenders
