"""Spreadsheets in and out of the pool: ``importing`` (all rows or none) and ``exporting`` (and the template)."""

from __future__ import annotations

from expert_pool.exchange.exporting import EXPORT_COLUMNS, export_experts, template
from expert_pool.exchange.importing import import_file, read_rows

__all__ = ["EXPORT_COLUMNS", "export_experts", "import_file", "read_rows", "template"]
