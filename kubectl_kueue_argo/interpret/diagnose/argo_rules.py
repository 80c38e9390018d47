"""How Argo's own rules meet Kueue's queueing: pods never created, slots and timeouts that run while a pod
is gated, suspend, and preemption without retries (pure).

Facts: reference/facts/argo-workflows.md §2.3 (agent pod), §2.5 (retries), §4.3-§4.6; kueue.md §4.3.
"""
import re

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.diagnose.context import (
    ACTIVE_PHASES, amount, gates_evidence, names_list, node_ref, parse_duration, pod_ref, prose_duration,
    seconds_since, step_finding, workload_condition,
)
from kubectl_kueue_argo.model import Finding

_LOCK_MESSAGE = re.compile(r"Waiting for (\S+) lock")
_QUOTA_NAME = re.compile(r"exceeded quota: ([^,\s]+)")
_KUEUE_HELD = ("Pending", "Inadmissible", "AwaitingWorkload", "QuotaReserved")


# ---- Pending nodes without a pod (facts §4.6) ---------------------------------------------------

def waiting_for_pod_creation(step, ctx):
    """Why Argo has not created the pod: a lock, a ResourceQuota, a suspended workflow, parallelism, or
    none of those that can be seen (the first that applies)."""
    for rule in (lock_wait, resource_quota, workflow_suspended, parallelism_limit):
        finding = rule(step, ctx)
        if finding is not None:
            return finding
    return pod_not_created(step, ctx)


def template_has_no_pod(step, ctx):
    duration = ((ctx.template(step.node).get("suspend") or {}).get("duration"))
    until = f"for {duration} or until `argo resume`" if duration else "until `argo resume`"
    message = (f"Suspend step {step.display_name} waits {until}. Suspend templates run no pod, so Kueue never sees "
               f"this step and no quota is involved.")
    return step_finding("TemplateHasNoPod", "info", message, step,
                        evidence=[f"{node_ref(step, ctx)}.type: Suspend, phase {step.phase}"],
                        remedy=f"argo resume {ctx.workflow_name} -n {ctx.namespace} when the step may go on.")


def lock_wait(step, ctx):
    node = step.node or {}
    waiting = (node.get("synchronizationStatus") or {}).get("waiting")
    match = _LOCK_MESSAGE.search(step.node_message or "")
    if not waiting and not match:
        return None
    lock = match.group(1) if match else waiting.rsplit("/", 1)[-1]
    holder = _lock_holder(ctx, waiting)
    message = (f"Step {step.display_name} waits for the Argo lock {lock}"
               + (f", held by {holder}" if holder else "")
               + ". Argo creates its pod only once it gets the lock, so Kueue has not seen it yet.")
    return step_finding("WaitingForPodCreation", "info", message, step, evidence=[
        f"{node_ref(step, ctx)}.message: {step.node_message}" if step.node_message else None,
        f"{node_ref(step, ctx)}.synchronizationStatus.waiting: {waiting}" if waiting else None],
        remedy=f"Wait for the holder to release {lock}; this is Argo synchronization, not Kueue.")


def _lock_holder(ctx, waiting):
    sync = (ctx.workflow.get("status") or {}).get("synchronization") or {}
    for kind in ("mutex", "semaphore"):
        for entry in (sync.get(kind) or {}).get("waiting") or []:
            if isinstance(entry, dict) and waiting and entry.get(kind) == waiting and entry.get("holder"):
                return entry["holder"]
    return None


def resource_quota(step, ctx):
    text = step.node_message or ""
    if "exceeded quota" not in text:
        return None
    match = _QUOTA_NAME.search(text)
    name = match.group(1) if match else "?"
    message = (f"The namespace ResourceQuota {name} refused the pod of step {step.display_name}, so Argo keeps "
               f"the node Pending and retries; Kueue never sees a pod that was not created.")
    return step_finding("WaitingForPodCreation", "warning", message, step,
                        evidence=[f"{node_ref(step, ctx)}.message: {text}"],
                        remedy=(f"Free or raise ResourceQuota {ctx.namespace}/{name}. Pods gated by Kueue count "
                                f"against a ResourceQuota too, so queued steps can use it up."))


