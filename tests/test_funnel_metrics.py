"""The funnel's metrics are declared once: each layer model's SQL and YAML.

The layer models enforce their dbt contract (a column in the SQL and not in the
YAML, or the reverse, fails the build naming it); fct_funnel_daily and its
singular test take the metrics from the YAML (macros/funnel.sql). The analyst
guide's table of layers is checked here against the same YAML.
"""

from __future__ import annotations

import json
import re

from hourglass.settings import PROJECT_ROOT

LAYER_MODEL = re.compile(r"fct_funnel_l(\d\d)_\w+")


def layer_metrics(manifest: dict) -> dict[str, list[str]]:
    """Layer model -> its metrics (the YAML's columns after date_day), in order."""
    return {
        node["name"]: [c for c in node["columns"] if c != "date_day"]
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and LAYER_MODEL.fullmatch(node["name"])
    }


def guide_problems(metrics: dict[str, list[str]], guide: str) -> list[str]:
    """Metrics the guide's layer table leaves out or names wrongly, as sentences."""
    rows = {
        match.group(1): set(re.findall(r"`(\w+)`", match.group(2)))
        for match in re.finditer(r"^\| \d+ \| `(fct_funnel_l\d\d_\w+)` \|(.*)\|$", guide, re.M)
    }
    problems = []
    for model, names in sorted(metrics.items()):
        documented = rows.get(model, set())
        problems += [
            f"{model}.{m} is not in the analyst guide" for m in names if m not in documented
        ]
        problems += [
            f"the analyst guide names {model}.{m}, not a column of the model"
            for m in sorted(documented - set(names))
        ]
    return problems


def test_the_ten_layers_have_their_contract_and_metrics(dbt_manifest):
    manifest = json.loads(dbt_manifest.read_text())
    metrics = layer_metrics(manifest)
    assert [int(LAYER_MODEL.fullmatch(m).group(1)) for m in sorted(metrics)] == list(range(1, 11))
    assert sum(len(names) for names in metrics.values()) == 46
    for model in metrics:
        node = manifest["nodes"][f"model.hourglass.{model}"]
        assert node["config"]["contract"]["enforced"], model


def test_the_analyst_guide_documents_every_metric_of_every_layer(dbt_manifest):
    metrics = layer_metrics(json.loads(dbt_manifest.read_text()))
    guide = (PROJECT_ROOT / "docs" / "analyst_guide.md").read_text()
    assert guide_problems(metrics, guide) == []


def test_a_missing_or_stale_metric_is_named():
    guide = "| 8 | `fct_funnel_l08_audits` | `developers_audited`, `audits_planned` |\n"
    metrics = {"fct_funnel_l08_audits": ["developers_audited", "audit_failures"]}
    assert guide_problems(metrics, guide) == [
        "fct_funnel_l08_audits.audit_failures is not in the analyst guide",
        "the analyst guide names fct_funnel_l08_audits.audits_planned, not a column of the model",
    ]
