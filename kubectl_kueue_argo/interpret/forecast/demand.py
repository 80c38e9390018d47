"""The pods a workflow will run and its peak concurrent demand per ClusterQueue (pure).

expand() turns a Workflow (with or without node status), WorkflowTemplate or CronWorkflow into a
tree of blocks, following Argo's rules: a steps template runs its groups one after the other and
the steps of a group at once; a DAG runs a task once its dependencies are done; withItems and
withSequence fan out to a known count, withParam only to what the node status shows; node names
are Argo's (`<steps>[i].<step>`, `<dag>.<task>`, `<call>(<i>:<item>)`), so the blocks meet the
nodes that exist and the durations of the newest successful run.

peak_demand() finds, per ClusterQueue, the largest set of pods Argo would run at once: every
step of a group, every copy of a fan-out, the heaviest set of DAG tasks none of which depends on
another (a maximum weight antichain), within template and workflow `parallelism`. It reports it
against nominal quota and nominal plus borrowing, and in how many waves it can run.
"""
import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional

from kubectl_kueue_argo.interpret.dicts import mapping, sequence
from kubectl_kueue_argo.interpret.forecast.inputs import capacity_of
from kubectl_kueue_argo.interpret.forecast.simulate import BEST_EFFORT_FIFO, Job, simulate
from kubectl_kueue_argo.interpret.kueue.queues import cohort_name
from kubectl_kueue_argo.quantity import quantity_or_none

MAX_UNITS = 50000
MAX_DEPTH = 30
_LOOP_ITEM = re.compile(r"\((\d+):[^()]*\)")
_LOOP_NAME = re.compile(r"^(.*)\((\d+):\)$")
_DEPENDS_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")


@dataclass
class Unit:
    """One pod the workflow runs (or ran)."""
    name: str                        # Argo node name
    template: str
    requests: Dict[str, Fraction]
    queue: Optional[str]             # LocalQueue


@dataclass
class Block:
    kind: str                        # unit | seq | par | dag
    name: str
    unit: Optional[Unit] = None
    children: List["Block"] = field(default_factory=list)
    deps: List[List[int]] = field(default_factory=list)   # dag: indexes of the children each child waits for
    limit: Optional[int] = None      # template parallelism: pods of its steps or tasks at once
    group: Optional[tuple] = None    # unit: (template node name, its parallelism) it counts against


@dataclass
class Expansion:
    root: Block
    notes: List[str] = field(default_factory=list)
    units: int = 0


@dataclass
class QueueDemand:
    cluster_queue: str
    peak: Dict[str, Fraction]
    pods: int
    groups: List[tuple]              # (template, requests, count), the largest first
    nominal: Dict[str, Fraction]
    with_borrowing: Dict[str, Optional[Fraction]]   # per resource; None: no limit (cohort, no borrowingLimit)
    waves: Optional[int]             # at least this many waves; None: some pod never fits the nominal quota
    at_once: Optional[int]           # a fan-out of identical pods: how many fit at once; else None
    starved: List[tuple] = field(default_factory=list)   # (template, requests, the fan-out template)
    notes: List[str] = field(default_factory=list)


# ---- expansion -----------------------------------------------------------------------------------

def expand(plan, workflow_name, nodes=None, requests=None):
    """Expansion of a pre-flight DocumentPlan (interpret.preflight.analysis.plan_document).
    `nodes`: the node status of a running workflow ({} or None before it runs); `requests`: node
    name -> what Kueue counts for its pod (its Workload), used for every pod of that template."""
    expander = _Expander(plan, workflow_name, nodes or {}, requests or {})
    spec = plan.spec
    entry = spec.get("entrypoint")
    resolved = plan.resolver.resolve(template_name=entry) if entry else None
    root = expander.template_block(resolved, workflow_name, 0, None) if resolved else Block("par", workflow_name)
    exit_name = spec.get("onExit")
    if exit_name:
        handler = plan.resolver.resolve(template_name=exit_name)
        if handler is not None:
            root = Block("seq", workflow_name, children=[root, expander.template_block(
                handler, f"{workflow_name}.onExit", 0, None)])
    if not entry or resolved is None:
        expander.notes.append("the entrypoint template could not be resolved")
    return Expansion(root, expander.notes, expander.units)