def workflow_suspended(step, ctx):
    if not ctx.spec.get("suspend"):
        return None
    message = (f"Workflow {ctx.workflow_name} is suspended (spec.suspend: true): Argo creates no new pods, so step "
               f"{step.display_name} has none yet.")
    return step_finding("WaitingForPodCreation", "info", message, step,
                        evidence=[f"Workflow {ctx.namespace}/{ctx.workflow_name} spec.suspend: true"],
                        remedy=f"argo resume {ctx.workflow_name} -n {ctx.namespace}")


def parallelism_limit(step, ctx):
    limit, scope, active = parallelism_in_force(step, ctx)
    if limit is None or len(active) < limit:
        return None
    gated = [s.display_name for s in active if s.gated]
    message = (f"{scope} allows {limit} active pod{'s' if limit != 1 else ''} and {len(active)} are active"
               + (f" ({len(gated)} of them gated by Kueue: {names_list(gated)})" if gated else "")
               + f", so Argo has not created the pod of step {step.display_name} yet.")
    return step_finding("WaitingForPodCreation", "info", message, step,
                        evidence=[f"{scope}: {limit}", f"Active pods: {names_list(s.display_name for s in active)}"],
                        remedy="Wait for an active step to finish, or raise the parallelism.")


def pod_not_created(step, ctx):
    if step.type in argo.AGENT_TYPES:
        message = f"Step {step.display_name} waits for the workflow's agent pod, which does not exist yet."
    else:
        message = f"Argo has not created the pod of step {step.display_name} yet"
        message += f": {step.node_message}." if step.node_message else "."
    return step_finding("WaitingForPodCreation", "info", message, step, evidence=[
        f"{node_ref(step, ctx)}.message: {step.node_message}" if step.node_message else None],
        remedy="Wait; if it lasts, check the workflow-controller logs.")


# ---- Argo parallelism (facts §4.5) --------------------------------------------------------------

def parallelism_in_force(step, ctx):
    """(limit, "what sets it", active Pod steps it counts): the template's parallelism, else spec.parallelism."""
    boundary = ctx.nodes.get((step.node or {}).get("boundaryID") or "")
    template_limit = _positive_int(ctx.template(boundary).get("parallelism")) if boundary else None
    if template_limit:
        members = [s for s in _active_pods(ctx) if (s.node or {}).get("boundaryID") == boundary.get("id")]
        return template_limit, f"Template {boundary.get('templateName')} parallelism", members
    limit = _positive_int(ctx.spec.get("parallelism"))
    if limit:
        return limit, "Workflow spec.parallelism", _active_pods(ctx)
    return None, None, []


def _active_pods(ctx):
    """Pod nodes Pending or Running with a created pod, not waiting on a lock: what Argo counts."""
    return [s for s in ctx.report.steps if s.type == "Pod" and s.phase in ACTIVE_PHASES and s.pod is not None
            and not ((s.node or {}).get("synchronizationStatus") or {}).get("waiting")]


def _positive_int(value):
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def parallelism_slot_held(step, ctx):
    if not step.gated or step.phase != "Pending":
        return None
    limit, scope, active = parallelism_in_force(step, ctx)
    if limit is None or len(active) < limit:
        return None
    gated = [s.display_name for s in active if s.gated]
    message = (f"{scope} is {limit} and all {len(active)} slots are taken; {len(gated)} by pods gated by Kueue "
               f"({names_list(gated)}). Argo counts a gated Pending pod as active, so step {step.display_name} "
               f"holds a slot while Kueue keeps it gated, and no further step can start.")
    return step_finding("ParallelismSlotHeld", "warning", message, step,
                        evidence=[f"{scope}: {limit}", gates_evidence(step, ctx)],
                        remedy=("Raise the parallelism above the number of pods that can wait at once, or make "
                                "sure the queue has quota for that many pods."))


# ---- time limits that run while a pod is gated (facts §4.4) --------------------------------------

