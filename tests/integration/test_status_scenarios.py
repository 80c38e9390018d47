"""`status -o json` on every scenario, live through the fake API server and offline from files.

The expectations come from tests/fixtures/scenarios/*/expected.yaml, written from the Argo and
Kueue facts, not from this code. Findings are compared exactly: a false alarm fails.
"""
import pytest

from kubectl_kueue_argo.model import CAUSES
from tests.support.cli import run_cli
from tests.support.live import serve_scenario, write_verbs
from tests.support.scenarios import load_scenario, scenario_names

STEP_CONTRACT_KEYS = {"nodeId", "name", "displayName", "type", "templateName", "phase", "podName", "queueName",
                      "gated", "workload", "kueueState", "cause", "reason", "message", "localQueue", "clusterQueue",
                      "position"}
KUEUE_STATES = {"NoPod", "Unmanaged", "AwaitingWorkload", "Pending", "Inadmissible", "QuotaReserved", "Admitted",
                "Finished", "Evicted"}


def status_json(scenario, *extra):
    expected = scenario.expected
    return ("status", expected["workflow"], "-n", expected["namespace"], "-o", "json", *extra)


def env_for(scenario):
    return {"KUEUE_ARGO_NOW": scenario.expected["now"]}


def check_contract(document, scenario, offline):
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
        assert step["cause"] is None or step["cause"] in CAUSES, step["cause"]
        assert (step["cause"] is None) == (step["phase"] in ("Succeeded", "Failed", "Error", "Skipped", "Omitted"))
        position = step["position"]
        assert position is None or set(position) == {"localQueue", "clusterQueue"}
    by_display = {step["displayName"]: step for step in document["steps"]}
    expected_steps = scenario.expected_steps(offline)
    if expected_steps:
        assert set(by_display) == set(expected_steps), f"{scenario.name}: steps {sorted(by_display)}"
    for display_name, fields in expected_steps.items():
        step = by_display[display_name]
        for key, value in fields.items():
            assert step[key] == value, f"{scenario.name}: step {display_name} {key}={step[key]!r}, expected {value!r}"
    if "summary" in expected:
        assert document["summary"] == {state: expected["summary"].get(state, 0) for state in KUEUE_STATES}, \
            f"{scenario.name}: summary {document['summary']}"
    codes = sorted(finding["code"] for finding in document["findings"])
    assert codes == sorted(scenario.expectation("status_findings", offline)), f"{scenario.name}: findings {codes}"
    for finding in document["findings"]:
        assert finding["severity"] in ("info", "warning", "error")
        assert {"code", "severity", "nodeId", "message"} <= set(finding)


@pytest.mark.parametrize("name", scenario_names())
def test_status_offline_matches_expectations(name):
    scenario = load_scenario(name)
    result = run_cli(*status_json(scenario, "--from-file", scenario.dir / "objects.yaml"), env=env_for(scenario))
    assert result.exit_code == 0, result.stderr
    check_contract(result.json, scenario, offline=True)


@pytest.mark.parametrize("name", scenario_names())
def test_status_live_matches_expectations_and_only_reads(name, tmp_path):
    scenario = load_scenario(name)
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        result = run_cli(*status_json(scenario, "--kubeconfig", kubeconfig), env=env_for(scenario))
        assert result.exit_code == 0, result.stderr
        check_contract(result.json, scenario, offline=False)
        assert write_verbs(server) == []
        assert all(record.verb in ("get", "list") for record in server.requests)


@pytest.mark.parametrize("name", [n for n in scenario_names() if load_scenario(n).expected.get("status_messages")
                                  or load_scenario(n).expected.get("status_messages_not")])
def test_status_message_column(name):
    """The MESSAGE cell says why (the scheduler's words, Argo's message, a memoization hit)."""
    scenario = load_scenario(name)
    result = run_cli("status", scenario.expected["workflow"], "-n", scenario.expected["namespace"], "--from-file",
                     scenario.dir / "objects.yaml", env={**env_for(scenario), "COLUMNS": "400"})
    assert result.exit_code == 0, result.stderr
    rows = {}
    for line in result.stdout.splitlines():
        for display in scenario.expected_steps():
            if f" {display} " in line:
                rows[display] = line
    for display, fragments in (scenario.expected.get("status_messages") or {}).items():
        for fragment in fragments:
            assert fragment in rows[display], (display, fragment, rows[display])
    for display, fragments in (scenario.expected.get("status_messages_not") or {}).items():
        for fragment in fragments:
            assert fragment not in rows[display], (display, fragment, rows[display])


@pytest.mark.parametrize("name", ["unschedulable", "lq-hold-and-drain", "memoized"])
def test_wide_shows_each_cause(name):
    scenario = load_scenario(name)
    result = run_cli("status", scenario.expected["workflow"], "-n", scenario.expected["namespace"], "--from-file",
                     scenario.dir / "objects.yaml", "-o", "wide", env={**env_for(scenario), "COLUMNS": "400"})
    header = next(line for line in result.stdout.splitlines() if line.startswith("STEP "))
    column = header.index("CAUSE")
    for display, fields in scenario.expected_steps().items():
        row = next(line for line in result.stdout.splitlines() if f" {display} " in line)
        assert row[column:].split("  ")[0].strip() == (fields["cause"] or ""), (display, row)


@pytest.mark.parametrize("name", scenario_names())
def test_live_and_offline_agree_on_every_step(name, tmp_path):
    scenario = load_scenario(name)
    if scenario.expected.get("server", {}).get("forbid") or scenario.expected.get("offline"):
        pytest.skip("forbidden or unserved reads make the live view differ from the files on purpose")
    env = env_for(scenario)
    offline = run_cli(*status_json(scenario, "--from-file", scenario.dir / "objects.yaml"), env=env)
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        live = run_cli(*status_json(scenario, "--kubeconfig", kubeconfig), env=env)
    assert offline.exit_code == live.exit_code == 0, (offline.stderr, live.stderr)
    assert offline.json["steps"] == live.json["steps"]
    assert offline.json["summary"] == live.json["summary"]
