"""Why Kueue holds (or ignores) a step's pod: queue problems, quota waits, never-fitting requests (pure).

Facts: reference/facts/kueue.md §1 (webhook, pod selection), §3.2 (messages), §6 (queues), §8 (config).
"""
from kubectl_kueue_argo.interpret.diagnose.context import (
    amount, label_hint, label_location, labels_text, names_list, ordinal, pod_ref, prose_duration,
    selector_text, step_finding, workload_condition,
)
from kubectl_kueue_argo.interpret.diagnose.webhook_rules import (
    awaiting_workload, gate_not_removed, unmanaged, workloads_unreadable,
)
from kubectl_kueue_argo.interpret.kueue.workloads import closest_name, workloads_ahead

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
LONG_WAIT_SECONDS = 3600
_NEVER_FIT_KINDS = ("resource_unavailable", "flavor_not_found", "untolerated_taint", "node_affinity")
_LQ_BLOCKED_BY_CQ = ("ClusterQueueIsInactive", "ClusterQueueDoesNotExist")
# Waits that are not "no quota": (code, severity, what Kueue is doing, remedy).
_OTHER_WAITS = {
    "NotYetEvaluated": ("NotYetEvaluated", "info", "Kueue's scheduler has not tried Workload {wl} yet (it has no "
                        "QuotaReserved condition; with StrictFIFO only the head of the queue is tried)",
                        "Wait: the scheduler tries it when the Workloads ahead are admitted."),
    "WaitingForPodsReady": ("WaitingForPodsReady", "info", "Kueue's waitForPodsReady.blockAdmission holds new "
                            "admissions until admitted Workloads have all their pods ready",
                            "Wait, or check the admitted pods that are not ready yet in ClusterQueue {cq}."),
    "WaitingForPreemptedWorkloads": ("PreemptionInProgress", "info", "Workload {wl} will fit once the Workloads "
                                     "Kueue is preempting for it have ended", "Wait: the preemptions are under way."),
    "AdmissionGated": ("AdmissionGated", "warning", "Workload {wl} carries the kueue.x-k8s.io/admission-gated-by "
                       "annotation, so Kueue will not admit it", "Whoever set the annotation must remove it."),
    "Deactivated": ("WorkloadDeactivated", "error", "Workload {wl} is deactivated (spec.active: false), so Kueue "
                    "will never admit it", "Reactivate it (spec.active: true) or delete the pod so Argo recreates it."),
}


def kueue_findings(step, ctx):
    """The Kueue-side cause for one step with a pod, most specific first."""
    if step.reason == "GateNotRemoved":
        return [gate_not_removed(step, ctx)]
    if step.kueue_state == "AwaitingWorkload":
        return [awaiting_workload(step, ctx)]
    if step.kueue_state == "Unmanaged":
        return unmanaged(step, ctx)
    if step.kueue_state in ("Pending", "Inadmissible") and step.workload is None:
        return [workloads_unreadable(step, ctx)]
    if step.kueue_state in ("Pending", "Inadmissible"):
        return [queue_problem(step, ctx) or never_fits(step, ctx) or waiting(step, ctx)]
    if step.kueue_state == "QuotaReserved":
        return [admission_checks(step, ctx)]
    return []


# ---- queues that cannot admit -------------------------------------------------------------------

def queue_problem(step, ctx):
    return (local_queue_missing(step, ctx) or local_queue_blocked(step, ctx) or cluster_queue_blocked(step, ctx)
            or namespace_not_allowed(step, ctx))


