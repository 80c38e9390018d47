"""The correlation rules on small plain-dict cases: one step, its pod, its Workload."""
from datetime import datetime, timezone

import pytest

from kubectl_kueue_argo.interpret import names
from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.model import Snapshot

NOW = datetime(2026, 8, 24, 10, 20, tzinfo=timezone.utc)
WF = "wf-abcde"
NS = "ml-team"
STEP_NAME = f"{WF}[0].train"
STEP_ID = names.node_id(WF, STEP_NAME)
POD = names.pod_name_v2(WF, STEP_NAME, "train")
POD_UID = "11111111-2222-4333-8444-555555555555"
GATES = [{"name": "kueue.x-k8s.io/admission"}, {"name": "kueue.x-k8s.io/topology"}]


def workflow(step_type="Pod", phase="Pending", message=None, spec=None, templates=None):
    group = names.node_id(WF, f"{WF}[0]")
    nodes = {
        WF: {"id": WF, "name": WF, "displayName": WF, "type": "Steps", "phase": "Running", "children": [group],
             "templateName": "main", "startedAt": "2026-08-24T10:00:00Z"},
        group: {"id": group, "name": f"{WF}[0]", "displayName": "[0]", "type": "StepGroup", "phase": "Running",
                "boundaryID": WF, "children": [STEP_ID], "startedAt": "2026-08-24T10:00:00Z"},
        STEP_ID: {"id": STEP_ID, "name": STEP_NAME, "displayName": "train", "type": step_type, "phase": phase,
                  "boundaryID": WF, "templateName": "train", "startedAt": "2026-08-24T10:00:00Z",
                  **({"message": message} if message else {})},
    }
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
            "metadata": {"name": WF, "namespace": NS, "creationTimestamp": "2026-08-24T10:00:00Z"},
            "spec": {"entrypoint": "main", "templates": templates or [], **(spec or {})},
            "status": {"phase": "Running", "startedAt": "2026-08-24T10:00:00Z", "nodes": nodes}}


def pod(*, queue="user-queue", managed=True, gated=True, phase="Pending", gates=None):
    labels = {"workflows.argoproj.io/workflow": WF}
    if queue:
        labels["kueue.x-k8s.io/queue-name"] = queue
    if managed:
        labels["kueue.x-k8s.io/managed"] = "true"
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": POD, "namespace": NS, "uid": POD_UID, "labels": labels,
                         "annotations": {"workflows.argoproj.io/node-id": STEP_ID},
                         "creationTimestamp": "2026-08-24T10:00:05Z"},
            "spec": {"schedulingGates": gates if gates is not None else (GATES if gated else []),
                     "containers": [{"name": "main", "image": "busybox"}]},
            "status": {"phase": phase}}


def condition(kind, status="True", reason=None, message="", when="2026-08-24T10:10:05Z"):
    return {"type": kind, "status": status, "reason": reason or kind, "message": message, "lastTransitionTime": when}


def workload(*conditions, cluster_queue=None):
    status = {"conditions": list(conditions)}
    if cluster_queue:
        status["admission"] = {"clusterQueue": cluster_queue, "podSetAssignments": [
            {"name": "main", "count": 1, "flavors": {"cpu": "on-demand"}, "resourceUsage": {"cpu": "1"}}]}
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Workload",
            "metadata": {"name": names.pod_workload_name(POD, POD_UID), "namespace": NS,
                         "labels": {"kueue.x-k8s.io/job-uid": POD_UID},
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": POD, "uid": POD_UID,
                                              "controller": True}]},
            "spec": {"queueName": "user-queue", "podSets": []}, "status": status}


def step_of(**snapshot_fields):
    fields = {"namespace": NS, "workflow": workflow(), "pods": [], "workloads": [], "local_queues": [],
              "kueue_installed": True}
    fields.update(snapshot_fields)
    report = build_status_report(Snapshot(**fields), NOW)
    return report, next(step for step in report.steps if step.node_id == STEP_ID)


PENDING_MESSAGE = "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor on-demand, 1 more needed"


@pytest.mark.parametrize("conditions, gated, state, reason", [
    ([], True, "Pending", "NotYetEvaluated"),
    ([condition("QuotaReserved", "False", "Pending", PENDING_MESSAGE)], True, "Pending", "WaitingForQuota"),
    ([condition("QuotaReserved", "False", "Inadmissible", "LocalQueue gpu-queue doesn't exist")], True,
     "Inadmissible", "LocalQueueNotFound"),
    ([condition("QuotaReserved"), condition("Admitted")], False, "Admitted", "Admitted"),
    ([condition("QuotaReserved"), condition("Admitted")], True, "Admitted", "GateNotRemoved"),
    ([condition("QuotaReserved"), condition("Admitted"), condition("Evicted", reason="Preempted")], False,
     "Evicted", "Preempted"),
    ([condition("QuotaReserved"), condition("Admitted"), condition("Finished", reason="Succeeded")], False,
     "Finished", "Succeeded"),
])
def test_state_follows_the_workload(conditions, gated, state, reason):
    _, step = step_of(pods=[pod(gated=gated, phase="Pending" if gated else "Running")],
                      workloads=[workload(*conditions, cluster_queue="team-cq" if not gated else None)])
    assert (step.kueue_state, step.reason) == (state, reason)
    assert step.workload_name == names.pod_workload_name(POD, POD_UID)
    assert step.gated is gated


