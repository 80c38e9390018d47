"""What a start forecast rests on, read from plain dicts (pure): a ClusterQueue's capacity, its
running set with expected ends, and its queue in Kueue's order with run times.

Expected ends (and run times of queued Workloads) come from the first source that exists
(issue #10):
  1. an Argo step: the node's startedAt + estimatedDuration (the pod is the Workload's owner, the
     node is found by the pod name Argo gives it: never a GET per pod);
  2. the Workload's spec.maximumExecutionTimeSeconds, from its Admitted condition time (minus the
     execution time it already used before an eviction);
  3. the pod's spec.activeDeadlineSeconds (from the Workload's pod template), from the pod's
     status.startTime when the pod was read, else from the admission (Kueue starts the pod then).
Argo's estimatedDuration is the duration of the same node in the newest Succeeded workflow of the
same template, which includes that run's own queue wait (Argo docs/estimated-duration.md).
"""
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional, Tuple

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.dicts import mapping, sequence, text
from kubectl_kueue_argo.interpret.forecast.simulate import Capacity, Job, ResourceGroup, Running
from kubectl_kueue_argo.interpret.kueue.queues import cluster_queue_info, cohort_name
from kubectl_kueue_argo.interpret.kueue.workloads import workload_view
from kubectl_kueue_argo.quantity import quantity_or_none
from kubectl_kueue_argo.timeutil import parse_time

ARGO_ESTIMATE = "Argo estimate"
MAX_EXECUTION_TIME = "maximumExecutionTimeSeconds"
ACTIVE_DEADLINE = "activeDeadlineSeconds"
VISIBILITY_ORDER = "visibility"
PRIORITY_ORDER = "priority"


@dataclass
class ClusterView:
    """What the forecast reads beyond a status snapshot (sources/forecast.py fills it)."""
    workloads: List[dict] = field(default_factory=list)          # every Workload that could be read
    all_namespaces: bool = True                                  # False: only `namespaces` were readable
    namespaces: Tuple[str, ...] = ()
    workloads_problem: Optional[str] = None                      # why other namespaces are missing
    workflows: Dict[str, Optional[List[dict]]] = field(default_factory=dict)   # namespace -> Workflows (None: unreadable)
    workflow_problems: Dict[str, str] = field(default_factory=dict)
    cluster_queue_pending: Dict[str, Optional[List[dict]]] = field(default_factory=dict)  # CQ -> visibility items
    cluster_queue_pending_problems: Dict[str, str] = field(default_factory=dict)
    source: str = "live"


@dataclass
class Item:
    """A Workload of the simulation, with what the wording says about it."""
    key: str                      # "<namespace>/<workload name>"
    namespace: str
    name: str
    usage_or_requests: Dict[str, Fraction]
    time_source: Optional[str]    # ARGO_ESTIMATE, MAX_EXECUTION_TIME, ACTIVE_DEADLINE or None
    workflow: Optional[str] = None
    step: Optional[str] = None    # the node's displayName
    pod: Optional[str] = None
    overdue: bool = False


@dataclass
class QueueModel:
    """One ClusterQueue, ready to simulate."""
    name: str
    capacity: Optional[Capacity]
    problem: Optional[str] = None           # why it cannot be forecast at all
    cohort: Optional[str] = None
    running: List[Running] = field(default_factory=list)
    queue: List[Job] = field(default_factory=list)       # Kueue's order
    items: Dict[str, Item] = field(default_factory=dict)
    order: str = PRIORITY_ORDER
    unknown_pending: int = 0                # queued Workloads that could not be read
    unknown_ahead: Dict[str, int] = field(default_factory=dict)   # queue key -> unreadable ones ahead of it
    unknown_running: bool = False           # quota held by Workloads that could not be read
    ends: Dict[str, int] = field(default_factory=dict)   # time source (or "unknown") -> running Workloads

    def queued(self, key):
        """Is `key` in the queue (not running)?"""
        if getattr(self, "_queued", None) is None or len(self._queued) != len(self.queue):
            self._queued = {job.key for job in self.queue}
        return key in self._queued

    def endless(self):
        """Keys of the running Workloads whose end is unknown."""
        if getattr(self, "_endless", None) is None:
            self._endless = [key for key, item in self.items.items() if item.time_source is None
                             and not self.queued(key)]
        return self._endless


# ---- capacity ------------------------------------------------------------------------------------

