"""Kueue interpretation (interpret/kueue/workloads.py): table-driven cases built from reference/kueue-objects shapes."""
import json
import random
from fractions import Fraction

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kubectl_kueue_argo.model import Position
from tests.support.paths import KUEUE_OBJECTS
from kubectl_kueue_argo.interpret.kueue.workloads import (
    NOT_EVALUATED_MESSAGE, Quota, QuotaProblem, WorkloadIndex, closest_name, cluster_queue_info, local_queue_info,
    parse_quota_message, pending_positions, queue_status, workload_view, workloads_ahead,
)

GI = 2**30
NS = "ml-team"
POD_UID = "9b2d4e61-0c3a-4f7e-8d15-2a6b9c0e3f42"
UNUSED_MSG = "couldn't assign flavors to pod set main: insufficient unused quota for cpu in flavor on-demand, 1 more needed"


def cond(kind, status="True", reason=None, message="", at="2026-08-24T10:15:07Z"):
    return {"type": kind, "status": status, "reason": reason or kind, "message": message, "lastTransitionTime": at}


def workload(conditions=(), api="kueue.x-k8s.io/v1beta2", name="pod-steps-x7k2p-whalesay-2405123907-8d850",
             namespace=NS, spec=None, status=None, **meta):
    """A single-pod Workload shaped like 02-workload-pending.yaml."""
    metadata = {"name": name, "namespace": namespace, "uid": "wl-uid", "creationTimestamp": "2026-08-24T10:15:06Z",
                "labels": {"kueue.x-k8s.io/job-uid": POD_UID},
                "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "steps-x7k2p-whalesay-2405123907",
                                     "uid": POD_UID, "controller": True, "blockOwnerDeletion": True}]}
    metadata.update(meta)
    body = {"active": True, "queueName": "user-queue", "priority": 0, "podSets": [{
        "name": "main", "count": 1, "template": {"spec": {"containers": [
            {"name": "wait", "image": "argoexec"},
            {"name": "main", "image": "whalesay", "resources": {"requests": {"cpu": "2", "memory": "1Gi"}}}]}}}]}
    body.update(spec or {})
    full_status = {"conditions": list(conditions)}
    full_status.update(status or {})
    return {"apiVersion": api, "kind": "Workload", "metadata": metadata, "spec": body, "status": full_status}


def pending(reason, message, **kwargs):
    return workload([cond("QuotaReserved", "False", reason, message)], **kwargs)


ADMISSION = {"clusterQueue": "team-cq", "podSetAssignments": [
    {"name": "main", "count": 1, "flavors": {"cpu": "on-demand", "memory": "on-demand"},
     "resourceUsage": {"cpu": "3", "memory": "1Gi"}}]}
RESERVED = cond("QuotaReserved", reason="QuotaReserved", message="Quota reserved in ClusterQueue team-cq",
                at="2026-08-24T10:14:02Z")
ADMITTED = cond("Admitted", reason="Admitted", message="The workload is admitted", at="2026-08-24T10:14:03Z")
PREEMPT_MSG = ("Preempted to accommodate a workload (UID: 6f1d, JobUID: 1111) due to prioritization in the "
               "ClusterQueue; preemptor path: /team-cq; preemptee path: /team-cq")

