"""Objects for the namespace overview, with a constant number of LIST requests (plus pages)."""
from dataclasses import dataclass, field
from typing import List, Optional

from kubectl_kueue_argo.interpret.kueue.pods import labels_of
from kubectl_kueue_argo.model import Finding

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"


@dataclass
class OverviewObjects:
    workflows: List[dict]
    pods: List[dict]
    workloads: Optional[List[dict]]
    local_queues: Optional[List[dict]]
    kueue_installed: Optional[bool]
    notes: List[Finding] = field(default_factory=list)


def read_live(cluster, namespace, selector):
    """namespace None means all namespaces. Pods are selected by the Argo workflow label."""
    cluster.require_argo()
    scope = f"/namespaces/{namespace}" if namespace else ""
    workflows = cluster.list_items(cluster.argo_path("workflows", namespace), label_selector=selector)
    pods = cluster.list_items(f"/api/v1{scope}/pods", label_selector=WORKFLOW_LABEL) if workflows else []
    objects = OverviewObjects(workflows, pods, None, None, None)
    if not cluster.discovery().kueue_version:
        objects.kueue_installed = False
        return objects
    objects.kueue_installed = True
    holder = _NoteHolder(objects.notes)
    if workflows:
        objects.workloads = cluster.read_optional(holder, "WorkloadsUnreadable", "Kueue Workloads",
                                                  lambda: cluster.list_items(cluster.kueue_path("workloads", namespace)))
        objects.local_queues = cluster.read_optional(
            holder, "LocalQueuesUnreadable", "LocalQueues",
            lambda: cluster.list_items(cluster.kueue_path("localqueues", namespace)))
    return objects


def read_files(files, namespace, selector_matches):
    workflows = [wf for wf in files.objects("Workflow", namespace) if selector_matches(labels_of(wf))]
    pods = [pod for pod in files.objects("Pod", namespace) if labels_of(pod).get(WORKFLOW_LABEL)]
    installed = True if files.kueue_version else None
    return OverviewObjects(workflows, pods,
                           files.objects("Workload", namespace) if installed else None,
                           files.objects("LocalQueue", namespace) if installed else None, installed)


class _NoteHolder:
    """read_optional notes failures on a snapshot-like object."""

    def __init__(self, notes):
        self.notes = notes
