"""The README's commands, as printed, from a clean clone with no activated
virtualenv: the demo, your own landing files, the Dagster UI and the queries.

What differs from a user's machine, and why:
- the clone's `.venv` is made in seconds instead of by `pip install` (minutes):
  a venv whose site-packages point at this test run's packages, with the clone
  itself on the path and the console scripts the README calls. The install line
  is checked to be the one the README prints; CI runs the same `pip install`
  line (with `[dev]`) from a clean clone, so the install itself is covered there;
- "/path/to/" in the own-landing block is a temporary folder, holding a small
  generated landing zone;
- `dagster dev` gets `-p <a free port>`, so it cannot collide with another server;
- the duckdb CLI is not installed here: the SQL of its line runs through the
  Python client instead, against the same file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import duckdb
import pytest

from hourglass.settings import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text()
INSTALL = "python3.11 -m venv .venv && .venv/bin/pip install -q -c constraints.txt -e ."
SCRIPTS = ("dagster", "dagster-dbt", "dagster-webserver", "dagster-daemon", "dbt", "hourglass")


def block_after(marker: str) -> str:
    """The first code block after `marker` in the README."""
    found = re.search(re.escape(marker) + r".*?```[a-z]*\n(.*?)```", README, re.S)
    assert found, f"no code block after {marker!r} in the README"
    return found.group(1).strip()


def _clean_environment(home: Path) -> dict[str, str]:
    """This process's environment without any Hourglass or Dagster setting and
    without a virtualenv on PATH, as a user's fresh shell has it."""
    venv = str(Path(sys.executable).parent)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HOURGLASS_", "DAGSTER_", "DBT_")) and k != "VIRTUAL_ENV"
    }
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv)
    env["HOME"] = str(home)
    return env


def _fast_venv(clone: Path) -> None:
    """`.venv` in the clone, using this run's installed packages (see the module doc)."""
    subprocess.run(["python3.11", "-m", "venv", "--without-pip", ".venv"], cwd=clone, check=True)
    packages = next((clone / ".venv" / "lib").glob("python3.*/site-packages"))
    # the clone first, so its hourglass and orchestration are the ones imported
    (packages / "_readme_test.pth").write_text(f"{clone}\n{sysconfig.get_paths()['purelib']}\n")
    python = clone / ".venv" / "bin" / "python"
    for name in SCRIPTS:
        original = Path(sys.executable).parent / name
        body = original.read_text().split("\n", 1)[1]
        script = clone / ".venv" / "bin" / name
        script.write_text(f"#!{python}\n{body}")
        script.chmod(0o755)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _location_loaded(port: int) -> str | None:
    """The code location's state from the webserver's GraphQL: "LOADED" when it
    loaded, the error when it failed, None while the server is not up."""
    query = (
        "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
        "locationOrLoadError { __typename ... on PythonError { message } } } } } }"
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            entries = json.load(response)["data"]["workspaceOrError"]["locationEntries"]
    except OSError:
        return None
    for entry in entries:
        loaded = entry["locationOrLoadError"]
        if loaded and loaded["__typename"] == "PythonError":
            return loaded["message"]
        if entry["loadStatus"] == "LOADED" and loaded:
            return "LOADED"
    return None


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("readme")
    subprocess.run(["git", "clone", "-q", str(PROJECT_ROOT), str(root / "hourglass")], check=True)
    return root / "hourglass"


def _bash(script: str, clone: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=clone,
        env=_clean_environment(clone.parent),
        text=True,
        capture_output=True,
        **kwargs,
    )


def test_readme_commands_work_as_printed(clone):
    # the demo: set up (see the module doc), generate, run, summary
    demo = block_after("<!-- demo-command -->")
    assert demo.startswith(INSTALL + " && "), demo
    _fast_venv(clone)
    run = _bash(demo.removeprefix(INSTALL + " && "), clone, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    output = run.stdout
    published = clone / "data" / "warehouse.duckdb"
    assert f"Published warehouse (open it read-only): {published}" in output
    # a line per step plus the summary, not the run's log
    assert len(output.splitlines()) < 80, output
    assert "full log:" in output and (clone / "data" / "logs" / "nightly.log").exists()
    checks = dict(re.findall(r"^ {4}(\w[\w ]+?)\s+(\d+ / \d+ / \d+)$", output, re.M))
    assert {"reject_rate", "row_conservation", "freshness", "dbt tests"} <= checks.keys()
    assert all(result.endswith("/ 0 / 0") for result in checks.values()), checks  # all green

    # the Python query snippet, then the duckdb CLI line's SQL
    python_snippet = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    query = subprocess.run(
        [str(clone / ".venv" / "bin" / "python"), "-c", python_snippet],
        cwd=clone,
        env=_clean_environment(clone.parent),
        capture_output=True,
        text=True,
    )
    assert query.returncode == 0, query.stderr
    assert "fct_api_usage_daily" not in query.stderr and "date_day" in query.stdout
    cli_sql = re.search(r'duckdb -readonly data/warehouse.duckdb "(.*?)"', README).group(1)
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute(cli_sql).fetchall()

    # your own landing files: a small landing zone where the README says /path/to/
    own = clone.parent / "own"
    subprocess.run(
        [str(clone / ".venv/bin/hourglass"), "generate", "--out", str(own / "landing")]
        + ["--days", "10", "--requests-per-day", "300", "--accounts", "20"],
        cwd=clone,
        env=_clean_environment(clone.parent),
        check=True,
        capture_output=True,
    )
    own_block = block_after("<!-- own-landing-commands -->")
    assert "/path/to/" in own_block
    run = _bash(own_block.replace("/path/to/", f"{own}/"), clone, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    with duckdb.connect(str(own / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.dim_accounts").fetchall() == [(20,)]

    # the UI: start it as the README does, until the code location has loaded
    ui = block_after("<!-- ui-command -->")
    assert ui.endswith(".venv/bin/dagster dev"), ui
    port = _free_port()
    server = subprocess.Popen(
        ["bash", "-euo", "pipefail", "-c", f"{ui} -p {port}"],
        cwd=clone,
        env=_clean_environment(clone.parent),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline, state = time.monotonic() + 300, None
        while state is None and time.monotonic() < deadline and server.poll() is None:
            time.sleep(2)
            state = _location_loaded(port)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert state == "LOADED"
    shutil.rmtree(clone / "data" / "landing")  # the big part, not needed any more


def test_every_demo_option_has_help_text(capsys):
    from hourglass.cli import main

    with pytest.raises(SystemExit):
        main(["demo", "--help"])
    options = capsys.readouterr().out.split("options:")[1]
    # each option starts a line; its help follows on that line or the next
    entries = re.findall(r"^  (-[^\n]*)\n((?: {20,}.*\n)*)", options, re.M)
    assert len(entries) == 7
    for heading, continued in entries:
        assert re.search(r"\S\s{2,}\S", heading) or continued.strip(), heading
