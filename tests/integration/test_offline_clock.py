"""Offline, the header says where the clock comes from: the snapshot, or KUEUE_ARGO_NOW."""
from tests.support.cli import run_cli
from tests.support.paths import EXAMPLES

EXAMPLE = EXAMPLES / "queue-per-template"
WF = "steps-x7k2p"


def header(env):
    result = run_cli("status", WF, "--from-file", EXAMPLE, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout.split("\n\n")[0]


def test_a_pinned_clock_is_called_pinned_not_the_latest_timestamp_in_the_files():
    text = header({"KUEUE_ARGO_NOW": "2026-08-24T10:20:00Z"})
    assert "Now:                 2026-08-24T10:20:00Z (pinned by KUEUE_ARGO_NOW)" in text.splitlines()
    assert "latest timestamp" not in text and "Snapshot time" not in text
    assert "Created:             2026-08-24T10:00:00Z (20m ago)" in text


def test_without_a_pinned_clock_the_snapshot_time_is_the_latest_timestamp_in_the_files():
    text = header({"KUEUE_ARGO_NOW": ""})
    assert "Snapshot time:       2026-08-24T10:00:48Z (the latest timestamp in the files)" in text.splitlines()
    assert "pinned" not in text


def test_a_live_header_has_neither_line(tmp_path):
    from tests.support.live import serve_scenario
    from tests.support.scenarios import load_scenario

    scenario = load_scenario("queue-per-template")
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        result = run_cli("status", WF, "--kubeconfig", kubeconfig)
    assert result.exit_code == 0, result.stderr
    assert "Snapshot time" not in result.stdout and "Now:" not in result.stdout
