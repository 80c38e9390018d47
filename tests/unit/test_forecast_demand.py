"""Peak concurrent demand of a workflow, its waves against quota, the newest successful run Argo's
estimator would pick, and the finish time under quota (plain dicts)."""
from datetime import datetime, timezone
from fractions import Fraction
from types import SimpleNamespace

from kubectl_kueue_argo.interpret.forecast import demand as demand_module
from kubectl_kueue_argo.interpret.forecast.demand import expand, loop_free_name, peak_demand, units_of
from kubectl_kueue_argo.interpret.forecast.finish import baseline, finish_forecast
from kubectl_kueue_argo.interpret.forecast.inputs import ClusterView
from kubectl_kueue_argo.interpret.forecast.steps import ForecastContext
from kubectl_kueue_argo.interpret.forecast.wording import demand_sentence
from kubectl_kueue_argo.interpret.preflight.analysis import PreflightOptions, plan_document
from kubectl_kueue_argo.model import Snapshot

NOW = datetime(2026, 8, 24, 10, 0, tzinfo=timezone.utc)
NO_EXECUTOR = PreflightOptions(executor_requests={})


def pod(name, cpu, memory="1Gi", queue="q"):
    return {"name": name, "metadata": {"labels": {"kueue.x-k8s.io/queue-name": queue}},
            "container": {"image": "x", "resources": {"requests": {"cpu": str(cpu), "memory": memory}}}}


def workflow(templates, name="wf", **spec):
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": {"name": name, "namespace": "ml"},
            "spec": dict({"entrypoint": templates[0]["name"], "templates": templates}, **spec)}


def cluster_queue(cpu=32, memory="256Gi", *, strategy="BestEffortFIFO", cohort=None, borrowing=None):
    resources = [{"name": "cpu", "nominalQuota": str(cpu)}, {"name": "memory", "nominalQuota": memory}]
    if borrowing is not None:
        resources[0]["borrowingLimit"] = str(borrowing)
    spec = {"queueingStrategy": strategy, "resourceGroups": [{"coveredResources": ["cpu", "memory"],
                                                              "flavors": [{"name": "f", "resources": resources}]}]}
    if cohort:
        spec["cohortName"] = cohort
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue", "metadata": {"name": "cq"}, "spec": spec}


def demand_of(document, cq=None, nodes=None):
    plan = plan_document(document, [], None, NO_EXECUTOR)
    expansion = expand(plan, document["metadata"]["name"], nodes)
    demands = peak_demand(expansion, {"cq": cq or cluster_queue()}, lambda queue: "cq" if queue == "q" else None,
                          parallelism=plan.spec.get("parallelism"))
    return demands.get("cq"), expansion


def groups(demand):
    return {template: count for template, _, count in demand.groups}


def test_a_fan_out_against_quota_in_waves():
    dag = {"name": "main", "dag": {"tasks": [{"name": "shard", "template": "shard", "withSequence": {"count": "40"}}]}}
    demand, _ = demand_of(workflow([dag, pod("shard", 4, "8Gi")]))
    assert demand.pods == 40 and demand.peak == {"cpu": 160, "memory": 40 * 8 * 2**30}
    assert demand.at_once == 8 and demand.waves == 5
    assert demand.with_borrowing == demand.nominal          # no cohort: nothing to borrow


def test_steps_run_groups_one_after_the_other():
    steps = {"name": "main", "steps": [
        [{"name": "a", "template": "a"}, {"name": "b", "template": "b"}],
        [{"name": "c", "template": "c", "withItems": [1, 2, 3, 4, 5]}]]}
    demand, expansion = demand_of(workflow([steps, pod("a", 4), pod("b", 4), pod("c", 1)]))
    assert groups(demand) == {"a": 1, "b": 1}              # 8 cpu beat 5 x 1 cpu
    names = {unit.name for unit in units_of(expansion.root)}
    assert {"wf[0].a", "wf[0].b", "wf[1].c(0:)", "wf[1].c(4:)"} <= names


