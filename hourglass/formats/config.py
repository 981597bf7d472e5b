"""The format configuration schema (docs/formats.md), read from YAML.

A landing sub-folder may hold `_format.yml`: a named preset shipped in
`presets/`, the user's own mapping, or a preset with overrides. Every key is
validated by pydantic; a wrong key or type is a `ConfigError` naming the file,
the key and what was expected. docs/formats.md is the user's reference.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import duckdb
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hourglass.contract import SOURCES, Source
from hourglass.sql import sql_literal

FORMAT_FILE = "_format.yml"
ENCODINGS = ("utf-8", "latin-1", "cp1252", "utf-16")
# Timestamp forms by name; any other form is a strptime pattern holding `%`.
NAMED_TIMESTAMP_FORMS = ("epoch_s", "epoch_ms", "clf")


class ConfigError(Exception):
    """A format configuration that cannot be used; the message names the file and key."""


def _as_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


class _TextLoader(yaml.SafeLoader):
    """YAML where every scalar but `null` (and `~`, empty) is text, as it is in a
    landed file: `2: open`, `yes: x` and `01` stay as written (pydantic reads numbers
    and booleans from text where the schema wants them)."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _duckdb_problem(sql: str) -> str | None:
    """Run a pattern once in an in-memory DuckDB, as the loader will; its error, if any."""
    with duckdb.connect() as con:
        try:
            con.execute(sql).fetchall()
        except duckdb.Error as exc:
            return str(exc).splitlines()[0]
    return None


def _check_in_duckdb(sql: str, what: str) -> None:
    # raised outside _duckdb_problem, so the error holds no DuckDB object
    problem = _duckdb_problem(sql)
    if problem:
        raise ValueError(f"not a valid {what}: {problem}")


def regex_group(pattern: str) -> int:
    """The capture group a `regex` extracts: the first group, or the whole match."""
    try:
        return 1 if re.compile(pattern).groups else 0
    except re.error:  # RE2 syntax Python does not know: assume the documented group
        return 1


class ColumnMapping(BaseModel):
    """How one contract column is taken from a file's fields (applied in key order:
    field, regex, map, multiply, timestamp)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    field: list[str] = Field(
        default_factory=list,
        description="field names or dotted JSON paths, tried in order (first present value)",
    )
    regex: str | None = Field(None, description="extract the first capture group")
    map: dict[str, str | None] | None = Field(None, description="value map, case-insensitive")
    unmapped: Literal["keep", "missing"] = Field(
        "keep", description="a value the map does not list: kept as is, or missing"
    )
    multiply: float | None = Field(
        None, gt=0, allow_inf_nan=False, description="unit conversion factor"
    )
    timestamp: list[str] = Field(
        default_factory=list,
        description="timestamp forms tried in order: epoch_s, epoch_ms, clf or a strptime pattern",
    )

    @field_validator("field", "timestamp", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("field")
    @classmethod
    def _valid_paths(cls, names: list[str]) -> list[str]:
        # DuckDB's JSON paths read `*` as a wildcard even quoted, and refuse an empty step
        for name in names:
            if "." in name and any(step.strip() in ("", "*") for step in name.split(".")):
                raise ValueError(
                    f"{name!r} has an empty or `*` step: a dotted path names one key per step"
                )
        return names

    @field_validator("regex")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            _check_in_duckdb(
                f"select regexp_extract('', {sql_literal(value)})", "regular expression"
            )
        return value

    @field_validator("timestamp")
    @classmethod
    def _valid_forms(cls, forms: list[str]) -> list[str]:
        for form in forms:
            if form in NAMED_TIMESTAMP_FORMS:
                continue
            if "%" not in form:
                raise ValueError(
                    f"unknown timestamp form {form!r}: expected one of "
                    f"{', '.join(NAMED_TIMESTAMP_FORMS)} or a strptime pattern such as "
                    "'%d.%m.%Y %H:%M'"
                )
            _check_in_duckdb(f"select try_strptime('', {sql_literal(form)})", "strptime pattern")
        return forms


class FormatConfig(BaseModel):
    """One `_format.yml` (or, with `source` and `description`, one shipped preset)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    preset: str | None = None
    encoding: Literal[ENCODINGS] | None = None  # type: ignore[valid-type]
    missing_values: list[str] | None = None
    json_array_per_line: bool | None = None
    line_prefix: str | None = None
    constants: dict[str, str] = Field(default_factory=dict)
    columns: dict[str, ColumnMapping] = Field(default_factory=dict)

    @field_validator("columns", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        """`app_id: consumer.username` is short for `app_id: {field: consumer.username}`."""
        if not isinstance(value, dict):
            return value
        return {k: {"field": v} if isinstance(v, str | list) else v for k, v in value.items()}

    @field_validator("line_prefix")
    @classmethod
    def _valid_prefix(cls, value: str | None) -> str | None:
        if value is not None:
            _check_in_duckdb(f"select regexp_replace('', {sql_literal(value)}, '')", "regex")
        return value


class Preset(FormatConfig):
    """A preset shipped with Hourglass: a FormatConfig for one source."""

    source: str
    description: str


def _describe(error: dict, model: type[BaseModel]) -> str:
    """One pydantic error as `key: what was expected`."""
    location = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        inside_column = len(error["loc"]) == 3 and error["loc"][0] == "columns"
        keys = ColumnMapping.model_fields if inside_column else model.model_fields
        return f"{location}: unknown key (expected one of: {', '.join(keys)})"
    message = error["msg"].removeprefix("Value error, ")
    shown = error.get("input")
    if isinstance(shown, str | int | float | bool):
        return f"{location}: {message} (got {shown!r})"
    return f"{location}: {message}"


def parse(text: str, name: str, model: type[FormatConfig] = FormatConfig) -> FormatConfig:
    """Validate YAML text as a format configuration; ConfigError names `name` and the key."""
    try:
        data = yaml.load(text, Loader=_TextLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: not valid YAML: {exc}".replace("\n", " ")) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping of keys (preset, columns, ...)")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_describe(e, model) for e in exc.errors())
        raise ConfigError(f"{name}: {problems}") from None


