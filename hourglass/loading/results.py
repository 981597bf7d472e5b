"""What a load reports, per file and per source."""

from __future__ import annotations

from dataclasses import dataclass, field


class FileRejected(Exception):
    """The whole file cannot be read; the message names the problem (not the file)."""


@dataclass
class FileResult:
    """One landing file's outcome. `status` is loaded | replaced | unchanged | rejected;
    rows_read = rows_loaded + rows_rejected; `error` names the file and the cause
    when the file was rejected whole."""

    source: str
    file: str
    status: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    error: str | None = None


@dataclass
class SourceResult:
    """One source's outcome: its files, the ignored files (relative paths) and
    whether its folder is missing."""

    source: str
    missing: bool = False
    files: list[FileResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    def total(self, attribute: str) -> int:
        """Sum of a FileResult count (rows_read, rows_loaded, rows_rejected) over files."""
        return sum(getattr(f, attribute) for f in self.files)

    @property
    def files_rejected(self) -> int:
        return sum(1 for f in self.files if f.status == "rejected")

    @property
    def reject_share(self) -> float:
        """Rejected rows / rows read (0.0 when nothing was read)."""
        read = self.total("rows_read")
        return self.total("rows_rejected") / read if read else 0.0
