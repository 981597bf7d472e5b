"""Format configurations through the loader: the fmt-* field cases, every preset's
sample exports, which configuration applies, and configuration errors."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from conftest import rows

from hourglass.settings import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
UTC = dt.UTC


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def field_case(landing, case: str, folder: str, config: str) -> None:
    """Copy a field case's landing files and put a format configuration beside them."""
    shutil.copytree(FIXTURES / "field_cases" / case / "landing", landing.root, dirs_exist_ok=True)
    landing.csv(f"{folder}/_format.yml", config)


def sample(landing, preset: str, folder: str) -> None:
    """A preset's sample exports (with their `_format.yml`) as a landing sub-folder."""
    shutil.copytree(FIXTURES / preset, landing.root / folder, dirs_exist_ok=True)


def rejects(con) -> list[tuple]:
    return rows(con, "select file, row_number, column_name, reason from raw.rejects order by all")


REQUEST = (
    "request_id, requested_at, app_id, environment, method, path, status_code, latency_ms, "
    "request_bytes, response_bytes, end_user_id"
)


def requests(con, where: str = "true") -> list[tuple]:
    return rows(con, f"select {REQUEST} from raw.api_logs where {where} order by requested_at")


# --- the field cases (docs/formats.md; what each should give is in its README) ---------


def test_nginx_json_field_case(con, landing, load):
    field_case(landing, "fmt-nginx-json", "api_logs", "preset: nginx_json\n")
    result = load("api_logs")
    assert [(f.rows_loaded, f.rows_rejected) for f in result.files] == [(1, 2)]
    # `-` is missing; $request_time 0.004 s is 4 ms
    assert requests(con) == [
        (
            "6b1f0000000000000000000000000001",
            ts("2026-11-20T10:00:01Z"),
            "app_1",
            "production",
            "GET",
            "/v1/hello",
            200,
            4.0,
            412,
            958,
            None,
        )
    ]
    file = "api_logs/access-default-escape.jsonl"
    got = rejects(con)
    # nginx's default escaping (\x22) is not JSON: that line is unparsable
    assert [r[:3] for r in got] == [(file, 2, None), (file, 3, "app_id")]
    assert got[1][3] == "missing required value"


def test_aws_api_gateway_field_case(con, landing, load):
    field_case(landing, "fmt-aws-apigw", "api_logs", "preset: aws_api_gateway\n")
    result = load("api_logs")
    assert [(f.file, f.rows_loaded, f.rows_rejected) for f in result.files] == [
        ("api_logs/apigw-access.jsonl", 2, 0),
        ("api_logs/cloudwatch-export.jsonl", 1, 0),
    ]
    got = rows(
        con,
        "select request_id, requested_at, environment, status_code, response_bytes "
        "from raw.api_logs order by request_id",
    )
    rid = "8a7b2c1d-0000-4000-8000-00000000000"
    assert got == [
        (rid + "1", ts("2026-11-20T10:00:00Z"), "production", 200, 512),
        (rid + "2", ts("2026-11-20T10:00:01Z"), "production", 504, None),
        # the leading CloudWatch timestamp is stripped; 1763632800123 ms is 2025-11-20
        (rid + "3", ts("2025-11-20T10:00:00.123Z"), "production", 200, 512),
    ]


def test_kong_field_case(con, landing, load):
    field_case(landing, "fmt-kong-httplog", "api_logs", "preset: kong\n")
    result = load("api_logs")
    # the http-log batch line is two requests (rows 1 and 2 of that file)
    assert [(f.file, f.rows_loaded, f.rows_rejected) for f in result.files] == [
        ("api_logs/kong-file-log.jsonl", 1, 0),
        ("api_logs/kong-http-log-batch.jsonl", 2, 0),
    ]
    assert rows(con, "select _file, _row_number from raw.api_logs order by all") == [
        ("api_logs/kong-file-log.jsonl", 1),
        ("api_logs/kong-http-log-batch.jsonl", 1),
        ("api_logs/kong-http-log-batch.jsonl", 2),
    ]
    expected = (
        "2f69463200000000000000000000a155",
        ts("2025-11-20T10:00:00.123Z"),  # started_at 1763632800123 ms
        "app_1",
        "production",
        "GET",
        "/v1/hello?x=1",
        200,
        172.0,
        146,
        9982,
        None,
    )
    assert requests(con) == [expected] * 3


