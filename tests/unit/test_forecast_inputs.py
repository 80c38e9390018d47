"""What a start forecast reads from plain Kueue and Argo dicts (interpret/forecast/inputs.py): the
capacity and reserved quota of a ClusterQueue, where each Workload stands, the LocalQueue map, the
Argo node of each pod, the expected ends and run times, and the queue model built from them."""
from datetime import datetime, timezone
from fractions import Fraction

from kubectl_kueue_argo.interpret.forecast import inputs
from kubectl_kueue_argo.interpret.forecast.simulate import Capacity, ResourceGroup
from tests.unit.test_forecast_simulate import cluster_queue, model, workload

NOW = datetime(2026, 8, 24, 10, 20, tzinfo=timezone.utc)


def argo_workflow(nodes, name="etl", namespace="ml", annotations=None):
    meta = {"name": name, "namespace": namespace}
    if annotations:
        meta["annotations"] = annotations
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": meta,
            "status": {"nodes": {node["id"]: node for node in nodes}}}


# ---- Argo nodes ----------------------------------------------------------------------------------

def test_argo_index_finds_pod_nodes_by_the_pod_name_argo_gives_them():
    extract = {"id": "etl-1", "name": "etl[0].extract", "displayName": "extract", "templateName": "extract",
               "type": "Pod"}
    group = {"id": "etl-2", "name": "etl[0]", "displayName": "[0]", "type": "StepGroup"}
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([extract, group]))
    assert index.node_for("ml", "etl-extract-3078942605") == ("etl", extract)
    assert index.node_for("other", "etl-extract-3078942605") == (None, None)
    assert index._by_pod == {("ml", "etl-extract-3078942605"): ("etl", extract)}


def test_argo_index_skips_a_pod_node_whose_name_is_damaged():
    """A node name that is not text has no pod name: it used to crash `status --forecast`."""
    damaged = {"id": "etl-1", "name": None, "templateName": "extract", "type": "Pod"}
    load = {"id": "etl-3", "name": "etl[1].load", "displayName": "load", "templateName": "load", "type": "Pod"}
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([damaged, load]))
    assert index._by_pod == {("ml", "etl-load-3635643563"): ("etl", load)}


def test_argo_index_keeps_the_first_workflow_of_a_pod_name_and_add_node_overrides_it():
    node = {"id": "etl-1", "name": "etl[0].extract", "templateName": "extract", "type": "Pod"}
    later = dict(node, displayName="later")
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([node]))
    index.add_workflow(argo_workflow([later]))
    assert index.node_for("ml", "etl-extract-3078942605") == ("etl", node)
    index.add_node("ml", "etl-extract-3078942605", "etl", later)
    assert index.node_for("ml", "etl-extract-3078942605") == ("etl", later)
    index.add_node("ml", None, "etl", node)
    index.add_node("ml", "p", "etl", None)
    assert index._by_pod == {("ml", "etl-extract-3078942605"): ("etl", later)}


def test_argo_index_uses_the_node_id_with_the_v1_pod_name_format():
    node = {"id": "etl-1234", "name": "etl[0].extract", "templateName": "extract", "type": "Pod"}
    index = inputs.ArgoIndex()
    index.add_workflow(argo_workflow([node], annotations={"workflows.argoproj.io/pod-name-format": "v1"}))
    assert index.node_for("ml", "etl-1234") == ("etl", node)


# ---- capacity ------------------------------------------------------------------------------------

def test_capacity_keeps_groups_and_flavors_in_the_cluster_queue_order():
    cq = {"metadata": {"name": "team"}, "spec": {"queueingStrategy": "StrictFIFO", "resourceGroups": [
        {"coveredResources": ["cpu", "memory"], "flavors": [
            {"name": "spot", "resources": [{"name": "cpu", "nominalQuota": "8"},
                                           {"name": "memory", "nominalQuota": "1Ki"}]},
            {"name": "on-demand", "resources": [{"name": "cpu", "nominalQuota": "500m"},
                                                {"name": "memory"}, {"name": "ephemeral-storage",
                                                                     "nominalQuota": "1"}]}]},
        {"coveredResources": ["nvidia.com/gpu"], "flavors": [
            {"name": "a100", "resources": [{"name": "nvidia.com/gpu", "nominalQuota": 2}]}]}]}}
    assert inputs.capacity_of(cq) == Capacity("team", (
        ResourceGroup(("cpu", "memory", "ephemeral-storage"), (
            ("spot", {"cpu": 8, "memory": 1024}),
            ("on-demand", {"cpu": Fraction(1, 2), "memory": 0, "ephemeral-storage": 1}))),
        ResourceGroup(("nvidia.com/gpu",), (("a100", {"nvidia.com/gpu": 2}),))), "StrictFIFO")


