"""Which format configuration reads a landing file: the nearest `_format.yml` at or
above the file within its source folder (docs/formats.md, "Which configuration
applies to a file")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hourglass.contract import Source
from hourglass.formats.config import FORMAT_FILE, ConfigError, FormatConfig, load
from hourglass.formats.translate import Unmappable, column_values
from hourglass.loading.layout import ColumnSource, FileFormat, ReadOptions, Scan
from hourglass.loading.results import FileRejected


@dataclass(frozen=True)
class MappedFormat(FileFormat):
    """A FileFormat from a resolved format configuration: its read options, and its
    columns translated to SQL over the scan (see translate.py)."""

    config: FormatConfig = FormatConfig()

    @classmethod
    def of(cls, config: FormatConfig) -> MappedFormat:
        """The FileFormat of a resolved configuration (unset read options: the defaults)."""
        read = {
            key: value
            for key, value in config.model_dump(
                include={"encoding", "missing_values", "json_array_per_line", "line_prefix"}
            ).items()
            if value is not None
        }
        if "missing_values" in read:
            read["missing_values"] = tuple(read["missing_values"])
        return cls(read=ReadOptions(**read), config=config)

    def columns(self, source: Source, scan: Scan) -> dict[str, ColumnSource]:
        """Contract column -> ColumnSource; FileRejected when the file cannot be mapped."""
        try:
            values = column_values(
                source,
                self.config,
                scan.reader,
                scan.fields,
                scan.duplicates,
                self.read.missing_values,
            )
        except Unmappable as exc:
            raise FileRejected(str(exc)) from None
        return {column: ColumnSource(*value) for column, value in values.items()}


def nearest_config(landing_dir: Path, relative: str) -> Path | None:
    """The `_format.yml` nearest to a file (path relative to the landing dir), looking
    in its folder and each folder above it up to its source folder; None if none."""
    folders = PurePosixPath(relative).parts[:-1]
    for depth in range(len(folders), 0, -1):
        candidate = landing_dir.joinpath(*folders[:depth], FORMAT_FILE)
        if candidate.is_file():
            return candidate
    return None


class FolderFormats:
    """The loader's `format_for`: the FileFormat of each landing file, from the nearest
    format configuration, or the contract's own layout where there is none.

    Each configuration file is read once per instance (one load). A configuration
    that cannot be used rejects every file it governs, with its error (file, key,
    what was expected) in the reason; files elsewhere load as usual.
    """

    def __init__(self, landing_dir: Path):
        self.landing_dir = Path(landing_dir)
        self._formats: dict[Path, FileFormat | ConfigError] = {}

    def __call__(self, source: Source, relative: str) -> FileFormat:
        config_file = nearest_config(self.landing_dir, relative)
        if config_file is None:
            return FileFormat()
        if config_file not in self._formats:
            name = config_file.relative_to(self.landing_dir).as_posix()
            try:
                self._formats[config_file] = MappedFormat.of(load(config_file, source.name, name))
            except ConfigError as exc:
                self._formats[config_file] = exc
        found = self._formats[config_file]
        if isinstance(found, ConfigError):
            raise FileRejected(f"format configuration {found}")
        return found