def local_queue_missing(step, ctx):
    name = step.local_queue
    known = ctx.local_queues
    if not name or (step.reason != "LocalQueueNotFound" and (known is None or name in known)):
        return None
    existing = sorted(known or ())
    suggestion = closest_name(name, existing)
    message = (f"Step {step.display_name} is queued to LocalQueue {name}, which does not exist in namespace "
               f"{ctx.namespace}: Kueue cannot admit it and the pod stays gated.")
    if suggestion:
        message += f" Did you mean {suggestion}?"
    where = label_location(step, ctx)
    target = suggestion or (existing[0] if len(existing) == 1 else "an existing LocalQueue")
    return step_finding("LocalQueueNotFound", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"),
        f"{pod_ref(step, ctx)} metadata.labels[{QUEUE_LABEL}]: {name}",
        f"LocalQueues in namespace {ctx.namespace}: {', '.join(existing) or 'none'}" if known is not None else None,
    ], remedy=(f"Set {QUEUE_LABEL}: {target} in {where}, then resubmit; or ask the namespace admin to "
               f"create LocalQueue {name} in {ctx.namespace}."))


def local_queue_blocked(step, ctx):
    info = ctx.local_queue(step.local_queue)
    by_message = step.reason in ("LocalQueueStopped", "LocalQueueInactive")
    by_status = info is not None and info.status.active is False and info.status.reason not in _LQ_BLOCKED_BY_CQ
    if not (by_message or by_status):
        return None
    stopped = step.reason == "LocalQueueStopped" or (info is not None and info.status.stopped)
    code = "LocalQueueStopped" if stopped else "LocalQueueInactive"
    what = f"stopped (spec.stopPolicy: {info.status.stop_policy})" if stopped and info else (
        "stopped" if stopped else "inactive")
    message = (f"LocalQueue {step.local_queue} is {what}{_condition_phrase(info)}: Kueue admits nothing from it, "
               f"so step {step.display_name} waits until it is resumed.")
    remedy = (f"Ask the namespace admin to resume LocalQueue {step.local_queue} (spec.stopPolicy: None)"
              if stopped else f"Fix what keeps LocalQueue {step.local_queue} inactive (see its Active condition)")
    cause = _inactive_cluster_queue(info, ctx) if not stopped else None
    if cause is not None:  # the LocalQueue is only the messenger: name the ClusterQueue's own reason
        message += (f" The cause is its ClusterQueue {cause.name}, which is inactive"
                    f"{_condition_phrase(cause)}.")
        remedy = f"Ask a cluster admin to fix ClusterQueue {cause.name} (see its Active condition)"
    return step_finding(code, "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"), _active_evidence("LocalQueue", f"{ctx.namespace}/", info),
        _active_evidence("ClusterQueue", "", cause) if cause is not None else None],
        remedy=remedy + ", or use another LocalQueue.")


def _inactive_cluster_queue(local_queue, ctx):
    """The readable, inactive ClusterQueue behind a LocalQueue that Kueue marked ClusterQueueIsInactive."""
    if local_queue is None or local_queue.status.reason != "ClusterQueueIsInactive":
        return None
    cluster_queue = ctx.cluster_queue(local_queue.cluster_queue)
    return cluster_queue if cluster_queue is not None and cluster_queue.status.active is False else None