def test_capacity_of_a_cluster_queue_without_strategy_or_groups():
    assert inputs.capacity_of({"metadata": {"name": "empty"}, "spec": {}}) == Capacity("empty", (), "BestEffortFIFO")
    assert inputs.capacity_of({}) == Capacity("", (), "BestEffortFIFO")


def test_reserved_quota_reads_flavors_reservation_else_usage_and_skips_zero():
    status = {"flavorsReservation": [{"name": "a", "resources": [{"name": "cpu", "total": "6"},
                                                                 {"name": "memory", "total": "0"}]},
                                     {"name": "b", "resources": [{"name": "cpu", "total": "1500m"}]}],
              "flavorsUsage": [{"name": "a", "resources": [{"name": "cpu", "total": "2"}]}]}
    assert inputs.reserved_quota({"status": status}) == {("a", "cpu"): 6, ("b", "cpu"): Fraction(3, 2)}
    del status["flavorsReservation"]
    assert inputs.reserved_quota({"status": status}) == {("a", "cpu"): 2}
    assert inputs.reserved_quota({}) == {}


# ---- where Workloads stand -----------------------------------------------------------------------

def kueue_workload(name="w", namespace="ml", *, queue="q", admission=None, conditions=(), active=None):
    raw = {"metadata": {"name": name, "namespace": namespace}, "spec": {"queueName": queue}, "status": {}}
    if active is not None:
        raw["spec"]["active"] = active
    if admission is not None:
        raw["status"]["admission"] = admission
    raw["status"]["conditions"] = [{"type": kind, "status": status} for kind, status in conditions]
    return raw


def test_placement_of_queued_admitted_finished_and_inactive_workloads():
    admission = {"clusterQueue": "cq", "podSetAssignments": []}
    cases = {
        "queued": (kueue_workload(), inputs.Placement("ml", "w", "q", None, False, True)),
        "admitted": (kueue_workload(admission=admission), inputs.Placement("ml", "w", "q", "cq", True, False)),
        "finished": (kueue_workload(admission=admission, conditions=[("Finished", "True")]),
                     inputs.Placement("ml", "w", "q", "cq", False, False)),
        "finished, never admitted": (kueue_workload(conditions=[("Finished", "True")]),
                                     inputs.Placement("ml", "w", "q", None, False, False)),
        "not finished yet": (kueue_workload(conditions=[("Finished", "False")]),
                             inputs.Placement("ml", "w", "q", None, False, True)),
        "deactivated": (kueue_workload(active=False), inputs.Placement("ml", "w", "q", None, False, False)),
        "active": (kueue_workload(active=True), inputs.Placement("ml", "w", "q", None, False, True)),
    }
    assert {case: inputs.placement(raw) for case, (raw, _) in cases.items()} == {
        case: expected for case, (_, expected) in cases.items()}
    assert inputs.placement(kueue_workload()).key == "ml/w"
    assert inputs.placement({}) == inputs.Placement("", "", None, None, False, True)


def test_workload_facts_count_usage_only_while_quota_is_held():
    admission = {"clusterQueue": "cq", "podSetAssignments": [
        {"name": "main", "flavors": {"cpu": "a", "memory": "a"}, "resourceUsage": {"cpu": "3", "memory": "1Gi"}},
        {"name": "workers", "flavors": {"cpu": "a", "nvidia.com/gpu": "g"},
         "resourceUsage": {"cpu": "1", "nvidia.com/gpu": "0", "ephemeral-storage": "1Gi"}}]}
    facts = inputs.workload_facts(kueue_workload(admission=admission))
    assert facts.usage == {("a", "cpu"): 4, ("a", "memory"): 2 ** 30}
    assert facts.holds_quota and facts.view.name == "w"
    done = inputs.workload_facts(kueue_workload(admission=admission, conditions=[("Finished", "True")]))
    assert done.usage == {}


