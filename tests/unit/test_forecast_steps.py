"""Start forecasts of the waiting steps of a status report (interpret/forecast/steps.py) on the
forecast fixtures read from files, whose answers were worked out by hand from the model of issue
#10 (tests/fixtures/forecast/*/expected.yaml notes), and what is said when a read is missing."""
import copy
import functools

from kubectl_kueue_argo.interpret.forecast.steps import ForecastContext, forecast_steps, forecast_workload, involved
from kubectl_kueue_argo.interpret.forecast.wording import StartForecast
from kubectl_kueue_argo.interpret.status.correlate import build_status_report
from kubectl_kueue_argo.sources.files import FileCluster
from kubectl_kueue_argo.sources.forecast import read_files
from kubectl_kueue_argo.timeutil import parse_time
from tests.support.forecast_fixtures import load_forecast_fixture

ASSUMES = "assumes nothing else arrives, nothing is preempted and the expected ends hold"
ARGO_WAIT = "Argo estimates come from the previous successful run and include its queue wait"
VISIBILITY = "queue order from the visibility API (positionInClusterQueue)"
BY_PRIORITY = "queue order by priority, creation time and UID (no ClusterQueue visibility list)"


@functools.lru_cache(maxsize=None)
def _fixture(name):
    return load_forecast_fixture(name)


def read_fixture(name):
    """(snapshot, report, view, now) of a forecast fixture, read offline as `status --forecast` does
    (from a copy: the tests change what they read)."""
    fixture = _fixture(name)
    files = FileCluster(copy.deepcopy(fixture.objects))
    snapshot = files.snapshot_for_workflow(fixture.expected["workflow"], fixture.expected["namespace"])
    now = parse_time(fixture.expected["now"])
    report = build_status_report(snapshot, now)
    return snapshot, report, read_files(files, snapshot, report), now


def forecasts(name, change_view=None):
    snapshot, report, view, now = read_fixture(name)
    if change_view:
        change_view(view)
    for step in report.steps:
        step.forecast = "stale"          # every step is set again: None unless it is Pending
    forecast_steps(report, snapshot, view, now)
    return {step.display_name: step.forecast for step in report.steps}


def test_best_effort_admits_the_small_step_now_and_the_big_one_when_extract_ends():
    basis = ["ClusterQueue team-cq: BestEffortFIFO, nominal quota; " + VISIBILITY,
             "expected ends of 2 running Workloads: 1 node startedAt + estimatedDuration, "
             "1 Workload spec.maximumExecutionTimeSeconds", ARGO_WAIT, ASSUMES]
    extract = "step extract of workflow data-team/etl-a-7k2mq (4 cpu, Argo estimate)"
    assert forecasts("best-effort") == {
        "fetch": None,
        "train": StartForecast(300, [f"fits once {extract} ends"] + basis,
                               f"expected to start in about 5 minutes, when {extract} ends", "team-cq"),
        "lint": StartForecast(0, ["fits in the unused nominal quota of ClusterQueue team-cq now"] + basis,
                              "expected to start now: it fits in the unused quota of ClusterQueue team-cq", "team-cq")}


def test_strict_fifo_keeps_the_order_and_an_overdue_end_counts_as_now():
    basis = ["ClusterQueue batch-cq: StrictFIFO, nominal quota; " + VISIBILITY,
             "expected ends of 2 running Workloads: 2 node startedAt + estimatedDuration", ARGO_WAIT, ASSUMES]
    y = "step y of workflow nightly-r4q8z (6 cpu, Argo estimate, overdue)"
    a = "step a of workflow sweep-p8d2k (queued ahead of it; 4 cpu, Argo estimate)"
    x = "step x of workflow sweep-p8d2k (4 cpu, Argo estimate)"
    result = forecasts("strict-fifo")
    assert {name: result[name] for name in ("a", "b", "c")} == {
        "a": StartForecast(0, [f"fits once {y} ends; that end is past, so any moment now"] + basis,
                           f"expected to start any moment now, when {y} ends", "batch-cq"),
        "b": StartForecast(480, [f"fits once {a} ends"] + basis,
                           f"expected to start in about 8 minutes, when {a} ends", "batch-cq"),
        "c": StartForecast(600, [f"fits once {x} ends"] + basis,
                           f"expected to start in about 10 minutes, when {x} ends", "batch-cq")}
    assert {name for name, value in result.items() if value is not None} == {"a", "b", "c"}


