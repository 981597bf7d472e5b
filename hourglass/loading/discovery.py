"""Which files of a landing source folder are data (docs/landing_zone.md,
"Folders and files")."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from hourglass.contract import ACCEPTED_EXTENSIONS


@dataclass
class Discovery:
    """A source folder's files: `accepted` relative paths (to the landing dir) in
    byte order, and `ignored` relative path -> why it is not loaded."""

    accepted: list[str] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)


def discover(landing_dir: Path, source: str) -> Discovery:
    """Walk `<landing>/<source>` following symbolic links.

    Names starting with `.` or `_` (files and folders) are not data; files of
    other extensions are ignored; a link that leads nowhere is ignored; a file
    reached twice (a link and its target) is accepted once, under the first of
    its paths in byte order. Paths are listed in byte order (the contract's
    tie-break order).
    """
    found = Discovery()
    root = landing_dir / source
    if not root.is_dir():
        return found
    candidates: list[tuple[str, Path]] = []
    visited: set[str] = set()
    for folder, subfolders, files in os.walk(root, followlinks=True):
        here = Path(folder)
        real = os.path.realpath(here)
        if real in visited:  # a link back into a folder already walked
            subfolders[:] = []
            continue
        visited.add(real)
        for name in sorted(subfolders):
            if name.startswith((".", "_")):
                found.ignored[_relative(here / name, landing_dir) + "/"] = "hidden folder"
                subfolders.remove(name)
        for name in files:
            path = here / name
            relative = _relative(path, landing_dir)
            if not _is_utf8(relative):  # the warehouse could not name it
                shown = os.fsencode(relative).decode("utf-8", "replace")
                found.ignored[shown] = "a file name that is not UTF-8 (rename the file)"
            elif name.startswith((".", "_")):
                found.ignored[relative] = "hidden file"
            elif not path.exists():  # a dangling link, to a file or to a folder
                found.ignored[relative] = "a link that leads nowhere"
            elif not path.is_file():  # reading a pipe or a device could block for ever
                found.ignored[relative] = "not a regular file (a pipe, socket or device)"
            elif not name.lower().endswith(ACCEPTED_EXTENSIONS):
                found.ignored[relative] = f"not an accepted file type {ACCEPTED_EXTENSIONS}"
            else:
                candidates.append((relative, path))
    seen: dict[str, str] = {}
    for relative, path in sorted(candidates, key=lambda c: os.fsencode(c[0])):
        target = os.path.realpath(path)
        if target in seen:
            found.ignored[relative] = f"the same file as {seen[target]}"
        else:
            seen[target] = relative
            found.accepted.append(relative)
    found.ignored = dict(sorted(found.ignored.items(), key=lambda item: os.fsencode(item[0])))
    return found


def discover_files(landing_dir: Path, source: str) -> tuple[list[str], list[str]]:
    """Accepted and ignored files of a source (see `discover`), as relative paths."""
    found = discover(landing_dir, source)
    return found.accepted, list(found.ignored)


def _is_utf8(name: str) -> bool:
    """False for a name whose bytes are not UTF-8 (Python keeps them as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _relative(path: Path, landing_dir: Path) -> str:
    return path.relative_to(landing_dir).as_posix()


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
