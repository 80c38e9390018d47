"""Start forecasts for the waiting steps of a status report (pure).

forecast_steps() sets StepStatus.forecast on every step whose kueueState is Pending and leaves it
None on every other step. One simulation runs per ClusterQueue involved.
"""
from kubectl_kueue_argo.interpret.dicts import mapping
from kubectl_kueue_argo.interpret.forecast import inputs
from kubectl_kueue_argo.interpret.forecast.simulate import simulate
from kubectl_kueue_argo.interpret.forecast.wording import start_forecast, unknown

TARGET_STATE = "Pending"


class ForecastContext:
    """Everything read, indexed once: Workloads, LocalQueue -> ClusterQueue, Argo nodes, pods."""

    def __init__(self, snapshot, view, now, report=None):
        self.snapshot, self.view, self.now = snapshot, view, now
        self.cluster_queues = {mapping(cq.get("metadata")).get("name"): cq for cq in snapshot.cluster_queues or ()}
        self.raws = _unique_workloads(view, snapshot)
        self.placements = [inputs.placement(raw) for raw in self.raws]
        self.lq_map = inputs.local_queue_map(snapshot.local_queues, self.placements)
        for cluster_queue, items in view.cluster_queue_pending.items():
            for item in map(mapping, items or ()):
                namespace = mapping(item.get("metadata")).get("namespace")
                if namespace and item.get("localQueueName"):
                    self.lq_map.setdefault((namespace, item["localQueueName"]), cluster_queue)
        self.argo = inputs.ArgoIndex()
        workflow_meta = mapping(mapping(snapshot.workflow).get("metadata"))
        own = (workflow_meta.get("namespace") or snapshot.namespace, workflow_meta.get("name"))
        for namespace, workflows in view.workflows.items():
            for workflow in workflows or ():
                meta = mapping(mapping(workflow).get("metadata"))
                if (meta.get("namespace") or namespace, meta.get("name")) != own:
                    self.argo.add_workflow(workflow)
        if report is not None:
            for step in report.steps:
                self.argo.add_node(snapshot.namespace, step.pod_name, own[1], step.node)
        elif snapshot.workflow:
            self.argo.add_workflow(snapshot.workflow)
        self.views = {(step.workload.namespace, step.workload.name): step.workload
                      for step in (report.steps if report is not None else ()) if step.workload is not None}
        self.pods = {(mapping(p.get("metadata")).get("namespace") or snapshot.namespace,
                      mapping(p.get("metadata")).get("name")): p for p in snapshot.pods or ()}
        self.lq_positions = {}
        for (namespace, _), items in snapshot.pending_workloads.items():
            for item in map(mapping, items or ()):
                name = mapping(item.get("metadata")).get("name")
                position = item.get("positionInClusterQueue")
                if name and isinstance(position, int) and not isinstance(position, bool):
                    self.lq_positions[f"{namespace}/{name}"] = position
        self._models = {}

    def cluster_queue_of(self, place):
        """The ClusterQueue a Workload holds quota in or waits for (None: unknown)."""
        if place.holds_quota:
            return place.cluster_queue
        return self.lq_map.get((place.namespace, place.queue_name)) if place.queued else None

    def facts_for(self, cluster_queue):
        return [inputs.workload_facts(raw, self.views.get((place.namespace, place.name)))
                for raw, place in zip(self.raws, self.placements) if self.cluster_queue_of(place) == cluster_queue]

    def model(self, cluster_queue):
        if cluster_queue not in self._models:
            self._models[cluster_queue] = inputs.queue_model(
                cluster_queue, self.cluster_queues.get(cluster_queue), self.facts_for(cluster_queue), argo_index=self.argo,
                pods=self.pods, lq_map=self.lq_map, pending_items=self.view.cluster_queue_pending.get(cluster_queue),
                now=self.now, lq_positions=self.lq_positions)
        return self._models[cluster_queue]

    def read_notes(self, cluster_queue):
        """Basis lines about what could not be read for this ClusterQueue."""
        notes = []
        if not self.view.all_namespaces:
            notes.append(f"Workloads of other namespaces could not be read ({self.view.workloads_problem}): "
                         f"the quota they hold counts as held with an unknown end")
        elif self.model(cluster_queue).unknown_running:
            notes.append(f"ClusterQueue {cluster_queue} reserves more quota than the Workloads read hold: "
                         f"the rest counts as held with an unknown end")
        problem = self.view.cluster_queue_pending_problems.get(cluster_queue)
        if problem:
            notes.append(f"the visibility list of ClusterQueue {cluster_queue} could not be read ({problem})")
        for namespace, problem in sorted(self.view.workflow_problems.items()):
            notes.append(f"Workflows of namespace {namespace} could not be read ({problem}): "
                         f"their steps have no Argo estimate")
        return notes


