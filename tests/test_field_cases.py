"""Real-world files the loader once got wrong (tests/field_cases/<case>/landing/...),
each with what the value rules (docs/landing_zone.md, "Value rules") say should happen."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
from pathlib import Path

import duckdb
import pytest
from conftest import rows

from hourglass.loading import FileFormat, Loader, ReadOptions
from hourglass.loading.readers import MAX_RECORD_BYTES

CASES = Path(__file__).parent / "field_cases"
UTC = dt.UTC


@pytest.fixture
def case(tmp_path):
    """Copy a case's landing zone into tmp_path; returns a function loading one source
    of it (optionally with a FileFormat) that gives {file: (status, read, loaded,
    rejected, error)} and the connection."""
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    landing = tmp_path / "landing"

    def load(name: str, source: str, file_format: FileFormat | None = None):
        if not landing.exists():
            shutil.copytree(CASES / name / "landing", landing, symlinks=True)
        loader = Loader(
            con, landing, "batch-1", format_for=lambda s, r: file_format or FileFormat()
        )
        result = loader.load_source(source)
        files = {
            f.file.split("/")[-1]: (f.status, f.rows_read, f.rows_loaded, f.rows_rejected)
            for f in result.files
        }
        return result, files

    load.con = con
    load.landing = landing
    yield load
    con.close()


def rejects(con) -> list[tuple]:
    """(file name, row, column, reason) of every reject, file-level reasons without
    the leading path."""
    found = rows(con, "select file, row_number, column_name, reason from raw.rejects")
    return sorted(
        (file.split("/")[-1], row, column, reason.removeprefix(f"{file}: "))
        for file, row, column, reason in found
    )


def test_excel_csv_with_bom_crlf_and_quotes_loads(case):
    _, files = case("csv-bom-crlf", "signups")
    assert files == {"signups_excel.csv": ("loaded", 2, 2, 0)}
    assert rows(case.con, "select developer_id, signed_up_at, country from raw.signups") == [
        ("dev_a", dt.datetime(2026, 11, 12, 11, 19, 32, tzinfo=UTC), "PT"),
        ("dev_b", dt.datetime(2026, 11, 13, 8, 0, tzinfo=UTC), "DE"),
    ]


def test_an_invalid_utf8_byte_rejects_its_row_and_the_rest_loads(case):
    _, files = case("csv-cp1252", "applications")
    assert files == {
        "apps_windows.csv": ("loaded", 2, 1, 1),
        "zz_other.csv": ("loaded", 1, 1, 0),
    }
    assert rejects(case.con) == [
        ("apps_windows.csv", 1, None, "bytes not valid in the file's encoding (utf-8)")
    ]


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_a_declared_encoding_reads_the_byte(case, encoding):
    _, files = case("csv-cp1252", "applications", FileFormat(ReadOptions(encoding=encoding)))
    assert files["apps_windows.csv"] == ("loaded", 2, 2, 0)
    assert rows(case.con, "select app_name from raw.applications order by app_id") == [
        ("Café finder",),
        ("Plain name",),
        ("Other",),
    ]


def test_cp1252_letters_outside_latin1_are_translated(case, tmp_path):
    case.landing.joinpath("applications").mkdir(parents=True)
    case.landing.joinpath("applications/euro.csv").write_bytes(
        b"app_id,developer_id,created_at,app_name\na1,d1,2026-11-12T12:00:00Z,\x80 \x93q\x94\n"
    )
    _, files = case("csv-cp1252", "applications", FileFormat(ReadOptions(encoding="cp1252")))
    assert files["euro.csv"] == ("loaded", 1, 1, 0)
    assert rows(case.con, "select app_name from raw.applications where app_id = 'a1'") == [
        ("€ “q”",)
    ]


def test_repeated_ignored_columns_load_and_a_contract_column_twice_rejects_the_file(case):
    _, files = case("csv-duplicate-header", "support_tickets")
    assert files == {
        "tickets_jira_style.csv": ("loaded", 1, 1, 0),
        "tickets_joined.csv": ("rejected", 0, 0, 0),
    }
    assert rejects(case.con) == [("tickets_joined.csv", None, None, "duplicate column status")]


def test_row_numbers_count_records_not_lines(case):
    _, files = case("csv-multiline-rownum", "support_tickets")
    assert files == {"tickets_with_subject.csv": ("loaded", 5, 3, 2)}
    assert rejects(case.con) == [
        (
            "tickets_with_subject.csv",
            3,
            None,
            "row has 8 fields; the header has 6",
        ),
        (
            "tickets_with_subject.csv",
            4,
            "status",
            "value 'bogus_status' not in allowed set (closed, new, open, pending, solved)",
        ),
    ]
    assert rows(case.con, "select ticket_id, _row_number from raw.support_tickets order by 2") == [
        ("tkt_1", 1),
        ("tkt_2", 2),
        ("tkt_5", 5),
    ]


def test_empty_header_names_are_ignored(case):
    _, files = case("csv-trailing-empty-cols", "applications")
    assert files == {
        "apps_one_trailing.csv": ("loaded", 1, 1, 0),
        "apps_sheet.csv": ("loaded", 2, 2, 0),
    }
    assert rows(case.con, "select app_id, app_name from raw.applications order by 1") == [
        ("app_1", "Weather bot"),
        ("app_2", "Invoice sync"),
        ("app_9", "One trailing comma"),
    ]


def test_empty_files_are_files_of_zero_rows(case):
    _, files = case("empty-files", "api_logs")
    assert files == {
        "no-rows.csv": ("loaded", 0, 0, 0),
        "rotated-empty.jsonl": ("loaded", 0, 0, 0),
        "rotated-empty.jsonl.gz": ("loaded", 0, 0, 0),
        "zero-byte.csv": ("loaded", 0, 0, 0),
        "zero-byte.parquet": ("rejected", 0, 0, 0),
    }
    assert rejects(case.con) == [
        (
            "zero-byte.parquet",
            None,
            None,
            "not a readable Parquet file: an empty file (not valid Parquet)",
        )
    ]


def test_zero_byte_gzip_files_are_files_of_zero_rows(case):
    """A rotated log compressed to zero bytes (no gzip member at all) is empty, as a
    zero-byte plain file is, in every text reader."""
    logs = case.landing / "api_logs"
    logs.mkdir(parents=True)
    for name in ("zero.csv.gz", "zero.jsonl.gz", "zero.ndjson.gz"):
        (logs / name).write_bytes(b"")
    _, files = case("empty-files", "api_logs")
    zero = {name: counts for name, counts in files.items() if name.startswith("zero.")}
    assert zero == {
        "zero.csv.gz": ("loaded", 0, 0, 0),
        "zero.jsonl.gz": ("loaded", 0, 0, 0),
        "zero.ndjson.gz": ("loaded", 0, 0, 0),
    }


def test_every_gzip_member_loads(case):
    _, files = case("gzip-multimember", "api_logs")
    assert files == {
        "appended.csv.gz": ("loaded", 3, 3, 0),
        "shipper-flushes.jsonl.gz": ("loaded", 6, 6, 0),
    }


def test_header_names_are_trimmed_and_a_repeated_header_is_one_rejected_row(case):
    _, files = case("header-spaces", "api_logs")
    assert files == {"concat.csv": ("loaded", 3, 2, 1), "quoted_header.csv": ("loaded", 1, 1, 0)}
    assert rejects(case.con) == [("concat.csv", 2, None, "repeated header line")]
    assert rows(case.con, "select request_id from raw.api_logs order by 1") == [
        ("req_c8_a1",),
        ("req_c8_b1",),
        ("req_c8_q1",),
    ]


def test_hidden_files_are_ignored_and_links_followed_once(case):
    landing = case.landing
    shutil.copytree(CASES / "hidden-files" / "landing", landing)
    logs = landing / "api_logs"
    header = "request_id,requested_at,app_id,environment,method,path,status_code\n"
    (logs / "real.csv").write_text(header + "r1,2026-11-20T09:00:00Z,a,sandbox,GET,/p,200\n")
    (logs / "_SUCCESS").write_text("")
    (logs / "_temporary").mkdir()
    (logs / "_temporary" / "part-0.csv").write_text(header)
    (logs / "link.csv").symlink_to(logs / "real.csv")
    (logs / "dangling.csv").symlink_to(logs / "gone.csv")
    (logs / "gone_folder").symlink_to(landing / "nowhere", target_is_directory=True)
    (landing / "elsewhere").mkdir()
    (landing / "elsewhere" / "more.csv").write_text(
        header + "r2,2026-11-20T09:00:00Z,a,sandbox,GET,/p,200\n"
    )
    (logs / "linked_folder").symlink_to(landing / "elsewhere", target_is_directory=True)

    result, files = case("hidden-files", "api_logs")

    assert files == {"link.csv": ("loaded", 1, 1, 0), "more.csv": ("loaded", 1, 1, 0)}
    assert result.ignored == [
        "api_logs/.DS_Store",
        "api_logs/._requests.csv",
        "api_logs/_SUCCESS",
        "api_logs/_temporary/",
        "api_logs/dangling.csv",
        "api_logs/gone_folder",
        "api_logs/real.csv",
    ]
    assert rows(case.con, "select count(*) from raw.rejects") == [(0,)]


def test_pipes_devices_and_names_that_are_not_utf8_are_ignored_not_fatal(tmp_path):
    """A pipe or a link to a device would block the hash for ever, and a file name
    whose bytes are not UTF-8 cannot be stored: each is listed as ignored and the
    source's other files load."""
    landing = tmp_path / "landing"
    logs = landing / "api_logs"
    logs.mkdir(parents=True)
    header = "request_id,requested_at,app_id,environment,method,path,status_code\n"
    (logs / "good.csv").write_text(header + "r1,2026-11-20T09:00:00Z,a,sandbox,GET,/p,200\n")
    os.mkfifo(logs / "pipe.csv")
    (logs / "zeros.csv").symlink_to("/dev/zero")
    (Path(os.fsdecode(bytes(logs) + b"/bad-\xff.csv"))).write_text(header)
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))

    result = Loader(con, landing, "batch-1").load_source("api_logs")

    assert [(f.file, f.status, f.rows_loaded) for f in result.files] == [
        ("api_logs/good.csv", "loaded", 1)
    ]
    assert result.ignored == [
        "api_logs/bad-\ufffd.csv",
        "api_logs/pipe.csv",
        "api_logs/zeros.csv",
    ]


