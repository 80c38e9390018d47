"""When a running workflow is expected to finish under its quota (pure).

The pods still to come (demand.expand) join the ClusterQueues' models (inputs.queue_model): the
running set and the queue as they are now, plus this workflow's future pods, each created when
what it waits for ends (a step group, DAG dependencies) and queued behind what is there. Run
times come from each node's estimatedDuration, else from the same node in the newest Succeeded
workflow of the same WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow label (what Argo's
estimator does: workflow/controller/estimation/estimator_factory.go). Along the chain of what the
last pod waited for, the time splits into running and queued.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.dicts import mapping
from kubectl_kueue_argo.interpret.forecast.demand import loop_free_name
from kubectl_kueue_argo.interpret.forecast.simulate import Job, simulate
from kubectl_kueue_argo.interpret.forecast.wording import BLOCKED_WORDS, seconds
from kubectl_kueue_argo.timeutil import parse_time
from kubectl_kueue_argo.wording import prose_duration

TEMPLATE_LABELS = ("workflows.argoproj.io/workflow-template", "workflows.argoproj.io/cluster-workflow-template",
                   "workflows.argoproj.io/cron-workflow")
PHASE_LABEL = "workflows.argoproj.io/phase"


@dataclass
class FinishForecast:
    finish_in_seconds: Optional[float]
    running_seconds: Optional[float] = None
    queued_seconds: Optional[float] = None
    basis: List[str] = field(default_factory=list)
    sentence: str = ""


def baseline(workflow, workflows):
    """(name, {loop-free node name in `workflow`'s terms: seconds}) of the newest Succeeded workflow
    with the same template label, as Argo's estimator picks it (by creationTimestamp); (None, {})."""
    labels = mapping(mapping(workflow.get("metadata")).get("labels"))
    name = mapping(workflow.get("metadata")).get("name") or ""
    for label in TEMPLATE_LABELS:
        value = labels.get(label)
        if not value:
            continue
        candidates = [wf for wf in workflows or () if mapping(mapping(wf.get("metadata")).get("labels")).get(label) == value
                      and _phase(wf) == "Succeeded" and mapping(wf.get("metadata")).get("name") != name]
        if not candidates:
            continue
        newest = max(candidates, key=lambda wf: mapping(wf.get("metadata")).get("creationTimestamp") or "")
        old_name = mapping(newest.get("metadata")).get("name") or ""
        durations = {}
        for node in argo.decode_nodes(newest).nodes.values():
            started, finished = parse_time(node.get("startedAt")), parse_time(node.get("finishedAt"))
            if node.get("type") == "Pod" and started and finished:
                renamed = (node.get("name") or "").replace(old_name, name, 1)
                durations[loop_free_name(renamed)] = (finished - started).total_seconds()
        return old_name, durations
    return None, {}


def _phase(workflow):
    return mapping(mapping(workflow.get("metadata")).get("labels")).get(PHASE_LABEL) or \
        mapping(workflow.get("status")).get("phase")


QUEUED_NOW = ("queued behind what waits in each ClusterQueue now; nominal quota only; nothing else arrives; "
              "`when` conditions are assumed true and retries are not counted")


def finish_forecast(expansion, report, context, durations, *, baseline_name=None, parallelism=None,
                    assumption=QUEUED_NOW):
    """FinishForecast of the report's workflow. context: steps.ForecastContext; durations: baseline()."""
    steps = {loop_free_name(step.name): step for step in report.steps}
    builder = _Builder(report, context, steps, durations, parallelism)
    builder.assumption = assumption
    builder.link(expansion.root, ())
    if builder.problem:
        return _unknown(builder.problem, builder.basis(expansion, baseline_name))
    capacities = {name: model.capacity for name, model in builder.models.items()}
    running = [item for model in builder.models.values() for item in model.running]
    queued = [job for model in builder.models.values() for job in model.queue]
    limits = {"workflow": parallelism} if isinstance(parallelism, int) and parallelism > 0 else {}
    limits.update(builder.limits)
    outcomes = simulate(capacities, running, queued + builder.jobs, limits)
    mine = builder.keys
    if not mine:
        return FinishForecast(0, 0, 0, ["no pod of this workflow is left to run"] + builder.basis(expansion, baseline_name),
                              "expected to finish now: no pod is left to run")
    ends = [outcomes[key].ended for key in mine]
    if any(end is None for end in ends):
        stuck = next(key for key in mine if outcomes[key].ended is None)
        why = BLOCKED_WORDS.get(outcomes[stuck].blocked, "its run time is unknown")
        return _unknown(f"{builder.describe(stuck)} has no expected end: {why}", builder.basis(expansion, baseline_name))
    finish = max(ends)
    running_time = builder.running_time(outcomes, max(mine, key=lambda key: outcomes[key].ended))
    queued_time = max(0.0, finish - running_time)
    sentence = (f"expected to finish in about {prose_duration(finish)}: about {prose_duration(running_time)} "
                f"running and {prose_duration(queued_time)} queued along the longest chain")
    return FinishForecast(seconds(finish), seconds(running_time), seconds(queued_time),
                          builder.basis(expansion, baseline_name), sentence)


def _unknown(reason, basis):
    return FinishForecast(None, None, None, [reason] + basis, f"no finish time can be forecast: {reason}")


class _Builder:
    """Turns the expansion into simulation jobs linked by what each waits for."""

    def __init__(self, report, context, steps, durations, parallelism):
        self.report, self.context, self.steps, self.durations = report, context, steps, durations
        self.parallelism = parallelism
        self.jobs, self.keys, self.models, self.limits = [], [], {}, {}
        self.labels = {}
        self.after = {}          # key -> what it waits for (chain walking)
        self.problem = None
        self.sources = {"node": 0, "baseline": 0, "unknown": 0}
        self.barriers = 0

    def link(self, block, after):
        """Create the jobs of `block`, waiting for `after`; returns the keys its completion is."""
        if self.problem:
            return []
        if block.kind == "unit":
            if block.group:
                self.limits[block.group[0]] = block.group[1]
            return self._unit(block.unit, after, block.group[0] if block.group else None)
        if block.kind == "seq":
            current = list(after)
            for child in block.children:
                current = self.link(child, current)
            return current
        if block.kind == "par":
            exits = []
            for child in block.children:
                exits += self.link(child, after)
            return self._barrier(block.name, exits)
        exits_of = {}

        def visit(index, trail=()):
            if index not in exits_of:
                waits = list(after)
                for dependency in block.deps[index]:
                    if dependency not in trail:
                        waits += visit(dependency, trail + (index,))
                exits_of[index] = self.link(block.children[index], waits)
            return exits_of[index]
        exits = []
        for index in range(len(block.children)):
            exits += visit(index)
        return self._barrier(block.name, exits)

    def _barrier(self, name, exits):
        if len(exits) <= 1:
            return exits
        self.barriers += 1
        key = f"#{self.barriers}:{name}"
        self.jobs.append(Job(key, None, {}, 0.0, after=tuple(exits)))
        self.after[key] = tuple(exits)
        return [key]

    def _unit(self, unit, after, limit):
        step = self.steps.get(unit.name)
        if step is not None and step.phase in argo.FINAL_PHASES:
            return []
        workload = step.workload if step is not None else None
        if workload is not None and step.kueue_state != "Finished" and step.cluster_queue:
            model = self._model(step.cluster_queue)
            key = f"{workload.namespace}/{workload.name}"
            if model is not None and key in model.items:      # running or queued now: already in the model
                self.keys.append(key)
                self.labels[key] = step.display_name
                return [key]
        key = f"pod:{unit.name}"
        node = step.node if step is not None else None
        run = self._duration(unit, node)
        cluster_queue = self.context.lq_map.get((self.context.snapshot.namespace, unit.queue)) if unit.queue else None
        if step is not None and step.kueue_state in ("Admitted", "Unmanaged", "Finished") and node:
            started = parse_time(node.get("startedAt"))
            if run is not None and started is not None:
                run = max(0.0, (started - self.context.now).total_seconds() + run)
            cluster_queue = None         # running outside the model: its quota is in no ClusterQueue we track
        if cluster_queue is not None and self._model(cluster_queue) is None:
            return []
        limits = tuple(name for name in ((limit,) if limit else ()) + (("workflow",) if self.parallelism else ()))
        self.jobs.append(Job(key, cluster_queue, dict(unit.requests), run, after=tuple(after), limits=limits))
        self.after[key] = tuple(after)
        self.keys.append(key)
        self.labels[key] = (step.display_name if step is not None else unit.name.rsplit(".", 1)[-1])
        return [key]

    def _duration(self, unit, node):
        value = (node or {}).get("estimatedDuration")
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            self.sources["node"] += 1
            return float(value)
        if unit.name in self.durations:
            self.sources["baseline"] += 1
            return self.durations[unit.name]
        self.sources["unknown"] += 1
        return None

    def _model(self, cluster_queue):
        if not cluster_queue:
            return None
        if cluster_queue not in self.models:
            model = self.context.model(cluster_queue)
            if model.capacity is None or model.problem:
                self.problem = self.problem or f"ClusterQueue {cluster_queue} is {model.problem or 'unreadable'}"
                return None
            self.models[cluster_queue] = model
        return self.models[cluster_queue]

    def describe(self, key):
        label = self.labels.get(key, key)
        return f"step {label}"

    def running_time(self, outcomes, last):
        """Time spent running along the chain of what the last pod waited for."""
        total, key = 0.0, last
        while key is not None:
            outcome = outcomes[key]
            if outcome.admitted is not None and outcome.ended is not None and not key.startswith("#"):
                total += outcome.ended - max(outcome.admitted, 0.0)
            waits = [k for k in self.after.get(key, ()) if k in outcomes and outcomes[k].ended is not None]
            key = max(waits, key=lambda k: outcomes[k].ended) if waits else None
        return total

    def basis(self, expansion, baseline_name):
        lines = []
        counted = self.sources
        if counted["node"] or counted["baseline"] or counted["unknown"]:
            source = f"{counted['node']} from node estimatedDuration"
            if counted["baseline"]:
                source += f", {counted['baseline']} from the newest Succeeded run {baseline_name}"
            if counted["unknown"]:
                source += f", {counted['unknown']} unknown"
            lines.append(f"run times of the pods to come: {source}")
        lines += [f"{note}" for note in expansion.notes]
        lines.append(self.assumption)
        return lines


__all__ = ["FinishForecast", "baseline", "finish_forecast"]