def forecast_steps(report, snapshot, view, now):
    """Set step.forecast (a wording.StartForecast) on every Pending step; returns the context."""
    context = ForecastContext(snapshot, view, now, report)
    outcomes = {}
    for step in report.steps:
        step.forecast = None
        if step.kueue_state != TARGET_STATE:
            continue
        step.forecast = _step_forecast(step, context, outcomes)
    return context


def _step_forecast(step, context, outcomes):
    if step.workload is None:
        return unknown("its Workload could not be read")
    cluster_queue = step.cluster_queue or context.lq_map.get((step.workload.namespace, step.workload.queue_name))
    if not cluster_queue:
        return unknown(f"the ClusterQueue behind LocalQueue {step.local_queue or '?'} is unknown")
    return forecast_workload(context, cluster_queue, f"{step.workload.namespace}/{step.workload.name}", outcomes)


def forecast_workload(context, cluster_queue, key, outcomes=None):
    """The StartForecast of pending Workload `key` ("<namespace>/<name>") in `cluster_queue`.
    `outcomes` caches one simulation per ClusterQueue across calls."""
    outcomes = {} if outcomes is None else outcomes
    if context.snapshot.cluster_queues is None:
        return unknown(f"ClusterQueue {cluster_queue} could not be read", cluster_queue=cluster_queue)
    model = context.model(cluster_queue)
    if model.problem == "unreadable":
        return unknown(f"ClusterQueue {cluster_queue} does not exist or could not be read", cluster_queue=cluster_queue)
    if model.problem:
        return unknown(f"ClusterQueue {cluster_queue} is {model.problem}: it admits nothing",
                       cluster_queue=cluster_queue)
    if cluster_queue not in outcomes:
        outcomes[cluster_queue] = simulate({cluster_queue: model.capacity}, model.running, model.queue)
    outcome = outcomes[cluster_queue].get(key)
    if outcome is None:
        return unknown(f"its Workload is not in the queue of ClusterQueue {cluster_queue}", cluster_queue=cluster_queue)
    return start_forecast(model, outcome, key, context.read_notes(cluster_queue))


def involved(snapshot, view, report, local_queues=None):
    """(ClusterQueues of the Pending steps, namespaces with Workloads in them): what else to read."""
    placements = [inputs.placement(raw) for raw in _unique_workloads(view, snapshot)]
    lq_map = inputs.local_queue_map(list(snapshot.local_queues or ()) + list(local_queues or ()), placements)
    cluster_queues = set()
    for step in report.steps:
        if step.kueue_state == TARGET_STATE and step.workload is not None:
            name = step.cluster_queue or lq_map.get((step.workload.namespace, step.workload.queue_name))
            if name:
                cluster_queues.add(name)
    namespaces = set()
    for place in placements:
        name = place.cluster_queue if place.holds_quota else (
            lq_map.get((place.namespace, place.queue_name)) if place.queued else None)
        if name in cluster_queues:
            namespaces.add(place.namespace)
    return sorted(cluster_queues), sorted(namespaces)


def _unique_workloads(view, snapshot):
    raws, seen = [], set()
    for raw in list(view.workloads or ()) + list(snapshot.workloads or ()):
        meta = mapping(mapping(raw).get("metadata"))
        key = (meta.get("namespace"), meta.get("name"))
        if key not in seen:
            seen.add(key)
            raws.append(raw)
    return raws


__all__ = ["forecast_steps", "forecast_workload", "ForecastContext", "involved"]
