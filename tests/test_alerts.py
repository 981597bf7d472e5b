"""Alerts (hourglass/alerts.py) delivered to local HTTP and SMTP servers on
127.0.0.1: exactly once across re-runs, failed deliveries retried by the next
run, the payload's fields, and a dry run that sends nothing."""

from __future__ import annotations

import json
import re
import socket
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from conftest import Landing, run_nightly_in_process

from hourglass.alerts import copy_log_to_published, deliver, failed_run_payload, load_config
from hourglass.settings import PROJECT_ROOT

SIGNALS = """
    insert into marts.fct_sales_signals values
    ('acc_1', 'bill_shock_risk', date '2026-11-20', 'Projected bill $500 is 5x last month.',
     'Call before the invoice.', 5.0),
    ('acc_2', 'churn_risk', date '2026-11-20', 'Usage fell to 20% of its weekly average.',
     'Check in with the team.', 0.2),
    ('acc_1', 'churn_risk', date '2026-11-19', 'An earlier day: backtest history.',
     'Nothing.', 0.1)
"""


class Webhook:
    """A local HTTP server: records each POSTed JSON body, answers with the next
    status of `statuses` (then 200)."""

    def __init__(self) -> None:
        self.bodies: list[dict] = []
        self.statuses: list[int] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = outer.statuses.pop(0) if outer.statuses else 200
                if status == 200:
                    outer.bodies.append(json.loads(body))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status == 200 else b"boom")

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Mailbox:
    """aiosmtpd handler keeping each message received."""

    def __init__(self) -> None:
        self.messages = []

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content)))
        return "250 OK"


@pytest.fixture
def webhook():
    hook = Webhook()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


@pytest.fixture
def mailbox():
    box = Mailbox()
    with socket.socket() as probe:  # a free port (the Controller cannot start on port 0)
        probe.bind(("127.0.0.1", 0))
        box.port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=box.port)
    controller.start()
    yield box
    controller.stop()


@pytest.fixture
def con(tmp_path):
    """A working database with the two tables alerts read."""
    with duckdb.connect(str(tmp_path / "work.duckdb")) as con:
        con.execute("create schema marts")
        con.execute("create schema intermediate")
        con.execute(
            "create table intermediate.int_reporting_period as "
            "select date '2026-11-20' as as_of_date"
        )
        con.execute(
            """create table marts.fct_sales_signals (account_id varchar, signal_type varchar,
               detected_on date, reason varchar, recommended_action varchar,
               signal_value double)"""
        )
        con.execute(SIGNALS)
        yield con


def write_config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "alerts.yml"
    path.write_text(text)
    return path


def log(con) -> list[tuple]:
    return con.execute(
        "select destination, alert_key, status, run_id from ops.alert_deliveries "
        "order by attempted_at, destination, alert_key"
    ).fetchall()


def test_signals_of_the_day_reach_each_destination_once_across_reruns(
    tmp_path, con, webhook, mailbox, monkeypatch
):
    monkeypatch.setenv("TEST_HOOK_URL", webhook.url)
    config = load_config(
        write_config(
            tmp_path,
            f"""
destinations:
  - {{name: team, type: slack, url: "${{TEST_HOOK_URL}}"}}
  - {{name: crm, type: webhook, url: "${{TEST_HOOK_URL}}"}}
  - name: cs
    type: email
    host: 127.0.0.1
    port: {mailbox.port}
    sender: hourglass@example.com
    to: [cs@example.com]
  - {{name: archive, type: file, path: out/alerts.jsonl}}
""",
        ),
    )
    attempts = deliver(con, config, "run-1")
    # 2 signals detected on as_of_date (not the 2026-11-19 history) x 4 destinations
    assert sorted((a.destination, a.alert_key, a.status) for a in attempts) == [
        (d, k, "delivered")
        for d in ("archive", "crm", "cs", "team")
        for k in ("acc_1/bill_shock_risk/2026-11-20", "acc_2/churn_risk/2026-11-20")
    ]
    slack = [b for b in webhook.bodies if set(b) == {"text"}]
    generic = [b for b in webhook.bodies if "kind" in b]
    assert len(slack) == 2 and len(generic) == 2
    assert slack[0]["text"] == (
        "*bill_shock_risk: account acc_1 on 2026-11-20*\n"
        "Projected bill $500 is 5x last month. Call before the invoice."
    )
    assert generic[0] == {
        "account_id": "acc_1",
        "signal_type": "bill_shock_risk",
        "detected_on": "2026-11-20",
        "reason": "Projected bill $500 is 5x last month.",
        "recommended_action": "Call before the invoice.",
        "signal_value": 5.0,
        "kind": "sales_signal",
        "key": "acc_1/bill_shock_risk/2026-11-20",
        "run_id": "run-1",
        "title": "bill_shock_risk: account acc_1 on 2026-11-20",
        "text": "Projected bill $500 is 5x last month. Call before the invoice.",
    }
    assert [(to, m["Subject"]) for to, m in mailbox.messages] == [
        (["cs@example.com"], "bill_shock_risk: account acc_1 on 2026-11-20"),
        (["cs@example.com"], "churn_risk: account acc_2 on 2026-11-20"),
    ]
    assert "signal_value: 5.0" in mailbox.messages[0][1].get_payload()
    archived = (tmp_path / "out" / "alerts.jsonl").read_text().splitlines()
    assert [json.loads(line)["key"] for line in archived] == [
        "acc_1/bill_shock_risk/2026-11-20",
        "acc_2/churn_risk/2026-11-20",
    ]

    # a re-run (or a retry of the same run) sends nothing again and records nothing
    assert deliver(con, config, "run-1") == []
    assert deliver(con, config, "run-2") == []
    assert len(webhook.bodies) == 4 and len(mailbox.messages) == 2 and len(archived) == 2
    assert con.execute("select count(*) from ops.alert_deliveries").fetchall() == [(8,)]