def cluster_queue_blocked(step, ctx):
    name = step.cluster_queue or _cluster_queue_of(step, ctx)
    info = ctx.cluster_queue(name)
    lq_info = ctx.local_queue(step.local_queue)
    reason = step.reason if step.reason in ("ClusterQueueStopped", "ClusterQueueInactive",
                                            "ClusterQueueNotFound") else None
    missing = reason == "ClusterQueueNotFound" or (ctx.cluster_queues is not None and name and info is None)
    lq_says = lq_info is not None and lq_info.status.reason in _LQ_BLOCKED_BY_CQ
    if not (reason or missing or (info is not None and info.status.active is False) or lq_says):
        return None
    if missing or (lq_says and lq_info.status.reason == "ClusterQueueDoesNotExist"):
        message = (f"LocalQueue {step.local_queue} points to ClusterQueue {name}, which does not exist: Kueue "
                   f"cannot admit step {step.display_name}.")
        return step_finding("ClusterQueueNotFound", "error", message, step, evidence=[
            workload_condition(step, "QuotaReserved"), _active_evidence("LocalQueue", f"{ctx.namespace}/", lq_info)],
            remedy=f"Ask a cluster admin to create ClusterQueue {name} or point the LocalQueue at an existing one.")
    stopped = reason == "ClusterQueueStopped" or (info is not None and (info.status.stopped
                                                                         or info.status.reason == "Stopped"))
    code = "ClusterQueueStopped" if stopped else "ClusterQueueInactive"
    what = f"stopped (spec.stopPolicy: {info.status.stop_policy})" if stopped and info else (
        "stopped" if stopped else "inactive")
    message = (f"ClusterQueue {name} is {what}{_condition_phrase(info)}: it admits no Workload, so step "
               f"{step.display_name} waits until an admin resumes it.")
    remedy = (f"Ask a cluster admin to resume ClusterQueue {name} (spec.stopPolicy: None)." if stopped else
              f"Ask a cluster admin to fix ClusterQueue {name} (e.g. a missing ResourceFlavor or admission check).")
    return step_finding(code, "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"), _active_evidence("ClusterQueue", "", info),
        _active_evidence("LocalQueue", f"{ctx.namespace}/", lq_info) if lq_says else None], remedy=remedy)


def namespace_not_allowed(step, ctx):
    name = step.cluster_queue or _cluster_queue_of(step, ctx)
    info = ctx.cluster_queue(name)
    labels = ctx.snapshot.namespace_labels
    computed = info is not None and isinstance(labels, dict) and not info.admits_namespace(labels)
    if step.reason != "NamespaceNotAllowed" and not computed:
        return None
    selector = info.namespace_selector if info else None
    message = f"ClusterQueue {name} does not admit Workloads from namespace {ctx.namespace}"
    if info is not None:
        message += f": its namespaceSelector {selector_text(selector)} does not match"
        message += f" the namespace labels {labels_text(labels)}" if isinstance(labels, dict) else ""
    message += f". Step {step.display_name} can never be admitted through LocalQueue {step.local_queue}."
    hint = label_hint(selector)
    remedy = (f"Ask a cluster admin to label namespace {ctx.namespace} ({hint}) or widen the ClusterQueue's "
              f"namespaceSelector" if hint else "Ask a cluster admin to widen the ClusterQueue's namespaceSelector")
    return step_finding("NamespaceNotAllowed", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"),
        f"ClusterQueue {name} spec.namespaceSelector: {selector_text(selector)}" if info else None,
        f"Namespace {ctx.namespace} metadata.labels: {labels_text(labels)}" if isinstance(labels, dict) else None,
    ], remedy=remedy + ", or use a LocalQueue whose ClusterQueue admits this namespace.")


def _cluster_queue_of(step, ctx):
    info = ctx.local_queue(step.local_queue)
    return info.cluster_queue if info else None


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
    if info.status.stop_policy:
        text += f"; spec.stopPolicy: {info.status.stop_policy}"
    return text


# ---- requests that never fit --------------------------------------------------------------------

def never_fits(step, ctx):
    workload = step.workload
    if workload is None:
        return None
    cq_name = step.cluster_queue or _cluster_queue_of(step, ctx)
    info = ctx.cluster_queue(cq_name)
    for problem in workload.quota_problems:
        if problem.kind == "exceeds_max_capacity":
            return _exceeds(step, ctx, cq_name, info, problem.resource, problem.flavor,
                            problem.requested if problem.requested is not None else workload.requests.get(problem.resource),
                            problem.capacity if problem.capacity is not None else _capacity(info, problem.resource))
    if step.reason == "NoMatchingFlavor":
        return _no_matching_flavor(step, ctx, cq_name)
    if info is None:
        return None
    for resource, requested in sorted(workload.requests.items()):
        capacity = _capacity(info, resource) if resource in info.covered_resources else None
        if capacity is not None and requested > capacity:
            return _exceeds(step, ctx, cq_name, info, resource, None, requested, capacity)
    return None