# (id, workload, expected state, expected reason)
STATE_CASES = [
    # --- Pending: released (<= v0.19) reason "Pending", v0.20 granular reasons
    ("unused-quota-v0.19", pending("Pending", UNUSED_MSG), "Pending", "WaitingForQuota"),
    ("unused-quota-v0.20", pending("WaitingForQuota", UNUSED_MSG), "Pending", "WaitingForQuota"),
    ("unused-quota-v1beta1", pending("Pending", UNUSED_MSG, api="kueue.x-k8s.io/v1beta1"), "Pending",
     "WaitingForQuota"),
    ("unused-cohort-v0.9", pending("Pending", "couldn't assign flavors to pod set main: insufficient unused quota "
                                   "in cohort for cpu in flavor default, 500m more needed"), "Pending", "WaitingForQuota"),
    ("podsready-legacy", pending("Waiting", "waiting for all admitted workloads to be in PodsReady condition"),
     "Pending", "WaitingForPodsReady"),
    ("podsready-v0.20", pending("WaitingForPodsReady", "waiting for all admitted workloads to be in PodsReady "
                                "condition"), "Pending", "WaitingForPodsReady"),
    ("preempting-v0.20", pending("WaitingForPreemptedWorkloads", "waiting"), "Pending",
     "WaitingForPreemptedWorkloads"),
    ("preempting-legacy", pending("Pending", "Workload has overlapping preemption targets with another workload, but "
                                  "will fit after these preemptions complete"), "Pending", "WaitingForPreemptedWorkloads"),
    ("pending-evaluation", pending("PendingEvaluation", "Workload is pending evaluation in the scheduling queue"),
     "Pending", "PendingEvaluation"),
    ("failed-checks-legacy", pending("Pending", "The workload has failed admission checks"), "Pending",
     "AdmissionChecksFailed"),
    ("no-longer-fits", pending("Pending", "Workload no longer fits after processing another workload"), "Pending",
     "Pending"),
    ("topology-v0.20", pending("TopologyPlacementFailed", "cannot place"), "Pending", "TopologyPlacementFailed"),
    ("unused-and-taint-flavors", pending("Pending", "couldn't assign flavors to pod set main: insufficient unused "
                                         "quota for cpu in flavor a, 1 more needed, untolerated taint "
                                         "gpu=true:NoSchedule in flavor b"), "Pending", "WaitingForQuota"),
    ("no-conditions", workload([]), "Pending", "NotYetEvaluated"),
    # --- Inadmissible: queues (<= v0.19 reason Inadmissible; v0.20 Misconfigured / Suspended)
    ("lq-missing-v0.19", pending("Inadmissible", "LocalQueue gpu-queue doesn't exist"), "Inadmissible",
     "LocalQueueNotFound"),
    ("lq-missing-v0.20", pending("Misconfigured", "LocalQueue gpu-queue doesn't exist"), "Inadmissible",
     "LocalQueueNotFound"),
    ("lq-missing-v1beta1", pending("Inadmissible", "LocalQueue gpu-queue doesn't exist",
                                   api="kueue.x-k8s.io/v1beta1"), "Inadmissible", "LocalQueueNotFound"),
    ("lq-inactive", pending("Inadmissible", "LocalQueue user-queue is inactive"), "Inadmissible",
     "LocalQueueInactive"),
    ("lq-stopped-v0.20", pending("Suspended", "LocalQueue user-queue is stopped"), "Inadmissible",
     "LocalQueueStopped"),
    ("cq-missing", pending("Inadmissible", "ClusterQueue team-cq doesn't exist"), "Inadmissible",
     "ClusterQueueNotFound"),
    ("cq-not-found-scheduler", pending("Inadmissible", "ClusterQueue team-cq not found"), "Inadmissible",
     "ClusterQueueNotFound"),
    ("cq-inactive", pending("Inadmissible", "ClusterQueue team-cq is inactive"), "Inadmissible",
     "ClusterQueueInactive"),
    ("cq-stopped-v0.20", pending("Suspended", "ClusterQueue team-cq is stopped"), "Inadmissible",
     "ClusterQueueStopped"),
    ("namespace-v0.19", pending("Pending", "workload namespace doesn't match ClusterQueue selector"), "Inadmissible",
     "NamespaceNotAllowed"),
    ("namespace-v0.20", pending("Misconfigured", "workload namespace doesn't match ClusterQueue selector"),
     "Inadmissible", "NamespaceNotAllowed"),
    ("admission-gated", pending("AdmissionGated", "Admission is gated by: example.com/gate"), "Inadmissible",
     "AdmissionGated"),
    ("inadmissible-unknown-msg", pending("Inadmissible", "something new"), "Inadmissible", "Inadmissible"),
    ("suspended-unknown-msg", pending("Suspended", "something new"), "Inadmissible", "Suspended"),
    # --- Inadmissible: can never fit as configured
    ("exceeds-v0.20", pending("ExceedsMaxQuota", "anything"), "Inadmissible", "ExceedsMaxQuota"),
    ("no-flavor-v0.20", pending("NoMatchingFlavor", "anything"), "Inadmissible", "NoMatchingFlavor"),
    ("exceeds-v0.15", pending("Pending", "couldn't assign flavors to pod set main: insufficient quota for cpu in "
                              "flavor on-demand, previously considered podsets requests (0) + current podset request "
                              "(5) > maximum capacity (4)"), "Inadmissible", "ExceedsMaxQuota"),
    ("exceeds-v0.10", pending("Pending", "couldn't assign flavors to pod set main: insufficient quota for cpu in "
                              "flavor on-demand, request > maximum capacity (5 > 4)"), "Inadmissible", "ExceedsMaxQuota"),
    ("exceeds-v0.9", pending("Pending", "couldn't assign flavors to pod set main: insufficient quota for cpu in "
                             "flavor default-flavor in ClusterQueue"), "Inadmissible", "ExceedsMaxQuota"),
    ("unavailable", pending("Pending", "couldn't assign flavors to pod set main: resource nvidia.com/gpu unavailable "
                            "in ClusterQueue"), "Inadmissible", "NoMatchingFlavor"),
    ("taint", pending("Pending", "couldn't assign flavors to pod set main: untolerated taint spot=true:NoSchedule in "
                      "flavor spot"), "Inadmissible", "NoMatchingFlavor"),
    ("affinity", pending("Pending", "couldn't assign flavors to pod set main: flavor spot doesn't match node "
                         "affinity"), "Inadmissible", "NoMatchingFlavor"),
    ("flavor-not-found", pending("Pending", "couldn't assign flavors to pod set main: flavor on-demand not found"),
     "Inadmissible", "NoMatchingFlavor"),
    ("exceeds-and-taint", pending("Pending", "couldn't assign flavors to pod set main: insufficient quota for cpu in "
                                  "flavor a, request > maximum capacity (5 > 4), untolerated taint x:NoSchedule in "
                                  "flavor b"), "Inadmissible", "ExceedsMaxQuota"),
    ("one-of-two-podsets-never-fits", pending("Pending", "couldn't assign flavors to pod set a1b2c3d4: insufficient "
                                              "unused quota for cpu in flavor f, 1 more needed; couldn't assign "
                                              "flavors to pod set e5f6a7b8: resource gpu unavailable in ClusterQueue"),
     "Inadmissible", "NoMatchingFlavor"),
    ("deactivated", workload([cond("QuotaReserved", "False", "Pending", UNUSED_MSG)], spec={"active": False}),
     "Inadmissible", "Deactivated"),
    # --- reserved / admitted / finished / evicted
    ("quota-reserved-checks-v0.20", workload([RESERVED, cond("Admitted", "False", "UnsatisfiedAdmissionChecks",
                                                             "The workload has not all checks ready")],
                                             status={"admission": ADMISSION}), "QuotaReserved", "UnsatisfiedAdmissionChecks"),
    ("quota-reserved-checks-legacy", workload([RESERVED, cond("Admitted", "False", "UnsatisfiedChecks")],
                                              status={"admission": ADMISSION}), "QuotaReserved",
     "UnsatisfiedAdmissionChecks"),
    ("quota-reserved-no-admitted-cond", workload([RESERVED], status={
        "admission": ADMISSION, "admissionChecks": [{"name": "prov", "state": "Pending", "message": "waiting"}]}),
     "QuotaReserved", "UnsatisfiedAdmissionChecks"),
    ("quota-reserved-topology", workload([RESERVED, cond("Admitted", "False", "PendingDelayedTopologyRequests")]),
     "QuotaReserved", "PendingDelayedTopologyRequests"),
    ("admitted", workload([RESERVED, ADMITTED], status={"admission": ADMISSION}), "Admitted", "Admitted"),
    ("readmitted-after-eviction", workload([RESERVED, ADMITTED, cond("Evicted", "False", "QuotaReserved",
                                                                     "Previously: " + PREEMPT_MSG)]),
     "Admitted", "Admitted"),
    ("finished-succeeded", workload([RESERVED, ADMITTED, cond("Finished", reason="Succeeded")]), "Finished",
     "Succeeded"),
    ("finished-failed", workload([RESERVED, ADMITTED, cond("Finished", reason="Failed")]), "Finished", "Failed"),
    ("finished-owner-gone", workload([cond("Finished", reason="OwnerNotFound")]), "Finished", "OwnerNotFound"),
    ("finished-failed-to-start", workload([RESERVED, ADMITTED, cond("Finished", reason="FailedToStart",
                                                                    message="conflict for nodeSelector")]),
     "Finished", "FailedToStart"),
    ("finished-v0.5", workload([cond("Finished", reason="JobFinished", message="Job finished successfully")],
                               api="kueue.x-k8s.io/v1beta1"), "Finished", "JobFinished"),
    ("evicted-while-admitted", workload([RESERVED, ADMITTED, cond("Evicted", reason="Preempted", message=PREEMPT_MSG),
                                         cond("Preempted", reason="InClusterQueue", message=PREEMPT_MSG)]),
     "Evicted", "Preempted"),
    ("evicted-then-pending", workload([cond("Evicted", reason="Preempted", message=PREEMPT_MSG),
                                       cond("Preempted", reason="InClusterQueue", message=PREEMPT_MSG),
                                       cond("Requeued", "False", "Preempted"),
                                       cond("QuotaReserved", "False", "Pending", PREEMPT_MSG),
                                       cond("Admitted", "False", "NoReservation")]), "Evicted", "Preempted"),
    ("evicted-podsready-timeout", workload([RESERVED, cond("Evicted", reason="PodsReadyTimeout")]), "Evicted",
     "PodsReadyTimeout"),
    ("finished-beats-evicted", workload([cond("Evicted", reason="Preempted"), cond("Finished", reason="Failed")]),
     "Finished", "Failed"),
]


