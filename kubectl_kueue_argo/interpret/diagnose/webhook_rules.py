"""Pods Kueue's webhook or controller did not handle as expected: no Workload, a gate left in place,
pods left unmanaged, and queue labels Kueue chose itself (pure).

Facts: reference/facts/kueue.md §1 (webhook, pod selection), §4.1 (gate removal), §8 (configuration).
"""
from kubectl_kueue_argo.interpret.diagnose.context import (
    gates_evidence, label_hint, label_location, labels_text, pod_ref, prose_duration, seconds_since,
    selector_text, step_finding, workload_condition,
)
from kubectl_kueue_argo.interpret.kueue.config import CONFIG_DATA_KEY, namespace_management

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"


def awaiting_workload(step, ctx):
    since = f" for {prose_duration(step.waited_seconds)}" if step.waited_seconds is not None else ""
    base = (f"Pod {step.pod_name} of step {step.display_name} has been gated by Kueue{since}, but no Workload "
            f"exists for it: the Kueue controller is not reconciling it.")
    evidence = [gates_evidence(step, ctx), f"Workloads in {ctx.namespace}: none owned by pod {step.pod_name}"]
    config = ctx.config
    if config is None:
        return step_finding("KueueConfigUnreadable", "warning",
                            f"{base} The Kueue manager configuration {ctx.config_problem}, so whether the pod "
                            f"integration is enabled could not be checked.", step, evidence=evidence,
                            remedy=("Ask a cluster admin to check that integrations.frameworks in the "
                                    "kueue-system/kueue-manager-config ConfigMap lists \"pod\", and that the "
                                    "kueue-controller-manager Deployment is running (see its logs)."))
    if not config.pod_integration:
        _, _, explanation = namespace_management(config, ctx.namespace, ctx.snapshot.namespace_labels)
        return step_finding("PodIntegrationDisabled", "error", f"{base} The cause: {explanation}.", step,
                            evidence=evidence + [_frameworks_evidence(config)], remedy=_enable_pod_remedy())
    return step_finding("AwaitingWorkload", "warning",
                        f"{base} The configuration looks right (integrations.frameworks lists \"pod\"), so the "
                        f"controller may be down, crash-looping or far behind.", step,
                        evidence=evidence + [_frameworks_evidence(config)],
                        remedy=("Check the kueue-controller-manager Deployment in kueue-system and its logs "
                                f"for errors about pod {ctx.namespace}/{step.pod_name}."))


def _frameworks_evidence(config):
    return (f"ConfigMap kueue-system/kueue-manager-config data[{CONFIG_DATA_KEY}] integrations.frameworks: "
            f"{', '.join(config.frameworks) or 'none'}")


def _enable_pod_remedy():
    return ('Ask a cluster admin to add "pod" to integrations.frameworks in the kueue-manager-config ConfigMap and '
            "restart kueue-controller-manager; gated pods are then reconciled.")


def gate_not_removed(step, ctx):
    workload = step.workload
    since = seconds_since(workload.admitted_at, ctx.now) if workload else None
    ago = f" {prose_duration(since)} ago" if since is not None else ""
    message = (f"Workload {workload.name} was admitted in ClusterQueue {step.cluster_queue}{ago}, but pod "
               f"{step.pod_name} still has the kueue.x-k8s.io/admission scheduling gate, so step "
               f"{step.display_name} cannot be scheduled. This is a known class of Kueue bug (kueue#9492, #7433, "
               f"#11170): the gate removal failed or lags.")
    return step_finding("GateNotRemoved", "error", message, step, evidence=[
        workload_condition(step, "Admitted"), gates_evidence(step, ctx)],
        remedy=("Check the kueue-controller-manager logs for errors on this pod and upgrade Kueue to a release "
                "with the fix. As a workaround delete the pod: Argo recreates the pod of a Pending node and "
                "Kueue queues it again."))


def unmanaged(step, ctx):
    reason = step.reason
    if reason == "NoQueueLabel":
        return [no_queue_label(step, ctx)]
    if reason in ("NamespaceExcluded", "PodOptionsNamespaceExcluded", "NamespaceLabelsUnknown"):
        return [namespace_excluded(step, ctx)]
    if reason in ("PodIntegrationDisabled", "PodIntegrationImplicit"):
        message = (f"Pod {step.pod_name} of step {step.display_name} has the queue label {step.queue_name}, but "
                   f"Kueue ignores it: {step.message}.")
        return [step_finding("PodIntegrationDisabled", "error", message, step,
                             evidence=[_frameworks_evidence(ctx.config)] if ctx.config else [],
                             remedy=_enable_pod_remedy())]
    if reason == "NotManagedByKueue":
        message = (f"Pod {step.pod_name} of step {step.display_name} has the queue label {step.queue_name}, but "
                   f"Kueue's webhook did not manage it (no managed label, no gate). The Kueue manager "
                   f"configuration {ctx.config_problem or 'did not explain it'}, so the cause (pod integration "
                   f"off, or namespace excluded) could not be checked.")
        return [step_finding("NotManagedByKueue", "warning", message, step,
                             evidence=[f"{pod_ref(step, ctx)} metadata.labels: no kueue.x-k8s.io/managed"],
                             remedy=("Ask a cluster admin whether integrations.frameworks lists \"pod\" and whether "
                                     f"managedJobsNamespaceSelector matches namespace {ctx.namespace}."))]
    return []