def test_local_queue_map_from_local_queues_and_from_admitted_workloads():
    admitted = inputs.placement(kueue_workload("a", queue="seen", admission={"clusterQueue": "cq-from-admission"}))
    queued = inputs.placement(kueue_workload("b", queue="waiting"))
    no_queue = inputs.placement(kueue_workload("c", queue=None, admission={"clusterQueue": "cq-x"}))
    local_queues = [{"metadata": {"name": "lq", "namespace": "ml"}, "spec": {"clusterQueue": "cq"}},
                    {"metadata": {"name": "seen", "namespace": "ml"}, "spec": {"clusterQueue": "cq-from-lq"}},
                    {"metadata": {"name": "nowhere", "namespace": "ml"}, "spec": {}},
                    {"metadata": {"name": "cluster-scoped"}, "spec": {"clusterQueue": "cq-2"}},
                    {"metadata": {}, "spec": {"clusterQueue": "cq-3"}}]
    assert inputs.local_queue_map(local_queues, [admitted, queued, no_queue]) == {
        ("ml", "lq"): "cq", ("ml", "seen"): "cq-from-lq", ("", "cluster-scoped"): "cq-2"}
    assert inputs.local_queue_map(None, [admitted, queued]) == {("ml", "seen"): "cq-from-admission"}


# ---- expected ends and run times -----------------------------------------------------------------

def timed_workload(*, maximum=None, used=None, used_misspelt=None, deadline=None, admitted="2026-08-24T10:10:00Z",
                   reserved=None, pod_sets=None):
    """An admitted Workload; times are minutes before NOW (10:20): admitted 10 minutes ago."""
    conditions = []
    if reserved:
        conditions.append({"type": "QuotaReserved", "status": "True", "lastTransitionTime": reserved})
    if admitted:
        conditions.append({"type": "Admitted", "status": "True", "lastTransitionTime": admitted})
    pod_spec = {"containers": [{"name": "main", "image": "x"}]}
    if deadline is not None:
        pod_spec["activeDeadlineSeconds"] = deadline
    raw = {"metadata": {"name": "w", "namespace": "ml"}, "spec": {"queueName": "q", "podSets": pod_sets or [
        {"name": "main", "count": 1, "template": {"spec": pod_spec}}]},
        "status": {"admission": {"clusterQueue": "cq"}, "conditions": conditions}}
    if maximum is not None:
        raw["spec"]["maximumExecutionTimeSeconds"] = maximum
    if used is not None:
        raw["status"]["accumulatedPastExecutionTimeSeconds"] = used
    if used_misspelt is not None:
        raw["status"]["accumulatedPastExexcutionTimeSeconds"] = used_misspelt
    return inputs.workload_facts(raw)


def node(started="2026-08-24T10:15:00Z", estimate=600):
    return {"id": "n", "type": "Pod", "startedAt": started, "estimatedDuration": estimate}


def test_expected_end_prefers_the_argo_estimate_from_the_node_start():
    facts = timed_workload(maximum=3600, deadline=7200)
    assert inputs.expected_end(facts, node(), None, NOW) == (300.0, inputs.ARGO_ESTIMATE)
    # an estimate already run out is a past end (the simulation counts it as now)
    assert inputs.expected_end(facts, node(estimate=60), None, NOW) == (-240.0, inputs.ARGO_ESTIMATE)


def test_without_a_usable_estimate_the_end_is_the_maximum_execution_time_from_admission():
    facts = timed_workload(maximum=3600, deadline=7200)
    for unusable in (node(started=None), node(estimate=0), node(estimate=True), node(estimate="600"), None):
        assert inputs.expected_end(facts, unusable, None, NOW) == (3000.0, inputs.MAX_EXECUTION_TIME)
    assert inputs.expected_end(timed_workload(maximum=3600, used=1000), None, None, NOW) == (
        2000.0, inputs.MAX_EXECUTION_TIME)
    # Kueue v1beta1 wrote the field with a typo; both spellings count
    assert inputs.expected_end(timed_workload(maximum=3600, used_misspelt=600.5), None, None, NOW) == (
        2399.5, inputs.MAX_EXECUTION_TIME)
    assert inputs.expected_end(timed_workload(maximum=3600, used="1000"), None, None, NOW) == (
        3000.0, inputs.MAX_EXECUTION_TIME)


