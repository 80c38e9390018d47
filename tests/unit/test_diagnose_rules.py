"""The explain rules of interpret/diagnose/ on plain dicts (scenario objects varied one fact at a time):
the branches the scenarios do not reach, each next to the situation that must not give it."""
import pytest

from kubectl_kueue_argo.interpret.diagnose.diagnosis import diagnose, only_step
from kubectl_kueue_argo.interpret.diagnose.reads import explain_reads
from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.sources.files import FileCluster
from kubectl_kueue_argo.timeutil import parse_time
from tests.support.scenarios import load_scenario
from tests.unit.test_diagnose import by_code, objects_of, run, the


def snapshot_of(name, objects=None):
    scenario = load_scenario(name)
    return FileCluster(objects if objects is not None else objects_of(name)).snapshot_for_workflow(
        scenario.expected["workflow"], scenario.expected["namespace"])


def diagnose_snapshot(name, snapshot, now=None):
    clock = parse_time(now or load_scenario(name).expected["now"])
    return diagnose(build_status_report(snapshot, clock), snapshot, clock)


def nodes_of(objects):
    return the(objects, "Workflow")["status"]["nodes"]


def node_named(objects, display):
    return next(n for n in nodes_of(objects).values() if n.get("displayName") == display)


def quota_condition(objects, message, reason="Pending"):
    for condition in the(objects, "Workload")["status"]["conditions"]:
        if condition["type"] == "QuotaReserved":
            condition.update(message=message, reason=reason)


# ---- pods Argo has not created -------------------------------------------------------------------

def test_pod_not_created_without_a_known_reason():
    objects = objects_of("never-created")
    locked = node_named(objects, "locked")
    locked.pop("message")
    locked.pop("synchronizationStatus")
    findings = by_code(run("never-created", objects))["WaitingForPodCreation"]
    plain = next(f for f in findings if "quota" not in f.message)
    assert plain.message == "Argo has not created the pod of step locked yet."
    assert plain.evidence == [] and plain.remedy == "Wait; if it lasts, check the workflow-controller logs."
    with_message = node_named(objects, "locked")
    with_message["message"] = "pod creation deferred"
    plain = next(f for f in by_code(run("never-created", objects))["WaitingForPodCreation"] if "quota" not in f.message)
    assert plain.message == "Argo has not created the pod of step locked yet: pod creation deferred."


def test_pod_not_created_because_of_parallelism_and_of_a_suspended_workflow():
    objects = objects_of("parallelism-slot")
    workflow = the(objects, "Workflow")
    part_0 = node_named(objects, "part-0")
    extra = dict(part_0, id=part_0["id"] + "x", name=part_0["name"] + "x", displayName="part-2")
    nodes_of(objects)[extra["id"]] = extra
    finding = by_code(run("parallelism-slot", objects))["WaitingForPodCreation"][0]
    assert finding.message == ("Workflow spec.parallelism allows 2 active pods and 2 are active (2 of them gated by "
                               "Kueue: part-0, part-1), so Argo has not created the pod of step part-2 yet.")
    workflow["spec"]["suspend"] = True
    finding = by_code(run("parallelism-slot", objects))["WaitingForPodCreation"][0]
    assert finding.message == ("Workflow par-p4s7l is suspended (spec.suspend: true): Argo creates no new pods, so "
                               "step part-2 has none yet.")
    assert finding.remedy == "argo resume par-p4s7l -n ml-team"


def test_an_http_step_without_its_agent_pod():
    objects = [o for o in objects_of("http-agent-gated")
               if "agent" not in ((o.get("metadata") or {}).get("name") or "") or o.get("kind") == "Workflow"]
    diagnosis = run("http-agent-gated", objects)
    fetch = next(d for d in diagnosis.steps if d.step.display_name == "fetch")
    assert fetch.step.cause == "WaitingForPodCreation"
    assert [f.message for f in fetch.findings] == [
        "Step fetch waits for the workflow's agent pod, which does not exist yet."]


# ---- queues ------------------------------------------------------------------------------------

def test_no_matching_flavor_never_fits():
    objects = objects_of("never-fits")
    quota_condition(objects, "couldn't assign flavors to pod set main: flavor gpu-a100 not found, "
                             "untolerated taint {nvidia.com/gpu NoSchedule} in flavor on-demand", "NoMatchingFlavor")
    finding = by_code(run("never-fits", objects))["NeverFits"][0]
    assert finding.message == ("No ResourceFlavor of ClusterQueue team-cq can ever hold step train: flavor gpu-a100 "
                               "not found; untolerated taint {nvidia.com/gpu NoSchedule} in flavor on-demand. It will "
                               "wait forever as configured.")
    assert finding.remedy.startswith("Change the pod's requests, tolerations or node affinity (template train)")


def test_local_queue_missing_when_local_queues_are_unreadable():
    snapshot = snapshot_of("missing-local-queue")
    snapshot.local_queues = None
    finding = by_code(diagnose_snapshot("missing-local-queue", snapshot))["LocalQueueMissing"][0]
    assert finding.message == ("Step train is queued to LocalQueue gpu-queue, which does not exist in namespace "
                               "ml-team: Kueue cannot admit it and the pod stays gated.")
    assert finding.evidence == [
        "Workload ml-team/pod-train-m4q8z-train-112220313-2b475 status.conditions[QuotaReserved].message: LocalQueue "
        "gpu-queue doesn't exist", "Pod ml-team/train-m4q8z-train-112220313 metadata.labels[kueue.x-k8s.io/queue-name]: "
        "gpu-queue"]
    assert finding.remedy == (
        "Set kueue.x-k8s.io/queue-name: an existing LocalQueue in spec.templates[name=train].metadata.labels (template "
        "train), or spec.podMetadata.labels for every pod of the workflow, then resubmit; or ask the namespace admin "
        "to create LocalQueue gpu-queue in ml-team.")


def test_inactive_cluster_queue_that_could_not_be_read():
    objects = [o for o in objects_of("lq-inactive") if o.get("kind") != "ClusterQueue"]
    finding = by_code(run("lq-inactive", objects))["ClusterQueueInactive"][0]
    assert finding.message == ("ClusterQueue team-cq is inactive, so it admits nothing (LocalQueue user-queue reports "
                               "ClusterQueueIsInactive; the ClusterQueue could not be read, so its reason is unknown). "
                               "Step train waits until it is active again.")
    assert finding.remedy == "Ask a cluster admin to fix what ClusterQueue team-cq's Active condition names."


