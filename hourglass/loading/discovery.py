"""Which files of a landing source folder are data (CONTRACT.md section 1)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hourglass.contract import ACCEPTED_EXTENSIONS


def discover_files(landing_dir: Path, source: str) -> tuple[list[str], list[str]]:
    """Accepted and ignored files of a source, as paths relative to the landing dir,
    in byte order of the relative path (the contract's tie-break order)."""
    root = landing_dir / source
    if not root.is_dir():
        return [], []
    accepted, ignored = [], []
    for path in root.rglob("*"):
        if not path.is_file():
            continue
        relative = path.relative_to(landing_dir).as_posix()
        if path.name.lower().endswith(ACCEPTED_EXTENSIONS):
            accepted.append(relative)
        else:
            ignored.append(relative)
    key = lambda p: p.encode()  # noqa: E731
    return sorted(accepted, key=key), sorted(ignored, key=key)


def file_hash(path: Path) -> str:
    """SHA-256 of the file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def format_of(path: str) -> str:
    """The reader a file name calls for: csv | json | parquet."""
    name = path.lower()
    if name.endswith(".parquet"):
        return "parquet"
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    return "json"
