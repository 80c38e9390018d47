"""Forecast fixtures: tests/fixtures/forecast/<name>/{objects.yaml, expected.yaml} (see generate.py there)."""
from contextlib import contextmanager

import yaml

from tests.support.live import serve_scenario
from tests.support.paths import FIXTURES
from tests.support.scenarios import Scenario, load_objects

FORECAST_DIR = FIXTURES / "forecast"


def _names(manifests):
    names = []
    for path in sorted(FORECAST_DIR.iterdir()):
        if (path / "expected.yaml").exists():
            if ("manifest" in yaml.safe_load((path / "expected.yaml").read_text())) == manifests:
                names.append(path.name)
    return names


def forecast_fixture_names():
    """Cluster states with a running workflow (`status --forecast`, `explain WF`)."""
    return _names(manifests=False)


def manifest_fixture_names():
    """Manifests checked against a cluster state (`explain -f`)."""
    return _names(manifests=True)


def load_forecast_fixture(name):
    directory = FORECAST_DIR / name
    expected = yaml.safe_load((directory / "expected.yaml").read_text())
    return Scenario(name=name, dir=directory, objects=load_objects(directory / "objects.yaml"), expected=expected)


def variants(name):
    """(fixture name, variant name or None) for every fixture and its live-only variants."""
    fixture = load_forecast_fixture(name)
    return [(name, None)] + [(name, variant["name"]) for variant in fixture.expected.get("variants") or []]


@contextmanager
def serve_variant(fixture, variant, tmp_path):
    """The fake API server holding the fixture, with the variant's denied reads."""
    with serve_scenario(fixture, tmp_path) as (server, kubeconfig):
        for fault in (variant or {}).get("faults") or []:
            server.inject(method=fault.get("method", "GET"), path_regex=fault["path"], status=fault["status"],
                          times=None)
        for rule in (variant or {}).get("forbid") or []:
            server.forbid(rule["verb"], rule["resource"], group=rule.get("group"), namespace=rule.get("namespace"))
        yield server, kubeconfig


def expected_steps(fixture, variant_name=None):
    if variant_name is None:
        return fixture.expected["steps"]
    variant = next(v for v in fixture.expected["variants"] if v["name"] == variant_name)
    return variant["steps"]


def check_workflow_forecast(document, expected):
    """explain -o json `demand` and `forecast` (or one entry of explain -f's `workflows`)."""
    forecast = document["forecast"]
    for key in ("finishInSeconds", "runningSeconds", "queuedSeconds"):
        if key in expected:
            assert forecast[key] == expected[key], (key, forecast)
    if "finish_basis" in expected:
        assert any(expected["finish_basis"] in line for line in forecast["basis"]), forecast["basis"]
    for name, want in (expected.get("demand") or {}).items():
        demand = document["demand"][name]
        assert {"peak", "nominal", "withBorrowing", "waves"} <= set(demand)
        for key, value in want.items():
            assert demand[key] == value, (name, key, demand[key])


def check_forecasts(document, steps):
    """Every step of a `status --forecast -o json` document against the expected forecasts."""
    by_name = {step["displayName"]: step for step in document["steps"]}
    for step in document["steps"]:
        if step["kueueState"] != "Pending":
            assert step["forecast"] is None, step
        else:
            assert set(step["forecast"]) == {"startInSeconds", "basis"}, step["forecast"]
            assert step["forecast"]["basis"] and all(isinstance(line, str) for line in step["forecast"]["basis"])
    for name, want in steps.items():
        step = by_name[name]
        assert step["kueueState"] == want["kueueState"], (name, step["kueueState"])
        if want["kueueState"] != "Pending":
            continue
        forecast = step["forecast"]
        if "startInSeconds" in want:
            assert forecast["startInSeconds"] == want["startInSeconds"], (name, forecast)
        for fragment in want.get("basis") or []:
            assert any(fragment in line for line in forecast["basis"]), (name, fragment, forecast["basis"])
