"""Replay Kueue's admission forward in time (pure, deterministic).

The model of issue #10. Capacity is a ClusterQueue's nominal quota per flavor and resource
(borrowing is ignored). The running set holds quota until its expected ends; an end already past
counts as now, an unknown end never comes. The queue is admitted in Kueue's order at every
moment something ends: StrictFIFO admits the head while it fits and stops at the first Workload
that does not; BestEffortFIFO admits, in order, every Workload that fits. A Workload fits when
each of its resource groups has a flavor, taken in the ClusterQueue's order, with enough free
quota for all its requests in that group. Nothing else arrives, nothing is preempted, the
estimates hold.

For the finish time of a workflow the same loop also releases jobs whose dependencies ended
(a DAG task, the next step group) and holds back jobs over a parallelism limit. Times are
seconds from now.
"""
import heapq
from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Dict, List, Optional, Tuple

STRICT_FIFO = "StrictFIFO"
BEST_EFFORT_FIFO = "BestEffortFIFO"

# Why a job was never admitted.
NEVER_FITS = "never-fits"            # more than the nominal quota, even with the queue empty
BEHIND_NEVER_FITS = "behind-never-fits"  # StrictFIFO: the head never fits, so nothing behind it moves
UNKNOWN_END = "unknown-end"          # waits for quota held by Workloads whose end is unknown
NOT_RELEASED = "not-released"        # a dependency never ends (or its end is unknown)
UNKNOWN_QUEUE = "unknown-queue"      # its ClusterQueue's capacity is not known


@dataclass(frozen=True)
class ResourceGroup:
    covered: Tuple[str, ...]
    flavors: Tuple[Tuple[str, Dict[str, Fraction]], ...]   # (flavor, resource -> nominal), in the CQ's order


@dataclass
class Capacity:
    name: str
    groups: Tuple[ResourceGroup, ...]
    strategy: str = BEST_EFFORT_FIFO

    def nominal(self):
        """(flavor, resource) -> nominal quota."""
        return {(flavor, resource): amount for group in self.groups for flavor, quota in group.flavors
                for resource, amount in quota.items()}

    def assign(self, requests, free):
        """{resource: flavor} for a Workload that fits in `free` ((flavor, resource) -> amount), else None."""
        chosen = {}
        left = {resource for resource, amount in requests.items() if amount > 0}
        for group in self.groups:
            wanted = [(resource, requests[resource]) for resource in group.covered if resource in left]
            if not wanted:
                continue
            for flavor, _ in group.flavors:
                if all(free.get((flavor, resource), 0) >= amount for resource, amount in wanted):
                    chosen.update((resource, flavor) for resource, _ in wanted)
                    break
            else:
                return None
            left.difference_update(resource for resource, _ in wanted)
        return None if left else chosen


@dataclass
class Running:
    """An admitted, unfinished Workload: the quota it holds and when it is expected to end."""
    key: str
    cluster_queue: str
    usage: Dict[Tuple[str, str], Fraction]      # (flavor, resource) -> amount
    end: Optional[float]                        # seconds from now; None: unknown


@dataclass
class Job:
    """Something that still has to be admitted: a pending Workload, or a pod a workflow will create."""
    key: str
    cluster_queue: Optional[str]                # None: Kueue does not queue it; it starts when released
    requests: Dict[str, Fraction]
    run: Optional[float]                        # seconds from admission to its end; None: unknown
    after: Tuple[str, ...] = ()                 # keys (jobs or running) that must end before it exists
    limits: Tuple[str, ...] = ()                # parallelism limits it counts against, from release to end


@dataclass
class Outcome:
    key: str
    released: Optional[float] = None
    admitted: Optional[float] = None
    ended: Optional[float] = None
    flavors: Dict[str, str] = field(default_factory=dict)
    enabled_by: Tuple[str, ...] = ()            # keys whose end (at `admitted`) let it in
    blocked: Optional[str] = None               # why it was never admitted (the constants above)
    blocked_by: Optional[str] = None            # the key behind it: the never-fitting head


def simulate(capacities, running=(), jobs=(), limits=None):
    """Outcome per key of every running item and job. `capacities`: {ClusterQueue: Capacity};
    `limits`: {limit name: how many of its jobs may exist (released, not ended) at once}."""
    return _Simulation(capacities, running, jobs, limits or {}).run()


