"""Where a workflow's time went: per step, when it was queued (gated) and when it ran (pure).

Timestamps: the pod's creation, the Workload's QuotaReserved/Admitted transition (else the pod's
PodScheduled condition or start time), the node's startedAt and finishedAt.
"""
from dataclasses import dataclass, field
from typing import List, Optional

from kubectl_kueue_argo.interpret.kueue import pods as podfacts
from kubectl_kueue_argo.interpret.dicts import mapping, sequence
from kubectl_kueue_argo.timeutil import format_time, parse_time, seconds_between

QUEUED = "queued"      # the pod exists and Kueue's gate holds it
RUNNING = "running"    # admitted: scheduled, running or done
UNKNOWN = "ran"        # the pod is gone: only the node's span is known


@dataclass
class Interval:
    kind: str
    start: object
    end: object

    @property
    def seconds(self):
        return seconds_between(self.start, self.end) or 0.0

    def as_dict(self):
        return {"kind": self.kind, "start": format_time(self.start), "end": format_time(self.end),
                "seconds": round(self.seconds, 3)}


@dataclass
class StepTimeline:
    node_id: str
    display_name: str
    queue: Optional[str]
    kueue_state: str
    intervals: List[Interval] = field(default_factory=list)
    still_waiting: bool = False      # queued up to now: the bar goes on

    @property
    def unsplit(self):
        """Only the node's span is known (the pod is gone): its queued time is unknown."""
        return any(interval.kind == UNKNOWN for interval in self.intervals)


@dataclass
class Timeline:
    start: object
    end: object
    steps: List[StepTimeline]
    queued_seconds: float
    running_seconds: float
    blocked_seconds: float          # wall-clock time with steps queued and none running
    queue_costs: dict               # queue -> seconds its steps spent queued
    workflow_name: str = ""
    namespace: str = ""

    @property
    def unsplit_steps(self):
        """How many steps have no queued/running split (their pods are gone)."""
        return sum(1 for step in self.steps if step.unsplit)

    @property
    def costliest_queue(self):
        if not self.queue_costs:
            return None
        return max(sorted(self.queue_costs), key=lambda queue: self.queue_costs[queue])


def build_timeline(report):
    now = report.now
    steps = [_step_timeline(step, now) for step in report.steps]
    steps = [step for step in steps if step.intervals]
    starts = [interval.start for step in steps for interval in step.intervals]
    ends = [interval.end for step in steps for interval in step.intervals]
    start = min(starts) if starts else parse_time(report.workflow.get("startedAt")) or now
    end = max(ends) if ends else now
    queue_costs = {}
    for step in steps:
        for interval in step.intervals:
            if interval.kind == QUEUED:
                key = step.queue or "(no queue)"
                queue_costs[key] = queue_costs.get(key, 0.0) + interval.seconds
    return Timeline(
        start=start, end=end, steps=steps,
        queued_seconds=_total(steps, QUEUED), running_seconds=_total(steps, RUNNING) + _total(steps, UNKNOWN),
        blocked_seconds=_blocked_seconds(steps), queue_costs=queue_costs,
        workflow_name=report.workflow.get("name") or "", namespace=report.workflow.get("namespace") or "")


def _step_timeline(step, now):
    timeline = StepTimeline(step.node_id, step.display_name, step.local_queue, step.kueue_state)
    timeline.still_waiting = bool(step.gated and getattr(step, "still_waiting", True))
    node_start, node_end = parse_time(step.started_at), parse_time(step.finished_at)
    created = parse_time(step.pod_created)
    if created is None:
        if node_start and node_end and step.type != "Suspend":
            timeline.intervals.append(Interval(UNKNOWN, node_start, node_end))
        return timeline
    finished = node_end or (_pod_end(step.pod) if step.pod_phase in ("Succeeded", "Failed") else None)
    if step.gated:
        timeline.intervals.append(Interval(QUEUED, created, now))
        return timeline
    admitted = _admitted_at(step)
    if admitted and admitted > created:
        timeline.intervals.append(Interval(QUEUED, created, admitted))
    run_start = max(admitted, created) if admitted else created
    run_end = finished or now
    if run_end > run_start:
        timeline.intervals.append(Interval(RUNNING, run_start, run_end))
    return timeline


def _admitted_at(step):
    workload = step.workload
    if workload is not None:
        moment = parse_time(workload.admitted_at) or parse_time(workload.quota_reserved_at)
        if moment:
            return moment
    pod = mapping(step.pod)
    return (parse_time(podfacts.pod_condition_time(pod, "PodScheduled"))
            or parse_time(mapping(pod.get("status")).get("startTime")))


def _pod_end(pod):
    latest = None
    for status in sequence(mapping(mapping(pod).get("status")).get("containerStatuses")):
        moment = parse_time(mapping(mapping(mapping(status).get("state")).get("terminated")).get("finishedAt"))
        if moment and (latest is None or moment > latest):
            latest = moment
    return latest


def _total(steps, kind):
    return sum(interval.seconds for step in steps for interval in step.intervals if interval.kind == kind)


def _blocked_seconds(steps):
    """Sweep over interval edges: time where some step is queued and no step runs."""
    edges = []
    for step in steps:
        for interval in step.intervals:
            kind = QUEUED if interval.kind == QUEUED else RUNNING
            edges.append((interval.start, 1, kind))
            edges.append((interval.end, -1, kind))
    edges.sort(key=lambda edge: (edge[0], edge[1]))
    active = {QUEUED: 0, RUNNING: 0}
    blocked, previous = 0.0, None
    for moment, delta, kind in edges:
        if previous is not None and active[QUEUED] > 0 and active[RUNNING] == 0:
            blocked += seconds_between(previous, moment) or 0.0
        active[kind] += delta
        previous = moment
    return blocked


def timeline_document(timeline):
    return {
        "start": format_time(timeline.start),
        "end": format_time(timeline.end),
        "steps": [{"nodeId": step.node_id, "displayName": step.display_name, "queue": step.queue,
                   "kueueState": step.kueue_state, "stillWaiting": step.still_waiting,
                   "intervals": [interval.as_dict() for interval in step.intervals]}
                  for step in timeline.steps],
        "summary": {
            # Steps whose pods are gone have no split: their queued time is unknown, not 0.
            "stepsWithUnknownQueuedTime": timeline.unsplit_steps,
            "queuedSeconds": round(timeline.queued_seconds, 3),
            "runningSeconds": round(timeline.running_seconds, 3),
            "blockedOnQuotaSeconds": round(timeline.blocked_seconds, 3),
            "queues": {queue: round(seconds, 3) for queue, seconds in sorted(timeline.queue_costs.items())},
            "costliestQueue": timeline.costliest_queue,
        },
    }
