"""Alerts: new sales signals and failed runs delivered where people work
(docs/customer_success_guide.md, "Alerts").

Destinations are declared in one YAML file (the HOURGLASS_ALERTS_CONFIG
setting), validated by `AlertsConfig`: Slack incoming webhooks, generic JSON
webhooks (HTTP through `requests`), e-mail (the standard library's smtplib) and
files (JSON lines). `${VARIABLE}` in the file is replaced from the environment,
so secrets stay out of it.

Every attempt is a row of `ops.alert_deliveries` (destination, alert_key,
attempted_at, status, response, run_id, payload). An alert is sent to a
destination until one attempt is `delivered`, never after: re-runs and retries
send nothing twice, and a `failed` attempt is sent again (from its recorded
payload) by the next run, whatever its as_of_date. With `dry_run_file` set,
nothing is sent: what would be sent is appended to that file (status `dry_run`).
This module knows nothing of Dagster.
"""

from __future__ import annotations

import json
import os
import shutil
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Annotated, Literal

import duckdb
import requests
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from hourglass.publish import _fsync
from hourglass.sql import sql_literal

LOG_TABLE = "ops.alert_deliveries"


class _Destination(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str  # part of the delivery key: renaming a destination sends everything again


class SlackDestination(_Destination):
    """A Slack incoming webhook: a POST of {"text": ...}."""

    type: Literal["slack"]
    url: str


class WebhookDestination(_Destination):
    """Any HTTP endpoint: a POST of the alert's JSON payload."""

    type: Literal["webhook"]
    url: str
    headers: dict[str, str] = {}


class EmailDestination(_Destination):
    """An SMTP server; one message per alert to every address of `to`."""

    type: Literal["email"]
    host: str
    port: int = 25
    sender: str
    to: list[str] = Field(min_length=1)
    username: str | None = None
    password: str | None = None
    starttls: bool = False


class FileDestination(_Destination):
    """A file the payloads are appended to, one JSON object a line."""

    type: Literal["file"]
    path: Path


Destination = Annotated[
    SlackDestination | WebhookDestination | EmailDestination | FileDestination,
    Field(discriminator="type"),
]


class AlertsConfig(BaseModel):
    """The alerts YAML file: `destinations`, optional `dry_run_file` and
    `timeout_seconds` (per HTTP request or SMTP session)."""

    model_config = ConfigDict(extra="forbid")
    destinations: list[Destination]
    dry_run_file: Path | None = None
    timeout_seconds: float = 10.0

    @model_validator(mode="after")
    def _names_are_unique(self) -> AlertsConfig:
        names = [d.name for d in self.destinations]
        if duplicated := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"destination names must be unique: {', '.join(duplicated)}")
        return self


def load_config(path: Path) -> AlertsConfig:
    """The alerts configuration of `path`; relative file paths in it are relative
    to its folder. Raises ValueError naming the file and what is wrong."""
    try:
        data = yaml.safe_load(os.path.expandvars(path.read_text()))
        config = AlertsConfig.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{path}: invalid alerts configuration: {error}") from None
    folder = path.resolve().parent
    for destination in config.destinations:
        if isinstance(destination, FileDestination):
            destination.path = folder / destination.path
    if config.dry_run_file is not None:
        config.dry_run_file = folder / config.dry_run_file
    return config


@dataclass(frozen=True)
class Attempt:
    """One delivery attempt, as recorded in ops.alert_deliveries."""

    destination: str
    alert_key: str
    status: str  # delivered | failed | dry_run
    response: str
    payload: dict