def test_zendesk_csv_field_case(con, landing, load):
    field_case(landing, "fmt-zendesk-csv", "support_tickets", "preset: zendesk\n")
    landing.csv(
        "support_tickets/zendesk-custom-status.csv",
        "Id,Organization,Status,Created at,Updated at\n"
        "1003,Acme Test,Escalated,2026-11-20T09:00:00Z,2026-11-20T09:00:00Z\n",
    )
    result = load("support_tickets")
    assert [(f.rows_loaded, f.rows_rejected) for f in result.files] == [(0, 1), (2, 0), (2, 0)]
    got = rows(
        con,
        "select ticket_id, account_id, developer_id, status, priority, category, solved_at, "
        "satisfaction, _file from raw.support_tickets order by _file, ticket_id",
    )
    solved = ts("2026-11-20T08:00:00Z")
    export, renamed = "support_tickets/zendesk-export.csv", "support_tickets/zendesk-renamed.csv"
    assert got == [
        ("1001", "Acme Test", "90001", "pending", "high", "other", None, None, export),
        ("1002", "Acme Test", "90002", "solved", "normal", "question", solved, "good", export),
        ("1001", "Acme Test", "90001", "pending", "high", "other", None, None, renamed),
        ("1002", "Acme Test", "90002", "solved", "normal", "question", solved, None, renamed),
    ]
    [(file, row, column, reason)] = rejects(con)
    assert (file, row, column) == ("support_tickets/zendesk-custom-status.csv", 1, "status")
    assert "Escalated" in reason


def test_a_request_the_preset_cannot_map_is_rejected_naming_the_column(con, landing, load):
    landing.csv("api_logs/_format.yml", "preset: kong\n")
    request = {"method": "GET", "uri": "/v1/hello", "headers": {}}  # no id, no id header
    landing.jsonl(
        "api_logs/kong.jsonl",
        [
            {
                "request": request,
                "response": {"status": 200, "headers": {}},
                "started_at": 1795164330015,
                "consumer": {"username": "app_kong"},
                "route": {"tags": ["production"]},
            }
        ],
    )
    load("api_logs")
    assert rejects(con) == [("api_logs/kong.jsonl", 1, "request_id", "missing required value")]


def test_a_json_line_giving_a_mapped_key_twice_is_rejected_naming_the_key(con, landing, load):
    landing.csv("api_logs/_format.yml", "columns:\n  status_code: code\n")
    request = {
        "request_id": "r1",
        "requested_at": "2026-11-20T10:00:00Z",
        "app_id": "app_1",
        "environment": "production",
        "method": "GET",
        "path": "/v1/hello",
    }
    landing.jsonl(
        "api_logs/a.jsonl",
        [{**request, "code": 200}, {**request, "request_id": "r2", "code": 200, "CODE": 500}],
    )
    load("api_logs")
    assert rejects(con) == [("api_logs/a.jsonl", 2, "status_code", "duplicate key code")]
    assert rows(con, "select request_id, status_code from raw.api_logs") == [("r1", 200)]


# --- every preset's sample exports ----------------------------------------------------


def test_kong_samples(con, landing, load):
    sample(landing, "kong", "api_logs/kong")
    result = load("api_logs")
    assert [(f.rows_loaded, f.rows_rejected) for f in result.files] == [(3, 0), (3, 0)]
    assert rows(con, "select distinct app_id from raw.api_logs") == [("app_kong",)]
    got = rows(
        con,
        "select requested_at, environment, method, path, status_code, latency_ms "
        "from raw.api_logs order by requested_at",
    )
    assert got == [
        (ts("2026-11-18T09:15:02.481Z"), "production", "GET", "/v1/hello", 200, 38.0),
        (
            ts("2026-11-19T14:02:11.907Z"),
            "production",
            "POST",
            "/v1/payments?idempotency=k7",
            201,
            142.0,
        ),
        (ts("2026-11-19T14:02:15Z"), "sandbox", "GET", "/v1/customers/42", 404, 21.0),
        (ts("2026-11-20T08:45:30.015Z"), "production", "GET", "/v1/customers/42", 200, 55.0),
        (ts("2026-11-20T08:45:31.220Z"), "production", "GET", "/v1/customers/43", 500, 1004.0),
        (ts("2026-11-20T16:20:05.500Z"), "sandbox", "DELETE", "/v1/hooks/9", 204, 17.0),
    ]


