"""The primary finding of a step: its cause (cause.py) as the code, explained with evidence and a fix (pure).

One builder per cause of model.CAUSES, so `explain` and `status` speak one vocabulary.
"""
from kubectl_kueue_argo.interpret.diagnose import admitted_rules, argo_rules, kueue_rules, quota_rules, webhook_rules

BUILDERS = {
    "WaitingForQuota": quota_rules.waiting_for_quota,
    "WaitingForTopology": quota_rules.waiting_for_topology,
    "WaitingForAdmissionCheck": quota_rules.waiting_for_admission_check,
    "WaitingForWorkload": webhook_rules.waiting_for_workload,
    "WaitingForPodCreation": argo_rules.waiting_for_pod_creation,
    "Ungating": admitted_rules.ungating,
    "Running": admitted_rules.running,
    "NeverFits": kueue_rules.never_fits,
    "LocalQueueMissing": kueue_rules.local_queue_missing,
    "LocalQueueStopped": kueue_rules.local_queue_stopped,
    "ClusterQueueMissing": kueue_rules.cluster_queue_missing,
    "ClusterQueueStopped": kueue_rules.cluster_queue_stopped,
    "ClusterQueueInactive": kueue_rules.cluster_queue_inactive,
    "NamespaceNotSelected": kueue_rules.namespace_not_selected,
    "QueueNameMissing": webhook_rules.queue_name_missing,
    "PodGroupIncomplete": webhook_rules.pod_group_incomplete,
    "Deactivated": admitted_rules.deactivated,
    "MaxExecutionTimeExceeded": admitted_rules.deactivated,
    "Preempted": argo_rules.preempted,
    "GateNotRemoved": admitted_rules.gate_not_removed,
    "ForeignSchedulingGate": admitted_rules.foreign_gate,
    "WorkloadNotCreated": webhook_rules.workload_not_created,
    "Unschedulable": admitted_rules.unschedulable,
    "NoQueueLabel": webhook_rules.no_queue_label,
    "NamespaceNotManaged": webhook_rules.namespace_not_managed,
    "KueueNotInstalled": webhook_rules.kueue_not_installed,
    "TemplateHasNoPod": argo_rules.template_has_no_pod,
    "PodIntegrationDisabled": webhook_rules.pod_integration_disabled,
}


def primary_finding(step, ctx):
    """The finding that explains step.cause; None for a finished step (no cause)."""
    builder = BUILDERS.get(step.cause)
    return builder(step, ctx) if builder is not None else None
