"""The start-forecast model of issue #10 on plain dicts: the simulation itself (both queueing
strategies, several flavors, unknown and overdue ends, what fits now, dependencies and
parallelism limits) and the model built from Kueue objects (cohorts, missing reads)."""
from datetime import datetime, timedelta, timezone
from fractions import Fraction

from kubectl_kueue_argo.interpret.forecast import inputs
from kubectl_kueue_argo.interpret.forecast.simulate import (
    BEHIND_NEVER_FITS, BEST_EFFORT_FIFO, NEVER_FITS, NOT_RELEASED, STRICT_FIFO, UNKNOWN_END, Capacity, Job,
    ResourceGroup, Running, simulate,
)
from kubectl_kueue_argo.interpret.forecast.wording import start_forecast

NOW = datetime(2026, 8, 24, 10, 20, tzinfo=timezone.utc)


def cpu(amount):
    return {"cpu": Fraction(amount)}


def capacity(strategy=BEST_EFFORT_FIFO, **flavors):
    """One resource group (cpu) with the flavors in the order given: capacity(a=4, b=8)."""
    return Capacity("cq", (ResourceGroup(("cpu",), tuple((f, cpu(n)) for f, n in flavors.items())),), strategy)


def held(key, flavor, amount, end):
    return Running(key, "cq", {(flavor, "cpu"): Fraction(amount)}, end)


def job(key, amount, run=None, **kw):
    return Job(key, "cq", cpu(amount), run, **kw)


def admitted(outcomes):
    return {key: outcome.admitted for key, outcome in outcomes.items()}


# ---- the simulation ------------------------------------------------------------------------------

def test_a_job_that_fits_now_starts_at_zero_with_nothing_to_wait_for():
    outcome = simulate({"cq": capacity(a=8)}, [held("r", "a", 4, 600)], [job("j", 4, 60)])["j"]
    assert outcome.admitted == 0 and outcome.enabled_by == () and outcome.flavors == {"cpu": "a"}


def test_best_effort_admits_every_job_that_fits_in_order():
    outcomes = simulate({"cq": capacity(a=8)}, [held("r", "a", 6, 300)],
                        [job("big", 4, 100), job("small", 1, 100), job("tiny", 1, 100)])
    assert admitted(outcomes)["small"] == 0 and admitted(outcomes)["tiny"] == 0
    # small and tiny end at 100, but 2 cpu free is still too little for big: it waits for r.
    assert outcomes["big"].admitted == 300 and outcomes["big"].enabled_by == ("r",)


def test_strict_fifo_stops_at_the_first_job_that_does_not_fit():
    outcomes = simulate({"cq": capacity(STRICT_FIFO, a=8)}, [held("r", "a", 6, 300)],
                        [job("big", 4, 100), job("small", 1, 100)])
    assert outcomes["big"].admitted == 300 and outcomes["big"].enabled_by == ("r",)
    assert outcomes["small"].admitted == 300


def test_flavors_are_tried_in_the_cluster_queue_order():
    outcomes = simulate({"cq": capacity(a=4, b=8)}, [held("r", "a", 4, 500)],
                        [job("first", 6, 100), job("second", 2, 100), job("third", 4, 100)])
    assert outcomes["first"].flavors == {"cpu": "b"} and outcomes["first"].admitted == 0
    assert outcomes["second"].flavors == {"cpu": "b"} and outcomes["second"].admitted == 0
    assert outcomes["third"].admitted == 100 and outcomes["third"].flavors == {"cpu": "b"}


def test_a_resource_group_needs_one_flavor_for_all_its_resources():
    group = ResourceGroup(("cpu", "memory"), (("a", {"cpu": Fraction(4), "memory": Fraction(8)}),
                                              ("b", {"cpu": Fraction(4), "memory": Fraction(2)})))
    cq = Capacity("cq", (group,), BEST_EFFORT_FIFO)
    running = [Running("r", "cq", {("a", "cpu"): Fraction(2)}, 50)]
    outcomes = simulate({"cq": cq}, running, [Job("j", "cq", {"cpu": Fraction(3), "memory": Fraction(4)}, 10)])
    # a has memory but not the cpu now; b has cpu but too little memory: wait for r.
    assert outcomes["j"].admitted == 50 and outcomes["j"].flavors == {"cpu": "a", "memory": "a"}


