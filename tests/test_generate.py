"""The demo generator: deterministic, every source and every kind of mess present."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import duckdb
import pytest

from hourglass.cli import main
from hourglass.generate import MARKER, DemoConfig, generate


def _digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


SMALL = {"days": 21, "requests_per_day": 800, "accounts": 60}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    out = tmp_path_factory.mktemp("gen") / "landing"
    counts = generate(DemoConfig(out=out, seed=3, **SMALL))
    return out, counts


def test_same_seed_writes_identical_files(demo, tmp_path):
    out, _ = demo
    again = tmp_path / "again"
    generate(DemoConfig(out=again, seed=3, **SMALL))
    assert _digests(again) == _digests(out)


def test_generate_command_at_its_defaults_writes_identical_files(tmp_path, capsys):
    """Two `hourglass generate` runs with the defaults: every file byte for byte the
    same (DuckDB's parallel partitioned writes once shuffled rows between runs)."""
    assert main(["generate", "--out", str(tmp_path / "first")]) == 0
    assert main(["generate", "--out", str(tmp_path / "second")]) == 0
    first, second = _digests(tmp_path / "first"), _digests(tmp_path / "second")
    assert len(first) > 150  # a folder per day of api_logs and support_tickets, and more
    assert first == second


def test_another_seed_writes_other_data(demo, tmp_path):
    out, _ = demo
    other = tmp_path / "other"
    generate(DemoConfig(out=other, seed=4, **SMALL))
    first, second = _digests(out), _digests(other)
    shared = set(first) & set(second)
    assert any(first[name] != second[name] for name in shared if name != MARKER)


def test_every_source_and_format_is_written(demo):
    out, counts = demo
    assert set(counts) == {
        "signups",
        "applications",
        "api_logs",
        "support_tickets",
        "community_events",
        "program_events",
        "subscriptions",
        "credit_grants",
    }
    assert all(counts[name] > 0 for name in counts)
    suffixes = {"".join(p.suffixes[-2:]) for p in (out / "api_logs").rglob("requests*")}
    assert suffixes == {".csv.gz", ".jsonl.gz", ".parquet"}
    assert list((out / "support_tickets").rglob("*.ndjson"))
    assert list((out / "community_events").rglob("*.jsonl.gz"))
    assert list((out / "applications").rglob("*.parquet"))


def test_requests_follow_the_requested_volume_with_weekly_seasonality(demo):
    out, counts = demo
    logs = f"{out}/api_logs/**"
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    daily = dict(
        con.execute(
            f"""select isodow(day) >= 6, avg(n) from (
                select cast(requested_at as date) as day, count(*) as n from (
                    select requested_at from read_parquet('{logs}/requests*.parquet')
                    union all
                    select requested_at from read_csv('{logs}/requests*.csv.gz', header = true,
                        ignore_errors = true)
                    union all
                    select requested_at from read_json('{logs}/requests*.jsonl.gz')
                ) group by all
            ) group by 1"""
        ).fetchall()
    )
    # requested_at is read back as a zoned timestamp: days are UTC days
    assert 500 < daily[False] < 1100
    assert daily[True] < 0.75 * daily[False]  # weekends are quieter
    assert counts["api_logs"] == pytest.approx(21 * 800, rel=0.2)


def test_the_mess_real_landing_zones_have_is_there(demo):
    out, _ = demo
    api_logs = out / "api_logs"
    late = list(api_logs.rglob("late-delivery-*.jsonl"))
    assert len(late) == 1 and late[0].parent.name == "date=2026-11-20"
    assert (api_logs / "date=2026-11-10" / "export-retry.parquet").read_bytes().startswith(b"PAR1")
    assert (api_logs / "README.txt").exists()
    con = duckdb.connect()
    repeated = con.execute(
        f"""select count(*) - count(distinct request_id)
            from read_parquet('{api_logs}/**/requests*.parquet')"""
    ).fetchall()[0][0]
    assert repeated > 0
    several_rows = con.execute(
        f"""select count(*) from (select ticket_id from read_csv('{out}/support_tickets/**/*.csv')
            group by 1 having count(*) > 1)"""
    ).fetchall()[0][0]
    assert several_rows > 0
    end_users = con.execute(
        f"select count(end_user_id) from read_parquet('{api_logs}/**/requests*.parquet')"
    ).fetchall()[0][0]
    assert end_users > 0


def test_credits_of_every_kind(demo):
    out, counts = demo
    con = duckdb.connect()
    con.execute("set TimeZone = 'UTC'")
    grants = f"read_csv('{out}/credit_grants/*.csv', header = true)"
    kinds = con.execute(
        f"""select regexp_extract(grant_id, '_([a-z_]+)$', 1) as kind, count(*),
                count(expires_at), bool_and(expires_at is null
                    or expires_at = date_trunc('month', expires_at) or kind = 'top_up')
            from {grants} group by 1 order by 1"""
    ).fetchall()
    assert [k for k, *_ in kinds] == ["expiring", "top_up", "welcome"]
    # welcome credits never expire; expiring ones end at 00:00 on a 1st
    assert all(expiring == (k != "welcome") * n and on_first for k, n, expiring, on_first in kinds)
    assert counts["credit_grants"] == sum(n for _, n, *_ in kinds)
    repeated = con.execute(f"select count(*) - count(distinct grant_id) from {grants}").fetchall()[
        0
    ][0]
    assert repeated == 1


def test_never_overwrites_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "mine.csv").write_text("precious")
    with pytest.raises(FileExistsError, match="did not write"):
        generate(DemoConfig(out=tmp_path, days=3, requests_per_day=10, accounts=3))
    assert (tmp_path / "mine.csv").read_text() == "precious"


def test_end_date_is_the_last_day_of_requests(tmp_path):
    generate(
        DemoConfig(
            out=tmp_path / "l",
            days=5,
            requests_per_day=200,
            accounts=10,
            end_date=dt.date(2026, 3, 31),
            log_format="parquet",
        )
    )
    folders = sorted(p.name for p in (tmp_path / "l" / "api_logs").iterdir() if p.is_dir())
    assert folders[-1] == "date=2026-03-31"
    assert all("date=2026-03-27" <= f <= "date=2026-03-31" for f in folders)