class _Queue:
    """The released, unadmitted jobs of one ClusterQueue, in Kueue's order (release time, input order)."""

    def __init__(self, capacity, free):
        self.capacity, self.free = capacity, free
        self.strict = capacity.strategy == STRICT_FIFO
        self.heap = []                       # StrictFIFO: (order, key, job)
        self.by_shape = {}                   # BestEffortFIFO: requests shape -> deque of (order, key, job)
        self.never = {}                      # requests shape -> True if it can never fit
        self.blocking_head = None

    def push(self, order, job):
        if self.strict:
            heapq.heappush(self.heap, (order, job.key, job))
        else:
            self.by_shape.setdefault(_shape(job.requests), deque()).append((order, job.key, job))

    def never_fits(self, job):
        shape = _shape(job.requests)
        if shape not in self.never:
            self.never[shape] = self.capacity.assign(job.requests, self.capacity.nominal()) is None
        return self.never[shape]

    def admit(self, admit):
        """Admit what fits now; `admit(job, flavors)` records each admission."""
        if self.strict:
            while self.heap:
                _, _, job = self.heap[0]
                flavors = self.capacity.assign(job.requests, self.free)
                if flavors is None:
                    self.blocking_head = job if self.never_fits(job) else None
                    return
                heapq.heappop(self.heap)
                admit(job, flavors)
            return
        failed = set()
        while True:
            heads = [(entries[0][0], shape) for shape, entries in self.by_shape.items()
                     if entries and shape not in failed]
            if not heads:
                return
            _, shape = min(heads)
            _, _, job = self.by_shape[shape][0]
            flavors = self.capacity.assign(job.requests, self.free)
            if flavors is None:
                failed.add(shape)
                continue
            self.by_shape[shape].popleft()
            admit(job, flavors)

    def waiting(self):
        if self.strict:
            return [job for _, _, job in sorted(self.heap)]
        return [job for entries in self.by_shape.values() for _, _, job in entries]


