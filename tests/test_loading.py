"""The raw loader against docs/landing_zone.md, on small hand-written files."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import pyarrow as pa
import pytest
from conftest import PLANS, rows

UTC = dt.UTC
HEADER = (
    "request_id,requested_at,app_id,environment,method,path,status_code,"
    "latency_ms,request_bytes,response_bytes,end_user_id"
)
GOOD = [
    "r1,2026-11-20T13:05:00Z,app_1,production,GET,/v1/hello,200,12.5,10,20,eu_1",
    "r2,2026-11-20 23:30:00-02:00,app_1,Sandbox,post,/v1/customers?x=1,503,,,,",
]
EXPECTED = [
    (
        "r1",
        dt.datetime(2026, 11, 20, 13, 5, tzinfo=UTC),
        "app_1",
        "production",
        "GET",
        "/v1/hello",
        200,
        12.5,
        10,
        20,
        "eu_1",
    ),
    # -02:00 crosses midnight: 01:30 UTC the next day
    (
        "r2",
        dt.datetime(2026, 11, 21, 1, 30, tzinfo=UTC),
        "app_1",
        "sandbox",
        "POST",
        "/v1/customers?x=1",
        503,
        None,
        None,
        None,
        None,
    ),
]
COLUMNS = (
    "request_id, requested_at, app_id, environment, method, path, status_code, "
    "latency_ms, request_bytes, response_bytes, end_user_id"
)


def _json_rows():
    return [
        {
            "request_id": "r1",
            "requested_at": "2026-11-20T13:05:00Z",
            "app_id": "app_1",
            "environment": "production",
            "method": "GET",
            "path": "/v1/hello",
            "status_code": 200,
            "latency_ms": 12.5,
            "request_bytes": 10,
            "response_bytes": 20,
            "end_user_id": "eu_1",
        },
        {
            "request_id": "r2",
            "requested_at": "2026-11-20 23:30:00-02:00",
            "app_id": "app_1",
            "environment": "Sandbox",
            "method": "post",
            "path": "/v1/customers?x=1",
            "status_code": "503",
            "latency_ms": None,
        },
    ]


def _parquet_table():
    return pa.table(
        {
            "request_id": ["r1", "r2"],
            "requested_at": pa.array(
                [
                    dt.datetime(2026, 11, 20, 13, 5, tzinfo=UTC),
                    dt.datetime(2026, 11, 21, 1, 30, tzinfo=UTC),
                ],
                pa.timestamp("us", tz="UTC"),
            ),
            "app_id": ["app_1", "app_1"],
            "environment": ["production", "Sandbox"],
            "method": ["GET", "post"],
            "path": ["/v1/hello", "/v1/customers?x=1"],
            "status_code": pa.array([200, 503], pa.int32()),
            "latency_ms": [12.5, None],
            "request_bytes": pa.array([10, None], pa.int64()),
            "response_bytes": pa.array([20, None], pa.int64()),
            "end_user_id": ["eu_1", None],
        }
    )


@pytest.mark.parametrize(
    "name", ["a.csv", "a.csv.gz", "a.jsonl", "a.jsonl.gz", "a.ndjson", "a.ndjson.gz", "a.parquet"]
)
def test_every_format_loads_the_same_typed_rows(landing, load, con, name):
    relative = f"api_logs/date=2026-11-20/{name}"
    if ".csv" in name:
        landing.csv(relative, "\n".join([HEADER, *GOOD]) + "\n")
    elif name.endswith(".parquet"):
        landing.parquet(relative, _parquet_table())
    else:
        landing.jsonl(relative, _json_rows())

    result = load("api_logs")

    assert [
        (f.file, f.status, f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files
    ] == [(relative, "loaded", 2, 2, 0)]
    assert rows(con, f"select {COLUMNS} from raw.api_logs order by request_id") == EXPECTED
    assert rows(con, "select _file, _row_number from raw.api_logs order by 2") == [
        (relative, 1),
        (relative, 2),
    ]


def test_parquet_timestamp_without_zone_is_utc(landing, load, con):
    table = _parquet_table().set_column(
        1,
        "requested_at",
        pa.array([dt.datetime(2026, 11, 20, 13, 5), dt.datetime(2026, 11, 21, 1, 30)]),
    )
    landing.parquet("api_logs/a.parquet", table)
    load("api_logs")
    assert rows(con, "select requested_at from raw.api_logs order by 1") == [
        (dt.datetime(2026, 11, 20, 13, 5, tzinfo=UTC),),
        (dt.datetime(2026, 11, 21, 1, 30, tzinfo=UTC),),
    ]


def test_a_header_opening_a_quote_it_never_closes_rejects_the_file(landing, load, con):
    # DuckDB would read the whole file as one header record: its rows would be lost
    landing.csv("api_logs/a.csv", '"' + "\n".join([HEADER, GOOD[0], GOOD[1]]) + "\n")
    result = load("api_logs")
    assert [(f.status, f.rows_read) for f in result.files] == [("rejected", 0)]
    assert rows(con, "select row_number, reason from raw.rejects") == [
        (None, "api_logs/a.csv: the header line opens a quote it never closes")
    ]


def test_a_csv_whose_first_line_is_empty_is_rejected_saying_so(landing, load, con):
    landing.csv("api_logs/a.csv", "\n".join(["", HEADER, GOOD[0]]) + "\n")
    result = load("api_logs")
    assert [(f.status, f.rows_read) for f in result.files] == [("rejected", 0)]
    assert rows(con, "select reason from raw.rejects") == [
        ("api_logs/a.csv: the first line is empty: the header must be the first line",)
    ]


def test_a_csv_where_no_record_has_the_headers_fields_is_rejected_whole(landing, load, con):
    # e.g. a tab-separated body under a comma header: not the CSV its header says
    body = [line.replace(",", "\t") for line in GOOD]
    landing.csv("api_logs/a.csv", "\n".join([HEADER, *body]) + "\n")
    result = load("api_logs")
    assert [(f.status, f.rows_read) for f in result.files] == [("rejected", 0)]
    assert rows(con, "select row_number, reason from raw.rejects") == [
        (
            None,
            "api_logs/a.csv: no record parses as CSV with the header's fields"
            " (row has 1 field; the header has 11)",
        )
    ]


def test_a_parquet_file_naming_a_contract_column_twice_is_rejected_whole(landing, load, con):
    table = _parquet_table()
    twice = table.append_column("STATUS_CODE", pa.array([300] * table.num_rows, pa.int32()))
    landing.parquet("api_logs/a.parquet", twice)
    result = load("api_logs")
    assert [(f.status, f.rows_read) for f in result.files] == [("rejected", 0)]
    assert rows(con, "select row_number, column_name, reason from raw.rejects") == [
        (None, None, "api_logs/a.parquet: duplicate column status_code")
    ]


def test_columns_match_case_insensitively_and_unknown_columns_are_never_stored(landing, load, con):
    landing.csv(
        "signups/s.csv",
        "Developer_ID,ACCOUNT_ID,Signed_Up_At,api_key,client_ip\n"
        "d1,a1,2026-11-20T10:00:00.123,sk_live_secret,10.0.0.1\n",
    )
    result = load("signups")
    assert result.total("rows_loaded") == 1
    assert rows(con, "select developer_id, account_id, signed_up_at, plan_id from raw.signups") == [
        ("d1", "a1", dt.datetime(2026, 11, 20, 10, 0, 0, 123000, tzinfo=UTC), None)
    ]
    stored = {r[0] for r in rows(con, "select column_name from (describe raw.signups)")}
    assert "api_key" not in stored and "client_ip" not in stored


@pytest.mark.parametrize(
    ("line", "column", "reason"),
    [
        (
            ",2026-11-20T13:05:00Z,a,production,GET,/p,200,,,,",
            "request_id",
            "missing required value",
        ),
        (
            "r,  ,a,production,GET,/p,200,,,,",
            "requested_at",
            "missing required value",
        ),
        (
            "r,20/11/2026,a,production,GET,/p,200,,,,",
            "requested_at",
            "unparsable timestamp '20/11/2026'",
        ),
        # offsets that exist nowhere are unparsable, never moved to another instant
        (
            "r,2026-11-20T13:05:00+05:60,a,production,GET,/p,200,,,,",
            "requested_at",
            "unparsable timestamp '2026-11-20T13:05:00+05:60'",
        ),
        (
            "r,2026-11-20T13:05:00+24:00,a,production,GET,/p,200,,,,",
            "requested_at",
            "unparsable timestamp '2026-11-20T13:05:00+24:00'",
        ),
        (
            "r,2026-11-20T13:05:00Z,a,staging,GET,/p,200,,,,",
            "environment",
            "value 'staging' not in allowed set (production, sandbox)",
        ),
        (
            "r,2026-11-20T13:05:00Z,a,production,GET,/p,OK,,,,",
            "status_code",
            "unparsable integer 'OK'",
        ),
        (
            "r,2026-11-20T13:05:00Z,a,production,GET,/p,99,,,,",
            "status_code",
            "value 99 below minimum 100",
        ),
        (
            "r,2026-11-20T13:05:00Z,a,production,GET,/p,600,,,,",
            "status_code",
            "value 600 above maximum 599",
        ),
        (
            "r,2026-11-20T13:05:00Z,a,production,GET,/p,200,-0.5,,,",
            "latency_ms",
            "value -0.5 below minimum 0",
        ),
        (
            "r,2026-11-20T13:05:00Z,a,production,GET,/p,200,1,12kb,,",
            "request_bytes",
            "unparsable bigint '12kb'",
        ),
        (
            "r,2026-11-20T13:05:00Z,a,production,GET,/p,200,1,1,-1,",
            "response_bytes",
            "value -1 below minimum 0",
        ),
        # several failures: the first column in contract order is named
        (",bad,,moon,GET,/p,700,,,,", "request_id", "missing required value"),
        (
            "r,2026-11-20T13:05:00Z,a,production,GET,/p,200,1,1,1,e,EXTRA",
            None,
            "row has 12 fields; the header has 11",
        ),
        # records the CSV reader cannot split: the reason in words, never DuckDB's
        ("r,2026-11-20T13:05:00Z,a", None, "row has 3 fields; the header has 11"),
        ("r", None, "row has 1 field; the header has 11"),
        (
            'r,2026-11-20T13:05:00Z,"a"b,production,GET,/p,200,,,,',
            None,
            "text follows a closing quote (a quote inside a quoted field is doubled)",
        ),
    ],
)
def test_each_reject_reason_names_file_row_and_column(landing, load, con, line, column, reason):
    landing.csv("api_logs/a.csv", "\n".join([HEADER, GOOD[0], line, GOOD[1]]) + "\n")
    result = load("api_logs")
    assert (result.total("rows_read"), result.total("rows_loaded")) == (3, 2)
    assert rows(con, "select source, file, row_number, column_name, reason from raw.rejects") == [
        ("api_logs", "api_logs/a.csv", 2, column, reason)
    ]
    # the good rows keep their own row numbers around the rejected one
    assert rows(con, "select request_id, _row_number from raw.api_logs order by 2") == [
        ("r1", 1),
        ("r2", 3),
    ]


@pytest.mark.parametrize("end", ["\n", "\r\n"])
def test_a_stray_quote_rejects_only_its_own_line_and_the_next_lines_load(landing, load, con, end):
    good = GOOD[0].replace("/v1/hello", "/p")
    lines = [
        HEADER,
        good.replace("r1", "r0").replace("/p", '"/p' + end + 'q"'),  # one record, two lines
        good.replace("r1", "r3").replace("app_1", '"app_1'),  # a quote that never closes
        good.replace("r1", "r4"),
        good.replace("r1", "r5").replace("/p", '"/p"x'),  # text after a closing quote
        good.replace("r1", "r6").replace("eu_1", '"eu_1'),  # ... and another stray quote
        good.replace("r1", "r7"),
    ]
    landing.path("api_logs/a.csv.gz").write_bytes(gzip.compress((end.join(lines) + end).encode()))
    result = load("api_logs")
    assert [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files] == [(6, 3, 3)]
    assert rows(con, "select row_number, column_name, reason from raw.rejects order by 1") == [
        (2, None, "a quote opened on line 4 never closes"),
        (4, None, "text follows a closing quote (a quote inside a quoted field is doubled)"),
        (5, None, "a quote opened on line 7 never closes"),
    ]
    assert rows(con, "select request_id, _row_number, path from raw.api_logs order by 2") == [
        ("r0", 1, "/p" + end + "q"),
        ("r4", 3, "/p"),
        ("r7", 6, "/p"),
    ]


def test_a_file_of_many_stray_quotes_is_rejected_whole(landing, load, con):
    stray = GOOD[0].replace("app_1", '"app_1')
    landing.csv("api_logs/a.csv", "\n".join([HEADER, *[stray, GOOD[0]] * 11]) + "\n")
    result = load("api_logs")
    assert [(f.status, f.rows_read) for f in result.files] == [("rejected", 0)]
    assert rows(con, "select row_number, reason from raw.rejects") == [
        (
            None,
            "api_logs/a.csv: more than 10 quotes that never close (the first on line 2):"
            " check how the file quotes its fields",
        )
    ]


def test_json_lines_reject_unparsable_lines_by_line_number(landing, load, con):
    good = _json_rows()
    landing.jsonl(
        "api_logs/a.jsonl",
        [good[0], "{not json", '["an", "array"]', good[1], {**good[1], "request_id": ""}],
    )
    result = load("api_logs")
    assert (
        result.total("rows_read"),
        result.total("rows_loaded"),
        result.total("rows_rejected"),
    ) == (
        5,
        2,
        3,
    )
    assert rows(con, "select row_number, column_name, reason from raw.rejects order by 1") == [
        (2, None, "unparsable JSON line"),
        (3, None, "unparsable JSON line"),
        (5, "request_id", "missing required value"),
    ]
    assert rows(con, "select request_id, _row_number from raw.api_logs order by 2") == [
        ("r1", 1),
        ("r2", 4),
    ]


def test_a_json_line_giving_a_contract_key_twice_is_rejected_naming_the_key(landing, load, con):
    good = _json_rows()
    both = json.dumps(good[1])[:-1] + ', "Status_Code": 500}'
    twice = json.dumps(good[1])[:-1] + ', "status_code": 500}'
    # an ignored key given twice is no reason to reject the line
    ignored = json.dumps(good[1])[:-1] + ', "client_ip": "1.2.3.4", "CLIENT_IP": "5.6.7.8"}'
    renamed = {("Status_Code" if k == "status_code" else k): v for k, v in good[1].items()}
    landing.jsonl("api_logs/a.jsonl", [good[0], both, twice, {**renamed, "Status_Code": 201}])
    landing.jsonl("api_logs/b.jsonl", [ignored])
    result = load("api_logs")
    assert [(f.rows_read, f.rows_loaded, f.rows_rejected) for f in result.files] == [
        (4, 2, 2),
        (1, 1, 0),
    ]
    assert rows(con, "select file, row_number, column_name, reason from raw.rejects") == [
        ("api_logs/a.jsonl", 2, "status_code", "duplicate key status_code"),
        ("api_logs/a.jsonl", 3, "status_code", "duplicate key status_code"),
    ]
    assert rows(con, "select _file, _row_number, status_code from raw.api_logs order by 1, 2") == [
        ("api_logs/a.jsonl", 1, 200),
        ("api_logs/a.jsonl", 4, 201),
        ("api_logs/b.jsonl", 1, 503),
    ]


def test_allowed_values_are_stored_lower_case_and_defaults_left_to_staging(landing, load, con):
    landing.csv(
        "support_tickets/t.csv",
        "ticket_id,account_id,created_at,updated_at,status,priority,category,satisfaction\n"
        "t1,a1,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,SOLVED,Urgent,,Good\n"
        "t2,a1,2026-11-20T10:00:00Z,2026-11-20T11:00:00Z,waiting,,,\n",
    )
    load("support_tickets")
    assert rows(
        con, "select ticket_id, status, priority, category, satisfaction from raw.support_tickets"
    ) == [("t1", "solved", "urgent", None, "good")]
    assert rows(con, "select row_number, column_name, reason from raw.rejects") == [
        (
            2,
            "status",
            "value 'waiting' not in allowed set (closed, new, open, pending, solved)",
        )
    ]


def test_program_outcome_must_belong_to_its_program(landing, load, con):
    landing.csv(
        "program_events/p.csv",
        "event_id,occurred_at,program,subject_type,subject_id,outcome\n"
        "e1,2026-11-20T10:00:00Z,certification,developer,d1,revoked\n"
        "e2,2026-11-20T10:00:00Z,audit,application,a1,revoked\n"
        "e3,2026-11-20T10:00:00Z,showcase,application,a1,Featured\n",
    )
    load("program_events")
    assert rows(con, "select event_id, outcome from raw.program_events order by 1") == [
        ("e1", "revoked"),
        ("e3", "featured"),
    ]
    assert rows(con, "select row_number, column_name, reason from raw.rejects") == [
        (2, "outcome", "outcome not allowed for this program")
    ]


def test_subscription_plan_must_exist_in_the_catalogue(landing, load, con):
    landing.csv(
        "subscriptions/s.csv",
        "account_id,plan_id,effective_at\na1,developer,2026-11-01T00:00:00Z\n"
        "a2,platinum,2026-11-01T00:00:00Z\n",
    )
    load("subscriptions")
    assert rows(con, "select account_id from raw.subscriptions") == [("a1",)]
    assert rows(con, "select column_name, reason from raw.rejects") == [
        (
            "plan_id",
            f"value 'platinum' not in allowed set ({', '.join(sorted(PLANS))})",
        )
    ]


def test_rows_read_equal_loaded_plus_rejected_for_every_file(landing, load, con):
    landing.csv("api_logs/a.csv", "\n".join([HEADER, GOOD[0], "x,,,,,,,,,,", GOOD[1]]) + "\n")
    landing.jsonl("api_logs/b.jsonl", [_json_rows()[0] | {"request_id": "r9"}, "oops"])
    load("api_logs")
    manifest = rows(
        con, "select file, rows_read, rows_loaded, rows_rejected from raw.loaded_files order by 1"
    )
    assert manifest == [("api_logs/a.csv", 3, 2, 1), ("api_logs/b.jsonl", 2, 1, 1)]
    per_file = rows(
        con,
        """select f.file, f.rows_read,
                  (select count(*) from raw.api_logs l where l._file = f.file)
                + (select count(*) from raw.rejects r where r.file = f.file)
           from raw.loaded_files f order by 1""",
    )
    assert all(read == counted for _, read, counted in per_file)


def test_a_second_run_loads_nothing_twice(landing, load, con):
    landing.csv("api_logs/a.csv", "\n".join([HEADER, *GOOD]) + "\n")
    first, second = load("api_logs"), load("api_logs")
    assert [f.status for f in first.files] == ["loaded"]
    assert [(f.status, f.rows_read) for f in second.files] == [("unchanged", 0)]
    assert rows(con, "select count(*) from raw.api_logs") == [(2,)]


def test_a_changed_file_replaces_its_rows_and_records_old_and_new_days(landing, load, con):
    landing.csv("api_logs/a.csv", "\n".join([HEADER, *GOOD]) + "\n")
    load("api_logs")
    landing.csv(
        "api_logs/a.csv",
        HEADER + "\nr3,2026-11-18T08:00:00Z,app_1,production,GET,/v1/hello,200,1,1,1,\n",
    )
    result = load("api_logs")
    assert [(f.status, f.rows_loaded) for f in result.files] == [("replaced", 1)]
    assert rows(con, "select request_id from raw.api_logs") == [("r3",)]
    assert rows(
        con, "select date_day from raw.changed_days where batch_id = 'batch-2' order by 1"
    ) == [(dt.date(2026, 11, 18),), (dt.date(2026, 11, 20),), (dt.date(2026, 11, 21),)]


def test_unreadable_files_are_rejected_whole_while_the_others_load(landing, load, con):
    landing.csv("api_logs/good.csv", "\n".join([HEADER, *GOOD]) + "\n")
    landing.path("api_logs/cut.csv.gz").write_bytes(b"\x1f\x8b\x08 not really gzip")
    landing.path("api_logs/cut.parquet").write_bytes(b"PAR1 truncated")
    landing.csv("api_logs/no_status.csv", "request_id,requested_at,app_id\nr5,2026-11-20,a\n")
    landing.path("api_logs/notes.txt").write_text("not data")
    result = load("api_logs")
    assert result.ignored == ["api_logs/notes.txt"]
    statuses = {f.file: (f.status, f.rows_loaded) for f in result.files}
    assert statuses == {
        "api_logs/good.csv": ("loaded", 2),
        "api_logs/cut.csv.gz": ("rejected", 0),
        "api_logs/cut.parquet": ("rejected", 0),
        "api_logs/no_status.csv": ("rejected", 0),
    }
    errors = dict(rows(con, "select file, reason from raw.rejects where row_number is null"))
    assert errors["api_logs/no_status.csv"] == (
        "api_logs/no_status.csv: missing required column(s): environment, method, path, status_code"
    )
    assert errors["api_logs/cut.parquet"] == (
        "api_logs/cut.parquet: not a readable Parquet file:"
        " truncated, or not Parquet at all (no Parquet footer)"
    )
    assert errors["api_logs/cut.csv.gz"].startswith("api_logs/cut.csv.gz: not a readable CSV file:")
    assert rows(con, "select count(*) from raw.api_logs") == [(2,)]


def test_an_absent_optional_source_is_not_an_error(load, con):
    result = load("community_events")
    assert result.missing and result.files == []
    assert rows(con, "select count(*) from raw.community_events") == [(0,)]


def test_files_load_in_byte_order_of_their_relative_path(landing, load):
    for name in ["b.csv", "B.csv", "a/z.csv", "a.csv"]:
        landing.csv(f"api_logs/{name}", HEADER + "\n")
    assert [f.file for f in load("api_logs").files] == [
        "api_logs/B.csv",
        "api_logs/a.csv",
        "api_logs/a/z.csv",
        "api_logs/b.csv",
    ]
