"""When a workflow is expected to finish under its quota (interpret/forecast/finish.py): the pods
to come linked by what they wait for, the steps that run or wait now, and the newest Succeeded run
Argo's estimator picks for run times."""
from types import SimpleNamespace

from kubectl_kueue_argo.interpret.forecast.demand import expand
from kubectl_kueue_argo.interpret.forecast.finish import QUEUED_NOW, FinishForecast, baseline, finish_forecast
from kubectl_kueue_argo.interpret.forecast.inputs import ClusterView
from kubectl_kueue_argo.interpret.forecast.steps import ForecastContext
from kubectl_kueue_argo.interpret.preflight.analysis import plan_document
from kubectl_kueue_argo.model import Snapshot
from tests.unit.test_forecast_demand import NO_EXECUTOR, NOW, cluster_queue, pod, workflow

# a, then b (2 cpu) and c (8 cpu) at once, in a ClusterQueue of 8 cpu
STEPS = {"name": "main", "steps": [[{"name": "a", "template": "p"}],
                                   [{"name": "b", "template": "p"}, {"name": "c", "template": "s"}]]}
DURATIONS = {"wf[0].a": 60.0, "wf[1].b": 30.0, "wf[1].c": 100.0}


def finish(document=None, steps=(), durations=DURATIONS, cq=None, **kw):
    plan = plan_document(document or workflow([STEPS, pod("p", 2), pod("s", 8)]), [], None, NO_EXECUTOR)
    snapshot = Snapshot(namespace="ml", cluster_queues=[cq or cluster_queue(8)],
                        local_queues=[{"metadata": {"name": "q", "namespace": "ml"}, "spec": {"clusterQueue": "cq"}}])
    context = ForecastContext(snapshot, ClusterView(), NOW)
    return finish_forecast(expand(plan, "wf"), SimpleNamespace(steps=list(steps)), context, durations, **kw)


def step(name, phase, state, node=None):
    return SimpleNamespace(name=name, phase=phase, kueue_state=state, node=node, display_name=name.rsplit(".", 1)[-1],
                           workload=None, cluster_queue=None)


def test_pods_to_come_queue_behind_each_other_and_the_longest_chain_splits_running_and_queued():
    # a 0-60; b fits at 60 (2 cpu) and c (8 cpu) waits for it: 90-190. Along c's chain: 160 running, 30 queued.
    assert finish(baseline_name="wf-old") == FinishForecast(
        190, 160, 30, ["run times of the pods to come: 0 from node estimatedDuration, 3 from the newest Succeeded "
                       "run wf-old", QUEUED_NOW],
        "expected to finish in about 3 minutes: about 3 minutes running and 30 seconds queued along the longest chain")


def test_the_workflow_parallelism_runs_one_pod_at_a_time():
    result = finish(parallelism=1, baseline_name="wf-old", assumption="empty queues")
    assert (result.finish_in_seconds, result.running_seconds, result.queued_seconds) == (190, 160, 30)
    assert result.basis[-1] == "empty queues"
    wide = {"name": "main", "steps": [[{"name": f"s{i}", "template": "p"} for i in range(3)]]}
    durations = {f"wf[0].s{i}": 100.0 for i in range(3)}
    assert finish(workflow([wide, pod("p", 1)]), durations=durations).finish_in_seconds == 100
    assert finish(workflow([wide, pod("p", 1)]), durations=durations, parallelism=2).finish_in_seconds == 200
    assert finish(workflow([wide, pod("p", 1)]), durations=durations, parallelism=0).finish_in_seconds == 100


def test_template_parallelism_limits_its_own_steps():
    wide = {"name": "main", "parallelism": 1, "steps": [[{"name": f"s{i}", "template": "p"} for i in range(3)]]}
    durations = {f"wf[0].s{i}": 100.0 for i in range(3)}
    result = finish(workflow([wide, pod("p", 1)]), durations=durations)
    assert (result.finish_in_seconds, result.running_seconds, result.queued_seconds) == (300, 100, 200)