def test_gate_not_removed_is_an_error_finding():
    report, _ = step_of(pods=[pod(gated=True)],
                        workloads=[workload(condition("QuotaReserved"), condition("Admitted"), cluster_queue="cq")])
    assert [(f.code, f.severity, f.node_id) for f in report.findings] == [("GateNotRemoved", "error", STEP_ID)]


def test_a_foreign_gate_left_after_admission_is_a_warning():
    report, step = step_of(pods=[pod(gated=False, gates=[{"name": "example.com/other"}])],
                           workloads=[workload(condition("QuotaReserved"), condition("Admitted"), cluster_queue="cq")])
    assert step.kueue_state == "Admitted"
    assert [f.code for f in report.findings] == ["ForeignSchedulingGate"]


def test_unlabelled_pod_is_unmanaged_for_want_of_a_queue_label():
    _, step = step_of(pods=[pod(queue=None, managed=False, gated=False, phase="Running")])
    assert (step.kueue_state, step.reason, step.gated) == ("Unmanaged", "NoQueueLabel", False)
    assert step.waited_seconds is None


def test_labelled_but_unmanaged_pod_in_an_excluded_namespace():
    config = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kueue-manager-config"},
              "data": {"controller_manager_config.yaml": (
                  "apiVersion: config.kueue.x-k8s.io/v1beta2\nkind: Configuration\n"
                  "integrations:\n  frameworks: [pod]\n"
                  "managedJobsNamespaceSelector:\n  matchLabels: {kueue: enabled}\n")}}
    _, step = step_of(pods=[pod(managed=False, gated=False, phase="Running")], manager_config=config,
                      namespace_labels={"kubernetes.io/metadata.name": NS})
    assert (step.kueue_state, step.reason) == ("Unmanaged", "NamespaceExcluded")


def test_kueue_not_installed_says_so():
    report, step = step_of(pods=[pod(managed=False, gated=False, phase="Running")], kueue_installed=False)
    assert (step.kueue_state, step.reason) == ("Unmanaged", "KueueNotInstalled")
    assert "KueueNotInstalled" in [f.code for f in report.findings]


def test_gated_pod_without_workload_awaits_one_and_its_wait_runs():
    _, step = step_of(pods=[pod(gated=True)])
    assert (step.kueue_state, step.reason) == ("AwaitingWorkload", "NoWorkload")
    assert step.still_waiting and step.waited_seconds == pytest.approx(19 * 60 + 55)


def test_admitted_pod_waited_until_admission():
    _, step = step_of(pods=[pod(gated=False, phase="Running")],
                      workloads=[workload(condition("QuotaReserved"), condition("Admitted"), cluster_queue="cq")])
    assert not step.still_waiting and step.waited_seconds == pytest.approx(10 * 60)
    assert step.cluster_queue == "cq" and step.flavors == {"cpu": "on-demand"}


def test_positions_count_from_one_and_match_by_owner_pod():
    items = [{"metadata": {"name": "someone-else", "namespace": NS}, "localQueueName": "user-queue",
              "positionInLocalQueue": 0, "positionInClusterQueue": 3},
             {"metadata": {"name": "renamed", "namespace": NS, "ownerReferences": [{"kind": "Pod", "name": POD}]},
              "localQueueName": "user-queue", "positionInLocalQueue": 1, "positionInClusterQueue": 4}]
    _, step = step_of(pods=[pod()], workloads=[workload(condition("QuotaReserved", "False", "Pending", PENDING_MESSAGE))],
                      pending_workloads={(NS, "user-queue"): items})
    assert (step.position.local_queue, step.position.cluster_queue) == (2, 5)


def test_cluster_queue_comes_from_the_local_queue_while_pending():
    local_queue = {"metadata": {"name": "user-queue", "namespace": NS}, "spec": {"clusterQueue": "team-cq"}}
    _, step = step_of(pods=[pod()], workloads=[workload()], local_queues=[local_queue])
    assert (step.local_queue, step.cluster_queue) == ("user-queue", "team-cq")