@pytest.mark.parametrize("wl,state,reason", [c[1:] for c in STATE_CASES], ids=[c[0] for c in STATE_CASES])
def test_workload_state(wl, state, reason):
    view = workload_view(wl)
    assert (view.state, view.reason) == (state, reason)


def test_pending_view_fields():
    view = workload_view(pending("Pending", UNUSED_MSG))
    assert view.name == "pod-steps-x7k2p-whalesay-2405123907-8d850" and view.namespace == NS
    assert view.queue_name == "user-queue" and view.cluster_queue is None
    assert view.message == UNUSED_MSG
    assert view.quota_problems == [QuotaProblem(
        kind="insufficient_unused", pod_set="main", resource="cpu", flavor="on-demand", more_needed=Fraction(1),
        raw="insufficient unused quota for cpu in flavor on-demand, 1 more needed")]
    assert view.owner_pods == [("steps-x7k2p-whalesay-2405123907", POD_UID)]
    assert view.job_uid == POD_UID and not view.is_group and view.active
    assert view.created == "2026-08-24T10:15:06Z"
    assert view.requests == {"cpu": 2, "memory": GI}
    assert set(view.conditions) == {"QuotaReserved"}


def test_not_evaluated_message():
    view = workload_view(workload([]))
    assert view.message == NOT_EVALUATED_MESSAGE and view.quota_problems == []


def test_admitted_view_fields():
    view = workload_view(workload([RESERVED, ADMITTED], status={"admission": ADMISSION}))
    assert view.cluster_queue == "team-cq"
    assert view.flavors == {"cpu": "on-demand", "memory": "on-demand"}
    assert view.resource_usage == {"cpu": 3, "memory": GI}
    assert view.quota_reserved_at == "2026-08-24T10:14:02Z" and view.admitted_at == "2026-08-24T10:14:03Z"
    assert view.finished_at is None and view.evicted_at is None and view.quota_problems == []


def test_evicted_view_fields():
    view = workload_view(workload([RESERVED, ADMITTED, cond("Evicted", reason="Preempted", message=PREEMPT_MSG),
                                   cond("Preempted", reason="InCohortReclamation", message=PREEMPT_MSG)]))
    assert view.eviction_reason == "Preempted" and view.eviction_message == PREEMPT_MSG
    assert view.preemption_reason == "InCohortReclamation" and view.message == PREEMPT_MSG
    assert view.evicted_at == "2026-08-24T10:15:07Z"


def test_deactivated_message_prefers_deactivation_target():
    view = workload_view(workload([cond("DeactivationTarget", reason="RequeuingLimitExceeded",
                                        message="exceeding the maximum number of re-queuing retries")],
                                  spec={"active": False}))
    assert (view.state, view.reason, view.active) == ("Inadmissible", "Deactivated", False)
    assert "re-queuing" in view.message


REQUEST_CASES = [
    ("status-resourceRequests-wins", {}, {"resourceRequests": [{"name": "main", "resources": {"cpu": "500m"}}]},
     {"cpu": Fraction(1, 2)}),
    ("limits-fill-missing-times-count", {"podSets": [{"name": "main", "count": 3, "template": {"spec": {"containers": [
        {"name": "main", "resources": {"limits": {"cpu": "1", "memory": "2Gi"}, "requests": {"cpu": "250m"}}}]}}}]},
     {}, {"cpu": Fraction(3, 4), "memory": 6 * GI}),
    ("init-peak-and-sidecar", {"podSets": [{"name": "main", "count": 1, "template": {"spec": {
        "initContainers": [{"name": "init", "resources": {"requests": {"cpu": "4"}}},
                           {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}}],
        "containers": [{"name": "main", "resources": {"requests": {"cpu": "2"}}}],
        "overhead": {"cpu": "100m"}}}}]}, {}, {"cpu": Fraction(41, 10)}),
    ("two-podsets", {"podSets": [
        {"name": "a", "count": 1, "template": {"spec": {"containers": [{"resources": {"requests": {"cpu": "3"}}}]}}},
        {"name": "b", "count": 2, "template": {"spec": {"containers": [{"resources": {"requests": {"cpu": "1"}}}]}}}]},
     {}, {"cpu": 5}),
    ("usage-fallback", {"podSets": []}, {"admission": ADMISSION}, {"cpu": 3, "memory": GI}),
]


@pytest.mark.parametrize("spec,status,expected", [c[1:] for c in REQUEST_CASES], ids=[c[0] for c in REQUEST_CASES])
def test_requests(spec, status, expected):
    assert workload_view(workload([], spec=spec, status=status)).requests == expected


