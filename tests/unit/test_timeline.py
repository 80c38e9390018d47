"""Timeline intervals and the time summary, on StatusReport-like objects built from dicts."""
from datetime import datetime, timezone
from types import SimpleNamespace

from kubectl_kueue_argo.interpret.status.timeline import build_timeline, timeline_document
from kubectl_kueue_argo.render.timeline import render_timeline

NOW = datetime(2026, 8, 24, 11, 0, tzinfo=timezone.utc)


def step(name, queue, created, admitted=None, finished=None, gated=False, pod=True, pod_object=None,
         pod_phase=None, step_type="Pod", workload=None, started=None):
    if admitted and workload is None:
        workload = SimpleNamespace(admitted_at=admitted, quota_reserved_at=admitted)
    return SimpleNamespace(
        node_id=name, display_name=name, local_queue=queue, kueue_state="Pending" if gated else "Admitted",
        started_at=started or created, finished_at=finished, pod_created=created if pod else None,
        pod_phase=pod_phase, gated=gated, workload=workload, pod=pod_object or {}, type=step_type)


def spans(timeline_step):
    return [(i.kind, i.start.strftime("%H:%M:%S"), i.end.strftime("%H:%M:%S")) for i in timeline_step.intervals]


def report(*steps):
    return SimpleNamespace(steps=list(steps), now=NOW, workflow={"startedAt": "2026-08-24T10:00:00Z"})


def test_queued_then_running_and_the_costliest_queue():
    timeline = build_timeline(report(
        step("a", "cpu-q", "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z", "2026-08-24T10:20:00Z"),
        step("b", "gpu-q", "2026-08-24T10:20:00Z", gated=True),
    ))
    a, b = timeline.steps
    assert [(i.kind, i.seconds) for i in a.intervals] == [("queued", 600.0), ("running", 600.0)]
    assert [(i.kind, i.seconds) for i in b.intervals] == [("queued", 2400.0)]
    assert timeline.queued_seconds == 3000.0 and timeline.running_seconds == 600.0
    # 10:00-10:10 a queued alone, 10:20-11:00 b queued alone: 50 minutes blocked
    assert timeline.blocked_seconds == 3000.0
    assert timeline.costliest_queue == "gpu-q"
    document = timeline_document(timeline)
    assert document["summary"]["costliestQueue"] == "gpu-q"
    assert document["steps"][1]["intervals"][0]["end"] == "2026-08-24T11:00:00Z"


def test_overlap_with_a_running_step_is_not_blocked_time():
    timeline = build_timeline(report(
        step("a", "q", "2026-08-24T10:00:00Z", "2026-08-24T10:00:00Z", "2026-08-24T10:30:00Z"),
        step("b", "q", "2026-08-24T10:10:00Z", "2026-08-24T10:40:00Z", "2026-08-24T10:50:00Z"),
    ))
    assert timeline.blocked_seconds == 600.0  # 10:30-10:40: b still queued, a done


def test_a_step_whose_pod_is_gone_shows_its_node_span():
    timeline = build_timeline(report(step("gc", "q", "2026-08-24T10:00:00Z", finished="2026-08-24T10:05:00Z", pod=False)))
    assert [(i.kind, i.seconds) for i in timeline.steps[0].intervals] == [("ran", 300.0)]


def test_render_fits_the_width_and_has_a_legend():
    timeline = build_timeline(report(
        step("a-very-long-step-name-that-goes-on", "q", "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z",
             "2026-08-24T10:20:00Z")))
    text = render_timeline(timeline, width=60, utf8=False)
    assert all(len(line) <= 60 for line in text.splitlines() if line.startswith("a-very"))
    assert ". queued (gated by Kueue)" in text and "# admitted / running" in text
    assert "Queue that cost the most:" in text


def test_no_steps_means_no_chart():
    assert "no timeline" in render_timeline(build_timeline(report()), width=80)


def test_an_ungated_step_never_admitted_runs_from_its_creation():
    """Gate gone, but no Workload admission time, no PodScheduled and no startTime: no queued part."""
    timeline = build_timeline(report(step("a", "q", "2026-08-24T10:50:00Z")))
    assert spans(timeline.steps[0]) == [("running", "10:50:00", "11:00:00")]


