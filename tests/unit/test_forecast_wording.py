"""What a start forecast says (interpret/forecast/wording.py): whole forecasts, sentences and basis
lines for each outcome of the simulation, and the demand sentences."""
from fractions import Fraction
from types import SimpleNamespace

from kubectl_kueue_argo.interpret.forecast import inputs, wording
from kubectl_kueue_argo.interpret.forecast.simulate import Outcome
from kubectl_kueue_argo.interpret.forecast.wording import StartForecast
from tests.unit.test_forecast_demand import cluster_queue as demand_cluster_queue
from tests.unit.test_forecast_demand import demand_of, workflow
from tests.unit.test_forecast_simulate import cluster_queue, forecast, model, workload

ASSUMES = "assumes nothing else arrives, nothing is preempted and the expected ends hold"
BY_PRIORITY = ("ClusterQueue cq: BestEffortFIFO, nominal quota; queue order by priority, creation time and UID "
               "(no ClusterQueue visibility list)")
STRICT_BY_PRIORITY = BY_PRIORITY.replace("BestEffortFIFO", "StrictFIFO")
NOTHING_HELD = "no Workload holds quota in ClusterQueue cq"
ONE_MAXIMUM = "expected ends of 1 running Workload: 1 Workload spec.maximumExecutionTimeSeconds"


def running(name, cpu, *, maximum=None, admitted_at="2026-08-24T10:15:00Z", **kw):
    return workload(name, admitted_cq="cq", usage={"cpu": str(cpu)}, maximum=maximum, admitted_at=admitted_at, **kw)


def queued(name, cpu, **kw):
    return workload(name, requests={"cpu": str(cpu)}, **kw)


# ---- start forecasts -----------------------------------------------------------------------------

def test_a_step_that_fits_now():
    queue_model = model([running("r", 2, maximum=60), queued("target", 4)])
    assert forecast(queue_model, "ml/target") == StartForecast(
        0, ["fits in the unused nominal quota of ClusterQueue cq now", BY_PRIORITY, ONE_MAXIMUM, ASSUMES],
        "expected to start now: it fits in the unused quota of ClusterQueue cq", "cq")


def test_a_step_that_waits_for_a_running_workload():
    queue_model = model([running("r", 6, maximum=600), queued("target", 4)])
    assert forecast(queue_model, "ml/target") == StartForecast(
        300, ["fits once Workload ml/r (6 cpu, maximumExecutionTimeSeconds) ends", BY_PRIORITY, ONE_MAXIMUM, ASSUMES],
        "expected to start in about 5 minutes, when Workload ml/r (6 cpu, maximumExecutionTimeSeconds) ends", "cq")


def test_a_step_that_waits_for_an_overdue_end_starts_any_moment_now():
    queue_model = model([running("r", 6, maximum=60), queued("target", 4)])
    assert forecast(queue_model, "ml/target") == StartForecast(
        0, ["fits once Workload ml/r (6 cpu, maximumExecutionTimeSeconds, overdue) ends; that end is past, "
            "so any moment now", BY_PRIORITY, ONE_MAXIMUM, ASSUMES],
        "expected to start any moment now, when Workload ml/r (6 cpu, maximumExecutionTimeSeconds, overdue) ends",
        "cq")


def test_of_several_ends_at_once_the_one_that_frees_most_of_what_the_step_asks_is_named():
    raws = [running("gpu", 0, maximum=600), running("small", 1, maximum=600), running("large", 5, maximum=600),
            running("mid", 2, maximum=600), queued("target", 4)]
    raws[0]["status"]["admission"]["podSetAssignments"][0]["resourceUsage"] = {"cpu": "0", "memory": "8Gi"}
    raws[0]["status"]["admission"]["podSetAssignments"][0]["flavors"] = {"cpu": "a", "memory": "a"}
    result = forecast(model(raws), "ml/target")
    assert (result.start_in_seconds, result.sentence) == (
        300, "expected to start in about 5 minutes, when Workload ml/large (5 cpu, maximumExecutionTimeSeconds) ends")