def capacity_of(cluster_queue):
    """The nominal quota of a ClusterQueue, flavors in its order; borrowing is not counted."""
    spec = mapping(mapping(cluster_queue).get("spec"))
    groups = []
    for group in map(mapping, sequence(spec.get("resourceGroups"))):
        covered = tuple(_name(name) for name in sequence(group.get("coveredResources")))
        flavors = []
        for flavor in map(mapping, sequence(group.get("flavors"))):
            quota = {}
            for resource in map(mapping, sequence(flavor.get("resources"))):
                amount = quantity_or_none(resource.get("nominalQuota"))
                quota[_name(resource.get("name"))] = amount if amount is not None else Fraction(0)
            flavors.append((_name(flavor.get("name")), quota))
        covered = covered + tuple(sorted({name for _, quota in flavors for name in quota} - set(covered)))
        groups.append(ResourceGroup(covered, tuple(flavors)))
    return Capacity(name=str(mapping(mapping(cluster_queue).get("metadata")).get("name") or ""),
                    groups=tuple(groups), strategy=spec.get("queueingStrategy") or "BestEffortFIFO")


def _name(value):
    """A resource or flavor name; a damaged one makes the quota unknowable (queue_model says so)."""
    if not isinstance(value, str):
        raise ValueError(f"not a name: {value!r}")
    return value


def reserved_quota(cluster_queue):
    """(flavor, resource) -> quota reserved now, from the ClusterQueue's status."""
    status = mapping(mapping(cluster_queue).get("status"))
    reserved = {}
    for flavor in map(mapping, sequence(status.get("flavorsReservation") or status.get("flavorsUsage"))):
        for resource in map(mapping, sequence(flavor.get("resources"))):
            amount = quantity_or_none(resource.get("total"))
            if amount:
                reserved[(str(flavor.get("name")), str(resource.get("name")))] = amount
    return reserved


# ---- Workloads -----------------------------------------------------------------------------------

@dataclass
class Placement:
    """Where a Workload stands, read cheaply from its dict."""
    namespace: str
    name: str
    queue_name: Optional[str]
    cluster_queue: Optional[str]  # from the admission
    holds_quota: bool             # status.admission set and not Finished
    queued: bool                  # waiting for quota: no admission, active, not finished

    @property
    def key(self):
        return f"{self.namespace}/{self.name}"


def placement(raw):
    raw = mapping(raw)
    meta, spec, status = mapping(raw.get("metadata")), mapping(raw.get("spec")), mapping(raw.get("status"))
    admission = mapping(status.get("admission"))
    finished = any(mapping(c).get("type") == "Finished" and mapping(c).get("status") == "True"
                   for c in sequence(status.get("conditions")))
    return Placement(namespace=meta.get("namespace") or "", name=meta.get("name") or "",
                     queue_name=spec.get("queueName"), cluster_queue=admission.get("clusterQueue") or None,
                     holds_quota=bool(admission.get("clusterQueue")) and not finished,
                     queued=not admission and spec.get("active") is not False and not finished)


@dataclass
class WorkloadFacts(Placement):
    raw: dict = field(default_factory=dict, repr=False)
    view: object = None           # WorkloadView
    usage: Dict[Tuple[str, str], Fraction] = field(default_factory=dict)


def workload_facts(raw, view=None):
    """`view`: the Workload's WorkloadView if the status report already made it."""
    where = placement(raw)
    admission = mapping(mapping(mapping(raw).get("status")).get("admission"))
    return WorkloadFacts(**vars(where), raw=mapping(raw), view=view or workload_view(raw),
                         usage=assigned_usage(admission) if where.holds_quota else {})


def assigned_usage(admission):
    """(flavor, resource) -> amount held: podSetAssignments[].resourceUsage, with the assignment's flavors."""
    usage = {}
    for assignment in map(mapping, sequence(mapping(admission).get("podSetAssignments"))):
        flavors = mapping(assignment.get("flavors"))
        for resource, value in mapping(assignment.get("resourceUsage")).items():
            amount = quantity_or_none(value)
            flavor = flavors.get(resource)
            if amount and flavor:
                usage[(flavor, resource)] = usage.get((flavor, resource), 0) + amount
    return usage


def local_queue_map(local_queues, workloads):
    """(namespace, LocalQueue) -> ClusterQueue: from the LocalQueues read, and from what Workloads
    that were admitted through a LocalQueue say (their admission names the ClusterQueue)."""
    mapped = {}
    for place in workloads:
        if place.queue_name and place.cluster_queue and not place.queued:
            mapped.setdefault((place.namespace, place.queue_name), place.cluster_queue)
    for local_queue in local_queues or ():
        meta, spec = mapping(local_queue.get("metadata")), mapping(local_queue.get("spec"))
        name, cluster_queue = text(meta.get("name")), text(spec.get("clusterQueue"))
        if name and cluster_queue:
            mapped[(text(meta.get("namespace")) or "", name)] = cluster_queue
    return mapped


# ---- Argo nodes ----------------------------------------------------------------------------------

