"""The format configuration schema: presets, overrides and errors that name the key."""

from __future__ import annotations

import pytest

from hourglass.contract import SOURCES
from hourglass.formats.config import ConfigError, parse, presets, resolve

NAME = "api_logs/kong/_format.yml"


def resolved(text: str, source: str = "api_logs"):
    return resolve(parse(text, NAME), SOURCES[source], NAME)


def test_every_preset_is_valid_and_maps_only_its_sources_columns():
    shipped = presets()
    assert sorted(shipped) == [
        "aws_api_gateway",
        "envoy_json",
        "kong",
        "nginx_json",
        "stripe",
        "zendesk",
    ]
    for name, preset in shipped.items():
        assert set(preset.columns) <= set(SOURCES[preset.source].column_names), name


def test_a_preset_with_overrides():
    config = resolved(
        """
preset: aws_api_gateway
encoding: cp1252
constants: {app_id: gateway-app}
columns:
  environment:
    map: {uat: sandbox}
  latency_ms: integrationLatency
"""
    )
    assert config.encoding == "cp1252"
    assert config.line_prefix == presets()["aws_api_gateway"].line_prefix
    assert config.constants == {"app_id": "gateway-app"}
    assert "app_id" not in config.columns  # the constant replaces the preset's mapping
    # a column's keys replace the preset's same keys; its other keys stay
    assert config.columns["environment"].field == ["stage"]
    assert config.columns["environment"].map == {"uat": "sandbox"}
    assert config.columns["latency_ms"].field == ["integrationLatency"]
    assert config.columns["requested_at"].timestamp == ["epoch_ms", "clf"]


def test_yaml_scalars_are_text():
    config = resolved(
        "columns:\n  status_code: {field: code, map: {1: 200, yes: 201, 01: ~, no: null}}"
    )
    assert config.columns["status_code"].map == {"1": "200", "yes": "201", "01": None, "no": None}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "columns:\n  app_id: {feild: consumer.id}",
            f"{NAME}: columns.app_id.feild: unknown key (expected one of: field, regex, map, "
            "unmapped, multiply, timestamp)",
        ),
        (
            "presett: kong",
            f"{NAME}: presett: unknown key (expected one of: preset, encoding, missing_values, "
            "json_array_per_line, line_prefix, constants, columns)",
        ),
        (
            "encoding: ebcdic",
            f"{NAME}: encoding: Input should be 'utf-8', 'latin-1', 'cp1252' or 'utf-16' "
            "(got 'ebcdic')",
        ),
        (
            "columns:\n  latency_ms: {field: t, multiply: fast}",
            f"{NAME}: columns.latency_ms.multiply: Input should be a valid number, unable to "
            "parse string as a number (got 'fast')",
        ),
        (
            "columns:\n  requested_at: {field: t, timestamp: rfc2822}",
            f"{NAME}: columns.requested_at.timestamp: unknown timestamp form 'rfc2822': expected "
            "one of epoch_s, epoch_ms, clf or a strptime pattern such as '%d.%m.%Y %H:%M' "
            "(got 'rfc2822')",
        ),
        (
            "columns:\n  path: {field: uri, regex: '^(/v1'}",
            f"{NAME}: columns.path.regex: not a valid regular expression: Invalid Input Error: "
            "missing ): ^(/v1 (got '^(/v1')",
        ),
        (
            "columns:\n  method: [verb, m.*]",
            f"{NAME}: columns.method.field: 'm.*' has an empty or `*` step: a dotted path names "
            "one key per step",
        ),
        (
            "columns:\n  app_id: consumer..id",
            f"{NAME}: columns.app_id.field: 'consumer..id' has an empty or `*` step: a dotted "
            "path names one key per step (got 'consumer..id')",
        ),
        (
            "columns:\n  request_idd: x",
            f"{NAME}: columns.request_idd: not a column of api_logs (expected one of: request_id, "
            "requested_at, app_id, environment, method, path, status_code, latency_ms, "
            "request_bytes, response_bytes, end_user_id)",
        ),
        (
            "preset: zendesk",
            f"{NAME}: preset: unknown preset 'zendesk' for api_logs (expected one of: "
            "aws_api_gateway, envoy_json, kong, nginx_json)",
        ),
        ("- kong", f"{NAME}: expected a mapping of keys (preset, columns, ...)"),
    ],
)
def test_a_wrong_key_or_type_names_the_file_the_key_and_what_was_expected(text, message):
    with pytest.raises(ConfigError) as error:
        resolved(text)
    assert str(error.value) == message


def test_yaml_syntax_errors_name_the_file_and_line():
    with pytest.raises(ConfigError, match=rf"^{NAME}: not valid YAML: .*line 2"):
        resolved("columns:\n  app_id: [unclosed")
