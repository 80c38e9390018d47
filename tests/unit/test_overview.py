"""The namespace overview (interpret/status/overview.py): one row per workflow, the longest wait first."""
from datetime import datetime, timezone

from kubectl_kueue_argo.interpret import names
from kubectl_kueue_argo.interpret.status.overview import build_overview, overview_document
from kubectl_kueue_argo.model import KUEUE_STATES, Finding

NOW = datetime(2026, 8, 24, 10, 20, tzinfo=timezone.utc)
GATE = [{"name": "kueue.x-k8s.io/admission"}]


def workflow(name, namespace, steps, phase="Running", created="2026-08-24T10:00:00Z"):
    """steps: (display name, node phase)."""
    nodes = {name: {"id": name, "name": name, "displayName": name, "type": "Steps", "phase": phase,
                    "children": [names.node_id(name, f"{name}[0].{step}") for step, _ in steps]}}
    for step, step_phase in steps:
        node_id = names.node_id(name, f"{name}[0].{step}")
        nodes[node_id] = {"id": node_id, "name": f"{name}[0].{step}", "displayName": step, "type": "Pod",
                          "phase": step_phase, "boundaryID": name, "templateName": "main"}
    status = {"nodes": nodes}
    if phase:
        status["phase"] = phase
    return {"kind": "Workflow", "metadata": {"name": name, "namespace": namespace, "creationTimestamp": created},
            "spec": {"templates": []}, "status": status}


def pod(workflow_name, namespace, step, created, gated, queue):
    return {"kind": "Pod", "metadata": {
        "name": f"{workflow_name}-{step}", "namespace": namespace, "uid": f"uid-{workflow_name}-{step}",
        "creationTimestamp": created,
        "labels": {"workflows.argoproj.io/workflow": workflow_name, "kueue.x-k8s.io/queue-name": queue,
                   "kueue.x-k8s.io/managed": "true"},
        "annotations": {"workflows.argoproj.io/node-name": f"{workflow_name}[0].{step}"}},
        "spec": {"schedulingGates": GATE if gated else []}, "status": {"phase": "Pending" if gated else "Running"}}


def admitted_workload(pod_object, at):
    meta = pod_object["metadata"]
    return {"kind": "Workload", "metadata": {
        "name": f"pod-{meta['name']}", "namespace": meta["namespace"],
        "ownerReferences": [{"kind": "Pod", "name": meta["name"], "uid": meta["uid"], "controller": True}]},
        "spec": {"queueName": meta["labels"]["kueue.x-k8s.io/queue-name"]},
        "status": {"conditions": [{"type": "QuotaReserved", "status": "True", "lastTransitionTime": at},
                                  {"type": "Admitted", "status": "True", "lastTransitionTime": at}]}}


def local_queue(name, namespace, cluster_queue):
    return {"kind": "LocalQueue", "metadata": {"name": name, "namespace": namespace}, "spec": {"clusterQueue": cluster_queue}}


WORKFLOWS = [
    workflow("done", "ml-team", [("only", "Succeeded")], phase="Succeeded"),
    workflow("short", "cv-team", [("wait", "Pending")], created="2026-08-24T10:09:00Z"),
    workflow("long", "ml-team", [("run", "Running"), ("wait", "Pending")], phase=None),
]
RUNNING = pod("long", "ml-team", "run", "2026-08-24T10:00:01Z", gated=False, queue="ml-queue")
PODS = [pod("short", "cv-team", "wait", "2026-08-24T10:10:00Z", gated=True, queue="cv-queue"),
        pod("long", "ml-team", "wait", "2026-08-24T10:05:00Z", gated=True, queue="ml-queue"),
        RUNNING,
        pod("short", "ml-team", "wait", "2026-08-24T09:00:00Z", gated=True, queue="ml-queue")]  # another namespace's
QUEUES = [local_queue("ml-queue", "ml-team", "ml-cq"), local_queue("cv-queue", "cv-team", "cv-cq"),
          local_queue("cv-queue", "ml-team", "wrong-cq")]


def counts(**nonzero):
    return {state: nonzero.get(state, 0) for state in KUEUE_STATES}


def test_rows_come_longest_wait_first_with_their_counts():
    overview = build_overview(WORKFLOWS, PODS, [admitted_workload(RUNNING, "2026-08-24T10:00:31Z")], QUEUES, NOW,
                              all_namespaces=True, notes=[Finding("X", "info", "note")])
    assert [(row.namespace, row.name, row.phase, row.running_steps, row.total_steps) for row in overview.rows] == [
        ("ml-team", "long", "Pending", 1, 2), ("cv-team", "short", "Running", 0, 1),
        ("ml-team", "done", "Succeeded", 0, 1)]
    long, short, done = overview.rows
    assert (long.longest_wait.seconds, long.longest_wait.queue, long.longest_wait.step) == (900.0, "ml-queue", "wait")
    assert (short.longest_wait.seconds, short.longest_wait.queue) == (600.0, "cv-queue")
    assert done.longest_wait is None
    assert long.summary == counts(AwaitingWorkload=1, Admitted=1)
    # a finished workflow's pods are not read: its succeeded step counts as Finished
    assert short.summary == counts(AwaitingWorkload=1) and done.summary == counts(Finished=1)
    # gated for 10 and 15 minutes with no Workload: WorkloadNotCreated, a blocked cause, is an error
    assert [(row.waiting_steps, row.done_steps, row.errors) for row in overview.rows] == [(1, 0, 1), (1, 0, 1),
                                                                                          (0, 1, 0)]
    assert (long.age_seconds, short.age_seconds, long.created) == (1200.0, 660.0, "2026-08-24T10:00:00Z")
    assert (overview.all_namespaces, [f.code for f in overview.findings]) == (True, ["X"])