def _capacity(info, resource):
    return info.max_capacity(resource) if info is not None else None


def _exceeds(step, ctx, cq_name, info, resource, flavor, requested, capacity):
    where = f" in flavor {flavor}" if flavor else ""
    message = (f"Step {step.display_name} asks for {amount(requested, resource)}, but ClusterQueue {cq_name} can "
               f"give one Workload at most {amount(capacity, resource)}{where}")
    message += f" ({_quota_phrase(info, resource)})" if info is not None else ""
    message += ": it will wait forever as configured."
    return step_finding("NeverFits", "error", message, step, evidence=[
        workload_condition(step, "QuotaReserved"), _quota_evidence(info, resource)],
        remedy=(f"Ask a cluster admin to raise nominalQuota (or borrowingLimit) for {resource} in ClusterQueue "
                f"{cq_name} to at least {amount(requested, resource)} (Kueue retries when the ClusterQueue changes), "
                f"or lower the request of template {step.template_name} and resubmit."))


def _no_matching_flavor(step, ctx, cq_name):
    problems = [p for p in step.workload.quota_problems if p.kind in _NEVER_FIT_KINDS] or step.workload.quota_problems
    details = "; ".join(p.raw for p in problems) or (step.message or "no flavor fits")
    message = (f"No ResourceFlavor of ClusterQueue {cq_name} can ever hold step {step.display_name}: {details}. "
               f"It will wait forever as configured.")
    return step_finding("NeverFits", "error", message, step, evidence=[workload_condition(step, "QuotaReserved")],
                        remedy=(f"Change the pod's requests, tolerations or node affinity (template "
                                f"{step.template_name}) to match a flavor of {cq_name}, or ask an admin to add one."))


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


def _quota_evidence(info, resource):
    if info is None:
        return None
    return f"ClusterQueue {info.name} spec.resourceGroups ({resource}): {_quota_phrase(info, resource)}"


# ---- waiting for quota --------------------------------------------------------------------------

def waiting(step, ctx):
    workload = step.workload
    cq_name = step.cluster_queue or _cluster_queue_of(step, ctx) or "?"
    code, severity, lead, remedy = _wait_kind(step, cq_name)
    sentences = [lead] + [s for s in (_position_sentence(step, ctx), _cohort_sentence(step, ctx, cq_name)) if s]
    if severity == "info" and (step.waited_seconds or 0) >= LONG_WAIT_SECONDS:
        severity = "warning"
    return step_finding(code, severity, " ".join(sentences), step, evidence=[
        workload_condition(step, "QuotaReserved") if workload else None, _position_evidence(step),
        _quota_evidence(ctx.cluster_queue(cq_name), _first_short_resource(step))], remedy=remedy)


def _wait_kind(step, cq_name):
    workload = step.workload
    waited = f" for {prose_duration(step.waited_seconds)}" if step.waited_seconds is not None else ""
    if step.reason in _OTHER_WAITS:
        code, severity, what, remedy = _OTHER_WAITS[step.reason]
        lead = f"Step {step.display_name} has waited{waited}: " + what.format(wl=workload.name, cq=cq_name) + "."
        return code, severity, lead, remedy.format(cq=cq_name)
    short = [p for p in workload.quota_problems if p.kind.startswith("insufficient_unused")]
    if short:
        needs = "; ".join(_shortage_phrase(p, workload) for p in short)
        lead = f"Step {step.display_name} has waited{waited} for quota in ClusterQueue {cq_name}: {needs}."
    else:
        lead = f"Step {step.display_name} has waited{waited} in ClusterQueue {cq_name}: {step.message or 'pending'}."
    return "WaitingForQuota", "info", lead, (
        f"Nothing is broken: the step starts when quota in {cq_name} frees up. To start sooner, end the "
        f"Workloads ahead of it, ask an admin to raise the ClusterQueue's nominalQuota, or use a higher "
        f"WorkloadPriorityClass.")