@pytest.mark.parametrize("step_type, phase, message, reason, text", [
    ("Suspend", "Running", None, "TemplateHasNoPod", "suspend"),
    ("Pod", "Succeeded", None, "PodNotFound", "pod GC"),
    ("Pod", "Pending", "Waiting for mylock lock. Lock status: 0/1", "PodNotFound", "Waiting for mylock"),
    ("Pod", "Pending", None, "PodNotFound", "no pod exists"),
])
def test_steps_without_pods(step_type, phase, message, reason, text):
    templates = [{"name": "train", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "from-spec"}},
                  "container": {"image": "busybox"}}]
    _, step = step_of(workflow=workflow(step_type, phase, message, templates=templates))
    assert (step.kueue_state, step.reason, step.gated, step.pod_name) == ("NoPod", reason, None, None)
    assert text in step.message
    assert step.queue_name == (None if step_type == "Suspend" else "from-spec")


def test_workloads_that_cannot_be_read_do_not_break_the_view():
    report, step = step_of(pods=[pod(gated=True)], workloads=None)
    assert (step.kueue_state, step.reason) == ("Pending", "WorkloadsUnreadable")
    assert report.summary["Pending"] == 1 and sum(report.summary.values()) == 1


@pytest.mark.parametrize("phase, state", [("Running", "Admitted"), ("Pending", "Admitted"),
                                          ("Succeeded", "Finished"), ("Failed", "Finished")])
def test_ungated_pod_without_readable_workloads_takes_its_state_from_the_pod_phase(phase, state):
    _, step = step_of(pods=[pod(gated=False, phase=phase)], workloads=None)
    assert (step.kueue_state, step.reason, step.message) == (
        state, "WorkloadsUnreadable", "Kueue Workloads could not be read, so the admission state is inferred from the pod")


@pytest.mark.parametrize("phase, state", [("Running", "Admitted"), ("Succeeded", "Finished"), ("Failed", "Finished")])
def test_admitted_pod_whose_workload_is_gone(phase, state):
    _, step = step_of(pods=[pod(gated=False, phase=phase)])
    assert (step.kueue_state, step.reason, step.message) == (
        state, "WorkloadGone", "the pod was admitted; its Workload no longer exists")


def test_a_pod_marked_only_by_kueues_finalizer_is_managed():
    marked = pod(queue="user-queue", managed=False, gated=False, phase="Running")
    marked["metadata"]["finalizers"] = ["kueue.x-k8s.io/managed"]
    _, step = step_of(pods=[marked],
                      workloads=[workload(condition("QuotaReserved"), condition("Admitted"), cluster_queue="cq")])
    assert (step.kueue_state, step.reason, step.cluster_queue) == ("Admitted", "Admitted", "cq")


def test_an_http_step_without_its_agent_pod_takes_the_queue_of_the_agent_labels():
    spec = {"podMetadata": {"labels": {"kueue.x-k8s.io/queue-name": "wide"}}}
    templates = [{"name": "train", "http": {"url": "u"}, "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "x"}}}]
    _, step = step_of(workflow=workflow("HTTP", "Pending", spec=spec, templates=templates))
    assert (step.kueue_state, step.reason, step.queue_name, step.local_queue, step.message) == (
        "NoPod", "PodNotFound", "wide", "wide", "the workflow's agent pod does not exist yet")


def test_a_finished_http_step_whose_agent_pod_is_gone():
    _, step = step_of(workflow=workflow("HTTP", "Succeeded", message="done"))
    assert (step.reason, step.message, step.queue_name) == (
        "PodNotFound", "the workflow's agent pod is gone (Argo deletes it when the workflow completes)", None)


def test_messages_of_steps_without_pods_are_exact():
    _, gone = step_of(workflow=workflow("Pod", "Failed", "OOMKilled"))
    _, waiting = step_of(workflow=workflow("Pod", "Pending", "Waiting for mylock lock. Lock status: 0/1"))
    assert gone.message == "the pod is gone (deleted by Argo's pod GC or by preemption); Argo says: OOMKilled"
    assert waiting.message == "no pod yet: Waiting for mylock lock. Lock status: 0/1"


def test_a_workload_without_queue_name_keeps_the_pods_label_as_local_queue():
    unnamed = workload(condition("QuotaReserved"), condition("Admitted"), cluster_queue="cq")
    del unnamed["spec"]["queueName"]
    _, step = step_of(pods=[pod(gated=False, phase="Running")], workloads=[unnamed])
    assert (step.local_queue, step.cluster_queue, step.kueue_state) == ("user-queue", "cq", "Admitted")


def test_a_managed_pod_without_creation_time_has_no_wait():
    undated = pod(gated=True)
    del undated["metadata"]["creationTimestamp"]
    _, step = step_of(pods=[undated])
    assert (step.kueue_state, step.waited_seconds, step.still_waiting) == ("AwaitingWorkload", None, False)


def test_wait_ends_at_quota_reservation_then_pod_scheduled_then_start_time():
    reserved_only = workload(condition("QuotaReserved", when="2026-08-24T10:02:05Z"), cluster_queue="cq")
    _, by_reservation = step_of(pods=[pod(gated=False, phase="Running")], workloads=[reserved_only])
    scheduled = pod(gated=False, phase="Running")
    scheduled["status"]["conditions"] = [{"type": "PodScheduled", "status": "True",
                                          "lastTransitionTime": "2026-08-24T10:03:05Z"}]
    scheduled["status"]["startTime"] = "2026-08-24T10:04:05Z"
    _, by_condition = step_of(pods=[scheduled])
    del scheduled["status"]["conditions"]
    _, by_start = step_of(pods=[scheduled])
    assert [s.waited_seconds for s in (by_reservation, by_condition, by_start)] == [120.0, 180.0, 240.0]
    assert not any(s.still_waiting for s in (by_reservation, by_condition, by_start))


def test_report_summary_counts_every_state_and_the_step_index():
    report, step = step_of(pods=[pod(gated=True)])
    assert report.summary == {state: int(state == "AwaitingWorkload") for state in report.summary}
    assert list(report.summary) == ["NoPod", "Unmanaged", "AwaitingWorkload", "Pending", "Inadmissible",
                                    "QuotaReserved", "Admitted", "Finished", "Evicted"]
    assert report.step_for(STEP_ID) is step and report.step_for("nope") is None
    assert [line.node_id for line in report.lines][-1] == STEP_ID


def test_steps_without_pods_take_the_queue_of_a_referenced_or_scoped_template():
    lib = {"kind": "WorkflowTemplate", "metadata": {"name": "lib"}, "spec": {"templates": [
        {"name": "leaf", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "lib-queue"}}, "container": {}}]}}
    by_ref = workflow()
    by_ref["status"]["nodes"][STEP_ID]["templateRef"] = {"name": "lib", "template": "leaf"}
    _, step = step_of(workflow=by_ref, workflow_templates=[lib])
    assert (step.queue_name, step.template_name, step.template_label) == ("lib-queue", "leaf", "lib/leaf")
    scoped = workflow()
    scoped["status"]["nodes"][STEP_ID].update(templateName="leaf", templateScope="namespaced/lib")
    _, step = step_of(workflow=scoped, workflow_templates=[lib])
    assert step.queue_name == "lib-queue"