def test_then_the_active_deadline_from_the_pod_start_else_the_admission_else_the_quota_reservation():
    facts = timed_workload(deadline=1200)
    pod = {"status": {"startTime": "2026-08-24T10:12:00Z"}}
    assert inputs.expected_end(facts, None, pod, NOW) == (720.0, inputs.ACTIVE_DEADLINE)
    assert inputs.expected_end(facts, None, {"status": {}}, NOW) == (600.0, inputs.ACTIVE_DEADLINE)
    assert inputs.expected_end(facts, None, None, NOW) == (600.0, inputs.ACTIVE_DEADLINE)
    reserved_only = timed_workload(deadline=1200, admitted=None, reserved="2026-08-24T10:05:00Z")
    assert inputs.expected_end(reserved_only, None, None, NOW) == (300.0, inputs.ACTIVE_DEADLINE)
    # a maximum execution time needs the admission time
    no_admission = timed_workload(maximum=60, deadline=1200, admitted=None, reserved="2026-08-24T10:05:00Z")
    assert inputs.expected_end(no_admission, None, None, NOW) == (300.0, inputs.ACTIVE_DEADLINE)


def test_the_first_pod_set_with_a_deadline_counts_and_no_source_means_unknown():
    pod_sets = [{"name": "a", "template": {"spec": {"activeDeadlineSeconds": "60"}}},
                {"name": "b", "template": {"spec": {}}},
                {"name": "c", "template": {"spec": {"activeDeadlineSeconds": 900}}},
                {"name": "d", "template": {"spec": {"activeDeadlineSeconds": 1800}}}]
    assert inputs.expected_end(timed_workload(pod_sets=pod_sets), None, None, NOW) == (300.0, inputs.ACTIVE_DEADLINE)
    assert inputs.expected_end(timed_workload(), None, None, NOW) == (None, None)
    assert inputs.expected_end(timed_workload(deadline=600, admitted=None), None, None, NOW) == (None, None)


def test_run_time_of_a_queued_workload_takes_the_same_sources_in_the_same_order():
    everything = timed_workload(maximum=3600, used=600, deadline=7200, admitted=None)
    assert inputs.run_time(everything, node(started=None, estimate=90.5)) == (90.5, inputs.ARGO_ESTIMATE)
    assert inputs.run_time(everything, node(estimate=-5)) == (3000.0, inputs.MAX_EXECUTION_TIME)
    assert inputs.run_time(timed_workload(deadline=7200, admitted=None), None) == (7200.0, inputs.ACTIVE_DEADLINE)
    assert inputs.run_time(timed_workload(admitted=None), {"id": "n"}) == (None, None)
    assert inputs.run_time(timed_workload(admitted=None), node(estimate=1)) == (1.0, inputs.ARGO_ESTIMATE)


# ---- visibility lists ----------------------------------------------------------------------------

def visibility_item(name, position, namespace="ml", local_queue="q"):
    return {"metadata": {"name": name, "namespace": namespace}, "localQueueName": local_queue,
            "positionInClusterQueue": position}


def test_whole_visibility_lists_only_for_cluster_queues_whose_every_pending_workload_is_listed():
    local_queues = [{"metadata": {"name": "q", "namespace": "ml"}, "spec": {"clusterQueue": "whole"}},
                    {"metadata": {"name": "q", "namespace": "other"}, "spec": {"clusterQueue": "gap"}},
                    {"metadata": {"name": "short", "namespace": "ml"}, "spec": {"clusterQueue": "short"}},
                    {"metadata": {"name": "empty", "namespace": "ml"}, "spec": {"clusterQueue": "empty"}}]
    first, second = visibility_item("a", 0), visibility_item("b", 1)
    items = [second, first, dict(first),                                    # out of order, listed twice
             visibility_item("c", 0, "other"), visibility_item("d", 2, "other"),   # position 1 missing
             visibility_item("e", 0, local_queue="short"),                    # the ClusterQueue counts 2
             visibility_item("f", 0, local_queue="unknown-lq")]
    cluster_queues = [{"metadata": {"name": name}, "status": status} for name, status in (
        ("whole", {"pendingWorkloads": 2}), ("gap", {"pendingWorkloads": 3}), ("short", {"pendingWorkloads": 2}),
        ("empty", {"pendingWorkloads": 0}), ("unknown-count", {}), ("never-listed", {"pendingWorkloads": 1}))]
    assert inputs.whole_visibility_lists(items, local_queues, cluster_queues) == {
        "whole": [first, second], "gap": None, "short": None, "empty": [], "unknown-count": None,
        "never-listed": None}