def test_multi_podset_admission_merges_flavors_and_sums_usage():
    admission = {"clusterQueue": "team-cq", "podSetAssignments": [
        {"name": "a", "flavors": {"cpu": "on-demand"}, "resourceUsage": {"cpu": "3"}},
        {"name": "b", "flavors": {"cpu": "spot", "nvidia.com/gpu": "a100"}, "resourceUsage": {"cpu": "1",
                                                                                              "nvidia.com/gpu": "2"}}]}
    view = workload_view(workload([RESERVED, ADMITTED], status={"admission": admission}))
    assert view.flavors == {"cpu": "on-demand", "nvidia.com/gpu": "a100"}
    assert view.resource_usage == {"cpu": 4, "nvidia.com/gpu": 2}


def test_group_workload_and_priority_class_versions():
    group = workload([], name="sample-group", labels={}, annotations={"kueue.x-k8s.io/is-group-workload": "true"},
                     ownerReferences=[{"apiVersion": "v1", "kind": "Pod", "name": "leader", "uid": "u1"},
                                      {"apiVersion": "v1", "kind": "Pod", "name": "worker", "uid": "u2"}],
                     spec={"priorityClassRef": {"group": "kueue.x-k8s.io", "kind": "WorkloadPriorityClass",
                                                "name": "high"}})
    view = workload_view(group)
    assert view.is_group and view.job_uid is None and view.owner_pods == [("leader", "u1"), ("worker", "u2")]
    assert view.priority_class == "high"
    v1beta1 = workload([], api="kueue.x-k8s.io/v1beta1", spec={"priorityClassName": "low"})
    assert workload_view(v1beta1).priority_class == "low"


def test_admission_checks_listed():
    checks = [{"name": "prov", "state": "Pending", "message": "waiting", "lastTransitionTime": "t"}]
    view = workload_view(workload([RESERVED], status={"admissionChecks": checks}))
    assert view.admission_checks == [{"name": "prov", "state": "Pending", "message": "waiting"}]


@pytest.mark.parametrize("garbage", [None, {}, {"status": {"conditions": "oops"}}, {"metadata": [], "spec": 3},
                                     {"status": {"conditions": [None, {"type": "QuotaReserved"}, 7]}},
                                     {"spec": {"podSets": [{"count": "x", "template": {"spec": {"containers": [
                                         {"resources": {"requests": {"cpu": "lots"}}}]}}}]}}])
def test_workload_view_survives_garbage(garbage):
    assert workload_view(garbage).state in ("Pending", "Inadmissible")


def test_admission_gated_by_message_alone_and_pod_set_counts_that_are_not_integers():
    gated = workload_view(pending("Pending", "Admission is gated by: example.com/gate"))
    assert (gated.state, gated.reason) == ("Inadmissible", "AdmissionGated")
    odd_counts = {"podSets": [{"name": n, "count": count, "template": {"spec": {"containers": [
        {"resources": {"requests": {"cpu": "1"}}}]}}} for n, count in (("a", True), ("b", "3"), ("c", 2))]}
    assert workload_view(workload([], spec=odd_counts)).requests == {"cpu": 4}


def test_workload_view_of_an_admitted_workload_is_exact():
    view = workload_view(workload([RESERVED, ADMITTED], status={"admission": ADMISSION, "requeueState": {
        "requeueAt": "2026-08-24T10:20:00Z"}}, spec={"priority": 5, "active": False}))
    assert (view.uid, view.queue_name, view.cluster_queue, view.state, view.reason, view.message, view.active) == (
        "wl-uid", "user-queue", "team-cq", "Admitted", "Admitted", "The workload is admitted", False)
    assert (view.quota_reserved_at, view.admitted_at, view.finished_at, view.evicted_at) == (
        "2026-08-24T10:14:02Z", "2026-08-24T10:14:03Z", None, None)
    assert (view.priority, view.requeue_at, view.eviction_reason, view.preemption_reason) == (
        5, "2026-08-24T10:20:00Z", None, None)
    assert view.resource_usage == {"cpu": 3, "memory": GI} and view.requests == {"cpu": 2, "memory": GI}


# ---- parse_quota_message -------------------------------------------------------------------------

def problem(kind, raw, **fields):
    return QuotaProblem(kind=kind, pod_set=fields.pop("pod_set", "main"), raw=raw, **fields)


HEAD = "couldn't assign flavors to pod set main: "
QUOTA_CASES = [
    ("unused", UNUSED_MSG, [problem("insufficient_unused", UNUSED_MSG[len(HEAD):], resource="cpu",
                                    flavor="on-demand", more_needed=Fraction(1))]),
    ("unused-millis", HEAD + "insufficient unused quota for cpu in flavor a, 500m more needed",
     [problem("insufficient_unused", "insufficient unused quota for cpu in flavor a, 500m more needed",
              resource="cpu", flavor="a", more_needed=Fraction(1, 2))]),
    ("unused-cohort-v0.9", HEAD + "insufficient unused quota in cohort for memory in flavor a, 2Gi more needed",
     [problem("insufficient_unused_cohort", "insufficient unused quota in cohort for memory in flavor a, 2Gi more "
              "needed", resource="memory", flavor="a", more_needed=Fraction(2 * GI))]),
    ("max-v0.15", HEAD + "insufficient quota for cpu in flavor a, previously considered podsets requests (1) + "
     "current podset request (5) > maximum capacity (4)",
     [problem("exceeds_max_capacity", "insufficient quota for cpu in flavor a, previously considered podsets "
              "requests (1) + current podset request (5) > maximum capacity (4)", resource="cpu", flavor="a",
              previously_considered=Fraction(1), requested=Fraction(5), capacity=Fraction(4))]),
    ("max-v0.10", HEAD + "insufficient quota for memory in flavor a, request > maximum capacity (20Gi > 16Gi)",
     [problem("exceeds_max_capacity", "insufficient quota for memory in flavor a, request > maximum capacity "
              "(20Gi > 16Gi)", resource="memory", flavor="a", requested=Fraction(20 * GI),
              capacity=Fraction(16 * GI))]),
    ("max-v0.9", HEAD + "insufficient quota for cpu in flavor default-flavor in ClusterQueue",
     [problem("exceeds_max_capacity", "insufficient quota for cpu in flavor default-flavor in ClusterQueue",
              resource="cpu", flavor="default-flavor")]),
    ("unavailable", HEAD + "resource nvidia.com/gpu unavailable in ClusterQueue",
     [problem("resource_unavailable", "resource nvidia.com/gpu unavailable in ClusterQueue",
              resource="nvidia.com/gpu")]),
    ("not-found", HEAD + "flavor spot not found", [problem("flavor_not_found", "flavor spot not found",
                                                           flavor="spot")]),
    ("taint", HEAD + "untolerated taint spot=true:NoSchedule in flavor spot",
     [problem("untolerated_taint", "untolerated taint spot=true:NoSchedule in flavor spot", flavor="spot",
              taint="spot=true:NoSchedule")]),
    ("affinity", HEAD + "flavor spot doesn't match node affinity",
     [problem("node_affinity", "flavor spot doesn't match node affinity", flavor="spot")]),
    ("sorted-reasons-joined", HEAD + "flavor b doesn't match node affinity, insufficient unused quota for cpu in "
     "flavor a, 2 more needed",
     [problem("node_affinity", "flavor b doesn't match node affinity", flavor="b"),
      problem("insufficient_unused", "insufficient unused quota for cpu in flavor a, 2 more needed", resource="cpu",
              flavor="a", more_needed=Fraction(2))]),
    ("two-podsets", "couldn't assign flavors to pod set 3b7f0c1e: flavor x not found; couldn't assign flavors to "
     "pod set 9d24e6a8: resource gpu unavailable in ClusterQueue",
     [problem("flavor_not_found", "flavor x not found", flavor="x", pod_set="3b7f0c1e"),
      problem("resource_unavailable", "resource gpu unavailable in ClusterQueue", resource="gpu",
              pod_set="9d24e6a8")]),
    ("failed-to-assign-error", "failed to assign flavors to pod set main: boom",
     [problem("other", "boom")]),
    ("truncated", HEAD + "insufficient unused quota for cpu in flavor on-demand, 1 more needed, insufficient unu",
     [problem("insufficient_unused", "insufficient unused quota for cpu in flavor on-demand, 1 more needed",
              resource="cpu", flavor="on-demand", more_needed=Fraction(1)),
      problem("other", "insufficient unu")]),
    ("unheaded-known", "resource gpu unavailable in ClusterQueue",
     [problem("resource_unavailable", "resource gpu unavailable in ClusterQueue", resource="gpu", pod_set=None)]),
    ("queue-message", "LocalQueue gpu-queue doesn't exist", []),
    ("empty", "", []),
    ("none", None, []),
]


