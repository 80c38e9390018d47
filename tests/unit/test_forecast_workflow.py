"""The forecast of a whole running workflow (interpret/forecast/workflow.py) on the forecast
fixtures: start forecasts, peak demand per ClusterQueue and the finish time under its quota."""
from fractions import Fraction

from kubectl_kueue_argo.interpret.forecast.demand import QueueDemand
from kubectl_kueue_argo.interpret.forecast.finish import QUEUED_NOW, FinishForecast
from kubectl_kueue_argo.interpret.forecast.workflow import WorkflowForecast, forecast_workflow
from tests.unit.test_forecast_steps import read_fixture

GI = 2 ** 30


def test_strict_fifo_workflow_finishes_after_its_queued_steps_run_in_order():
    snapshot, report, view, now = read_fixture("strict-fifo")
    result = forecast_workflow(report, snapshot, view, now)
    nominal = {"cpu": Fraction(12), "memory": 48 * GI}
    assert result == WorkflowForecast(
        FinishForecast(1380, 900, 480, [QUEUED_NOW], "expected to finish in about 23 minutes: about 15 minutes "
                                                     "running and 8 minutes queued along the longest chain"),
        {"batch-cq": QueueDemand(
            "batch-cq", {"cpu": 17, "memory": 34 * GI}, 4,
            [("a", {"cpu": 4, "memory": 8 * GI}, 1), ("b", {"cpu": 6, "memory": 12 * GI}, 1),
             ("c", {"cpu": 3, "memory": 6 * GI}, 1), ("x", {"cpu": 4, "memory": 8 * GI}, 1)],
            nominal, dict(nominal), 2, None)}, [])
    assert {step.display_name: step.forecast.start_in_seconds for step in report.steps if step.forecast} == {
        "a": 0, "b": 480, "c": 600}


def test_the_workflow_parallelism_limits_its_peak_demand():
    snapshot, report, view, now = read_fixture("strict-fifo")
    snapshot.workflow["spec"]["parallelism"] = 1
    demand = forecast_workflow(report, snapshot, view, now).demand["batch-cq"]
    assert (demand.pods, demand.peak, demand.waves, demand.at_once) == (1, {"cpu": 6, "memory": 12 * GI}, 1, 1)


def test_the_peak_counts_what_the_workloads_of_existing_pods_ask_for():
    snapshot, report, view, now = read_fixture("best-effort")
    report.steps[1].workload.requests = {"cpu": Fraction(6)}         # train: Kueue counts 6 cpu, the spec says 4
    report.steps[2].workload.requests = {}     # lint: nothing counted: the spec's, with Argo's executor (10m, 64Mi)
    demand = forecast_workflow(report, snapshot, view, now).demand["team-cq"]
    lint = {"cpu": Fraction(101, 100), "memory": GI + 64 * 2 ** 20}
    assert demand.groups == [("lint", lint, 1), ("train", {"cpu": 6}, 1)]
    assert demand.peak == {"cpu": Fraction(701, 100), "memory": GI + 64 * 2 ** 20}


def test_a_workflow_without_run_times_has_no_finish_time_but_its_demand():
    snapshot, report, view, now = read_fixture("best-effort")
    result = forecast_workflow(report, snapshot, view, now)
    reason = "step train has no expected end: its run time is unknown"
    assert result.finish == FinishForecast(None, None, None, [reason, QUEUED_NOW],
                                           f"no finish time can be forecast: {reason}")
    assert result.demand["team-cq"].peak == {"cpu": 5, "memory": 9 * GI}
    assert [step.display_name for step in report.steps if step.forecast is not None] == ["train", "lint"]


def test_a_completed_workflow_finishes_now():
    for phase in ("Succeeded", "Failed", "Error"):
        snapshot, report, view, now = read_fixture("best-effort")
        snapshot.workflow["status"]["phase"] = phase
        assert forecast_workflow(report, snapshot, view, now) == WorkflowForecast(
            FinishForecast(0, 0, 0, ["the workflow has completed"], "the workflow has completed"))


def test_steps_from_a_workflow_template_count_in_the_demand():
    snapshot, report, view, now = read_fixture("best-effort")
    spec = snapshot.workflow["spec"]
    train = next(template for template in spec["templates"] if template["name"] == "train")
    spec["templates"].remove(train)
    task = next(task for task in spec["templates"][0]["dag"]["tasks"] if task["name"] == "train")
    del task["template"]
    task["templateRef"] = {"name": "trainer", "template": "train"}
    snapshot.workflow_templates = [{"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
                                    "metadata": {"name": "trainer", "namespace": "ml-team"},
                                    "spec": {"templates": [train]}}]
    result = forecast_workflow(report, snapshot, view, now)
    assert result.demand["team-cq"].groups == [("lint", {"cpu": 1, "memory": GI}, 1),
                                               ("train", {"cpu": 4, "memory": 8 * GI}, 1)]
    assert result.demand_notes == []


def test_a_step_still_to_come_counts_what_kueue_counts_for_its_template_elsewhere():
    """Task d (template a) has no pod yet: the demand takes what the Workload of step a holds
    (4 cpu, 8Gi), not the spec with Argo's executor on top."""
    snapshot, report, view, now = read_fixture("strict-fifo")
    tasks = snapshot.workflow["spec"]["templates"][0]["dag"]["tasks"]
    tasks.append({"name": "d", "template": "a", "depends": "prep"})
    assert forecast_workflow(report, snapshot, view, now).demand["batch-cq"].groups == [
        ("a", {"cpu": 4, "memory": 8 * GI}, 2), ("b", {"cpu": 6, "memory": 12 * GI}, 1),
        ("c", {"cpu": 3, "memory": 6 * GI}, 1), ("x", {"cpu": 4, "memory": 8 * GI}, 1)]
