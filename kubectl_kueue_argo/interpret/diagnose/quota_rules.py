"""Explain the waits that end by themselves: quota, topology placement, admission checks (pure).

Facts: reference/facts/kueue.md §3.2 (flavor assigner and scheduler messages), §7 (visibility API);
hard-cases.md (topology: pkg/cache/scheduler/tas_flavor_snapshot.go notFitMessage; admission checks:
pkg/workload/admissionchecks.go, AdmissionCheck spec.controllerName).
"""
from kubectl_kueue_argo.interpret.diagnose.ahead import ahead_evidence, ahead_sentence
from kubectl_kueue_argo.interpret.diagnose.cause import topology_failure
from kubectl_kueue_argo.interpret.diagnose.context import (
    amount, ordinal, prose_duration, step_finding, workload_condition,
)
from kubectl_kueue_argo.interpret.diagnose.kueue_rules import quota_evidence

LONG_WAIT_SECONDS = 3600
# Waits that are not "no quota now": (what Kueue is doing, remedy).
_OTHER_WAITS = {
    "NotYetEvaluated": ("Kueue's scheduler has not tried Workload {wl} yet (it has no QuotaReserved condition; with "
                        "StrictFIFO only the head of the queue is tried)",
                        "Nothing is broken: the scheduler tries it when the Workloads ahead are admitted."),
    "PendingEvaluation": ("Workload {wl} is pending evaluation in Kueue's scheduling queue",
                          "Nothing is broken: the scheduler tries it in turn."),
    "WaitingForPodsReady": ("Kueue's waitForPodsReady.blockAdmission holds new admissions until admitted Workloads "
                            "have all their pods ready",
                            "Nothing is broken: wait, or check the admitted pods that are not ready yet in "
                            "ClusterQueue {cq}."),
    "WaitingForPreemptedWorkloads": ("Workload {wl} will fit once the Workloads Kueue is preempting for it have ended",
                                     "Nothing is broken: the preemptions are under way."),
}


# ---- quota --------------------------------------------------------------------------------------

def waiting_for_quota(step, ctx):
    workload = step.workload
    cq_name = ctx.cluster_queue_name(step) or "?"
    if workload is None:       # gated, and the Workloads could not be read
        message = (f"Pod {step.pod_name} of step {step.display_name} is gated by Kueue, but its Workload could not "
                   f"be read: it waits for admission in LocalQueue {step.local_queue or '?'}, for a reason that "
                   f"cannot be seen.")
        return step_finding("WaitingForQuota", "warning", message, step,
                            evidence=[f"Pod {ctx.namespace}/{step.pod_name} spec.schedulingGates: "
                                      f"{', '.join(step.scheduling_gates)}"],
                            remedy=f"Run with a user allowed to list workloads.kueue.x-k8s.io in {ctx.namespace}.")
    lead, remedy = _wait_lead(step, cq_name)
    sentences = [lead] + [s for s in (_position_sentence(step, ctx), ahead_sentence(step, ctx),
                                      _cohort_sentence(step, ctx, cq_name)) if s]
    severity = "warning" if (step.waited_seconds or 0) >= LONG_WAIT_SECONDS else "info"
    return step_finding("WaitingForQuota", severity, " ".join(sentences), step, evidence=[
        workload_condition(step, "QuotaReserved"), _position_evidence(step), ahead_evidence(step, ctx),
        quota_evidence(ctx.cluster_queue(cq_name), _first_short_resource(step))], remedy=remedy)


def _wait_lead(step, cq_name):
    workload = step.workload
    waited = _waited(step)
    if step.reason in _OTHER_WAITS:
        what, remedy = _OTHER_WAITS[step.reason]
        return (f"Step {step.display_name} has waited{waited}: " + what.format(wl=workload.name, cq=cq_name) + ".",
                remedy.format(cq=cq_name))
    short = [p for p in workload.quota_problems if p.kind.startswith("insufficient_unused")]
    if short:
        needs = "; ".join(_shortage_phrase(p, workload) for p in short)
        lead = f"Step {step.display_name} has waited{waited} for quota in ClusterQueue {cq_name}: {needs}."
    else:
        lead = f"Step {step.display_name} has waited{waited} in ClusterQueue {cq_name}: {step.message or 'pending'}."
    return lead, (f"Nothing is broken: the step starts when quota in {cq_name} frees up. To start sooner, end the "
                  f"Workloads ahead of it, ask an admin to raise the ClusterQueue's nominalQuota, or use a higher "
                  f"WorkloadPriorityClass.")