def test_rows_without_waits_sort_by_namespace_then_name():
    finished = [workflow(name, namespace, [("s", "Succeeded")], phase="Succeeded")
                for name, namespace in (("b", "z-ns"), ("b", "a-ns"), ("a", "z-ns"))]
    rows = build_overview(finished, [], [], [], NOW).rows
    assert [(row.namespace, row.name) for row in rows] == [("a-ns", "b"), ("z-ns", "a"), ("z-ns", "b")]


def test_unreadable_workloads_make_gated_pods_pending():
    assert build_overview(WORKFLOWS[1:2], PODS[:1], None, None, NOW).rows[0].summary == counts(Pending=1)


def test_the_overview_document():
    note = Finding("KueueNotInstalled", "warning", "m")
    overview = build_overview(WORKFLOWS, PODS, [], QUEUES, NOW, notes=[note])
    assert overview_document(overview) == {
        "workflows": [
            {"name": "long", "namespace": "ml-team", "phase": "Pending", "suspended": False,
             "steps": {"done": 0, "progress": "0/2", "running": 1, "total": 2, "waiting": 1},
             "summary": counts(AwaitingWorkload=1, Admitted=1), "errors": 1,
             "longestWait": {"seconds": 900.0, "queue": "ml-queue", "step": "wait"},
             "createdAt": "2026-08-24T10:00:00Z"},
            {"name": "short", "namespace": "cv-team", "phase": "Running", "suspended": False,
             "steps": {"done": 0, "progress": "0/1", "running": 0, "total": 1, "waiting": 1},
             "summary": counts(AwaitingWorkload=1), "errors": 1,
             "longestWait": {"seconds": 600.0, "queue": "cv-queue", "step": "wait"},
             "createdAt": "2026-08-24T10:09:00Z"},
            {"name": "done", "namespace": "ml-team", "phase": "Succeeded", "suspended": False,
             "steps": {"done": 1, "progress": "1/1", "running": 0, "total": 1, "waiting": 0},
             "summary": counts(Finished=1), "errors": 0, "longestWait": None,
             "createdAt": "2026-08-24T10:00:00Z"}],
        "findings": [note.as_dict()]}


def pending_workload(pod_object):
    meta = pod_object["metadata"]
    return {"kind": "Workload", "metadata": {
        "name": f"pod-{meta['name']}", "namespace": meta["namespace"],
        "ownerReferences": [{"kind": "Pod", "name": meta["name"], "uid": meta["uid"], "controller": True}]},
        "spec": {"queueName": meta["labels"]["kueue.x-k8s.io/queue-name"]},
        "status": {"conditions": [{"type": "QuotaReserved", "status": "False", "reason": "Pending",
                                   "message": "insufficient unused quota for cpu in flavor f, 1 more needed"}]}}


def test_workloads_are_found_across_namespaces_and_only_current_waits_count():
    gated = pod("short", "cv-team", "wait", "2026-08-24T10:10:00.12345Z", gated=True, queue="cv-queue")
    was_queued = pod("admitted", "ml-team", "run", "2026-08-24T10:00:00Z", gated=False, queue="ml-queue")
    workflows = [WORKFLOWS[1], workflow("admitted", "ml-team", [("run", "Running")])]
    overview = build_overview(workflows, [gated, was_queued],
                              [pending_workload(gated), admitted_workload(was_queued, "2026-08-24T10:05:00Z")],
                              QUEUES, NOW)
    short, admitted = overview.rows
    assert (short.summary, admitted.summary) == (counts(Pending=1), counts(Admitted=1))
    assert admitted.longest_wait is None            # it waited 5 minutes, but waits no more
    assert overview_document(overview)["workflows"][0]["longestWait"] == {
        "seconds": 599.877, "queue": "cv-queue", "step": "wait"}


def test_steps_follow_argo_progress_when_it_has_its_shape():
    def progress_of(value):
        done = workflow("done", "ml-team", [("only", "Succeeded")], phase="Succeeded")
        done["status"]["progress"] = value
        return build_overview([done], [], [], QUEUES, NOW).rows[0].progress
    assert progress_of("3/5") == "3/5"
    assert [progress_of(value) for value in ("3/5/7", "3/x", "x/5", "35", "", None, 7)] == [None] * 7


def test_error_findings_count_once_per_step_and_workflow_findings_once_each():
    from types import SimpleNamespace
    from kubectl_kueue_argo.interpret.status import overview as overview_module
    findings = [Finding("A", "error", "m", node_id="n1"), Finding("B", "error", "m", node_id="n1"),
                Finding("C", "error", "m"), Finding("D", "warning", "m"), Finding("E", "info", "m", node_id="n2"),
                Finding("F", "warning", "m", node_id="n3")]
    report = SimpleNamespace(workflow={"name": "wf", "namespace": "ml-team", "phase": "Running"}, steps=[],
                             summary=counts(), findings=findings, snapshot=None)
    assert overview_module._row(report, NOW).errors == 2