def _create_log(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists ops")
    con.execute(
        f"""create table if not exists {LOG_TABLE} (
            destination varchar, alert_key varchar, attempted_at timestamptz, status varchar,
            response varchar, run_id varchar, payload json)"""
    )


def _signal_alerts(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """The signals detected on as_of_date into the temp table new_alerts."""
    con.execute(
        """insert into new_alerts
        select s.account_id || '/' || s.signal_type || '/' || s.detected_on,
            json_merge_patch(to_json(s), json_object(
                'kind', 'sales_signal',
                'key', s.account_id || '/' || s.signal_type || '/' || s.detected_on,
                'run_id', ?,
                'title', s.signal_type || ': account ' || s.account_id
                    || ' on ' || s.detected_on,
                'text', s.reason || ' ' || s.recommended_action))
        from marts.fct_sales_signals as s
        where s.detected_on = (select max(as_of_date) from intermediate.int_reporting_period)""",
        [run_id],
    )


def failed_run_payload(run_id: str, job_name: str, step: str) -> dict:
    """The alert of a failed run (key run_failed/<run_id>: one per run)."""
    return {
        "kind": "run_failed",
        "key": f"run_failed/{run_id}",
        "run_id": run_id,
        "job_name": job_name,
        "failed_step": step,
        "title": f"Hourglass run {run_id} ({job_name}) failed",
        "text": f"Step {step} failed; nothing was published, the last version stays.",
    }


def _pending(con: duckdb.DuckDBPyConnection, names: list[str]) -> list[tuple[str, str, str]]:
    """(destination, key, payload) of new_alerts and earlier failed attempts, for
    every configured destination that has not had them delivered."""
    return con.execute(
        f"""with candidates as (
                select d.name as destination, n.alert_key, n.payload, 0 as earlier
                from new_alerts as n cross join unnest(?::varchar[]) as d(name)
                union all
                select destination, alert_key, payload, 1 from {LOG_TABLE}
                where status = 'failed' and list_contains(?::varchar[], destination)
            )
            select destination, alert_key, any_value(payload order by earlier)::varchar
            from candidates as c
            where not exists (
                select 1 from {LOG_TABLE} as l
                where l.destination = c.destination and l.alert_key = c.alert_key
                  and l.status = 'delivered')
            group by destination, alert_key
            order by destination, alert_key""",
        [names, names],
    ).fetchall()


def _as_text(payload: dict) -> str:
    details = "\n".join(
        f"{k}: {v}" for k, v in payload.items() if k not in ("title", "text") and v is not None
    )
    return f"{payload['text']}\n\n{details}\n"


def _message(destination: Destination, payload: dict) -> dict | EmailMessage:
    """What `destination` is sent for `payload`."""
    if isinstance(destination, SlackDestination):
        return {"text": f"*{payload['title']}*\n{payload['text']}"}
    if isinstance(destination, EmailDestination):
        message = EmailMessage()
        message["Subject"] = payload["title"]
        message["From"] = destination.sender
        message["To"] = ", ".join(destination.to)
        message.set_content(_as_text(payload))
        return message
    return payload


def _send(destination: Destination, message: dict | EmailMessage, timeout: float) -> str:
    """Send one message; returns the response, raises on failure."""
    if isinstance(destination, SlackDestination | WebhookDestination):
        headers = getattr(destination, "headers", {})
        response = requests.post(destination.url, json=message, headers=headers, timeout=timeout)
        response.raise_for_status()
        return f"{response.status_code} {response.text[:500]}"
    if isinstance(destination, EmailDestination):
        with smtplib.SMTP(destination.host, destination.port, timeout=timeout) as smtp:
            if destination.starttls:
                smtp.starttls()
            if destination.username:
                smtp.login(destination.username, destination.password or "")
            refused = smtp.send_message(message)
        return f"sent to {', '.join(r for r in destination.to if r not in refused)}"
    destination.path.parent.mkdir(parents=True, exist_ok=True)
    with destination.path.open("a") as file:
        file.write(json.dumps(message, default=str) + "\n")
    return f"appended to {destination.path}"


def deliver(
    con: duckdb.DuckDBPyConnection,
    config: AlertsConfig,
    run_id: str,
    failed_run: dict | None = None,
) -> list[Attempt]:
    """Deliver this run's alerts and retry earlier failed ones; record every attempt
    in ops.alert_deliveries of `con` (the working database).

    The run's alerts are the `fct_sales_signals` rows detected on as_of_date or,
    when `failed_run` (a `failed_run_payload`) is given, that alert alone. A
    failing destination never raises: its attempt is recorded as failed with the
    error as the response."""
    _create_log(con)
    con.execute("create or replace temp table new_alerts (alert_key varchar, payload json)")
    if failed_run is None:
        _signal_alerts(con, run_id)
    else:
        con.execute(
            "insert into new_alerts values (?, ?)", [failed_run["key"], json.dumps(failed_run)]
        )
    by_name = {d.name: d for d in config.destinations}
    attempts = []
    for name, key, text in _pending(con, list(by_name)):
        destination, payload = by_name[name], json.loads(text)
        message = _message(destination, payload)
        if config.dry_run_file is not None:
            config.dry_run_file.parent.mkdir(parents=True, exist_ok=True)
            with config.dry_run_file.open("a") as file:
                sent = message.as_string() if isinstance(message, EmailMessage) else message
                record = {"destination": name, "type": destination.type, "message": sent}
                file.write(json.dumps(record, default=str) + "\n")
            status, response = "dry_run", f"written to {config.dry_run_file}"
        else:
            try:
                status, response = "delivered", _send(destination, message, config.timeout_seconds)
            except (OSError, smtplib.SMTPException, requests.RequestException) as error:
                status, response = "failed", f"{type(error).__name__}: {error}"[:1000]
        attempts.append(Attempt(name, key, status, response, payload))
        con.execute(
            f"insert into {LOG_TABLE} values (?, ?, now(), ?, ?, ?, ?)",
            [name, key, status, response, run_id, text],
        )
    con.execute("drop table new_alerts")
    return attempts


def copy_log_to_published(con: duckdb.DuckDBPyConnection, published_path: Path) -> bool:
    """Replace the delivery log of the published file by the working database's
    (`con`), atomically: a copy of the file is changed, then moved over it, so
    readers never see a locked or half-written file. Returns False (nothing done)
    when nothing is published yet; the next publish copies the log then."""
    if not published_path.exists():
        return False
    temporary = published_path.with_name(f"{published_path.name}.alerts-{os.getpid()}")
    shutil.copyfile(published_path, temporary)
    try:
        con.execute(f"attach {sql_literal(str(temporary))} as published_copy")
        try:
            con.execute("create schema if not exists published_copy.ops")
            con.execute(
                f"create or replace table published_copy.{LOG_TABLE} as select * from {LOG_TABLE}"
            )
            con.execute("checkpoint published_copy")
        finally:
            con.execute("detach published_copy")
        _fsync(temporary)
        os.replace(temporary, published_path)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync(published_path.parent)
    return True
