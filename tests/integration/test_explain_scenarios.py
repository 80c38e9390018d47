"""`explain WF` on every scenario, offline from files and live through the fake API server.

tests/fixtures/scenarios/*/expected.yaml (written from the Argo and Kueue facts) gives each step's cause,
the exact findings of each step and of the workflow, the exit code, and the facts the findings must
show (a piece of their evidence, a fix that fits the cause). Findings are compared exactly: a false
alarm fails.
"""
import pytest
from click.testing import CliRunner

from kubectl_kueue_argo.cli import cli
from kubectl_kueue_argo.model import CAUSES
from tests.support.cli import run_cli
from tests.support.live import serve_scenario, write_verbs
from tests.support.scenarios import load_scenario, scenario_names

FINDING_KEYS = {"code", "severity", "nodeId", "step", "message", "evidence", "remedy"}
STEP_KEYS = {"nodeId", "name", "displayName", "type", "phase", "kueueState", "cause", "reason", "podName",
             "workload", "localQueue", "clusterQueue", "position", "findings"}


def explain_args(scenario, *source):
    expected = scenario.expected
    return ("explain", "-n", expected["namespace"], *source, "-o", "json", expected["workflow"])


def env_for(scenario):
    return {"KUEUE_ARGO_NOW": scenario.expected["now"]}


def check_document(document, scenario, offline):
    assert document["workflow"]["name"] == scenario.expected["workflow"]
    for finding in document["findings"]:
        assert FINDING_KEYS <= set(finding), finding
        assert finding["severity"] in ("info", "warning", "error")
    steps = {step["displayName"]: step for step in document["steps"]}
    expected_findings = scenario.expectation("explain_findings", offline)
    assert set(expected_findings) <= set(steps), f"{scenario.name}: steps {sorted(steps)}"
    for display, step in steps.items():
        assert STEP_KEYS <= set(step), step
        assert step["cause"] is None or step["cause"] in CAUSES
        assert step["findings"] == expected_findings.get(display, []), \
            f"{scenario.name}: step {display} findings {step['findings']}"
        if step["cause"] is not None:
            assert step["findings"][0] == step["cause"], f"{scenario.name}: {display}: primary finding is not the cause"
    for display, fields in scenario.expected_steps(offline).items():
        if "cause" in fields:
            assert steps[display]["cause"] == fields["cause"], f"{scenario.name}: {display} cause"
    workflow_codes = sorted(f["code"] for f in document["findings"] if f["nodeId"] is None)
    assert workflow_codes == sorted(scenario.expectation("workflow_findings", offline, [])), \
        f"{scenario.name}: workflow findings {workflow_codes}"
    _check_facts(document["findings"], scenario.expectation("explain_check", offline, {}), scenario.name)


def _check_facts(findings, checks, name):
    for code, parts in checks.items():
        of_code = [f for f in findings if f["code"] == code]
        assert of_code, f"{name}: no {code} finding"
        assert all(f["remedy"] for f in of_code), f"{name}: {code} without a fix"
        texts = {"message": [f["message"] for f in of_code], "remedy": [f["remedy"] for f in of_code],
                 "evidence": [line for f in of_code for line in f["evidence"]]}
        for part in ("message", "evidence", "remedy"):
            for fragment in parts.get(part, []):
                assert any(fragment in text for text in texts[part]), f"{name}: {code} {part} lacks {fragment!r}: " \
                                                                        f"{texts[part]}"
        for part in ("message", "remedy"):
            for fragment in parts.get(f"{part}_not", []):
                assert not any(fragment in text for text in texts[part]), f"{name}: {code} {part} says {fragment!r}"


@pytest.mark.parametrize("name", scenario_names())
def test_explain_offline(name):
    scenario = load_scenario(name)
    result = run_cli(*explain_args(scenario, "--from-file", scenario.dir / "objects.yaml"), env=env_for(scenario))
    assert result.exit_code == scenario.expectation("explain_exit", True), result.stderr
    check_document(result.json, scenario, offline=True)


@pytest.mark.parametrize("name", scenario_names())
def test_explain_live_and_only_reads(name, tmp_path):
    scenario = load_scenario(name)
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        result = run_cli(*explain_args(scenario, "--kubeconfig", kubeconfig), env=env_for(scenario))
        assert result.exit_code == scenario.expected["explain_exit"], result.stderr
        check_document(result.json, scenario, offline=False)
        assert write_verbs(server) == []
        assert all(record.method == "GET" for record in server.requests)


@pytest.mark.parametrize("name", scenario_names())
def test_status_and_explain_give_the_same_cause(name):
    scenario = load_scenario(name)
    source = ("--from-file", scenario.dir / "objects.yaml")
    status = run_cli("status", scenario.expected["workflow"], "-n", scenario.expected["namespace"], *source, "-o",
                     "json", env=env_for(scenario)).json
    explained = run_cli(*explain_args(scenario, *source), env=env_for(scenario)).json
    assert [(s["nodeId"], s["cause"]) for s in status["steps"]] == \
        [(s["nodeId"], s["cause"]) for s in explained["steps"]]