class _Expander:
    def __init__(self, plan, workflow_name, nodes, requests):
        self.resolver = plan.resolver
        self.steps = {(step.row.origin, (step.template or {}).get("name")): step for step in plan.steps}
        self.notes, self.units = [], 0
        self.loops = {}
        self.counted = {loop_free_name(name): amounts for name, amounts in requests.items()}
        self.counted_by_template = {}
        for node in nodes.values():
            amounts = requests.get(node.get("name"))
            if amounts:
                self.counted_by_template.setdefault(node.get("templateName") or "", amounts)
        for node in nodes.values():
            found = _LOOP_NAME.match(loop_free_name(node.get("name") or ""))
            if found:
                base, index = found.group(1), int(found.group(2))
                self.loops[base] = max(self.loops.get(base, 0), index + 1)

    def template_block(self, resolved, name, depth, scope, group=None):
        if resolved is None or depth > MAX_DEPTH or self.units > MAX_UNITS:
            self._note(f"template of {name} not expanded" + (" (too deep or too many pods)" if resolved else ""))
            return Block("par", name)
        template = resolved.template or {}
        limit = template.get("parallelism") if isinstance(template.get("parallelism"), int) else None
        if resolved.pod == "own":
            step = self.steps.get((resolved.origin, template.get("name")))
            self.units += 1
            requests = self.counted.get(name) or self.counted_by_template.get(template.get("name") or "") or (
                dict(step.row.requests) if step else {})
            queue = step.row.queue_name if step else resolved.queue_name
            return Block("unit", name, unit=Unit(name, resolved.name, requests, queue), group=group)
        inner_scope = _scope(resolved.origin) or scope
        counted_in = (name, limit) if limit else None
        if resolved.type == "steps":
            groups = []
            for index, step_group in enumerate(sequence(template.get("steps"))):
                calls = step_group if isinstance(step_group, list) else [step_group]
                group_name = f"{name}[{index}]"
                groups.append(Block("par", group_name, limit=limit, children=[
                    self.call_block(call, f"{group_name}.{mapping(call).get('name')}", depth, inner_scope, counted_in)
                    for call in calls if isinstance(call, dict)]))
            return Block("seq", name, children=groups)
        if resolved.type == "dag":
            tasks = [task for task in sequence(mapping(template.get("dag")).get("tasks")) if isinstance(task, dict)]
            index = {task.get("name"): position for position, task in enumerate(tasks)}
            children = [self.call_block(task, f"{name}.{task.get('name')}", depth, inner_scope, counted_in)
                        for task in tasks]
            deps = [sorted({index[d] for d in _dependencies(task) if d in index}) for task in tasks]
            return Block("dag", name, children=children, deps=deps, limit=limit)
        return Block("par", name)          # suspend, http, plugin: no pod of its own in the quota

    def call_block(self, call, name, depth, scope, group=None):
        ref = call.get("templateRef") if isinstance(call.get("templateRef"), dict) else None
        template_name = call.get("template") if isinstance(call.get("template"), str) else None
        scope_text = f"{scope[0]}/{scope[1]}" if scope and not ref else None
        try:
            resolved = self.resolver.resolve(template_name=template_name, template_ref=ref, template_scope=scope_text)
        except Exception:  # an odd spec: count nothing for this call, say so
            resolved = None
        count = self._count(call, name)
        if count is None:
            return self.template_block(resolved, name, depth + 1, scope, group)
        return Block("par", name, children=[self.template_block(resolved, f"{name}({index}:)", depth + 1, scope, group)
                                            for index in range(count)])

    def _count(self, call, name):
        """Fan-out count; None for a plain call. Unknown counts become what the status shows, or 1."""
        if "withItems" in call:
            items = call.get("withItems")
            count = len(items) if isinstance(items, list) else None
        elif "withSequence" in call:
            count = _sequence_count(mapping(call.get("withSequence")))
        elif "withParam" in call:
            count = None
        else:
            return None
        seen = self.loops.get(name)
        if count is None and seen is None:
            self._note(f"the fan-out count of {name} is unknown (withParam or a parameter): counted as 1")
            return 1
        return max(count or 0, seen or 0)

    def _note(self, text):
        if text not in self.notes:
            self.notes.append(text)


def loop_free_name(name):
    """A node name with its loop items' text dropped (`x(3:foo).y` -> `x(3:).y`), as units are named."""
    return _LOOP_ITEM.sub(lambda found: f"({found.group(1)}:)", name)


def _scope(origin):
    kind, _, name = (origin or "").partition("/")
    return {"WorkflowTemplate": ("namespaced", name), "ClusterWorkflowTemplate": ("cluster", name)}.get(kind)


def _dependencies(task):
    names = [str(d) for d in sequence(task.get("dependencies"))]
    if isinstance(task.get("depends"), str):
        names += [token for token in _DEPENDS_TOKEN.findall(task["depends"])
                  if token not in ("Succeeded", "Failed", "Errored", "Skipped", "Omitted", "Daemoned",
                                   "AnySucceeded", "AllFailed")]
    return names


