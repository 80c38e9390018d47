"""interpret/diagnose/cause.py on plain dicts: every branch of the primary cause, and its boundaries
(exactly 30 s), next to the situation that must not give it."""
from datetime import datetime, timedelta, timezone

import pytest

from kubectl_kueue_argo.interpret.diagnose import cause as causes
from kubectl_kueue_argo.interpret.kueue.config import ManagerConfig
from kubectl_kueue_argo.interpret.kueue.queues import cluster_queue_info, local_queue_info
from kubectl_kueue_argo.interpret.kueue.workloads import workload_view
from kubectl_kueue_argo.interpret.status.correlate import StepStatus
from kubectl_kueue_argo.model import CAUSES

NOW = datetime(2026, 8, 24, 10, 20, tzinfo=timezone.utc)
ADMISSION = "kueue.x-k8s.io/admission"
TOPOLOGY = "kueue.x-k8s.io/topology"


def at(seconds_ago):
    return (NOW - timedelta(seconds=seconds_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def pod(gates=(ADMISSION, TOPOLOGY), phase="Pending", created=600, labels=None, annotations=None, conditions=None,
        deleting=False, name="p"):
    metadata = {"name": name, "namespace": "ml-team", "uid": f"uid-{name}", "creationTimestamp": at(created),
                "labels": dict({"kueue.x-k8s.io/managed": "true"}, **(labels or {})),
                "annotations": dict(annotations or {})}
    if deleting:
        metadata["deletionTimestamp"] = at(1)
    return {"metadata": metadata, "spec": {"schedulingGates": [{"name": g} for g in gates]},
            "status": {"phase": phase, "conditions": list(conditions or [])}}


def condition(kind, status="True", reason=None, message="", ago=60):
    return {"type": kind, "status": status, "reason": reason or kind, "message": message,
            "lastTransitionTime": at(ago)}


def workload(*conditions, active=True, queue="user-queue", cluster_queue=None, checks=None):
    spec = {"active": active, "podSets": [{"name": "main", "count": 1, "template": {"spec": {"containers": [
        {"name": "main", "resources": {"requests": {"cpu": "2"}}}]}}}]}
    if queue:
        spec["queueName"] = queue
    status = {"conditions": list(conditions)}
    if cluster_queue:
        status["admission"] = {"clusterQueue": cluster_queue, "podSetAssignments": [
            {"name": "main", "count": 1, "flavors": {"cpu": "on-demand"}, "resourceUsage": {"cpu": "2"}}]}
    if checks:
        status["admissionChecks"] = checks
    return workload_view({"metadata": {"name": "wl", "namespace": "ml-team", "creationTimestamp": at(590)},
                          "spec": spec, "status": status})


def step(pod_object=None, wl=None, *, phase="Pending", type_="Pod", kueue_state=None, reason=None,
         node_message=None, cluster_queue=None):
    s = StepStatus(node_id="n", name="wf.train", display_name="train", type=type_, template_name="train",
                   template_label="train", phase=phase, node_message=node_message, started_at=at(600),
                   finished_at=None, host_node=None)
    s.pod = pod_object
    if pod_object is not None:
        s.pod_name = pod_object["metadata"]["name"]
        s.pod_phase = pod_object["status"]["phase"]
        s.pod_created = pod_object["metadata"]["creationTimestamp"]
        s.scheduling_gates = [g["name"] for g in pod_object["spec"]["schedulingGates"]]
        s.gated = ADMISSION in s.scheduling_gates
    s.workload = wl
    s.kueue_state = kueue_state or (wl.state if wl else ("AwaitingWorkload" if s.gated else "Admitted"))
    s.reason = reason if reason is not None else (wl.reason if wl else None)
    s.message = wl.message if wl else None
    s.cluster_queue = cluster_queue or (wl.cluster_queue if wl else None)
    s.local_queue = wl.queue_name if wl else None
    return s


def facts(**overrides):
    values = dict(now=NOW, local_queues=None, cluster_queues=None, config=None, kueue_installed=True,
                  workloads_readable=True, group_members={})
    values.update(overrides)
    return causes.CauseFacts(**values)


def lq(name="user-queue", cluster_queue="team-cq", stop_policy="None", active=None):
    obj = {"metadata": {"name": name, "namespace": "ml-team"},
           "spec": {"clusterQueue": cluster_queue, "stopPolicy": stop_policy}, "status": {}}
    if active:
        obj["status"]["conditions"] = [{"type": "Active", "status": active[0], "reason": active[1], "message": ""}]
    return {name: local_queue_info(obj)}


def cq(name="team-cq", stop_policy="None", active=None, cpu="8", cohort=None, borrowing=None):
    resource = {"name": "cpu", "nominalQuota": cpu}
    if borrowing is not None:
        resource["borrowingLimit"] = borrowing
    spec = {"stopPolicy": stop_policy, "resourceGroups": [{"coveredResources": ["cpu"], "flavors": [
        {"name": "on-demand", "resources": [resource]}]}]}
    if cohort:
        spec["cohortName"] = cohort
    obj = {"metadata": {"name": name}, "spec": spec, "status": {}}
    if active:
        obj["status"]["conditions"] = [{"type": "Active", "status": active[0], "reason": active[1],
                                        "message": active[2] if len(active) > 2 else ""}]
    return {name: cluster_queue_info(obj)}


def pending(message="couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor "
                    "on-demand, 1 more needed", reason="Pending", **kw):
    return workload(condition("QuotaReserved", "False", reason, message), **kw)


def admitted(ago=60, **kw):
    return workload(condition("QuotaReserved", ago=ago), condition("Admitted", ago=ago), cluster_queue="team-cq", **kw)


# ---- what is not a wait at all -------------------------------------------------------------------

@pytest.mark.parametrize("phase", ["Succeeded", "Failed", "Error", "Skipped", "Omitted"])
def test_a_finished_step_has_no_cause(phase):
    assert causes.primary_cause(step(pod(gates=()), admitted(), phase=phase), facts()) is None


def test_every_cause_is_in_the_vocabulary():
    assert set(causes._UNMANAGED.values()) | set(causes._EVICTION_CAUSES.values()) <= set(CAUSES)
    assert causes.GRACE_SECONDS == 30


@pytest.mark.parametrize("phase", ["Pending", "Running"])
def test_a_suspend_step_runs_no_pod(phase):
    assert causes.primary_cause(step(type_="Suspend", phase=phase), facts()) == "TemplateHasNoPod"


def test_without_a_pod_a_pending_step_waits_for_argo_and_a_running_one_runs():
    assert causes.primary_cause(step(phase="Pending"), facts()) == "WaitingForPodCreation"
    assert causes.primary_cause(step(phase="Running"), facts()) == "Running"
    assert causes.primary_cause(step(type_="HTTP", phase="Pending"), facts()) == "WaitingForPodCreation"


def test_kueue_not_installed_wins_only_when_known():
    unmanaged = step(pod(gates=(), phase="Running"), phase="Running", kueue_state="Unmanaged", reason="NoQueueLabel")
    assert causes.primary_cause(unmanaged, facts(kueue_installed=False)) == "KueueNotInstalled"
    assert causes.primary_cause(unmanaged, facts(kueue_installed=None)) == "NoQueueLabel"


@pytest.mark.parametrize("reason, expected", [
    ("NoQueueLabel", "NoQueueLabel"), ("KueueNotInstalled", "KueueNotInstalled"),
    ("NamespaceExcluded", "NamespaceNotManaged"), ("PodOptionsNamespaceExcluded", "NamespaceNotManaged"),
    ("NamespaceLabelsUnknown", "NamespaceNotManaged"), ("PodIntegrationDisabled", "PodIntegrationDisabled"),
    ("PodIntegrationImplicit", "PodIntegrationDisabled"), ("NotManagedByKueue", "PodIntegrationDisabled"),
    ("SomethingNew", "PodIntegrationDisabled")])
def test_unmanaged_reasons(reason, expected):
    unmanaged = step(pod(gates=(), phase="Running"), phase="Running", kueue_state="Unmanaged", reason=reason)
    assert causes.primary_cause(unmanaged, facts()) == expected


# ---- no Workload -------------------------------------------------------------------------------

def test_gated_without_workload_has_30_seconds_of_grace():
    config = ManagerConfig(pod_integration=True)
    assert causes.primary_cause(step(pod(created=29)), facts(config=config)) == "WaitingForWorkload"
    assert causes.primary_cause(step(pod(created=30)), facts(config=config)) == "WorkloadNotCreated"
    assert causes.primary_cause(step(pod(created=3600)), facts(config=None)) == "WorkloadNotCreated"


def test_gated_without_workload_and_without_creation_time_is_not_created():
    gated = step(pod())
    gated.pod_created = None
    assert causes.primary_cause(gated, facts()) == "WorkloadNotCreated"


def test_pod_integration_off_is_said_even_within_the_grace():
    off = ManagerConfig(pod_integration=False)
    assert causes.primary_cause(step(pod(created=1)), facts(config=off)) == "PodIntegrationDisabled"


def test_unreadable_workloads():
    assert causes.primary_cause(step(pod()), facts(workloads_readable=False)) == "WaitingForQuota"
    running = step(pod(gates=(), phase="Running"), phase="Running")
    assert causes.primary_cause(running, facts(workloads_readable=False)) == "Running"


def group_pod(name, created=600, total="3", phase="Pending", deleting=False):
    return pod(name=name, created=created, phase=phase, deleting=deleting,
               labels={causes.POD_GROUP_KEY: "g"}, annotations={causes.POD_GROUP_TOTAL_KEY: total})


def test_an_incomplete_pod_group_after_the_grace():
    members = [group_pod("a"), group_pod("b")]
    assert causes.primary_cause(step(members[0]), facts(group_members={"g": members})) == "PodGroupIncomplete"
    young = [group_pod("a", created=29), group_pod("b", created=5)]
    assert causes.primary_cause(step(young[0]), facts(group_members={"g": young})) == "WaitingForWorkload"
    old_and_young = [group_pod("a", created=30), group_pod("b", created=5)]
    assert causes.primary_cause(step(old_and_young[1]), facts(group_members={"g": old_and_young})) == \
        "PodGroupIncomplete"


def test_a_complete_pod_group_without_workload_is_not_incomplete():
    members = [group_pod("a"), group_pod("b"), group_pod("c")]
    assert causes.primary_cause(step(members[0]), facts(group_members={"g": members})) == "WorkloadNotCreated"


def test_failed_or_deleted_members_do_not_count():
    members = [group_pod("a"), group_pod("b"), group_pod("c", phase="Failed")]
    assert causes.primary_cause(step(members[0]), facts(group_members={"g": members})) == "PodGroupIncomplete"
    members = [group_pod("a"), group_pod("b"), group_pod("c", deleting=True)]
    assert causes.primary_cause(step(members[0]), facts(group_members={"g": members})) == "PodGroupIncomplete"
    assert [p["metadata"]["name"] for p in causes.active_members(members)] == ["a", "b"]


def test_pod_group_label_annotation_and_bad_count():
    assert causes.pod_group(pod()) is None
    assert causes.pod_group(pod(labels={causes.POD_GROUP_KEY: ""})) is None
    by_label = causes.pod_group(pod(labels={causes.POD_GROUP_KEY: "x"}, annotations={causes.POD_GROUP_TOTAL_KEY: "4"}))
    assert (by_label.name, by_label.total) == ("x", 4)
    both = causes.pod_group(pod(labels={causes.POD_GROUP_KEY: "x", causes.POD_GROUP_TOTAL_KEY: "2"},
                                annotations={causes.POD_GROUP_KEY: "y"}))
    assert (both.name, both.total) == ("y", 2)
    assert causes.pod_group(pod(labels={causes.POD_GROUP_KEY: "x"},
                                annotations={causes.POD_GROUP_TOTAL_KEY: "many"})).total == 0
    assert causes.group_members([pod(name="a"), group_pod("b")]) == {"g": [group_pod("b")]}


def test_released_pod_whose_workload_is_gone():
    assert causes.primary_cause(step(pod(gates=(), phase="Running"), phase="Running"), facts()) == "Running"


# ---- after admission ---------------------------------------------------------------------------

@pytest.mark.parametrize("gates", [(ADMISSION, TOPOLOGY), (TOPOLOGY,)])
def test_kueue_gates_after_admission_have_30_seconds_of_grace(gates):
    assert causes.primary_cause(step(pod(gates=gates), admitted(ago=29)), facts()) == "Ungating"
    assert causes.primary_cause(step(pod(gates=gates), admitted(ago=30)), facts()) == "GateNotRemoved"


def test_unknown_admission_time_is_no_alarm():
    wl = admitted()
    wl.admitted_at = None
    assert causes.primary_cause(step(pod(), wl), facts()) == "Ungating"


def test_other_gates_after_admission():
    assert causes.primary_cause(step(pod(gates=("example.com/check",)), admitted()), facts()) == \
        "ForeignSchedulingGate"
    assert causes.primary_cause(step(pod(gates=(TOPOLOGY, "example.com/check")), admitted(ago=5)), facts()) == \
        "Ungating"


def test_admitted_pending_pod_the_scheduler_cannot_place():
    unschedulable = condition("PodScheduled", "False", "Unschedulable", "0/3 nodes are available")
    assert causes.primary_cause(step(pod(gates=(), conditions=[unschedulable]), admitted()), facts()) == \
        "Unschedulable"
    gated_condition = condition("PodScheduled", "False", "SchedulingGated", "blocked")
    assert causes.primary_cause(step(pod(gates=(), conditions=[gated_condition]), admitted()), facts()) == "Running"
    by_node = step(pod(gates=()), admitted(), node_message="Unschedulable: 0/3 nodes")
    assert causes.primary_cause(by_node, facts()) == "Unschedulable"
    other = step(pod(gates=()), admitted(), node_message="ContainerCreating")
    assert causes.primary_cause(other, facts()) == "Running"
    running = step(pod(gates=(), phase="Running", conditions=[unschedulable]), admitted(), phase="Running")
    assert causes.primary_cause(running, facts()) == "Running"


def test_unschedulable_message_prefers_the_scheduler():
    unschedulable = condition("PodScheduled", "False", "Unschedulable", "0/3 nodes")
    assert causes.unschedulable_message(step(pod(conditions=[unschedulable]), node_message="Unschedulable: x")) == \
        "0/3 nodes"
    assert causes.unschedulable_message(step(pod(conditions=[condition("PodScheduled", "False", "Unschedulable")]))) \
        == "Unschedulable"
    assert causes.unschedulable_message(step(pod(conditions=[condition("PodScheduled", "True", "Unschedulable")]))) \
        is None
    assert causes.unschedulable_message(step(pod(), node_message="Unschedulable: x")) == "Unschedulable: x"
    assert causes.unschedulable_message(step(pod(), node_message="Waiting")) is None


def test_finished_workload_of_an_unfinished_node_runs():
    finished = workload(condition("QuotaReserved"), condition("Admitted"), condition("Finished", reason="Succeeded"),
                        cluster_queue="team-cq")
    assert causes.primary_cause(step(pod(gates=(), phase="Succeeded"), finished, phase="Running"), facts()) == "Running"


def test_quota_reserved_waits_for_checks_or_topology():
    checks = [{"name": "prov-req", "state": "Pending"}]
    reserved = workload(condition("QuotaReserved"), cluster_queue="team-cq", checks=checks)
    assert causes.primary_cause(step(pod(), reserved), facts()) == "WaitingForAdmissionCheck"
    delayed = workload(condition("QuotaReserved"), condition("Admitted", "False", "PendingDelayedTopologyRequests"),
                       cluster_queue="team-cq")
    assert causes.primary_cause(step(pod(), delayed), facts()) == "WaitingForTopology"


# ---- admission taken back ----------------------------------------------------------------------

def test_deactivation_by_hand_and_at_the_maximum_execution_time():
    by_hand = workload(condition("Evicted", reason="Deactivated", message="The workload is deactivated"), active=False)
    assert causes.primary_cause(step(pod(), by_hand), facts()) == "Deactivated"
    timed_out = workload(condition("Evicted", reason="DeactivatedDueToMaximumExecutionTimeExceeded"), active=False)
    assert causes.primary_cause(step(pod(gates=()), timed_out, phase="Running"), facts()) == "MaxExecutionTimeExceeded"
    target = workload(condition("QuotaReserved"), condition("Admitted"),
                      condition("DeactivationTarget", reason="MaximumExecutionTimeExceeded"), cluster_queue="team-cq")
    assert causes.primary_cause(step(pod(gates=()), target, phase="Running"), facts()) == "MaxExecutionTimeExceeded"
    not_yet = workload(condition("QuotaReserved"), condition("Admitted"),
                       condition("DeactivationTarget", "False", "MaximumExecutionTimeExceeded"), cluster_queue="team-cq")
    assert causes.primary_cause(step(pod(gates=()), not_yet, phase="Running"), facts()) == "Running"
    inactive_only = pending(active=False)
    assert causes.primary_cause(step(pod(), inactive_only), facts()) == "Deactivated"
    by_check = workload(condition("Evicted", reason="DeactivatedDueToAdmissionCheck"), active=False)
    assert causes.deactivation(by_check) == "Deactivated"
    assert causes.deactivation(pending()) is None


@pytest.mark.parametrize("reason, expected", [("LocalQueueStopped", "LocalQueueStopped"),
                                              ("ClusterQueueStopped", "ClusterQueueStopped"),
                                              ("Preempted", "Preempted"), ("PodsReadyTimeout", "Preempted")])
def test_evictions(reason, expected):
    evicted = workload(condition("Evicted", reason=reason))
    assert causes.primary_cause(step(pod(gates=(), phase="Running"), evicted, phase="Running"), facts()) == expected


# ---- queued ------------------------------------------------------------------------------------

def test_a_workload_without_queue_name():
    nameless = pending(message="LocalQueue  doesn't exist", reason="Inadmissible", queue=None)
    assert causes.primary_cause(step(pod(), nameless), facts(local_queues=lq())) == "QueueNameMissing"


def test_local_queue_missing_by_message_or_by_the_list():
    missing = pending(message="LocalQueue user-queue doesn't exist", reason="Inadmissible")
    assert causes.primary_cause(step(pod(), missing), facts(local_queues=None)) == "LocalQueueMissing"
    assert causes.primary_cause(step(pod(), pending()), facts(local_queues=lq("other"))) == "LocalQueueMissing"
    assert causes.primary_cause(step(pod(), pending()), facts(local_queues=lq(), cluster_queues=cq())) == \
        "WaitingForQuota"


def test_stopped_local_queue_by_policy_or_message():
    inactive = pending(message="LocalQueue user-queue is inactive", reason="Inadmissible")
    for policy in ("Hold", "HoldAndDrain"):
        assert causes.primary_cause(step(pod(), inactive), facts(local_queues=lq(stop_policy=policy))) == \
            "LocalQueueStopped"
    stopped = pending(message="LocalQueue user-queue is stopped", reason="Inadmissible")
    assert causes.primary_cause(step(pod(), stopped), facts()) == "LocalQueueStopped"


def test_inactive_local_queue_blames_its_cluster_queue():
    inactive = pending(message="LocalQueue user-queue is inactive", reason="Inadmissible")
    no_cq = lq(active=("False", "ClusterQueueDoesNotExist"))
    assert causes.primary_cause(step(pod(), inactive), facts(local_queues=no_cq)) == "ClusterQueueMissing"
    assert causes.primary_cause(step(pod(), pending()), facts(local_queues=lq(), cluster_queues=cq("other"))) == \
        "ClusterQueueMissing"
    inactive_cq = lq(active=("False", "ClusterQueueIsInactive"))
    flavor = cq(active=("False", "FlavorNotFound", "references missing ResourceFlavor(s): [x]"))
    assert causes.primary_cause(step(pod(), inactive), facts(local_queues=inactive_cq, cluster_queues=flavor)) == \
        "ClusterQueueInactive"
    stopped = cq(stop_policy="Hold", active=("False", "Stopped"))
    assert causes.primary_cause(step(pod(), inactive), facts(local_queues=inactive_cq, cluster_queues=stopped)) == \
        "ClusterQueueStopped"
    assert causes.primary_cause(step(pod(), inactive), facts(local_queues=inactive_cq)) == "ClusterQueueInactive"
    assert causes.primary_cause(step(pod(), inactive), facts()) == "ClusterQueueInactive"


def test_cluster_queue_reasons_from_messages():
    for message, expected in (("ClusterQueue team-cq is stopped", "ClusterQueueStopped"),
                              ("ClusterQueue team-cq is inactive", "ClusterQueueInactive"),
                              ("ClusterQueue team-cq doesn't exist", "ClusterQueueMissing"),
                              ("workload namespace doesn't match ClusterQueue selector", "NamespaceNotSelected")):
        wl = pending(message=message, reason="Inadmissible")
        assert causes.primary_cause(step(pod(), wl), facts()) == expected, message
    stopped_by_reason = cq(active=("False", "Stopped"))
    assert causes.primary_cause(step(pod(), pending()), facts(local_queues=lq(), cluster_queues=stopped_by_reason)) \
        == "ClusterQueueStopped"


def test_never_fits_topology_gates_and_quota():
    capacity = ("couldn't assign flavors to pod set main: insufficient quota for cpu in flavor on-demand, previously "
                "considered podsets requests (0) + current podset request (16) > maximum capacity (8)")
    assert causes.primary_cause(step(pod(), pending(message=capacity)), facts()) == "NeverFits"
    too_big = step(pod(), pending(), cluster_queue="team-cq")
    assert causes.primary_cause(too_big, facts(cluster_queues=cq(cpu="1"))) == "NeverFits"
    assert causes.primary_cause(too_big, facts(cluster_queues=cq(cpu="2"))) == "WaitingForQuota"
    assert causes.primary_cause(too_big, facts(cluster_queues=cq(cpu="1", cohort="c"))) == "WaitingForQuota"
    topology = 'couldn\'t assign flavors to pod set main: topology "default" doesn\'t allow to fit any of 1 pod(s)'
    assert causes.primary_cause(step(pod(), pending(message=topology)), facts()) == "WaitingForTopology"
    both = topology + ", insufficient unused quota for cpu in flavor spot, 1 more needed"
    assert causes.primary_cause(step(pod(), pending(message=both)), facts()) == "WaitingForQuota"
    assert causes.primary_cause(step(pod(), pending(message="x", reason="TopologyPlacementFailed")), facts()) == \
        "WaitingForTopology"
    gated = pending(message="Admission is gated by: example.com/x", reason="AdmissionGated")
    assert causes.primary_cause(step(pod(), gated), facts()) == "WaitingForAdmissionCheck"
    failed = pending(message="The workload has failed admission checks")
    assert causes.primary_cause(step(pod(), failed), facts()) == "WaitingForAdmissionCheck"
    assert causes.primary_cause(step(pod(), workload()), facts()) == "WaitingForQuota"      # not evaluated yet


def test_never_fits_problem_details():
    capacity = ("couldn't assign flavors to pod set main: insufficient quota for cpu in flavor on-demand, "
                "request > maximum capacity (8 > 4)")
    problem = causes.never_fits_problem(step(pod(), pending(message=capacity)), None)
    assert (problem.kind, problem.resource, problem.flavor, problem.requested, problem.capacity) == \
        ("exceeds", "cpu", "on-demand", 8, 4)
    old = "couldn't assign flavors to pod set main: insufficient quota for cpu in flavor on-demand in ClusterQueue"
    problem = causes.never_fits_problem(step(pod(), pending(message=old), cluster_queue="team-cq"), cq(cpu="1"))
    assert (problem.requested, problem.capacity) == (2, 1)
    flavor = pending(message="couldn't assign flavors to pod set main: flavor gpu not found", reason="NoMatchingFlavor")
    problem = causes.never_fits_problem(step(pod(), flavor, reason="NoMatchingFlavor"), None)
    assert problem.kind == "no_flavor" and [p.kind for p in problem.problems] == ["flavor_not_found"]
    assert causes.never_fits_problem(step(pod()), None) is None
    assert causes.never_fits_problem(step(pod(), pending(), cluster_queue="team-cq"), cq(cpu="2")) is None


def test_topology_failure_parses_both_forms():
    assert causes.topology_failure('topology "rack" doesn\'t allow to fit any of 4 pod(s). Total nodes: 2') == \
        ("rack", 0, 4)
    assert causes.topology_failure('x: topology "b" allows to fit only 3 out of 5 pod(s)') == ("b", 3, 5)
    assert causes.topology_failure("insufficient unused quota") is None
    assert causes.topology_failure(None) is None


def test_missing_objects_in_both_spellings():
    old = cq(active=("False", "FlavorNotFound", "Can't admit new workloads: references missing ResourceFlavor(s): "
                                                "[a b]."))["team-cq"]
    assert causes.missing_objects(old) == [("missing", "ResourceFlavor", ["a", "b"])]
    new = cq(active=("False", "AdmissionCheckNotFound", "Can't admit new workloads: references missing "
                                                        "AdmissionCheck(s): c1,c2."))["team-cq"]
    assert causes.missing_objects(new) == [("missing", "AdmissionCheck", ["c1", "c2"])]
    inactive = cq(active=("False", "AdmissionCheckInactive", "Can't admit new workloads: is stopped, references "
                                                              "inactive AdmissionCheck(s): [p]."))["team-cq"]
    assert causes.missing_objects(inactive) == [("inactive", "AdmissionCheck", ["p"])]
    assert causes.missing_objects(cq(active=("True", "Ready", "references missing ResourceFlavor(s): [x]"))["team-cq"]) \
        == []
    assert causes.missing_objects(None) == []


def test_kueue_gates_and_seconds_since():
    assert causes.kueue_gates(step(pod(gates=(ADMISSION, "example.com/x", TOPOLOGY)))) == [ADMISSION, TOPOLOGY]
    assert causes.seconds_since(at(30), NOW) == 30
    assert causes.seconds_since(None, NOW) is None and causes.seconds_since(at(1), None) is None


def test_no_matching_flavor_keeps_only_the_problems_that_never_fit():
    message = ("couldn't assign flavors to pod set main: flavor gpu not found, insufficient unused quota for cpu in "
               "flavor on-demand, 1 more needed")
    problem = causes.never_fits_problem(step(pod(), pending(message=message, reason="NoMatchingFlavor"),
                                             reason="NoMatchingFlavor"), None)
    assert [p.kind for p in problem.problems] == ["flavor_not_found"]


def test_a_finished_workload_is_not_deactivated_by_an_old_eviction():
    finished = workload(condition("Finished", reason="Succeeded"), condition("Evicted", reason="Deactivated"))
    assert finished.state == "Finished" and causes.deactivation(finished) is None