def test_implausible_and_malformed_timestamps(case):
    _, files = case("implausible-timestamps", "api_logs")
    assert files == {
        "edge.csv": ("loaded", 8, 2, 6),
        "sentinel.csv": ("loaded", 1, 0, 1),
        "typo-future.csv": ("loaded", 3, 2, 1),
    }
    column = "requested_at"
    assert rejects(case.con) == [
        ("edge.csv", 1, column, "unparsable timestamp '2026-12-31T23:59:60Z'"),
        ("edge.csv", 3, column, "implausible timestamp"),
        ("edge.csv", 4, column, "unparsable timestamp '26-11-20T10:00:00Z'"),
        ("edge.csv", 5, column, "unparsable timestamp '20-11-26 10:00:00'"),
        ("edge.csv", 7, column, "unparsable timestamp '12026-11-20T10:00:00Z'"),
        ("edge.csv", 8, column, "unparsable timestamp '2026-11-20T10:00:00Z BC'"),
        ("sentinel.csv", 1, column, "implausible timestamp"),
        ("typo-future.csv", 2, column, "implausible timestamp"),
    ]
    # 24:00:00 is the next day's midnight, as ISO-8601 allows
    assert rows(case.con, "select request_id, requested_at from raw.api_logs order by 1")[:2] == [
        ("req_c1_001", dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)),
        ("req_c1_003", dt.datetime(2026, 11, 20, 11, 0, tzinfo=UTC)),
    ]
    assert rows(
        case.con, "select requested_at from raw.api_logs where request_id = 'req_c9_24h'"
    ) == [(dt.datetime(2026, 11, 21, 0, 0, tzinfo=UTC),)]