def _sequence_count(sequence_spec):
    def number(value):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return int(value) if isinstance(value, str) and value.strip().lstrip("-").isdigit() else None
    if "count" in sequence_spec:
        return number(sequence_spec.get("count"))
    start, end = number(sequence_spec.get("start", 0)), number(sequence_spec.get("end"))
    return abs(end - start) + 1 if start is not None and end is not None else None


def units_of(block):
    """Every Unit under a block, depth first."""
    stack, found = [block], []
    while stack:
        current = stack.pop()
        if current.unit is not None:
            found.append(current.unit)
        stack.extend(reversed(current.children))
    return found


# ---- peak demand ---------------------------------------------------------------------------------

def peak_demand(expansion, cluster_queues, queue_of, *, parallelism=None):
    """QueueDemand per ClusterQueue the workflow's pods go to.

    cluster_queues: name -> ClusterQueue dict (None when unreadable); queue_of(LocalQueue) -> ClusterQueue name."""
    names = sorted({queue_of(unit.queue) for unit in units_of(expansion.root) if queue_of(unit.queue)})
    demands = {}
    for name in names:
        raw = cluster_queues.get(name)
        if raw is None:
            continue
        try:
            capacity = capacity_of(raw)
        except ValueError:   # damaged resource or flavor names: its quota is unknown, as when unreadable
            continue
        nominal = _totals(capacity.nominal())
        bag = _peak(expansion.root, lambda unit: queue_of(unit.queue) == name, nominal)
        if isinstance(parallelism, int) and parallelism > 0:
            bag = _largest_pods(bag, parallelism, nominal)
        demands[name] = _queue_demand(name, raw, capacity, nominal, bag, list(expansion.notes))
    return demands


def _peak(block, counted, nominal):
    """A bag {(template, requests shape): count} of the heaviest set of pods running at once."""
    if block.kind == "unit":
        unit = block.unit
        return {(unit.template, _shape(unit.requests)): 1} if counted(unit) else {}
    bags = [_peak(child, counted, nominal) for child in block.children]
    if block.kind == "seq":
        return max(bags, key=lambda bag: _weight(bag, nominal), default={})
    if block.kind == "dag":
        chosen = _max_antichain([_weight(bag, nominal) for bag in bags], _closure(block.deps))
        bags = [bags[index] for index in chosen]
    total = {}
    for bag in bags:
        for key, count in bag.items():
            total[key] = total.get(key, 0) + count
    if block.limit and sum(total.values()) > block.limit:
        total = _largest_pods(total, block.limit, nominal)
    return total


def _weight(bag, nominal):
    """The bag's dominant share of the nominal quota (its largest resource / quota ratio)."""
    totals = {}
    for (_, shape), count in bag.items():
        for resource, amount in shape:
            totals[resource] = totals.get(resource, 0) + amount * count
    share = 0.0
    for resource, amount in totals.items():
        quota = nominal.get(resource)
        share = max(share, float(amount / quota) if quota else (math.inf if amount else 0.0))
    return share if share != math.inf else 1e12 + sum(float(a) for a in totals.values())


def _closure(deps):
    """ancestors[i]: every child i transitively waits for."""
    ancestors = [None] * len(deps)

    def visit(index, trail):
        if ancestors[index] is None:
            found = set()
            for parent in deps[index]:
                if parent in trail:
                    continue       # a cycle in a broken spec: ignore that edge
                found.add(parent)
                found |= visit(parent, trail | {index})
            ancestors[index] = found
        return ancestors[index]
    for index in range(len(deps)):
        visit(index, {index})
    return ancestors


def _max_antichain(weights, ancestors):
    """Indexes of a maximum weight set of DAG tasks none of which waits for another.

    Weighted Dilworth: build s -> L_i (w_i), R_j -> t (w_j), L_i -> R_j (inf) when i precedes j;
    the antichain is Σw - maxflow, read from the minimum cut: {i : L_i reachable, R_i not}."""
    size = len(weights)
    if size <= 1 or not any(ancestors):
        return list(range(size))
    source, sink = 2 * size, 2 * size + 1
    capacity = {}
    edges = {node: set() for node in range(2 * size + 2)}

    def add(a, b, amount):
        capacity[(a, b)] = capacity.get((a, b), 0) + amount
        capacity.setdefault((b, a), 0)
        edges[a].add(b)
        edges[b].add(a)
    for index, weight in enumerate(weights):
        add(source, index, weight)
        add(size + index, sink, weight)
    for later, earlier in enumerate(ancestors):
        for before in earlier:
            add(before, size + later, math.inf)
    while True:      # Edmonds-Karp: shortest augmenting paths
        parent = {source: None}
        queue = [source]
        for node in queue:
            for nxt in edges[node]:
                if nxt not in parent and capacity[(node, nxt)] > 1e-12:
                    parent[nxt] = node
                    queue.append(nxt)
        if sink not in parent:
            break
        flow, node = math.inf, sink
        while parent[node] is not None:
            flow = min(flow, capacity[(parent[node], node)])
            node = parent[node]
        node = sink
        while parent[node] is not None:
            capacity[(parent[node], node)] -= flow
            capacity[(node, parent[node])] += flow
            node = parent[node]
    return [index for index in range(size) if index in parent and size + index not in parent]