def test_the_host_comes_from_the_node_else_from_the_pod():
    scheduled = pod(gated=False, phase="Running")
    scheduled["spec"]["nodeName"] = "node-2"
    _, from_pod = step_of(pods=[scheduled])
    hosted = workflow()
    hosted["status"]["nodes"][STEP_ID]["hostNodeName"] = "node-1"
    _, from_node = step_of(workflow=hosted, pods=[scheduled])
    _, nowhere = step_of(pods=[pod(gated=False, phase="Running")])
    assert (from_pod.host_node, from_node.host_node, nowhere.host_node) == ("node-2", "node-1", None)


def test_a_managed_pod_without_queue_label_still_finds_its_workload():
    _, step = step_of(pods=[pod(queue=None, gated=False, phase="Running")],
                      workloads=[workload(condition("QuotaReserved"), condition("Admitted"), cluster_queue="cq")])
    assert (step.kueue_state, step.reason, step.queue_name, step.local_queue) == ("Admitted", "Admitted", None,
                                                                                 "user-queue")


def test_the_wait_ends_at_admission_not_at_quota_reservation():
    checks = workload(condition("QuotaReserved", when="2026-08-24T10:05:05Z"), condition("Admitted"),
                      cluster_queue="cq")
    _, step = step_of(pods=[pod(gated=False, phase="Running")], workloads=[checks])
    assert step.waited_seconds == 600.0


def test_an_admitted_step_has_no_queue_position_even_if_listed():
    items = [{"metadata": {"name": names.pod_workload_name(POD, POD_UID), "namespace": NS},
              "localQueueName": "user-queue", "positionInLocalQueue": 0, "positionInClusterQueue": 0}]
    _, admitted = step_of(pods=[pod(gated=False, phase="Running")], pending_workloads={(NS, "user-queue"): items},
                          workloads=[workload(condition("QuotaReserved"), condition("Admitted"), cluster_queue="cq")])
    _, pending = step_of(pods=[pod()], pending_workloads={(NS, "user-queue"): items},
                         workloads=[workload(condition("QuotaReserved", "False", "Pending", PENDING_MESSAGE))])
    assert (admitted.position, (pending.position.local_queue, pending.position.cluster_queue)) == (None, (1, 1))


def test_the_tree_lines_and_names_of_damaged_nodes():
    damaged = workflow()
    del damaged["status"]["nodes"][STEP_ID]["name"]
    report, step = step_of(workflow=damaged)
    assert ["".join(line.glyphs) for line in report.lines] == [" ", " └───"]
    assert (step.name, step.display_name) == ("", "train")
