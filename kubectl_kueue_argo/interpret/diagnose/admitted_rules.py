"""Explain what happens to a step after Kueue decided on it: it runs, its gates are (or are not)
removed, the kube-scheduler cannot place it, or Kueue took the admission back (pure).

Facts: reference/facts/kueue.md §4 (gate removal, what admission injects, eviction deletes the pod);
hard-cases.md (deactivation: pkg/controller/core/workload_controller.go, pkg/workload/evict; a gated pod
stays gated when stopped, pod_controller.go Stop; Unschedulable after admission: argo operator.go
getPendingReason; gate removal takes well under a second).
"""
from kubectl_kueue_argo.interpret.diagnose.cause import GRACE_SECONDS, admitted_ago, kueue_gates, unschedulable_message
from kubectl_kueue_argo.interpret.diagnose.context import (
    gates_evidence, labels_text, node_ref, pod_ref, step_finding, workload_condition,
)
from kubectl_kueue_argo.interpret.kueue import pods as podfacts

MAX_EXEC_LABEL = "kueue.x-k8s.io/max-exec-time-seconds"


def running(step, ctx):
    workload = step.workload
    where = f" on node {step.host_node}" if step.host_node else ""
    if step.kueue_state == "Finished":
        message = f"Pod {step.pod_name} of step {step.display_name} has ended; Argo has not recorded it yet."
    elif workload is not None:
        flavors = ", ".join(sorted(set(workload.flavors.values())))
        message = (f"Step {step.display_name} runs: Workload {workload.name} is admitted in ClusterQueue "
                   f"{step.cluster_queue}" + (f" (flavor {flavors})" if flavors else "")
                   + f", and pod {step.pod_name} is {step.pod_phase or 'running'}{where}.")
    elif step.pod is not None:
        message = f"Step {step.display_name} runs: pod {step.pod_name} is {step.pod_phase or 'running'}{where}."
    else:
        message = f"Step {step.display_name} is {step.phase} ({step.type})."
    return step_finding("Running", "info", message, step, evidence=[
        workload_condition(step, "Admitted"),
        f"{pod_ref(step, ctx)} status.phase: {step.pod_phase}" if step.pod is not None else None,
        f"{node_ref(step, ctx)}.phase: {step.phase}"], remedy="Nothing to do.")


# ---- gates ---------------------------------------------------------------------------------------

def ungating(step, ctx):
    message = (f"Workload {step.workload.name} of step {step.display_name} was admitted{admitted_ago(step, ctx.now)}, "
               f"and Kueue is removing "
               f"its scheduling gates ({', '.join(kueue_gates(step))}); the topology gate is removed by a separate "
               f"ungater. This normally takes well under a second.")
    return step_finding("Ungating", "info", message, step, evidence=[
        workload_condition(step, "Admitted"), gates_evidence(step, ctx)],
        remedy=(f"Nothing to do: the pod is released in a moment. Only if a Kueue gate is still there "
                f"{GRACE_SECONDS} seconds after admission is something wrong (GateNotRemoved)."))


def gate_not_removed(step, ctx):
    workload = step.workload
    message = (f"Workload {workload.name} was admitted in ClusterQueue {step.cluster_queue}"
               f"{admitted_ago(step, ctx.now)}, but pod "
               f"{step.pod_name} still has Kueue's scheduling gates ({', '.join(kueue_gates(step))}), so step "
               f"{step.display_name} cannot be scheduled. This is a known class of Kueue bug (kueue#9492, #7433, "
               f"#11170): the gate removal failed or lags.")
    return step_finding("GateNotRemoved", "error", message, step, evidence=[
        workload_condition(step, "Admitted"), gates_evidence(step, ctx)],
        remedy=("Check the kueue-controller-manager logs for errors on this pod and upgrade Kueue to a release "
                "with the fix. As a workaround delete the pod: Argo recreates the pod of a Pending node and "
                "Kueue queues it again."))


def foreign_gate(step, ctx):
    gates = podfacts.foreign_gates(step.pod)
    message = (f"Kueue admitted Workload {step.workload_name} of step {step.display_name} and removed its own "
               f"gates, but pod {step.pod_name} is still held by other scheduling gates: {', '.join(gates)}. Only "
               f"the controller that added them can release the pod.")
    return step_finding("ForeignSchedulingGate", "warning", message, step, evidence=[
        workload_condition(step, "Admitted"), gates_evidence(step, ctx)],
        remedy=(f"Find the webhook or controller that adds {', '.join(gates)} (e.g. `kubectl get "
                f"mutatingwebhookconfigurations`) and why it has not removed it; Kueue has done its part."))