def _shortage_phrase(problem, workload):
    resource = problem.resource
    asked = workload.requests.get(resource)
    scope = " of the cohort" if problem.kind == "insufficient_unused_cohort" else ""
    text = f"it asks for {amount(asked, resource)} and" if asked is not None else "it"
    return (f"{text} needs {amount(problem.more_needed, resource)} more than flavor {problem.flavor} has "
            f"unused{scope}")


def _position_sentence(step, ctx):
    position = step.position
    if position is None or position.local_queue is None:
        if ctx.pending_items(step.local_queue) is None and step.kueue_state == "Pending":
            return "Its place in the queue is unknown (the Kueue visibility API was not readable)."
        return None
    text = f"It is {ordinal(position.local_queue)} in LocalQueue {step.local_queue}"
    if position.cluster_queue is not None:
        text += f" ({ordinal(position.cluster_queue)} in ClusterQueue {step.cluster_queue})"
    ahead = [((item.get("metadata") or {}).get("name") or "?")
             for item in workloads_ahead(ctx.pending_items(step.local_queue) or [], step.workload_name)]
    if ahead:
        text += f"; ahead of it: {names_list(ahead)}"
    return text + "."


def _position_evidence(step):
    position = step.position
    if position is None or position.local_queue is None:
        return None
    return (f"LocalQueue {step.workload.namespace if step.workload else ''}/{step.local_queue} pendingworkloads "
            f"(visibility API): positionInLocalQueue {position.local_queue - 1}, positionInClusterQueue "
            f"{'?' if position.cluster_queue is None else position.cluster_queue - 1}")


def _first_short_resource(step):
    for problem in step.workload.quota_problems if step.workload else ():
        if problem.resource:
            return problem.resource
    return "cpu"


def _cohort_sentence(step, ctx, cq_name):
    info = ctx.cluster_queue(cq_name)
    if info is None:
        return (f"ClusterQueue {cq_name} could not be read, so its cohort and borrowing limits are unknown."
                if ctx.cluster_queues is None else None)
    resource = _first_short_resource(step)
    flavor = next((p.flavor for p in (step.workload.quota_problems if step.workload else ()) if p.flavor), None)
    flavor = flavor if flavor in info.quotas else next(iter(sorted(info.quotas)), None)
    quota = info.quotas.get(flavor, {}).get(resource)
    if quota is None:
        return None
    total, borrowed = info.usage.get(flavor, {}).get(resource, (None, None))
    text = f"{cq_name} has {amount(quota.nominal, resource)} nominal in {flavor}"
    if not info.cohort:
        text += " and no cohort to borrow from"
    elif quota.borrowing_limit is None:
        text += f" and may borrow without limit from cohort {info.cohort}"
    else:
        text += f" and may borrow up to {amount(quota.borrowing_limit, resource)} more from cohort {info.cohort}"
    if total is not None:
        text += f"; {amount(total, resource)} in use ({format_borrowed(borrowed, resource)})"
    return text + "."


def format_borrowed(borrowed, resource):
    return f"{amount(borrowed, resource)} borrowed" if borrowed else "none borrowed"


def admission_checks(step, ctx):
    checks = [c for c in (step.workload.admission_checks if step.workload else []) if c.get("state") != "Ready"]
    listed = ", ".join(f"{c.get('name')} ({c.get('state')})" for c in checks) or "delayed topology assignment"
    message = (f"Step {step.display_name} has quota reserved in ClusterQueue {step.cluster_queue} but is not admitted "
               f"yet: waiting for {listed}.")
    return step_finding("AdmissionChecksPending", "info", message, step, evidence=[
        workload_condition(step, "Admitted")], remedy="Wait for the admission checks; see their messages.")