def test_a_pod_that_never_fits_or_has_no_run_time_has_no_finish_time():
    never = finish(workflow([STEPS, pod("p", 2), pod("s", 9)]))
    reason = "step c has no expected end: it needs more than the nominal quota"
    assert never == FinishForecast(None, None, None, [
        reason, "run times of the pods to come: 0 from node estimatedDuration, 3 from the newest Succeeded run None",
        QUEUED_NOW], f"no finish time can be forecast: {reason}")
    unknown = finish(durations={"wf[0].a": 60.0, "wf[1].b": 30.0}, baseline_name="old")
    assert unknown.basis[:2] == ["step c has no expected end: its run time is unknown",
                                 "run times of the pods to come: 0 from node estimatedDuration, 2 from the newest "
                                 "Succeeded run old, 1 unknown"]


def test_a_cluster_queue_that_admits_nothing_gives_no_finish_time():
    stopped = cluster_queue(8)
    stopped["spec"]["stopPolicy"] = "Hold"
    assert finish(cq=stopped).basis[0] == "ClusterQueue cq is stopped"
    assert finish(cq=stopped).sentence == "no finish time can be forecast: ClusterQueue cq is stopped"


def test_steps_that_ended_are_not_run_again_and_running_ones_end_on_their_estimate():
    done = [step("wf[0].a", "Succeeded", "Finished"), step("wf[1].b", "Succeeded", "Finished"),
            step("wf[1].c", "Failed", "Finished")]
    assert finish(steps=done, durations={}) == FinishForecast(
        0, 0, 0, ["no pod of this workflow is left to run", QUEUED_NOW], "expected to finish now: no pod is left to run")
    # b started a minute ago with an estimate of 90 s, c two minutes ago with 300 s from the baseline:
    # both run outside the ClusterQueue model and end at +30 s and +180 s.
    running = [step("wf[0].a", "Succeeded", "Finished"),
               step("wf[1].b", "Running", "Admitted", {"startedAt": "2026-08-24T09:59:00Z", "estimatedDuration": 90}),
               step("wf[1].c", "Running", "Unmanaged", {"startedAt": "2026-08-24T09:58:00Z"})]
    assert finish(steps=running, durations={"wf[1].c": 300.0}, baseline_name="old") == FinishForecast(
        180, 180, 0, ["run times of the pods to come: 1 from node estimatedDuration, 1 from the newest Succeeded "
                      "run old", QUEUED_NOW],
        "expected to finish in about 3 minutes: about 3 minutes running and a moment queued along the longest chain")


def run(name, created, *, labels, phase="Succeeded", phase_label=True, nodes=()):
    meta_labels = dict(labels)
    if phase_label:
        meta_labels["workflows.argoproj.io/phase"] = phase
    return {"metadata": {"name": name, "creationTimestamp": created, "labels": meta_labels},
            "status": {"phase": phase, "nodes": {node["id"]: node for node in nodes}}}


def node(node_id, name, started="2026-08-24T08:00:00Z", finished="2026-08-24T08:05:00Z", kind="Pod"):
    return {"id": node_id, "name": name, "type": kind, "startedAt": started, "finishedAt": finished}


def test_baseline_durations_are_those_of_pod_nodes_that_ran_renamed_to_the_current_workflow():
    label = {"workflows.argoproj.io/cron-workflow": "nightly"}
    nodes = [node("1", "nightly-1[0].a(0:x)"), node("2", "nightly-1[0].b", finished="2026-08-24T08:00:30Z"),
             node("3", "nightly-1[0]", kind="StepGroup"), node("4", "nightly-1[1].c", finished=None),
             node("5", "nightly-1[1].d", started=None)]
    history = [run("nightly-1", "2026-08-24T08:00:00Z", labels=label, nodes=nodes)]
    assert baseline({"metadata": {"name": "nightly-2", "labels": label}}, history) == (
        "nightly-1", {"nightly-2[0].a(0:)": 300.0, "nightly-2[0].b": 30.0})