def test_a_cohort_too_small_and_an_unknown_end():
    basis = ["ClusterQueue shared-cq: BestEffortFIFO, nominal quota; " + VISIBILITY,
             "ClusterQueue shared-cq is in cohort research: forecast on its nominal quota alone, borrowing ignored",
             "expected ends of 1 running Workload: 1 unknown", ARGO_WAIT, ASSUMES]
    big = ("it needs more than the nominal quota of ClusterQueue shared-cq (borrowing from the cohort is not "
           "forecast)")
    mid = ("it can only be admitted after a Workload whose end is unknown: Workload "
           "ml-team/pod-jupyter-lab-9fz2k-f7e71 (6 cpu, end unknown)")
    result = forecasts("unknown-end-cohort")
    assert {name: value for name, value in result.items() if value is not None} == {
        "big": StartForecast(None, [big] + basis, f"no start time can be forecast: {big}", "shared-cq"),
        "mid": StartForecast(None, [mid] + basis, f"no start time can be forecast: {mid}", "shared-cq")}


def only_own_namespace(view):
    view.workloads = [raw for raw in view.workloads if raw["metadata"]["namespace"] == "ml-team"]
    view.all_namespaces, view.namespaces, view.workloads_problem = False, ("ml-team",), "forbidden"
    view.cluster_queue_pending = {"team-cq": None}
    view.cluster_queue_pending_problems = {"team-cq": "forbidden"}
    view.workflows = {"ml-team": view.workflows["ml-team"], "data-team": None}
    view.workflow_problems = {"data-team": "forbidden", "a-team": "timed out"}


def test_missing_reads_are_said_and_the_answer_is_partial_only_where_it_is_still_right():
    notes = ["Workloads of other namespaces could not be read (forbidden): the quota they hold counts as held "
             "with an unknown end",
             "the visibility list of ClusterQueue team-cq could not be read (forbidden)",
             "Workflows of namespace a-team could not be read (timed out): their steps have no Argo estimate",
             "Workflows of namespace data-team could not be read (forbidden): their steps have no Argo estimate"]
    basis = ["ClusterQueue team-cq: BestEffortFIFO, nominal quota; " + BY_PRIORITY,
             "expected ends of 2 running Workloads: 1 Workload spec.maximumExecutionTimeSeconds, 1 unknown", ASSUMES]
    why = ("it can only be admitted after a Workload whose end is unknown: quota held by Workloads that were not "
           "read")
    result = forecasts("best-effort", only_own_namespace)
    assert result["train"] == StartForecast(None, [why] + basis + notes, f"no start time can be forecast: {why}",
                                            "team-cq")
    assert result["lint"] == StartForecast(
        0, ["fits in the unused nominal quota of ClusterQueue team-cq now"] + basis + notes,
        "expected to start now: it fits in the unused quota of ClusterQueue team-cq", "team-cq")


def test_reserved_quota_beyond_the_workloads_read_is_said_when_every_namespace_was_read():
    def without_extract(view):
        view.workloads = [raw for raw in view.workloads if raw["metadata"]["namespace"] == "ml-team"]
    result = forecasts("best-effort", without_extract)
    assert result["train"].basis[0] == ("it can only be admitted after a Workload whose end is unknown: quota held "
                                        "by Workloads that were not read")
    assert result["train"].basis[-1] == ("ClusterQueue team-cq reserves more quota than the Workloads read hold: "
                                         "the rest counts as held with an unknown end")


# ---- what cannot be forecast ---------------------------------------------------------------------

def pending_step_forecast(name, change):
    snapshot, report, view, now = read_fixture("best-effort")
    change(snapshot, report, view)
    forecast_steps(report, snapshot, view, now)
    return next(step.forecast for step in report.steps if step.display_name == name)


def unknown(reason, cluster_queue="team-cq"):
    return StartForecast(None, [reason], f"no start time can be forecast: {reason}", cluster_queue)


def test_a_step_whose_workload_or_cluster_queue_is_unknown():
    def no_workload(snapshot, report, view):
        report.steps[1].workload = None
    assert pending_step_forecast("train", no_workload) == unknown("its Workload could not be read", None)

    def unmapped(snapshot, report, view):
        report.steps[1].cluster_queue = None
        report.steps[1].workload.queue_name = "elsewhere"
        report.steps[1].local_queue = "elsewhere"
    assert pending_step_forecast("train", unmapped) == unknown(
        "the ClusterQueue behind LocalQueue elsewhere is unknown", None)

    def nothing_known(snapshot, report, view):
        unmapped(snapshot, report, view)
        report.steps[1].local_queue = None
    assert pending_step_forecast("train", nothing_known) == unknown("the ClusterQueue behind LocalQueue ? is unknown",
                                                                    None)

    def from_local_queue(snapshot, report, view):
        report.steps[1].cluster_queue = None
    assert pending_step_forecast("train", from_local_queue).start_in_seconds == 300


def test_a_cluster_queue_that_cannot_be_read_or_admits_nothing():
    def unreadable(snapshot, report, view):
        snapshot.cluster_queues = None
    assert pending_step_forecast("train", unreadable) == unknown("ClusterQueue team-cq could not be read")

    def missing(snapshot, report, view):
        snapshot.cluster_queues = []
    assert pending_step_forecast("train", missing) == unknown(
        "ClusterQueue team-cq does not exist or could not be read")

    def stopped(snapshot, report, view):
        snapshot.cluster_queues = copy.deepcopy(snapshot.cluster_queues)
        snapshot.cluster_queues[0]["spec"]["stopPolicy"] = "Hold"
    assert pending_step_forecast("train", stopped) == unknown("ClusterQueue team-cq is stopped: it admits nothing")