def timeout_while_gated(step, ctx):
    if not step.gated or step.phase != "Pending":
        return None
    limits = _time_limits(step, ctx)
    if not limits:
        return None
    left, what, field_path, started, consequence = min(limits, key=lambda item: item[0])
    if left > 0:
        severity = "warning"
        outcome = f"{prose_duration(left)} left before Argo {consequence}"
    else:
        severity = "error"
        outcome = f"the limit passed {prose_duration(-left)} ago, so Argo {consequence} at its next reconcile"
    message = (f"{what}, counted from {started} even while the pod is gated by Kueue: {outcome}.")
    return step_finding("TimeoutWhileGated", severity, message, step, evidence=[field_path, gates_evidence(step, ctx)],
                        remedy=("Raise or remove the limit so it covers the time spent in the queue, or get the "
                                "step admitted sooner (see the queueing cause above)."))


def _time_limits(step, ctx):
    """(seconds left, description, evidence, counted from, what Argo then does) for each limit that applies."""
    limits = []
    template = ctx.template(step.node)
    for field in ("pendingTimeout", "timeout"):
        seconds = parse_duration(template.get(field))
        elapsed = seconds_since(step.started_at, ctx.now)
        if seconds and elapsed is not None:
            limits.append((seconds - elapsed, f"Template {step.template_name} has {field} {template.get(field)}",
                           f"Workflow {ctx.namespace}/{ctx.workflow_name} spec.templates[name={step.template_name}]"
                           f".{field}: {template.get(field)}", f"the node's start ({step.started_at})",
                           'deletes the pod and fails the step with "timeout"'))
    deadline = parse_duration(ctx.spec.get("activeDeadlineSeconds"))
    started = (ctx.workflow.get("status") or {}).get("startedAt")
    elapsed = seconds_since(started, ctx.now)
    if deadline and elapsed is not None:
        limits.append((deadline - elapsed, f"Workflow spec.activeDeadlineSeconds is {int(deadline)}",
                       f"Workflow {ctx.namespace}/{ctx.workflow_name} spec.activeDeadlineSeconds: "
                       f"{ctx.spec.get('activeDeadlineSeconds')}", f"the workflow's start ({started})", 'fails the step ("Step exceeded its deadline")'))
    return limits


# ---- the agent pod (facts §2.3) ----------------------------------------------------------------

def agent_pod_queued(step, ctx):
    if step.type not in argo.AGENT_TYPES or not step.gated:
        return None
    asked = ", ".join(amount(v, r) for r, v in sorted((step.workload.requests if step.workload else {}).items()))
    message = (f"{step.type} step {step.display_name} runs in the workflow's agent pod {step.pod_name}, which Kueue "
               f"holds (gated, LocalQueue {step.local_queue}): the agent pod gets spec.podMetadata labels, the "
               f"queue label included. Argo ignores a Pending agent pod, so the step waits with no message.")
    return step_finding("AgentPodQueued", "warning", message, step, evidence=[
        f"{pod_ref(step, ctx)} metadata.labels[kueue.x-k8s.io/queue-name]: {step.queue_name}",
        gates_evidence(step, ctx)],
        remedy=("Move kueue.x-k8s.io/queue-name from spec.podMetadata.labels to the metadata.labels of the pod "
                "templates, so the agent pod is not queued, or leave room in the queue for it"
                + (f" (it asks for {asked})." if asked else ".")))


# ---- preemption without retries (facts kueue §4.3, argo §2.5) ------------------------------------