def test_a_workload_with_only_quota_reserved_ends_the_queued_part():
    workload = SimpleNamespace(admitted_at=None, quota_reserved_at="2026-08-24T10:40:00Z")
    timeline = build_timeline(report(step("a", "q", "2026-08-24T10:30:00Z", workload=workload)))
    assert spans(timeline.steps[0]) == [("queued", "10:30:00", "10:40:00"), ("running", "10:40:00", "11:00:00")]


def test_without_workload_times_the_pod_scheduled_condition_then_start_time_end_the_wait():
    scheduled = {"status": {"startTime": "2026-08-24T10:45:00Z", "conditions": [
        {"type": "PodScheduled", "status": "False", "lastTransitionTime": "2026-08-24T10:31:00Z"},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2026-08-24T10:35:00Z"}]}}
    started = {"status": {"startTime": "2026-08-24T10:45:00Z"}}
    timeline = build_timeline(report(step("a", "q", "2026-08-24T10:30:00Z", pod_object=scheduled),
                                     step("b", "q", "2026-08-24T10:30:00Z", pod_object=started)))
    assert [spans(s) for s in timeline.steps] == [
        [("queued", "10:30:00", "10:35:00"), ("running", "10:35:00", "11:00:00")],
        [("queued", "10:30:00", "10:45:00"), ("running", "10:45:00", "11:00:00")]]


def test_a_finished_pod_without_node_finish_time_ends_at_its_last_container():
    finished = {"status": {"containerStatuses": [
        {"state": {"terminated": {"finishedAt": "2026-08-24T10:20:00Z"}}},
        {"state": {"terminated": {"finishedAt": "2026-08-24T10:25:00Z"}}},
        {"state": {"terminated": {"finishedAt": "2026-08-24T10:22:00Z"}}},
        {"state": {"running": {}}}, "junk"]}}
    timeline = build_timeline(report(
        step("done", "q", "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z", pod_object=finished, pod_phase="Succeeded"),
        step("failed", "q", "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z", pod_object=finished, pod_phase="Failed"),
        step("running", "q", "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z", pod_object=finished,
             pod_phase="Running")))
    assert [spans(s) for s in timeline.steps] == [
        [("queued", "10:00:00", "10:10:00"), ("running", "10:10:00", "10:25:00")],
        [("queued", "10:00:00", "10:10:00"), ("running", "10:10:00", "10:25:00")],
        [("queued", "10:00:00", "10:10:00"), ("running", "10:10:00", "11:00:00")]]


def test_admitted_before_the_pod_existed_has_no_queued_part():
    timeline = build_timeline(report(step("a", "q", "2026-08-24T10:30:00Z", "2026-08-24T10:29:00Z",
                                          "2026-08-24T10:40:00Z")))
    assert spans(timeline.steps[0]) == [("running", "10:30:00", "10:40:00")]


def test_a_step_that_ended_when_it_was_admitted_has_no_running_part():
    timeline = build_timeline(report(step("a", "q", "2026-08-24T10:30:00Z", "2026-08-24T10:40:00Z",
                                          "2026-08-24T10:40:00Z")))
    assert spans(timeline.steps[0]) == [("queued", "10:30:00", "10:40:00")]


def test_steps_without_pod_or_span_are_left_out_and_suspend_steps_never_ran():
    timeline = build_timeline(report(
        step("suspend", None, "2026-08-24T10:00:00Z", finished="2026-08-24T10:05:00Z", pod=False, step_type="Suspend"),
        step("never-started", None, None, pod=False),
        step("unfinished", None, "2026-08-24T10:00:00Z", pod=False)))
    assert timeline.steps == []
    assert (timeline.start, timeline.end) == (datetime(2026, 8, 24, 10, 0, tzinfo=timezone.utc), NOW)
    assert (timeline.queued_seconds, timeline.running_seconds, timeline.blocked_seconds) == (0, 0, 0.0)
    assert timeline.costliest_queue is None


def test_the_axis_spans_the_earliest_start_to_the_latest_end():
    timeline = build_timeline(report(
        step("b", "q", "2026-08-24T10:20:00Z", "2026-08-24T10:25:00Z", "2026-08-24T10:30:00Z"),
        step("a", "q", "2026-08-24T10:10:00Z", "2026-08-24T10:12:00Z", "2026-08-24T10:15:00Z")))
    assert (timeline.start.strftime("%H:%M"), timeline.end.strftime("%H:%M")) == ("10:10", "10:30")


def test_a_step_without_queue_is_costed_under_no_queue_and_ties_go_to_the_first_name():
    timeline = build_timeline(report(
        step("a", None, "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z", "2026-08-24T10:20:00Z"),
        step("b", "b-queue", "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z", "2026-08-24T10:20:00Z"),
        step("c", "a-queue", "2026-08-24T10:00:00Z", "2026-08-24T10:10:00Z", "2026-08-24T10:20:00Z")))
    assert timeline.queue_costs == {"(no queue)": 600.0, "b-queue": 600.0, "a-queue": 600.0}
    assert timeline.costliest_queue == "(no queue)"
    assert timeline.blocked_seconds == 600.0


def test_blocked_time_counts_only_while_nothing_runs():
    timeline = build_timeline(report(
        step("a", "q", "2026-08-24T10:00:00Z", "2026-08-24T10:05:00Z", "2026-08-24T10:30:00Z"),
        step("b", "q", "2026-08-24T10:02:00Z", "2026-08-24T10:40:00Z", "2026-08-24T10:45:00Z"),
        step("c", "q", "2026-08-24T10:50:00Z", "2026-08-24T10:55:00Z", "2026-08-24T10:58:00Z")))
    # queued with nothing running: 10:00-10:05 (a, b), 10:30-10:40 (b), 10:50-10:55 (c)
    assert timeline.blocked_seconds == 1200.0
    assert (timeline.queued_seconds, timeline.running_seconds) == (300.0 + 2280.0 + 300.0, 1500.0 + 300.0 + 180.0)


def test_the_timeline_document_is_exact():
    timeline = build_timeline(report(
        step("a", "q", "2026-08-24T10:00:00Z", "2026-08-24T10:00:01.2345Z", "2026-08-24T10:00:03Z"),
        step("gc", None, "2026-08-24T10:00:00.12345Z", finished="2026-08-24T10:00:02Z", pod=False)))
    assert timeline_document(timeline) == {
        "start": "2026-08-24T10:00:00Z", "end": "2026-08-24T10:00:03Z",
        "steps": [{"nodeId": "a", "displayName": "a", "queue": "q", "kueueState": "Admitted", "stillWaiting": False,
                   "intervals": [
                       {"kind": "queued", "start": "2026-08-24T10:00:00Z", "end": "2026-08-24T10:00:01Z",
                        "seconds": 1.234},
                       {"kind": "running", "start": "2026-08-24T10:00:01Z", "end": "2026-08-24T10:00:03Z",
                        "seconds": 1.766}]},
                  {"nodeId": "gc", "displayName": "gc", "queue": None, "kueueState": "Admitted", "stillWaiting": False,
                   "intervals": [
                      {"kind": "ran", "start": "2026-08-24T10:00:00Z", "end": "2026-08-24T10:00:02Z",
                       "seconds": 1.877}]}],
        # gc's pod is gone: how long it queued is unknown, and counted as such
        "summary": {"queuedSeconds": 1.234, "runningSeconds": 3.642, "blockedOnQuotaSeconds": 0.123,
                    "queues": {"q": 1.234}, "costliestQueue": "q", "stepsWithUnknownQueuedTime": 1}}


def test_admitted_the_moment_the_pod_was_created_has_no_queued_part():
    timeline = build_timeline(report(step("a", "q", "2026-08-24T10:30:00Z", "2026-08-24T10:30:00Z",
                                          "2026-08-24T10:40:00Z")))
    assert spans(timeline.steps[0]) == [("running", "10:30:00", "10:40:00")]