def test_dag_peak_is_the_heaviest_set_of_independent_tasks():
    dag = {"name": "main", "dag": {"tasks": [
        {"name": "A", "template": "small"},
        {"name": "B", "template": "mid", "dependencies": ["A"]},
        {"name": "C", "template": "mid", "depends": "A.Succeeded"},
        {"name": "D", "template": "big", "depends": "B && C"},
        {"name": "E", "template": "small", "depends": "A"}]}}
    demand, _ = demand_of(workflow([dag, pod("small", 1), pod("mid", 6), pod("big", 10)]))
    assert groups(demand) == {"mid": 2, "small": 1}        # B, C and E: 13 cpu; D alone is 10 (+E: 11)
    assert demand.peak["cpu"] == 13


def test_template_and_workflow_parallelism_limit_the_peak():
    dag = {"name": "main", "parallelism": 3,
           "dag": {"tasks": [{"name": "s", "template": "s", "withSequence": {"start": "1", "end": "10"}}]}}
    demand, _ = demand_of(workflow([dag, pod("s", 2)]))
    assert demand.pods == 3
    open_dag = {"name": "main", "dag": {"tasks": [{"name": "s", "template": "s", "withSequence": {"count": 10}}]}}
    demand, _ = demand_of(workflow([open_dag, pod("s", 2)], parallelism=4))
    assert demand.pods == 4
    steps = {"name": "main", "parallelism": 2, "steps": [[{"name": f"s{i}", "template": "s"} for i in range(5)]]}
    demand, expansion = demand_of(workflow([steps, pod("s", 2)]))
    assert demand.pods == 2 and {unit.name for unit in units_of(expansion.root)} == {f"wf[0].s{i}" for i in range(5)}


def test_with_param_counts_what_the_status_shows_else_one_with_a_note():
    dag = {"name": "main", "dag": {"tasks": [{"name": "p", "template": "p", "withParam": "{{tasks.x.outputs.result}}"}]}}
    demand, expansion = demand_of(workflow([dag, pod("p", 1)]))
    assert demand.pods == 1 and any("fan-out count of wf.p is unknown" in note for note in expansion.notes)
    nodes = {str(i): {"id": str(i), "name": f"wf.p({i}:item-{i})", "type": "Pod"} for i in range(6)}
    demand, expansion = demand_of(workflow([dag, pod("p", 1)]), nodes=nodes)
    assert demand.pods == 6 and not expansion.notes
    assert loop_free_name("wf.a(3:x).b(0:y)") == "wf.a(3:).b(0:)"


def test_borrowing_and_pods_that_never_fit():
    steps = {"name": "main", "steps": [[{"name": "huge", "template": "huge"}]]}
    demand, _ = demand_of(workflow([steps, pod("huge", 40)]), cluster_queue(32, cohort="c", borrowing=16))
    assert demand.waves is None and demand.with_borrowing["cpu"] == 48
    assert demand.with_borrowing["memory"] is None          # in a cohort, no borrowingLimit means no limit