def test_cluster_queue_inactive_for_an_inactive_admission_check_names_its_controller():
    objects = objects_of("cq-inactive-check")
    cluster_queue = the(objects, "ClusterQueue")
    cluster_queue["status"]["conditions"][0].update(
        reason="AdmissionCheckInactive",
        message="Can't admit new workloads: references inactive AdmissionCheck(s): prov-req.")
    check = {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "AdmissionCheck", "metadata": {"name": "prov-req"},
             "spec": {"controllerName": "kueue.x-k8s.io/provisioning-request"}}
    finding = by_code(run("cq-inactive-check", objects + [check]))["ClusterQueueInactive"][0]
    assert finding.message == (
        "ClusterQueue team-cq is inactive (Active=False, reason AdmissionCheckInactive: Can't admit new workloads: "
        "references inactive AdmissionCheck(s): prov-req), so it admits nothing: it references AdmissionCheck prov-req "
        "(controller kueue.x-k8s.io/provisioning-request), which is not active. Step train waits until it is active "
        "again.")
    assert finding.remedy == ("Ask a cluster admin to check why AdmissionCheck prov-req is not active (its controller "
                              "sets its Active condition).")


# ---- waits that end by themselves ------------------------------------------------------------------

def test_a_workload_not_tried_yet_waits_for_the_scheduler():
    objects = objects_of("quota-wait")
    workload = the(objects, "Workload", next(o["metadata"]["name"] for o in objects if o.get("kind") == "Workload"
                                             and o["metadata"]["name"].startswith("pod-train")))
    workload["status"]["conditions"] = []
    finding = by_code(run("quota-wait", objects))["WaitingForQuota"][0]
    assert finding.message == (
        "Step train has waited for 7 minutes: Kueue's scheduler has not tried Workload "
        "pod-train-q2w8e-train-1023923159-f4994 yet (it has no QuotaReserved condition; with StrictFIFO only the head "
        "of the queue is tried). It is 3rd in LocalQueue user-queue (3rd in ClusterQueue team-cq). Ahead of it: 2 "
        "Workloads, none of them this workflow's steps; they are: Pod ml-team/notebook-a-5xk2p (created earlier), Pod "
        "ml-team/notebook-b-8mr4t (created earlier). team-cq has 8 cpu nominal in on-demand and may borrow up to 4 cpu "
        "more from cohort ml-cohort; 9 cpu in use (1 cpu borrowed).")
    assert not any("QuotaReserved" in line for line in finding.evidence)
    assert finding.remedy == "Nothing is broken: the scheduler tries it when the Workloads ahead are admitted."


def test_workloads_that_could_not_be_read():
    snapshot = snapshot_of("quota-wait")
    snapshot.workloads = None
    diagnosis = diagnose_snapshot("quota-wait", snapshot)
    finding = by_code(diagnosis)["WaitingForQuota"][0]
    assert finding.severity == "warning"
    assert finding.message == ("Pod train-q2w8e-train-1023923159 of step train is gated by Kueue, but its Workload "
                               "could not be read: it waits for admission in LocalQueue user-queue, for a reason that "
                               "cannot be seen.")
    assert finding.remedy == "Run with a user allowed to list workloads.kueue.x-k8s.io in ml-team."


def test_admission_checks_in_retry_and_admission_gated():
    objects = objects_of("admission-check")
    workload = the(objects, "Workload")
    workload["status"]["admissionChecks"] = [
        {"name": "prov-req", "state": "Retry", "message": "capacity not available", "lastTransitionTime": "x"},
        {"name": "budget", "state": "Ready", "message": "", "lastTransitionTime": "x"}]
    finding = by_code(run("admission-check", objects))["WaitingForAdmissionCheck"][0]
    assert finding.message == ("Step train has quota reserved in ClusterQueue team-cq but is not admitted yet: it "
                               "waits for admission check prov-req (Retry, controller "
                               "kueue.x-k8s.io/provisioning-request: capacity not available).")
    assert finding.evidence[1:] == [
        "Workload ml-team/pod-prov-a3c7d-train-1449066245-35391 status.admissionChecks[name=prov-req]: state Retry, "
        "message 'capacity not available'", "AdmissionCheck prov-req spec.controllerName: "
        "kueue.x-k8s.io/provisioning-request"]
    gated = objects_of("quota-wait")
    quota_condition(gated, "Admission is gated by: example.com/budget-approval", "AdmissionGated")
    finding = by_code(run("quota-wait", gated))["WaitingForAdmissionCheck"][0]
    assert finding.message == (
        "Workload pod-train-q2w8e-train-1023923159-f4994 of step train carries the kueue.x-k8s.io/admission-gated-by "
        "annotation: Kueue will not admit it until the controller named there removes it (Admission is gated by: "
        "example.com/budget-approval).")
    assert finding.remedy == "Wait for the gating controller, or ask whoever set the annotation to remove it."


def test_delayed_topology_after_quota_reservation():
    objects = objects_of("admission-check")
    workload = the(objects, "Workload")
    workload["status"].pop("admissionChecks")
    workload["status"]["conditions"].append({"type": "Admitted", "status": "False",
                                             "reason": "PendingDelayedTopologyRequests", "message": "waiting",
                                             "lastTransitionTime": "2026-08-24T10:01:03Z"})
    finding = by_code(run("admission-check", objects))["WaitingForTopology"][0]
    assert finding.message == ("Step train has quota reserved in ClusterQueue team-cq; Kueue is still assigning its "
                               "topology (delayed topology request), then it admits the Workload.")
    assert "nominalQuota" not in finding.remedy


# ---- unmanaged ---------------------------------------------------------------------------------

def test_kueue_not_installed():
    snapshot = snapshot_of("namespace-excluded")
    snapshot.kueue_installed = False
    finding = by_code(diagnose_snapshot("namespace-excluded", snapshot))["KueueNotInstalled"][0]
    assert finding.message == ("Kueue is not installed in this cluster (the kueue.x-k8s.io API is not served), so pod "
                               "train-x4e9u-train-2199689457 of step train runs without any queueing or quota, "
                               "whatever its queue label user-queue says.")