class _Simulation:
    def __init__(self, capacities, running, jobs, limits):
        self.capacities = capacities
        self.limits = dict(limits)
        self.in_limit = {name: 0 for name in self.limits}
        self.free = {name: capacity.nominal() for name, capacity in capacities.items()}
        self.queues = {name: _Queue(capacity, self.free[name]) for name, capacity in capacities.items()}
        self.outcomes = {}
        self.ends = []                        # heap of (time, sequence, key)
        self.sequence = 0
        self.usage = {}                       # key -> (ClusterQueue, usage) while it holds quota
        self.jobs = {}
        self.index = {}
        self.waiting_on = {}                  # job key -> number of dependencies not ended
        self.dependents = {}                  # key -> job keys released by its end
        self.held = []                        # (order, key): dependencies ended, over a parallelism limit
        self.just_ended = ()
        self.overdue = {}                     # ClusterQueue -> quota freed by ends already past (t = 0 only)
        for item in running:
            self.outcomes[item.key] = Outcome(item.key, released=0.0, admitted=0.0)
            self._take(item.key, item.cluster_queue, item.usage)
            if item.end is not None:
                self._schedule_end(item.key, max(0.0, item.end))
                if item.end <= 0:
                    credit = self.overdue.setdefault(item.cluster_queue, {})
                    for slot, amount in item.usage.items():
                        credit[slot] = credit.get(slot, 0) + amount
        for position, job in enumerate(jobs):
            self.jobs[job.key] = job
            self.index[job.key] = position
            self.outcomes[job.key] = Outcome(job.key)
        for job in jobs:
            pending = [dependency for dependency in job.after if dependency in self.outcomes]
            self.waiting_on[job.key] = len(pending)
            for dependency in pending:
                self.dependents.setdefault(dependency, []).append(job.key)

    def run(self):
        now = 0.0
        self._end_until(now)
        for job in self.jobs.values():
            if self.waiting_on[job.key] == 0:
                self._release(job, now)
        while True:
            self._release_held(now)
            for name, queue in self.queues.items():
                queue.admit(lambda job, flavors, at=now, cq=name: self._admit(job, flavors, at, cq))
            self.overdue = {}
            if not self.ends:
                break
            now = self.ends[0][0]
            self._end_until(now)
        self._explain_leftovers()
        return self.outcomes

    # -- events -----------------------------------------------------------------------------

    def _schedule_end(self, key, at):
        self.sequence += 1
        heapq.heappush(self.ends, (at, self.sequence, key))

    def _end_until(self, now):
        ended = []
        while self.ends and self.ends[0][0] <= now:
            _, _, key = heapq.heappop(self.ends)
            ended.append(key)
            self.outcomes[key].ended = now
            held = self.usage.pop(key, None)
            if held is not None:
                cluster_queue, usage = held
                free = self.free.get(cluster_queue)
                if free is not None:
                    for slot, amount in usage.items():
                        free[slot] = free.get(slot, 0) + amount
            job = self.jobs.get(key)
            for name in job.limits if job else ():
                if name in self.in_limit:        # a limit that is not set holds nothing (as in _release)
                    self.in_limit[name] -= 1
            for dependent in self.dependents.get(key, ()):
                self.waiting_on[dependent] -= 1
                if self.waiting_on[dependent] == 0:
                    self._release(self.jobs[dependent], now)
        if ended:
            self.just_ended = tuple(ended)

    def _release(self, job, now):
        if any(self.in_limit[name] >= self.limits[name] for name in job.limits if name in self.limits):
            heapq.heappush(self.held, ((now, self.index[job.key]), job.key))
            return
        for name in job.limits:
            if name in self.in_limit:
                self.in_limit[name] += 1
        outcome = self.outcomes[job.key]
        outcome.released = now
        if job.cluster_queue is None:
            self._admit(job, {}, now, None)
            return
        queue = self.queues.get(job.cluster_queue)
        if queue is None:
            outcome.blocked = UNKNOWN_QUEUE
            return
        if not queue.strict and queue.never_fits(job):
            outcome.blocked = NEVER_FITS
            return
        queue.push((now, self.index[job.key]), job)

    def _release_held(self, now):
        still = []
        while self.held:
            order, key = heapq.heappop(self.held)
            job = self.jobs[key]
            if any(self.in_limit[name] >= self.limits[name] for name in job.limits if name in self.limits):
                still.append((order, key))
                continue
            self._release(job, now)
        for entry in still:
            heapq.heappush(self.held, entry)

    def _admit(self, job, flavors, now, cluster_queue):
        outcome = self.outcomes[job.key]
        outcome.admitted, outcome.flavors = now, dict(flavors)
        outcome.enabled_by = self._enablers(job, now, cluster_queue)
        if cluster_queue is not None:
            usage = {}
            for resource, flavor in flavors.items():
                slot = (flavor, resource)
                usage[slot] = usage.get(slot, 0) + job.requests[resource]
            self._take(job.key, cluster_queue, usage)
        if job.run is not None:
            self._schedule_end(job.key, now + max(0.0, job.run))

    def _enablers(self, job, now, cluster_queue):
        """The ends that let a job in: those at `now`; at now = 0, the overdue ends, if it would
        not have fitted without them."""
        if now > 0:
            return self.just_ended
        credit = self.overdue.get(cluster_queue)
        if not credit:
            return ()
        free = self.free[cluster_queue]
        without = {slot: amount - credit.get(slot, 0) for slot, amount in free.items()}
        if self.capacities[cluster_queue].assign(job.requests, without) is not None:
            return ()
        return self.just_ended

    def _take(self, key, cluster_queue, usage):
        self.usage[key] = (cluster_queue, usage)
        free = self.free.get(cluster_queue)
        if free is not None:
            for slot, amount in usage.items():
                free[slot] = free.get(slot, 0) - amount

    def _explain_leftovers(self):
        for queue in self.queues.values():
            head = queue.blocking_head
            for job in queue.waiting():
                outcome = self.outcomes[job.key]
                if head is not None and job.key == head.key:
                    outcome.blocked = NEVER_FITS
                elif head is not None:
                    outcome.blocked, outcome.blocked_by = BEHIND_NEVER_FITS, head.key
                elif queue.never_fits(job):
                    outcome.blocked = NEVER_FITS
                else:
                    outcome.blocked = UNKNOWN_END
        for key, outcome in self.outcomes.items():
            if key in self.jobs and outcome.released is None and outcome.blocked is None:
                outcome.blocked = NOT_RELEASED


def _shape(requests):
    return tuple(sorted((resource, amount) for resource, amount in requests.items() if amount > 0))


__all__ = ["Capacity", "ResourceGroup", "Running", "Job", "Outcome", "simulate", "STRICT_FIFO",
           "BEST_EFFORT_FIFO", "NEVER_FITS", "BEHIND_NEVER_FITS", "UNKNOWN_END", "NOT_RELEASED", "UNKNOWN_QUEUE"]