def test_the_demand_sentence_speaks_only_of_the_resources_the_pods_ask_for():
    steps = {"name": "main", "steps": [[{"name": "train", "template": "train"}]]}
    cpu_only = {"name": "train", "container": {"image": "x", "resources": {"requests": {"cpu": "4"}}},
                "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "q"}}}
    demand, _ = demand_of(workflow([steps, cpu_only]), cluster_queue(8, cohort="c", borrowing=4))
    # memory has no borrowingLimit, but no pod asks for memory: the limit on cpu is what counts
    assert demand_sentence(demand) == ("step train (4 cpu) wants 4 cpu at once; cq has 8 cpu nominal, "
                                       "12 cpu with borrowing: all of them fit at once")
    demand, _ = demand_of(workflow([steps, pod("train", 4)]), cluster_queue(8, cohort="c", borrowing=4))
    assert "(its cohort sets no borrowing limit for memory)" in demand_sentence(demand)


def test_a_large_step_next_to_a_fan_out_is_starved_in_best_effort_only():
    dag = {"name": "main", "dag": {"tasks": [{"name": "shard", "template": "shard", "withSequence": {"count": "40"}},
                                             {"name": "merge", "template": "merge"}]}}
    templates = [dag, pod("shard", 4, "8Gi"), pod("merge", 8, "64Gi")]
    demand, _ = demand_of(workflow(templates))
    assert [(template, other) for template, _, other in demand.starved] == [("merge", "shard")]
    strict, _ = demand_of(workflow(templates), cluster_queue(strategy="StrictFIFO"))
    assert strict.starved == []
    small = [dag, pod("shard", 4, "8Gi"), pod("merge", 1, "1Gi")]
    assert demand_of(workflow(small))[0].starved == []   # it needs less than a finishing shard frees


def test_baseline_is_the_newest_succeeded_run_of_the_same_template():
    label = {"workflows.argoproj.io/workflow-template": "etl"}

    def run(name, created, phase, seconds):
        nodes = {f"{name}-1": {"id": f"{name}-1", "name": f"{name}.step(0:a)", "type": "Pod",
                               "startedAt": "2026-08-24T08:00:00Z",
                               "finishedAt": f"2026-08-24T08:{seconds // 60:02d}:00Z"}}
        return {"metadata": {"name": name, "creationTimestamp": created,
                             "labels": dict(label, **{"workflows.argoproj.io/phase": phase})},
                "status": {"phase": phase, "nodes": nodes}}
    runs = [run("etl-old", "2026-08-23T08:00:00Z", "Succeeded", 600),
            run("etl-new", "2026-08-24T07:00:00Z", "Succeeded", 300),
            run("etl-failed", "2026-08-24T09:00:00Z", "Failed", 900)]
    name, durations = baseline({"metadata": {"name": "etl-now", "labels": label}}, runs)
    assert name == "etl-new" and durations == {"etl-now.step(0:)": 300.0}
    assert baseline({"metadata": {"name": "x", "labels": {}}}, runs) == (None, {})


def test_finish_under_quota_with_baseline_durations():
    dag = {"name": "main", "dag": {"tasks": [
        {"name": "prep", "template": "p"},
        {"name": "shard", "template": "s", "depends": "prep", "withSequence": {"count": "4"}},
        {"name": "merge", "template": "p", "depends": "shard"}]}}
    document = workflow([dag, pod("p", 1), pod("s", 4)])
    plan = plan_document(document, [], None, NO_EXECUTOR)
    expansion = expand(plan, "wf")
    snapshot = Snapshot(namespace="ml", cluster_queues=[cluster_queue(8)],
                        local_queues=[{"metadata": {"name": "q", "namespace": "ml"}, "spec": {"clusterQueue": "cq"}}])
    context = ForecastContext(snapshot, ClusterView(), NOW)
    durations = {"wf.prep": 60.0, "wf.merge": 30.0, **{f"wf.shard({i}:)": 100.0 for i in range(4)}}
    finish = finish_forecast(expansion, SimpleNamespace(steps=[]), context, durations)
    # prep 60 s; 4 shards of 4 cpu in 8 cpu: two waves of 100 s; merge 30 s: 60 + 200 + 30.
    assert (finish.finish_in_seconds, finish.running_seconds, finish.queued_seconds) == (290, 190, 100)
    limited = finish_forecast(expansion, SimpleNamespace(steps=[]), context, durations, parallelism=1)
    assert limited.finish_in_seconds == 60 + 4 * 100 + 30     # one pod of the workflow at a time
    missing = finish_forecast(expansion, SimpleNamespace(steps=[]), context, {"wf.prep": 60.0})
    assert missing.finish_in_seconds is None and "run time is unknown" in missing.basis[0]


def test_peak_uses_what_kueue_counts_for_pods_that_exist():
    dag = {"name": "main", "dag": {"tasks": [{"name": "s", "template": "s", "withItems": ["a", "b"]}]}}
    document = workflow([dag, pod("s", 4)])
    plan = plan_document(document, [], None, NO_EXECUTOR)
    nodes = {"n0": {"id": "n0", "name": "wf.s(0:a)", "type": "Pod", "templateName": "s"}}
    expansion = expand(plan, "wf", nodes, requests={"wf.s(0:a)": {"cpu": Fraction(9, 2)}})
    assert [unit.requests for unit in units_of(expansion.root)] == [{"cpu": Fraction(9, 2)}] * 2


def unit_names(expansion):
    return sorted(unit.name for unit in units_of(expansion.root))


def test_with_sequence_counts_as_argo_does():
    def sequence(spec):
        dag = {"name": "main", "dag": {"tasks": [{"name": "s", "template": "s", "withSequence": spec}]}}
        demand, expansion = demand_of(workflow([dag, pod("s", 1)]))
        return demand.pods, expansion.notes
    unknown = ["the fan-out count of wf.s is unknown (withParam or a parameter): counted as 1"]
    assert [sequence(spec) for spec in (
        {"count": "3"}, {"count": 2}, {"start": "-1", "end": "1"}, {"start": "5", "end": "3"}, {"end": "2"},
        {"start": " 2 ", "end": "3"})] == [(3, []), (2, []), (3, []), (3, []), (3, []), (2, [])]
    assert [sequence(spec) for spec in ({"count": "x"}, {"start": 1}, {"count": True}, {"count": None})] == [
        (1, unknown)] * 4


def test_with_items_from_a_parameter_counts_as_one_with_a_note():
    steps = {"name": "main", "steps": [[{"name": "s", "template": "s", "withItems": "{{inputs.parameters.x}}"}]]}
    demand, expansion = demand_of(workflow([steps, pod("s", 1)]))
    assert unit_names(expansion) == ["wf[0].s(0:)"] and demand.pods == 1
    assert expansion.notes == ["the fan-out count of wf[0].s is unknown (withParam or a parameter): counted as 1"]


def test_the_exit_handler_runs_after_the_entrypoint():
    steps = {"name": "main", "steps": [[{"name": "a", "template": "a"}, {"name": "b", "template": "a"}]]}
    demand, expansion = demand_of(workflow([steps, pod("a", 2), pod("cleanup", 3)], onExit="cleanup"))
    assert unit_names(expansion) == ["wf.onExit", "wf[0].a", "wf[0].b"]
    assert (demand.pods, demand.peak["cpu"]) == (2, 4)                    # a and b together beat cleanup alone
    demand, _ = demand_of(workflow([steps, pod("a", 2), pod("cleanup", 3)], onExit="missing"))
    assert (demand.pods, demand.peak["cpu"]) == (2, 4)


def test_an_entrypoint_that_cannot_be_resolved_has_no_pods_and_a_note():
    demand, expansion = demand_of(workflow([pod("a", 2)], entrypoint="nope"))
    assert demand is None and unit_names(expansion) == []
    assert expansion.notes == ["the entrypoint template could not be resolved"]
    document = workflow([pod("a", 2)])
    del document["spec"]["entrypoint"]
    assert demand_of(document)[1].notes == ["the entrypoint template could not be resolved"]


def test_templates_without_a_pod_of_their_own_count_nothing():
    steps = {"name": "main", "steps": [[{"name": "a", "template": "a"}, {"name": "w", "template": "wait"},
                                        {"name": "gone", "template": "missing"}]]}
    demand, expansion = demand_of(workflow([steps, pod("a", 2), {"name": "wait", "suspend": {}}]))
    assert unit_names(expansion) == ["wf[0].a"] and demand.pods == 1
    assert expansion.notes == ["template of wf[0].gone not expanded"]


def test_a_dependency_cycle_in_a_broken_spec_is_ignored_edge_by_edge():
    dag = {"name": "main", "dag": {"tasks": [{"name": "A", "template": "a", "dependencies": ["B"]},
                                             {"name": "B", "template": "b", "dependencies": ["A"]},
                                             {"name": "C", "template": "a"}]}}
    demand, _ = demand_of(workflow([dag, pod("a", 1), pod("b", 2)]))
    assert groups(demand) == {"a": 1, "b": 1} and demand.peak["cpu"] == 3      # B and C: A waits for B


def test_a_dag_chain_runs_one_task_at_a_time_and_fan_outs_beside_it_add_up():
    dag = {"name": "main", "dag": {"tasks": [
        {"name": "A", "template": "big"}, {"name": "B", "template": "small", "depends": "A"},
        {"name": "C", "template": "small", "depends": "B"}, {"name": "D", "template": "small", "depends": "A"},
        {"name": "E", "template": "small", "depends": "D"}, {"name": "F", "template": "small", "depends": "D"}]}}
    demand, _ = demand_of(workflow([dag, pod("big", 5), pod("small", 2)]))
    assert groups(demand) == {"small": 3} and demand.peak["cpu"] == 6     # {B or C} with E and F beats A (5)
    heavy, _ = demand_of(workflow([dag, pod("big", 7), pod("small", 2)]))
    assert groups(heavy) == {"big": 1} and heavy.peak["cpu"] == 7


def test_a_resource_without_quota_outweighs_every_other_and_never_fits():
    gpu = {"name": "g", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "q"}},
           "container": {"image": "x", "resources": {"requests": {"nvidia.com/gpu": "1"},
                                                     "limits": {"nvidia.com/gpu": "1"}}}}
    steps = {"name": "main", "steps": [[{"name": "c", "template": "c"}], [{"name": "g", "template": "g"}]]}
    demand, _ = demand_of(workflow([steps, pod("c", 30), gpu]))
    assert (demand.groups, demand.waves, demand.at_once) == ([("g", {"nvidia.com/gpu": 1}, 1)], None, None)


