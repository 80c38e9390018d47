"""The namespace overview reads a constant number of LISTs (plus pages) whatever the number of
workflows, pods and steps, and never the pods or Workloads of finished workflows."""
import math

from benchmarks.scale import build_overview_state
from tests.support.cli import run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig
from tests.support.live import load_into

PAGE = 500


def _overview(tmp_path, **sizes):
    objects, counts = build_overview_state(**sizes)
    finished = {obj["metadata"]["name"] for obj in objects if obj.get("kind") == "Workflow"
                and obj["status"]["phase"] == "Succeeded"}
    with FakeApiServer() as server:
        load_into(server, objects)
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace="ml-team")
        result = run_cli("status", "--kubeconfig", kubeconfig, "-o", "json")
        assert result.exit_code == 0, result.stderr
        return result.json, list(server.requests), finished, counts


def _by_resource(records):
    counts = {}
    for record in records:
        counts[record.resource] = counts.get(record.resource, 0) + 1
    return counts


def test_overview_requests_do_not_grow_with_workflows_or_steps(tmp_path):
    small, small_requests, _, _ = _overview(tmp_path, finished=2, pods_per=3, big=10)
    large, large_requests, finished, counts = _overview(tmp_path, finished=12, pods_per=50, big=700)
    assert len(large["workflows"]) == 13 and counts["Pod"] > 1200
    small_counts, large_counts = _by_resource(small_requests), _by_resource(large_requests)
    running_pods = sum(1 for record in large_requests if record.resource == "pods")
    for resource in set(small_counts) | set(large_counts):
        if resource in ("pods", "workloads"):
            continue   # pages of 500 pods, and job-uid selectors of 500 UIDs
        assert small_counts.get(resource) == large_counts.get(resource), resource
    pods_of_running = 700 + 1   # no pod for a few steps, so fewer
    assert running_pods <= math.ceil(pods_of_running / PAGE)
    assert large_counts["workloads"] <= math.ceil(pods_of_running / PAGE)
    assert all(record.verb in ("list", "get") and record.name is None for record in large_requests
               if record.resource in ("pods", "workloads"))
    pod_selectors = [record.query.get("labelSelector", "") for record in large_requests if record.resource == "pods"]
    assert pod_selectors and not any(name in selector for selector in pod_selectors for name in finished)


def test_finished_workflows_are_counted_from_their_node_status(tmp_path):
    document, _, finished, _ = _overview(tmp_path, finished=3, pods_per=4, big=10)
    rows = {row["name"]: row for row in document["workflows"]}
    for name in finished:
        row = rows[name]
        assert row["phase"] == "Succeeded" and row["steps"]["progress"] == "4/4"
        assert row["summary"]["Finished"] == 4 and row["steps"]["waiting"] == 0 and row["longestWait"] is None
    running = [row for name, row in rows.items() if name not in finished]
    assert len(running) == 1 and running[0]["steps"]["waiting"] > 0 and running[0]["longestWait"]


def test_overview_columns_follow_progress_count_waiting_steps_and_errors(tmp_path):
    from tests.support.scenarios import load_scenario

    with FakeApiServer() as server:
        expected = {}
        for name in ("gate-not-removed", "queue-per-template", "finished-podgc"):
            scenario = load_scenario(name)
            load_into(server, [obj for obj in scenario.objects if obj.get("kind") != "Namespace"])
            workflow = next(obj for obj in scenario.objects if obj.get("kind") == "Workflow")
            expected[workflow["metadata"]["name"]] = workflow["status"].get("progress")
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace="ml-team")
        table = run_cli("status", "--kubeconfig", kubeconfig, env={"KUEUE_ARGO_NOW": "2026-08-24T10:30:00Z"})
    assert table.exit_code == 0, table.stderr
    header, *lines = table.stdout.splitlines()
    columns = header.split()
    assert columns == ["NAME", "PHASE", "STEPS", "WAITING", "INADMISSIBLE", "ADMITTED", "UNMANAGED", "ERRORS",
                       "LONGEST-WAIT", "AGE"]
    rows = {line.split()[0]: dict(zip(columns, line.split())) for line in lines}
    for name, progress in expected.items():
        assert rows[name]["STEPS"] == progress
    stuck = rows["stuck-g4t3z"]       # GateNotRemoved: admitted but still gated, an error finding
    assert stuck["ERRORS"] == "1" and stuck["WAITING"] == "0"
    assert rows["steps-x7k2p"]["WAITING"] == "1" and rows["steps-x7k2p"]["ERRORS"] == "0"
    finished = [row for row in rows.values() if row["PHASE"] in ("Succeeded", "Failed")]
    assert finished and all(row["WAITING"] == "0" and row["ERRORS"] == "0" for row in finished)


def test_interval_must_be_a_duration():
    from tests.support.paths import EXAMPLES

    for bad in ("0", "abc", "10ms", "-1s"):
        result = run_cli("status", "steps-x7k2p", "--from-file", EXAMPLES / "queue-per-template", "--interval", bad)
        assert result.exit_code == 2 and f'invalid --interval "{bad}"' in result.stderr, result.stderr
    ok = run_cli("status", "steps-x7k2p", "--from-file", EXAMPLES / "queue-per-template", "--interval", "500ms")
    assert ok.exit_code == 0, ok.stderr


def test_status_requests_do_not_grow_with_steps_or_unrelated_objects(tmp_path):
    from benchmarks import cluster

    def requests_for(n_steps, m_unrelated):
        objects, counts = cluster.build_state(n_steps, m_unrelated)
        with FakeApiServer() as server:
            load_into(server, objects)
            kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=cluster.NAMESPACE)
            result = run_cli("status", cluster.WORKFLOW, "--kubeconfig", kubeconfig, "-o", "json",
                             env={"KUEUE_ARGO_NOW": cluster.NOW})
            assert result.exit_code == 0, result.stderr
            return _by_resource(server.requests), counts

    small, _ = requests_for(40, 0)
    large, counts = requests_for(600, 200)
    for resource in set(small) | set(large):
        if resource in ("pods", "workloads", "localqueues/pendingworkloads"):
            continue   # pages of 500 pods and of 500 job-uids, of 1,000 queue positions
        assert small.get(resource) == large.get(resource), resource
    assert large["pods"] == math.ceil(counts["pods"] / PAGE)
    assert large["workloads"] == math.ceil(counts["pods"] / PAGE)