def _largest_pods(bag, limit, nominal):
    """Workflow parallelism: at most `limit` pods at once, the heaviest kept."""
    pods = sorted(((key, 1) for key, count in bag.items() for _ in range(count)),
                  key=lambda pair: _weight({pair[0]: 1}, nominal), reverse=True)[:limit]
    kept = {}
    for key, _ in pods:
        kept[key] = kept.get(key, 0) + 1
    return kept


def _queue_demand(name, raw, capacity, nominal, bag, notes):
    peak, pods = {}, 0
    for (_, shape), count in bag.items():
        pods += count
        for resource, amount in shape:
            peak[resource] = peak.get(resource, 0) + amount * count
    groups = sorted(((template, dict(shape), count) for (template, shape), count in bag.items()),
                    key=lambda group: (-group[2], group[0]))
    nominal_slots = capacity.nominal()
    fits = all(capacity.assign(requests, nominal_slots) is not None for _, requests, _ in groups)
    demand = QueueDemand(cluster_queue=name, peak=peak, pods=pods, groups=groups, nominal=nominal,
                         with_borrowing=_with_borrowing(raw, nominal), waves=_waves(peak, nominal) if fits else None,
                         at_once=_at_once(name, capacity, groups) if fits and len(groups) == 1 else None, notes=notes)
    if capacity.strategy == BEST_EFFORT_FIFO:
        demand.starved = _starved(groups, nominal)
    return demand


def _waves(peak, nominal):
    """A lower bound of the waves the peak set needs: its largest resource / nominal ratio, rounded up."""
    ratios = [amount / nominal[resource] for resource, amount in peak.items() if amount and nominal.get(resource)]
    return max(1, max((math.ceil(ratio) for ratio in ratios), default=1))


def _at_once(name, capacity, groups):
    """How many of a fan-out of identical pods fit in the nominal quota at once."""
    template, requests, count = groups[0]
    jobs = [Job(f"{template}#{index}", name, requests, 1.0) for index in range(count)]
    outcomes = simulate({name: capacity}, (), jobs)
    return sum(1 for outcome in outcomes.values() if outcome.admitted == 0)


def _starved(groups, nominal):
    """Pods that a fan-out starves: the fan-out alone fills a resource, and the pod needs more of that
    resource than one fan-out pod frees. In BestEffortFIFO each freed slot then goes to the next
    fan-out pod, so the larger pod waits until the fan-out is drained."""
    starved = []
    for template, requests, count in groups:
        for other, other_requests, other_count in groups:
            if other == template or other_count < 2:
                continue
            if any(amount * other_count + requests.get(resource, 0) > nominal.get(resource, 0)
                   and requests.get(resource, 0) > amount for resource, amount in other_requests.items() if amount):
                starved.append((template, requests, other))
                break
    return starved


def _with_borrowing(raw, nominal):
    """Per resource, nominal plus the borrowing limits; None for a resource some flavor may borrow
    without limit (in a cohort, a missing borrowingLimit means no limit)."""
    if not cohort_name(raw):
        return dict(nominal)
    total = dict(nominal)
    for group in map(mapping, sequence(mapping(mapping(raw).get("spec")).get("resourceGroups"))):
        for flavor in map(mapping, sequence(group.get("flavors"))):
            for resource in map(mapping, sequence(flavor.get("resources"))):
                name, limit = str(resource.get("name")), quantity_or_none(resource.get("borrowingLimit"))
                if total.get(name) is not None:
                    total[name] = None if limit is None else total[name] + limit
    return total


def _totals(by_slot):
    totals = {}
    for (_, resource), amount in by_slot.items():
        totals[resource] = totals.get(resource, 0) + amount
    return totals


def _shape(requests):
    return tuple(sorted((resource, amount) for resource, amount in requests.items() if amount))