@pytest.mark.parametrize("message,expected", [c[1:] for c in QUOTA_CASES], ids=[c[0] for c in QUOTA_CASES])
def test_parse_quota_message(message, expected):
    assert parse_quota_message(message) == expected


FRAGMENTS = ["couldn't assign flavors to pod set ", "main", ": ", ", ", "; ", "insufficient unused quota for ",
             "in flavor ", "more needed", "(", ")", " > maximum capacity ", "untolerated taint ", "not found",
             "1", "500m", "2Gi", "x", "\n", "é", "\x00", " "]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_parse_quota_message_never_raises_on_text(text):
    assert isinstance(parse_quota_message(text), list)


def test_parse_quota_message_never_raises_on_fragment_soup():
    rng = random.Random(7)
    for _ in range(2000):
        message = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 25)))
        for item in parse_quota_message(message):
            assert isinstance(item, QuotaProblem)
        workload_view(pending(rng.choice(["Pending", "Inadmissible", None, ""]), message))


# ---- WorkloadIndex -------------------------------------------------------------------------------

def pod(name="steps-x7k2p-whalesay-2405123907", uid=POD_UID, namespace=NS, labels=None, annotations=None):
    return {"metadata": {"name": name, "namespace": namespace, "uid": uid, "labels": labels or {},
                         "annotations": annotations or {}}}


def named(name, **meta):
    return workload([], name=name, **{"labels": {}, "ownerReferences": [], **meta})


BY_JOB_UID = named("by-job-uid", labels={"kueue.x-k8s.io/job-uid": POD_UID})
BY_CONTROLLER = named("by-controller", ownerReferences=[{"kind": "Pod", "name": "other-name", "uid": POD_UID,
                                                         "controller": True}])
BY_GROUP_REF = named("by-group-ref", ownerReferences=[{"kind": "Pod", "name": "member", "uid": "member-uid"}])
INDEX_CASES = [
    ("prebuilt-annotation", [named("pre-a"), named("pre-l"), BY_JOB_UID],
     pod(annotations={"kueue.x-k8s.io/prebuilt-workload-name": "pre-a"},
         labels={"kueue.x-k8s.io/prebuilt-workload-name": "pre-l"}), "pre-a"),
    ("prebuilt-label", [named("pre-l"), BY_JOB_UID], pod(labels={"kueue.x-k8s.io/prebuilt-workload-name": "pre-l"}),
     "pre-l"),
    ("group-annotation-over-label", [named("g-a"), named("g-l")],
     pod(annotations={"kueue.x-k8s.io/pod-group-name": "g-a"}, labels={"kueue.x-k8s.io/pod-group-name": "g-l"}),
     "g-a"),
    ("group-label", [named("g-l"), BY_JOB_UID], pod(labels={"kueue.x-k8s.io/pod-group-name": "g-l"}), "g-l"),
    ("workload-annotation", [named("annotated"), BY_JOB_UID],
     pod(annotations={"kueue.x-k8s.io/workload": "annotated"}), "annotated"),
    ("job-uid-before-controller", [BY_CONTROLLER, BY_JOB_UID], pod(), "by-job-uid"),
    ("controller-owner", [BY_CONTROLLER], pod(), "by-controller"),
    ("group-member-by-uid", [BY_GROUP_REF], pod(name="renamed", uid="member-uid"), "by-group-ref"),
    ("group-member-by-name", [BY_GROUP_REF], pod(name="member", uid=None), "by-group-ref"),
    ("missing-prebuilt-falls-through", [BY_JOB_UID],
     pod(labels={"kueue.x-k8s.io/prebuilt-workload-name": "absent"}), "by-job-uid"),
    ("other-namespace-ignored", [workload([], namespace="elsewhere")], pod(), None),
    ("name-in-other-namespace-ignored", [named("g-l", namespace="elsewhere")],
     pod(labels={"kueue.x-k8s.io/pod-group-name": "g-l"}), None),
    ("nothing", [], pod(), None),
]


@pytest.mark.parametrize("workloads,the_pod,expected", [c[1:] for c in INDEX_CASES], ids=[c[0] for c in INDEX_CASES])
def test_index_for_pod(workloads, the_pod, expected):
    found = WorkloadIndex(workloads).for_pod(the_pod)
    assert (found.name if found else None) == expected