def test_recursion_stops_at_a_depth_limit_with_a_note():
    again = {"name": "main", "steps": [[{"name": "again", "template": "main"}, {"name": "w", "template": "w"}]]}
    demand, expansion = demand_of(workflow([again, pod("w", 1)]))
    assert demand.pods == 30 and len(expansion.notes) == 2
    assert all(note.endswith(" not expanded (too deep or too many pods)") for note in expansion.notes)


def test_with_borrowing_adds_each_flavor_limit_and_a_flavor_without_one_borrows_without_limit():
    cq = cluster_queue(8, cohort="c")
    group = cq["spec"]["resourceGroups"][0]
    group["flavors"] = [{"name": "f", "resources": [{"name": "cpu", "nominalQuota": "8", "borrowingLimit": "2"},
                                                    {"name": "memory", "nominalQuota": "8Gi", "borrowingLimit": "0"}]},
                        {"name": "g", "resources": [{"name": "cpu", "nominalQuota": "4", "borrowingLimit": "1"},
                                                    {"name": "memory", "nominalQuota": "8Gi"}]}]
    steps = {"name": "main", "steps": [[{"name": "a", "template": "a"}]]}
    demand, _ = demand_of(workflow([steps, pod("a", 1)]), cq)
    assert demand.nominal == {"cpu": 12, "memory": 16 * 2 ** 30}
    assert demand.with_borrowing == {"cpu": 15, "memory": None}


