"""The loader's reading options and defaults that a format configuration builds on:
delimiters, decimal commas, missing-value spellings, JSON arrays per line, line
prefixes and the plausible timestamp window (docs/landing_zone.md, "Value rules")."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import rows

from hourglass.loading import FileFormat, Loader, Plausible, ReadOptions

UTC = dt.UTC
COLUMNS = ["request_id", "requested_at", "app_id", "environment", "method", "path"]
ROW = ["r1", "2026-11-20T09:00:00Z", "a", "sandbox", "GET", "/p"]


def _load(con, landing, **options):
    file_format = FileFormat(ReadOptions(**options.pop("read", {})))
    loader = Loader(con, landing.root, "b1", format_for=lambda s, r: file_format, **options)
    return loader.load_source("api_logs")


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_the_delimiter_is_detected_from_the_header(landing, con, delimiter):
    header = delimiter.join([*COLUMNS, "status_code", "latency_ms"])
    line = delimiter.join([*ROW, "200", "31,3" if delimiter == ";" else "31.3"])
    landing.csv("api_logs/a.csv", f"{header}\n{line}\n")
    result = _load(con, landing)
    assert result.total("rows_loaded") == 1
    # a decimal comma is read in semicolon files only
    assert rows(con, "select status_code, latency_ms from raw.api_logs") == [(200, 31.3)]


def test_a_decimal_comma_is_rejected_outside_semicolon_files(landing, con):
    landing.csv(
        "api_logs/a.csv",
        ",".join([*COLUMNS, "status_code", "latency_ms"])
        + "\n"
        + ",".join([*ROW, "200", '"31,3"'])
        + "\n",
    )
    _load(con, landing)
    assert rows(con, "select column_name, reason from raw.rejects") == [
        ("latency_ms", "unparsable double '31,3'")
    ]


def test_missing_value_spellings_are_configurable(landing, con):
    header = ",".join([*COLUMNS, "status_code", "end_user_id"])
    landing.csv(
        "api_logs/a.csv",
        f"{header}\n"
        + ",".join([*ROW, "200", "NULL"])
        + "\n"
        + ",".join([*ROW, "200", "?"])
        + "\n",
    )
    _load(con, landing, read={"missing_values": ("?",)})
    assert rows(con, "select end_user_id from raw.api_logs order by _row_number") == [
        ("NULL",),
        (None,),
    ]


def test_json_arrays_per_line_are_many_rows_counted_as_records(landing, con):
    record = dict(zip(COLUMNS, ROW, strict=True)) | {"status_code": 200}
    landing.jsonl(
        "api_logs/a.jsonl",
        [
            [record, {**record, "request_id": "r2"}],
            record | {"request_id": "r3"},
            "not json",
            [{**record, "request_id": "r4"}, 5],
        ],
    )
    result = _load(con, landing, read={"json_array_per_line": True})
    assert (result.total("rows_read"), result.total("rows_loaded")) == (6, 4)
    assert rows(con, "select request_id, _row_number from raw.api_logs order by 2") == [
        ("r1", 1),
        ("r2", 2),
        ("r3", 3),
        ("r4", 5),
    ]
    assert rows(con, "select row_number, reason from raw.rejects order by 1") == [
        (4, "unparsable JSON line"),
        (6, "array element is not a JSON object"),
    ]


def test_a_line_prefix_is_removed_before_the_json_is_parsed(landing, con):
    record = '{"request_id": "r1", "requested_at": "2026-11-20T09:00:00Z", "app_id": "a",'
    record += ' "environment": "sandbox", "method": "GET", "path": "/p", "status_code": 200}'
    landing.jsonl("api_logs/a.jsonl", [f"2026-11-20T10:00:00.123Z {record}"])
    _load(con, landing, read={"line_prefix": r"^\S+\s+"})
    assert rows(con, "select request_id from raw.api_logs") == [("r1",)]


def test_a_line_the_prefix_empties_is_a_rejected_row_not_a_lost_one(landing, con):
    record = '{"request_id": "r1", "requested_at": "2026-11-20T09:00:00Z", "app_id": "a",'
    record += ' "environment": "sandbox", "method": "GET", "path": "/p", "status_code": 200}'
    landing.jsonl("api_logs/a.jsonl", [record, "2026-11-20T10:00:00.123Z"])
    result = _load(con, landing, read={"line_prefix": r"^\S+\s*$"})
    counts = (result.total("rows_read"), result.total("rows_loaded"))
    assert counts == (2, 1)
    assert rows(con, "select row_number, reason from raw.rejects") == [(2, "unparsable JSON line")]


def test_the_plausible_window_is_configurable(landing, con):
    header = ",".join([*COLUMNS, "status_code"])
    early = ",".join([ROW[0], "1995-06-01T00:00:00Z", *ROW[2:], "200"])
    landing.csv("api_logs/a.csv", f"{header}\n{early}\n")
    _load(con, landing, plausible=Plausible(earliest=dt.datetime(1990, 1, 1, tzinfo=UTC)))
    assert rows(con, "select requested_at from raw.api_logs") == [
        (dt.datetime(1995, 6, 1, tzinfo=UTC),)
    ]


def test_an_unknown_encoding_rejects_the_file_naming_it(landing, con):
    landing.csv("api_logs/a.csv", ",".join(COLUMNS) + "\n")
    result = _load(con, landing, read={"encoding": "ebcdic"})
    assert [f.error for f in result.files] == [
        "api_logs/a.csv: encoding 'ebcdic' is not supported (use one of utf-8, latin-1,"
        " cp1252, utf-16)"
    ]


def test_utf16_text_is_read(landing, con):
    text = ",".join([*COLUMNS, "status_code"]) + "\n" + ",".join([*ROW, "200"]) + "\n"
    landing.path("api_logs/a.csv").write_bytes(text.encode("utf-16"))
    _load(con, landing, read={"encoding": "utf-16"})
    assert rows(con, "select request_id, status_code from raw.api_logs") == [("r1", 200)]
