"""`explain WF -o json` on every scenario with `explain_codes`, offline from files and live through the
fake API server. The expected codes come from tests/fixtures/scenarios/*/expected.yaml (written from the
Argo and Kueue facts); the key facts each message must carry are listed here.
"""
import pytest
from click.testing import CliRunner

from kubectl_kueue_argo.cli import cli
from tests.support.cli import run_cli
from tests.support.live import serve_scenario, write_verbs
from tests.support.scenarios import load_scenario, scenario_names

FINDING_KEYS = {"code", "severity", "nodeId", "step", "message", "evidence", "remedy"}
# scenario -> {code: fragments its message must contain}
KEY_FACTS = {
    "quota-wait": {"WaitingForQuota": ["team-cq", "3 cpu", "4 cpu", "3rd in LocalQueue user-queue",
                                       "pod-notebook-a-5xk2p-8b2eb", "pod-notebook-b-8mr4t-a95f5", "ml-cohort"]},
    "never-fits": {"NeverFits": ["16 cpu", "8 cpu", "team-cq", "forever"]},
    "never-fits-legacy": {"NeverFits": ["8 cpu", "4 cpu", "team-cq", "forever"]},
    "cq-stopped": {"ClusterQueueStopped": ["team-cq", "Hold", "Stopped"]},
    "lq-inactive": {"LocalQueueInactive": ["user-queue", "ClusterQueueIsInactive", "team-cq", "FlavorNotFound"]},
    "lq-stopped": {"LocalQueueStopped": ["user-queue", "Hold", "Stopped"]},
    "namespace-mismatch": {"NamespaceNotAllowed": ["team-cq", "ml-team", "team=platform"]},
    "awaiting-workload": {"PodIntegrationDisabled": ["no Workload", "implicitly", '"pod"']},
    "awaiting-workload-no-config": {"KueueConfigUnreadable": ["no Workload", "could not be"]},
    "namespace-excluded": {"NamespaceExcluded": ["ml-team", "managedJobsNamespaceSelector", "user-queue"]},
    "default-lq": {"DefaultLocalQueue": ["LocalQueue default", "ml-team"]},
    "never-created": {"LockWait": ["mylock", "ml-team/etl-7g2kd"], "ResourceQuotaExceeded": ["compute-resources"]},
    "parallelism-slot": {"ParallelismSlotHeld": ["parallelism is 2", "part-0", "part-1"],
                         "WaitingForQuota": ["team-cq", "2 cpu"]},
    "pending-timeout": {"TimeoutWhileGated": ["timeout 10m", "3 minutes left"], "WaitingForQuota": ["team-cq"]},
    "suspended-workflow": {"SuspendNotUnderstood": ["spec.suspend", "a, b", "4 cpu", "team-cq"]},
    "preempted-no-retry": {"PreemptedNoRetry": ["retryStrategy", "train", "InClusterQueue"]},
    "gate-not-removed": {"GateNotRemoved": ["admitted", "kueue.x-k8s.io/admission", "kueue#9492"]},
    "http-agent-gated": {"AgentPodQueued": ["http-q7w2c-1340600742-agent", "spec.podMetadata", "user-queue"]},
    "missing-local-queue": {"LocalQueueNotFound": ["gpu-queue", "user-queue"]},
}


def explain_scenarios():
    return [name for name in scenario_names() if load_scenario(name).expected.get("explain_codes")]


def explain_args(scenario, *source):
    expected = scenario.expected
    return ("explain", "-n", expected["namespace"], *source, "-o", "json", expected["workflow"])


def env_for(scenario):
    return {"KUEUE_ARGO_NOW": scenario.expected.get("now", "2026-08-24T10:20:00Z")}


def expected_codes(scenario):
    return list(scenario.expected["explain_codes"])