class ArgoIndex:
    """(namespace, pod name) -> (workflow name, node) for the Pod nodes of workflows."""

    def __init__(self):
        self._by_pod = {}

    def add_workflow(self, workflow):
        meta = mapping(mapping(workflow).get("metadata"))
        namespace, name = meta.get("namespace") or "", meta.get("name") or ""
        for node in argo.decode_nodes(mapping(workflow)).nodes.values():
            if node.get("type") == "Pod" and isinstance(node.get("name"), str):   # damaged: no pod name
                self._by_pod.setdefault((namespace, argo.expected_pod_name(workflow, node)), (name, node))

    def add_node(self, namespace, pod_name, workflow_name, node):
        if pod_name and node is not None:
            self._by_pod[(namespace, pod_name)] = (workflow_name, node)

    def node_for(self, namespace, pod_name):
        return self._by_pod.get((namespace, pod_name), (None, None))


# ---- expected ends and run times -----------------------------------------------------------------

def expected_end(facts, node, pod, now):
    """(seconds from now or None, source) for an admitted Workload."""
    estimate = _estimated_duration(node)
    started = parse_time((node or {}).get("startedAt"))
    if estimate is not None and started is not None:
        return (started - now).total_seconds() + estimate, ARGO_ESTIMATE
    admitted = parse_time(facts.view.admitted_at)
    limit = _max_execution_time(facts.raw)
    if limit is not None and admitted is not None:
        return (admitted - now).total_seconds() + limit, MAX_EXECUTION_TIME
    deadline = _active_deadline(facts.raw)
    pod_started = parse_time(mapping(mapping(pod).get("status")).get("startTime")) if pod else None
    since = pod_started or admitted or parse_time(facts.view.quota_reserved_at)
    if deadline is not None and since is not None:
        return (since - now).total_seconds() + deadline, ACTIVE_DEADLINE
    return None, None


def run_time(facts, node):
    """(seconds from admission to end or None, source) for a queued Workload."""
    estimate = _estimated_duration(node)
    if estimate is not None:
        return estimate, ARGO_ESTIMATE
    limit = _max_execution_time(facts.raw)
    if limit is not None:
        return limit, MAX_EXECUTION_TIME
    deadline = _active_deadline(facts.raw)
    if deadline is not None:
        return deadline, ACTIVE_DEADLINE
    return None, None


def _estimated_duration(node):
    value = (node or {}).get("estimatedDuration")
    return float(value) if _number(value) and value > 0 else None


def _max_execution_time(raw):
    spec, status = mapping(raw.get("spec")), mapping(raw.get("status"))
    limit = spec.get("maximumExecutionTimeSeconds")
    if not _number(limit):
        return None
    used = status.get("accumulatedPastExecutionTimeSeconds") or status.get("accumulatedPastExexcutionTimeSeconds")
    return float(limit) - (float(used) if _number(used) else 0.0)


def _active_deadline(raw):
    for pod_set in map(mapping, sequence(mapping(raw.get("spec")).get("podSets"))):
        value = mapping(mapping(pod_set.get("template")).get("spec")).get("activeDeadlineSeconds")
        if _number(value):
            return float(value)
    return None


def _number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ---- the model of one ClusterQueue ---------------------------------------------------------------

def queue_model(name, cluster_queue, workloads, *, argo_index, pods, lq_map, pending_items, now,
                lq_positions=None):
    """A QueueModel for ClusterQueue `name`.

    workloads: WorkloadFacts of every Workload read; pods: (namespace, name) -> pod dict of the pods
    read; pending_items: the ClusterQueue's visibility items (None when unknown); lq_positions:
    Workload key -> positionInClusterQueue (0-based) from the LocalQueue visibility lists read.
    The quota the ClusterQueue's status reserves beyond the Workloads read (other namespaces that
    are forbidden, a bundle of one namespace) is held with an unknown end: Kueue's own accounting
    is the authority on what is taken; with every Workload read the two agree."""
    if cluster_queue is None:
        return QueueModel(name, None, problem="unreadable")
    try:
        info, capacity = cluster_queue_info(cluster_queue), capacity_of(cluster_queue)
    except (TypeError, ValueError, AttributeError):   # a damaged object: say it cannot be read
        return QueueModel(name, None, problem="unreadable")
    model = QueueModel(name, capacity, cohort=cohort_name(cluster_queue))
    if info.status.stopped or info.status.active is False:
        model.problem = "stopped" if info.status.stopped else "inactive"
        return model
    known_usage = {}
    for facts in workloads:
        if facts.holds_quota and facts.cluster_queue == name:
            _add_running(model, facts, argo_index, pods, now)
            for slot, amount in facts.usage.items():
                known_usage[slot] = known_usage.get(slot, 0) + amount
    hidden = {slot: amount - known_usage.get(slot, 0) for slot, amount in reserved_quota(cluster_queue).items()}
    hidden = {slot: amount for slot, amount in hidden.items() if amount > 0}
    if hidden:
        model.running.append(Running("?unreadable", name, hidden, None))
        model.unknown_running = True
        model.ends["unknown"] = model.ends.get("unknown", 0) + 1
    queued = [facts for facts in workloads if facts.queued and lq_map.get((facts.namespace, facts.queue_name)) == name]
    _add_queue(model, queued, info, pending_items, lq_positions or {}, argo_index, now)
    return model


