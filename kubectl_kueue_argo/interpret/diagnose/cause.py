"""The one primary cause of a step (model.CAUSES): why it is not running now, or why Kueue does not
manage it (pure).

`status` and `explain` both take the cause from here, so they always agree; `explain` then explains it.
Controller behaviour (reference/facts/kueue.md, hard-cases.md; kubernetes-sigs/kueue sources):
- a gated pod without a Workload: pkg/controller/jobs/pod/pod_controller.go (pod groups wait for
  pod-group-total-count pods, validatePodGroupMetadata, event ErrWorkloadCompose);
- queue blockers: pkg/controller/core/workload_controller.go getQueueBlocker ("LocalQueue X is
  inactive", "ClusterQueue X doesn't exist"), ClusterQueue Active=False reasons in
  pkg/cache/scheduler/clusterqueue.go inactiveReason ("references missing ResourceFlavor(s): ...");
- deactivation: pkg/workload/evict (Evicted reasons "Deactivated", "DeactivatedDueTo<cause>");
- topology: pkg/cache/scheduler/tas_flavor_snapshot.go notFitMessage; the topology ungater removes
  kueue.x-k8s.io/topology after admission (pkg/controller/tas/topology_ungater.go);
- Argo: workflow/controller/operator.go getPendingReason ("Unschedulable: <scheduler message>").
"""
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from kubectl_kueue_argo.interpret.argo.workflow import FINAL_PHASES
from kubectl_kueue_argo.interpret.dicts import mapping, sequence
from kubectl_kueue_argo.interpret.kueue import pods as podfacts
from kubectl_kueue_argo.timeutil import parse_time
from kubectl_kueue_argo.wording import prose_duration

GRACE_SECONDS = 30     # Kueue removes its gates and creates Workloads well within a second (facts: hard cases)
KUEUE_GATE_PREFIX = "kueue.x-k8s.io/"
POD_GROUP_KEY = "kueue.x-k8s.io/pod-group-name"
POD_GROUP_TOTAL_KEY = "kueue.x-k8s.io/pod-group-total-count"
_NEVER_FIT_KINDS = ("resource_unavailable", "flavor_not_found", "untolerated_taint", "node_affinity")
_TOPOLOGY = re.compile(r'topology "(?P<topology>[^"]*)" (?:doesn\'t allow to fit any of (?P<none>\d+)|'
                       r'allows to fit only (?P<fit>\d+) out of (?P<total>\d+)) pod\(s\)')
_MISSING = re.compile(r"references (?P<state>missing|inactive) (?P<kind>ResourceFlavor|AdmissionCheck)\(s\): "
                      r"\[?(?P<names>[^\].]*)\]?")
_UNMANAGED = {
    "NoQueueLabel": "NoQueueLabel", "KueueNotInstalled": "KueueNotInstalled",
    "NamespaceExcluded": "NamespaceNotManaged", "PodOptionsNamespaceExcluded": "NamespaceNotManaged",
    "NamespaceLabelsUnknown": "NamespaceNotManaged",
    "PodIntegrationDisabled": "PodIntegrationDisabled", "PodIntegrationImplicit": "PodIntegrationDisabled",
    # The webhook left a labelled pod alone and the configuration could not say why: the pod integration
    # being off is the common reason (it was off by default before Kueue v0.16).
    "NotManagedByKueue": "PodIntegrationDisabled",
}
_EVICTION_CAUSES = {"LocalQueueStopped": "LocalQueueStopped", "ClusterQueueStopped": "ClusterQueueStopped"}


@dataclass
class CauseFacts:
    """What the causes need beyond the step itself, read once per report."""

    now: object = None
    local_queues: Optional[dict] = None          # name -> LocalQueueInfo; None: not readable
    cluster_queues: Optional[dict] = None        # name -> ClusterQueueInfo; None: not readable
    config: object = None                        # ManagerConfig or None
    kueue_installed: Optional[bool] = None
    workloads_readable: bool = True
    group_members: Dict[str, List[dict]] = field(default_factory=dict)   # pod group -> its pods here


# ---- the decision --------------------------------------------------------------------------------

def primary_cause(step, facts):
    """One of model.CAUSES, or None for a finished step."""
    if step.phase in FINAL_PHASES:
        return None
    if step.type == "Suspend":
        return "TemplateHasNoPod"
    if step.pod is None:
        return "WaitingForPodCreation" if step.phase == "Pending" else "Running"
    if facts.kueue_installed is False:
        return "KueueNotInstalled"
    if step.kueue_state == "Unmanaged":
        return _UNMANAGED.get(step.reason, "PodIntegrationDisabled")
    workload = step.workload
    if workload is None:
        return _without_workload(step, facts)
    if workload.state == "Finished":
        return "Running"      # the pod ended; Argo has not recorded it yet
    deactivated = deactivation(workload)
    if deactivated:
        return deactivated
    if workload.state == "Evicted":
        return _EVICTION_CAUSES.get(workload.eviction_reason, "Preempted")
    if workload.state == "Admitted":
        return _admitted(step, facts)
    if workload.state == "QuotaReserved":
        return "WaitingForTopology" if workload.reason == "PendingDelayedTopologyRequests" else \
            "WaitingForAdmissionCheck"
    return _queued(step, facts)


