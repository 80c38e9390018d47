"""The namespace overview: one row per workflow with its steps counted by Kueue state (pure)."""
from dataclasses import dataclass, field
from typing import List, Optional

from kubectl_kueue_argo.interpret.kueue import workloads as kueue
from kubectl_kueue_argo.interpret.dicts import mapping
from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.interpret.kueue.pods import labels_of
from kubectl_kueue_argo.model import Snapshot
from kubectl_kueue_argo.timeutil import parse_time, seconds_between

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"


@dataclass
class LongestWait:
    seconds: float
    queue: Optional[str]
    step: str


@dataclass
class WorkflowRow:
    name: str
    namespace: str
    phase: str
    suspended: bool
    running_steps: int
    total_steps: int
    summary: dict
    longest_wait: Optional[LongestWait]
    age_seconds: Optional[float]
    created: Optional[str]


@dataclass
class Overview:
    rows: List[WorkflowRow]
    findings: list = field(default_factory=list)
    all_namespaces: bool = False


def build_overview(workflows, pods, workloads, local_queues, now, *, kueue_installed=True,
                   all_namespaces=False, notes=()):
    """Rows sorted so the workflow that suffers most (longest current wait) comes first."""
    pods_by_workflow = {}
    for pod in pods:
        key = (mapping(pod.get("metadata")).get("namespace"), labels_of(pod).get(WORKFLOW_LABEL))
        pods_by_workflow.setdefault(key, []).append(pod)
    index = kueue.WorkloadIndex(workloads or [])
    rows = []
    for workflow in workflows:
        metadata = mapping(workflow.get("metadata"))
        namespace = metadata.get("namespace") or ""
        snapshot = Snapshot(namespace=namespace, workflow=workflow,
                            pods=pods_by_workflow.get((namespace, metadata.get("name")), []),
                            workloads=workloads, kueue_installed=kueue_installed,
                            local_queues=[lq for lq in local_queues or []
                                          if mapping(lq.get("metadata")).get("namespace") == namespace]
                            if local_queues is not None else None)
        rows.append(_row(build_status_report(snapshot, now, workload_index=index), now))
    rows.sort(key=lambda row: (-(row.longest_wait.seconds if row.longest_wait else -1.0),
                               row.namespace, row.name))
    return Overview(rows, list(notes), all_namespaces)


def _row(report, now):
    workflow = report.workflow
    waits = [step for step in report.steps if step.still_waiting and step.waited_seconds is not None]
    longest = max(waits, key=lambda step: step.waited_seconds, default=None)
    created = parse_time(workflow.get("created"))
    return WorkflowRow(
        name=workflow.get("name") or "", namespace=workflow.get("namespace") or "",
        phase=workflow.get("phase") or "Pending", suspended=bool(workflow.get("suspended")),
        running_steps=sum(1 for step in report.steps if step.phase == "Running"),
        total_steps=len(report.steps), summary=dict(report.summary),
        longest_wait=LongestWait(longest.waited_seconds, longest.local_queue, longest.display_name) if longest else None,
        age_seconds=seconds_between(created, now), created=workflow.get("created"))


def overview_document(overview):
    return {
        "workflows": [{
            "name": row.name, "namespace": row.namespace, "phase": row.phase, "suspended": row.suspended,
            "steps": {"running": row.running_steps, "total": row.total_steps},
            "summary": row.summary,
            "longestWait": ({"seconds": round(row.longest_wait.seconds, 3), "queue": row.longest_wait.queue,
                             "step": row.longest_wait.step} if row.longest_wait else None),
            "createdAt": row.created,
        } for row in overview.rows],
        "findings": [finding.as_dict() for finding in overview.findings],
    }
