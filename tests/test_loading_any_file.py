"""No input file makes the loader raise, and every file keeps
rows read = rows loaded + rows rejected (docs/landing_zone.md, "Rows, rejects and
files")."""

from __future__ import annotations

import datetime as dt
import decimal
import gzip
import io
import random

import pyarrow as pa
import pyarrow.parquet as pq
from conftest import rows

from hourglass.contract import API_LOGS

HEADER = ",".join(API_LOGS.column_names)
GOOD = "r1,2026-11-20T13:05:00Z,app_1,production,GET,/v1/hello,200,12.5,10,20,eu_1"
UTC = dt.UTC

# One value of every Parquet physical/logical type pyarrow writes.
PARQUET_TYPES = {
    "int8": pa.array([1], pa.int8()),
    "int16": pa.array([200], pa.int16()),
    "int32": pa.array([200], pa.int32()),
    "int64": pa.array([200], pa.int64()),
    "uint8": pa.array([200], pa.uint8()),
    "uint16": pa.array([200], pa.uint16()),
    "uint32": pa.array([200], pa.uint32()),
    "uint64": pa.array([2**64 - 1], pa.uint64()),
    "float16": pa.array([1.5], pa.float16()),
    "float32": pa.array([200.0], pa.float32()),
    "float64": pa.array([float("inf")], pa.float64()),
    "decimal": pa.array([decimal.Decimal("200.50")], pa.decimal128(10, 2)),
    "bool": pa.array([True], pa.bool_()),
    "binary": pa.array([b"\xff\xfe"], pa.binary()),
    "large_string": pa.array(["200"], pa.large_string()),
    "dictionary": pa.array(["production"]).dictionary_encode(),
    "date32": pa.array([dt.date(2026, 11, 20)], pa.date32()),
    "time64": pa.array([dt.time(13, 5)], pa.time64("us")),
    "timestamp_s": pa.array([dt.datetime(2026, 11, 20, 13, 5)], pa.timestamp("s")),
    "timestamp_ms_tz": pa.array(
        [dt.datetime(2026, 11, 20, 13, 5, tzinfo=UTC)], pa.timestamp("ms", "UTC")
    ),
    "timestamp_ns_tz": pa.array(
        [dt.datetime(2026, 11, 20, 13, 5, tzinfo=UTC)], pa.timestamp("ns", "Europe/Paris")
    ),
    "struct": pa.array([{"id": "x"}]),
    "list": pa.array([["a", "b"]]),
    "null": pa.nulls(1),
}


def _parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def _assert_every_file_balances(con, result, expected_files: int):
    assert len(result.files) == expected_files
    for f in result.files:
        assert f.rows_read == f.rows_loaded + f.rows_rejected, f
        assert f.status in ("loaded", "rejected"), f
    manifest = rows(
        con,
        """select f.file, f.rows_read,
                  (select count(*) from raw.api_logs l where l._file = f.file)
                + (select count(*) from raw.rejects r
                   where r.file = f.file and r.row_number is not null)
           from raw.loaded_files f""",
    )
    assert len(manifest) == expected_files
    assert all(read == counted for _, read, counted in manifest), manifest
    # nothing that is not finite ever lands
    assert rows(
        con, "select count(*) from raw.api_logs where isnan(latency_ms) or isinf(latency_ms)"
    ) == [(0,)]


def test_random_and_truncated_bytes_never_make_the_loader_raise(landing, load, con):
    rng = random.Random(20261130)
    text = ("\n".join([HEADER, GOOD, GOOD.replace("r1", "r2")]) + "\n").encode()
    jsonl = (
        b'{"request_id": "r1", "requested_at": "2026-11-20T13:05:00Z", "app_id": "a",'
        b' "environment": "sandbox", "method": "GET", "path": "/", "status_code": 200}\n'
    ) * 3
    parquet = _parquet_bytes(pa.table({"request_id": ["r1"], "status_code": [200]}))
    files = 0
    for extension, body in [
        ("csv", text),
        ("csv.gz", gzip.compress(text)),
        ("jsonl", jsonl),
        ("jsonl.gz", gzip.compress(jsonl)),
        ("ndjson", jsonl),
        ("parquet", parquet),
    ]:
        for trial in range(4):
            noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
            cut = body[: rng.randrange(1, len(body))]
            flipped = bytearray(body)
            for _ in range(3):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            for kind, data in [("noise", noise), ("cut", cut), ("flipped", bytes(flipped))]:
                landing.path(f"api_logs/{kind}-{trial}.{extension}").write_bytes(data)
                files += 1

    result = load("api_logs")

    _assert_every_file_balances(con, result, files)
    rejected = [f for f in result.files if f.status == "rejected"]
    assert rejected and all(f.error.startswith(f.file + ": ") for f in rejected)