def test_a_visibility_list_without_a_pending_count_is_whole_when_its_positions_are():
    local_queues = [{"metadata": {"name": "q", "namespace": "ml"}, "spec": {"clusterQueue": "cq"}}]
    items = [visibility_item("a", 0), visibility_item("b", 1)]
    assert inputs.whole_visibility_lists(items, local_queues, [{"metadata": {"name": "cq"}}]) == {"cq": items}
    damaged = [visibility_item("a", 0), visibility_item("b", True)]
    assert inputs.whole_visibility_lists(damaged, local_queues, [{"metadata": {"name": "cq"}}]) == {"cq": None}


# ---- the model of one ClusterQueue ---------------------------------------------------------------

def test_a_cluster_queue_that_cannot_be_read_stopped_or_inactive_has_no_model():
    assert inputs.queue_model("cq", None, [], argo_index=inputs.ArgoIndex(), pods={}, lq_map={},
                              pending_items=None, now=NOW) == inputs.QueueModel("cq", None, problem="unreadable")
    damaged = cluster_queue()
    damaged["spec"]["resourceGroups"][0]["coveredResources"] = [["cpu"]]
    assert model([], damaged) == inputs.QueueModel("cq", None, problem="unreadable")
    inactive = cluster_queue()
    inactive["status"]["conditions"][0]["status"] = "False"
    assert model([workload("t")], inactive).problem == "inactive"
    assert model([workload("t")], inactive).queue == []


def test_the_running_set_is_what_holds_quota_in_this_cluster_queue():
    raws = [workload("mine", admitted_cq="cq", usage={"cpu": "2"}, maximum=600, admitted_at="2026-08-24T10:15:00Z"),
            workload("overdue", admitted_cq="cq", usage={"cpu": "1"}, maximum=60, admitted_at="2026-08-24T10:15:00Z"),
            workload("endless", admitted_cq="cq", usage={"cpu": "1"}),
            workload("elsewhere", admitted_cq="other-cq", usage={"cpu": "4"}, maximum=60),
            workload("queued", requests={"cpu": "3"}),
            finished_workload("done", admitted_cq="cq", usage={"cpu": "4"}, maximum=60),
            workload("other-queue", queue="unmapped", requests={"cpu": "1"})]
    queue_model = model(raws, cluster_queue(8, reserved=4))
    assert [(item.key, item.usage, item.end) for item in queue_model.running] == [
        ("ml/mine", {("a", "cpu"): 2}, 300.0), ("ml/overdue", {("a", "cpu"): 1}, -240.0),
        ("ml/endless", {("a", "cpu"): 1}, None)]
    assert [(job.key, job.requests, job.run) for job in queue_model.queue] == [("ml/queued", {"cpu": 3}, None)]
    assert queue_model.ends == {inputs.MAX_EXECUTION_TIME: 2, "unknown": 1}
    assert not queue_model.unknown_running and queue_model.unknown_pending == 0
    assert queue_model.items == {
        "ml/mine": inputs.Item("ml/mine", "ml", "mine", {"cpu": 2}, inputs.MAX_EXECUTION_TIME, pod=None),
        "ml/overdue": inputs.Item("ml/overdue", "ml", "overdue", {"cpu": 1}, inputs.MAX_EXECUTION_TIME, overdue=True),
        "ml/endless": inputs.Item("ml/endless", "ml", "endless", {"cpu": 1}, None),
        "ml/queued": inputs.Item("ml/queued", "ml", "queued", {"cpu": 3}, None)}
    assert queue_model.endless() == ["ml/endless"] and queue_model.queued("ml/queued")
    assert not queue_model.queued("ml/mine")


def test_an_end_exactly_now_is_overdue():
    raws = [workload("now", admitted_cq="cq", usage={"cpu": "1"}, maximum=300, admitted_at="2026-08-24T10:15:00Z")]
    assert model(raws).items["ml/now"].overdue


def test_items_name_the_argo_step_of_their_pod():
    argo = inputs.ArgoIndex()
    argo.add_node("ml", "etl-extract-1", "etl", {"displayName": "extract", "estimatedDuration": 120,
                                                 "startedAt": "2026-08-24T10:19:00Z"})
    argo.add_node("ml", "etl-load-2", "etl", {"displayName": "load", "estimatedDuration": 45})
    raws = [workload("running", admitted_cq="cq", usage={"cpu": "2"}, owner="etl-extract-1"),
            workload("waiting", requests={"cpu": "1"}, owner="etl-load-2")]
    queue_model = model(raws, argo=argo)
    assert queue_model.items == {
        "ml/running": inputs.Item("ml/running", "ml", "running", {"cpu": 2}, inputs.ARGO_ESTIMATE, "etl", "extract",
                                  "etl-extract-1"),
        "ml/waiting": inputs.Item("ml/waiting", "ml", "waiting", {"cpu": 1}, inputs.ARGO_ESTIMATE, "etl", "load",
                                  "etl-load-2")}
    assert [item.end for item in queue_model.running] == [60.0]
    assert [job.run for job in queue_model.queue] == [45.0]