def test_a_failed_delivery_is_recorded_and_retried_by_the_next_run(tmp_path, con, webhook):
    config = load_config(
        write_config(tmp_path, f"destinations: [{{name: crm, type: webhook, url: {webhook.url}}}]")
    )
    webhook.statuses = [500]  # the first POST fails, the others succeed
    first = deliver(con, config, "run-1")
    assert [(a.alert_key, a.status) for a in first] == [
        ("acc_1/bill_shock_risk/2026-11-20", "failed"),
        ("acc_2/churn_risk/2026-11-20", "delivered"),
    ]
    assert first[0].response.startswith("HTTPError: 500 Server Error")
    # the next run is a day later: the failed alert is retried from its recorded payload
    con.execute("update intermediate.int_reporting_period set as_of_date = date '2026-11-21'")
    second = deliver(con, config, "run-2")
    assert [(a.alert_key, a.status) for a in second] == [
        ("acc_1/bill_shock_risk/2026-11-20", "delivered")
    ]
    assert [b["key"] for b in webhook.bodies] == [
        "acc_2/churn_risk/2026-11-20",
        "acc_1/bill_shock_risk/2026-11-20",
    ]
    assert webhook.bodies[1]["run_id"] == "run-1"  # the payload as first attempted
    assert deliver(con, config, "run-3") == []
    assert log(con) == [
        ("crm", "acc_1/bill_shock_risk/2026-11-20", "failed", "run-1"),
        ("crm", "acc_2/churn_risk/2026-11-20", "delivered", "run-1"),
        ("crm", "acc_1/bill_shock_risk/2026-11-20", "delivered", "run-2"),
    ]


def test_an_unreachable_destination_fails_without_raising(tmp_path, con, webhook):
    webhook.server.shutdown()
    webhook.server.server_close()
    config = load_config(
        write_config(tmp_path, f"destinations: [{{name: crm, type: webhook, url: {webhook.url}}}]")
    )
    attempts = deliver(con, config, "run-1")
    assert [a.status for a in attempts] == ["failed", "failed"]
    assert attempts[0].response.startswith("ConnectionError")


def test_a_failed_run_is_alerted_once(tmp_path, con, webhook):
    config = load_config(
        write_config(tmp_path, f"destinations: [{{name: crm, type: webhook, url: {webhook.url}}}]")
    )
    payload = failed_run_payload("run-9", "nightly", "dbt_build")
    # the failure hook runs for each failed step: the run's alert goes once
    assert [a.alert_key for a in deliver(con, config, "run-9", failed_run=payload)] == [
        "run_failed/run-9"
    ]
    assert deliver(con, config, "run-9", failed_run=payload) == []
    assert webhook.bodies == [payload]
    assert payload["failed_step"] == "dbt_build"


def test_dry_run_writes_what_would_be_sent_and_sends_nothing(tmp_path, con, webhook):
    config = load_config(
        write_config(
            tmp_path,
            f"""
dry_run_file: dry.jsonl
destinations: [{{name: team, type: slack, url: {webhook.url}}}]
""",
        )
    )
    attempts = deliver(con, config, "run-1")
    assert [a.status for a in attempts] == ["dry_run", "dry_run"]
    assert webhook.bodies == []
    written = [json.loads(line) for line in (tmp_path / "dry.jsonl").read_text().splitlines()]
    assert written[1] == {
        "destination": "team",
        "type": "slack",
        "message": {
            "text": "*churn_risk: account acc_2 on 2026-11-20*\n"
            "Usage fell to 20% of its weekly average. Check in with the team."
        },
    }
    # a dry run does not count as delivered: switched off, the alerts are sent
    config.dry_run_file = None
    assert [a.status for a in deliver(con, config, "run-2")] == ["delivered", "delivered"]


