"""`status WF --forecast` and its reads, offline and live, on cluster states whose answers were
computed by hand from the model of issue #10 (tests/fixtures/forecast/*/expected.yaml)."""
import re

import pytest

from tests.support.cli import run_cli
from tests.support.forecast_fixtures import (
    check_forecasts, expected_steps, forecast_fixture_names, load_forecast_fixture, serve_variant, variants,
)
from tests.support.live import write_verbs

CASES = [case for name in forecast_fixture_names() for case in variants(name)]


def _env(fixture):
    return {"KUEUE_ARGO_NOW": fixture.expected["now"]}


def _status(fixture, *extra):
    return ("status", fixture.expected["workflow"], "-n", fixture.expected["namespace"], *extra)


@pytest.mark.parametrize("name", forecast_fixture_names())
def test_forecast_offline(name):
    fixture = load_forecast_fixture(name)
    result = run_cli(*_status(fixture, "--forecast", "-o", "json", "--from-file", fixture.dir / "objects.yaml"),
                     env=_env(fixture))
    assert result.exit_code == 0, result.stderr
    check_forecasts(result.json, expected_steps(fixture))


@pytest.mark.parametrize("name,variant", CASES, ids=[f"{n}-{v or 'all-reads'}" for n, v in CASES])
def test_forecast_live(name, variant, tmp_path):
    fixture = load_forecast_fixture(name)
    variant_spec = next((v for v in fixture.expected.get("variants") or [] if v["name"] == variant), None)
    with serve_variant(fixture, variant_spec, tmp_path) as (server, kubeconfig):
        result = run_cli("--kubeconfig", kubeconfig, *_status(fixture, "--forecast", "-o", "json"), env=_env(fixture))
        assert result.exit_code == 0, result.stderr
        check_forecasts(result.json, expected_steps(fixture, variant))
        assert write_verbs(server) == []


@pytest.mark.parametrize("name", forecast_fixture_names())
def test_starts_column(name):
    fixture = load_forecast_fixture(name)
    result = run_cli(*_status(fixture, "--forecast", "--from-file", fixture.dir / "objects.yaml"), env=_env(fixture))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    header = next(line for line in lines if line.startswith("STEP"))
    assert "STARTS" in header.split() and header.index("STARTS") < header.index("MESSAGE")
    column = header.index("STARTS")
    cells = {}
    for line in lines[lines.index(header) + 1:]:
        found = re.match(r"^\s*[^\w\s]*\s*[◷●✔○✖⚠ǁ]\s(\S+)", line)
        if found:
            cells[found.group(1)] = line[column:].split(" ", 1)[0]
    for step, want in expected_steps(fixture).items():
        if want["kueueState"] != "Pending" or "startInSeconds" not in want:
            continue
        seconds = want["startInSeconds"]
        assert cells[step] == ("?" if seconds is None else "now" if seconds == 0 else f"~{round(seconds / 60)}m"), \
            (step, result.stdout)


def test_without_forecast_the_key_is_null_and_no_new_request_is_made(tmp_path):
    fixture = load_forecast_fixture("best-effort")
    with serve_variant(fixture, None, tmp_path) as (server, kubeconfig):
        plain = run_cli("--kubeconfig", kubeconfig, *_status(fixture, "-o", "json"), env=_env(fixture))
        assert plain.exit_code == 0, plain.stderr
        assert all(step["forecast"] is None for step in plain.json["steps"])
        before = [(r.verb, r.resource, r.namespace, r.path, tuple(sorted(r.query.items()))) for r in server.requests]
        server.clear_requests()
        forecast = run_cli("--kubeconfig", kubeconfig, *_status(fixture, "--forecast", "-o", "json"),
                           env=_env(fixture))
        assert forecast.exit_code == 0, forecast.stderr
        after = [(r.verb, r.resource, r.namespace, r.path, tuple(sorted(r.query.items()))) for r in server.requests]
    assert not any(resource == "workflows" and verb == "list" for verb, resource, *_ in before)
    assert not any(resource == "workloads" and namespace is None for _, resource, namespace, *_ in before)
    assert not any(resource == "clusterqueues/pendingworkloads" for _, resource, *_ in before)
    added = {request[:3] for request in after if request not in before}
    removed = {request[:3] for request in before if request not in after}
    # One LIST of Workloads (every namespace; the status snapshot takes its own Workloads from it, so
    # its per-pod Workload lists go), one of Workflows per namespace involved, one visibility list
    # per ClusterQueue of the waiting steps; never a GET per object.
    assert added == {("list", "workloads", None), ("list", "workflows", "ml-team"),
                     ("list", "workflows", "data-team"), ("get", "clusterqueues/pendingworkloads", None)}
    assert removed <= {("list", "workloads", "ml-team")}
    for verb, resource, namespace in added:
        paths = {path for v, r, n, path, _ in after if (v, r, n) == (verb, resource, namespace)}
        assert len(paths) == 1, paths


def test_forecast_needs_a_workflow_and_no_watch():
    result = run_cli("status", "--forecast", "--from-file", "examples/queue-per-template")
    assert result.exit_code == 2
    assert "--forecast" in result.stderr
