"""`explain` stays readable at any size: a 2,000-step workflow (built with the builders, as the
benchmarks build it) fits in 100 lines of grouped blocks, `--all` and `-o json` keep every step, and the
text is wrapped to the terminal width (COLUMNS, or the size of a real pseudo-terminal) without
splitting a word."""
import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios

import pytest

from benchmarks import cluster
from tests.support.cli import run_cli
from tests.support.paths import REPO
from tests.support.scenarios import load_scenario

STEPS = 2000


@pytest.fixture(scope="module")
def big_state(tmp_path_factory):
    objects, counts = cluster.build_state(STEPS, 40)
    path = tmp_path_factory.mktemp("big") / "state.json"
    path.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": objects}))
    return path


def explain(path, *extra, columns="100"):
    return run_cli("explain", cluster.WORKFLOW, "-n", cluster.NAMESPACE, "--from-file", path, *extra,
                   env={"KUEUE_ARGO_NOW": cluster.NOW, "COLUMNS": columns})


def test_2000_steps_fit_in_100_lines(big_state):
    result = explain(big_state)
    assert result.exit_code in (0, 3), result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) <= 100, len(lines)
    assert lines[1].startswith("Causes: ") and "WaitingForQuota" in lines[1]
    grouped = [line for line in lines if line[:1].isdigit() and " steps  Pod" in line]
    assert grouped, "identical diagnoses are grouped"
    assert any(line.startswith("  Positions held in LocalQueue user-queue: ") for line in lines)
    assert any(line.startswith("  Steps: ") and "more" in line for line in lines)


def test_json_and_all_keep_every_step(big_state):
    document = explain(big_state, "-o", "json").json
    assert len(document["steps"]) == STEPS
    unfinished = [s["displayName"] for s in document["steps"] if s["cause"] is not None]
    assert len(unfinished) > 1000
    text = explain(big_state, "--all").stdout
    headers = {line.split("  ", 1)[0] for line in text.splitlines() if "  Pod · " in line}
    assert set(unfinished) <= headers


def words_of(document):
    words = set()
    for finding in document["findings"]:
        for text in [finding["message"], finding["remedy"] or ""] + finding["evidence"]:
            words.update(text.split())
    return words


@pytest.mark.parametrize("columns", [80, 200])
def test_text_is_wrapped_to_columns_without_splitting_words(columns):
    scenario = load_scenario("queue-ahead-owners")
    args = ("explain", scenario.expected["workflow"], "-n", "ml-team", "--from-file", scenario.dir / "objects.yaml")
    env = {"KUEUE_ARGO_NOW": scenario.expected["now"], "COLUMNS": str(columns)}
    text = run_cli(*args, env=env).stdout
    document = run_cli(*args, "-o", "json", env=env).json
    lines = text.splitlines()
    too_long = [line for line in lines if len(line) > columns and " " in line.strip()]
    assert not too_long
    assert words_of(document) <= set(text.split())        # every word whole: none was split
    if columns == 200:
        assert max(len(line) for line in lines) > 100     # the width is used, not a fixed 100


def test_width_of_a_real_terminal():
    """No COLUMNS: the width comes from the pseudo-terminal the command writes to."""
    scenario = load_scenario("quota-wait")
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 72, 0, 0))
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    env.update(KUEUE_ARGO_NOW=scenario.expected["now"], NO_COLOR="1", PYTHONPATH=str(REPO))
    process = subprocess.Popen([sys.executable, "-m", "kubectl_kueue_argo", "explain", "train-q2w8e", "-n", "ml-team",
                                "--from-file", str(scenario.dir / "objects.yaml")],
                               stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(leader)
    lines = output.decode().replace("\r\n", "\n").splitlines()
    assert any("WaitingForQuota" in line for line in lines)
    assert max(len(line) for line in lines if " " in line.strip()) <= 72
