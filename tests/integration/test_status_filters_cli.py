"""`status WF --state/--cause/--queue/--waiting` through the CLI, in every output format, live and offline."""
import pytest
import yaml

from tests.support.cli import run_cli
from tests.support.live import serve_scenario
from tests.support.paths import EXAMPLES
from tests.support.scenarios import load_scenario

EXAMPLE = EXAMPLES / "queue-per-template"
WF = "steps-x7k2p"
FANOUT = "dag-fanout-positions"


def step_names(table):
    """Step names of a table's rows (the word after the phase icon)."""
    rows = table.split("\n\n")[1].splitlines()[1:] if "Name:" in table else table.splitlines()
    return [row.split()[1] for row in rows if row.strip()]


def test_state_filter_in_the_table_keeps_the_header_counts():
    result = run_cli("status", WF, "--from-file", EXAMPLE, "--state", "Pending")
    assert result.exit_code == 0, result.stderr
    assert "Queueing:            1 step waiting for quota, 1 admitted, 1 finished" in result.stdout
    assert "Showing:             1 of 3 steps (state Pending)" in result.stdout
    assert step_names(result.stdout) == ["hello2b"]


@pytest.mark.parametrize("args, expected", [
    (["--state", "Pending,Finished"], ["hello1", "hello2b"]),
    (["--state", "pending", "--state", "admitted"], ["hello2a", "hello2b"]),
    (["--queue", "user-queue"], ["hello1", "hello2a"]),
    (["--queue", "user-queue", "--state", "Finished"], ["hello1"]),
    (["--waiting"], ["hello2b"]),
])
def test_filters_in_json_and_yaml(args, expected):
    as_json = run_cli("status", WF, "--from-file", EXAMPLE, "-o", "json", *args)
    assert as_json.exit_code == 0, as_json.stderr
    assert [step["displayName"] for step in as_json.json["steps"]] == expected
    assert sum(as_json.json["summary"].values()) == 3  # the summary still counts every step
    as_yaml = run_cli("status", WF, "--from-file", EXAMPLE, "-o", "yaml", *args)
    assert [step["displayName"] for step in yaml.safe_load(as_yaml.stdout)["steps"]] == expected


def test_filters_in_wide_no_headers_and_the_timeline():
    wide = run_cli("status", WF, "--from-file", EXAMPLE, "-o", "wide", "--waiting")
    assert "hello2b" in wide.stdout and "hello2a" not in wide.stdout and "WORKLOAD" in wide.stdout
    bare = run_cli("status", WF, "--from-file", EXAMPLE, "--no-headers", "--queue", "user-queue-2")
    assert [line.split()[1] for line in bare.stdout.splitlines()] == ["hello2b"]
    timeline = run_cli("status", WF, "--from-file", EXAMPLE, "--timeline", "--state", "Admitted")
    labels = [line.split()[0] for line in timeline.stdout.splitlines()[1:] if line.startswith("hello")]
    assert labels == ["hello2a"]
    document = run_cli("status", WF, "--from-file", EXAMPLE, "--timeline", "-o", "json", "--state", "Admitted").json
    assert [step["displayName"] for step in document["timeline"]["steps"]] == ["hello2a"]


def test_filters_on_a_live_cluster(tmp_path):
    scenario = load_scenario(FANOUT)
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        result = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "--waiting")
        document = run_cli("status", scenario.expected["workflow"], "--kubeconfig", kubeconfig, "-o", "json",
                           "--state", "Admitted").json
    assert result.exit_code == 0, result.stderr
    assert step_names(result.stdout) == ["shard-2", "shard-3", "shard-4", "shard-5"]
    assert "Showing:             4 of 7 steps (waiting)" in result.stdout
    assert [step["displayName"] for step in document["steps"]] == ["shard-0", "shard-1"]


def test_nothing_matches_is_not_an_error():
    result = run_cli("status", WF, "--from-file", EXAMPLE, "--state", "Evicted")
    assert result.exit_code == 0
    assert "No step matches (state Evicted)." in result.stdout


@pytest.mark.parametrize("flag, value, allowed", [
    ("--state", "Waiting", "NoPod, Unmanaged, AwaitingWorkload"),
    ("--cause", "Slow", "WaitingForQuota, WaitingForTopology"),
])
def test_unknown_values_are_usage_errors_listing_the_allowed_ones(flag, value, allowed):
    result = run_cli("status", WF, "--from-file", EXAMPLE, flag, value)
    assert result.exit_code == 2
    first, hint = result.stderr.splitlines()
    assert first.startswith(f'error: invalid value "{value}" for {flag}: allowed values are {allowed}')
    assert hint == "See 'kubectl kueue-argo status -h' for help and examples."


def test_cause_filter_keeps_exactly_the_steps_with_those_causes():
    everything = run_cli("status", WF, "--from-file", EXAMPLE, "-o", "json").json["steps"]
    result = run_cli("status", WF, "--from-file", EXAMPLE, "--cause", "WaitingForQuota,NeverFits", "-o", "json")
    assert result.exit_code == 0, result.stderr
    expected = [step["displayName"] for step in everything if step["cause"] in ("WaitingForQuota", "NeverFits")]
    assert [step["displayName"] for step in result.json["steps"]] == expected
    # Once the causes are filled in (explain's cause vocabulary), hello2b waits for quota.
    if any(step["cause"] for step in everything):
        assert expected == ["hello2b"]


def test_filters_need_a_workflow():
    result = run_cli("status", "--from-file", EXAMPLE, "--waiting")
    assert result.exit_code == 2
    assert "filter the steps of a WORKFLOW" in result.stderr