def test_several_resource_groups_each_get_a_flavor():
    cq = Capacity("cq", (ResourceGroup(("cpu",), (("x", cpu(4)),)),
                         ResourceGroup(("nvidia.com/gpu",), (("a100", {"nvidia.com/gpu": Fraction(1)}),
                                                             ("h100", {"nvidia.com/gpu": Fraction(2)})))), "StrictFIFO")
    running = [Running("r", "cq", {("a100", "nvidia.com/gpu"): Fraction(1)}, 30)]
    request = {"cpu": Fraction(2), "nvidia.com/gpu": Fraction(2)}
    outcome = simulate({"cq": cq}, running, [Job("j", "cq", request, 10)])["j"]
    assert outcome.admitted == 0 and outcome.flavors == {"cpu": "x", "nvidia.com/gpu": "h100"}


def test_an_uncovered_resource_never_fits():
    outcome = simulate({"cq": capacity(a=8)}, [], [Job("j", "cq", {"cpu": Fraction(1), "gpu": Fraction(1)}, 5)])["j"]
    assert outcome.admitted is None and outcome.blocked == NEVER_FITS


def test_an_overdue_end_counts_as_now_and_is_named():
    outcomes = simulate({"cq": capacity(a=8)}, [held("late", "a", 6, -120), held("r", "a", 2, 900)],
                        [job("j", 6, 100)])
    assert outcomes["late"].ended == 0
    assert outcomes["j"].admitted == 0 and outcomes["j"].enabled_by == ("late",)


def test_an_overdue_end_is_not_named_for_a_job_that_fits_without_it():
    outcomes = simulate({"cq": capacity(a=8)}, [held("late", "a", 4, -1)], [job("j", 4, 100)])
    assert outcomes["j"].admitted == 0 and outcomes["j"].enabled_by == ()


def test_unknown_ends_never_come():
    outcomes = simulate({"cq": capacity(a=8)}, [held("forever", "a", 6, None), held("r", "a", 2, 60)],
                        [job("fits-later", 2, 10), job("never", 4, 10)])
    assert outcomes["fits-later"].admitted == 60
    assert outcomes["never"].admitted is None and outcomes["never"].blocked == UNKNOWN_END


def test_a_queued_job_without_run_time_holds_its_quota_forever():
    outcomes = simulate({"cq": capacity(a=4)}, [], [job("first", 4, None), job("second", 1, 10)])
    assert outcomes["first"].admitted == 0 and outcomes["first"].ended is None
    assert outcomes["second"].blocked == UNKNOWN_END


def test_more_than_nominal_never_fits_best_effort_skips_it_strict_blocks_behind_it():
    jobs = [job("huge", 12, 10), job("after", 1, 10)]
    best = simulate({"cq": capacity(a=8)}, [], jobs)
    assert best["huge"].blocked == NEVER_FITS and best["after"].admitted == 0
    strict = simulate({"cq": capacity(STRICT_FIFO, a=8)}, [], jobs)
    assert strict["huge"].blocked == NEVER_FITS
    assert strict["after"].blocked == BEHIND_NEVER_FITS and strict["after"].blocked_by == "huge"


def test_simultaneous_ends_are_processed_together():
    outcomes = simulate({"cq": capacity(STRICT_FIFO, a=8)}, [held("x", "a", 4, 100), held("y", "a", 4, 100)],
                        [job("j", 8, 10)])
    assert outcomes["j"].admitted == 100 and set(outcomes["j"].enabled_by) == {"x", "y"}


def test_dependencies_release_jobs_when_they_end():
    jobs = [job("a", 2, 100), job("b", 2, 50, after=("a",)), Job("gate", None, {}, 0, after=("b",)),
            job("c", 8, 10, after=("gate",))]
    outcomes = simulate({"cq": capacity(a=8)}, [], jobs)
    assert [outcomes[k].admitted for k in "abc"] == [0, 100, 150]
    assert outcomes["gate"].admitted == outcomes["gate"].ended == 150


