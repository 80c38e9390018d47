"""Join Workflow nodes, their pods and Kueue Workloads into one status per step (pure).

Input is a Snapshot of plain dicts; output is a StatusReport that renderers print as they like.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.kueue import workloads as kueue
from kubectl_kueue_argo.interpret.kueue import pods as podfacts
from kubectl_kueue_argo.interpret.dicts import mapping, text
from kubectl_kueue_argo.interpret.argo.spec import SpecResolver
from kubectl_kueue_argo.interpret.kueue.config import namespace_management, parse_manager_config
from kubectl_kueue_argo.interpret.diagnose import cause as causes
from kubectl_kueue_argo.model import KUEUE_STATES, Finding, Position
from kubectl_kueue_argo.timeutil import parse_time, seconds_between

QUEUE_POSITION_STATES = ("Pending", "Inadmissible")


@dataclass
class StepStatus:
    node_id: str
    name: str
    display_name: str
    type: str
    template_name: Optional[str]
    template_label: str
    phase: str
    node_message: Optional[str]
    started_at: Optional[str]
    finished_at: Optional[str]
    host_node: Optional[str]
    pod_name: Optional[str] = None
    pod_phase: Optional[str] = None
    pod_created: Optional[str] = None
    queue_name: Optional[str] = None
    gated: Optional[bool] = None
    scheduling_gates: List[str] = field(default_factory=list)
    workload: Optional[kueue.WorkloadView] = None
    kueue_state: str = "NoPod"
    reason: Optional[str] = None
    message: Optional[str] = None
    local_queue: Optional[str] = None
    cluster_queue: Optional[str] = None
    position: Optional[Position] = None
    waited_seconds: Optional[float] = None
    still_waiting: bool = False
    cause: Optional[str] = None          # one of model.CAUSES; None for a finished step
    forecast: Optional[object] = None    # a start forecast (status --forecast, explain), else None
    pod: Optional[dict] = field(default=None, repr=False)
    node: Optional[dict] = field(default=None, repr=False)

    @property
    def workload_name(self):
        return self.workload.name if self.workload else None

    @property
    def flavors(self):
        return dict(self.workload.flavors) if self.workload else {}


@dataclass
class StatusReport:
    workflow: Dict[str, object]
    steps: List[StepStatus]
    lines: List[argo.TreeLine]
    summary: Dict[str, int]
    findings: List[Finding]
    now: object
    snapshot: object = field(default=None, repr=False)
    nodes: Dict[str, dict] = field(default_factory=dict, repr=False)  # the decoded nodes the tree was drawn from

    def step_for(self, node_id):
        return self._by_node().get(node_id)

    def _by_node(self):
        if not hasattr(self, "_step_index"):
            self._step_index = {step.node_id: step for step in self.steps}
        return self._step_index


class _Context:
    """What every step's classification needs, built once per report."""

    def __init__(self, snapshot, workflow_name, now, workload_index=None):
        self.snapshot = snapshot
        self.namespace = snapshot.namespace
        self.workflow_name = workflow_name
        self.now = now
        self.workloads = workload_index or kueue.WorkloadIndex(snapshot.workloads or [])
        self.workloads_readable = snapshot.workloads is not None
        self.local_queues = ({lq.name: lq for lq in map(kueue.local_queue_info, snapshot.local_queues)}
                             if snapshot.local_queues is not None else None)
        self.config = _manager_config(snapshot)
        self.cause_facts = causes.CauseFacts(
            now=now, local_queues=self.local_queues, config=self.config, kueue_installed=snapshot.kueue_installed,
            workloads_readable=self.workloads_readable, group_members=causes.group_members(snapshot.pods),
            cluster_queues=({cq.name: cq for cq in map(kueue.cluster_queue_info, snapshot.cluster_queues)}
                            if snapshot.cluster_queues is not None else None))
        self._positions = {}
        self._resolver = None

    def positions(self, local_queue):
        key = (self.namespace, local_queue)
        if key not in self._positions:
            items = self.snapshot.pending_workloads.get(key)
            self._positions[key] = kueue.pending_positions(items) if items is not None else None
        return self._positions[key]

    def spec_queue(self, node):
        """The queue label the Workflow spec would give this node's pod."""
        try:
            if self._resolver is None:
                self._resolver = SpecResolver(self.snapshot.workflow or {}, self.snapshot.workflow_templates)
            if node.get("type") in argo.AGENT_TYPES:
                return self._resolver.agent_labels().get(podfacts.QUEUE_LABEL)
            resolved = self._resolver.resolve(template_name=node.get("templateName") or None,
                                              template_ref=node.get("templateRef") or None,
                                              template_scope=node.get("templateScope") or None)
        except Exception:  # a partial or odd spec must not break the status view
            return None
        return resolved.queue_name if resolved else None


