"""Spreadsheets in and out of the expert pool: CSV and XLSX, Chinese or English headers.

Pure functions on bytes and plain values, no Flask and no database. :func:`read_table` turns an upload into
canonical columns and rows numbered as the spreadsheet shows them, or raises :class:`TableError` for
problems with the file as a whole (format, encoding, headers, size); validating each row's values is the
import service's job. :func:`write_csv`, :func:`write_xlsx` and :func:`template` produce exports and the
import template, with spreadsheet formula injection neutralised. ``columns`` holds the column table,
``reading``/``xlsx``/``csvtext`` the reading, ``writing`` the writing.
"""

from __future__ import annotations

from expert_pool.rules.errors import TableError
from expert_pool.rules.tabular.columns import (
    COLUMNS,
    COLUMNS_BY_KEY,
    DEFAULT_MAX_ROWS,
    HEADERS,
    REQUIRED_COLUMNS,
    Column,
    Row,
    Table,
    header_key,
)
from expert_pool.rules.tabular.reading import read_table
from expert_pool.rules.tabular.writing import neutralize_cell, template, write_csv, write_xlsx

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_KEY",
    "DEFAULT_MAX_ROWS",
    "HEADERS",
    "REQUIRED_COLUMNS",
    "Column",
    "Row",
    "Table",
    "TableError",
    "header_key",
    "neutralize_cell",
    "read_table",
    "template",
    "write_csv",
    "write_xlsx",
]