def test_a_job_after_an_unknown_end_is_never_released():
    outcomes = simulate({"cq": capacity(a=8)}, [held("r", "a", 1, None)], [job("j", 1, 10, after=("r",))])
    assert outcomes["j"].blocked == NOT_RELEASED


def test_parallelism_limits_hold_jobs_back():
    jobs = [job(f"s{i}", 1, 100, limits=("wf",)) for i in range(5)]
    outcomes = simulate({"cq": capacity(a=8)}, [], jobs, limits={"wf": 2})
    assert sorted(outcome.admitted for outcome in outcomes.values()) == [0, 0, 100, 100, 200]


def test_the_simulation_is_deterministic_and_linear_enough():
    jobs = [job(f"j{i}", 1 + i % 3, 60 + i % 7) for i in range(3000)]
    first = admitted(simulate({"cq": capacity(a=64)}, [held("r", "a", 32, 300)], jobs))
    second = admitted(simulate({"cq": capacity(a=64)}, [held("r", "a", 32, 300)], jobs))
    assert first == second and all(value is not None for value in first.values())


# ---- the model from Kueue objects ----------------------------------------------------------------

def workload(name, namespace="ml", *, queue="q", admitted_cq=None, usage=None, requests=None, maximum=None,
             admitted_at=None, created="2026-08-24T10:00:00Z", priority=0, owner=None):
    raw = {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Workload",
           "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}", "creationTimestamp": created},
           "spec": {"queueName": queue, "priority": priority, "active": True, "podSets": [
               {"name": "main", "count": 1, "template": {"spec": {"containers": [
                   {"name": "main", "image": "x", "resources": {"requests": requests or {"cpu": "1"}}}]}}}]},
           "status": {}}
    if owner:
        raw["metadata"]["ownerReferences"] = [{"apiVersion": "v1", "kind": "Pod", "name": owner, "uid": "p"}]
    if maximum is not None:
        raw["spec"]["maximumExecutionTimeSeconds"] = maximum
    if admitted_cq:
        at = admitted_at or "2026-08-24T10:00:00Z"
        raw["status"]["admission"] = {"clusterQueue": admitted_cq, "podSetAssignments": [
            {"name": "main", "count": 1, "flavors": {r: "a" for r in usage}, "resourceUsage": usage}]}
        raw["status"]["conditions"] = [
            {"type": "QuotaReserved", "status": "True", "reason": "QuotaReserved", "message": "", "lastTransitionTime": at},
            {"type": "Admitted", "status": "True", "reason": "Admitted", "message": "", "lastTransitionTime": at}]
    return raw


def cluster_queue(nominal=8, *, cohort=None, strategy="BestEffortFIFO", reserved=None, pending=None):
    spec = {"queueingStrategy": strategy, "resourceGroups": [{"coveredResources": ["cpu"], "flavors": [
        {"name": "a", "resources": [{"name": "cpu", "nominalQuota": str(nominal)}]}]}]}
    if cohort:
        spec["cohortName"] = cohort
    status = {"conditions": [{"type": "Active", "status": "True", "reason": "Ready", "message": "",
                              "lastTransitionTime": "2026-08-01T00:00:00Z"}]}
    if reserved is not None:
        status["flavorsReservation"] = [{"name": "a", "resources": [{"name": "cpu", "total": str(reserved)}]}]
    if pending is not None:
        status["pendingWorkloads"] = pending
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "ClusterQueue", "metadata": {"name": "cq"},
            "spec": spec, "status": status}


def model(raws, cq=None, *, pending_items=None, lq_positions=None, argo=None):
    facts = [inputs.workload_facts(raw) for raw in raws]
    lq_map = {("ml", "q"): "cq", ("other", "q"): "cq"}
    return inputs.queue_model("cq", cq or cluster_queue(), facts, argo_index=argo or inputs.ArgoIndex(), pods={},
                              lq_map=lq_map, pending_items=pending_items, now=NOW, lq_positions=lq_positions)