def _manager_config(snapshot):
    if not snapshot.manager_config:
        return None
    try:
        return parse_manager_config(snapshot.manager_config)
    except ValueError as err:
        snapshot.notes.append(Finding("KueueConfigUnreadable", "info", f"The Kueue manager configuration could not be parsed: {err}"))
        return None


def build_status_report(snapshot, now, workload_index=None):
    """The status of every step. `workload_index` lets callers that report on many workflows
    index the namespace's Workloads once."""
    workflow = snapshot.workflow or {}
    summary_info = argo.workflow_summary(workflow)
    workflow_name = summary_info["name"] or ""
    decoded = argo.decode_nodes(workflow)
    findings = []
    nodes = decoded.nodes
    if decoded.problem:
        findings.append(Finding("NodeStatusUnavailable", "warning",
                                f"{decoded.problem}. Showing the steps that have pods only."))
    if not nodes and snapshot.pods:
        nodes = argo.nodes_from_pods(workflow_name, snapshot.pods)
    summary_info["nodeStatus"] = decoded.storage
    context = _Context(snapshot, workflow_name, now, workload_index)
    pod_index = argo.index_pods(workflow_name, snapshot.pods, nodes)
    lines = argo.build_tree(workflow_name, nodes)
    steps = []
    for line in lines:
        node = line.node
        if node.get("type") not in argo.STEP_TYPES:
            continue
        pod = pod_index.agent_pod if node.get("type") in argo.AGENT_TYPES else pod_index.by_node.get(line.node_id)
        steps.append(_with_cause(classify_step(node, pod, context), context))
    findings.extend(_status_findings(steps, snapshot))
    findings.extend(snapshot.notes)
    summary = {state: 0 for state in KUEUE_STATES}
    for step in steps:
        summary[step.kueue_state] += 1
    return StatusReport(summary_info, steps, lines, summary, findings, now, snapshot, nodes)


def classify_step(node, pod, context):
    step = StepStatus(
        node_id=node.get("id") or "", name=node.get("name") or "", display_name=node.get("displayName") or node.get("name") or "",
        type=node.get("type") or "", template_name=argo.step_template_name(node), template_label=argo.template_label(node),
        phase=node.get("phase") or "Pending", node_message=node.get("message") or None,
        started_at=node.get("startedAt"), finished_at=node.get("finishedAt"), host_node=node.get("hostNodeName") or None,
        node=node,
    )
    if pod is None:
        _classify_without_pod(step, node, context)
        return step
    metadata = mapping(pod.get("metadata"))
    step.pod = pod
    step.pod_name = text(metadata.get("name"))
    step.pod_phase = podfacts.pod_phase(pod)
    step.pod_created = text(metadata.get("creationTimestamp"))
    step.queue_name = podfacts.queue_label(pod)
    step.scheduling_gates = podfacts.scheduling_gates(pod)
    step.gated = podfacts.has_admission_gate(pod)
    step.host_node = step.host_node or text(mapping(pod.get("spec")).get("nodeName")) or None
    managed = podfacts.is_managed(pod)
    workload = context.workloads.for_pod(pod) if managed or step.queue_name else None
    if workload is not None:
        _classify_with_workload(step, workload, context)
    elif not managed:
        _classify_unmanaged(step, context)
    elif not context.workloads_readable:
        _set(step, "Pending" if step.gated else _state_from_pod_phase(step.pod_phase), "WorkloadsUnreadable",
             "Kueue Workloads could not be read, so the admission state is inferred from the pod")
    elif step.gated:
        _set(step, "AwaitingWorkload", "NoWorkload",
             "the pod is gated by Kueue, but no Workload exists for it: the Kueue controller has not reconciled it")
    else:
        _set(step, _state_from_pod_phase(step.pod_phase), "WorkloadGone",
             "the pod was admitted; its Workload no longer exists")
    step.local_queue = (workload.queue_name if workload else None) or step.queue_name
    if step.local_queue and not step.cluster_queue and context.local_queues:
        local_queue = context.local_queues.get(step.local_queue)
        step.cluster_queue = local_queue.cluster_queue if local_queue else None
    _measure_wait(step, workload, managed, context.now)
    return step


