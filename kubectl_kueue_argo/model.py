"""Data passed between the layers: what was read (Snapshot) and what it means (Report)."""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

KUEUE_STATES = (
    "NoPod", "Unmanaged", "AwaitingWorkload", "Pending", "Inadmissible",
    "QuotaReserved", "Admitted", "Finished", "Evicted",
)
SEVERITIES = ("info", "warning", "error")

# The one primary cause per step (`cause` in `status`/`explain -o json`): why it is not running now,
# or, for a running step Kueue does not manage, why Kueue does not manage it. Finished steps: None.
CAUSES_WILL_START = (
    "WaitingForQuota", "WaitingForTopology", "WaitingForAdmissionCheck", "WaitingForWorkload",
    "WaitingForPodCreation", "Ungating", "Running",
)
CAUSES_BLOCKED = (
    "NeverFits", "LocalQueueMissing", "LocalQueueStopped", "ClusterQueueMissing", "ClusterQueueStopped",
    "ClusterQueueInactive", "NamespaceNotSelected", "QueueNameMissing", "PodGroupIncomplete", "Deactivated",
    "MaxExecutionTimeExceeded", "Preempted", "GateNotRemoved", "ForeignSchedulingGate", "WorkloadNotCreated",
    "Unschedulable",
)
CAUSES_UNMANAGED = (
    "NoQueueLabel", "NamespaceNotManaged", "KueueNotInstalled", "TemplateHasNoPod", "PodIntegrationDisabled",
)
CAUSES = CAUSES_WILL_START + CAUSES_BLOCKED + CAUSES_UNMANAGED


@dataclass
class Snapshot:
    """Every object one command needs, as plain dicts, read once from a cluster or from files.

    A field that is None was not readable (forbidden, not served, not in the files); the
    reason is in `notes`. `manager_config` is the Kueue manager ConfigMap as read. An empty list means "read, and there are none".
    """

    namespace: str
    workflow: Optional[dict] = None
    pods: List[dict] = field(default_factory=list)
    workloads: Optional[List[dict]] = None
    local_queues: Optional[List[dict]] = None
    cluster_queues: Optional[List[dict]] = None
    # (namespace, localQueue name) -> visibility items; a missing key means "unknown".
    pending_workloads: Dict[Tuple[str, str], List[dict]] = field(default_factory=dict)
    manager_config: Optional[dict] = None
    namespace_labels: Optional[dict] = None
    workflow_templates: List[dict] = field(default_factory=list)  # WorkflowTemplates and ClusterWorkflowTemplates
    kueue_api_version: Optional[str] = None    # "kueue.x-k8s.io/v1beta2", ".../v1beta1", None: not installed
    kueue_installed: Optional[bool] = None     # None: unknown (offline snapshot without Kueue objects)
    # Read for `explain` only (None: not read or not readable): AdmissionCheck objects, the namespace's
    # ErrWorkloadCompose events, and pods of the namespace that own Workloads queued ahead, by name.
    admission_checks: Optional[List[dict]] = None
    events: Optional[List[dict]] = None
    related_pods: Dict[str, dict] = field(default_factory=dict)
    notes: List["Finding"] = field(default_factory=list)  # degraded reads, as info/warning findings
    source: str = "live"


@dataclass
class Finding:
    code: str
    severity: str
    message: str
    node_id: Optional[str] = None
    template: Optional[str] = None
    evidence: List[str] = field(default_factory=list)
    remedy: Optional[str] = None

    def as_dict(self):
        return {
            "code": self.code, "severity": self.severity, "nodeId": self.node_id,
            "message": self.message, "evidence": list(self.evidence), "remedy": self.remedy,
        }


@dataclass
class Position:
    local_queue: Optional[int] = None
    cluster_queue: Optional[int] = None

    def as_dict(self):
        return {"localQueue": self.local_queue, "clusterQueue": self.cluster_queue}
