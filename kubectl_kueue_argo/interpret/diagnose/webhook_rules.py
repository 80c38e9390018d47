"""Pods Kueue's webhook or controller did not handle as a queued pod: no Workload (yet), a Workload
without a queue, pods left unmanaged, and queue labels Kueue chose itself (pure).

Facts: reference/facts/kueue.md §1 (webhook, pod selection), §8 (configuration); hard-cases.md
(manageJobsWithoutQueueName: "LocalQueue  doesn't exist", LocalQueue defaulting).
"""
from kubectl_kueue_argo.interpret.diagnose.argo_rules import parallelism_in_force
from kubectl_kueue_argo.interpret.diagnose.cause import (
    GRACE_SECONDS, POD_GROUP_KEY, POD_GROUP_TOTAL_KEY, active_members, pod_group,
)
from kubectl_kueue_argo.interpret.diagnose.context import (
    gates_evidence, label_hint, label_location, labels_text, names_list, node_ref, pod_ref, prose_duration,
    selector_text, step_finding, workload_condition,
)
from kubectl_kueue_argo.interpret.kueue.config import CONFIG_DATA_KEY, namespace_management

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"


def waiting_for_workload(step, ctx):
    since = f" {prose_duration(step.waited_seconds)} ago" if step.waited_seconds is not None else ""
    message = (f"Pod {step.pod_name} of step {step.display_name} was gated by Kueue{since}, and Kueue has not "
               f"created its Workload yet; it normally does within a second.")
    return step_finding("WaitingForWorkload", "info", message, step, evidence=[gates_evidence(step, ctx)],
                        remedy=(f"Nothing to do yet. If no Workload appears within {GRACE_SECONDS} seconds, this "
                                f"becomes WorkloadNotCreated."))


def workload_not_created(step, ctx):
    since = f" for {prose_duration(step.waited_seconds)}" if step.waited_seconds is not None else ""
    base = (f"Pod {step.pod_name} of step {step.display_name} has been gated by Kueue{since}, but no Workload "
            f"exists for it: the Kueue controller is not reconciling it.")
    evidence = _no_workload_evidence(step, ctx)
    config = ctx.config
    if config is None:
        return step_finding("WorkloadNotCreated", "error",
                            f"{base} The Kueue manager configuration {ctx.config_problem}, so whether the pod "
                            f"integration is enabled could not be checked.", step, evidence=evidence,
                            remedy=("Ask a cluster admin to check that integrations.frameworks in the "
                                    "kueue-system/kueue-manager-config ConfigMap lists \"pod\", and that the "
                                    "kueue-controller-manager Deployment is running (see its logs)."))
    return step_finding("WorkloadNotCreated", "error",
                        f"{base} The configuration looks right (integrations.frameworks lists \"pod\"), so the "
                        f"controller may be down, crash-looping or far behind.", step,
                        evidence=evidence + [_frameworks_evidence(config)],
                        remedy=("Check the kueue-controller-manager Deployment in kueue-system and its logs "
                                f"for errors about pod {ctx.namespace}/{step.pod_name}."))


def _no_workload_evidence(step, ctx):
    return [gates_evidence(step, ctx), f"Workloads in {ctx.namespace}: none owned by pod {step.pod_name}"]