def _with_cause(step, context):
    """Fill in the step's primary cause, and say it in reason/message where Kueue's own words do not."""
    step.cause = causes.primary_cause(step, context.cause_facts)
    describe = _CAUSE_WORDS.get(step.cause)
    if describe is not None and (step.cause != "PodIntegrationDisabled" or step.gated):
        step.reason, step.message = step.cause, describe(step, context)
    return step


def _gate_words(step, context):
    ago = causes.admitted_ago(step, context.now)
    gates = ", ".join(causes.kueue_gates(step))
    if step.cause == "Ungating":
        return f"admitted{ago}; Kueue is removing its scheduling gates ({gates})"
    return f"the Workload was admitted{ago}, but the pod still has Kueue's scheduling gates ({gates})"


def _group_words(step, context):
    group = causes.pod_group(step.pod)
    members = causes.active_members(context.cause_facts.group_members.get(group.name, []))
    return (f"pod group {group.name} has {len(members)} of its {group.total} pods (pod-group-total-count): "
            f"Kueue creates the group's Workload only when all exist")


_CAUSE_WORDS = {
    "Ungating": _gate_words,
    "GateNotRemoved": _gate_words,
    "ForeignSchedulingGate": lambda step, _: (f"admitted, but other scheduling gates still hold the pod: "
                                              f"{', '.join(podfacts.foreign_gates(step.pod))}"),
    "Unschedulable": lambda step, _: _scheduler_words(causes.unschedulable_message(step)),
    "PodGroupIncomplete": _group_words,
    "QueueNameMissing": lambda step, _: ("the pod has no kueue.x-k8s.io/queue-name label, but Kueue manages it "
                                         "(manageJobsWithoutQueueName) and cannot admit a Workload without a queue"),
    "WaitingForWorkload": lambda step, _: "gated by Kueue, which has not created its Workload yet",
    "PodIntegrationDisabled": lambda step, _: ("gated by Kueue's webhook, but Kueue's pod integration does not "
                                               "reconcile plain pods here, so no Workload will be created"),
}


def _scheduler_words(message):
    return message if message.startswith("Unschedulable") else f"Unschedulable: {message}"


def _set(step, state, reason, message):
    step.kueue_state, step.reason, step.message = state, reason, message


def _state_from_pod_phase(phase):
    return "Finished" if phase in ("Succeeded", "Failed") else "Admitted"


def _classify_without_pod(step, node, context):
    if step.type == "Suspend":
        _set(step, "NoPod", "TemplateHasNoPod", "suspend steps run no pod, so Kueue never sees them")
        return
    step.queue_name = context.spec_queue(node)
    step.local_queue = step.queue_name
    memoized = mapping(node.get("memoizationStatus"))
    if memoized.get("hit") is True:
        _set(step, "NoPod", "MemoizationHit",
             f"memoization cache hit: Argo reused the outputs saved under key {memoized.get('key') or '?'} in "
             f"cache {memoized.get('cacheName') or '?'}, so no pod ran")
        return
    if step.phase in argo.FINAL_PHASES:
        message = "the pod is gone (deleted by Argo's pod GC or by preemption)"
        if step.type in argo.AGENT_TYPES:
            message = "the workflow's agent pod is gone (Argo deletes it when the workflow completes)"
        elif step.node_message:
            message = f"{message}; Argo says: {step.node_message}"
    elif step.node_message:
        message = f"no pod yet: {step.node_message}"
    elif step.type in argo.AGENT_TYPES:
        message = "the workflow's agent pod does not exist yet"
    else:
        message = "no pod exists for this step yet"
    _set(step, "NoPod", "PodNotFound", message)


