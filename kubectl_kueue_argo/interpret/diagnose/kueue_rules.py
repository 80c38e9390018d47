"""Explain the queue causes: a LocalQueue or ClusterQueue that cannot admit, a namespace a ClusterQueue
does not select, and requests that never fit (pure). The cause itself comes from cause.py.

Facts: reference/facts/kueue.md §3.2 (messages), §6 (queues and their Active conditions); hard-cases.md
(HoldAndDrain, ClusterQueues inactive for a missing ResourceFlavor or AdmissionCheck).
"""
from kubectl_kueue_argo.interpret.diagnose.cause import missing_objects, never_fits_problem
from kubectl_kueue_argo.interpret.diagnose.context import (
    amount, label_hint, label_location, labels_text, pod_ref, selector_text, step_finding, workload_condition,
)
from kubectl_kueue_argo.interpret.kueue.workloads import closest_name

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"


# ---- LocalQueues ---------------------------------------------------------------------------------

def local_queue_missing(step, ctx):
    name = step.local_queue
    known = ctx.local_queues
    existing = sorted(known or ())
    suggestion = closest_name(name, existing)
    message = (f"Step {step.display_name} is queued to LocalQueue {name}, which does not exist in namespace "
               f"{ctx.namespace}: Kueue cannot admit it and the pod stays gated.")
    if suggestion:
        message += f" Did you mean {suggestion}?"
    where = label_location(step, ctx)
    target = suggestion or (existing[0] if len(existing) == 1 else "an existing LocalQueue")
    return step_finding("LocalQueueMissing", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"),
        f"{pod_ref(step, ctx)} metadata.labels[{QUEUE_LABEL}]: {name}",
        f"LocalQueues in namespace {ctx.namespace}: {', '.join(existing) or 'none'}" if known is not None else None,
    ], remedy=(f"Set {QUEUE_LABEL}: {target} in {where}, then resubmit; or ask the namespace admin to "
               f"create LocalQueue {name} in {ctx.namespace}."))


def local_queue_stopped(step, ctx):
    info = ctx.local_queue(step.local_queue)
    policy = f" (spec.stopPolicy: {info.status.stop_policy})" if info is not None and info.status.stopped else ""
    workload = step.workload
    if workload is not None and workload.state == "Evicted":
        what = (f"Kueue evicted the admitted Workload {workload.name} of step {step.display_name} (Evicted "
                f"reason {workload.eviction_reason}) and stops its pod: HoldAndDrain drains admitted Workloads.")
    else:
        what = f"Kueue admits nothing from it, so step {step.display_name} stays gated until it is resumed."
    message = f"LocalQueue {step.local_queue} is stopped{policy}{_condition_phrase(info)}: {what}"
    return step_finding("LocalQueueStopped", "error", message, step, evidence=[
        workload_condition(step, "Evicted") or workload_condition(step, "QuotaReserved"),
        _active_evidence("LocalQueue", f"{ctx.namespace}/", info)],
        remedy=(f"Ask the namespace admin to resume LocalQueue {step.local_queue} (spec.stopPolicy: None, e.g. "
                f"`kubectl kueue resume localqueue {step.local_queue} -n {ctx.namespace}`), or queue the step "
                f"to another LocalQueue. A retry would only queue again in the stopped LocalQueue."))


# ---- ClusterQueues -------------------------------------------------------------------------------

def cluster_queue_missing(step, ctx):
    name = ctx.cluster_queue_name(step)
    lq_info = ctx.local_queue(step.local_queue)
    message = (f"LocalQueue {step.local_queue} points to ClusterQueue {name or '?'}, which does not exist: Kueue "
               f"cannot admit step {step.display_name}.")
    return step_finding("ClusterQueueMissing", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"), _active_evidence("LocalQueue", f"{ctx.namespace}/", lq_info),
        f"LocalQueue {ctx.namespace}/{step.local_queue} spec.clusterQueue: {name}" if name else None],
        remedy=(f"Ask a cluster admin to create ClusterQueue {name or '?'}, or point LocalQueue {step.local_queue} "
                f"at an existing ClusterQueue."))


def cluster_queue_stopped(step, ctx):
    name = ctx.cluster_queue_name(step)
    info = ctx.cluster_queue(name)
    policy = f" (spec.stopPolicy: {info.status.stop_policy})" if info is not None and info.status.stopped else ""
    message = (f"ClusterQueue {name} is stopped{policy}{_condition_phrase(info)}: it admits no Workload, so step "
               f"{step.display_name} waits until an admin resumes it.")
    return step_finding("ClusterQueueStopped", "error", message, step, evidence=[
        workload_condition(step, "Evicted") or workload_condition(step, "QuotaReserved"),
        _active_evidence("ClusterQueue", "", info), _lq_messenger(step, ctx)],
        remedy=(f"Ask a cluster admin to resume ClusterQueue {name} (spec.stopPolicy: None, e.g. "
                f"`kubectl kueue resume clusterqueue {name}`)."))


def cluster_queue_inactive(step, ctx):
    name = ctx.cluster_queue_name(step)
    info = ctx.cluster_queue(name)
    message = f"ClusterQueue {name} is inactive{_condition_phrase(info)}, so it admits nothing"
    remedy = f"Ask a cluster admin to fix what ClusterQueue {name}'s Active condition names"
    missing = missing_objects(info)
    if missing:
        message += ": " + "; ".join(_missing_phrase(state, kind, names, ctx) for state, kind, names in missing)
        remedy = "Ask a cluster admin to " + "; and to ".join(_missing_fix(state, kind, names, name, ctx)
                                                            for state, kind, names in missing)
    elif info is None:
        message += (" (LocalQueue " + str(step.local_queue) + " reports ClusterQueueIsInactive; the ClusterQueue "
                    "could not be read, so its reason is unknown)")
    message += f". Step {step.display_name} waits until it is active again."
    return step_finding("ClusterQueueInactive", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"), _active_evidence("ClusterQueue", "", info),
        _lq_messenger(step, ctx)], remedy=remedy + ".")


