"""Load landing files into the DuckDB `raw` schema (docs/landing_zone.md).

Each file goes through discovery (discovery.py), a reader (readers.py), the column
choice of its FileFormat (layout.py), the value rules in one set-based SQL pass
(validation.py) into temporary staging tables (staging.py); the staged files are
published in batches, each in one transaction with their manifest rows in
raw.loaded_files (publishing.py). Rows that fail go to `raw.rejects`; per file,
rows_read = rows_loaded + rows_rejected.
"""

from hourglass.loading.discovery import Discovery, discover, discover_files, file_hash
from hourglass.loading.layout import (
    MISSING_VALUES,
    ColumnSource,
    FileFormat,
    ReadOptions,
    Scan,
)
from hourglass.loading.loader import FormatFor, Loader, load_landing, plan_ids
from hourglass.loading.results import FileRejected, FileResult, SourceResult
from hourglass.loading.schema import configure, ensure_raw_schema
from hourglass.loading.validation import Plausible
from hourglass.sql import sql_literal

__all__ = [
    "MISSING_VALUES",
    "Plausible",
    "ColumnSource",
    "Discovery",
    "FileFormat",
    "FileRejected",
    "FileResult",
    "FormatFor",
    "Loader",
    "ReadOptions",
    "Scan",
    "SourceResult",
    "configure",
    "discover",
    "discover_files",
    "ensure_raw_schema",
    "file_hash",
    "load_landing",
    "plan_ids",
    "sql_literal",
]