def test_an_unmanaged_pending_pod_shows_argos_message():
    finding = by_code(run("unschedulable"))["NoQueueLabel"][0]
    assert finding.message.endswith("It is Pending for another reason; Argo says: Unschedulable: 0/4 nodes are "
                                    "available: 4 node(s) didn't match Pod's node affinity/selector.")
    running = by_code(run("unlabelled-pods"))["NoQueueLabel"][0]
    assert "Argo says" not in running.message


# ---- the diagnosis itself ----------------------------------------------------------------------

def test_only_step_by_display_name_node_name_or_id():
    diagnosis = run("lq-hold-and-drain")
    step = diagnosis.steps[1].step
    for key in (step.display_name, step.name, step.node_id):
        assert [d.step.node_id for d in only_step(diagnosis, key).steps] == [step.node_id]
    assert only_step(diagnosis, "nope") is None


def test_explain_reads_only_what_the_diagnosis_uses():
    plain = explain_reads(snapshot_of("quota-wait"))
    assert (plain.admission_checks, plain.compose_events) == (False, False)
    assert plain.owner_pods == ["notebook-a-5xk2p", "notebook-b-8mr4t"]
    assert explain_reads(snapshot_of("admission-check")).admission_checks
    assert explain_reads(snapshot_of("cq-inactive-check")).admission_checks
    assert explain_reads(snapshot_of("pod-group-incomplete")).compose_events
    assert not explain_reads(snapshot_of("pod-group")).compose_events
    owners = explain_reads(snapshot_of("queue-ahead-owners")).owner_pods
    assert owners == ["etl-a1b2c-prep-559157132"]


# ---- secondary findings, and the situation next to each that must not give it ------------------------

def codes_of(diagnosis, display):
    return next([f.code for f in d.findings] for d in diagnosis.steps if d.step.display_name == display)


def test_parallelism_slot_held_only_with_a_full_parallelism():
    assert codes_of(run("parallelism-slot"), "part-0") == ["WaitingForQuota", "ParallelismSlotHeld"]
    objects = objects_of("parallelism-slot")
    the(objects, "Workflow")["spec"]["parallelism"] = 3
    assert codes_of(run("parallelism-slot", objects), "part-0") == ["WaitingForQuota"]
    the(objects, "Workflow")["spec"].pop("parallelism")
    assert codes_of(run("parallelism-slot", objects), "part-0") == ["WaitingForQuota"]


def test_template_parallelism_counts_only_its_own_pods():
    objects = objects_of("parallelism-slot")
    workflow = the(objects, "Workflow")
    workflow["spec"].pop("parallelism")
    next(t for t in workflow["spec"]["templates"] if t["name"] == "main")["parallelism"] = 2
    finding = by_code(run("parallelism-slot", objects))["ParallelismSlotHeld"][0]
    assert finding.message == (
        "Template main parallelism is 2 and all 2 slots are taken; 2 by pods gated by Kueue (part-0, part-1). Argo "
        "counts a gated Pending pod as active, so step part-0 holds a slot while Kueue keeps it gated, and no further "
        "step can start.")
    assert finding.evidence[0] == "Template main parallelism: 2"


def test_timeout_while_gated_needs_a_limit_and_a_gate():
    assert codes_of(run("pending-timeout"), "train") == ["WaitingForQuota", "TimeoutWhileGated"]
    assert codes_of(run("quota-wait"), "train") == ["WaitingForQuota"]
    objects = objects_of("gate-not-removed")
    next(t for t in the(objects, "Workflow")["spec"]["templates"] if t["name"] == "train")["timeout"] = "1h"
    assert codes_of(run("gate-not-removed", objects), "train") == ["GateNotRemoved", "TimeoutWhileGated"]
    objects = objects_of("resource-step")
    next(t for t in the(objects, "Workflow")["spec"]["templates"] if t["name"] == "create-config")["timeout"] = "1m"
    assert codes_of(run("resource-step", objects), "create-config") == ["Running"]     # not gated: Argo's own timeout


def test_agent_pod_queued_only_while_the_agent_pod_is_gated():
    assert codes_of(run("http-agent-gated"), "fetch") == ["WaitingForQuota", "AgentPodQueued"]
    objects = objects_of("http-agent-gated")
    agent = next(o for o in objects if o.get("kind") == "Pod" and o["metadata"]["name"].endswith("-agent"))
    agent["spec"]["schedulingGates"] = []
    assert "AgentPodQueued" not in codes_of(run("http-agent-gated", objects), "fetch")


def test_default_local_queue_only_when_kueue_chose_it():
    assert codes_of(run("default-lq"), "hello") == ["Running", "DefaultLocalQueue"]
    objects = objects_of("default-lq")
    template = next(t for t in the(objects, "Workflow")["spec"]["templates"] if t["name"] == "whalesay")
    template["metadata"] = {"labels": {"kueue.x-k8s.io/queue-name": "default"}}
    assert codes_of(run("default-lq", objects), "hello") == ["Running"]


def test_suspend_not_understood_only_for_a_suspended_workflow():
    assert [f.code for f in run("suspended-workflow").findings] == ["SuspendNotUnderstood"]
    objects = objects_of("suspended-workflow")
    the(objects, "Workflow")["spec"]["suspend"] = False
    assert [f.code for f in run("suspended-workflow", objects).findings] == []


def test_preempted_facts_only_for_preemption():
    assert codes_of(run("preempted-no-retry"), "train") == ["PreemptedNoRetry"]
    objects = objects_of("max-exec-time")
    assert codes_of(run("max-exec-time", objects), "train") == ["MaxExecutionTimeExceeded"]
    node = node_named(objects, "train")
    node.update(phase="Failed", finishedAt="2026-08-24T10:10:05Z", message="pod deleted")
    assert codes_of(run("max-exec-time", objects), "train") == []       # no retryStrategy advice for a time limit