def test_the_basis_counts_the_sources_of_the_expected_ends_most_used_first():
    argo = inputs.ArgoIndex()
    argo.add_node("ml", "etl-a-1", "etl", {"displayName": "a", "estimatedDuration": 600,
                                           "startedAt": "2026-08-24T10:15:00Z"})
    raws = [running("argo", 1, owner="etl-a-1"), running("m1", 1, maximum=900), running("m2", 1, maximum=900),
            running("endless", 1), queued("target", 4, created="2026-08-24T10:01:00Z"), queued("first", 1)]
    items = [{"metadata": {"name": "first", "namespace": "ml"}, "positionInClusterQueue": 0},
             {"metadata": {"name": "target", "namespace": "ml"}, "positionInClusterQueue": 1}]
    queue_model = model(raws, cluster_queue(8, cohort="research"), pending_items=items, argo=argo)
    assert forecast(queue_model, "ml/target", ["a note"]) == StartForecast(
        300, ["fits once step a of workflow etl (1 cpu, Argo estimate) ends",
              "ClusterQueue cq: BestEffortFIFO, nominal quota; queue order from the visibility API "
              "(positionInClusterQueue)",
              "ClusterQueue cq is in cohort research: forecast on its nominal quota alone, borrowing ignored",
              "expected ends of 4 running Workloads: 2 Workload spec.maximumExecutionTimeSeconds, "
              "1 node startedAt + estimatedDuration, 1 unknown",
              "Argo estimates come from the previous successful run and include its queue wait",
              ASSUMES, "a note"],
        "expected to start in about 5 minutes, when step a of workflow etl (1 cpu, Argo estimate) ends", "cq")


def test_an_argo_estimate_of_a_queued_workload_alone_is_said_too():
    argo = inputs.ArgoIndex()
    argo.add_node("ml", "etl-a-1", "etl", {"displayName": "a", "estimatedDuration": 600})
    result = forecast(model([queued("target", 1, owner="etl-a-1")], argo=argo), "ml/target")
    assert result.basis == ["fits in the unused nominal quota of ClusterQueue cq now", BY_PRIORITY, NOTHING_HELD,
                            "Argo estimates come from the previous successful run and include its queue wait",
                            ASSUMES]


# ---- no start time -------------------------------------------------------------------------------

def unknown(reason, *basis):
    return StartForecast(None, [reason, *basis], f"no start time can be forecast: {reason}", "cq")


def test_more_than_the_nominal_quota_never_starts_and_a_cohort_is_named():
    assert forecast(model([queued("big", 12)]), "ml/big") == unknown(
        "it needs more than the nominal quota of ClusterQueue cq", BY_PRIORITY, NOTHING_HELD, ASSUMES)
    assert forecast(model([queued("big", 12)], cluster_queue(8, cohort="research")), "ml/big") == unknown(
        "it needs more than the nominal quota of ClusterQueue cq (borrowing from the cohort is not forecast)",
        BY_PRIORITY, "ClusterQueue cq is in cohort research: forecast on its nominal quota alone, borrowing ignored",
        NOTHING_HELD, ASSUMES)


def test_strict_fifo_behind_a_head_that_never_fits():
    raws = [queued("big", 12), queued("small", 1, created="2026-08-24T10:05:00Z")]
    assert forecast(model(raws, cluster_queue(8, strategy="StrictFIFO")), "ml/small") == unknown(
        "StrictFIFO: Workload ml/big (queued ahead of it; 12 cpu, end unknown) is ahead of it and never fits the "
        "nominal quota, so the queue does not move", STRICT_BY_PRIORITY, NOTHING_HELD, ASSUMES)


