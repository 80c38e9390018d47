"""Demand and expected duration of workflow manifests before they run (`explain -f`,
interpret/forecast/manifest.py), on the demand-fanout fixture: its notes work the answers out."""
import copy
from fractions import Fraction

from kubectl_kueue_argo.interpret.forecast.demand import QueueDemand
from kubectl_kueue_argo.interpret.forecast.finish import FinishForecast
from kubectl_kueue_argo.interpret.forecast.manifest import (
    EMPTY_QUEUE, ManifestForecast, baseline_label, manifest_forecast, runnable,
)
from kubectl_kueue_argo.interpret.preflight.analysis import ClusterFacts, PreflightOptions, plan_document
from kubectl_kueue_argo.timeutil import parse_time
from tests.support.forecast_fixtures import load_forecast_fixture
from tests.support.scenarios import load_objects

GI = 2 ** 30
FIXTURE = load_forecast_fixture("demand-fanout")
DOCUMENTS = load_objects(FIXTURE.dir / "manifest.yaml")
HISTORY = [obj for obj in FIXTURE.objects if obj["kind"] == "Workflow"]
NOW = parse_time(FIXTURE.expected["now"])
NOMINAL = {"cpu": Fraction(32), "memory": 256 * GI}
SHARD = ("shard", {"cpu": 4, "memory": 8 * GI}, 40)


def facts(local_queues=None, cluster_queues=None, namespace="ml-team"):
    return ClusterFacts(
        namespace=namespace,
        local_queues=local_queues or {o["metadata"]["name"]: o["spec"]["clusterQueue"]
                                      for o in FIXTURE.objects if o["kind"] == "LocalQueue"},
        cluster_queues=cluster_queues or {o["metadata"]["name"]: o for o in FIXTURE.objects if o["kind"] == "ClusterQueue"})


def forecast_of(kind, cluster=None, history=HISTORY, documents=DOCUMENTS):
    document = next(d for d in documents if d["kind"] == kind)
    cluster = cluster or facts()
    plan = plan_document(document, documents, cluster, PreflightOptions(executor_requests={}))
    return manifest_forecast(plan, cluster, history, NOW)


def test_a_template_fan_out_runs_in_waves_timed_by_its_newest_succeeded_run():
    assert forecast_of("WorkflowTemplate") == ManifestForecast(
        "WorkflowTemplate/shard-sweep",
        {"team-cq": QueueDemand("team-cq", {"cpu": 160, "memory": 320 * GI}, 40, [SHARD], NOMINAL, dict(NOMINAL),
                                5, 8)},
        FinishForecast(3000, 600, 2400, [
            "run times of the pods to come: 0 from node estimatedDuration, 40 from the newest Succeeded run "
            "shard-sweep-x8k2p", EMPTY_QUEUE],
            "expected to finish in about 50 minutes: about 10 minutes running and 40 minutes queued along the "
            "longest chain"), [])


def test_a_workflow_without_template_label_has_demand_and_no_duration():
    reason = "a workflow not made from a WorkflowTemplate or CronWorkflow has no Argo estimate"
    merge = ("merge", {"cpu": 8, "memory": 64 * GI}, 1)
    assert forecast_of("Workflow") == ManifestForecast(
        "Workflow/shard-merge-",
        {"team-cq": QueueDemand("team-cq", {"cpu": 168, "memory": 384 * GI}, 41, [SHARD, merge], NOMINAL,
                                dict(NOMINAL), 6, None, starved=[merge[:2] + ("shard",)])},
        FinishForecast(None, basis=[reason], sentence=f"no duration can be forecast: {reason}"), [])


def test_a_template_without_a_succeeded_run_has_no_duration():
    failed = copy.deepcopy(HISTORY)
    for workflow in failed:
        workflow["metadata"]["labels"]["workflows.argoproj.io/phase"] = "Failed"
        workflow["status"]["phase"] = "Failed"
    reason = "no Succeeded workflow with label workflows.argoproj.io/workflow-template=shard-sweep was found"
    assert forecast_of("WorkflowTemplate", history=failed).finish == FinishForecast(
        None, basis=[reason], sentence=f"no duration can be forecast: {reason}")
    assert forecast_of("WorkflowTemplate", history=None).finish.finish_in_seconds is None


def test_local_queues_without_cluster_queue_and_unreadable_cluster_queues_give_no_demand():
    assert forecast_of("WorkflowTemplate", facts(local_queues={"user-queue": None})).demand == {}
    assert forecast_of("WorkflowTemplate", facts(cluster_queues={"team-cq": None})).demand == {}
    assert forecast_of("WorkflowTemplate", facts(namespace=None)).demand["team-cq"].pods == 40


def test_the_label_argo_looks_up_for_each_kind_of_document():
    def document(kind, name="n", **spec):
        return {"kind": kind, "metadata": {"name": name} if name else {}, "spec": spec}
    assert [baseline_label(document(kind)) for kind in ("WorkflowTemplate", "ClusterWorkflowTemplate",
                                                        "CronWorkflow")] == [
        ("workflows.argoproj.io/workflow-template", "n"), ("workflows.argoproj.io/cluster-workflow-template", "n"),
        ("workflows.argoproj.io/cron-workflow", "n")]
    assert baseline_label(document("Workflow", workflowTemplateRef={"name": "t"})) == (
        "workflows.argoproj.io/workflow-template", "t")
    assert baseline_label({"metadata": {}, "spec": {"workflowTemplateRef": {"name": "t", "clusterScope": True}}}) == (
        "workflows.argoproj.io/cluster-workflow-template", "t")
    assert baseline_label(document("Workflow")) == (None, None)
    assert baseline_label(document("WorkflowTemplate", name=None, workflowTemplateRef={"name": "t"})) == (None, None)
    assert baseline_label(document("CronWorkflow", name=None)) == (None, None)


def test_runnable_documents_start_a_workflow():
    def plan(kind, **spec):
        document = {"apiVersion": "argoproj.io/v1alpha1", "kind": kind, "metadata": {"name": "n"},
                    "spec": dict({"templates": [{"name": "main", "container": {"image": "x"}}]}, **spec)}
        return plan_document(document, [], None, PreflightOptions())
    assert [runnable(plan(kind)) for kind in ("Workflow", "CronWorkflow", "WorkflowTemplate")] == [True, True, False]
    assert runnable(plan("WorkflowTemplate", entrypoint="main"))


def test_notes_name_the_steps_by_the_workflow_name():
    document = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"generateName": "fan-"},
                "spec": {"entrypoint": "main", "templates": [
                    {"name": "main", "dag": {"tasks": [{"name": "s", "template": "s",
                                                        "withParam": "{{workflow.parameters.items}}"}]}},
                    {"name": "s", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "user-queue"}},
                     "container": {"image": "x", "resources": {"requests": {"cpu": "1"}}}}]}}
    result = forecast_of("Workflow", documents=[document])
    assert result.notes == ["the fan-out count of fan-.s is unknown (withParam or a parameter): counted as 1"]
    assert result.demand["team-cq"].notes == result.notes