def test_index_views_and_garbage():
    index = WorkloadIndex([BY_JOB_UID, None, BY_CONTROLLER])
    assert {view.name for view in index.views()} >= {"by-job-uid", "by-controller"}
    assert index.for_pod(None) is None and index.for_pod({"metadata": "x"}) is None


def test_index_finds_each_pod_among_thousands_of_workloads():
    """Correct at scale (every lookup right, no view lost); speed is measured by benchmarks/, not here."""
    workloads = [workload([cond("QuotaReserved", "False", "Pending", UNUSED_MSG)], name=f"pod-w{i}-abcde",
                          labels={"kueue.x-k8s.io/job-uid": f"uid-{i}"},
                          ownerReferences=[{"kind": "Pod", "name": f"w{i}", "uid": f"uid-{i}", "controller": True}])
                 for i in range(3000)]
    index = WorkloadIndex(workloads)
    for i in range(3000):
        assert index.for_pod(pod(name=f"w{i}", uid=f"uid-{i}")).name == f"pod-w{i}-abcde"
    assert [view.name for view in index.views()] == [f"pod-w{i}-abcde" for i in range(3000)]


# ---- queues ---------------------------------------------------------------------------------------

def active(status, reason, message):
    return {"status": {"conditions": [{"type": "Active", "status": status, "reason": reason, "message": message}]}}


QUEUE_STATUS_CASES = [
    ("lq-ready", active("True", "Ready", "Can submit new workloads to localQueue"), (True, "Ready", False, None)),
    ("lq-cq-missing", active("False", "ClusterQueueDoesNotExist", "Can't submit new workloads to clusterQueue"),
     (False, "ClusterQueueDoesNotExist", False, None)),
    ("cq-flavor-missing", active("False", "FlavorNotFound", "Can't admit new workloads: references missing "
                                 "ResourceFlavor(s): [on-demand]."), (False, "FlavorNotFound", False, None)),
    ("hold", {"spec": {"stopPolicy": "Hold"}}, (None, None, True, "Hold")),
    ("hold-and-drain", {"spec": {"stopPolicy": "HoldAndDrain"}, **active("False", "Stopped", "LocalQueue is stopped")},
     (False, "Stopped", True, "HoldAndDrain")),
    ("policy-none", {"spec": {"stopPolicy": "None"}}, (None, None, False, "None")),
    ("garbage", None, (None, None, False, None)),
]


@pytest.mark.parametrize("queue,expected", [c[1:] for c in QUEUE_STATUS_CASES], ids=[c[0] for c in QUEUE_STATUS_CASES])
def test_queue_status(queue, expected):
    status = queue_status(queue)
    assert (status.active, status.reason, status.stopped, status.stop_policy) == expected


def cluster_queue(api="kueue.x-k8s.io/v1beta2", cohort=None, flavors=None, **spec):
    body = {"namespaceSelector": {}, "queueingStrategy": "BestEffortFIFO", "resourceGroups": [{
        "coveredResources": ["cpu", "memory"],
        "flavors": flavors or [{"name": "on-demand", "resources": [{"name": "cpu", "nominalQuota": 4},
                                                                   {"name": "memory", "nominalQuota": "16Gi"}]}]}]}
    if cohort:
        body["cohort" if api.endswith("v1beta1") else "cohortName"] = cohort
    body.update(spec)
    return {"apiVersion": api, "kind": "ClusterQueue", "metadata": {"name": "team-cq"}, "spec": body, "status": {
        "pendingWorkloads": 1, "reservingWorkloads": 1, "admittedWorkloads": 1,
        "flavorsReservation": [{"name": "on-demand", "resources": [{"name": "cpu", "total": "3", "borrowed": "0"}]}],
        "flavorsUsage": [{"name": "on-demand", "resources": [{"name": "cpu", "total": "3", "borrowed": "1"}]}],
        "conditions": [{"type": "Active", "status": "True", "reason": "Ready", "message": "Can admit new workloads"}]}}


def test_cluster_queue_info_v1beta2():
    info = cluster_queue_info(cluster_queue(cohort="team-cohort"))
    assert info.name == "team-cq" and info.cohort == "team-cohort" and info.namespace_selector == {}
    assert info.covered_resources == {"cpu", "memory"} and info.queueing_strategy == "BestEffortFIFO"
    assert info.quotas["on-demand"]["memory"].nominal == 16 * GI
    assert info.usage == {"on-demand": {"cpu": (3, 1)}} and info.reservation == {"on-demand": {"cpu": (3, 0)}}
    assert (info.pending, info.admitted, info.status.active) == (1, 1, True)


def test_cluster_queue_info_v1beta1_cohort_and_missing_selector():
    cq = cluster_queue(api="kueue.x-k8s.io/v1beta1", cohort="old-cohort")
    del cq["spec"]["namespaceSelector"]
    info = cluster_queue_info(cq)
    assert info.cohort == "old-cohort" and info.namespace_selector is None
    assert not info.admits_namespace({"kubernetes.io/metadata.name": NS})
    assert cluster_queue_info(cluster_queue()).admits_namespace({})


TWO_FLAVORS = [{"name": "small", "resources": [{"name": "cpu", "nominalQuota": 4, "borrowingLimit": "2"}]},
               {"name": "big", "resources": [{"name": "cpu", "nominalQuota": "8", "borrowingLimit": "500m"}]}]
CAPACITY_CASES = [
    ("no-cohort-nominal", cluster_queue(flavors=[{"name": "f", "resources": [
        {"name": "cpu", "nominalQuota": 4, "borrowingLimit": 2}]}]), "cpu", Fraction(4)),
    ("cohort-plus-borrowing", cluster_queue(cohort="c", flavors=[{"name": "f", "resources": [
        {"name": "cpu", "nominalQuota": 4, "borrowingLimit": 2}]}]), "cpu", Fraction(6)),
    ("cohort-unlimited", cluster_queue(cohort="c"), "cpu", None),
    ("best-flavor", cluster_queue(cohort="c", flavors=TWO_FLAVORS), "cpu", Fraction(17, 2)),
    ("not-covered", cluster_queue(), "nvidia.com/gpu", Fraction(0)),
]