def test_the_forecast_sentence_is_shown_when_there_is_one():
    from types import SimpleNamespace

    from kubectl_kueue_argo.render.explain import render_diagnosis_text
    diagnosis = run("quota-wait")
    assert "Forecast:" not in render_diagnosis_text(diagnosis)
    diagnosis.steps[0].step.forecast = SimpleNamespace(start_in_seconds=600, basis=["queue"],
                                                       sentence="likely to start in about 10 minutes")
    assert "\n  Forecast: Likely to start in about 10 minutes.\n" in render_diagnosis_text(diagnosis)


# ---- who is ahead (plain dicts) ---------------------------------------------------------------------

def visibility_item(name, position, *, owner=("Pod", None), priority=0, created="2026-08-24T10:00:00Z"):
    kind, owner_name = owner
    return {"metadata": {"name": name, "namespace": "ml-team", "creationTimestamp": created,
                         "ownerReferences": [{"apiVersion": "v1", "kind": kind, "name": owner_name or name[4:]}]},
            "priority": priority, "localQueueName": "user-queue", "positionInLocalQueue": position,
            "positionInClusterQueue": position}


def ahead_context(items, own=None, related=None):
    from types import SimpleNamespace
    return SimpleNamespace(namespace="ml-team", cache={}, steps_by_pod=own or {}, related_pods=related or {},
                           pending_items=lambda queue: items if queue == "user-queue" else None)


def ahead_step(workload_name="pod-me", priority=0, created="2026-08-24T10:05:00Z"):
    from types import SimpleNamespace
    workload = SimpleNamespace(priority=priority, created=created)
    return SimpleNamespace(workload=workload, workload_name=workload_name, local_queue="user-queue")


def test_why_ahead():
    from kubectl_kueue_argo.interpret.diagnose.ahead import why_ahead
    mine = ahead_step(priority=10).workload
    assert why_ahead(visibility_item("pod-a", 0, priority=11), mine) == "higher priority"
    assert why_ahead(visibility_item("pod-a", 0, priority=10, created="2026-08-24T10:05:00Z"), mine) == \
        "created earlier"
    assert why_ahead(visibility_item("pod-a", 0, priority=10, created="2026-08-24T10:06:00Z"), mine) == \
        "queued earlier"
    assert why_ahead(visibility_item("pod-a", 0, priority=9), mine) == "queued earlier"
    assert why_ahead(visibility_item("pod-a", 0, priority=True), ahead_step(priority=0).workload) == "created earlier"


def test_ahead_names_a_few_others_and_counts_the_rest():
    from types import SimpleNamespace

    from kubectl_kueue_argo.interpret.diagnose.ahead import ahead_evidence, ahead_sentence
    items = [visibility_item(f"pod-other-{i}", i) for i in range(6)]
    items.append(visibility_item("job-batch-1", 6, owner=("Job", "batch"), priority=5))
    items.append(visibility_item("pod-me", 7))
    own = {"other-0": SimpleNamespace(display_name="prep")}
    related = {"other-1": {"metadata": {"name": "other-1", "labels": {"workflows.argoproj.io/workflow": "etl-x"},
                                        "annotations": {"workflows.argoproj.io/node-name": "etl-x.load"}}},
               "other-2": {"metadata": {"name": "other-2", "ownerReferences": [
                   {"kind": "ReplicaSet", "name": "web-7f9", "controller": True}]}}}
    ctx = ahead_context(items, own, related)
    assert ahead_sentence(ahead_step(), ctx) == (
        "Ahead of it: 7 Workloads, 1 of them this workflow's own steps (prep); others: workflow ml-team/etl-x step "
        "load (created earlier), Pod ml-team/other-2 of ReplicaSet web-7f9 (created earlier), Pod ml-team/other-3 "
        "(created earlier), Pod ml-team/other-4 (created earlier) and 2 more. 1 of them has a higher priority.")
    assert ahead_evidence(ahead_step(), ctx) == (
        "LocalQueue ml-team/user-queue pendingworkloads (visibility API): 7 item(s) before pod-me, the first "
        "pod-other-0 (priority 0, created 2026-08-24T10:00:00Z)")
    first = ahead_context([visibility_item("pod-me", 0)] + items[:1])
    assert ahead_sentence(ahead_step(), first) is None and ahead_evidence(ahead_step(), first) is None
    assert ahead_sentence(ahead_step("pod-unknown"), ctx) is None
    no_workload, no_queue = ahead_step(), ahead_step()
    no_workload.workload = None
    no_queue.local_queue = None
    assert ahead_sentence(no_workload, ctx) is None and ahead_evidence(no_queue, ctx) is None


def test_owner_in_words():
    from kubectl_kueue_argo.interpret.diagnose.ahead import owner_of
    ctx = ahead_context([])
    job = visibility_item("job-x", 0, owner=("Job", "nightly"))
    job["metadata"]["namespace"] = "research"
    assert owner_of(job, ctx) == (None, "Job research/nightly")
    orphan = visibility_item("wl-y", 0)
    orphan["metadata"]["ownerReferences"] = []
    del orphan["metadata"]["namespace"]
    assert owner_of(orphan, ctx) == (None, "Workload ml-team/wl-y")


def test_workflow_findings_are_sorted_by_severity_and_not_repeated():
    from kubectl_kueue_argo.interpret.diagnose.diagnosis import _sorted
    from kubectl_kueue_argo.model import Finding
    found = [Finding("A", "info", ""), Finding("B", "warning", ""), Finding("C", "error", ""), Finding("D", "info", "")]
    assert [f.code for f in _sorted(found)] == ["C", "B", "A", "D"]
    assert [f.code for f in _sorted(found[:2])] == ["B", "A"]
    assert [f.code for f in run("gate-not-removed").findings] == []      # said by the step, not again
    snapshot = snapshot_of("namespace-excluded")
    snapshot.kueue_installed = False
    diagnosis = diagnose_snapshot("namespace-excluded", snapshot)
    assert [f.code for f in diagnosis.findings] == []                      # the step says KueueNotInstalled
    assert [f.code for f in diagnosis.steps[0].findings] == ["KueueNotInstalled"]
    assert [f.code for f in run("offloaded-nodes").findings] == ["NodeStatusUnavailable"]


def test_one_step_keeps_only_its_own_findings():
    diagnosis = run("suspended-workflow")
    assert [f.code for f in diagnosis.findings] == ["SuspendNotUnderstood"]
    assert only_step(diagnosis, "a").findings == []


