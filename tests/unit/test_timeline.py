"""Timeline intervals and the time summary, on StatusReport-like objects built from dicts."""
from datetime import datetime, timezone
from types import SimpleNamespace

from kubectl_kueue_argo.interpret.status.timeline import build_timeline, timeline_document
from kubectl_kueue_argo.render.timeline import render_timeline

NOW = datetime(2026, 8, 24, 11, 0, tzinfo=timezone.utc)


def step(name, queue, created, admitted=None, finished=None, gated=False, pod=True):
    workload = SimpleNamespace(admitted_at=admitted, quota_reserved_at=admitted) if admitted else None
    return SimpleNamespace(
        node_id=name, display_name=name, local_queue=queue, kueue_state="Pending" if gated else "Admitted",
        started_at=created, finished_at=finished, pod_created=created if pod else None, pod_phase=None,
        gated=gated, workload=workload, pod={}, type="Pod")


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
