"""Publish the marts from the working database to the file BI tools open.

The published file is written beside its target under a temporary name, in
a storage format DuckDB 1.x clients can read, with every mart as a table
carrying its dbt descriptions as comments, then moved over the target with
one os.replace: readers see the old version or the new one, never a half-built
or locked file. Readers that hold the old file open keep reading it until they
reconnect.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from hourglass.sql import quote_identifier, sql_literal

PUBLISHED_SCHEMAS = ("marts",)
VERSION_TABLE = "ops.published_version"


@dataclass(frozen=True)
class Published:
    path: Path
    version: str
    as_of_date: dt.date | None
    tables: dict[str, int]  # table -> rows


_quote = quote_identifier


def _descriptions(manifest_path: Path | None) -> dict[str, tuple[str, dict[str, str]]]:
    """model name -> (description, {column: description}) from the dbt manifest."""
    if manifest_path is None or not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text())
    return {
        node["name"]: (
            node.get("description") or "",
            {c: v.get("description") or "" for c, v in node.get("columns", {}).items()},
        )
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"] in PUBLISHED_SCHEMAS
    }


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def publish(
    work_path: Path,
    published_path: Path,
    version: str,
    manifest_path: Path | None = None,
    storage_version: str = "v1.1.0",
) -> Published:
    """Copy the marts of `work_path` into a new file and swap it in atomically."""
    published_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in published_path.parent.glob(published_path.name + ".tmp-*"):
        stale.unlink()  # left by a publish that was killed
    temporary = published_path.with_name(f"{published_path.name}.tmp-{os.getpid()}")
    descriptions = _descriptions(manifest_path)
    tables: dict[str, int] = {}
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach {sql_literal(str(work_path))} as work (read_only)")
        con.execute(
            f"attach {sql_literal(str(temporary))} as published "
            f"(storage_version {sql_literal(storage_version)})"
        )
        con.execute("use work")
        relations = con.execute(
            f"""select table_schema, table_name from information_schema.tables
                where table_catalog = 'work'
                  and table_schema in ({", ".join(sql_literal(s) for s in PUBLISHED_SCHEMAS)})
                order by 1, 2"""
        ).fetchall()
        for schema in PUBLISHED_SCHEMAS:
            con.execute(f"create schema published.{schema}")
        for schema, name in relations:
            target = f"published.{schema}.{_quote(name)}"
            con.execute(f"create table {target} as select * from {schema}.{_quote(name)}")
            tables[f"{schema}.{name}"] = con.execute(f"select count(*) from {target}").fetchall()[
                0
            ][0]
            description, columns = descriptions.get(name, ("", {}))
            if description:
                con.execute(f"comment on table {target} is {sql_literal(description.strip())}")
            for column, text in columns.items():
                if text:
                    con.execute(
                        f"comment on column {target}.{_quote(column)} is "
                        f"{sql_literal(text.strip())}"
                    )
        as_of = con.execute(
            "select max(as_of_date) from intermediate.int_reporting_period"
        ).fetchall()[0][0]
        con.execute("create schema published.ops")
        con.execute(
            f"""create table published.{VERSION_TABLE} as
            select {sql_literal(version)} as version, now() as published_at,
                cast({sql_literal(str(as_of)) if as_of else "null"} as date) as as_of_date,
                {sql_literal(json.dumps(tables))} as table_rows"""
        )
        con.execute(
            f"comment on table published.{VERSION_TABLE} is "
            "'The version of this file: which run published it, when, and each mart''s rows.'"
        )
        if con.execute(
            "select count(*) from information_schema.tables "
            "where table_catalog = 'work' and table_schema = 'ops' "
            "and table_name = 'run_history'"
        ).fetchall()[0][0]:
            con.execute("create table published.ops.run_history as select * from ops.run_history")
            # in the published copy, the run that published it did publish
            con.execute(
                "update published.ops.run_history set status = 'published' where run_id = ?",
                [version],
            )
        # the alert delivery log (hourglass/alerts.py), when alerts were ever sent
        if con.execute(
            "select count(*) from information_schema.tables where table_catalog = 'work' "
            "and table_schema = 'ops' and table_name = 'alert_deliveries'"
        ).fetchall()[0][0]:
            con.execute(
                "create table published.ops.alert_deliveries as select * from ops.alert_deliveries"
            )
        con.execute("checkpoint published")
        con.execute("use memory")
        con.execute("detach published")
        con.execute("detach work")
    _fsync(temporary)
    os.replace(temporary, published_path)
    _fsync(published_path.parent)
    return Published(published_path, version, as_of, tables)


def published_version(published_path: Path) -> str | None:
    """The version of the published file, or None when nothing is published yet."""
    if not published_path.exists():
        return None
    with duckdb.connect(str(published_path), read_only=True) as con:
        return con.execute(f"select version from {VERSION_TABLE}").fetchall()[0][0]