def test_expansion_stops_after_the_most_pods_it_expands_with_a_note(monkeypatch):
    monkeypatch.setattr(demand_module, "MAX_UNITS", 3)
    dag = {"name": "main", "dag": {"tasks": [{"name": "s", "template": "s", "withSequence": {"count": "5"}}]}}
    demand, expansion = demand_of(workflow([dag, pod("s", 1)]))
    assert demand.pods == 4 and expansion.units == 4
    assert expansion.notes == ["template of wf.s(4:) not expanded (too deep or too many pods)"]


def test_an_empty_with_items_runs_nothing():
    dag = {"name": "main", "dag": {"tasks": [{"name": "none", "template": "s", "withItems": []},
                                             {"name": "one", "template": "s"}]}}
    demand, expansion = demand_of(workflow([dag, pod("s", 1)]))
    assert unit_names(expansion) == ["wf.one"] and demand.pods == 1


def test_workflow_parallelism_of_one_and_of_zero():
    dag = {"name": "main", "dag": {"tasks": [{"name": "s", "template": "s", "withSequence": {"count": 4}}]}}
    assert demand_of(workflow([dag, pod("s", 1)], parallelism=1))[0].pods == 1
    assert demand_of(workflow([dag, pod("s", 1)], parallelism=0))[0].pods == 4     # 0: no limit


