"""`status -o json` on every scenario, live through the fake API server and offline from files.

The expectations come from tests/fixtures/scenarios/*/expected.yaml, written from the Argo and
Kueue facts, not from this code.
"""
import pytest

from tests.support.cli import run_cli
from tests.support.live import serve_scenario, write_verbs
from tests.support.scenarios import load_scenario, scenario_names

STEP_CONTRACT_KEYS = {"nodeId", "name", "displayName", "type", "templateName", "phase", "podName", "queueName",
                      "gated", "workload", "kueueState", "reason", "message", "localQueue", "clusterQueue", "position"}
KUEUE_STATES = {"NoPod", "Unmanaged", "AwaitingWorkload", "Pending", "Inadmissible", "QuotaReserved", "Admitted",
                "Finished", "Evicted"}


def status_json(scenario, *extra):
    expected = scenario.expected
    return ("status", expected["workflow"], "-n", expected["namespace"], "-o", "json", *extra)


def check_contract(document, scenario):
    expected = scenario.expected
    assert set(document) >= {"workflow", "steps", "summary", "findings"}
    assert document["workflow"]["name"] == expected["workflow"]
    assert document["workflow"]["namespace"] == expected["namespace"]
    if "workflow_phase" in expected:
        assert document["workflow"]["phase"] == expected["workflow_phase"]
    if "node_status" in expected:
        assert document["workflow"]["nodeStatus"] == expected["node_status"]
    assert set(document["summary"]) == KUEUE_STATES
    for step in document["steps"]:
        assert STEP_CONTRACT_KEYS <= set(step), step
        assert step["kueueState"] in KUEUE_STATES
        position = step["position"]
        assert position is None or set(position) == {"localQueue", "clusterQueue"}
    by_display = {step["displayName"]: step for step in document["steps"]}
    for display_name, fields in (expected.get("steps") or {}).items():
        assert display_name in by_display, f"step {display_name} missing from {sorted(by_display)}"
        step = by_display[display_name]
        for key, value in fields.items():
            assert step[key] == value, f"{scenario.name}: step {display_name} {key}={step[key]!r}, expected {value!r}"
    for state, count in (expected.get("summary") or {}).items():
        assert document["summary"][state] == count, f"{scenario.name}: summary {state}"
    codes = {finding["code"] for finding in document["findings"]}
    for code in expected.get("status_findings") or []:
        assert code in codes, f"{scenario.name}: finding {code} missing from {sorted(codes)}"
    for finding in document["findings"]:
        assert finding["severity"] in ("info", "warning", "error")
        assert {"code", "severity", "nodeId", "message"} <= set(finding)


@pytest.mark.parametrize("name", scenario_names())
def test_status_offline_matches_expectations(name):
    scenario = load_scenario(name)
    result = run_cli(*status_json(scenario, "--from-file", scenario.dir / "objects.yaml"),
                     env={"KUEUE_ARGO_NOW": scenario.expected.get("now", "2026-08-24T10:20:00Z")})
    assert result.exit_code == 0, result.stderr
    check_contract(result.json, scenario)


@pytest.mark.parametrize("name", scenario_names())
def test_status_live_matches_expectations_and_only_reads(name, tmp_path):
    scenario = load_scenario(name)
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        result = run_cli(*status_json(scenario, "--kubeconfig", kubeconfig),
                         env={"KUEUE_ARGO_NOW": scenario.expected.get("now", "2026-08-24T10:20:00Z")})
        assert result.exit_code == 0, result.stderr
        check_contract(result.json, scenario)
        assert write_verbs(server) == []
        assert all(record.verb in ("get", "list") for record in server.requests)


@pytest.mark.parametrize("name", scenario_names())
def test_live_and_offline_agree_on_every_step(name, tmp_path):
    scenario = load_scenario(name)
    if scenario.expected.get("server", {}).get("forbid"):
        pytest.skip("forbidden reads make the live view differ from the files on purpose")
    env = {"KUEUE_ARGO_NOW": scenario.expected.get("now", "2026-08-24T10:20:00Z")}
    offline = run_cli(*status_json(scenario, "--from-file", scenario.dir / "objects.yaml"), env=env)
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        live = run_cli(*status_json(scenario, "--kubeconfig", kubeconfig), env=env)
    assert offline.exit_code == live.exit_code == 0, (offline.stderr, live.stderr)
    assert offline.json["steps"] == live.json["steps"]
    assert offline.json["summary"] == live.json["summary"]
