"""The dbt side of the landing schema agrees with hourglass/contract.py, its one
declaration: every landing source is a dbt source, and every staging
accepted_values test on a landed column lists exactly the values the loader
accepts for it (the loader rejects the others)."""

from __future__ import annotations

import json

from hourglass.contract import SOURCES

# raw tables the loaders write for their own bookkeeping, which dbt reads
LOADER_TABLES = {"changed_days"}


def schema_problems(manifest: dict) -> list[str]:
    """Where the manifest's sources and staging tests differ from the contract, as sentences."""
    declared = {s["name"] for s in manifest["sources"].values() if s["source_name"] == "raw"}
    expected = set(SOURCES) | LOADER_TABLES
    problems = [f"raw.{name} is not a dbt source" for name in sorted(expected - declared)]
    problems += [f"raw.{name} is not in the contract" for name in sorted(declared - expected)]
    nodes = {**manifest["nodes"], **manifest["sources"]}
    for test in manifest["nodes"].values():
        if (test.get("test_metadata") or {}).get("name") != "accepted_values":
            continue
        model = nodes[test["attached_node"]]
        parents = model.get("depends_on", {}).get("nodes", [])
        sources = [nodes[p]["name"] for p in parents if p.startswith("source.")]
        if len(sources) != 1 or sources[0] not in SOURCES:
            continue
        columns = {c.name: c for c in SOURCES[sources[0]].columns}
        column = columns.get(test["column_name"])
        if column is None or column.allowed is None:
            continue
        values = test["test_metadata"]["kwargs"]["values"]
        if sorted(values) != sorted(column.allowed):
            problems.append(
                f"{model['name']}.{column.name} accepts {sorted(values)}, "
                f"the contract {sorted(column.allowed)}"
            )
    return problems


def test_sources_and_accepted_values_follow_the_contract(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    assert schema_problems(manifest) == []
    checked = [
        n
        for n in manifest["nodes"].values()
        if (n.get("test_metadata") or {}).get("name") == "accepted_values"
        and n["attached_node"].startswith("model.hourglass.stg_")
    ]
    assert len(checked) >= 5


def test_a_difference_is_named(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    for node in manifest["nodes"].values():
        if (node.get("test_metadata") or {}).get("name") == "accepted_values" and node[
            "column_name"
        ] == "priority":
            node["test_metadata"]["kwargs"]["values"] = ["low", "high"]
    manifest["sources"]["source.hourglass.raw.extra"] = {"name": "extra", "source_name": "raw"}
    assert schema_problems(manifest) == [
        "raw.extra is not in the contract",
        "stg_support__tickets.priority accepts ['high', 'low'], "
        "the contract ['high', 'low', 'normal', 'urgent']",
    ]