def pod_integration_disabled(step, ctx):
    config = ctx.config
    if step.kueue_state == "Unmanaged" and step.reason == "NotManagedByKueue":
        message = (f"Pod {step.pod_name} of step {step.display_name} has the queue label {step.queue_name}, but "
                   f"Kueue's webhook did not manage it (no managed label, no gate), so it runs outside any quota. "
                   f"The Kueue manager configuration {ctx.config_problem or 'did not explain it'}; the usual cause "
                   f"is the pod integration being off (the namespace may also be excluded).")
        return step_finding("PodIntegrationDisabled", "warning", message, step,
                            evidence=[f"{pod_ref(step, ctx)} metadata.labels: no kueue.x-k8s.io/managed"],
                            remedy=("Ask a cluster admin whether integrations.frameworks lists \"pod\" and whether "
                                    f"managedJobsNamespaceSelector matches namespace {ctx.namespace}."))
    if step.kueue_state == "Unmanaged":
        message = (f"Pod {step.pod_name} of step {step.display_name} has the queue label {step.queue_name}, but "
                   f"Kueue ignores it: {step.message}.")
        evidence = [f"{pod_ref(step, ctx)} metadata.labels: no kueue.x-k8s.io/managed"]
    else:
        _, _, explanation = namespace_management(config, ctx.namespace, ctx.snapshot.namespace_labels)
        message = (f"Pod {step.pod_name} of step {step.display_name} is gated by Kueue, but no Workload exists for "
                   f"it and none will: {explanation}.")
        evidence = _no_workload_evidence(step, ctx)
    return step_finding("PodIntegrationDisabled", "error", message, step,
                        evidence=evidence + ([_frameworks_evidence(config)] if config else []),
                        remedy=_enable_pod_remedy())


def queue_name_missing(step, ctx):
    workload = step.workload
    message = (f"Pod {step.pod_name} of step {step.display_name} has no {QUEUE_LABEL} label, yet Kueue manages it "
               f"(manageJobsWithoutQueueName: true): it gated the pod and created Workload {workload.name}, which "
               f"names no LocalQueue, so Kueue can never admit it (\"LocalQueue  doesn't exist\").")
    config = ctx.config
    evidence = [workload_condition(step, "QuotaReserved"),
                f"Workload {workload.namespace}/{workload.name} spec.queueName: (empty)",
                f"{pod_ref(step, ctx)} metadata.labels: no {QUEUE_LABEL}"]
    if config is not None:
        evidence.append(f"ConfigMap kueue-system/kueue-manager-config manageJobsWithoutQueueName: "
                        f"{str(config.manage_jobs_without_queue_name).lower()} (`kubectl kueue-argo explain setup` "
                        f"reports it as QueueNameRequired)")
    queues = sorted(ctx.local_queues or ())
    target = queues[0] if len(queues) == 1 else "<LocalQueue>"
    return step_finding("QueueNameMissing", "error", message, step, evidence=evidence, remedy=(
        f"Add the label {QUEUE_LABEL}: {target} to {label_location(step, ctx)} and resubmit"
        + (f" (LocalQueues in {ctx.namespace}: {', '.join(queues)})" if queues else "")
        + ". `kubectl kueue-argo explain setup` shows the setting (QueueNameRequired): an admin may prefer "
          "manageJobsWithoutQueueName: false."))


def pod_group_incomplete(step, ctx):
    group = pod_group(step.pod)
    members = active_members(ctx.group_members.get(group.name, []))
    names = {_pod_name(pod) for pod in members}
    steps = [s.display_name for s in ctx.report.steps if s.pod_name in names and s.type == "Pod"]   # tree order
    message = (f"Pod {step.pod_name} of step {step.display_name} belongs to pod group {group.name}, which needs "
               f"{group.total} pods (kueue.x-k8s.io/pod-group-total-count) but has {len(members)}"
               + (f" ({names_list(steps)})" if steps else "") + ". Kueue composes the group's Workload only when "
               f"all {group.total} runnable pods exist, so every member stays gated.")
    limit, scope, _ = parallelism_in_force(step, ctx)
    if limit is not None and limit < group.total:
        message += (f" {scope} is {limit}: Argo never runs more than {limit} of these pods at once, so the group "
                    f"can never complete.")
    else:
        message += (f" The workflow has created only {len(members)} pods with this group label (its loop may have "
                    f"fewer items than the total count, or the pods come from steps that run one after another).")
    event = _compose_event(group.name, step, ctx)
    return step_finding("PodGroupIncomplete", "error", message, step, evidence=[
        event, f"{pod_ref(step, ctx)} metadata: {POD_GROUP_KEY}={group.name}, {POD_GROUP_TOTAL_KEY}={group.total}",
        f"{scope}: {limit}" if limit is not None else None, f"Workloads in {ctx.namespace}: none named {group.name}"],
        remedy=(f"Make the group match what Argo runs together: set {POD_GROUP_TOTAL_KEY} to the number of pods that "
                f"exist at the same time (raise the parallelism to at least that), or drop the pod-group labels so "
                f"that each pod is queued on its own; then resubmit."))