def test_the_heaviest_group_is_the_one_with_the_largest_share_of_any_resource():
    cq = cluster_queue(8)
    cq["spec"]["resourceGroups"].append({"coveredResources": ["nvidia.com/gpu"], "flavors": [
        {"name": "a100", "resources": [{"name": "nvidia.com/gpu", "nominalQuota": "2"}]}]})
    gpu = {"name": "g", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "q"}},
           "container": {"image": "x", "resources": {"requests": {"nvidia.com/gpu": "1"},
                                                     "limits": {"nvidia.com/gpu": "1"}}}}
    steps = {"name": "main", "steps": [[{"name": "c", "template": "c"}], [{"name": "g", "template": "g"}]]}
    demand, _ = demand_of(workflow([steps, pod("c", 5), gpu]), cq)
    assert groups(demand) == {"c": 1}            # 5 of 8 cpu (62 %) outweighs 1 of 2 gpu (50 %)


def test_two_light_tasks_together_against_one_heavier_task_after_them():
    dag = {"name": "main", "dag": {"tasks": [{"name": "A", "template": "light"}, {"name": "B", "template": "light"},
                                             {"name": "C", "template": "heavy", "depends": "A && B"}]}}
    demand, _ = demand_of(workflow([dag, pod("light", "800m"), pod("heavy", 2)]))
    assert groups(demand) == {"heavy": 1}        # 2 cpu beats 2 x 800m
    demand, _ = demand_of(workflow([dag, pod("light", "1200m"), pod("heavy", 2)]))
    assert groups(demand) == {"light": 2}
    chain = {"name": "main", "dag": {"tasks": [{"name": "A", "template": "light"},
                                               {"name": "C", "template": "heavy", "depends": "A"}]}}
    assert groups(demand_of(workflow([chain, pod("light", 1), pod("heavy", 2)]))[0]) == {"heavy": 1}


def test_a_single_fan_out_that_never_fits_has_no_count_at_once():
    dag = {"name": "main", "dag": {"tasks": [{"name": "s", "template": "s", "withItems": [1, 2]}]}}
    demand, _ = demand_of(workflow([dag, pod("s", 40)]))
    assert (demand.pods, demand.waves, demand.at_once) == (2, None, None)


def test_pods_that_ask_for_nothing_fit_at_once():
    empty = {"name": "e", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "q"}}, "container": {"image": "x"}}
    dag = {"name": "main", "dag": {"tasks": [{"name": "s", "template": "e", "withItems": [1, 2]}]}}
    demand, _ = demand_of(workflow([dag, empty]))
    assert (demand.pods, demand.peak, demand.waves, demand.at_once) == (2, {}, 1, 2)


