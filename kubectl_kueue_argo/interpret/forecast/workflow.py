"""The forecast of a whole running workflow (pure): start forecasts of its waiting steps, its peak
demand per ClusterQueue, and when it will finish under its quota."""
from dataclasses import dataclass, field
from typing import Dict

from kubectl_kueue_argo.interpret.dicts import mapping
from kubectl_kueue_argo.interpret.forecast.demand import QueueDemand, expand, peak_demand
from kubectl_kueue_argo.interpret.forecast.finish import FinishForecast, baseline, finish_forecast
from kubectl_kueue_argo.interpret.forecast.steps import forecast_steps
from kubectl_kueue_argo.interpret.preflight.analysis import PreflightOptions, plan_document


@dataclass
class WorkflowForecast:
    finish: FinishForecast
    demand: Dict[str, QueueDemand] = field(default_factory=dict)
    demand_notes: list = field(default_factory=list)


def forecast_workflow(report, snapshot, view, now):
    """Set the start forecasts on the report's steps and forecast the workflow as a whole."""
    context = forecast_steps(report, snapshot, view, now)
    workflow = snapshot.workflow or {}
    name = mapping(workflow.get("metadata")).get("name") or ""
    if mapping(workflow.get("status")).get("phase") in ("Succeeded", "Failed", "Error"):
        return WorkflowForecast(FinishForecast(0, 0, 0, ["the workflow has completed"], "the workflow has completed"))
    try:
        plan = plan_document(workflow, list(snapshot.workflow_templates or ()), None, PreflightOptions())
    except Exception:  # a spec the pre-flight cannot read: no demand, no finish time, the start forecasts stand
        reason = "the workflow's spec could not be read"
        return WorkflowForecast(FinishForecast(None, basis=[reason], sentence=f"no finish time can be forecast: {reason}"))
    nodes = {}
    for step in report.steps:
        if step.node is not None:
            nodes[step.node_id] = step.node
    expansion = expand(plan, name, nodes, requests=_requests_by_node(report))
    parallelism = plan.spec.get("parallelism")
    demand = peak_demand(expansion, context.cluster_queues,
                         lambda queue: context.lq_map.get((snapshot.namespace, queue)), parallelism=parallelism)
    baseline_name, durations = baseline(workflow, view.workflows.get(snapshot.namespace))
    finish = finish_forecast(expansion, report, context, durations, baseline_name=baseline_name,
                             parallelism=parallelism)
    return WorkflowForecast(finish, demand, list(expansion.notes))


def _requests_by_node(report):
    """What Kueue counts for the pods that exist (their Workloads), by node name."""
    return {step.name: dict(step.workload.requests) for step in report.steps
            if step.workload is not None and step.workload.requests}
