"""Demand and expected duration of a workflow manifest before it runs (`explain -f`, pure).

The duration assumes the ClusterQueues are empty when it starts (nominal quota, nothing else
queued); run times come from the newest Succeeded workflow of the same WorkflowTemplate,
ClusterWorkflowTemplate or CronWorkflow, as Argo's own estimator would find it.
"""
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Dict, Optional

from kubectl_kueue_argo.interpret.dicts import mapping
from kubectl_kueue_argo.interpret.forecast.demand import QueueDemand, expand, peak_demand
from kubectl_kueue_argo.interpret.forecast.finish import FinishForecast, baseline, finish_forecast
from kubectl_kueue_argo.interpret.forecast.inputs import ClusterView
from kubectl_kueue_argo.interpret.forecast.steps import ForecastContext
from kubectl_kueue_argo.model import Snapshot

TEMPLATE_LABEL = {"WorkflowTemplate": "workflows.argoproj.io/workflow-template",
                  "ClusterWorkflowTemplate": "workflows.argoproj.io/cluster-workflow-template",
                  "CronWorkflow": "workflows.argoproj.io/cron-workflow"}
EMPTY_QUEUE = ("its ClusterQueues are taken as empty when it starts: nominal quota only, nothing else queued or "
               "arriving; `when` conditions are assumed true and retries are not counted")


@dataclass
class ManifestForecast:
    workflow: str                                   # "<Kind>/<name>"
    demand: Dict[str, QueueDemand] = field(default_factory=dict)
    finish: Optional[FinishForecast] = None
    notes: list = field(default_factory=list)


def baseline_label(document):
    """(label, value) a workflow submitted from this document carries, that Argo's estimator looks up."""
    kind = document.get("kind") or "Workflow"
    name = mapping(document.get("metadata")).get("name")
    if kind in TEMPLATE_LABEL and name:
        return TEMPLATE_LABEL[kind], name
    ref = mapping(mapping(document.get("spec")).get("workflowTemplateRef"))
    if kind == "Workflow" and ref.get("name"):
        kind = "ClusterWorkflowTemplate" if ref.get("clusterScope") else "WorkflowTemplate"
        return TEMPLATE_LABEL[kind], ref["name"]
    return None, None


def runnable(plan):
    """Documents that start a workflow: Workflows and CronWorkflows, and templates with an entrypoint."""
    return plan.document.get("kind") in ("Workflow", "CronWorkflow") or bool(plan.spec.get("entrypoint"))


def manifest_forecast(plan, facts, history, now):
    """ManifestForecast of one DocumentPlan. facts: preflight ClusterFacts (with ClusterQueues);
    history: Workflows of the namespace that may hold the newest Succeeded run."""
    forecast = ManifestForecast(plan.label)
    namespace = facts.namespace or "default"
    label, value = baseline_label(plan.document)
    runs = [wf for wf in history or () if label and mapping(mapping(wf.get("metadata")).get("labels")).get(label) == value]
    candidate = {"metadata": {"name": plan.label.split("/", 1)[-1], "labels": {label: value} if label else {}}}
    baseline_name, durations = baseline(candidate, runs)     # node names in the candidate's terms
    expansion = expand(plan, candidate["metadata"]["name"])
    local_queues = [{"metadata": {"name": lq, "namespace": namespace}, "spec": {"clusterQueue": cq}}
                    for lq, cq in (facts.local_queues or {}).items() if cq]
    cluster_queues = [cq for cq in (facts.cluster_queues or {}).values() if isinstance(cq, dict)]
    snapshot = Snapshot(namespace=namespace, local_queues=local_queues, cluster_queues=cluster_queues)
    context = ForecastContext(snapshot, ClusterView(), now)
    forecast.demand = peak_demand(expansion, context.cluster_queues,
                                  lambda queue: context.lq_map.get((namespace, queue)),
                                  parallelism=plan.spec.get("parallelism"))
    forecast.notes = list(expansion.notes)
    if durations:
        forecast.finish = finish_forecast(expansion, SimpleNamespace(steps=[]), context, durations,
                                          baseline_name=baseline_name, parallelism=plan.spec.get("parallelism"),
                                          assumption=EMPTY_QUEUE)
    else:
        reason = (f"no Succeeded workflow with label {label}={value} was found" if label
                  else "a workflow not made from a WorkflowTemplate or CronWorkflow has no Argo estimate")
        forecast.finish = FinishForecast(None, basis=[reason], sentence=f"no duration can be forecast: {reason}")
    return forecast