def preempted(step, ctx):
    """A Workload evicted by preemption: the unfinished step's cause (Preempted), or, once the step has
    ended, whether Argo retries it (PreemptedNoRetry / PreemptedWillRetry)."""
    workload = step.workload
    if workload is None or not (workload.preemption_reason or workload.eviction_reason == "Preempted"
                                or (step.cause == "Preempted" and workload.state == "Evicted")):
        return None
    retry = _retry_strategy(step, ctx)
    cause = workload.eviction_reason or "Evicted"
    if workload.preemption_reason:
        cause += f", {workload.preemption_reason}"
    outcome = (f"the node is {step.phase}" + (f": {step.node_message}" if step.node_message else "")
               if step.phase in argo.FINAL_PHASES else "the step fails once the pod is gone")
    evidence = [workload_condition(step, "Evicted"), workload_condition(step, "Preempted", "reason"),
                f"{node_ref(step, ctx)}.phase: {step.phase}"]
    unfinished = step.cause == "Preempted"
    if retry:
        message = (f"Kueue evicted Workload {workload.name} of step {step.display_name} ({cause}) and deletes its "
                   f"pod; the template's retryStrategy makes Argo run a new attempt, which queues again.")
        return step_finding("Preempted" if unfinished else "PreemptedWillRetry", "info", message, step,
                            evidence=evidence,
                            remedy="Nothing to do, unless retryPolicy excludes the phase the attempt ended in.")
    lacking = templates_without_retry(ctx)
    message = (f"Kueue evicted Workload {workload.name} of step {step.display_name} ({cause}) and deleted its pod. "
               f"Template {step.template_name} has no retryStrategy (nor has spec.retryStrategy), so Argo does not "
               f"retry it: {outcome}. Queued templates without a retryStrategy: {names_list(lacking) or 'none'}.")
    severity = "error" if unfinished or step.phase in ("Failed", "Error") else "warning"
    return step_finding("Preempted" if unfinished else "PreemptedNoRetry", severity, message, step, evidence=evidence,
                        remedy=(
        f"Add retryStrategy (e.g. limit: 3, retryPolicy: Always) to templates {names_list(lacking) or step.template_name}"
        f" or to spec.retryStrategy, then resubmit; Always also retries an attempt that ends in Error "
        f"(\"pod deleted\")."))


def _retry_strategy(step, ctx):
    return ctx.template(step.node).get("retryStrategy") or ctx.spec.get("retryStrategy")


def templates_without_retry(ctx):
    """Templates of Kueue-queued Pod steps that have no retryStrategy, in step order."""
    if ctx.spec.get("retryStrategy"):
        return []
    names = []
    for step in ctx.report.steps:
        if step.type == "Pod" and step.local_queue and step.template_name not in names \
                and not ctx.template(step.node).get("retryStrategy"):
            names.append(step.template_name)
    return names


# ---- workflow level (facts §4.3) ----------------------------------------------------------------

def suspend_not_understood(ctx):
    if not ctx.spec.get("suspend"):
        return None
    live = [s for s in ctx.report.steps if s.pod is not None and s.phase in ACTIVE_PHASES]
    admitted = [s for s in live if s.kueue_state == "Admitted"]
    queued = [s for s in live if s.kueue_state in _KUEUE_HELD]
    if not admitted and not queued:
        return None
    message = (f"Workflow {ctx.workflow_name} is suspended (spec.suspend: true), but Kueue knows nothing of Argo's "
               f"suspend: Argo only stops creating new pods.")
    if admitted:
        one = len(admitted) == 1
        message += (f" {len(admitted)} admitted pod{'' if one else 's'} "
                    f"({names_list(s.display_name for s in admitted)}) {'keeps' if one else 'keep'} running and "
                    f"{'holds' if one else 'hold'} "
                    f"{_held(admitted)} of {names_list(sorted({s.cluster_queue or '?' for s in admitted}))}.")
    if queued:
        message += (f" {len(queued)} gated pod{'s' if len(queued) != 1 else ''} "
                    f"({names_list(s.display_name for s in queued)}) can still be admitted and start.")
    return Finding("SuspendNotUnderstood", "warning", message,
                   evidence=[f"Workflow {ctx.namespace}/{ctx.workflow_name} spec.suspend: true"],
                   remedy=(f"Resume it (argo resume {ctx.workflow_name}) so it finishes and releases the quota, or "
                           f"stop it (argo stop {ctx.workflow_name}) to end its pods and give the quota back."))


def _held(steps):
    total = {}
    for step in steps:
        usage = (step.workload.resource_usage or step.workload.requests) if step.workload else {}
        for resource, value in usage.items():
            total[resource] = total.get(resource, 0) + value
    return ", ".join(amount(v, r) for r, v in sorted(total.items())) or "their quota"