def _without_workload(step, facts):
    if not facts.workloads_readable:
        return "WaitingForQuota" if step.gated else _released(step)
    if not step.gated:
        return _released(step)        # admitted once; its Workload is gone (retention, manual delete)
    if facts.config is not None and not facts.config.pod_integration:
        return "PodIntegrationDisabled"
    age = seconds_since(step.pod_created, facts.now)
    group = pod_group(step.pod)
    members = facts.group_members.get(group.name, ()) if group is not None else ()
    if group is not None and len(active_members(members)) < group.total:
        ages = [a for a in (seconds_since(_created(pod), facts.now) for pod in members) if a is not None]
        group_age = max(ages, default=age)      # since the group's first pod
        return "WaitingForWorkload" if _within_grace(group_age) else "PodGroupIncomplete"
    return "WaitingForWorkload" if _within_grace(age) else "WorkloadNotCreated"


def _within_grace(seconds):
    return seconds is not None and seconds < GRACE_SECONDS


def _admitted(step, facts):
    if kueue_gates(step):
        since = seconds_since(step.workload.admitted_at, facts.now)
        return "Ungating" if since is None or _within_grace(since) else "GateNotRemoved"
    return _released(step)


def _released(step):
    """An ungated pod: what keeps it from running, if anything."""
    if podfacts.foreign_gates(step.pod):
        return "ForeignSchedulingGate"
    if step.pod_phase == "Pending" and unschedulable_message(step) is not None:
        return "Unschedulable"
    return "Running"


def _queued(step, facts):
    workload = step.workload
    blocker = queue_blocker(step, facts)
    if blocker:
        return blocker
    if never_fits_problem(step, facts.cluster_queues) is not None:
        return "NeverFits"
    if step.reason == "TopologyPlacementFailed" or (topology_failure(workload.message) and not any(
            p.kind.startswith("insufficient_unused") for p in workload.quota_problems)):
        return "WaitingForTopology"
    if step.reason in ("AdmissionGated", "AdmissionChecksFailed"):
        return "WaitingForAdmissionCheck"
    return "WaitingForQuota"


# ---- queues --------------------------------------------------------------------------------------

def queue_blocker(step, facts):
    """The queue cause that keeps Kueue from ever admitting the step until someone acts, or None."""
    workload = step.workload
    if not workload.queue_name:
        return "QueueNameMissing"     # manageJobsWithoutQueueName: "LocalQueue  doesn't exist" (two spaces)
    reason = step.reason
    local_queue = (facts.local_queues or {}).get(workload.queue_name)
    if reason == "LocalQueueNotFound" or (facts.local_queues is not None and local_queue is None):
        return "LocalQueueMissing"
    if reason == "LocalQueueStopped" or (local_queue is not None and local_queue.status.stopped):
        return "LocalQueueStopped"
    cluster_queue_name = local_queue.cluster_queue if local_queue else workload.cluster_queue
    lq_reason = local_queue.status.reason if local_queue is not None and local_queue.status.active is False \
        else None
    if reason == "ClusterQueueNotFound" or lq_reason == "ClusterQueueDoesNotExist" or (
            facts.cluster_queues is not None and cluster_queue_name and cluster_queue_name not in facts.cluster_queues):
        return "ClusterQueueMissing"
    cluster_queue = (facts.cluster_queues or {}).get(cluster_queue_name)
    if reason == "ClusterQueueStopped" or (cluster_queue is not None and _stopped(cluster_queue)):
        return "ClusterQueueStopped"
    if reason in ("ClusterQueueInactive", "LocalQueueInactive") or lq_reason is not None or (
            cluster_queue is not None and cluster_queue.status.active is False):
        return "ClusterQueueInactive"
    if reason == "NamespaceNotAllowed":
        return "NamespaceNotSelected"
    return None


def _stopped(cluster_queue):
    return cluster_queue.status.stopped or cluster_queue.status.reason == "Stopped"


def missing_objects(queue_info):
    """[(state "missing"|"inactive", kind "ResourceFlavor"|"AdmissionCheck", [names])] that a
    ClusterQueue's Active=False message names (both the "[a b]" and the "a,b" spelling)."""
    if queue_info is None or queue_info.status.active is not False:
        return []
    found = []
    for match in _MISSING.finditer(queue_info.status.message or ""):
        names = [n for n in re.split(r"[\s,]+", match.group("names").strip()) if n]
        found.append((match.group("state"), match.group("kind"), names))
    return found


# ---- never fits, topology ------------------------------------------------------------------------