def test_aws_api_gateway_samples(con, landing, load):
    sample(landing, "aws_api_gateway", "api_logs/apigw")
    result = load("api_logs")
    assert [(f.rows_loaded, f.rows_rejected) for f in result.files] == [(3, 0), (2, 0)]
    assert rows(con, "select distinct app_id from raw.api_logs") == [("q7k2m9p4x1",)]
    got = rows(
        con,
        "select requested_at, environment, method, path, status_code, latency_ms, "
        "response_bytes from raw.api_logs order by requested_at",
    )
    customer = "/v1/customers/{id}"
    assert got == [
        (ts("2026-11-18T11:30:00Z"), "production", "GET", "/v1/hello", 200, 31.0, 517),
        # 23:59:59 +0100 is 22:59:59 UTC; stage dev is the sandbox
        (ts("2026-11-19T22:59:59Z"), "sandbox", "GET", "/v1/hello", 200, 29.0, 517),
        (ts("2026-11-20T07:15:42Z"), "production", "POST", "/v1/payments", 502, 29004.0, None),
        (ts("2026-11-20T09:00:00.250Z"), "production", "GET", customer, 200, 44.0, 1893),
        (ts("2026-11-20T09:00:01.020Z"), "production", "GET", customer, 429, 3.0, 97),
    ]


def test_nginx_json_samples(con, landing, load):
    sample(landing, "nginx_json", "api_logs/edge")
    load("api_logs")
    assert rows(con, "select distinct app_id, environment from raw.api_logs") == [
        ("app_nginx", "production")
    ]
    got = rows(
        con,
        "select requested_at, path, status_code, latency_ms, request_bytes, response_bytes, "
        "end_user_id from raw.api_logs order by requested_at",
    )
    assert got == [
        (ts("2026-11-19T10:00:01Z"), "/v1/hello?lang=en", 200, 12.0, 311, 702, "u-1001"),
        (ts("2026-11-19T10:00:02Z"), "/v1/hello", 304, 1.0, 298, 188, None),
        (ts("2026-11-20T11:42:07Z"), "/v1/customers/42", 200, 250.0, 1024, 655, "u-1002"),
        (ts("2026-11-20T11:42:09Z"), "/v1/customers/42", 503, 30001.0, 310, 0, "u-1002"),
    ]
    assert rejects(con) == []


def test_envoy_json_samples(con, landing, load):
    sample(landing, "envoy_json", "api_logs/mesh")
    load("api_logs")
    got = rows(
        con,
        "select request_id, requested_at, app_id, environment, status_code, latency_ms, "
        "request_bytes, response_bytes from raw.api_logs order by requested_at",
    )
    rid = "5b7e2a8c-3f1d-4e6b-9c0a-1d2e3f4a5b0"
    assert got == [
        (rid + "1", ts("2026-11-18T15:04:05.123Z"), "app_envoy", "sandbox", 200, 12.0, 0, 431),
        (rid + "2", ts("2026-11-19T15:04:06.002Z"), "app_envoy", "sandbox", 400, 8.0, 512, 97),
        (rid + "3", ts("2026-11-20T01:00:00Z"), "app_envoy", "sandbox", 200, 35.0, 0, 1210),
        (rid + "4", ts("2026-11-20T01:00:00.5Z"), "app_envoy", "sandbox", 503, 5001.0, 0, 91),
    ]