def test_waiting_for_workloads_whose_end_is_unknown_names_three_of_them():
    raws = [running(f"e{i}", 2) for i in range(5)] + [queued("target", 1)]
    assert forecast(model(raws, cluster_queue(10)), "ml/target") == unknown(
        "it can only be admitted after a Workload whose end is unknown: Workload ml/e0 (2 cpu, end unknown), "
        "Workload ml/e1 (2 cpu, end unknown), Workload ml/e2 (2 cpu, end unknown) and 2 more",
        BY_PRIORITY, "expected ends of 5 running Workloads: 5 unknown", ASSUMES)
    three = [running(f"e{i}", 2) for i in range(3)] + [queued("target", 3)]
    assert forecast(model(three, cluster_queue(6)), "ml/target").basis[0] == (
        "it can only be admitted after a Workload whose end is unknown: Workload ml/e0 (2 cpu, end unknown), "
        "Workload ml/e1 (2 cpu, end unknown), Workload ml/e2 (2 cpu, end unknown)")


def test_waiting_behind_a_queued_workload_without_run_time():
    raws = [queued("first", 8), queued("target", 1, created="2026-08-24T10:05:00Z")]
    assert forecast(model(raws, cluster_queue(8)), "ml/target") == unknown(
        "it can only be admitted after a Workload whose end is unknown: a queued Workload without a run time",
        BY_PRIORITY, NOTHING_HELD, ASSUMES)


def test_unread_workloads_ahead_are_counted():
    raws = [queued("target", 1)]
    items = [{"metadata": {"name": f"hidden-{i}", "namespace": "other"}, "positionInClusterQueue": i}
             for i in range(2)] + [{"metadata": {"name": "target", "namespace": "ml"}, "positionInClusterQueue": 2}]
    visibility = ("ClusterQueue cq: BestEffortFIFO, nominal quota; queue order from the visibility API "
                  "(positionInClusterQueue)")
    assert forecast(model(raws, pending_items=items), "ml/target") == unknown(
        "2 Workloads ahead of it in ClusterQueue cq could not be read", visibility, NOTHING_HELD, ASSUMES)


def test_best_effort_with_unread_workloads_is_unknown_unless_it_fits_now():
    raws = [running("r", 8, maximum=600), queued("target", 2)]
    assert forecast(model(raws, cluster_queue(8, pending=2), lq_positions={"ml/target": 0}), "ml/target") == unknown(
        "BestEffortFIFO: 1 Workload of ClusterQueue cq that could not be read may be admitted before it",
        BY_PRIORITY, ONE_MAXIMUM, ASSUMES)
    roomy = model(raws, cluster_queue(10, pending=3), lq_positions={"ml/target": 0})
    assert forecast(roomy, "ml/target").start_in_seconds == 0
    strict = model(raws, cluster_queue(8, pending=3, strategy="StrictFIFO"), lq_positions={"ml/target": 0})
    assert forecast(strict, "ml/target").start_in_seconds == 300


def test_unknown_keeps_the_reason_first_and_the_basis_after_it():
    assert wording.unknown("why", ["b1", "b2"], "cq") == StartForecast(None, ["why", "b1", "b2"],
                                                                       "no start time can be forecast: why", "cq")
    assert wording.unknown("why") == StartForecast(None, ["why"], "no start time can be forecast: why", None)


# ---- pieces of sentences -------------------------------------------------------------------------

def test_seconds_are_whole_numbers_when_they_can_be_and_never_negative():
    assert [wording.seconds(value) for value in (0, 300.0, 12.3456, -5, Fraction(3, 2), 0.0004)] == [
        0, 300, 12.346, 0, 1.5, 0]
    assert isinstance(wording.seconds(300.0), int)


def test_amounts_name_accelerators_and_cpu_and_memory_only_when_alone():
    assert wording.amounts_text({"memory": 2 ** 30, "cpu": Fraction(1, 2), "nvidia.com/gpu": 2, "pods": 0}) == (
        "500m cpu, 2 nvidia.com/gpu")
    assert wording.amounts_text({"memory": 2 ** 30, "cpu": 0}) == "1Gi memory"
    assert wording.amounts_text({"memory": 0}) == ""
    assert wording.amounts_text({}) == ""