def forecast(queue_model, target, notes=()):
    outcomes = simulate({"cq": queue_model.capacity}, queue_model.running, queue_model.queue)
    return start_forecast(queue_model, outcomes[target], target, list(notes))


def test_expected_end_from_the_argo_node_first_then_max_execution_time():
    argo = inputs.ArgoIndex()
    node = {"id": "n", "type": "Pod", "displayName": "extract", "startedAt": "2026-08-24T10:00:00Z",
            "estimatedDuration": 1500}
    argo.add_node("other", "etl-extract-1", "etl", node)
    running = [workload("argo", "other", admitted_cq="cq", usage={"cpu": "4"}, owner="etl-extract-1", maximum=60),
               workload("limited", admitted_cq="cq", usage={"cpu": "2"}, maximum=1800,
                        admitted_at="2026-08-24T10:10:00Z")]
    queue_model = model(running + [workload("target", requests={"cpu": "4"})], argo=argo)
    ends = {item.key: item.end for item in queue_model.running}
    assert ends == {"other/argo": 300.0, "ml/limited": 1200.0}
    result = forecast(queue_model, "ml/target")
    assert result.start_in_seconds == 300
    assert result.sentence == ("expected to start in about 5 minutes, when step extract of workflow other/etl "
                               "(4 cpu, Argo estimate) ends")


def test_cohort_is_ignored_and_said():
    queue_model = model([workload("big", requests={"cpu": "12"})], cluster_queue(8, cohort="research"))
    result = forecast(queue_model, "ml/big")
    assert result.start_in_seconds is None
    assert "borrowing from the cohort is not forecast" in result.basis[0]
    assert any("cohort research" in line and "borrowing ignored" in line for line in result.basis)


def test_quota_held_by_unreadable_namespaces_has_an_unknown_end():
    raws = [workload("mine", admitted_cq="cq", usage={"cpu": "2"}, maximum=600, admitted_at="2026-08-24T10:15:00Z"),
            workload("target", requests={"cpu": "4"}), workload("small", requests={"cpu": "1"},
                                                                created="2026-08-24T10:01:00Z")]
    queue_model = model(raws, cluster_queue(8, reserved=6, pending=2))
    assert queue_model.unknown_running and any(item.end is None for item in queue_model.running)
    target = forecast(queue_model, "ml/target", ["Workloads of other namespaces could not be read (forbidden)"])
    assert target.start_in_seconds is None and "quota held by Workloads that were not read" in target.basis[0]
    assert "Workloads of other namespaces could not be read (forbidden)" in target.basis
    assert forecast(queue_model, "ml/small").start_in_seconds == 0


def test_reserved_quota_beyond_the_workloads_read_is_held_with_an_unknown_end_and_said_once():
    """A bundle of one namespace: the ClusterQueue's status reserves 6 cpu, the files hold 2 of them."""
    raws = [workload("mine", admitted_cq="cq", usage={"cpu": "2"}, maximum=600, admitted_at="2026-08-24T10:15:00Z"),
            workload("first", requests={"cpu": "5"}), workload("second", requests={"cpu": "5"},
                                                               created="2026-08-24T10:01:00Z")]
    queue_model = model(raws, cluster_queue(8, reserved=6, pending=2))   # 2 free, 4 more once mine ends
    hidden = [item for item in queue_model.running if item.end is None]
    assert [(item.key, dict(item.usage)) for item in hidden] == [("?unreadable", {("a", "cpu"): 4})]
    for target in ("ml/first", "ml/second", "ml/first"):    # the wording is the same however often it is asked
        result = forecast(queue_model, target)
        assert result.start_in_seconds is None
        assert result.basis[0] == ("it can only be admitted after a Workload whose end is unknown: "
                                   "quota held by Workloads that were not read")


def test_reserved_quota_equal_to_the_workloads_read_adds_nothing():
    raws = [workload("mine", admitted_cq="cq", usage={"cpu": "6"}, maximum=600, admitted_at="2026-08-24T10:15:00Z"),
            workload("target", requests={"cpu": "4"})]
    queue_model = model(raws, cluster_queue(8, reserved=6, pending=1))
    assert not queue_model.unknown_running and [item.key for item in queue_model.running] == ["ml/mine"]
    assert forecast(queue_model, "ml/target").start_in_seconds == 300


