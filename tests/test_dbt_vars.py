"""Every setting in dbt_project.yml's vars drives the computation it names.

Each var (each key of a dict var) must be overridden, with a value other than
its default, by at least one dbt unit test (`overrides: vars`) whose expected
rows hold only under the override: the unit tests run in every `dbt build`
(tests/test_incremental.py) and prove the result moves. This test proves that
no var is left without such a unit test.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from hourglass.settings import PROJECT_ROOT

# vars a dbt run passes in for one job rather than settings a user tunes
RUN_ARGUMENTS = {"rebuild_from", "rebuild_to"}


def _leaves(value, prefix: str = "") -> dict[str, object]:
    """{"health_weights.usage_trend": 25, ...} for nested dicts; a scalar is its own leaf."""
    if not isinstance(value, dict):
        return {prefix: value}
    leaves = {}
    for key, inner in value.items():
        leaves |= _leaves(inner, f"{prefix}.{key}" if prefix else key)
    return leaves


def settings() -> dict[str, object]:
    """Every var of dbt_project.yml, flattened."""
    project = yaml.safe_load((PROJECT_ROOT / "dbt_project.yml").read_text())
    return _leaves(project["vars"])


def overridden_by_unit_tests(models_dir: Path) -> dict[str, set[str]]:
    """Var leaf -> names of the unit tests that set it to something other than its default."""
    defaults = settings()
    found: dict[str, set[str]] = {}
    for path in sorted(models_dir.rglob("*.yml")):
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests", []):
            overrides = (test.get("overrides") or {}).get("vars") or {}
            for leaf, value in _leaves(overrides).items():
                if leaf in defaults and value != defaults[leaf]:
                    found.setdefault(leaf, set()).add(test["name"])
    return found


def test_every_var_is_moved_by_a_unit_test():
    tunable = set(settings()) - RUN_ARGUMENTS
    assert sorted(tunable - set(overridden_by_unit_tests(PROJECT_ROOT / "models"))) == []


def test_a_var_left_at_its_default_does_not_count(tmp_path):
    (tmp_path / "a.yml").write_text(
        yaml.safe_dump(
            {
                "unit_tests": [
                    {"name": "same", "overrides": {"vars": {"health_bands": {"healthy": 70}}}},
                    {"name": "moved", "overrides": {"vars": {"health_bands": {"at_risk": 30}}}},
                ]
            }
        )
    )
    assert overridden_by_unit_tests(tmp_path) == {"health_bands.at_risk": {"moved"}}
