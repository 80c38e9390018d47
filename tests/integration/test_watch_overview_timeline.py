"""`status -w`, the namespace overview and `--timeline`, through the fake API server."""
import copy
import subprocess
import sys
import threading
import time

import pytest

from tests.support.cli import FIXED_NOW, run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import load_into, serve_scenario
from tests.support.paths import EXAMPLES, REPO
from tests.support.scenarios import load_scenario

WF = "steps-x7k2p"
PENDING_POD = "steps-x7k2p-whalesay-queue-2-3629792798"


def _find(server, kind, name, namespace="ml-team"):
    return copy.deepcopy(server.get(kind, namespace, name))


def _workload_of(server, pod_name):
    for workload in server.objects("Workload", "ml-team"):
        owners = [ref["name"] for ref in workload["metadata"].get("ownerReferences") or []]
        if pod_name in owners:
            return copy.deepcopy(workload)
    raise AssertionError(f"no Workload for {pod_name}")


def _admit(server, when="2026-08-24T10:06:00Z"):
    workload = _workload_of(server, PENDING_POD)
    workload["status"] = {
        "admission": {"clusterQueue": "cluster-queue-2", "podSetAssignments": [
            {"name": "main", "count": 1, "flavors": {"cpu": "on-demand", "memory": "on-demand"},
             "resourceUsage": {"cpu": "2", "memory": "1Gi"}}]},
        "conditions": [
            {"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved",
             "message": "Quota reserved in ClusterQueue cluster-queue-2", "lastTransitionTime": when},
            {"type": "Admitted", "status": "True", "reason": "Admitted", "message": "The workload is admitted",
             "lastTransitionTime": when}]}
    server.update(workload)
    pod = _find(server, "Pod", PENDING_POD)
    pod["spec"].pop("schedulingGates", None)
    pod["status"] = {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": when}]}
    server.update(pod)


def _run(server, when="2026-08-24T10:06:10Z"):
    pod = _find(server, "Pod", PENDING_POD)
    pod["status"]["phase"] = "Running"
    pod["status"]["startTime"] = when
    server.update(pod)
    workflow = _find(server, "Workflow", WF)
    for node in workflow["status"]["nodes"].values():
        if node["displayName"] == "hello2b":
            node["phase"] = "Running"
    server.update(workflow)


def _finish(server, when="2026-08-24T10:07:00Z"):
    workload = _workload_of(server, PENDING_POD)
    workload["status"]["conditions"].append({"type": "Finished", "status": "True", "reason": "Succeeded",
                                             "message": "", "lastTransitionTime": when})
    server.update(workload)
    pod = _find(server, "Pod", PENDING_POD)
    pod["status"]["phase"] = "Succeeded"
    server.update(pod)
    workflow = _find(server, "Workflow", WF)
    for node in workflow["status"]["nodes"].values():
        node["phase"] = "Succeeded"
        node.setdefault("finishedAt", when)
    workflow["status"]["phase"] = "Succeeded"
    workflow["status"]["finishedAt"] = when
    server.update(workflow)


def _start_watch(kubeconfig, *args):
    return subprocess.Popen(
        [sys.executable, "-m", "kubectl_kueue_argo", "status", *args, "-n", "ml-team", "--kubeconfig", kubeconfig, "-w"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
        env={"PATH": "/usr/bin:/bin", "KUEUE_ARGO_NOW": FIXED_NOW, "NO_COLOR": "1", "HOME": str(REPO)})


def _hello2b_phases(output):
    return [line.split()[3] for line in output.splitlines() if "hello2b" in line and "whalesay-queue-2" in line]


def _hello2b_states(output):
    return [line.split()[6] for line in output.splitlines() if "hello2b" in line and "whalesay-queue-2" in line]


class _Output:
    """Collects a process's stdout in the background, so a test can wait for a view to appear."""

    def __init__(self, stream):
        self.lines = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        for line in stream:
            self.lines.append(line)

    def wait_for(self, predicate, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate("".join(self.lines)):
                return
            time.sleep(0.05)
        raise AssertionError(f"timed out; output so far:\n{''.join(self.lines)}")

    def text(self):
        self._thread.join(timeout=10)
        return "".join(self.lines)


def test_watch_follows_a_step_from_gated_to_finished_and_ends_with_the_workflow(tmp_path):
    scenario = load_scenario("queue-per-template")
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        process = _start_watch(kubeconfig, WF, "-o", "wide")  # TEMPLATE and PHASE are -o wide columns
        output = _Output(process.stdout)
        try:
            server.wait_for_watchers(3, timeout=20)
            output.wait_for(lambda text: "Pending" in _hello2b_states(text))
            _admit(server)
            output.wait_for(lambda text: "Admitted" in _hello2b_states(text))
            _run(server)
            output.wait_for(lambda text: "Running" in _hello2b_phases(text))
            opened = server.watches_opened
            assert server.expire_watches() == 3   # 410 Gone: the plugin lists again and goes on
            server.wait_for_watchers(3, timeout=30, opened_after=opened)
            opened = server.watches_opened
            assert server.drop_watches() == 3     # a dropped connection: it reconnects
            server.wait_for_watchers(3, timeout=30, opened_after=opened)
            _finish(server)
            process.wait(timeout=30)
            stderr = process.stderr.read()
        finally:
            process.kill()
        stdout = output.text()
        assert process.returncode == 0, stderr
        assert "Traceback" not in stderr
        states = _hello2b_states(stdout)
        assert states[0] == "Pending" and "Admitted" in states and states[-1] == "Finished", states
        phases = _hello2b_phases(stdout)
        assert phases[0] == "Pending" and "Running" in phases and phases[-1] == "Succeeded", phases
        assert stdout.count("STEP ") >= 3  # one table per change when piped
        assert all(record.method == "GET" for record in server.requests)
        assert any(record.verb == "watch" for record in server.requests)


def test_watch_of_a_missing_workflow_is_a_clean_error(tmp_path):
    scenario = load_scenario("queue-per-template")
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        result = run_cli("status", "nope", "-n", "ml-team", "--kubeconfig", kubeconfig, "-w")
    assert result.exit_code == 1
    assert result.stderr.startswith('error: workflows.argoproj.io "nope" not found in namespace "ml-team"')


def test_watch_ends_cleanly_on_ctrl_c(tmp_path):
    scenario = load_scenario("queue-per-template")
    with serve_scenario(scenario, tmp_path) as (server, kubeconfig):
        process = _start_watch(kubeconfig, WF)
        try:
            server.wait_for_watchers(3, timeout=20)
            first_line = process.stdout.readline()   # the first view is on screen
            process.send_signal(2)
            stdout, stderr = process.communicate(timeout=20)
        finally:
            process.kill()
    assert process.returncode == 130
    assert "Traceback" not in stderr and WF in first_line


def test_watch_needs_a_cluster():
    result = run_cli("status", WF, "--from-file", EXAMPLES / "queue-per-template", "-w")
    assert result.exit_code == 2 and "--watch needs a cluster" in result.stderr


OVERVIEW_SCENARIOS = ("queue-per-template", "dag-fanout-positions", "unlabelled-pods", "finished-podgc")


def _overview_server(tmp_path, latency=0.0):
    server = FakeApiServer(latency=latency)
    for name in OVERVIEW_SCENARIOS:
        scenario = load_scenario(name)
        load_into(server, [obj for obj in scenario.objects if obj.get("kind") != "Namespace"])
    return server, write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace="ml-team")


def test_overview_lists_workflows_longest_wait_first_with_constant_requests(tmp_path):
    server, kubeconfig = _overview_server(tmp_path)
    with server:
        result = run_cli("status", "--kubeconfig", kubeconfig, "-o", "json",
                         env={"KUEUE_ARGO_NOW": "2026-08-24T10:30:00Z"})
        assert result.exit_code == 0, result.stderr
        rows = result.json["workflows"]
        names = {load_scenario(name).expected["workflow"] for name in OVERVIEW_SCENARIOS}
        assert {row["name"] for row in rows} == names
        waits = [row["longestWait"]["seconds"] if row["longestWait"] else -1 for row in rows]
        assert waits == sorted(waits, reverse=True)
        fanout = next(row for row in rows if row["name"] == load_scenario("dag-fanout-positions").expected["workflow"])
        assert fanout["summary"]["Pending"] == 4 and fanout["summary"]["Admitted"] == 2
        unlabelled = next(row for row in rows if row["name"] == load_scenario("unlabelled-pods").expected["workflow"])
        assert unlabelled["summary"]["Unmanaged"] >= 1
        lists = [record for record in server.requests if record.verb == "list"]
        assert len(lists) == 4  # workflows, pods, Workloads, LocalQueues: never one per workflow or pod
        assert all(record.method == "GET" for record in server.requests)


def test_overview_table_all_namespaces_and_selector(tmp_path):
    server, kubeconfig = _overview_server(tmp_path)
    with server:
        table = run_cli("status", "-A", "--kubeconfig", kubeconfig)
        assert table.exit_code == 0, table.stderr
        header = table.stdout.splitlines()[0].split()
        assert header[:3] == ["NAMESPACE", "NAME", "PHASE"] and "LONGEST-WAIT" in header and header[-1] == "AGE"
        empty = run_cli("status", "-l", "no-such=label", "--kubeconfig", kubeconfig)
        assert empty.exit_code == 0 and empty.stdout == ""
        assert "No workflows found in ml-team namespace." in empty.stderr


def test_overview_watch_redraws_when_a_workflow_appears(tmp_path):
    server, kubeconfig = _overview_server(tmp_path)
    with server:
        process = subprocess.Popen(
            [sys.executable, "-m", "kubectl_kueue_argo", "status", "-A", "-w", "--kubeconfig", kubeconfig],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO,
            env={"PATH": "/usr/bin:/bin", "KUEUE_ARGO_NOW": FIXED_NOW, "NO_COLOR": "1", "HOME": str(REPO)})
        output = _Output(process.stdout)
        try:
            server.wait_for_watchers(3, timeout=20)
            output.wait_for(lambda text: WF in text)
            workflow = copy.deepcopy(server.get("Workflow", "ml-team", WF))
            workflow["metadata"]["name"] = "brand-new-wf"
            workflow["metadata"].pop("uid", None)
            server.add(workflow)
            output.wait_for(lambda text: "brand-new-wf" in text)
            process.send_signal(2)
            process.wait(timeout=20)
            stderr = process.stderr.read()
        finally:
            process.kill()
    stdout = output.text()
    assert "Traceback" not in stderr and process.returncode == 130
    tables = stdout.split("\n\n")
    assert "brand-new-wf" not in tables[0] and "brand-new-wf" in tables[-1]


def test_timeline_text_and_json_offline():
    text = run_cli("status", WF, "--from-file", EXAMPLES / "queue-per-template", "--timeline")
    assert text.exit_code == 0, text.stderr
    assert "░ queued (gated by Kueue)" in text.stdout and "█ admitted / running" in text.stdout
    assert "Queue that cost the most:" in text.stdout and "user-queue-2" in text.stdout
    ascii_text = run_cli("status", WF, "--from-file", EXAMPLES / "queue-per-template", "--timeline", "--no-utf8")
    assert "░" not in ascii_text.stdout and "#" in ascii_text.stdout
    data = run_cli("status", WF, "--from-file", EXAMPLES / "queue-per-template", "--timeline", "-o", "json").json
    steps = {step["displayName"]: step for step in data["timeline"]["steps"]}
    assert [interval["kind"] for interval in steps["hello2b"]["intervals"]] == ["queued"]
    assert [interval["kind"] for interval in steps["hello1"]["intervals"]][-1] == "running"
    assert data["timeline"]["summary"]["costliestQueue"] == "user-queue-2"


@pytest.mark.parametrize("width", ["60", "200"])
def test_timeline_fits_the_terminal(width):
    result = run_cli("status", WF, "--from-file", EXAMPLES / "queue-per-template", "--timeline",
                     env={"COLUMNS": width})
    chart = [line for line in result.stdout.splitlines() if line.startswith("hello")]
    assert chart and all(len(line) <= int(width) for line in chart)


def test_timeline_live_matches_offline(tmp_path):
    scenario = load_scenario("queue-per-template")
    env = {"KUEUE_ARGO_NOW": scenario.expected["now"]}
    offline = run_cli("status", WF, "-n", "ml-team", "--from-file", scenario.dir / "objects.yaml",
                      "--timeline", "-o", "json", env=env)
    with serve_scenario(scenario, tmp_path) as (_, kubeconfig):
        live = run_cli("status", WF, "-n", "ml-team", "--kubeconfig", kubeconfig, "--timeline", "-o", "json", env=env)
    assert offline.json["timeline"] == live.json["timeline"]
