"""`status WF --timeline`: the workflow's name, open bars, cut labels, unknown queued time, flags."""
from kubectl_kueue_argo.render.table import display_width
from tests.support.cli import run_cli
from tests.support.paths import EXAMPLES, FIXTURES
from tests.support.scenarios import load_scenario
from tests.support.terminal import run_in_terminal

EXAMPLE = EXAMPLES / "queue-per-template"
WF = "steps-x7k2p"
SNAPSHOT_CLOCK = {"KUEUE_ARGO_NOW": ""}  # offline: the clock is the snapshot's latest timestamp


def timeline(*args, env=SNAPSHOT_CLOCK):
    result = run_cli("status", WF, "--from-file", EXAMPLE, "--timeline", "--no-utf8", *args, env=env)
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()


def row(lines, name):
    return next(line for line in lines if line.startswith(name + " "))


def test_the_chart_header_names_the_workflow_and_the_span():
    header = timeline()[0]
    assert header.split()[0] == WF
    assert "2026-08-24T10:00:00Z" in header and header.endswith("2026-08-24T10:00:48Z") and " 48s " in header


def test_a_bar_still_waiting_ends_with_a_plus_and_so_does_its_time():
    lines = timeline()
    waiting = row(lines, "hello2b")
    bar = waiting.split("]", 1)[1].strip()
    assert bar.startswith(".") and bar.split()[0].endswith("+") and bar.endswith("7s+")
    running = row(lines, "hello2a")
    assert not running.endswith("+") and "+" not in running.split("]", 1)[1]


def test_labels_cut_at_a_narrow_width_end_with_an_ellipsis():
    result = run_in_terminal("status", WF, "--from-file", EXAMPLE, "--timeline", columns=50,
                             env=SNAPSHOT_CLOCK)
    assert result.exit_code == 0, result.raw
    rows = [line for line in result.lines if line.startswith("hello")]
    assert rows and all("…" in line.split("  ")[0] for line in rows), rows
    assert all(display_width(line) <= 50 for line in rows + result.lines[:1])
    # The legend goes on separate lines rather than wrap.
    assert any(line.strip().endswith("queued (gated by Kueue)") for line in result.lines)


def test_the_timeline_fits_80_columns_on_a_terminal():
    result = run_in_terminal("status", WF, "--from-file", EXAMPLE, "--timeline", columns=80, env=SNAPSHOT_CLOCK)
    assert all(display_width(line) <= 80 for line in result.lines), result.lines


def test_queued_time_of_steps_whose_pods_are_gone_is_unknown_not_zero():
    scenario = load_scenario("finished-podgc")
    files = FIXTURES / "scenarios" / "finished-podgc" / "objects.yaml"
    result = run_cli("status", scenario.expected["workflow"], "--from-file", files, "--timeline")
    assert result.exit_code == 0, result.stderr
    assert "Time queued for quota (sum over steps):   unknown (the pods are gone)" in result.stdout
    assert "Wall-clock time blocked on quota:         unknown (the pods are gone)" in result.stdout
    assert " 0s" not in result.stdout
    document = run_cli("status", scenario.expected["workflow"], "--from-file", files, "--timeline", "-o", "json").json
    assert document["timeline"]["summary"]["stepsWithUnknownQueuedTime"] == len(document["timeline"]["steps"]) == 2


def test_no_headers_prints_the_bars_only():
    lines = timeline("--no-headers")
    assert [line.split()[0] for line in lines] == ["hello1", "hello2a", "hello2b"]


def test_wide_adds_each_steps_queued_and_running_time():
    lines = timeline("-o", "wide")
    assert row(lines, "hello2b").endswith("queued 7s    ran 0s")
    assert row(lines, "hello1").endswith("queued 2s    ran 38s")
    assert "Time queued for quota" in "\n".join(lines)