@dataclass
class NeverFit:
    kind: str                       # exceeds | no_flavor
    resource: Optional[str] = None
    flavor: Optional[str] = None
    requested: object = None
    capacity: object = None
    problems: list = field(default_factory=list)


def never_fits_problem(step, cluster_queues):
    """Why the step's Workload can never be admitted by its ClusterQueue as configured, or None."""
    workload = step.workload
    if workload is None:
        return None
    info = (cluster_queues or {}).get(step.cluster_queue)
    for problem in workload.quota_problems:
        if problem.kind == "exceeds_max_capacity":
            requested = problem.requested if problem.requested is not None else workload.requests.get(problem.resource)
            capacity = problem.capacity if problem.capacity is not None else (
                info.max_capacity(problem.resource) if info is not None else None)
            return NeverFit("exceeds", problem.resource, problem.flavor, requested, capacity)
    if step.reason == "NoMatchingFlavor":
        problems = [p for p in workload.quota_problems if p.kind in _NEVER_FIT_KINDS] or workload.quota_problems
        return NeverFit("no_flavor", problems=problems)
    if info is None:
        return None
    for resource, requested in sorted(workload.requests.items()):
        capacity = info.max_capacity(resource) if resource in info.covered_resources else None
        if capacity is not None and requested > capacity:
            return NeverFit("exceeds", resource, None, requested, capacity)
    return None


def topology_failure(message):
    """(topology name, pods that fit, pods asked) from a flavor assigner message, or None."""
    match = _TOPOLOGY.search(message or "") if isinstance(message, str) else None
    if match is None:
        return None
    if match.group("none") is not None:
        return match.group("topology"), 0, int(match.group("none"))
    return match.group("topology"), int(match.group("fit")), int(match.group("total"))


# ---- deactivation --------------------------------------------------------------------------------

def deactivation(workload):
    """Deactivated / MaxExecutionTimeExceeded for a Workload with spec.active=false (or being
    deactivated), else None."""
    reason = workload.eviction_reason or ""
    target = (workload.conditions or {}).get("DeactivationTarget") or {}
    evicted_by_deactivation = workload.state == "Evicted" and reason.startswith("Deactivated")
    if not (evicted_by_deactivation or not workload.active or target.get("status") == "True"):
        return None
    if "MaximumExecutionTimeExceeded" in reason or target.get("reason") == "MaximumExecutionTimeExceeded":
        return "MaxExecutionTimeExceeded"
    return "Deactivated"


# ---- pods ----------------------------------------------------------------------------------------

def admitted_ago(step, now):
    """" 12 seconds ago": since the step's Workload was admitted ("" when unknown)."""
    since = seconds_since(step.workload.admitted_at if step.workload else None, now)
    return f" {prose_duration(since)} ago" if since is not None else ""


def kueue_gates(step):
    return [gate for gate in step.scheduling_gates if gate.startswith(KUEUE_GATE_PREFIX)]


def unschedulable_message(step):
    """The kube-scheduler's reason a released pod does not fit (PodScheduled=False, reason
    Unschedulable), else Argo's node message when it says "Unschedulable"; None when neither."""
    for condition in sequence(mapping(mapping(step.pod).get("status")).get("conditions")):
        if isinstance(condition, dict) and condition.get("type") == "PodScheduled" \
                and condition.get("status") == "False" and condition.get("reason") == "Unschedulable":
            return condition.get("message") or "Unschedulable"
    if (step.node_message or "").startswith("Unschedulable"):
        return step.node_message
    return None


@dataclass
class PodGroup:
    name: str
    total: int


def pod_group(pod):
    """The pod's Kueue pod group (name, pod-group-total-count), or None (labels or annotations)."""
    metadata = mapping(mapping(pod).get("metadata"))
    labels, annotations = mapping(metadata.get("labels")), mapping(metadata.get("annotations"))
    name = annotations.get(POD_GROUP_KEY) or labels.get(POD_GROUP_KEY)
    if not isinstance(name, str) or not name:
        return None
    total = annotations.get(POD_GROUP_TOTAL_KEY) or labels.get(POD_GROUP_TOTAL_KEY)
    try:
        return PodGroup(name, int(total))
    except (TypeError, ValueError):
        return PodGroup(name, 0)


def group_members(pods):
    """{pod group name: [pods]} of the pods given."""
    members = {}
    for pod in pods:
        group = pod_group(pod)
        if group is not None:
            members.setdefault(group.name, []).append(pod)
    return members


def active_members(pods):
    """The group's pods Kueue counts as runnable: not Failed, not being deleted."""
    return [pod for pod in pods if podfacts.pod_phase(pod) != "Failed"
            and not mapping(mapping(pod).get("metadata")).get("deletionTimestamp")]


def _created(pod):
    return mapping(mapping(pod).get("metadata")).get("creationTimestamp")


def seconds_since(timestamp, now):
    moment = parse_time(timestamp)
    return None if moment is None or now is None else (now - moment).total_seconds()