def test_a_workload_that_is_not_queued_there_has_no_forecast():
    snapshot, report, view, now = read_fixture("best-effort")
    context = ForecastContext(snapshot, view, now, report)
    assert forecast_workload(context, "team-cq", "ml-team/not-there") == unknown(
        "its Workload is not in the queue of ClusterQueue team-cq")
    outcomes = {}
    first = forecast_workload(context, "team-cq", "ml-team/pod-train-f3k9z-lint-3716971630-b96d7", outcomes)
    assert first.start_in_seconds == 0 and list(outcomes) == ["team-cq"]


# ---- what else to read ---------------------------------------------------------------------------

def test_involved_names_the_cluster_queues_of_the_waiting_steps_and_the_namespaces_using_them():
    snapshot, report, view, _ = read_fixture("best-effort")
    assert involved(snapshot, view, report) == (["team-cq"], ["data-team", "ml-team"])
    for step in report.steps:
        step.cluster_queue = None
    assert involved(snapshot, view, report) == (["team-cq"], ["data-team", "ml-team"])
    report.steps[1].kueue_state = report.steps[2].kueue_state = "Admitted"
    assert involved(snapshot, view, report) == ([], [])


def test_involved_maps_local_queues_given_beside_the_snapshot():
    snapshot, report, view, _ = read_fixture("best-effort")
    local_queues, snapshot.local_queues = snapshot.local_queues, None
    for step in report.steps:
        step.cluster_queue = None
    view.workloads = [raw for raw in view.workloads if not (raw.get("status") or {}).get("admission")]   # nothing admitted
    snapshot.workloads = []
    assert involved(snapshot, view, report) == ([], [])
    assert involved(snapshot, view, report, local_queues) == (["team-cq"], ["ml-team"])
    snapshot.local_queues = local_queues
    assert involved(snapshot, view, report) == (["team-cq"], ["ml-team"])


def test_an_active_deadline_counts_from_the_start_of_the_pod_read_with_the_workflow():
    """Step x (admitted 10:20:02, its pod started 10:20:04) without Argo estimate, with a 1200 s deadline:
    it ends at 10:40:04, and c, queued behind it in StrictFIFO, starts then (604 s after 10:30)."""
    snapshot, report, view, now = read_fixture("strict-fifo")
    x = next(step for step in report.steps if step.display_name == "x")
    del x.node["estimatedDuration"]
    raw = next(raw for raw in view.workloads if raw["metadata"]["name"] == x.workload.name)
    raw["spec"]["podSets"][0]["template"]["spec"]["activeDeadlineSeconds"] = 1200
    forecast_steps(report, snapshot, view, now)
    c = next(step for step in report.steps if step.display_name == "c")
    assert (c.forecast.start_in_seconds, c.forecast.sentence) == (
        604, "expected to start in about 10 minutes, when step x of workflow sweep-p8d2k (4 cpu, activeDeadlineSeconds) "
             "ends")
    for pod in snapshot.pods:            # pods in a file without their namespace are the workflow's
        del pod["metadata"]["namespace"]
    forecast_steps(report, snapshot, view, now)
    assert c.forecast.start_in_seconds == 604


def test_local_queue_positions_say_which_unread_workloads_are_ahead_without_the_cluster_queue_list():
    """Only ml-team is readable and team-cq counts 3 pending Workloads: one is unread. The LocalQueue
    list puts train first in the ClusterQueue (nothing unread ahead) and lint third (the unread one
    is ahead of it)."""
    def positions(train, lint):
        snapshot, report, view, now = read_fixture("best-effort")
        only_own_namespace(view)
        snapshot.cluster_queues = copy.deepcopy(snapshot.cluster_queues)
        snapshot.cluster_queues[0]["status"]["pendingWorkloads"] = 3
        items = [{"metadata": {"name": step.workload.name, "namespace": "ml-team"}, "positionInClusterQueue": position}
                 for step, position in ((report.steps[1], train), (report.steps[2], lint))]
        snapshot.pending_workloads = {("ml-team", "user-queue"): items}
        forecast_steps(report, snapshot, view, now)
        return [step.forecast.basis[0] for step in report.steps[1:]]
    unknown_end = ("it can only be admitted after a Workload whose end is unknown: quota held by Workloads that were "
                   "not read")
    one_ahead = "1 Workload ahead of it in ClusterQueue team-cq could not be read"
    assert positions(0, 2) == [unknown_end, one_ahead]
    assert positions(False, 2) == [one_ahead, one_ahead]       # not a position: the unread one may be ahead
