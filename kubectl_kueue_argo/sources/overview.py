"""Objects for the namespace overview, with a constant number of LIST requests (plus pages).

Finished workflows are counted from their node status: only the pods of workflows that still run
are read (by workflow name, in chunks), and only the Workloads of those pods (by job-uid)."""
from dataclasses import dataclass, field
from typing import List, Optional

from kubectl_kueue_argo.interpret.kueue.pods import labels_of
from kubectl_kueue_argo.interpret.status.overview import workflow_completed
from kubectl_kueue_argo.model import Finding
from kubectl_kueue_argo.sources.live import slim_pod

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
NAME_CHUNK = 100   # workflow names per pod LIST: at most ~6.5 KB of request line


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
    workflows = cluster.list_items(cluster.argo_path("workflows", namespace), label_selector=selector,
                                   slim=slim_finished_workflow)
    running = [workflow for workflow in workflows if not workflow_completed(workflow)]
    pods = running_pods(cluster, namespace, running)
    objects = OverviewObjects(workflows, pods, None, None, None)
    if not cluster.discovery().kueue_version:
        objects.kueue_installed = False
        return objects
    objects.kueue_installed = True
    holder = _NoteHolder(objects.notes)
    if running:
        objects.workloads = cluster.read_optional(holder, "WorkloadsUnreadable", "Kueue Workloads",
                                                  lambda: cluster.workloads_for_pods(namespace, pods))
        objects.local_queues = cluster.read_optional(
            holder, "LocalQueuesUnreadable", "LocalQueues",
            lambda: cluster.list_items(cluster.kueue_path("localqueues", namespace)))
    return objects


def running_pods(cluster, namespace, running):
    """The pods of these workflows: `workflow in (...)` selectors of NAME_CHUNK names."""
    scope = f"/namespaces/{namespace}" if namespace else ""
    keys = {_key(workflow) for workflow in running}
    names = sorted({name for _, name in keys})
    pods = []
    for start in range(0, len(names), NAME_CHUNK):
        selector = f"{WORKFLOW_LABEL} in ({','.join(names[start:start + NAME_CHUNK])})"
        pods.extend(pod for pod in cluster.list_items(f"/api/v1{scope}/pods", label_selector=selector, slim=slim_pod)
                    if _pod_workflow_key(pod) in keys)   # -A: a finished namesake elsewhere is not read
    return pods


def slim_finished_workflow(workflow):
    """A finished workflow is counted from its nodes' type and phase: drop its spec and the rest."""
    if isinstance(workflow, dict) and workflow_completed(workflow):
        spec = workflow.get("spec")
        if isinstance(spec, dict):   # only spec.suspend is read
            workflow["spec"] = {key: spec[key] for key in ("suspend",) if key in spec}
        status = workflow.get("status")
        if isinstance(status, dict):
            for key in ("storedTemplates", "storedWorkflowTemplateSpec", "outputs", "resourcesDuration"):
                status.pop(key, None)
            nodes = status.get("nodes")
            if isinstance(nodes, dict):
                for node in nodes.values():
                    if isinstance(node, dict):
                        for key in ("inputs", "outputs", "resourcesDuration", "children", "outboundNodes"):
                            node.pop(key, None)
        metadata = workflow.get("metadata")
        if isinstance(metadata, dict):
            metadata.pop("managedFields", None)
    return workflow


def _key(obj):
    metadata = obj.get("metadata") or {}
    return metadata.get("namespace"), metadata.get("name")


def _pod_workflow_key(pod):
    return (pod.get("metadata") or {}).get("namespace"), labels_of(pod).get(WORKFLOW_LABEL)


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
