"""The mapping -> SQL translator, run directly against DuckDB on hand-made records."""

from __future__ import annotations

import json

import duckdb
import pytest

from hourglass.contract import SOURCES
from hourglass.formats.config import ColumnMapping, FormatConfig
from hourglass.formats.translate import (
    Unmappable,
    Value,
    column_values,
    field_value,
    first_present,
    json_path,
    transform,
)

MISSING = ("null", "none", "nan", "n/a", "\\n", "-")


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute("set TimeZone = 'UTC'")
    yield connection
    connection.close()


def json_scan(con, records: list[dict]) -> dict[str, Value]:
    """A JSON scan as the loader makes one: `_json` per record, a field per top-level key."""
    con.execute("create or replace table _scan (_row_number bigint, _json json)")
    con.executemany(
        "insert into _scan values (?, ?)", [[i + 1, json.dumps(r)] for i, r in enumerate(records)]
    )
    keys = {k for r in records for k in r}
    return {k.lower(): Value(f"(_json -> '{json_path(k)}')", "json") for k in keys}


def values(con, value: Value) -> list:
    return [
        r[0] for r in con.execute(f"select {value.expression} from _scan order by 1").fetchall()
    ]


def column(con, value: Value) -> list:
    rows = con.execute(f"select _row_number, {value.expression} from _scan order by 1").fetchall()
    return [r[1] for r in rows]


def test_json_path_quotes_every_key_and_indexes_arrays():
    assert json_path("request.headers.x-kong-request-id") == (
        '$."request"."headers"."x-kong-request-id"'
    )
    assert json_path("items.data.0.price.id") == '$."items"."data"[0]."price"."id"'


def test_nested_fields_and_first_present_value(con):
    records = [
        {"request": {"id": "r1"}, "response": {"headers": {"x-kong-request-id": "k1"}}},
        {"request": {"id": None}, "response": {"headers": {"x-kong-request-id": "k2"}}},
        {"request": {"id": "-"}, "response": {"headers": {"x-kong-request-id": "k3"}}},
        {"request": {}, "response": {}},
    ]
    fields = json_scan(con, records)
    found = [
        field_value(name, "json", fields)
        for name in ("request.id", "response.headers.x-kong-request-id", "request_id")
    ]
    assert found[2] is None  # neither a top-level key nor a path
    request_id = first_present(found[:2], MISSING)
    assert request_id.kind == "json"
    # JSON null and the `-` spelling are missing, so the next field is taken
    assert [v and json.loads(v) for v in column(con, request_id)] == [
        "r1",
        "k2",
        "k3",
        None,
    ]


def test_value_map_is_case_insensitive_maps_codes_and_nulls(con):
    fields = json_scan(
        con,
        [{"s": "Hold"}, {"s": 2}, {"s": "Offered"}, {"s": "weird"}, {"s": {"nested": 1}}],
    )
    mapping = ColumnMapping(field=["s"], map={"hold": "pending", "2": "open", "offered": None})
    result = transform(first_present([fields["s"]], MISSING), mapping)
    got = column(con, result)
    assert [json.loads(v) if v else v for v in got[:4]] == ["pending", "open", None, "weird"]
    assert json.loads(got[4]) == {"nested": 1}  # left for the loader to reject as an object
    missing = mapping.model_copy(update={"unmapped": "missing"})
    assert column(con, transform(fields["s"], missing))[3] is None


def test_regex_reads_array_text_and_no_match_is_missing(con):
    fields = json_scan(
        con, [{"tags": ["production", "v2"]}, {"tags": ["beta"]}, {"tags": "sandbox"}]
    )
    mapping = ColumnMapping(field=["tags"], regex=r"\b(sandbox|production)\b")
    result = transform(fields["tags"], mapping)
    assert result.kind == "text"
    assert column(con, result) == ["production", "", "sandbox"]


def test_unit_factor_converts_decimal_text_and_numbers_only(con):
    fields = json_scan(
        con, [{"t": "0.004"}, {"t": 0.25}, {"t": "1,5"}, {"t": "-"}, {"t": "abc"}, {"t": "1e999"}]
    )
    result = transform(fields["t"], ColumnMapping(multiply=1000))
    got = [json.loads(v) for v in column(con, result)]
    # unparsable and missing values pass on unchanged for the loader's number rules
    assert got == ["4.0", "250.0", "1500.0", "-", "abc", "inf"]


def test_timestamp_forms_give_utc_iso_text(con):
    con.execute(
        "create or replace table _scan as select * from (values "
        "(1, '20/Nov/2026:13:05:00 +0200'), (2, '1795179900123'), (3, '1795179900.5'), "
        "(4, '2026-11-20T13:05:00Z'), (5, '20.11.2026 13:05'), (6, 'Fri, 20 Nov 2026'), "
        "(7, '')) as t(_row_number, v)"
    )
    mapping = ColumnMapping(timestamp=["clf", "epoch_ms", "%d.%m.%Y %H:%M"])
    got = column(con, transform(Value("v", "text"), mapping))
    assert got == [
        "2026-11-20T11:05:00.000000Z",
        "2026-11-20T13:05:00.123000Z",
        "1970-01-21T18:39:39.900500Z",  # read as epoch ms: the loader rejects it as implausible
        "2026-11-20T13:05:00Z",  # ISO passes on for the loader
        "2026-11-20T13:05:00.000000Z",
        "Fri, 20 Nov 2026",  # no form matches: the loader rejects it as unparsable
        "",
    ]
    epoch_s = column(con, transform(Value("v", "text"), ColumnMapping(timestamp=["epoch_s"])))
    assert epoch_s[2] == "2026-11-20T13:05:00.500000Z"


def test_epoch_numbers_in_json(con):
    fields = json_scan(con, [{"started_at": 1795179900123}, {"started_at": True}])
    result = transform(fields["started_at"], ColumnMapping(timestamp=["epoch_ms"]))
    assert column(con, result) == ['"2026-11-20T13:05:00.123000Z"', "true"]


def test_constants_fallback_to_contract_name_and_absent_columns(con):
    landed = {"request_id": "r1", "Status": "200", "requested_at": "x", "app_id": "a"}
    fields = json_scan(con, [{**landed, "method": "GET", "path": "/"}])
    config = FormatConfig(
        constants={"environment": "production"}, columns={"status_code": {"field": "status"}}
    )
    chosen = column_values(SOURCES["api_logs"], config, "json", fields, (), MISSING)
    assert chosen["environment"] == Value("'production'", "text")
    assert json.loads(column(con, chosen["status_code"])[0]) == "200"
    assert json.loads(column(con, chosen["request_id"])[0]) == "r1"
    assert "latency_ms" not in chosen  # optional and found nowhere: absent


def test_a_required_column_found_nowhere_rejects_the_file(con):
    fields = json_scan(con, [{"x": 1}])
    config = FormatConfig(columns={"ticket_id": {"field": ["Id"]}})
    with pytest.raises(
        Unmappable, match=r"missing required column ticket_id \(looked for: Id, ticket_id\)"
    ):
        column_values(SOURCES["support_tickets"], config, "csv", fields, (), MISSING)


def test_a_mapped_field_named_twice_rejects_the_file():
    fields = {"status": Value('"Status"', "text")}
    config = FormatConfig(columns={"status": {"field": "Status"}})
    with pytest.raises(Unmappable, match="duplicate column status"):
        column_values(SOURCES["support_tickets"], config, "csv", fields, ["status"], MISSING)
