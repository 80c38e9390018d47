"""Findings that need ClusterFacts: LocalQueues, ClusterQueue coverage and quota (pure)."""
from kubectl_kueue_argo.interpret.preflight import quota
from kubectl_kueue_argo.interpret.kueue.queues import closest_name, cohort_name
from kubectl_kueue_argo.model import Finding
from kubectl_kueue_argo.quantity import format_quantity


def document_findings(plan, cluster):
    findings = _missing_local_queues(plan, cluster)
    for step in plan.steps:
        cq_name, cq = cluster_queue_for(step.row.queue_name, cluster)
        if cq is None or step.row.pod == "none" or not step.row.managed:
            continue
        findings += _not_covered(step, cq_name, cq)
        findings += _never_fits(step, cq_name, cq)
    return findings


def queue_demand(plans, cluster):
    """Per queue, the largest single pod against the queue's quota (pods are admitted one by one)."""
    by_queue = {}
    for plan in plans:
        agent_seen = False
        for step in plan.steps:
            if step.row.pod == "none" or not step.row.queue_name or not step.row.managed:
                continue
            if step.row.pod == "agent":
                if agent_seen:
                    continue
                agent_seen = True
            by_queue.setdefault(step.row.queue_name, []).append((plan, step))
    findings = []
    for queue_name in sorted(by_queue):
        if cluster.local_queues is not None and queue_name not in cluster.local_queues:
            continue    # reported as LocalQueueNotFound
        cq_name, cq = cluster_queue_for(queue_name, cluster)
        candidates = by_queue[queue_name]
        plan, step = max(candidates, key=lambda ps: _rank(ps[1].row.requests, cq))
        what = f"{plan.label} template {step.row.name}" + (" (agent pod)" if step.row.pod == "agent" else "")
        if cq is not None:
            cohort = cohort_name(cq)
            limits = f"ClusterQueue {cq_name} has nominal quota {_fmt(quota.nominal_summary(cq))}" + (
                f" and may borrow in cohort {cohort}" if cohort else " and no cohort to borrow from")
        elif cq_name:
            limits = f"the quota of ClusterQueue {cq_name} is not readable"
        else:
            limits = "its ClusterQueue is unknown"
        findings.append(Finding(
            code="QueueDemand", severity="info", template=step.row.name,
            message=(f"Largest single pod on {queue_name}: {what} asks for {_fmt(step.row.requests)}; "
                     f"{limits}. Each Argo pod is its own Workload, so this is the most one step needs "
                     f"at once ({len(candidates)} pod template(s) use this queue)."),
            remedy=None))
    return findings


def cluster_queue_for(queue_name, cluster):
    """(ClusterQueue name or None, raw ClusterQueue or None)."""
    if not queue_name or cluster.local_queues is None:
        return None, None
    cq_name = cluster.local_queues.get(queue_name)
    if not cq_name or cluster.cluster_queues is None:
        return cq_name, None
    cq = cluster.cluster_queues.get(cq_name)
    return cq_name, cq if isinstance(cq, dict) else None


def _missing_local_queues(plan, cluster):
    if cluster.local_queues is None:
        return []
    users = {}
    for step in plan.steps:
        if step.row.pod != "none" and step.label_queue and step.label_queue not in cluster.local_queues:
            users.setdefault(step.label_queue, []).append(step.row.name)
    findings = []
    where = f"namespace {cluster.namespace}" if cluster.namespace else "the target namespace"
    for queue_name, templates in sorted(users.items()):
        close = closest_name(queue_name, sorted(cluster.local_queues))
        hint = f"Did you mean {close}? " if close else ""
        findings.append(Finding(
            code="LocalQueueNotFound", severity="error",
            template=templates[0] if len(templates) == 1 else None,
            message=(f"{plan.label}: LocalQueue {queue_name} (used by {', '.join(templates)}) does not exist "
                     f"in {where}. Kueue would gate these pods and never admit them "
                     f"(\"LocalQueue {queue_name} doesn't exist\")."),
            remedy=f"{hint}Fix the {queue_name} label, or ask an admin to create the LocalQueue."))
    return findings


def _not_covered(step, cq_name, cq):
    missing = quota.uncovered(step.row.requests, cq)
    if not missing:
        return []
    asked = ", ".join(f"{n} {format_quantity(step.row.requests[n], n)}" for n in missing)
    return [Finding(
        code="ResourceNotCovered", severity="error", template=step.row.name,
        message=(f"Template {step.row.name} asks for {asked}, but ClusterQueue {cq_name} (behind LocalQueue "
                 f"{step.row.queue_name}) covers no {', '.join(missing)}; Kueue would never admit the pod "
                 f"(\"resource {missing[0]} unavailable in ClusterQueue\")."),
        remedy=(f"Remove the {', '.join(missing)} request from the template, or ask an admin to add "
                f"{', '.join(missing)} to a resourceGroup of {cq_name}."))]


def _never_fits(step, cq_name, cq):
    findings = []
    cohort = cohort_name(cq)
    for problem in quota.never_fits(step.row.requests, cq):
        asked = ", ".join(f"{n} {format_quantity(a, n)}" for n, a in problem.requested.items())
        most = ", ".join(f"{n} {format_quantity(a, n)}" for n, a in problem.ceiling.items())
        borrowing = (f"including what it may borrow in cohort {cohort}" if cohort
                     else "with no cohort, so nothing can be borrowed")
        findings.append(Finding(
            code="NeverFits", severity="error", template=step.row.name,
            message=(f"Template {step.row.name} asks for {asked} in one pod, but ClusterQueue {cq_name} "
                     f"(LocalQueue {step.row.queue_name}) can give at most {most} in any flavor (best: "
                     f"{problem.best_flavor}), {borrowing}. The pod would stay gated forever."),
            remedy=f"Lower the request to at most {most}, or ask an admin to raise the quota of {cq_name}."))
    return findings


def _rank(requests, cq):
    if cq is not None:
        return (quota.dominant_share(requests, cq), sorted(requests.items()))
    return (float(requests.get("cpu", 0)), sorted(requests.items()))


def _fmt(requests):
    parts = [f"{n} {format_quantity(a, n)}" for n, a in sorted(requests.items()) if a]
    return ", ".join(parts) if parts else "nothing"
