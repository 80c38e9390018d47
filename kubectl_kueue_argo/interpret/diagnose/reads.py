"""What `explain WF` reads beyond `status` (pure): decided from the snapshot already read, so that
nothing is read that the diagnosis will not use.

- AdmissionCheck objects (cluster-scoped; their controllerName): when a Workload lists admission checks
  or a ClusterQueue is inactive because of one.
- ErrWorkloadCompose events: when a gated pod of a pod group has no Workload (pod_controller.go
  validatePodGroupMetadata records them on the pod).
- The pods that own the first Workloads queued ahead (visibility items name only the pod): their Argo
  labels say which workflow and step they are.
"""
from dataclasses import dataclass, field
from typing import List

from kubectl_kueue_argo.interpret.diagnose.ahead import NAMED
from kubectl_kueue_argo.interpret.diagnose.cause import pod_group
from kubectl_kueue_argo.interpret.dicts import mapping, sequence
from kubectl_kueue_argo.interpret.kueue import pods as podfacts
from kubectl_kueue_argo.interpret.kueue.queues import queue_index

COMPOSE_EVENT_REASON = "ErrWorkloadCompose"


@dataclass
class ExplainReads:
    admission_checks: bool = False
    compose_events: bool = False
    owner_pods: List[str] = field(default_factory=list)


def explain_reads(snapshot):
    return ExplainReads(admission_checks=_checks_named(snapshot), compose_events=_group_without_workload(snapshot),
                        owner_pods=_owners_ahead(snapshot))


def _checks_named(snapshot):
    for workload in snapshot.workloads or ():
        if sequence(mapping(mapping(workload).get("status")).get("admissionChecks")):
            return True
    for cluster_queue in snapshot.cluster_queues or ():
        for condition in sequence(mapping(mapping(cluster_queue).get("status")).get("conditions")):
            if isinstance(condition, dict) and condition.get("type") == "Active" \
                    and str(condition.get("reason") or "").startswith("AdmissionCheck"):
                return True
    return False


def _group_without_workload(snapshot):
    names = {mapping(mapping(w).get("metadata")).get("name") for w in snapshot.workloads or ()}
    for pod in snapshot.pods:
        group = pod_group(pod)
        if group is not None and podfacts.has_admission_gate(pod) and group.name not in names:
            return True
    return False


def _owners_ahead(snapshot):
    """Names of the first pods (NAMED + 1 per LocalQueue) that own pending Workloads and are not this
    workflow's: the ones `explain` names as ahead."""
    own = {mapping(pod.get("metadata")).get("name") for pod in snapshot.pods}
    wanted = []
    for _, items in sorted(snapshot.pending_workloads.items()):
        ordered, _ = queue_index(items)
        found = 0
        for item in ordered:
            for ref in sequence(mapping(item.get("metadata")).get("ownerReferences")):
                name = ref.get("name") if isinstance(ref, dict) and ref.get("kind") == "Pod" else None
                if name and name not in own:
                    found += 1
                    if name not in wanted:
                        wanted.append(name)
            if found > NAMED:
                break
    return wanted