# ---- quota waits in detail ---------------------------------------------------------------------

def test_a_wait_becomes_a_warning_at_exactly_one_hour():
    # the pod of quota-wait was created at 10:01:00
    assert by_code(run("quota-wait", now="2026-08-24T11:00:59Z"))["WaitingForQuota"][0].severity == "info"
    assert by_code(run("quota-wait", now="2026-08-24T11:01:00Z"))["WaitingForQuota"][0].severity == "warning"


def test_a_wait_without_a_shortage_quotes_kueue():
    objects = objects_of("quota-wait")
    quota_condition(objects, "Workload no longer fits after processing another workload")
    finding = by_code(run("quota-wait", objects))["WaitingForQuota"][0]
    assert finding.message.startswith("Step train has waited for 7 minutes in ClusterQueue team-cq: Workload no "
                                      "longer fits after processing another workload. It is 3rd")
    assert "ClusterQueue team-cq spec.resourceGroups (cpu)" in finding.evidence[-1]


def test_unknown_place_in_the_queue_only_when_the_visibility_api_was_not_read():
    objects = [o for o in objects_of("quota-wait") if o.get("kind") != "PendingWorkloadsSummary"]
    finding = by_code(run("quota-wait", objects))["WaitingForQuota"][0]
    assert "Its place in the queue is unknown (the Kueue visibility API was not readable)." in finding.message
    assert not any("pendingworkloads" in line for line in finding.evidence)
    objects = objects_of("quota-wait")
    summary = the(objects, "PendingWorkloadsSummary")
    summary["items"] = [i for i in summary["items"] if not i["metadata"]["name"].startswith("pod-train")]
    finding = by_code(run("quota-wait", objects))["WaitingForQuota"][0]
    assert "place in the queue" not in finding.message and "Ahead of it" not in finding.message


def test_cohort_sentence_falls_back_to_a_flavor_of_the_cluster_queue():
    objects = objects_of("quota-wait")
    quota_condition(objects, "couldn't assign flavors to pod set main: insufficient unused quota for memory in flavor "
                             "spot, 1Gi more needed")
    finding = by_code(run("quota-wait", objects))["WaitingForQuota"][0]
    assert "team-cq has 64Gi memory nominal in on-demand" in finding.message
    assert "needs 1Gi memory more than flavor spot has unused" in finding.message


def test_topology_detail_without_a_topology_sentence():
    from kubectl_kueue_argo.interpret.diagnose.quota_rules import _topology_detail
    assert _topology_detail('x: topology "rack" doesn\'t allow to fit any of 2 pod(s).') == \
        'topology "rack" doesn\'t allow to fit any of 2 pod(s)'
    assert _topology_detail("placement failed.") == "placement failed"
    assert _topology_detail(None) == "no topology domain has room"


def test_admission_check_without_a_pending_check_quotes_the_condition():
    objects = objects_of("admission-check")
    the(objects, "Workload")["status"]["admissionChecks"][0]["state"] = "Ready"
    finding = by_code(run("admission-check", objects))["WaitingForAdmissionCheck"][0]
    assert finding.message.endswith("it waits for Kueue to admit it (its admission checks are Ready).")
    the(objects, "Workload")["status"].pop("admissionChecks")
    finding = by_code(run("admission-check", objects))["WaitingForAdmissionCheck"][0]
    assert finding.message.endswith("it waits for its admission checks (Quota reserved in ClusterQueue team-cq).")
    assert not any(line.startswith("AdmissionCheck ") for line in finding.evidence)


# ---- queue findings in detail ---------------------------------------------------------------------

def relabel_queue(objects, queue):
    for obj in objects:
        if obj.get("kind") in ("Pod", "Workload") and "train" in obj["metadata"]["name"]:
            if obj["kind"] == "Pod":
                obj["metadata"]["labels"]["kueue.x-k8s.io/queue-name"] = queue
            else:
                obj["spec"]["queueName"] = queue
    quota_condition(objects, f"LocalQueue {queue} doesn't exist", "Inadmissible")


def test_missing_local_queue_points_to_the_only_queue_or_to_any():
    objects = objects_of("missing-local-queue")
    relabel_queue(objects, "zzz-nothing-alike")
    finding = by_code(run("missing-local-queue", objects))["LocalQueueMissing"][0]
    assert "Did you mean" not in finding.message
    assert finding.remedy.startswith("Set kueue.x-k8s.io/queue-name: user-queue in ")
    second = dict(the(objects, "LocalQueue"), metadata=dict(the(objects, "LocalQueue")["metadata"], name="other-q"))
    finding = by_code(run("missing-local-queue", objects + [second]))["LocalQueueMissing"][0]
    assert finding.remedy.startswith("Set kueue.x-k8s.io/queue-name: an existing LocalQueue in ")


def test_stopped_queues_without_a_readable_stop_policy():
    snapshot = snapshot_of("lq-stopped")
    snapshot.local_queues = None
    finding = by_code(diagnose_snapshot("lq-stopped", snapshot))["LocalQueueStopped"][0]
    assert finding.message.startswith("LocalQueue user-queue is stopped: Kueue admits nothing from it")
    objects = [o for o in objects_of("cq-stopped") if o.get("kind") != "ClusterQueue"]
    finding = by_code(run("cq-stopped", objects))["ClusterQueueStopped"][0]
    assert finding.message.startswith("ClusterQueue team-cq is stopped: it admits no Workload")


def test_the_local_queue_is_evidence_only_when_it_is_inactive():
    finding = by_code(run("cq-stopped"))["ClusterQueueStopped"][0]
    assert any(line.startswith("LocalQueue ml-team/user-queue status.conditions[Active]: False") for line in
               finding.evidence)
    objects = objects_of("cq-stopped")
    the(objects, "LocalQueue")["status"]["conditions"][0].update(status="True", reason="Ready")
    finding = by_code(run("cq-stopped", objects))["ClusterQueueStopped"][0]
    assert not any(line.startswith("LocalQueue ") for line in finding.evidence)