def test_describe_a_step_of_a_workflow_in_the_same_or_another_namespace():
    items = {"ml/run": inputs.Item("ml/run", "ml", "run", {"cpu": 4}, inputs.ARGO_ESTIMATE, "etl", "extract"),
             "other/run": inputs.Item("other/run", "other", "run", {"cpu": 4}, None, "etl", "extract", overdue=True),
             "ml/plain": inputs.Item("ml/plain", "ml", "plain", {}, None, workflow="etl"),
             "ml/target": inputs.Item("ml/target", "ml", "target", {"cpu": 1}, None)}
    queue_model = inputs.QueueModel("cq", None, items=items)
    assert wording.describe(queue_model, "ml/run", "ml/target") == "step extract of workflow etl (4 cpu, Argo estimate)"
    assert wording.describe(queue_model, "other/run", "ml/target") == (
        "step extract of workflow other/etl (4 cpu, end unknown, overdue)")
    assert wording.describe(queue_model, "other/run") == "step extract of workflow etl (4 cpu, end unknown, overdue)"
    assert wording.describe(queue_model, "other/run", "ml/gone") == (
        "step extract of workflow etl (4 cpu, end unknown, overdue)")
    assert wording.describe(queue_model, "ml/plain") == "Workload ml/plain (end unknown)"
    assert wording.describe(queue_model, "ml/missing") == "a Workload that could not be read"


# ---- demand sentences ----------------------------------------------------------------------------

def demand(groups, peak, nominal, *, pods=None, with_borrowing=None, waves=1, at_once=None):
    return SimpleNamespace(cluster_queue="team-cq", groups=groups, peak=peak, nominal=nominal,
                           pods=sum(count for _, _, count in groups) if pods is None else pods,
                           with_borrowing=dict(nominal) if with_borrowing is None else with_borrowing,
                           waves=waves, at_once=at_once)


def test_demand_sentence_of_a_fan_out_in_waves():
    shards = demand([("shard", {"cpu": 4}, 40)], {"cpu": 160}, {"cpu": 32}, waves=5, at_once=8)
    assert wording.demand_sentence(shards) == (
        "40 pods of shard (4 cpu each) want 160 cpu at once; team-cq has 32 cpu: at most 8 run at once, in ≥5 waves")
    # more waves than the quota ratio says when fewer fit at once (flavors, rounding)
    uneven = demand([("shard", {"cpu": 3}, 10)], {"cpu": 30}, {"cpu": 8}, waves=4, at_once=2)
    assert wording.demand_sentence(uneven).endswith(": at most 2 run at once, in ≥5 waves")
    at_least = demand([("shard", {"cpu": 3}, 10)], {"cpu": 30}, {"cpu": 8}, waves=7, at_once=2)
    assert wording.demand_sentence(at_least).endswith(": at most 2 run at once, in ≥7 waves")
    none_at_once = demand([("shard", {"cpu": 3}, 10)], {"cpu": 30}, {"cpu": 8}, waves=4, at_once=0)
    assert wording.demand_sentence(none_at_once).endswith(": at most 0 run at once, in ≥10 waves")


def test_demand_sentence_of_mixed_steps():
    groups = [("a", {"cpu": 4}, 3), ("b", {"cpu": 2}, 1), ("c", {"cpu": 1}, 1), ("d", {"cpu": 1}, 1),
              ("e", {"cpu": 1}, 1), ("f", {"cpu": 1}, 1)]
    mixed = demand(groups, {"cpu": 18, "memory": 0}, {"cpu": 8}, waves=3)
    assert wording.demand_sentence(mixed) == (
        "3 pods of a (4 cpu each), step b (2 cpu), step c (1 cpu), step d (1 cpu) and 2 more templates want 18 cpu "
        "at once; team-cq has 8 cpu: they run in ≥3 waves")
    two = demand(groups[:2], {"cpu": 14}, {"cpu": 16}, waves=1, at_once=None)
    assert wording.demand_sentence(two) == (
        "3 pods of a (4 cpu each) and step b (2 cpu) want 14 cpu at once; team-cq has 16 cpu: all of them fit at once")
    one = demand([("b", {"cpu": 2}, 1)], {"cpu": 2}, {"cpu": 16}, waves=1, at_once=1)
    assert wording.demand_sentence(one) == "step b (2 cpu) wants 2 cpu at once; team-cq has 16 cpu: all of them fit at once"


