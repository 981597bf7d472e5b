"""The documentation runs: the guides' example SQL and dbt docs generate."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from hourglass.settings import PROJECT_ROOT

GUIDES = sorted((PROJECT_ROOT / "docs").glob("*.md"))


def _examples() -> list[tuple[str, str]]:
    return [
        (f"{guide.name}#{number}", sql)
        for guide in GUIDES
        for number, sql in enumerate(re.findall(r"```sql\n(.*?)```", guide.read_text(), re.S))
    ]


@pytest.mark.parametrize(("where", "sql"), _examples(), ids=[w for w, _ in _examples()])
def test_guide_examples_run_and_return_rows(demo_warehouse, where, sql):
    # analysts and BI tools query the published file
    con = duckdb.connect(str(demo_warehouse.published), read_only=True)
    rows = con.execute(sql).fetchall()
    assert rows, f"{where} returned no rows"


def test_dbt_docs_generate_documents_every_mart(demo_warehouse, tmp_path):
    env = {**os.environ, **demo_warehouse.environment()}
    target = tmp_path / "target"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "docs",
            "generate",
            "--quiet",
            "--target-path",
            str(target),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        check=True,
    )
    import json

    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    marts = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "marts"
    ]
    assert len(marts) >= 17
    for node in marts:
        assert node["description"], node["name"]
        built = catalog["nodes"][node["unique_id"]]["columns"]
        undocumented = [c for c in built if not node["columns"].get(c, {}).get("description")]
        assert undocumented == [], node["name"]


def test_readme_links_resolve():
    readme = (PROJECT_ROOT / "README.md").read_text()
    targets = re.findall(r"\]\(([^)#\s]+)[^)]*\)", readme)
    local = [t for t in targets if not re.match(r"[a-z]+:", t)]
    assert "docs/metrics.md" in local
    assert [t for t in local if not (PROJECT_ROOT / t).exists()] == []
    assert [t for t in local if t.startswith("..")] == []  # nothing outside the repository


def test_no_file_refers_to_a_document_outside_the_repository():
    # the repository documents itself (docs/, README.md): a user who clones it has
    # none of the project's working notes, so no file may point at them
    outside = re.compile(rb"CONTRACT\.md|\.\./shared")
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    files = [PROJECT_ROOT / os.fsdecode(name) for name in tracked if name]
    assert len(files) > 100
    offenders = [
        str(path.relative_to(PROJECT_ROOT))
        for path in files
        if path.is_file() and outside.search(path.read_bytes())
    ]
    assert offenders == []