def _compose_event(group_name, step, ctx):
    """The ErrWorkloadCompose event about this group as evidence: the one on this step's pod if any, else the
    newest (None when events were not readable)."""
    events = [event for event in ctx.events or [] if isinstance(event, dict)
              and event.get("reason") == "ErrWorkloadCompose"
              and f"'{group_name}'" in str(event.get("message") or event.get("note") or "")]
    if not events:
        return None
    found = max(events, key=lambda event: (_involved(event).get("name") == step.pod_name,
                                           str(event.get("lastTimestamp") or ""), _involved(event).get("name") or ""))
    source = (found.get("source") or {}).get("component") or found.get("reportingComponent") or "?"
    return (f"Event {found.get('type') or 'Warning'} ErrWorkloadCompose on Pod {ctx.namespace}/"
            f"{_involved(found).get('name')} from {source}: {found.get('message') or found.get('note')}")


def _involved(event):
    return event.get("involvedObject") or event.get("regarding") or {}


def _pod_name(pod):
    return ((pod or {}).get("metadata") or {}).get("name")


def _frameworks_evidence(config):
    return (f"ConfigMap kueue-system/kueue-manager-config data[{CONFIG_DATA_KEY}] integrations.frameworks: "
            f"{', '.join(config.frameworks) or 'none'}")


def _enable_pod_remedy():
    return ('Ask a cluster admin to add "pod" to integrations.frameworks in the kueue-manager-config ConfigMap and '
            "restart kueue-controller-manager; gated pods are then reconciled.")


def kueue_not_installed(step, ctx):
    message = (f"Kueue is not installed in this cluster (the kueue.x-k8s.io API is not served), so pod "
               f"{step.pod_name} of step {step.display_name} runs without any queueing or quota"
               + (f", whatever its queue label {step.queue_name} says." if step.queue_name else "."))
    return step_finding("KueueNotInstalled", "warning", message, step,
                        evidence=["API discovery: no kueue.x-k8s.io group"],
                        remedy="Install Kueue with the pod integration (see `kubectl kueue-argo explain setup`), "
                               "or drop the queue labels if queueing is not wanted.")


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
    return step_finding("NoQueueLabel", severity, message + argo_says(step), step,
                        evidence=[f"{pod_ref(step, ctx)} metadata.labels: no {QUEUE_LABEL}",
                                  node_message_evidence(step, ctx)], remedy=remedy)


def argo_says(step):
    """What Argo says of a pending pod Kueue does not hold (e.g. the scheduler's reason), as a sentence."""
    if step.phase != "Pending" or not step.node_message:
        return ""
    return f" It is Pending for another reason; Argo says: {step.node_message}"


def node_message_evidence(step, ctx):
    return f"{node_ref(step, ctx)}.message: {step.node_message}" if step.node_message else None


def namespace_not_managed(step, ctx):
    config = ctx.config
    selector = config.managed_jobs_namespace_selector if config else None
    message = (f"Pod {step.pod_name} of step {step.display_name} has the queue label {step.queue_name}, but Kueue "
               f"does not manage it: {step.message}. It runs outside any quota.{argo_says(step)}")
    if step.reason == "PodOptionsNamespaceExcluded":
        message += " This applies to Kueue <= v0.14, which still reads integrations.podOptions."
    hint = label_hint(selector)
    remedy = (f"Ask a cluster admin to label namespace {ctx.namespace} ({hint}) or change "
              f"managedJobsNamespaceSelector" if hint else
              f"Ask a cluster admin to make the Kueue namespace selectors match namespace {ctx.namespace}")
    return step_finding("NamespaceNotManaged", "warning", message, step, evidence=[
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
        f"LocalQueue {ctx.namespace}/default spec.clusterQueue: {ctx.cluster_queue_name(step) or '?'}"],
        remedy=(f"If that is intended, nothing to do. Otherwise set {QUEUE_LABEL} explicitly in "
                f"{label_location(step, ctx)}."))