@pytest.mark.parametrize("name", [n for n in scenario_names() if load_scenario(n).expected["explain_exit"] == 3][:4]
                         + ["quota-wait"])
def test_exit_code_through_click_standalone(name):
    """Through click in standalone mode, the way the installed command exits."""
    scenario = load_scenario(name)
    args = explain_args(scenario, "--from-file", str(scenario.dir / "objects.yaml"))
    result = CliRunner().invoke(cli, list(args), env={**env_for(scenario), "NO_COLOR": "1"})
    assert result.exit_code == scenario.expected["explain_exit"], result.output


def test_options_after_the_workflow_name_are_read():
    scenario = load_scenario("quota-wait")
    expected = scenario.expected
    result = run_cli("explain", expected["workflow"], "-n", expected["namespace"], "--from-file",
                     scenario.dir / "objects.yaml", "-o", "json", env=env_for(scenario))
    assert result.exit_code == 0, result.stderr
    check_document(result.json, scenario, offline=True)


@pytest.mark.parametrize("name", ["quota-wait", "never-created", "suspended-workflow", "pod-group-incomplete"])
def test_explain_text_is_plain_and_fits_a_terminal(name):
    scenario = load_scenario(name)
    expected = scenario.expected
    result = run_cli("explain", "-n", expected["namespace"], "--from-file", scenario.dir / "objects.yaml",
                     expected["workflow"], env={**env_for(scenario), "COLUMNS": "100"})
    assert result.exit_code == expected["explain_exit"], result.stderr
    assert "\x1b" not in result.stdout
    for codes in expected["explain_findings"].values():
        for code in codes:
            assert f"] {code}\n" in result.stdout
    assert "Evidence:" in result.stdout and "Fix:" in result.stdout
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


@pytest.mark.parametrize("name", ["lq-hold-and-drain", "unschedulable"])
def test_one_step_with_step_option(name):
    scenario = load_scenario(name)
    wanted = sorted(scenario.expected["explain_findings"])[0]
    result = run_cli("explain", scenario.expected["workflow"], "-n", scenario.expected["namespace"], "--from-file",
                     scenario.dir / "objects.yaml", "--step", wanted, "-o", "json", env=env_for(scenario))
    assert [step["displayName"] for step in result.json["steps"]] == [wanted]
    assert {f["step"] for f in result.json["findings"]} == {wanted}
    text = run_cli("explain", scenario.expected["workflow"], "-n", scenario.expected["namespace"], "--from-file",
                   scenario.dir / "objects.yaml", "--step", wanted, env=env_for(scenario)).stdout
    others = set(scenario.expected["explain_findings"]) - {wanted}
    assert all(f"\n{other}  " not in text for other in others), text


def test_unknown_step_is_a_clear_error():
    scenario = load_scenario("quota-wait")
    result = run_cli("explain", scenario.expected["workflow"], "-n", "ml-team", "--from-file",
                     scenario.dir / "objects.yaml", "--step", "nope", env=env_for(scenario))
    assert result.exit_code == 1
    assert result.stderr.strip() == 'error: step "nope" not found in workflow "train-q2w8e"'


def test_every_cause_has_a_scenario_with_evidence_and_a_fix_checked():
    """Acceptance of issue 8: each cause of the vocabulary has a realistic fixture whose tests (offline and
    live, above) assert the cause on a step, a piece of its evidence and a fix that fits it."""
    covered = set()
    for name in scenario_names():
        scenario = load_scenario(name)
        causes = {fields.get("cause") for fields in scenario.expected_steps().values()}
        for code, parts in scenario.expected.get("explain_check", {}).items():
            if code in causes and parts.get("evidence") and parts.get("remedy"):
                covered.add(code)
    assert set(CAUSES) - covered == set()


@pytest.mark.parametrize("name", scenario_names())
def test_explain_live_and_offline_agree(name, tmp_path):
    """Same objects, same words: the diagnosis does not depend on where the objects were read."""
    scenario = load_scenario(name)
    if scenario.expected["server"].get("forbid") or scenario.expected.get("offline"):
        pytest.skip("forbidden or unserved reads make the live view differ from the files on purpose")
    offline = run_cli(*explain_args(scenario, "--from-file", scenario.dir / "objects.yaml"), env=env_for(scenario))
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        live = run_cli(*explain_args(scenario, "--kubeconfig", kubeconfig), env=env_for(scenario))
    assert offline.json == live.json


def test_a_memoized_step_says_so_and_never_that_its_pod_is_gone():
    scenario = load_scenario("memoized")
    text = run_cli("explain", scenario.expected["workflow"], "-n", "ml-team", "--from-file",
                   scenario.dir / "objects.yaml", "--step", "prep", env=env_for(scenario)).stdout
    assert "prep  Pod · template prep · Succeeded · Kueue NoPod (MemoizationHit)" in text
    assert "memoization cache hit: Argo reused the outputs saved under key prep-v3" in text and "gone" not in text