def test_never_fits_details():
    objects = objects_of("quota-wait")
    quota = the(objects, "ClusterQueue")["spec"]["resourceGroups"][0]["flavors"][0]["resources"][0]
    quota.update(nominalQuota=3, borrowingLimit=0)
    finding = by_code(run("quota-wait", objects))["NeverFits"][0]
    assert " in flavor " not in finding.message.split(" (")[0]
    objects = objects_of("never-fits")
    quota_condition(objects, "couldn't assign flavors to pod set main: insufficient quota for nvidia.com/gpu in flavor "
                             "on-demand, previously considered podsets requests (0) + current podset request (1) > "
                             "maximum capacity (0)")
    finding = by_code(run("never-fits", objects))["NeverFits"][0]
    assert finding.message == ("Step train asks for 1 nvidia.com/gpu, but ClusterQueue team-cq can give one Workload "
                               "at most 0 nvidia.com/gpu in flavor on-demand (nvidia.com/gpu is not covered by any of "
                               "its flavors): it will wait forever as configured.")
    quota_condition(objects, "", "NoMatchingFlavor")
    finding = by_code(run("never-fits", objects))["NeverFits"][0]
    assert (finding.message, finding.evidence) == ("No ResourceFlavor of ClusterQueue team-cq can ever hold step "
                                                   "train: no flavor fits. It will wait forever as configured.", [])


def test_a_steps_cluster_queue_name():
    ctx_step = run("quota-wait").steps[0].step
    from kubectl_kueue_argo.interpret.diagnose.context import DiagnosisContext
    from tests.unit.test_diagnose_context import diagnosis_report, snapshot
    ctx = DiagnosisContext(diagnosis_report("quota-wait"), snapshot("quota-wait"), None)
    assert ctx.cluster_queue_name(ctx_step) == "team-cq"
    ctx_step.cluster_queue, ctx_step.local_queue = None, "unknown"
    assert ctx.cluster_queue_name(ctx_step) is None


# ---- after admission in detail ----------------------------------------------------------------------

def test_running_without_a_workload_or_without_a_pod():
    snapshot = snapshot_of("resource-step")
    snapshot.workloads = []
    finding = by_code(diagnose_snapshot("resource-step", snapshot))["Running"][0]
    assert finding.message == "Step create-config runs: pod k8s-jobs-p5r8t-create-config-3766022593 is Running on " \
                              "node worker-1."
    snapshot.pods = []
    finding = by_code(diagnose_snapshot("resource-step", snapshot))["Running"][0]
    assert finding.message == "Step create-config is Running (Pod)."
    assert finding.evidence == ["Workflow ml-team/k8s-jobs-p5r8t status.nodes[k8s-jobs-p5r8t-3766022593].phase: "
                                "Running"]


def test_unschedulable_evidence_is_the_false_pod_scheduled_condition_only():
    objects = objects_of("unschedulable")
    train = next(o for o in objects if o.get("kind") == "Pod" and "train" in o["metadata"]["name"])
    train["status"]["conditions"].insert(0, {"type": "PodScheduled", "status": "True", "reason": "Other",
                                             "message": "stale", "lastTransitionTime": "x"})
    finding = by_code(run("unschedulable", objects))["Unschedulable"][0]
    assert "stale" not in " ".join(finding.evidence)
    train["status"]["conditions"] = []
    finding = by_code(run("unschedulable", objects))["Unschedulable"][0]
    assert not any("PodScheduled" in line for line in finding.evidence)
    assert "Unschedulable: 0/4 nodes are available: 4 Insufficient cpu" in finding.message


def test_deactivated_before_kueue_evicted_it():
    objects = objects_of("deactivated")
    workload = the(objects, "Workload")
    workload["status"]["conditions"] = [c for c in workload["status"]["conditions"] if c["type"] == "QuotaReserved"]
    finding = by_code(run("deactivated", objects))["Deactivated"][0]
    assert finding.message == ("Workload pod-train-d5v1t-train-1547026432-55372 of step train is deactivated "
                               "(spec.active: false, Evicted reason Deactivated): Kueue will not admit it. Kueue leaves "
                               "a gated pod gated, so the step waits forever.")
    assert finding.evidence == ["Workload ml-team/pod-train-d5v1t-train-1547026432-55372 spec.active: false"]
    workload["spec"]["active"] = True
    workload["status"]["conditions"].append({"type": "DeactivationTarget", "status": "True",
                                             "reason": "MaximumExecutionTimeExceeded", "message": "exceeding the "
                                             "maximum execution time", "lastTransitionTime": "2026-08-24T10:06:00Z"})
    finding = by_code(run("deactivated", objects))["MaxExecutionTimeExceeded"][0]
    assert finding.message == (      # no label on the pod: no limit
        "Kueue deactivated Workload pod-train-d5v1t-train-1547026432-55372 of step train at its maximum execution time "
        "(Evicted reason DeactivatedDueToMaximumExecutionTimeExceeded) and stops its pod. A new attempt would be "
        "stopped at the same limit.")
    assert finding.evidence == [
        "Workload ml-team/pod-train-d5v1t-train-1547026432-55372 status.conditions[DeactivationTarget].message: "
        "exceeding the maximum execution time", "Workload ml-team/pod-train-d5v1t-train-1547026432-55372 spec.active: true"]


# ---- pods Kueue did not handle, in detail -------------------------------------------------------------

def test_pod_integration_off_for_a_labelled_pod_kueue_left_alone():
    from tests.support import builders as b
    objects = objects_of("kueue-not-installed") + [b.manager_configmap(["batch/job"]), b.namespace_object("ml-team")]
    objects += [o for o in objects_of("quota-wait") if o.get("kind") in ("LocalQueue", "ClusterQueue")]
    finding = by_code(run("kueue-not-installed", objects))["PodIntegrationDisabled"][0]
    assert finding.severity == "error"
    assert finding.message == ("Pod train-k0n1i-train-1406964465 of step train has the queue label user-queue, but "
                               "Kueue ignores it: integrations.frameworks does not list \"pod\" (frameworks: "
                               "batch/job): Kueue ignores plain pods.")
    assert finding.evidence == ["Pod ml-team/train-k0n1i-train-1406964465 metadata.labels: no kueue.x-k8s.io/managed",
                                "ConfigMap kueue-system/kueue-manager-config data[controller_manager_config.yaml] "
                                "integrations.frameworks: batch/job"]