def test_zendesk_samples_csv_and_json(con, landing, load):
    sample(landing, "zendesk", "support_tickets/zendesk")
    result = load("support_tickets")
    assert [(f.file, f.rows_loaded) for f in result.files] == [
        ("support_tickets/zendesk/json/tickets-export.jsonl", 2),
        ("support_tickets/zendesk/tickets-export.csv", 3),
    ]
    got = rows(
        con,
        "select ticket_id, account_id, developer_id, status, priority, category, satisfaction "
        "from raw.support_tickets order by ticket_id",
    )
    assert got == [
        ("5101", "acc_a", "381001", "solved", "high", "incident", "good"),
        ("5102", "acc_a", "381002", "pending", "normal", "question", None),
        ("5103", "acc_b", "381003", "open", "urgent", "problem", None),
        # the JSON export's organisation numbers go through the sub-folder's map
        ("5104", "acc_b", "381004", "closed", "low", "other", "bad"),
        ("5105", "acc_a", "381001", "new", None, None, None),
    ]


def test_stripe_samples_and_api_objects(con, landing, load):
    sample(landing, "stripe", "subscriptions/stripe")
    # the API's subscription objects, one per line, under the same configuration
    landing.jsonl(
        "subscriptions/stripe/api.jsonl",
        [
            {
                "id": "sub_1QbINVENTED0003",
                "object": "subscription",
                "customer": "cus_RkT3mINVENTED02",
                "start_date": 1795219200,
                "status": "active",
                "items": {"data": [{"price": {"id": "price_1QaGrowthINVENTED"}}]},
            },
            {  # a customer the map does not name: rejected, never guessed
                "id": "sub_1QbINVENTED0004",
                "customer": "cus_UNMAPPED",
                "start_date": 1795219200,
                "items": {"data": [{"price": {"id": "price_1QaPaygINVENTED"}}]},
            },
        ],
    )
    load("subscriptions")
    assert rows(
        con, "select account_id, plan_id, effective_at from raw.subscriptions order by all"
    ) == [
        ("acc_a", "growth_mau", ts("2026-11-19T08:00:00Z")),
        ("acc_b", "growth_mau", ts("2026-11-21T00:00:00Z")),
        ("acc_b", "payg", ts("2026-11-20T14:30:00Z")),
    ]
    assert rejects(con) == [
        ("subscriptions/stripe/api.jsonl", 2, "account_id", "missing required value")
    ]


# --- which configuration applies, and broken ones ---------------------------------------


def test_the_nearest_configuration_applies_and_a_broken_one_rejects_only_its_files(
    con, landing, load
):
    row = {"request_id": "r1", "requested_at": "2026-11-20T10:00:00Z", "app_id": "a"}
    row |= {"method": "get", "path": "/v1/hello", "status_code": 200}
    landing.csv("api_logs/_format.yml", "constants: {environment: production}\n")
    landing.jsonl("api_logs/prod/a.jsonl", [row])
    landing.csv("api_logs/sandbox/_format.yml", "constants: {environment: sandbox}\n")
    landing.jsonl("api_logs/sandbox/day=1/b.jsonl", [{**row, "request_id": "r2"}])
    landing.csv("api_logs/broken/_format.yml", "columns:\n  app_id: {feild: consumer.id}\n")
    landing.jsonl("api_logs/broken/c.jsonl", [{**row, "request_id": "r3"}])
    result = load("api_logs")
    assert "api_logs/_format.yml" in result.ignored
    assert rows(con, "select request_id, environment from raw.api_logs order by 1") == [
        ("r1", "production"),
        ("r2", "sandbox"),
    ]
    assert rejects(con) == [
        (
            "api_logs/broken/c.jsonl",
            None,
            None,
            "api_logs/broken/c.jsonl: format configuration api_logs/broken/_format.yml: "
            "columns.app_id.feild: unknown key (expected one of: field, regex, map, unmapped, "
            "multiply, timestamp)",
        )
    ]