def test_baseline_takes_the_newest_succeeded_run_of_the_first_template_label_that_has_one():
    cluster = {"workflows.argoproj.io/cluster-workflow-template": "etl"}
    cron = {"workflows.argoproj.io/cron-workflow": "etl-nightly"}
    current = {"metadata": {"name": "etl-now", "labels": dict(cluster, **cron)}}
    history = [run("etl-c1", "2026-08-24T07:00:00Z", labels=cron),
               run("etl-c2", "2026-08-24T09:00:00Z", labels=cluster, phase="Failed"),
               run("etl-c3", "2026-08-24T06:00:00Z", labels=cluster, phase_label=False),
               run("etl-c4", "2026-08-24T05:00:00Z", labels=cluster),
               run("etl-now", "2026-08-24T10:00:00Z", labels=cluster)]
    assert baseline(current, history)[0] == "etl-c3"          # phase from status when the label is missing
    assert baseline(current, history[:2] + history[3:])[0] == "etl-c4"
    assert baseline(current, [history[0], history[1], history[4]])[0] == "etl-c1"   # no cluster run: the cron one
    assert baseline(current, [history[1], history[4]]) == (None, {})
    assert baseline(current, None) == (None, {})
    assert baseline({"metadata": {"name": "x"}}, history) == (None, {})


def test_a_workflow_parallelism_that_is_not_a_positive_number_limits_nothing():
    """It used to crash (KeyError 'workflow') once a pod to come ended: `explain WF` on a damaged spec."""
    for parallelism in (-1, "2"):
        result = finish(parallelism=parallelism, baseline_name="wf-old")
        assert (result.finish_in_seconds, result.running_seconds, result.queued_seconds) == (190, 160, 30)


def test_a_node_estimate_counts_only_when_it_is_a_positive_number():
    for estimate, expected in ((1, 1), (0, 300), (True, 300), ("60", 300), (-5, 300), (45.5, 45.5)):
        steps = [step("wf[0].a", "Pending", "NoPod", {"estimatedDuration": estimate})]
        durations = {"wf[0].a": 300.0, "wf[1].b": 0.0, "wf[1].c": 0.0}
        result = finish(steps=steps, durations=durations, baseline_name="old")
        assert result.finish_in_seconds == expected, estimate
        assert result.basis[0] == ("run times of the pods to come: 1 from node estimatedDuration, 2 from the newest "
                                   "Succeeded run old" if expected != 300 else
                                   "run times of the pods to come: 0 from node estimatedDuration, 3 from the newest "
                                   "Succeeded run old"), estimate


def test_baseline_renames_only_the_workflow_name_at_the_start_of_node_names():
    label = {"workflows.argoproj.io/workflow-template": "t"}
    history = [run("a", "2026-08-24T08:00:00Z", labels=label, nodes=[node("1", "a.a")])]
    assert baseline({"metadata": {"name": "b", "labels": label}}, history) == ("a", {"b.a": 300.0})


def test_nested_steps_and_dags_finish_before_what_follows_them():
    outer = {"name": "main", "steps": [[{"name": "inner", "template": "inner"}, {"name": "graph", "template": "graph"}],
                                       [{"name": "last", "template": "p"}]]}
    inner = {"name": "inner", "steps": [[{"name": "a", "template": "p"}], [{"name": "b", "template": "p"}]]}
    graph = {"name": "graph", "dag": {"tasks": [{"name": "x", "template": "p"},
                                                {"name": "y", "template": "p", "depends": "x"}]}}
    durations = {"wf[0].inner[0].a": 10.0, "wf[0].inner[1].b": 20.0, "wf[0].graph.x": 50.0, "wf[0].graph.y": 5.0,
                 "wf[1].last": 100.0}
    result = finish(workflow([outer, inner, graph, pod("p", 1)]), durations=durations, baseline_name="old")
    assert (result.finish_in_seconds, result.running_seconds, result.queued_seconds) == (155, 155, 0)


def test_a_running_step_without_run_time_has_no_finish_time():
    running = [step("wf[0].a", "Running", "Admitted", {"startedAt": "2026-08-24T09:59:00Z"})]
    result = finish(steps=running, durations={"wf[1].b": 30.0, "wf[1].c": 100.0}, baseline_name="old")
    assert result.basis[0] == "step a has no expected end: its run time is unknown"