def test_every_parquet_type_in_every_contract_column(landing, load, con):
    for name, values in PARQUET_TYPES.items():
        columns = {column: values for column in API_LOGS.column_names}
        landing.parquet(f"api_logs/{name}.parquet", pa.table(columns))

    result = load("api_logs")

    _assert_every_file_balances(con, result, len(PARQUET_TYPES))
    statuses = {f.file.split("/")[1].removesuffix(".parquet"): f for f in result.files}
    # a value of the wrong type is a rejected row naming the first column
    assert rows(
        con,
        "select file, column_name, reason from raw.rejects"
        " where file in ('api_logs/bool.parquet', 'api_logs/date32.parquet',"
        " 'api_logs/struct.parquet', 'api_logs/binary.parquet') order by 1",
    ) == [
        ("api_logs/binary.parquet", "request_id", "bytes not valid utf-8"),
        ("api_logs/bool.parquet", "request_id", "expected a string (found BOOLEAN)"),
        ("api_logs/date32.parquet", "request_id", "expected a string (found DATE)"),
        ("api_logs/struct.parquet", "request_id", "expected a string (found STRUCT(id VARCHAR))"),
    ]
    assert statuses["null"].rows_rejected == 1
    assert rows(con, "select reason from raw.rejects where file = 'api_logs/null.parquet'") == [
        ("missing required value",)
    ]


def test_parquet_numbers_and_timestamps_convert_by_the_rules(landing, load, con):
    base = {
        "request_id": ["a", "b", "c", "d"],
        "requested_at": pa.array(
            [dt.datetime(2026, 11, 20, 13, 5, 0, 123456)] * 4, pa.timestamp("ns")
        ),
        "app_id": ["x"] * 4,
        "environment": ["production"] * 4,
        "method": ["get"] * 4,
        "path": ["/"] * 4,
        "status_code": pa.array([200.0, 499.5, 200.0, 200.0], pa.float64()),
        "latency_ms": pa.array([float("nan"), 1.0, float("-inf"), 2.5], pa.float32()),
        "request_bytes": pa.array([decimal.Decimal("10.00")] * 4, pa.decimal128(6, 2)),
    }
    landing.parquet("api_logs/n.parquet", pa.table(base))
    load("api_logs")
    assert rows(
        con,
        "select request_id, requested_at, status_code, latency_ms, request_bytes"
        " from raw.api_logs order by 1",
    ) == [
        ("a", dt.datetime(2026, 11, 20, 13, 5, 0, 123456, tzinfo=UTC), 200, None, 10),
        ("d", dt.datetime(2026, 11, 20, 13, 5, 0, 123456, tzinfo=UTC), 200, 2.5, 10),
    ]
    assert rows(con, "select row_number, column_name, reason from raw.rejects order by 1") == [
        (2, "status_code", "unparsable integer '499.5'"),
        (3, "latency_ms", "not a finite number"),
    ]


def _with_corrupt_column(table: pa.Table, column: str) -> bytes:
    """Parquet bytes of `table` whose `column` chunk is overwritten with 0xff bytes
    (its page header no longer decodes), every other column intact."""
    buffer = io.BytesIO()
    pq.write_table(table, buffer, compression="none", use_dictionary=False)
    data = bytearray(buffer.getvalue())
    chunk = (
        pq.ParquetFile(io.BytesIO(bytes(data)))
        .metadata.row_group(0)
        .column(table.column_names.index(column))
    )
    start = chunk.data_page_offset
    data[start : start + chunk.total_compressed_size] = b"\xff" * chunk.total_compressed_size
    return bytes(data)


def test_a_parquet_column_that_cannot_be_read_rejects_its_file_naming_it(landing, load, con):
    good = {
        "request_id": ["r1", "r2"],
        "requested_at": pa.array([dt.datetime(2026, 11, 20, 13, 5, tzinfo=UTC)] * 2),
        "app_id": ["a", "a"],
        "environment": ["production", "sandbox"],
        "method": ["GET", "GET"],
        "path": ["/", "/"],
        "status_code": pa.array([200, 503], pa.int32()),
        "note": ["ignored", "column"],
    }
    table = pa.table(good)
    landing.parquet("api_logs/a_good.parquet", table)
    landing.path("api_logs/b_bad.parquet").write_bytes(_with_corrupt_column(table, "status_code"))
    # a column the contract does not read may be unreadable: the file loads
    landing.path("api_logs/c_bad_note.parquet").write_bytes(_with_corrupt_column(table, "note"))

    result = load("api_logs")

    _assert_every_file_balances(con, result, 3)
    assert [(f.file, f.status, f.rows_loaded) for f in result.files] == [
        ("api_logs/a_good.parquet", "loaded", 2),
        ("api_logs/b_bad.parquet", "rejected", 0),
        ("api_logs/c_bad_note.parquet", "loaded", 2),
    ]
    assert rows(con, "select row_number, column_name, reason from raw.rejects") == [
        (
            None,
            None,
            "api_logs/b_bad.parquet: column status_code of Parquet type INT32 cannot be read",
        )
    ]
    assert rows(con, "select _file, sum(status_code) from raw.api_logs group by 1 order by 1") == [
        ("api_logs/a_good.parquet", 703),
        ("api_logs/c_bad_note.parquet", 703),
    ]