def test_unreadable_workloads_ahead_make_the_answer_unknown():
    raws = [workload("target", requests={"cpu": "1"})]
    items = [{"metadata": {"name": "hidden", "namespace": "other"}, "positionInClusterQueue": 0},
             {"metadata": {"name": "target", "namespace": "ml"}, "positionInClusterQueue": 1}]
    result = forecast(model(raws, pending_items=items), "ml/target")
    assert result.start_in_seconds is None and "1 Workload ahead of it" in result.basis[0]


def test_local_queue_positions_tell_whether_unread_workloads_are_ahead():
    raws = [workload("first", requests={"cpu": "1"}), workload("second", requests={"cpu": "1"},
                                                               created="2026-08-24T10:05:00Z")]
    cq = cluster_queue(8, pending=3)        # one pending Workload of another namespace is not readable
    queue_model = model(raws, cq, lq_positions={"ml/first": 0, "ml/second": 2})
    assert queue_model.unknown_ahead == {"ml/first": 0, "ml/second": 1}
    assert forecast(queue_model, "ml/first").start_in_seconds == 0
    assert forecast(queue_model, "ml/second").start_in_seconds is None


def test_best_effort_with_unread_workloads_behind_is_only_sure_about_now():
    raws = [workload("r", admitted_cq="cq", usage={"cpu": "8"}, maximum=300, admitted_at="2026-08-24T10:18:00Z"),
            workload("target", requests={"cpu": "2"})]
    queue_model = model(raws, cluster_queue(8, pending=2), lq_positions={"ml/target": 0})
    result = forecast(queue_model, "ml/target")
    assert result.start_in_seconds is None and "may be admitted before it" in result.basis[0]
    strict = model(raws, cluster_queue(8, pending=2, strategy="StrictFIFO"),
                   lq_positions={"ml/target": 0})
    assert forecast(strict, "ml/target").start_in_seconds == 180


def test_without_the_visibility_list_the_order_is_priority_creation_uid():
    raws = [workload("old", requests={"cpu": "4"}, created="2026-08-24T10:00:00Z"),
            workload("urgent", requests={"cpu": "4"}, created="2026-08-24T10:05:00Z", priority=100),
            workload("new", requests={"cpu": "4"}, created="2026-08-24T10:06:00Z")]
    queue_model = model(raws, cluster_queue(4, strategy="StrictFIFO"))
    assert [job.key for job in queue_model.queue] == ["ml/urgent", "ml/old", "ml/new"]
    assert "priority, creation time and UID" in queue_model_basis(queue_model)


def test_a_stopped_cluster_queue_has_no_forecast():
    cq = cluster_queue()
    cq["spec"]["stopPolicy"] = "Hold"
    assert model([workload("t")], cq).problem == "stopped"


def queue_model_basis(queue_model):
    return " ".join(forecast(queue_model, queue_model.queue[0].key).basis)


def test_run_times_of_queued_workloads():
    raws = [workload("r", admitted_cq="cq", usage={"cpu": "4"}, maximum=100, admitted_at="2026-08-24T10:19:00Z"),
            workload("first", requests={"cpu": "4"}, maximum=600),
            workload("second", requests={"cpu": "4"}, created="2026-08-24T10:01:00Z")]
    queue_model = model(raws, cluster_queue(4, strategy="StrictFIFO"))
    assert [job.run for job in queue_model.queue] == [600.0, None]
    second = forecast(queue_model, "ml/second")
    assert second.start_in_seconds == 640
    assert "Workload ml/first (queued ahead of it; 4 cpu, maximumExecutionTimeSeconds)" in second.sentence


def test_now_is_subtracted_consistently():
    start = NOW - timedelta(seconds=10)
    raws = [workload("r", admitted_cq="cq", usage={"cpu": "1"}, maximum=20,
                     admitted_at=start.strftime("%Y-%m-%dT%H:%M:%SZ"))]
    assert model(raws).running[0].end == 10