@pytest.mark.parametrize("cq,resource,expected", [c[1:] for c in CAPACITY_CASES], ids=[c[0] for c in CAPACITY_CASES])
def test_max_capacity(cq, resource, expected):
    assert cluster_queue_info(cq).max_capacity(resource) == expected


@pytest.mark.parametrize("usage_key", ["flavorsUsage", "flavorUsage"])   # v1beta2, v1beta1
def test_local_queue_info_both_versions(usage_key):
    lq = {"metadata": {"name": "user-queue", "namespace": NS}, "spec": {"clusterQueue": "team-cq"},
          "status": {"pendingWorkloads": 1, "admittedWorkloads": 2,
                     usage_key: [{"name": "on-demand", "resources": [{"name": "cpu", "total": "3"}]}],
                     "conditions": [{"type": "Active", "status": "True", "reason": "Ready"}]}}
    info = local_queue_info(lq)
    assert (info.name, info.namespace, info.cluster_queue) == ("user-queue", NS, "team-cq")
    assert info.usage == {"on-demand": {"cpu": 3}} and (info.pending, info.admitted) == (1, 2)
    assert info.status.active is True


# ---- visibility -----------------------------------------------------------------------------------

def item(name, pod_name, lq, cq):
    return {"metadata": {"name": name, "namespace": NS, "ownerReferences": [
        {"apiVersion": "v1", "kind": "Pod", "name": pod_name, "uid": "u"}]},
        "priority": 0, "localQueueName": "user-queue", "positionInClusterQueue": cq, "positionInLocalQueue": lq}


ITEMS = [item("wl-c", "pod-c", 2, 5), item("wl-a", "pod-a", 0, 1), item("wl-b", "pod-b", 1, 3)]


def test_pending_positions_count_from_one():
    positions = pending_positions(ITEMS)
    assert positions["wl-a"] == Position(local_queue=1, cluster_queue=2)
    assert positions[("pod", "pod-c")] == Position(local_queue=3, cluster_queue=6)
    assert pending_positions([{"metadata": {"name": "x"}}])["x"] == Position(None, None)
    assert pending_positions(None) == {}


@pytest.mark.parametrize("target,expected", [("wl-c", ["wl-a", "wl-b"]), ("pod-b", ["wl-a"]), ("wl-a", []),
                                             ("absent", [])])
def test_workloads_ahead(target, expected):
    assert [i["metadata"]["name"] for i in workloads_ahead(ITEMS, target)] == expected


@pytest.mark.parametrize("name,candidates,expected", [
    ("user-queu", ["user-queue", "gpu-queue"], "user-queue"),
    ("gpu-queue", ["user-queue", "gpu-queues"], "gpu-queues"),
    ("zzz", ["user-queue"], None),
    ("user-queue", [], None),
    (None, ["user-queue"], None),
])
def test_closest_name(name, candidates, expected):
    assert closest_name(name, candidates) == expected