def test_a_json_array_saved_as_jsonl_is_rejected_as_such(case):
    _, files = case("json-array-in-jsonl", "api_logs")
    assert files == {"array.jsonl": ("rejected", 0, 0, 0)}
    assert rejects(case.con) == [
        ("array.jsonl", None, None, "a JSON array, not one object per line")
    ]


def test_json_objects_arrays_and_booleans_are_rejected_and_numbers_are_text(case):
    _, files = case("json-nonscalar", "api_logs")
    assert files == {"gw_typed.jsonl": ("loaded", 3, 1, 2)}
    assert rejects(case.con) == [
        ("gw_typed.jsonl", 1, "app_id", "expected a string"),
        ("gw_typed.jsonl", 2, "request_id", "expected a string"),
    ]
    assert rows(case.con, "select request_id, status_code, end_user_id from raw.api_logs") == [
        ("req_3", 200, "12345678901234567890123")
    ]


def test_null_spellings_are_missing_values(case):
    _, files = case("null-tokens", "api_logs")
    assert files == {"requests_nulls.csv": ("loaded", 4, 4, 0)}
    assert rows(
        case.con, "select request_id, latency_ms, end_user_id from raw.api_logs order by 1"
    ) == [
        ("req_1", 31.3, None),
        ("req_2", 12.5, None),
        ("req_3", None, None),
        ("req_4", 12.5, None),
    ]
    _, files = case("null-tokens", "support_tickets")
    assert files == {"tickets_mysql.csv": ("loaded", 4, 4, 0)}
    assert rows(
        case.con,
        "select count(*) from raw.support_tickets where developer_id is null and"
        " first_response_at is null and solved_at is null and satisfaction is null",
    ) == [(4,)]