# ---- edges of the simulation ---------------------------------------------------------------------

def test_a_zero_request_needs_no_flavor_and_an_exact_fit_fits():
    outcome = simulate({"cq": capacity(a=4)}, [], [Job("j", "cq", {"cpu": Fraction(4), "gpu": Fraction(0)}, 5)])["j"]
    assert (outcome.admitted, outcome.flavors, outcome.ended) == (0, {"cpu": "a"}, 5)


def test_a_group_whose_resources_are_not_asked_for_is_skipped():
    cq = Capacity("cq", (ResourceGroup(("nvidia.com/gpu",), (("a100", {"nvidia.com/gpu": Fraction(0)}),)),
                         ResourceGroup(("cpu",), (("x", cpu(4)),))), BEST_EFFORT_FIFO)
    assert simulate({"cq": cq}, [], [job("j", 4, 5)])["j"].flavors == {"cpu": "x"}


def test_an_end_exactly_now_is_overdue_and_named():
    outcomes = simulate({"cq": capacity(a=8)}, [held("now", "a", 6, 0)], [job("j", 6, 100)])
    assert (outcomes["j"].admitted, outcomes["j"].enabled_by, outcomes["now"].ended) == (0, ("now",), 0)


def test_ends_are_freed_when_they_come_and_free_quota_for_jobs_released_later():
    outcomes = simulate({"cq": capacity(a=8)}, [held("r", "a", 8, 50)], [job("a", 1, 100), job("b", 8, 10, after=("a",))])
    assert [(outcomes[key].admitted, outcomes[key].ended, outcomes[key].enabled_by) for key in ("r", "a", "b")] == [
        (0.0, 50, ()), (50, 150, ("r",)), (150, 160, ("a",))]
    assert outcomes["b"].released == 150


def test_a_negative_run_time_ends_at_admission():
    outcomes = simulate({"cq": capacity(STRICT_FIFO, a=4)}, [], [job("a", 4, -10), job("b", 4, 10)])
    assert [(outcomes[key].admitted, outcomes[key].ended) for key in "ab"] == [(0, 0), (0, 10)]


def test_dependencies_that_are_not_in_the_simulation_are_ignored():
    outcomes = simulate({"cq": capacity(a=8)}, [], [job("j", 1, 10, after=("ghost",))])
    assert (outcomes["j"].released, outcomes["j"].admitted) == (0, 0)


def test_a_job_without_cluster_queue_starts_when_released_and_an_unknown_one_never():
    outcomes = simulate({"cq": capacity(a=1)}, [held("r", "a", 1, 30)],
                        [Job("free", None, cpu(100), 20), Job("lost", "elsewhere", cpu(1), 5)])
    assert (outcomes["free"].admitted, outcomes["free"].ended, outcomes["free"].flavors) == (0, 20, {})
    assert (outcomes["lost"].released, outcomes["lost"].admitted, outcomes["lost"].blocked) == (0, None, "unknown-queue")


def test_a_limit_that_is_not_set_holds_nothing_and_ends_give_back_the_slot():
    jobs = [job("a", 1, 100, limits=("unset",)), job("b", 1, 100, limits=("unset",))]
    assert admitted(simulate({"cq": capacity(a=8)}, [], jobs)) == {"a": 0, "b": 0}
    held_back = [job("a", 1, 100, limits=("wf", "tpl")), job("b", 1, 50, limits=("tpl",)),
                 job("c", 1, 10, limits=("wf",))]
    outcomes = simulate({"cq": capacity(a=8)}, [], held_back, limits={"wf": 1, "tpl": 2})
    assert {key: (o.released, o.admitted) for key, o in outcomes.items()} == {
        "a": (0, 0), "b": (0, 0), "c": (100, 100)}


def test_strict_fifo_head_that_fits_later_does_not_block_forever():
    outcomes = simulate({"cq": capacity(STRICT_FIFO, a=8)}, [held("r", "a", 6, 40), held("u", "a", 2, None)],
                        [job("big", 6, 10), job("small", 1, 10), job("never", 7, 10)])
    assert [(outcomes[key].admitted, outcomes[key].blocked, outcomes[key].blocked_by)
            for key in ("big", "small", "never")] == [(40, None, None), (50, None, None), (None, "unknown-end", None)]


