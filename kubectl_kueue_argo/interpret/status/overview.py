"""The namespace overview: one row per workflow with its steps counted by Kueue state (pure).

A workflow that still runs is correlated with its pods and Workloads, as `status WF` does. A
finished one is counted from its node status alone: its pods are not read (most are gone or done),
so its finished Pod steps count as Finished and its other steps (Suspend; HTTP and Plugin, whose
agent pod Argo deletes at the end) as NoPod.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.dicts import mapping, text
from kubectl_kueue_argo.interpret.kueue import workloads as kueue
from kubectl_kueue_argo.interpret.kueue.pods import labels_of
from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.model import CAUSES_BLOCKED, KUEUE_STATES, Snapshot
from kubectl_kueue_argo.timeutil import parse_time, seconds_between

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
COMPLETED_LABEL = "workflows.argoproj.io/completed"
DONE_PHASES = ("Succeeded", "Failed", "Error")
WAITING_STATES = ("Pending", "AwaitingWorkload")


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
    done_steps: int = 0
    progress: Optional[str] = None   # Argo's status.progress ("done/total"), when it is set
    waiting_steps: int = 0           # Pending or AwaitingWorkload steps that Kueue's gate holds now
    errors: int = 0                  # blocked steps and error findings: a stuck workflow stands out

    @property
    def steps_text(self):
        return self.progress or f"{self.done_steps}/{self.total_steps}"


@dataclass
class Overview:
    rows: List[WorkflowRow]
    findings: list = field(default_factory=list)
    all_namespaces: bool = False


def workflow_completed(workflow):
    """Finished: Argo labels the Workflow completed=true, and sets a final phase and finishedAt."""
    status = mapping(workflow.get("status"))
    return (labels_of(workflow).get(COMPLETED_LABEL) == "true" or status.get("phase") in DONE_PHASES
            or bool(status.get("finishedAt")))


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
        if workflow_completed(workflow):
            rows.append(_finished_row(workflow, now))
            continue
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
    steps = report.steps
    waits = [step for step in steps if step.still_waiting and step.waited_seconds is not None]
    longest = max(waits, key=lambda step: step.waited_seconds, default=None)
    created = parse_time(workflow.get("created"))
    blocked = {step.node_id for step in steps if step.cause in CAUSES_BLOCKED}
    errors = {finding.node_id or f"#{number}" for number, finding in enumerate(report.findings)
              if finding.severity == "error"}
    return WorkflowRow(
        name=workflow.get("name") or "", namespace=workflow.get("namespace") or "",
        phase=workflow.get("phase") or "Pending", suspended=bool(workflow.get("suspended")),
        running_steps=sum(1 for step in steps if step.phase == "Running"),
        total_steps=len(steps), summary=dict(report.summary),
        longest_wait=LongestWait(longest.waited_seconds, longest.local_queue, longest.display_name) if longest else None,
        age_seconds=seconds_between(created, now), created=workflow.get("created"),
        done_steps=sum(1 for step in steps if step.phase in argo.FINAL_PHASES),
        progress=_progress(report.snapshot.workflow if report.snapshot else None),
        waiting_steps=sum(1 for step in steps if step.still_waiting and step.kueue_state in WAITING_STATES),
        errors=len(blocked | errors))


def _finished_row(workflow, now):
    info = argo.workflow_summary(workflow)
    summary = {state: 0 for state in KUEUE_STATES}
    done = total = 0
    for node in argo.decode_nodes(workflow).nodes.values():
        if node.get("type") not in argo.STEP_TYPES:
            continue
        total += 1
        final = node.get("phase") in argo.FINAL_PHASES
        done += final
        summary["Finished" if final and node.get("type") == "Pod" else "NoPod"] += 1   # agent pod: deleted
    return WorkflowRow(
        name=info["name"] or "", namespace=info["namespace"] or "", phase=info["phase"],
        suspended=info["suspended"], running_steps=0, total_steps=total, summary=summary, longest_wait=None,
        age_seconds=seconds_between(parse_time(info["created"]), now), created=info["created"],
        done_steps=done, progress=_progress(workflow))


def _progress(workflow):
    """Argo's status.progress, "done/total", when it has that shape."""
    progress = text(mapping(mapping(workflow).get("status")).get("progress"))
    parts = (progress or "").split("/")
    return progress if len(parts) == 2 and all(part.isdigit() for part in parts) else None


def overview_document(overview):
    return {
        "workflows": [{
            "name": row.name, "namespace": row.namespace, "phase": row.phase, "suspended": row.suspended,
            "steps": {"done": row.done_steps, "running": row.running_steps, "total": row.total_steps,
                      "progress": row.steps_text, "waiting": row.waiting_steps},
            "summary": row.summary,
            "errors": row.errors,
            "longestWait": ({"seconds": round(row.longest_wait.seconds, 3), "queue": row.longest_wait.queue,
                             "step": row.longest_wait.step} if row.longest_wait else None),
            "createdAt": row.created,
        } for row in overview.rows],
        "findings": [finding.as_dict() for finding in overview.findings],
    }