def _missing_phrase(state, kind, names, ctx):
    if state == "missing":
        return f"it references {kind} {', '.join(names)}, which does not exist"
    controllers = [ctx.check_controller(n) for n in names]
    owners = ", ".join(f"{n} (controller {c})" if c else n for n, c in zip(names, controllers))
    return f"it references {kind} {owners}, which is not active"


def _missing_fix(state, kind, names, cluster_queue, ctx):
    if state == "missing":
        return (f"create {kind} {', '.join(names)} (or remove it from ClusterQueue {cluster_queue}); Kueue "
                f"activates the ClusterQueue as soon as it exists")
    return f"check why {kind} {', '.join(names)} is not active (its controller sets its Active condition)"


def _lq_messenger(step, ctx):
    info = ctx.local_queue(step.local_queue)
    if info is None or info.status.active is not False:
        return None
    return _active_evidence("LocalQueue", f"{ctx.namespace}/", info)


def namespace_not_selected(step, ctx):
    name = ctx.cluster_queue_name(step)
    info = ctx.cluster_queue(name)
    labels = ctx.snapshot.namespace_labels
    selector = info.namespace_selector if info else None
    message = f"ClusterQueue {name} does not admit Workloads from namespace {ctx.namespace}"
    if info is not None:
        message += f": its namespaceSelector {selector_text(selector)} does not match"
        message += f" the namespace labels {labels_text(labels)}" if isinstance(labels, dict) else ""
    message += f". Step {step.display_name} can never be admitted through LocalQueue {step.local_queue}."
    hint = label_hint(selector)
    remedy = (f"Ask a cluster admin to label namespace {ctx.namespace} ({hint}) or widen the ClusterQueue's "
              f"namespaceSelector" if hint else "Ask a cluster admin to widen the ClusterQueue's namespaceSelector")
    return step_finding("NamespaceNotSelected", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"),
        f"ClusterQueue {name} spec.namespaceSelector: {selector_text(selector)}" if info else None,
        f"Namespace {ctx.namespace} metadata.labels: {labels_text(labels)}" if isinstance(labels, dict) else None,
    ], remedy=remedy + ", or use a LocalQueue whose ClusterQueue admits this namespace.")


def _condition_phrase(info):
    if info is None or info.status.active is not False:
        return ""
    message = (info.status.message or "").rstrip(". ")
    return f" (Active=False, reason {info.status.reason}: {message})" if message else \
        f" (Active=False, reason {info.status.reason})"


def _active_evidence(kind, prefix, info):
    if info is None or info.status.active is None:
        return None
    text = f"{kind} {prefix}{info.name} status.conditions[Active]: {info.status.active} reason {info.status.reason}"
    if info.status.message:
        text += f" ({info.status.message})"
    if info.status.stop_policy and info.status.stop_policy != "None":
        text += f"; spec.stopPolicy: {info.status.stop_policy}"
    return text


# ---- requests that never fit --------------------------------------------------------------------

def never_fits(step, ctx):
    cq_name = ctx.cluster_queue_name(step)
    info = ctx.cluster_queue(cq_name)
    problem = never_fits_problem(step, ctx.cluster_queues)
    if problem is not None and problem.kind == "no_flavor":
        details = "; ".join(p.raw for p in problem.problems) or (step.message or "no flavor fits")
        message = (f"No ResourceFlavor of ClusterQueue {cq_name} can ever hold step {step.display_name}: {details}. "
                   f"It will wait forever as configured.")
        return step_finding("NeverFits", "error", message, step, evidence=[workload_condition(step, "QuotaReserved")],
                            remedy=(f"Change the pod's requests, tolerations or node affinity (template "
                                    f"{step.template_name}) to match a flavor of {cq_name}, or ask an admin to add one."))
    resource = problem.resource if problem else None
    requested = problem.requested if problem else None
    where = f" in flavor {problem.flavor}" if problem and problem.flavor else ""
    message = (f"Step {step.display_name} asks for {amount(requested, resource)}, but ClusterQueue {cq_name} can "
               f"give one Workload at most {amount(problem.capacity if problem else None, resource)}{where}")
    message += f" ({_quota_phrase(info, resource)})" if info is not None else ""
    message += ": it will wait forever as configured."
    return step_finding("NeverFits", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"), quota_evidence(info, resource)],
        remedy=(f"Ask a cluster admin to raise nominalQuota (or borrowingLimit) for {resource} in ClusterQueue "
                f"{cq_name} to at least {amount(requested, resource)} (Kueue retries when the ClusterQueue changes), "
                f"or lower the request of template {step.template_name} and resubmit."))


def _quota_phrase(info, resource):
    parts = []
    for flavor, resources in sorted(info.quotas.items()):
        quota = resources.get(resource)
        if quota is None:
            continue
        text = f"{flavor}: nominal {amount(quota.nominal, resource)}"
        if info.cohort:
            limit = amount(quota.borrowing_limit, resource) if quota.borrowing_limit is not None else "no limit"
            text += f", borrowingLimit {limit} in cohort {info.cohort}"
        parts.append(text)
    if not parts:
        return f"{resource} is not covered by any of its flavors"
    return "; ".join(parts) + ("" if info.cohort else ", no cohort to borrow from")


def quota_evidence(info, resource):
    if info is None:
        return None
    return f"ClusterQueue {info.name} spec.resourceGroups ({resource}): {_quota_phrase(info, resource)}"