def test_cluster_queue_defaults_and_amounts_without_totals():
    cq = {"metadata": {"name": "cq"}, "spec": {"queueingStrategy": "StrictFIFO", "resourceGroups": [
        {"coveredResources": ["cpu"], "flavors": [{"name": "f", "resources": [{"name": "cpu"}]}]},
        {"coveredResources": ["memory"], "flavors": [{"name": "f", "resources": [
            {"name": "memory", "nominalQuota": "1Gi", "lendingLimit": "512Mi"}]}]}]},
          "status": {"flavorUsage": [{"name": "f", "resources": [{"name": "cpu"}, {"name": "memory", "total": "1Gi"}]}]}}
    info = cluster_queue_info(cq)
    assert info.queueing_strategy == "StrictFIFO" and cluster_queue_info({}).queueing_strategy == "BestEffortFIFO"
    assert info.quotas == {"f": {"cpu": Quota(Fraction(0)), "memory": Quota(GI, None, GI // 2)}}
    assert info.covered_resources == {"cpu", "memory"}
    assert info.usage == {"f": {"cpu": (0, 0), "memory": (GI, 0)}}
    assert (info.reservation, info.pending, info.cohort) == ({}, None, None)
    lq = local_queue_info({"status": {"flavorsUsage": [{"name": "f", "resources": [{"name": "cpu"}]}],
                                      "flavorsReservation": [{"name": "f", "resources": [{"name": "cpu", "total": 2}]}],
                                      "reservingWorkloads": 3}})
    assert (lq.usage, lq.reservation, lq.reserving, lq.name, lq.cluster_queue) == (
        {"f": {"cpu": 0}}, {"f": {"cpu": 2}}, 3, "", None)


def test_positions_are_keyed_by_workload_and_by_owner_pod_only():
    items = [{"metadata": {"name": "wl", "ownerReferences": [
        {"kind": "Pod", "name": "p"}, {"kind": "Job", "name": "j"}, {"kind": "Pod"}, "junk"]},
        "positionInLocalQueue": True, "positionInClusterQueue": 4}, {"metadata": {}, "positionInLocalQueue": 1}]
    assert pending_positions(items) == {"wl": Position(None, 5), ("pod", "p"): Position(None, 5)}


def test_workloads_ahead_in_local_queue_order_with_unpositioned_items_in_list_order():
    items = [item("wl-x", "pod-x", None, None), item("wl-b", "pod-b", 1, 3), item("wl-a", "pod-a", 0, 1),
             item("wl-a", "pod-a-again", 5, 9)]
    assert [i["metadata"]["name"] for i in workloads_ahead(items, "wl-a")] == ["wl-x"]   # its first entry
    assert [i["metadata"]["name"] for i in workloads_ahead(items, "pod-b")] == ["wl-x", "wl-a"]
    assert workloads_ahead(items, "") == [] and workloads_ahead(items, None) == []
    assert workloads_ahead(items, ("pod", "pod-b")) == []


def test_workloads_ahead_sees_a_list_that_grew_since_it_was_last_asked():
    items = [item("wl-a", "pod-a", 0, 1)]
    assert workloads_ahead(items, "wl-b") == []
    items.append(item("wl-b", "pod-b", 1, 2))
    assert [i["metadata"]["name"] for i in workloads_ahead(items, "wl-b")] == ["wl-a"]
    copy = list(items)        # equal but another list: indexed on its own
    assert [i["metadata"]["name"] for i in workloads_ahead(copy, "wl-b")] == ["wl-a"]
    assert [i["metadata"]["name"] for i in workloads_ahead(tuple(items), "wl-b")] == []   # not a list: no items


def test_the_queue_order_cache_never_serves_another_list_of_the_same_length():
    first = [item("wl-a", "pod-a", 0, 1), item("wl-b", "pod-b", 1, 2)]
    second = [item("wl-b", "pod-b", 0, 1), item("wl-a", "pod-a", 1, 2)]
    assert [i["metadata"]["name"] for i in workloads_ahead(first, "wl-b")] == ["wl-a"]
    assert [i["metadata"]["name"] for i in workloads_ahead(second, "wl-b")] == []
    assert [i["metadata"]["name"] for i in workloads_ahead(second, "wl-a")] == ["wl-b"]


def test_queue_order_ignores_positions_that_are_not_integers_and_owners_that_are_not_pods():
    job_owned = {"metadata": {"name": "wl-job", "ownerReferences": [{"kind": "Job", "name": "job-x"}]},
                 "positionInLocalQueue": True}
    items = [item("wl-b", "pod-b", 1, 2), job_owned, {"metadata": {"name": "wl-s"}, "positionInLocalQueue": "0"},
             item("wl-a", "pod-a", 0, 1)]
    # wl-job and wl-s take their list index (1, 2) as their place
    assert [i["metadata"]["name"] for i in workloads_ahead(items, "wl-a")] == []
    assert [i["metadata"]["name"] for i in workloads_ahead(items, "wl-s")] == ["wl-a", "wl-b", "wl-job"]
    assert workloads_ahead(items, "job-x") == []


def test_queue_status_skips_conditions_without_type():
    status = queue_status({"status": {"conditions": ["junk", {"status": "True"},
                                                     {"type": "Active", "status": "False", "reason": "Stopped"}]}})
    assert (status.active, status.reason) == (False, "Stopped")


def test_closest_name_of_something_that_is_not_a_name():
    assert closest_name(5, ["user-queue"]) is None and closest_name("", ["user-queue"]) is None


def test_quota_messages_that_are_not_text_and_problems_that_touch():
    assert parse_quota_message(None) == [] and parse_quota_message(5) == [] and parse_quota_message("") == []
    touching = "flavor x not foundresource cpu unavailable in ClusterQueueresource gpu unavailable in ClusterQueue"
    assert [(p.kind, p.flavor, p.resource) for p in parse_quota_message(touching)] == [
        ("flavor_not_found", "x", None), ("resource_unavailable", None, "cpu"), ("resource_unavailable", None, "gpu")]


def test_quota_reserved_reasons_and_messages():
    checks = {"admissionChecks": [{"name": "prov", "state": "Pending"}]}
    topology = workload_view(workload([RESERVED, cond("Admitted", "False", "PendingDelayedTopologyRequests",
                                                      "waiting for topology")], status=checks))
    assert (topology.state, topology.reason, topology.message) == (
        "QuotaReserved", "PendingDelayedTopologyRequests", "waiting for topology")
    reserved_only = workload_view(workload([RESERVED]))
    assert (reserved_only.state, reserved_only.reason, reserved_only.message) == (
        "QuotaReserved", "QuotaReserved", "Quota reserved in ClusterQueue team-cq")
    ready_checks = workload_view(workload([RESERVED], status={"admissionChecks": [{"name": "p", "state": "Ready"}]}))
    assert ready_checks.reason == "QuotaReserved"


def test_a_pod_set_without_count_counts_once():
    spec = {"podSets": [{"name": "main", "template": {"spec": {"containers": [
        {"resources": {"requests": {"cpu": "3"}}}]}}}]}
    assert workload_view(workload([], spec=spec)).requests == {"cpu": 3}


def test_a_workload_owned_but_not_controlled_by_the_pods_uid_is_not_the_pods():
    owned = workload([], name="other", labels={}, ownerReferences=[{"kind": "ReplicaSet", "name": "rs", "uid": POD_UID}])
    controlled = workload([], name="mine", labels={}, ownerReferences=[
        {"kind": "Job", "name": "j", "uid": POD_UID, "controller": True}])
    the_pod = {"metadata": {"name": "p", "namespace": NS, "uid": POD_UID}}
    assert WorkloadIndex([owned]).for_pod(the_pod) is None
    assert WorkloadIndex([owned, controlled]).for_pod(the_pod).name == "mine"


# ---- the annotated reference objects, read at test time when present --------------------------------

OBJECTS = KUEUE_OBJECTS
needs_objects = pytest.mark.skipif(not OBJECTS.is_dir(), reason="shared reference kueue-objects not available")


def load(name):
    return [doc for doc in yaml.safe_load_all((OBJECTS / name).read_text()) if doc]


@needs_objects
def test_reference_objects():
    pending_wl, admitted_wl = load("02-workload-pending.yaml")[0], load("03-workload-admitted.yaml")[0]
    gated_pod = load("01-pod-gated.yaml")[0]
    index = WorkloadIndex([pending_wl, admitted_wl])
    view = index.for_pod(gated_pod)
    assert (view.name, view.state, view.reason) == (pending_wl["metadata"]["name"], "Pending", "WaitingForQuota")
    assert view.quota_problems[0].more_needed == 1
    running = index.for_pod(load("03-workload-admitted.yaml")[1])
    assert running.state == "Admitted" and running.flavors["cpu"] == "on-demand"
    assert workload_view(load("04-workload-finished.yaml")[0]).state == "Finished"
    missing, evicted = load("05-workload-inadmissible-and-evicted.yaml")
    assert workload_view(missing).reason == "LocalQueueNotFound"
    assert (workload_view(evicted).state, workload_view(evicted).preemption_reason) == ("Evicted", "InClusterQueue")
    group = workload_view(load("08-pod-group-workload.yaml")[0])
    assert group.is_group and group.requests == {"cpu": 6} and group.reason == "NotYetEvaluated"
    _, cq, lq = load("06-queues-with-status.yaml")
    assert cluster_queue_info(cq).max_capacity("cpu") == 4 and local_queue_info(lq).usage["on-demand"]["cpu"] == 3
    reply = json.loads((OBJECTS / "07-visibility-lq-pendingworkloads.json").read_text())
    assert pending_positions(reply["items"])[("pod", gated_pod["metadata"]["name"])] == Position(1, 1)