def no_queue_label(step, ctx):
    queues = sorted(ctx.local_queues or ())
    message = (f"Pod {step.pod_name} of step {step.display_name} has no {QUEUE_LABEL} label, so Kueue does not "
               f"manage it: it runs outside any quota.")
    if ctx.local_queues is not None and "default" not in ctx.local_queues:
        message += f" (Namespace {ctx.namespace} has no LocalQueue named default that would catch it.)"
    target = queues[0] if len(queues) == 1 else "<LocalQueue>"
    remedy = f"Add {QUEUE_LABEL}: {target} to {label_location(step, ctx)}"
    remedy += f"; LocalQueues in {ctx.namespace}: {', '.join(queues)}." if queues else "."
    severity = "warning" if step.phase in ("Pending", "Running") else "info"
    return step_finding("NoQueueLabel", severity, message, step,
                        evidence=[f"{pod_ref(step, ctx)} metadata.labels: no {QUEUE_LABEL}"], remedy=remedy)


def namespace_excluded(step, ctx):
    config = ctx.config
    selector = config.managed_jobs_namespace_selector if config else None
    message = (f"Pod {step.pod_name} of step {step.display_name} has the queue label {step.queue_name}, but Kueue "
               f"does not manage it: {step.message}. It runs outside any quota.")
    if step.reason == "PodOptionsNamespaceExcluded":
        message += " This applies to Kueue <= v0.14, which still reads integrations.podOptions."
    hint = label_hint(selector)
    remedy = (f"Ask a cluster admin to label namespace {ctx.namespace} ({hint}) or change "
              f"managedJobsNamespaceSelector" if hint else
              f"Ask a cluster admin to make the Kueue namespace selectors match namespace {ctx.namespace}")
    code = "NamespaceLabelsUnknown" if step.reason == "NamespaceLabelsUnknown" else "NamespaceExcluded"
    return step_finding(code, "warning", message, step, evidence=[
        f"ConfigMap kueue-system/kueue-manager-config managedJobsNamespaceSelector: {selector_text(selector)}"
        if config and selector is not None else None,
        f"Namespace {ctx.namespace} metadata.labels: {labels_text(ctx.snapshot.namespace_labels)}"
        if isinstance(ctx.snapshot.namespace_labels, dict) else None,
    ], remedy=remedy + "; pods created before the change stay unmanaged, so resubmit the workflow.")


def default_local_queue(step, ctx):
    """The queue label came from Kueue's LocalQueue defaulting, not from the Workflow (facts §1.2 step 5)."""
    if step.pod is None or step.queue_name != "default" or ctx.resolver is None or ctx.spec_queue(step):
        return None
    if ctx.local_queues is not None and "default" not in ctx.local_queues:
        return None
    message = (f"Pod {step.pod_name} of step {step.display_name} was queued to LocalQueue default by Kueue's "
               f"LocalQueue defaulting: the Workflow sets no {QUEUE_LABEL}, and namespace {ctx.namespace} has a "
               f"LocalQueue named default. Every unlabelled pod of the namespace, Argo's agent pod included, is "
               f"queued there, and the label cannot be removed afterwards (kueue#9565).")
    return step_finding("DefaultLocalQueue", "info", message, step, evidence=[
        f"{pod_ref(step, ctx)} metadata.labels[{QUEUE_LABEL}]: default",
        f"LocalQueue {ctx.namespace}/default spec.clusterQueue: {_cluster_queue_of(step, ctx) or '?'}"],
        remedy=(f"If that is intended, nothing to do. Otherwise set {QUEUE_LABEL} explicitly in "
                f"{label_location(step, ctx)}."))


def workloads_unreadable(step, ctx):
    message = (f"Pod {step.pod_name} of step {step.display_name} is gated by Kueue, but its Workload could not be "
               f"read, so why it waits is unknown.")
    return step_finding("WorkloadsUnreadable", "warning", message, step, evidence=[gates_evidence(step, ctx)],
                        remedy=f"Run with a user allowed to list workloads.kueue.x-k8s.io in {ctx.namespace}.")


def _cluster_queue_of(step, ctx):
    info = ctx.local_queue(step.local_queue)
    return info.cluster_queue if info else None