def test_the_visibility_order_counts_the_unreadable_ahead_and_appends_late_workloads_by_priority():
    raws = [workload("b", requests={"cpu": "1"}), workload("a", requests={"cpu": "1"}),
            workload("late-low", requests={"cpu": "1"}, created="2026-08-24T10:10:00Z"),
            workload("late-high", requests={"cpu": "1"}, created="2026-08-24T10:11:00Z", priority=5),
            workload("elsewhere", "other", queue="unmapped", requests={"cpu": "1"})]
    items = [visibility_item("a", 2), visibility_item("hidden-1", 0, "other"), visibility_item("b", 3),
             visibility_item("hidden-2", 1, "other"), {"metadata": {"name": "no-position", "namespace": "x"}}]
    queue_model = model(raws, pending_items=items)
    assert queue_model.order == inputs.VISIBILITY_ORDER
    assert [job.key for job in queue_model.queue] == ["ml/a", "ml/b", "ml/late-high", "ml/late-low"]
    assert queue_model.unknown_pending == 3
    assert queue_model.unknown_ahead == {"ml/a": 2, "ml/b": 2, "ml/late-high": 3, "ml/late-low": 3}


def test_without_a_visibility_list_the_pending_count_says_how_many_could_not_be_read():
    raws = [workload("first", requests={"cpu": "1"}), workload("second", requests={"cpu": "1"},
                                                               created="2026-08-24T10:05:00Z")]
    counted = model(raws, cluster_queue(8, pending=4))
    assert counted.order == inputs.PRIORITY_ORDER and counted.unknown_pending == 2
    assert counted.unknown_ahead == {"ml/first": 2, "ml/second": 2}       # without positions: all may be ahead
    # a LocalQueue position says how many are ahead; never more than are unread, never fewer than none
    placed = model(raws, cluster_queue(8, pending=4), lq_positions={"ml/first": 1, "ml/second": 9})
    assert placed.unknown_ahead == {"ml/first": 1, "ml/second": 2}
    before = model(raws, cluster_queue(8, pending=4), lq_positions={"ml/second": 0})
    assert before.unknown_ahead == {"ml/first": 2, "ml/second": 0}
    assert model(raws, cluster_queue(8, pending=1)).unknown_pending == 0
    assert model(raws, cluster_queue(8, pending="4")).unknown_pending == 0


def test_priority_order_ties_break_on_creation_time_then_uid():
    raws = [workload("z", requests={"cpu": "1"}), workload("y", requests={"cpu": "1"}),
            workload("x", requests={"cpu": "1"}, created="2026-08-24T09:00:00Z", priority=-1),
            workload("odd-priority", requests={"cpu": "1"}, created="2026-08-24T11:00:00Z", priority="high")]
    assert [job.key for job in model(raws).queue] == ["ml/y", "ml/z", "ml/odd-priority", "ml/x"]


def finished_workload(name, **kw):
    raw = workload(name, **kw)
    raw["status"]["conditions"].append({"type": "Finished", "status": "True", "reason": "Succeeded", "message": "",
                                        "lastTransitionTime": "2026-08-24T10:16:00Z"})
    return raw


def test_quota_the_cluster_queue_reserves_beyond_what_was_read_is_held_with_an_unknown_end():
    nothing_read = model([], cluster_queue(8, reserved=6))
    assert [(item.key, item.usage, item.end) for item in nothing_read.running] == [
        ("?unreadable", {("a", "cpu"): 6}, None)]
    assert nothing_read.unknown_running and nothing_read.ends == {"unknown": 1}
    one_more = model([workload("mine", admitted_cq="cq", usage={"cpu": "2"}, maximum=600)], cluster_queue(8, reserved=3))
    assert [(item.key, item.usage) for item in one_more.running] == [
        ("ml/mine", {("a", "cpu"): 2}), ("?unreadable", {("a", "cpu"): 1})]
    assert one_more.ends == {inputs.MAX_EXECUTION_TIME: 1, "unknown": 1}