def test_a_changed_configuration_reloads_its_files_and_an_unchanged_one_skips(con, landing, load):
    row = {"request_id": "r1", "requested_at": "2026-11-20T10:00:00Z", "app_id": "a"}
    row |= {"method": "get", "path": "/v1/hello", "status_code": 200}
    landing.csv("api_logs/gw/_format.yml", "constants: {environment: production}\n")
    landing.jsonl("api_logs/gw/a.jsonl", [row])
    landing.jsonl("api_logs/plain.jsonl", [{**row, "request_id": "r2", "environment": "sandbox"}])

    def outcome():
        return [(f.file, f.status) for f in load("api_logs").files]

    def environments():
        return rows(con, "select request_id, environment from raw.api_logs order by 1")

    assert outcome() == [("api_logs/gw/a.jsonl", "loaded"), ("api_logs/plain.jsonl", "loaded")]
    assert outcome() == [
        ("api_logs/gw/a.jsonl", "unchanged"),
        ("api_logs/plain.jsonl", "unchanged"),
    ]
    landing.csv("api_logs/gw/_format.yml", "constants: {environment: sandbox}\n")
    # only the files under the changed configuration reload, replacing their rows
    assert outcome() == [("api_logs/gw/a.jsonl", "replaced"), ("api_logs/plain.jsonl", "unchanged")]
    assert environments() == [("r1", "sandbox"), ("r2", "sandbox")]
    assert outcome()[0] == ("api_logs/gw/a.jsonl", "unchanged")
    # a broken configuration rejects its file; fixing it loads the file again
    landing.csv("api_logs/gw/_format.yml", "constants: {environment: [production]}\n")
    assert outcome()[0] == ("api_logs/gw/a.jsonl", "rejected")
    assert environments() == [("r2", "sandbox")]
    landing.csv("api_logs/gw/_format.yml", "constants: {environment: production}\n")
    assert outcome()[0] == ("api_logs/gw/a.jsonl", "replaced")
    assert environments() == [("r1", "production"), ("r2", "sandbox")]
    assert rows(con, "select count(*) from raw.rejects") == [(0,)]


def test_a_changed_preset_reloads_the_files_that_use_it(con, landing, load, monkeypatch):
    from hourglass.formats import config

    landing.csv("api_logs/_format.yml", "preset: nginx_json\n")
    shutil.copytree(
        FIXTURES / "field_cases" / "fmt-nginx-json" / "landing", landing.root, dirs_exist_ok=True
    )
    assert [f.status for f in load("api_logs").files] == ["loaded"]
    assert [f.status for f in load("api_logs").files] == ["unchanged"]
    shipped = config.presets()
    nginx = shipped["nginx_json"]
    changed = nginx.model_copy(update={"constants": {"environment": "sandbox"}})
    monkeypatch.setattr(config, "presets", lambda: {**shipped, "nginx_json": changed})
    assert [f.status for f in load("api_logs").files] == ["replaced"]
    assert rows(con, "select distinct environment from raw.api_logs") == [("sandbox",)]


def test_a_required_column_the_mapping_finds_nowhere_rejects_the_file(con, landing, load):
    landing.csv("support_tickets/_format.yml", "preset: zendesk\n")
    landing.csv("support_tickets/t.csv", "Ticket,Organization\n1,acme\n")
    load("support_tickets")
    [(_, row, _, reason)] = rejects(con)
    assert row is None
    assert reason == (
        "support_tickets/t.csv: missing required column ticket_id (looked for: id, ticket_id)"
    )


def test_the_worked_example_of_the_docs_loads_as_they_say(con, landing, load):
    text = (PROJECT_ROOT / "docs" / "formats.md").read_text()
    example = text[text.index("### Worked example") :]
    [records] = re.findall(r"```json\n(.*?)```", example, re.S)
    [config] = re.findall(r"<!-- worked-example -->\n```yaml\n(.*?)```", example, re.S)
    landing.csv("api_logs/apigee/_format.yml", config)
    landing.csv("api_logs/apigee/messages.jsonl", records)
    load("api_logs")
    call = "rrt-04f9c1d2a7b3e5f6-"
    assert requests(con) == [
        (
            call + "a",
            ts("2026-11-20T10:24:05.120Z"),
            "acme-billing",
            "production",
            "GET",
            "/v1/invoices/881?expand=lines",
            200,
            83.0,
            0,
            4211,
            None,
        ),
        (
            call + "b",
            ts("2026-11-20T10:24:06.002Z"),
            "acme-billing",
            "sandbox",
            "POST",
            "/v1/invoices",
            201,
            211.0,
            1380,
            512,
            None,
        ),
    ]