def test_an_incomplete_group_without_a_parallelism_limit():
    objects = objects_of("pod-group-incomplete")
    the(objects, "Workflow")["spec"]["parallelism"] = 4
    finding = by_code(run("pod-group-incomplete", objects))["PodGroupIncomplete"][0]
    assert finding.message == (
        "Pod group-i4c8m-shard-3106895599 of step shard(0:0) belongs to pod group shards-i4c8m, which needs 4 pods "
        "(kueue.x-k8s.io/pod-group-total-count) but has 2 (shard(0:0), shard(1:1)). Kueue composes the group's "
        "Workload only when all 4 runnable pods exist, so every member stays gated. The workflow has created only 2 "
        "pods with this group label (its loop may have fewer items than the total count, or the pods come from steps "
        "that run one after another).")
    assert finding.evidence[2] == "Workflow spec.parallelism: 4"


def test_the_newest_compose_event_of_the_group_is_the_evidence():
    objects = [o for o in objects_of("pod-group-incomplete") if o.get("kind") != "Event"]
    pod = next(o for o in objects if o.get("kind") == "Pod")
    def event(reason, message, at, **extra):
        return dict({"apiVersion": "v1", "kind": "Event", "metadata": {"name": f"e{at}", "namespace": "ml-team"},
                     "involvedObject": {"kind": "Pod", "name": pod["metadata"]["name"]}, "reason": reason,
                     "message": message, "lastTimestamp": at}, **extra)
    events = [event("ErrWorkloadCompose", "'shards-i4c8m' group has fewer runnable pods than expected",
                    "2026-08-24T10:00:01Z", source={"component": "pod-kueue-controller"}, type="Warning"),
              event("ErrWorkloadCompose", "'other-group' group has fewer runnable pods than expected",
                    "2026-08-24T10:09:00Z"),
              event("CreatedWorkload", "'shards-i4c8m' group", "2026-08-24T10:08:00Z"),
              event("ErrWorkloadCompose", "'shards-i4c8m' group has fewer runnable pods than expected (newest)",
                    "2026-08-24T10:04:00Z", reportingComponent="pod-kueue-controller")]
    finding = by_code(run("pod-group-incomplete", objects + events))["PodGroupIncomplete"][0]
    assert finding.evidence[0] == (f"Event Warning ErrWorkloadCompose on Pod ml-team/{pod['metadata']['name']} from "
                                   f"pod-kueue-controller: 'shards-i4c8m' group has fewer runnable pods than expected "
                                   f"(newest)")
    finding = by_code(run("pod-group-incomplete", objects))["PodGroupIncomplete"][0]
    assert not finding.evidence[0].startswith("Event ")


def test_no_queue_label_words_depend_on_the_namespace_queues_and_the_phase():
    finding = by_code(run("unlabelled-pods"))["NoQueueLabel"][0]
    assert finding.message == ("Pod hello-n8c3v-whalesay-1850430525 of step hello2 has no kueue.x-k8s.io/queue-name "
                               "label, so Kueue does not manage it: it runs outside any quota. (Namespace ml-team has "
                               "no LocalQueue named default that would catch it.)")
    assert finding.remedy == ("Add kueue.x-k8s.io/queue-name: user-queue to spec.templates[name=whalesay].metadata."
                              "labels (template whalesay), or spec.podMetadata.labels for every pod of the workflow; "
                              "LocalQueues in ml-team: user-queue.")
    snapshot = snapshot_of("unlabelled-pods")
    snapshot.local_queues = None
    finding = by_code(diagnose_snapshot("unlabelled-pods", snapshot))["NoQueueLabel"][0]
    assert finding.message == ("Pod hello-n8c3v-whalesay-1850430525 of step hello2 has no kueue.x-k8s.io/queue-name "
                               "label, so Kueue does not manage it: it runs outside any quota.")
    assert finding.remedy == ("Add kueue.x-k8s.io/queue-name: <LocalQueue> to spec.templates[name=whalesay].metadata."
                              "labels (template whalesay), or spec.podMetadata.labels for every pod of the workflow.")
    objects = objects_of("unlabelled-pods")
    node_named(objects, "hello2")["message"] = "some message"
    assert "Argo says" not in by_code(run("unlabelled-pods", objects))["NoQueueLabel"][0].message


def test_default_local_queue_needs_a_default_queue_when_queues_are_known():
    snapshot = snapshot_of("default-lq")
    snapshot.local_queues = None
    assert "DefaultLocalQueue" in by_code(diagnose_snapshot("default-lq", snapshot))
    objects = objects_of("default-lq")
    the(objects, "LocalQueue")["metadata"]["name"] = "team"
    assert "DefaultLocalQueue" not in by_code(run("default-lq", objects))


def test_namespace_not_managed_without_a_selector_in_the_configuration():
    objects = objects_of("namespace-excluded")
    configmap = the(objects, "ConfigMap")
    key = "controller_manager_config.yaml"
    configmap["data"][key] = configmap["data"][key].replace("kueue.x-k8s.io/managed-namespace", "other-label")
    finding = by_code(run("namespace-excluded", objects))["NamespaceNotManaged"][0]
    assert any("managedJobsNamespaceSelector" in line for line in finding.evidence)
    snapshot = snapshot_of("namespace-excluded")
    snapshot.namespace_labels = None
    finding = by_code(diagnose_snapshot("namespace-excluded", snapshot))["NamespaceNotManaged"][0]
    assert "the labels of namespace ml-team could not be read" in finding.message
    assert not any(line.startswith("Namespace ml-team metadata.labels") for line in finding.evidence)


# ---- Argo's rules in detail ------------------------------------------------------------------------

def test_a_timed_suspend_step():
    objects = objects_of("suspend-step")
    next(t for t in the(objects, "Workflow")["spec"]["templates"] if t["name"] == "approve")["suspend"] = \
        {"duration": "10m"}
    finding = by_code(run("suspend-step", objects))["TemplateHasNoPod"][0]
    assert finding.message == ("Suspend step approve waits for 10m or until `argo resume`. Suspend templates run no "
                               "pod, so Kueue never sees this step and no quota is involved.")