def test_the_log_reaches_the_published_file(tmp_path, con):
    config = load_config(
        write_config(tmp_path, "destinations: [{name: archive, type: file, path: a.jsonl}]")
    )
    published = tmp_path / "warehouse.duckdb"
    assert copy_log_to_published(con, published) is False  # nothing published yet
    duckdb.connect(str(published)).close()
    deliver(con, config, "run-1")
    assert copy_log_to_published(con, published) is True
    with duckdb.connect(str(published), read_only=True) as copy:
        assert copy.execute(
            "select destination, alert_key, status, run_id from ops.alert_deliveries "
            "order by alert_key"
        ).fetchall() == [
            ("archive", "acc_1/bill_shock_risk/2026-11-20", "delivered", "run-1"),
            ("archive", "acc_2/churn_risk/2026-11-20", "delivered", "run-1"),
        ]
    assert [p.name for p in tmp_path.glob("warehouse.duckdb*")] == ["warehouse.duckdb"]


def test_a_bad_configuration_names_the_file_and_the_field(tmp_path):
    path = write_config(
        tmp_path,
        "destinations:\n  - {name: x, type: email, host: h, sender: a@b.c, to: []}\n"
        "  - {name: x, type: file, path: f.jsonl}\n",
    )
    with pytest.raises(ValueError, match=r"alerts\.yml: invalid alerts configuration") as error:
        load_config(path)
    assert "to" in str(error.value) and "at least 1 item" in str(error.value)
    path.write_text("destinations: [{name: x, type: pager, url: u}]")
    with pytest.raises(ValueError, match="does not match any of the expected tags"):
        load_config(path)


def test_the_guides_example_configuration_loads(tmp_path, monkeypatch):
    guide = (PROJECT_ROOT / "docs" / "customer_success_guide.md").read_text()
    example = re.search(r"## Alerts.*?```yaml\n(.*?)```", guide, re.S).group(1)
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T/B/X")
    monkeypatch.setenv("CRM_TOKEN", "t0k")
    config = load_config(write_config(tmp_path, example))
    assert [(d.name, d.type) for d in config.destinations] == [
        ("sales-channel", "slack"),
        ("crm", "webhook"),
        ("cs-team", "email"),
        ("archive", "file"),
    ]
    assert config.destinations[0].url == "https://hooks.slack.com/services/T/B/X"
    assert config.destinations[1].headers == {"Authorization": "Bearer t0k"}
    assert config.destinations[3].path == tmp_path / "alerts.jsonl"


def _landing_with_a_support_risk(root: Path) -> None:
    """acc_a opens three tickets in the week ending 2026-11-20 (as_of_date, the day
    of the last request): a support_risk that day, and no other signal."""
    landing = Landing(root)
    landing.csv(
        "signups/s.csv",
        "developer_id,account_id,signed_up_at,plan_id\nd1,acc_a,2026-11-18T09:00:00Z,developer\n",
    )
    landing.csv(
        "applications/a.csv", "app_id,developer_id,created_at\napp1,d1,2026-11-18T10:00:00Z\n"
    )
    landing.csv(
        "api_logs/r.csv",
        "request_id,requested_at,app_id,environment,method,path,status_code\n"
        "r1,2026-11-19T10:00:00Z,app1,production,GET,/v1/hello,200\n"
        "r2,2026-11-20T10:00:00Z,app1,production,GET,/v1/hello,200\n",
    )
    landing.csv(
        "support_tickets/t.csv",
        "ticket_id,account_id,created_at,updated_at,status\n"
        + "".join(
            f"t{n},acc_a,2026-11-{day}T08:00:00Z,2026-11-{day}T08:00:00Z,open\n"
            for n, day in enumerate((18, 19, 20))
        ),
    )


def test_the_nightly_job_delivers_a_signal_once_across_a_rerun(
    dbt_manifest, warehouse_env, tmp_path, webhook, monkeypatch
):
    from dagster import AssetKey

    from orchestration.definitions import defs

    # the alerts go out after publishing, and publishing waits for the growth pictures
    graph = defs.resolve_asset_graph()
    assert (
        AssetKey(["reports", "growth"])
        in graph.get(AssetKey(["published", "warehouse"])).parent_keys
    )
    assert (
        AssetKey(["published", "warehouse"])
        in graph.get(AssetKey(["alerts", "delivered"])).parent_keys
    )

    landing_dir, work = warehouse_env
    _landing_with_a_support_risk(landing_dir)
    config = write_config(
        tmp_path,
        f"destinations:\n  - {{name: crm, type: webhook, url: '{webhook.url}'}}\n"
        "  - {name: archive, type: file, path: alerts.jsonl}\n",
    )
    monkeypatch.setenv("HOURGLASS_ALERTS_CONFIG", str(config))
    key = "acc_a/support_risk/2026-11-20"

    assert run_nightly_in_process().success
    archived = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    assert [(a["key"], a["signal_type"], a["reason"]) for a in archived] == [
        (key, "support_risk", "3 tickets opened in the last 7 days.")
    ]
    assert [b["key"] for b in webhook.bodies] == [key]

    assert run_nightly_in_process().success  # a re-run: nothing new is sent
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 1
    assert len(webhook.bodies) == 1
    with duckdb.connect(str(work.parent.parent / "published.duckdb"), read_only=True) as published:
        assert published.execute(
            "select destination, alert_key, status from ops.alert_deliveries order by 1"
        ).fetchall() == [("archive", key, "delivered"), ("crm", key, "delivered")]