def test_demand_sentence_with_borrowing_never_fitting_and_no_quota():
    borrowing = demand([("b", {"cpu": 2}, 1)], {"cpu": 2}, {"cpu": 16}, with_borrowing={"cpu": 24})
    assert wording.demand_sentence(borrowing) == (
        "step b (2 cpu) wants 2 cpu at once; team-cq has 16 cpu nominal, 24 cpu with borrowing: all of them fit at once")
    unlimited = demand([("b", {"cpu": 2, "memory": 2 ** 30}, 1)], {"cpu": 2, "memory": 2 ** 30},
                       {"cpu": 16, "memory": 2 ** 34}, with_borrowing={"cpu": None, "memory": None}, waves=None)
    assert wording.demand_sentence(unlimited) == (
        "step b (2 cpu) wants 2 cpu at once; team-cq has 16 cpu nominal (its cohort sets no borrowing limit for cpu, "
        "memory): some of them never fit its nominal quota")
    no_quota = demand([("g", {"nvidia.com/gpu": 1}, 2)], {"nvidia.com/gpu": 2}, {"cpu": 16}, waves=None)
    assert wording.demand_sentence(no_quota) == (
        "2 pods of g (1 nvidia.com/gpu each) want 2 nvidia.com/gpu at once; team-cq has no quota for them: "
        "some of them never fit its nominal quota")
    assert wording.demand_sentence(demand([], {}, {}, pods=0)) == "no pod of this workflow goes to ClusterQueue team-cq"


def test_starved_sentence():
    assert wording.starved_sentence("merge", {"cpu": 8, "memory": 64 * 2 ** 30}, "shard") == (
        "step merge (8 cpu) can never run while the fan-out of shard holds the queue: every freed slot goes to the "
        "next shard pod first, so it starts once the fan-out has drained")


def test_an_outcome_admitted_now_without_enabler_fits_now_even_with_an_unread_queue():
    queue_model = model([queued("target", 1)], cluster_queue(8, pending=5), lq_positions={"ml/target": 0})
    result = wording.start_forecast(queue_model, Outcome("ml/target", admitted=0.0), "ml/target", [])
    assert result.start_in_seconds == 0


def test_a_resource_the_cluster_queue_does_not_cover_is_not_said_to_borrow_without_limit():
    """It used to say "(its cohort sets no borrowing limit for nvidia.com/gpu)", even without a cohort."""
    steps = {"name": "main", "steps": [[{"name": "train", "template": "train"}]]}
    train = {"name": "train", "metadata": {"labels": {"kueue.x-k8s.io/queue-name": "q"}},
             "container": {"image": "x", "resources": {"requests": {"cpu": "4", "nvidia.com/gpu": "1"},
                                                       "limits": {"nvidia.com/gpu": "1"}}}}
    alone, _ = demand_of(workflow([steps, train]), demand_cluster_queue(8))
    assert wording.demand_sentence(alone) == (
        "step train (4 cpu, 1 nvidia.com/gpu) wants 4 cpu, 1 nvidia.com/gpu at once; cq has 8 cpu: "
        "some of them never fit its nominal quota")
    in_cohort, _ = demand_of(workflow([steps, train]), demand_cluster_queue(8, cohort="c", borrowing=4))
    assert wording.demand_sentence(in_cohort) == (
        "step train (4 cpu, 1 nvidia.com/gpu) wants 4 cpu, 1 nvidia.com/gpu at once; cq has 8 cpu nominal, "
        "12 cpu with borrowing: some of them never fit its nominal quota")


