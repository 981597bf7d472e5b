"""The manifest raw.loaded_files: one row per landing file, what its last load
found (written by publishing.py)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb


def previous_load(
    con: duckdb.DuckDBPyConnection, source: str, relative: str
) -> tuple[str, str | None] | None:
    """What the manifest holds for a file: (content hash, format hash), None if it was
    never loaded."""
    found = con.execute(
        "select content_hash, format_hash from raw.loaded_files where source = ? and file = ?",
        [source, relative],
    ).fetchall()
    return found[0] if found else None


@dataclass(frozen=True)
class FileRecord:
    """The manifest facts of one file version: its relative path, size in bytes,
    SHA-256, status, the file-level error (None unless rejected whole) and the hash
    of the format configuration it was read with (None: the contract's own layout)."""

    relative: str
    size_bytes: int
    digest: str
    status: str
    error: str | None = None
    format_hash: str | None = None