@cache
def presets() -> dict[str, Preset]:
    """The presets shipped in hourglass/formats/presets/, by name (the file's stem)."""
    found = {}
    for entry in sorted(resources.files("hourglass.formats").joinpath("presets").iterdir()):
        if entry.name.endswith(".yml"):
            preset = parse(entry.read_text(), f"preset {entry.name}", Preset)
            found[entry.name.removesuffix(".yml")] = preset
    return found


def _check_columns(config: FormatConfig, source: Source, name: str) -> None:
    for key in ("constants", "columns"):
        for column in getattr(config, key):
            if column not in source.column_names:
                raise ConfigError(
                    f"{name}: {key}.{column}: not a column of {source.name} "
                    f"(expected one of: {', '.join(source.column_names)})"
                )


def resolve(config: FormatConfig, source: Source, name: str) -> FormatConfig:
    """The configuration in force for a source: its preset (if any) with the file's
    keys on top. A column's keys replace the preset's same keys; a constant replaces
    the column's mapping. Raises ConfigError for an unknown preset or column."""
    _check_columns(config, source, name)
    if config.preset is None:
        return config
    shipped = presets()
    preset = shipped.get(config.preset)
    if preset is None or preset.source != source.name:
        fitting = [p for p, spec in shipped.items() if spec.source == source.name]
        raise ConfigError(
            f"{name}: preset: unknown preset {config.preset!r} for {source.name} "
            f"(expected one of: {', '.join(fitting) or 'none shipped'})"
        )
    read_keys = {"encoding", "missing_values", "json_array_per_line", "line_prefix"}
    read = {
        **preset.model_dump(include=read_keys),
        **config.model_dump(include=read_keys, exclude_unset=True),
    }
    columns = dict(preset.columns)
    for column, mapping in config.columns.items():
        inherited = preset.columns.get(column)
        columns[column] = (
            inherited.model_copy(update=mapping.model_dump(exclude_unset=True))
            if inherited
            else mapping
        )
    constants = {c: v for c, v in preset.constants.items() if c not in config.columns}
    constants.update(config.constants)
    return FormatConfig(
        preset=config.preset,
        **read,
        constants=constants,
        columns={c: m for c, m in columns.items() if c not in constants},
    )


def load(path: Path, source_name: str, name: str) -> FormatConfig:
    """Read, validate and resolve one `_format.yml` for a source.
    `name` is how messages call the file (its path relative to the landing dir)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{name}: cannot be read: {exc}") from None
    return resolve(parse(text, name), SOURCES[source_name], name)