def test_an_end_within_the_next_second_is_not_past():
    queue_model = model([running("r", 8, maximum=300.5, admitted_at="2026-08-24T10:15:00Z"), queued("target", 4)])
    result = forecast(queue_model, "ml/target")
    assert (result.start_in_seconds, result.sentence) == (
        0.5, "expected to start in about a moment, when Workload ml/r (8 cpu, maximumExecutionTimeSeconds) ends")


def test_a_workload_that_already_holds_quota_fits_now():
    queue_model = model([running("r", 2, maximum=600)])
    assert forecast(queue_model, "ml/r").sentence == "expected to start now: it fits in the unused quota of ClusterQueue cq"


def test_an_end_that_frees_nothing_the_step_asks_for_is_not_the_one_named():
    raws = [running("memory-only", 0, maximum=600), running("cpu", "750m", maximum=600), queued("target", "500m")]
    raws[0]["status"]["admission"]["podSetAssignments"][0]["resourceUsage"] = {"memory": "8Gi"}
    raws[0]["status"]["admission"]["podSetAssignments"][0]["flavors"] = {"memory": "a"}
    result = forecast(model(raws, cluster_queue(1)), "ml/target")
    assert result.sentence == ("expected to start in about 5 minutes, when Workload ml/cpu (750m cpu, "
                               "maximumExecutionTimeSeconds) ends")


def test_demand_sentence_names_four_templates_and_counts_the_rest():
    groups = [(name, {"cpu": 1}, 1) for name in "abcde"]
    four = demand(groups[:4], {"cpu": 4}, {"cpu": 8})
    assert wording.demand_sentence(four) == (
        "step a (1 cpu), step b (1 cpu), step c (1 cpu) and step d (1 cpu) want 4 cpu at once; team-cq has 8 cpu: "
        "all of them fit at once")
    five = demand(groups, {"cpu": 5}, {"cpu": 8})
    assert wording.demand_sentence(five) == (
        "step a (1 cpu), step b (1 cpu), step c (1 cpu), step d (1 cpu) and 1 more templates want 5 cpu at once; "
        "team-cq has 8 cpu: all of them fit at once")


def test_demand_sentence_when_fewer_fit_at_once_than_the_quota_ratio_says():
    flavors = demand([("shard", {"cpu": 2}, 4)], {"cpu": 8}, {"cpu": 8}, waves=1, at_once=3)
    assert wording.demand_sentence(flavors) == (
        "4 pods of shard (2 cpu each) want 8 cpu at once; team-cq has 8 cpu: at most 3 run at once, in ≥2 waves")
    mixed = demand([("a", {"cpu": 4}, 2), ("b", {"cpu": 2}, 1)], {"cpu": 10}, {"cpu": 8}, waves=2)
    assert wording.demand_sentence(mixed) == (
        "2 pods of a (4 cpu each) and step b (2 cpu) want 10 cpu at once; team-cq has 8 cpu: they run in ≥2 waves")


def test_best_effort_with_unread_workloads_is_unknown_even_within_the_first_second():
    raws = [running("r", 8, maximum=300.5), queued("target", 2)]
    result = forecast(model(raws, cluster_queue(8, pending=2), lq_positions={"ml/target": 0}), "ml/target")
    assert result.basis[0] == ("BestEffortFIFO: 1 Workload of ClusterQueue cq that could not be read may be "
                               "admitted before it")


def test_four_workloads_with_unknown_ends_name_three_and_one_more():
    raws = [running(f"e{i}", 2) for i in range(4)] + [queued("target", 1)]
    assert forecast(model(raws, cluster_queue(8)), "ml/target").basis[0] == (
        "it can only be admitted after a Workload whose end is unknown: Workload ml/e0 (2 cpu, end unknown), "
        "Workload ml/e1 (2 cpu, end unknown), Workload ml/e2 (2 cpu, end unknown) and 1 more")