def test_a_missing_spelling_in_a_required_column_is_missing_required_value(case):
    case.landing.joinpath("api_logs").mkdir(parents=True)
    case.landing.joinpath("api_logs/r.csv").write_text(
        "request_id,requested_at,app_id,environment,method,path,status_code\n"
        "NULL,2026-11-20T09:00:00Z,a,sandbox,GET,/p,200\n"
        "r2,2026-11-20T09:00:00Z,\\N,sandbox,GET,/p,200\n"
        "r3,2026-11-20T09:00:00Z,a,n/a,GET,/p,200\n"
    )
    case("null-tokens", "api_logs")
    assert [r[1:] for r in rejects(case.con) if r[0] == "r.csv"] == [
        (1, "request_id", "missing required value"),
        (2, "app_id", "missing required value"),
        (3, "environment", "missing required value"),
    ]


def test_lenient_numbers_are_rejected_never_rounded(case):
    _, files = case("numeric-lenient", "api_logs")
    assert files == {
        "requests_json_nan.jsonl": ("loaded", 2, 1, 1),
        "requests_spark.csv": ("loaded", 6, 1, 5),
    }
    assert rejects(case.con) == [
        ("requests_json_nan.jsonl", 2, "status_code", "unparsable integer '200.9'"),
        ("requests_spark.csv", 2, "latency_ms", "not a finite number"),
        ("requests_spark.csv", 3, "status_code", "unparsable integer '499.5'"),
        ("requests_spark.csv", 4, "status_code", "unparsable integer '0x1F4'"),
        ("requests_spark.csv", 5, "request_bytes", "unparsable bigint '1.5e3'"),
        ("requests_spark.csv", 6, "latency_ms", "not a finite number"),
    ]
    # NaN is missing
    assert rows(case.con, "select request_id, latency_ms from raw.api_logs order by 1") == [
        ("req_1", None),
        ("req_7", None),
    ]


def test_parquet_binary_strings_decode_as_utf8(case):
    _, files = case("parquet-binary-strings", "api_logs")
    assert files == {"a_binary.parquet": ("loaded", 2, 2, 0), "b_good.parquet": ("loaded", 1, 1, 0)}
    assert rows(case.con, "select request_id, app_id, method from raw.api_logs order by 1") == [
        ("req_1", "app_1", "GET"),
        ("req_2", "app_é", "POST"),
        ("req_9", "app_1", "GET"),
    ]


