"""The dbt graph flows one way: sources -> staging -> intermediate -> marts.

The rules are dbt-project-evaluator's modeling rules plus the structure guide's
"intermediate models never read marts":
- only staging models read sources (evaluator: direct join to source,
  downstream models dependent on source);
- a staging model reads exactly one source and no other model; seeds are
  lookups it may use (evaluator: staging dependent on staging or on downstream
  models, multiple sources joined);
- a source has exactly one reader (evaluator: source fanout);
- an intermediate model reads staging, intermediate models and seeds, never a mart.
Marts may read staging, intermediate, other marts and seeds, as the evaluator allows,
and snapshots (the history of a mart, e.g. the monthly bills as each run saw them).
"""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

LAYERS = ("staging", "intermediate", "marts")
# what each layer may read, besides seeds
ALLOWED_PARENTS = {
    "staging": {"source"},
    "intermediate": {"staging", "intermediate"},
    "marts": {"staging", "intermediate", "marts", "snapshot"},
}


def _kind(node: dict) -> str:
    """source, seed, snapshot, or the model's layer (its first folder under models/)."""
    if node["resource_type"] in ("source", "seed", "snapshot"):
        return node["resource_type"]
    layer = node["original_file_path"].split("/")[1]
    if layer not in LAYERS:
        raise AssertionError(f"{node['original_file_path']} is outside {LAYERS}")
    return layer


def forbidden_edges(manifest: dict) -> list[str]:
    """Every edge of the model graph that breaks a rule above, as a sentence."""
    nodes = {**manifest["nodes"], **manifest["sources"]}
    problems = []
    readers = defaultdict(list)
    for node in manifest["nodes"].values():
        if node["resource_type"] != "model":
            continue
        kind = _kind(node)
        parents = [nodes[p] for p in node["depends_on"]["nodes"]]
        sources = [p for p in parents if p["resource_type"] == "source"]
        for parent in sources:
            readers[parent["unique_id"]].append(node["name"])
        for parent in parents:
            parent_kind = _kind(parent)
            if parent_kind != "seed" and parent_kind not in ALLOWED_PARENTS[kind]:
                problems.append(f"{kind} {node['name']} reads {parent_kind} {parent['name']}")
        if kind == "staging" and len(sources) != 1:
            names = sorted(p["name"] for p in sources)
            problems.append(f"staging {node['name']} reads {len(sources)} sources {names}")
    for source, names in readers.items():
        if len(names) > 1:
            problems.append(f"source {source} is read by {len(names)} models {sorted(names)}")
    return sorted(problems)


@pytest.fixture(scope="module")
def manifest(dbt_manifest):
    return json.loads(dbt_manifest.read_text())


def test_the_graph_has_no_forbidden_edge(manifest):
    assert forbidden_edges(manifest) == []


def test_every_rule_names_the_edge_it_forbids():
    """A hand-made graph with one edge of each forbidden kind."""

    def node(kind: str, name: str, *parents: str) -> dict:
        if kind in ("source", "seed"):
            return {"unique_id": name, "name": name, "resource_type": kind}
        return {
            "unique_id": name,
            "name": name,
            "resource_type": "model",
            "original_file_path": f"models/{kind}/{name}.sql",
            "depends_on": {"nodes": list(parents)},
        }

    graph = [
        node("source", "raw.a"),
        node("source", "raw.b"),
        node("seed", "plans"),
        node("staging", "stg_a", "raw.a", "plans"),
        node("staging", "stg_ab", "raw.a", "raw.b"),
        node("staging", "stg_on_stg", "stg_a"),
        node("intermediate", "int_x", "stg_a", "fct_y"),
        node("marts", "fct_y", "int_x", "stg_a"),
        node("marts", "fct_z", "fct_y", "raw.b"),
    ]
    manifest = {
        "nodes": {n["unique_id"]: n for n in graph if n["resource_type"] != "source"},
        "sources": {n["unique_id"]: n for n in graph if n["resource_type"] == "source"},
    }
    assert forbidden_edges(manifest) == [
        "intermediate int_x reads marts fct_y",
        "marts fct_z reads source raw.b",
        "source raw.a is read by 2 models ['stg_a', 'stg_ab']",
        "source raw.b is read by 2 models ['fct_z', 'stg_ab']",
        "staging stg_ab reads 2 sources ['raw.a', 'raw.b']",
        "staging stg_on_stg reads 0 sources []",
        "staging stg_on_stg reads staging stg_a",
    ]