def _waited(step):
    return f" for {prose_duration(step.waited_seconds)}" if step.waited_seconds is not None else ""


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


# ---- topology -----------------------------------------------------------------------------------

def waiting_for_topology(step, ctx):
    workload = step.workload
    cq_name = ctx.cluster_queue_name(step) or "?"
    if workload.state == "QuotaReserved":
        message = (f"Step {step.display_name} has quota reserved in ClusterQueue {cq_name}; Kueue is still "
                   f"assigning its topology (delayed topology request), then it admits the Workload.")
        evidence = [workload_condition(step, "Admitted"), workload_condition(step, "QuotaReserved")]
    else:
        message = (f"Step {step.display_name} has waited{_waited(step)}: its quota in ClusterQueue {cq_name} would "
                   f"fit, but topology-aware scheduling cannot place it now: {_topology_detail(workload.message)}. "
                   f"Kueue tries again as nodes free up.")
        evidence = [workload_condition(step, "QuotaReserved"), _position_evidence(step)]
    return step_finding("WaitingForTopology", "info", message, step, evidence=evidence, remedy=(
        "Nothing is broken: the step starts when enough nodes of one topology domain are free. To start sooner, "
        "relax the pod's topology request (the kueue.x-k8s.io/podset-required-topology or -preferred-topology "
        "annotation) or lower its requests so that it fits the free nodes; quota is not what it waits for."))


def _topology_detail(message):
    """The flavor assigner's topology sentence (from `topology "..."` on), or the whole message."""
    text = message or "no topology domain has room"
    marker = text.find('topology "') if topology_failure(text) else -1
    return text[marker:].rstrip(".") if marker >= 0 else text.rstrip(".")


# ---- admission checks ---------------------------------------------------------------------------

def waiting_for_admission_check(step, ctx):
    workload = step.workload
    cq_name = ctx.cluster_queue_name(step) or "?"
    if step.reason == "AdmissionGated":
        message = (f"Workload {workload.name} of step {step.display_name} carries the "
                   f"kueue.x-k8s.io/admission-gated-by annotation: Kueue will not admit it until the controller named "
                   f"there removes it ({step.message}).")
        return step_finding("WaitingForAdmissionCheck", "info", message, step,
                            evidence=[workload_condition(step, "QuotaReserved")],
                            remedy="Wait for the gating controller, or ask whoever set the annotation to remove it.")
    checks = [c for c in workload.admission_checks if c.get("state") != "Ready"]
    listed = "; ".join(_check_phrase(c, ctx) for c in checks) or (
        "Kueue to admit it (its admission checks are Ready)" if workload.admission_checks else
        f"its admission checks ({step.message or 'no check is listed yet'})")
    reserved = ("has quota reserved in ClusterQueue " + cq_name if workload.state == "QuotaReserved"
                else "waits in ClusterQueue " + cq_name)
    message = f"Step {step.display_name} {reserved} but is not admitted yet: it waits for {listed}."
    evidence = [f"Workload {workload.namespace}/{workload.name} status.admissionChecks[name={c.get('name')}]: state "
                f"{c.get('state')}" + (f", message {c.get('message')!r}" if c.get("message") else "") for c in checks]
    evidence += [f"AdmissionCheck {c.get('name')} spec.controllerName: {ctx.check_controller(c.get('name'))}"
                 for c in checks if ctx.check_controller(c.get("name"))]
    remedy = ("Nothing is broken while the checks are Pending: their controllers admit the Workload when they pass "
              "(a ProvisioningRequest check waits for the cluster autoscaler). A check in Retry is retried; a "
              "Rejected check deactivates the Workload.")
    return step_finding("WaitingForAdmissionCheck", "info", message, step,
                        evidence=[workload_condition(step, "QuotaReserved")] + evidence, remedy=remedy)


def _check_phrase(check, ctx):
    text = f"admission check {check.get('name')} ({check.get('state') or 'Pending'}"
    controller = ctx.check_controller(check.get("name"))
    if controller:
        text += f", controller {controller}"
    if check.get("message"):
        text += f": {check.get('message')}"
    return text + ")"