def _add_running(model, facts, argo_index, pods, now):
    pod_name = facts.view.owner_pods[0][0] if facts.view.owner_pods else None
    workflow, node = argo_index.node_for(facts.view.namespace, pod_name)
    end, source = expected_end(facts, node, pods.get((facts.view.namespace, pod_name)), now)
    model.running.append(Running(facts.key, model.name, facts.usage, end))
    usage = {}
    for (_, resource), amount in facts.usage.items():
        usage[resource] = usage.get(resource, 0) + amount
    model.items[facts.key] = _item(facts, usage, source, workflow, node, pod_name, overdue=end is not None and end <= 0)
    model.ends[source or "unknown"] = model.ends.get(source or "unknown", 0) + 1


def _add_queue(model, queued, info, pending_items, lq_positions, argo_index, now):
    by_key = {facts.key: facts for facts in queued}
    ordered, unknown_before = [], []
    if pending_items is not None:
        model.order = VISIBILITY_ORDER
        unknown = 0
        for item in sorted(map(mapping, pending_items), key=_position):
            meta = mapping(item.get("metadata"))
            facts = by_key.pop(f"{meta.get('namespace')}/{meta.get('name')}", None)
            if facts is None:
                unknown += 1
                continue
            ordered.append(facts)
            unknown_before.append(unknown)
        model.unknown_pending = unknown
        late = sorted(by_key.values(), key=_priority_order)      # created after the list was read
        ordered += late
        unknown_before += [unknown] * len(late)
    else:
        ordered = sorted(queued, key=_priority_order)
        total = info.pending if isinstance(info.pending, int) else len(ordered)
        model.unknown_pending = max(0, total - len(ordered))
        for rank, facts in enumerate(ordered):
            position = lq_positions.get(facts.key)
            ahead = position - rank if position is not None else model.unknown_pending
            unknown_before.append(max(0, min(ahead, model.unknown_pending)))
    for facts, ahead in zip(ordered, unknown_before):
        pod_name = facts.view.owner_pods[0][0] if facts.view.owner_pods else None
        workflow, node = argo_index.node_for(facts.view.namespace, pod_name)
        run, source = run_time(facts, node)
        model.queue.append(Job(facts.key, model.name, dict(facts.view.requests), run))
        model.unknown_ahead[facts.key] = ahead
        model.items[facts.key] = _item(facts, dict(facts.view.requests), source, workflow, node, pod_name)


def _item(facts, amounts, source, workflow, node, pod_name, overdue=False):
    return Item(key=facts.key, namespace=facts.view.namespace, name=facts.view.name, usage_or_requests=amounts,
                time_source=source, workflow=workflow, step=(node or {}).get("displayName") if node else None,
                pod=pod_name, overdue=overdue)


def whole_visibility_lists(items, local_queues, cluster_queues):
    """ClusterQueue -> its visibility items in order, for the ClusterQueues whose whole list is
    among `items` (positions 0..n-1, n = status.pendingWorkloads); None for the others."""
    lq_map = local_queue_map(local_queues, ())
    by_queue = {}
    for item in map(mapping, items):
        meta = mapping(item.get("metadata"))
        namespace, workload = text(meta.get("namespace")), text(meta.get("name"))
        name = lq_map.get((namespace or "", text(item.get("localQueueName"))))
        if name and workload:
            by_queue.setdefault(name, {}).setdefault((namespace, workload), item)
    lists = {}
    for cluster_queue in cluster_queues:
        name = mapping(cluster_queue.get("metadata")).get("name")
        pending = mapping(cluster_queue.get("status")).get("pendingWorkloads")
        found = sorted(by_queue.get(name, {}).values(), key=_position)
        whole = [_position(item) for item in found] == list(range(len(found)))
        if whole and (found or pending == 0) and (not _number(pending) or pending == len(found)):
            lists[name] = found
        else:
            lists[name] = None
    return lists


def _position(item):
    position = item.get("positionInClusterQueue")
    return position if isinstance(position, int) and not isinstance(position, bool) else 1 << 30


def _priority_order(facts):
    """Kueue's order without the visibility API: priority (highest first), creation time, UID."""
    priority = facts.view.priority if _number(facts.view.priority) else 0
    return (-priority, facts.view.created or "", facts.view.uid or "")