def _classify_with_workload(step, workload, context):
    step.workload = workload
    step.cluster_queue = workload.cluster_queue
    _set(step, workload.state, workload.reason, workload.message)
    if workload.state in QUEUE_POSITION_STATES and workload.queue_name:
        positions = context.positions(workload.queue_name)
        if positions:
            step.position = positions.get(workload.name) or positions.get(("pod", step.pod_name))


def _classify_unmanaged(step, context):
    if not step.queue_name:
        _set(step, "Unmanaged", "NoQueueLabel", "the pod has no kueue.x-k8s.io/queue-name label")
        return
    snapshot = context.snapshot
    if snapshot.kueue_installed is False:
        _set(step, "Unmanaged", "KueueNotInstalled", "Kueue is not installed in this cluster")
        return
    if context.config is not None:
        managed, code, explanation = namespace_management(context.config, context.namespace, snapshot.namespace_labels)
        if managed is False or code is not None:   # not managed, or the likeliest reason it is not
            _set(step, "Unmanaged", code, explanation)
            return
    _set(step, "Unmanaged", "NotManagedByKueue",
         "the pod has a queue label, but Kueue's webhook did not manage it (no kueue.x-k8s.io/managed "
         "label or admission gate): the pod integration may be off or the namespace excluded")


def _measure_wait(step, workload, managed, now):
    created = parse_time(step.pod_created)
    if created is None or not managed:
        return
    if step.gated:
        step.still_waiting = True
        step.waited_seconds = seconds_between(created, now)
        return
    released = None
    if workload is not None:
        released = parse_time(workload.admitted_at) or parse_time(workload.quota_reserved_at)
    pod = step.pod or {}
    released = released or parse_time(podfacts.pod_condition_time(pod, "PodScheduled"))
    released = released or parse_time(mapping(pod.get("status")).get("startTime"))
    step.waited_seconds = seconds_between(created, released)


def _status_findings(steps, snapshot):
    findings = []
    for step in steps:
        if step.cause == "GateNotRemoved":
            findings.append(Finding(
                "GateNotRemoved", "error",
                f"Step {step.display_name}: Workload {step.workload_name} is Admitted but pod {step.pod_name} is "
                f"still gated by {', '.join(causes.kueue_gates(step))}. This is a known class of Kueue bug (gate "
                f"removal failed or lags).", node_id=step.node_id))
        if step.cause == "ForeignSchedulingGate":
            findings.append(Finding(
                "ForeignSchedulingGate", "warning",
                f"Step {step.display_name}: Kueue admitted pod {step.pod_name}, but other scheduling gates "
                f"still hold it: {', '.join(podfacts.foreign_gates(step.pod))}.", node_id=step.node_id))
    agent_steps = [step for step in steps if step.type in argo.AGENT_TYPES and step.gated]
    if agent_steps:
        findings.append(Finding(
            "AgentPodQueued", "warning",
            f"{len(agent_steps)} HTTP/Plugin step(s) wait on the workflow's agent pod {agent_steps[0].pod_name}, which "
            f"Kueue holds in queue {agent_steps[0].local_queue}: the workflow-wide queue label reaches the agent pod too.",
            node_id=agent_steps[0].node_id))
    if snapshot.kueue_installed is False:
        findings.append(Finding("KueueNotInstalled", "warning",
                                "Kueue is not installed in this cluster (the kueue.x-k8s.io API group is not "
                                "served), so no step is queued."))
    return findings