def test_only_iso_timestamps_load_at_their_utc_instant(case):
    _, files = case("timestamp-formats", "api_logs")
    assert files == {"requests_timestamps.csv": ("loaded", 16, 5, 11)}
    instant = dt.datetime(2026, 11, 20, 22, 30, tzinfo=UTC)
    assert rows(case.con, "select request_id, requested_at from raw.api_logs order by 1") == [
        ("iso_9_digit_fraction", instant.replace(microsecond=123456)),
        ("iso_offset_nocolon", instant),
        ("iso_z", instant),
        ("no_offset_dst_ambiguous_local", dt.datetime(2026, 11, 1, 1, 30, tzinfo=UTC)),
        ("ruby_time_to_s", instant),
    ]
    assert {r[3].split(" '")[0] for r in rejects(case.con)} == {"unparsable timestamp"}
    assert [r[1] for r in rejects(case.con)] == list(range(6, 17))


def test_nginx_dash_is_a_missing_value(case):
    _, files = case("nginx-dash-missing", "api_logs")
    assert files == {"access-default-escape.jsonl": ("loaded", 3, 1, 2)}
    # nginx's default escaping (\x22) is not JSON: that line is unparsable
    assert rejects(case.con) == [
        ("access-default-escape.jsonl", 2, None, "unparsable JSON line"),
        ("access-default-escape.jsonl", 3, "app_id", "missing required value"),
    ]
    assert rows(case.con, "select end_user_id, latency_ms from raw.api_logs") == [(None, 0.004)]


REQUEST = {
    "request_id": "r1",
    "requested_at": "2026-11-20T09:00:00Z",
    "app_id": "a",
    "environment": "sandbox",
    "method": "GET",
    "path": "/p",
    "status_code": 200,
}


def test_huge_records_load_and_the_rest_of_the_file_too(case):
    logs = case.landing / "api_logs"
    logs.mkdir(parents=True)
    good = dict(REQUEST)
    lines = [good, {**good, "request_id": "big", "path": "/" + "x" * 5_000_000}, good]
    (logs / "big.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(line) + "\n" for line in lines).encode())
    )
    field = "y" * 3_000_000
    (logs / "big.csv").write_text(
        "request_id,requested_at,app_id,environment,method,path,status_code\n"
        "c1,2026-11-20T09:00:00Z,a,sandbox,GET,/p,200\n"
        f'c2,2026-11-20T09:00:00Z,a,sandbox,GET,"/{field}",200\n'
        "c3,2026-11-20T09:00:00Z,a,sandbox,GET,/p,200\n"
    )
    _, files = case("huge-record", "api_logs")
    assert files == {"big.csv": ("loaded", 3, 3, 0), "big.jsonl.gz": ("loaded", 3, 3, 0)}
    assert rows(
        case.con, "select request_id, length(path) from raw.api_logs where length(path) > 2"
    ) == [("c2", 3_000_001), ("big", 5_000_001)]


def test_a_record_over_the_readers_limit_is_rejected_as_that_row(case):
    logs = case.landing / "api_logs"
    logs.mkdir(parents=True)
    good = dict(REQUEST)
    oversized = MAX_RECORD_BYTES + (1 << 20)
    with (logs / "a_huge.jsonl").open("w") as out:  # streamed: 1 MiB in memory at a time
        out.write(json.dumps(good) + "\n")
        out.write(json.dumps({**good, "request_id": "big"})[:-1] + ', "note": "')
        for _ in range(oversized >> 20):
            out.write("z" * (1 << 20))
        out.write('"}\n')
        out.write(json.dumps({**good, "request_id": "r3"}) + "\n")
    (logs / "b_small.jsonl").write_text(json.dumps({**good, "request_id": "r4"}) + "\n")
    _, files = case("record-too-large", "api_logs")
    assert files == {"a_huge.jsonl": ("loaded", 3, 2, 1), "b_small.jsonl": ("loaded", 1, 1, 0)}
    assert rejects(case.con) == [("a_huge.jsonl", 2, None, "record too large (over 64 MiB)")]
    assert rows(case.con, "select request_id, _row_number from raw.api_logs order by 1") == [
        ("r1", 1),
        ("r3", 3),
        ("r4", 1),
    ]