def test_starvation_needs_a_fan_out_of_two_or_more_that_fills_a_resource():
    def starved(fan_out, shard_cpu, merge_cpu, quota=8):
        dag = {"name": "main", "dag": {"tasks": [
            {"name": "shard", "template": "shard", "withSequence": {"count": str(fan_out)}},
            {"name": "merge", "template": "merge"}]}}
        demand, _ = demand_of(workflow([dag, pod("shard", shard_cpu, "1Gi"), pod("merge", merge_cpu, "1Gi")]),
                              cluster_queue(quota))
        return [(template, other) for template, _, other in demand.starved]
    assert starved(2, 4, 5) == [("merge", "shard")]       # 8 + 5 > 8 and 5 > 4
    assert starved(1, 4, 5) == []                         # one shard is no fan-out
    assert starved(2, 3, 2) == []                         # 6 + 2 = 8 fits beside the fan-out
    assert starved(2, 2, 4) == []                         # 4 + 4 = 8 fits beside the fan-out
    assert starved(2, 3, 3) == []                         # a finishing shard frees the 3 it needs
    assert starved(2, 3, 4) == [("merge", "shard")]
    dag = {"name": "main", "dag": {"tasks": [{"name": "shard", "template": "shard", "withSequence": {"count": "80"}},
                                             {"name": "merge", "template": "merge"}]}}
    memory_only = {"name": "merge", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "q"}},
                   "container": {"image": "x", "resources": {"requests": {"memory": "1Gi"}}}}
    demand, _ = demand_of(workflow([dag, pod("shard", "500m", "1Gi"), memory_only]))
    assert demand.starved == []                           # it asks no cpu, the resource the shards fill


def test_the_exit_handler_recurses_as_deep_as_the_entrypoint():
    again = {"name": "cleanup", "steps": [[{"name": "again", "template": "cleanup"}, {"name": "w", "template": "w"}]]}
    demand, _ = demand_of(workflow([{"name": "main", "steps": [[{"name": "w", "template": "w"}]]}, again,
                                    pod("w", 1)], onExit="cleanup"))
    assert demand.pods == 30


def test_recursion_through_a_fan_out_counts_each_level_once():
    again = {"name": "main", "steps": [[{"name": "again", "template": "main", "withItems": [1]},
                                        {"name": "w", "template": "w"}]]}
    demand, _ = demand_of(workflow([again, pod("w", 1)]))
    assert demand.pods == 30


def test_templates_of_a_workflow_template_call_their_own_templates():
    library = {"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
               "metadata": {"name": "library", "namespace": "ml"},
               "spec": {"templates": [{"name": "pair", "steps": [[{"name": "a", "template": "unit"},
                                                                 {"name": "b", "template": "unit"}]]},
                                      pod("unit", 3)]}}
    steps = {"name": "main", "steps": [[{"name": "call", "templateRef": {"name": "library", "template": "pair"}}]]}
    document = workflow([steps, pod("unit", 1)])
    plan = plan_document(document, [library], None, NO_EXECUTOR)
    expansion = expand(plan, "wf")
    demands = peak_demand(expansion, {"cq": cluster_queue()}, lambda queue: "cq" if queue == "q" else None)
    assert demands["cq"].groups == [("unit", {"cpu": 3, "memory": 2 ** 30}, 2)]


def test_independent_tasks_that_ask_for_nothing_still_count_as_pods():
    empty = {"name": "e", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "q"}}, "container": {"image": "x"}}
    dag = {"name": "main", "dag": {"tasks": [{"name": "a", "template": "e"}, {"name": "b", "template": "e"}]}}
    assert demand_of(workflow([dag, empty]))[0].pods == 2


def test_a_cluster_queue_with_damaged_names_gives_no_demand():
    steps = {"name": "main", "steps": [[{"name": "a", "template": "a"}]]}
    damaged = cluster_queue()
    damaged["spec"]["resourceGroups"][0]["flavors"][0]["name"] = ["f"]
    assert demand_of(workflow([steps, pod("a", 1)]), damaged)[0] is None