def check_document(document, scenario):
    assert document["workflow"]["name"] == scenario.expected["workflow"]
    findings = document["findings"]
    for finding in findings:
        assert FINDING_KEYS <= set(finding), finding
        assert finding["severity"] in ("info", "warning", "error")
    by_code = {}
    for finding in findings:
        by_code.setdefault(finding["code"], []).append(finding)
    for code in expected_codes(scenario):
        assert code in by_code, f"{scenario.name}: {code} missing from {sorted(by_code)}"
        for fragment in KEY_FACTS.get(scenario.name, {}).get(code, []):
            assert any(fragment.lower() in f["message"].lower() for f in by_code[code]), \
                f"{scenario.name}: {code} message lacks {fragment!r}: {[f['message'] for f in by_code[code]]}"
        assert all(f["remedy"] for f in by_code[code]), f"{scenario.name}: {code} has no remedy"
    step_ids = {step["nodeId"] for step in document["steps"]}
    for finding in findings:
        if finding["nodeId"] is not None and finding["code"] not in ("GateNotRemoved",):
            assert finding["nodeId"] in step_ids or finding["step"] is None


def has_error(document):
    return any(f["severity"] == "error" for f in document["findings"])


@pytest.mark.parametrize("name", explain_scenarios())
def test_explain_offline_names_the_cause(name):
    scenario = load_scenario(name)
    result = run_cli(*explain_args(scenario, "--from-file", scenario.dir / "objects.yaml"), env=env_for(scenario))
    assert result.exit_code in (0, 3), result.stderr
    check_document(result.json, scenario)


@pytest.mark.parametrize("name", explain_scenarios())
def test_explain_live_names_the_cause_and_only_reads(name, tmp_path):
    scenario = load_scenario(name)
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        result = run_cli(*explain_args(scenario, "--kubeconfig", kubeconfig), env=env_for(scenario))
        assert result.exit_code in (0, 3), result.stderr
        check_document(result.json, scenario)
        assert write_verbs(server) == []
        assert all(record.method == "GET" for record in server.requests)


@pytest.mark.parametrize("name", explain_scenarios())
def test_explain_exit_code_is_3_iff_an_error_finding(name):
    """Through click in standalone mode, the way the command itself exits."""
    scenario = load_scenario(name)
    args = explain_args(scenario, "--from-file", str(scenario.dir / "objects.yaml"))
    result = CliRunner().invoke(cli, list(args), env={**env_for(scenario), "NO_COLOR": "1"})
    document = run_cli(*args, env=env_for(scenario)).json
    assert result.exit_code == (3 if has_error(document) else 0), result.output


def test_real_cli_exits_3_on_error_findings():
    scenario = load_scenario("never-fits")
    result = run_cli(*explain_args(scenario, "--from-file", scenario.dir / "objects.yaml"), env=env_for(scenario))
    assert result.exit_code == 3


def test_options_after_the_workflow_name_are_read():
    scenario = load_scenario("quota-wait")
    expected = scenario.expected
    result = run_cli("explain", expected["workflow"], "-n", expected["namespace"], "--from-file",
                     scenario.dir / "objects.yaml", "-o", "json", env=env_for(scenario))
    assert result.exit_code == 0, result.stderr
    check_document(result.json, scenario)


@pytest.mark.parametrize("name", ["quota-wait", "never-created", "suspended-workflow"])
def test_explain_text_is_plain_and_fits_a_terminal(name):
    scenario = load_scenario(name)
    expected = scenario.expected
    result = run_cli("explain", "-n", expected["namespace"], "--from-file", scenario.dir / "objects.yaml",
                     expected["workflow"], env=env_for(scenario))
    assert result.exit_code in (0, 3), result.stderr
    assert "\x1b" not in result.stdout
    for code in expected_codes(scenario):
        assert code in result.stdout
    assert "Evidence:" in result.stdout and "Fix:" in result.stdout
    long_lines = [line for line in result.stdout.splitlines() if len(line) > 100 and " · " not in line]
    assert not long_lines, long_lines