def test_strict_fifo_waiting_jobs_keep_their_order_when_blocked_behind_a_head():
    outcomes = simulate({"cq": capacity(STRICT_FIFO, a=4)}, [], [job("huge", 5, 1), job("x", 1, 1), job("y", 1, 1)])
    assert [(outcomes[key].blocked, outcomes[key].blocked_by) for key in ("huge", "x", "y")] == [
        (NEVER_FITS, None), (BEHIND_NEVER_FITS, "huge"), (BEHIND_NEVER_FITS, "huge")]


def test_best_effort_tries_every_shape_in_queue_order():
    outcomes = simulate({"cq": capacity(a=4)}, [held("r", "a", 2, 100)],
                        [job("big", 3, 10), job("small", 2, 10), job("big2", 3, 10), job("small2", 1, 10)])
    assert admitted(outcomes) == {"r": 0.0, "big": 100, "small": 0, "big2": 110, "small2": 10}


def test_a_flavor_without_quota_for_a_covered_resource_has_none_of_it():
    cq = Capacity("cq", (ResourceGroup(("cpu", "memory"), (("a", cpu(4)),)),), STRICT_FIFO)
    outcome = simulate({"cq": cq}, [], [Job("j", "cq", {"cpu": Fraction(1), "memory": Fraction(1)}, 5)])["j"]
    assert (outcome.admitted, outcome.blocked) == (None, NEVER_FITS)


def test_quota_held_where_the_cluster_queue_has_none_leaves_none_free():
    cq = Capacity("cq", (ResourceGroup(("cpu", "memory"), (("a", cpu(4)),)),), STRICT_FIFO)
    holder = Running("r", "cq", {("a", "cpu"): Fraction(1), ("a", "memory"): Fraction(1, 2)}, None)
    outcome = simulate({"cq": cq}, [holder], [Job("j", "cq", {"cpu": Fraction(1), "memory": Fraction(1, 2)}, 5)])["j"]
    assert (outcome.admitted, outcome.blocked) == (None, NEVER_FITS)


def test_best_effort_admits_in_queue_order_not_by_name():
    outcomes = simulate({"cq": capacity(a=4)}, [], [job("z", 3, 10), job("a", 2, 10)])
    assert admitted(outcomes) == {"z": 0, "a": 10}


def test_requests_of_different_sizes_are_never_taken_for_one_another():
    cq = Capacity("cq", (ResourceGroup(("cpu",), (("a", {"cpu": Fraction(1, 2)}),)),), BEST_EFFORT_FIFO)
    outcomes = simulate({"cq": cq}, [], [job("whole", 1, 10), Job("half", "cq", {"cpu": Fraction(1, 2)}, 10)])
    assert (outcomes["whole"].blocked, outcomes["half"].admitted) == (NEVER_FITS, 0)


def test_an_end_within_the_first_second_is_not_overdue():
    outcomes = simulate({"cq": capacity(a=8)}, [held("late", "a", 1, -5), held("soon", "a", 4, 1)], [job("j", 2, 10)])
    assert (outcomes["j"].admitted, outcomes["j"].enabled_by) == (0, ())
    fraction = simulate({"cq": capacity(a=8)}, [held("r", "a", 8, 0.5)], [job("j", 2, 10)])
    assert (fraction["j"].admitted, fraction["j"].enabled_by) == (0.5, ("r",))


def test_an_overdue_end_is_named_only_for_the_resources_it_frees():
    group = ResourceGroup(("cpu", "memory"), (("a", {"cpu": Fraction(8), "memory": Fraction(8)}),))
    cq = Capacity("cq", (group,), BEST_EFFORT_FIFO)
    late = Running("late", "cq", {("a", "cpu"): Fraction(1)}, -5)
    outcome = simulate({"cq": cq}, [late], [Job("j", "cq", {"cpu": Fraction(2), "memory": Fraction(8)}, 10)])["j"]
    assert (outcome.admitted, outcome.enabled_by) == (0, ())