def test_lock_name_from_the_message_or_from_the_synchronization_status():
    objects = objects_of("never-created")
    node_named(objects, "locked").pop("synchronizationStatus")
    finding = next(f for f in by_code(run("never-created", objects))["WaitingForPodCreation"] if "lock" in f.message)
    assert finding.message == ("Step locked waits for the Argo lock mylock. Argo creates its pod only once it gets "
                               "the lock, so Kueue has not seen it yet.")   # no holder
    objects = objects_of("never-created")
    node_named(objects, "locked").pop("message")
    finding = next(f for f in by_code(run("never-created", objects))["WaitingForPodCreation"] if "lock" in f.message)
    assert finding.message.startswith("Step locked waits for the Argo lock mylock, held by ml-team/etl-7g2kd.")
    assert finding.evidence == [f"Workflow ml-team/sync-c8v3m status.nodes[{node_named(objects, 'locked')['id']}]"
                                f".synchronizationStatus.waiting: ml-team/Mutex/mylock"]


def test_lock_holder_of_a_semaphore_and_of_another_lock():
    objects = objects_of("never-created")
    sync = the(objects, "Workflow")["status"]["synchronization"]
    sync["semaphore"] = {"waiting": [{"semaphore": "ml-team/Mutex/mylock", "holder": "ml-team/other-wf"}]}
    sync["mutex"]["waiting"][0]["mutex"] = "ml-team/Mutex/another"
    finding = next(f for f in by_code(run("never-created", objects))["WaitingForPodCreation"] if "lock" in f.message)
    assert finding.message == ("Step locked waits for the Argo lock mylock, held by ml-team/other-wf. Argo creates "
                               "its pod only once it gets the lock, so Kueue has not seen it yet.")


def test_steps_waiting_on_a_lock_do_not_count_against_parallelism():
    objects = objects_of("parallelism-slot")
    node_named(objects, "part-1")["synchronizationStatus"] = {"waiting": "ml-team/Mutex/m"}
    assert codes_of(run("parallelism-slot", objects), "part-0") == ["WaitingForQuota"]


@pytest.mark.parametrize("value, expected", [(2, 2), ("3", 3), (0, None), (-1, None), (True, None), ("x", None),
                                             (None, None)])
def test_positive_int(value, expected):
    from kubectl_kueue_argo.interpret.diagnose.argo_rules import _positive_int
    assert _positive_int(value) == expected


def test_time_limits_only_while_gated_and_pending_and_at_their_boundary():
    late = by_code(run("pending-timeout", now="2026-08-24T10:10:00Z"))["TimeoutWhileGated"][0]
    assert late.severity == "error" and "the limit passed a moment ago" in late.message
    early = by_code(run("pending-timeout", now="2026-08-24T10:09:59Z"))["TimeoutWhileGated"][0]
    assert early.severity == "warning" and "a second left" in early.message
    objects = objects_of("pending-timeout")
    node_named(objects, "train")["phase"] = "Running"
    assert "TimeoutWhileGated" not in by_code(run("pending-timeout", objects))


def test_the_nearest_of_two_limits_is_reported():
    objects = objects_of("pending-timeout")
    the(objects, "Workflow")["spec"]["activeDeadlineSeconds"] = 480
    finding = by_code(run("pending-timeout", objects))["TimeoutWhileGated"][0]
    assert finding.message.startswith("Workflow spec.activeDeadlineSeconds is 480")
    the(objects, "Workflow")["spec"]["activeDeadlineSeconds"] = 900
    finding = by_code(run("pending-timeout", objects))["TimeoutWhileGated"][0]
    assert finding.message.startswith("Template train has timeout 10m")


def test_any_eviction_of_a_running_step_but_a_queue_stop_is_explained_as_preemption():
    objects = objects_of("preempted-running")
    workload = next(o for o in objects if o.get("kind") == "Workload" and "train" in o["metadata"]["name"])
    for condition in workload["status"]["conditions"]:
        if condition["type"] == "Evicted":
            condition["reason"] = "PodsReadyTimeout"
    workload["status"]["conditions"] = [c for c in workload["status"]["conditions"] if c["type"] != "Preempted"]
    finding = by_code(run("preempted-running", objects))["Preempted"][0]
    assert (finding.severity, finding.message) == ("error", (
        "Kueue evicted Workload pod-train-p2r8v-train-89877692-00446 of step train (PodsReadyTimeout) and deleted its "
        "pod. Template train has no retryStrategy (nor has spec.retryStrategy), so Argo does not retry it: the step "
        "fails once the pod is gone. Queued templates without a retryStrategy: train."))


def test_templates_without_retry_are_listed_once():
    objects = objects_of("preempted-no-retry")
    workflow = the(objects, "Workflow")
    train = node_named(objects, "train")
    nodes_of(objects)[train["id"] + "b"] = dict(train, id=train["id"] + "b", name=train["name"] + "b",
                                                displayName="train-b", phase="Succeeded")
    finding = by_code(run("preempted-no-retry", objects))["PreemptedNoRetry"][0]
    assert "Queued templates without a retryStrategy: train." in finding.message
    next(t for t in workflow["spec"]["templates"] if t["name"] == "train")["retryStrategy"] = {"limit": 1}
    assert "PreemptedWillRetry" in by_code(run("preempted-no-retry", objects))


def test_suspend_with_only_admitted_or_only_gated_pods():
    finding = by_code(run("suspended-workflow"))["SuspendNotUnderstood"][0]
    assert "2 admitted pods (a, b) keep running and hold 4 cpu" in finding.message
    assert "gated pod" not in finding.message
    objects = objects_of("quota-wait")
    the(objects, "Workflow")["spec"]["suspend"] = True
    finding = by_code(run("quota-wait", objects))["SuspendNotUnderstood"][0]
    assert finding.message == ("Workflow train-q2w8e is suspended (spec.suspend: true), but Kueue knows nothing of "
                               "Argo's suspend: Argo only stops creating new pods. 1 gated pod (train) can still be "
                               "admitted and start.")
    objects = objects_of("never-created")
    the(objects, "Workflow")["spec"]["suspend"] = True
    assert "SuspendNotUnderstood" not in by_code(run("never-created", objects))