# ---- the kube-scheduler --------------------------------------------------------------------------

def unschedulable(step, ctx):
    scheduler = unschedulable_message(step)
    workload = step.workload
    admitted = (f"Kueue admitted Workload {workload.name} in ClusterQueue {step.cluster_queue} and removed its gates"
                if workload is not None else "Kueue released the pod")
    flavors = ", ".join(f"{r}: {f}" for r, f in sorted((workload.flavors if workload else {}).items()))
    message = (f"{admitted}, but the kube-scheduler cannot place pod {step.pod_name} of step {step.display_name}: "
               f"{scheduler.rstrip('.')}. Quota is not nodes: the flavor's nodeSelector and the pod's own constraints must match "
               f"nodes with free capacity.")
    node_selector = (step.pod.get("spec") or {}).get("nodeSelector") if step.pod else None
    return step_finding("Unschedulable", "error", message, step, evidence=[
        _pod_scheduled(step, ctx),
        f"{node_ref(step, ctx)}.message: {step.node_message}" if step.node_message else None,
        f"Workload {workload.namespace}/{workload.name} status.admission flavors: {flavors}" if flavors else None,
        f"{pod_ref(step, ctx)} spec.nodeSelector: {labels_text(node_selector)}" if node_selector else None],
        remedy=(f"See `kubectl describe pod {step.pod_name} -n {ctx.namespace}`: add or free nodes that match, fix "
                f"the ResourceFlavor's nodeLabels/taints so they match real nodes, or relax the template's "
                f"nodeSelector, affinity or tolerations."))


def _pod_scheduled(step, ctx):
    for condition in ((step.pod or {}).get("status") or {}).get("conditions") or []:
        if isinstance(condition, dict) and condition.get("type") == "PodScheduled" and condition.get("status") == "False":
            return (f"{pod_ref(step, ctx)} status.conditions[PodScheduled]: False reason {condition.get('reason')}: "
                    f"{condition.get('message')}")
    return None


# ---- admission taken back ------------------------------------------------------------------------

def deactivated(step, ctx):
    workload = step.workload
    evidence = [workload_condition(step, "Evicted", "reason"), workload_condition(step, "Evicted"),
                workload_condition(step, "DeactivationTarget"),
                f"Workload {workload.namespace}/{workload.name} spec.active: {str(workload.active).lower()}"]
    if step.cause == "MaxExecutionTimeExceeded":
        limit = _max_execution_seconds(step)
        limit_text = f" of {limit} seconds" if limit else ""
        message = (f"Kueue deactivated Workload {workload.name} of step {step.display_name} at its maximum execution "
                   f"time{limit_text} (Evicted reason {workload.eviction_reason or 'DeactivatedDueToMaximumExecutionTimeExceeded'})"
                   f" and stops its pod. A new attempt would be stopped at the same limit.")
        evidence.append(f"{pod_ref(step, ctx)} metadata.labels[{MAX_EXEC_LABEL}]: {limit}" if limit else None)
        return step_finding("MaxExecutionTimeExceeded", "error", message, step, evidence=evidence, remedy=(
            f"Raise the limit: set {MAX_EXEC_LABEL} in the metadata.labels of template {step.template_name} above "
            f"what the step needs (or remove it), then resubmit. To let this Workload run on, reactivate it "
            f"(spec.active: true) after raising spec.maximumExecutionTimeSeconds."))
    gated = " Kueue leaves a gated pod gated, so the step waits forever." if step.gated else " Its pod is stopped."
    message = (f"Workload {workload.name} of step {step.display_name} is deactivated (spec.active: false, Evicted "
               f"reason {workload.eviction_reason or 'Deactivated'}): Kueue will not admit it.{gated}")
    return step_finding("Deactivated", "error", message, step, evidence=evidence, remedy=(
        f"Reactivate the Workload: `kubectl kueue resume workload {workload.name} -n {ctx.namespace}` (or set "
        f"spec.active: true); it then queues again. Whoever deactivated it may have had a reason: ask first."))


def _max_execution_seconds(step):
    labels = ((step.pod or {}).get("metadata") or {}).get("labels") or {}
    return labels.get(MAX_EXEC_LABEL)
