"""Kueue queues (LocalQueue, ClusterQueue) and the visibility API's positions (pure).

Shapes of v1beta1 and v1beta2 are both read (facts kueue §6, §7).
"""
import difflib
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from kubectl_kueue_argo.model import Position
from kubectl_kueue_argo.quantity import quantity_or_none as _quantity
from kubectl_kueue_argo.interpret.dicts import mapping as _dict, sequence as _list, text as _text
from kubectl_kueue_argo.interpret.kueue.config import label_selector_matches


# ---- queues -------------------------------------------------------------------------------------

@dataclass
class QueueStatus:
    active: Optional[bool] = None
    reason: Optional[str] = None
    message: Optional[str] = None
    stopped: bool = False
    stop_policy: Optional[str] = None


def queue_status(queue):
    queue = _dict(queue)
    active = _conditions(_dict(queue.get("status"))).get("Active") or {}
    stop_policy = _text(_dict(queue.get("spec")).get("stopPolicy"))
    return QueueStatus(
        active={"True": True, "False": False}.get(_text(active.get("status"))),
        reason=_text(active.get("reason")), message=_text(active.get("message")),
        stopped=stop_policy in ("Hold", "HoldAndDrain"), stop_policy=stop_policy,
    )


@dataclass
class Quota:
    nominal: Fraction
    borrowing_limit: Optional[Fraction] = None
    lending_limit: Optional[Fraction] = None


@dataclass
class ClusterQueueInfo:
    name: str
    cohort: Optional[str] = None
    namespace_selector: Optional[dict] = None     # None: matches NO namespace; {}: all
    queueing_strategy: str = "BestEffortFIFO"
    quotas: dict = field(default_factory=dict)    # flavor -> resource -> Quota
    covered_resources: set = field(default_factory=set)
    usage: dict = field(default_factory=dict)     # flavor -> resource -> (total, borrowed)
    reservation: dict = field(default_factory=dict)
    pending: Optional[int] = None
    admitted: Optional[int] = None
    status: QueueStatus = field(default_factory=QueueStatus)
    reserving: Optional[int] = None

    def max_capacity(self, resource):
        """Most one workload could get of `resource` in its best flavor; None: unbounded (cohort, no limit).

        With a cohort this is an upper bound: borrowing also needs unused quota elsewhere in the cohort.
        """
        best = Fraction(0)       # not covered: Kueue reports "resource unavailable in ClusterQueue"
        for resources in self.quotas.values():
            quota = resources.get(resource)
            if quota is None:
                continue
            if self.cohort and quota.borrowing_limit is None:
                return None
            borrowable = quota.borrowing_limit if self.cohort else 0
            best = max(best, quota.nominal + borrowable)
        return best

    def admits_namespace(self, namespace_labels):
        return label_selector_matches(self.namespace_selector, namespace_labels)


def cohort_name(cq):
    """The ClusterQueue's cohort: spec.cohortName in v1beta2, spec.cohort in v1beta1."""
    spec = _dict(_dict(cq).get("spec"))
    return spec.get("cohortName") or spec.get("cohort") or None


def cluster_queue_info(cq):
    cq = _dict(cq)
    spec, status = _dict(cq.get("spec")), _dict(cq.get("status"))
    quotas, covered = {}, set()
    for group in map(_dict, _list(spec.get("resourceGroups"))):
        covered.update(filter(None, map(_text, _list(group.get("coveredResources")))))
        for flavor in map(_dict, _list(group.get("flavors"))):
            quotas.setdefault(_text(flavor.get("name")), {}).update(
                (_text(r.get("name")), _quota(r)) for r in map(_dict, _list(flavor.get("resources"))))
    return ClusterQueueInfo(
        name=_dict(cq.get("metadata")).get("name") or "",
        cohort=cohort_name(cq),
        namespace_selector=spec.get("namespaceSelector"),
        queueing_strategy=spec.get("queueingStrategy") or "BestEffortFIFO",
        quotas=quotas, covered_resources=covered,
        usage=_flavor_amounts(status.get("flavorsUsage") or status.get("flavorUsage"), with_borrowed=True),
        reservation=_flavor_amounts(status.get("flavorsReservation"), with_borrowed=True),
        pending=status.get("pendingWorkloads"), admitted=status.get("admittedWorkloads"),
        reserving=status.get("reservingWorkloads"), status=queue_status(cq),
    )


def _quota(resource):
    return Quota(nominal=_quantity(resource.get("nominalQuota")) or Fraction(0),
                 borrowing_limit=_quantity(resource.get("borrowingLimit")),
                 lending_limit=_quantity(resource.get("lendingLimit")))


def _flavor_amounts(flavors, with_borrowed):
    result = {}
    for flavor in map(_dict, _list(flavors)):
        amounts = result.setdefault(_text(flavor.get("name")), {})
        for resource in map(_dict, _list(flavor.get("resources"))):
            total = _quantity(resource.get("total")) or Fraction(0)
            borrowed = _quantity(resource.get("borrowed")) or Fraction(0)
            amounts[_text(resource.get("name"))] = (total, borrowed) if with_borrowed else total
    return result


@dataclass
class LocalQueueInfo:
    name: str
    namespace: str
    cluster_queue: Optional[str] = None
    status: QueueStatus = field(default_factory=QueueStatus)
    usage: dict = field(default_factory=dict)        # flavor -> resource -> total
    pending: Optional[int] = None
    admitted: Optional[int] = None
    reservation: dict = field(default_factory=dict)
    reserving: Optional[int] = None


def local_queue_info(lq):
    lq = _dict(lq)
    meta, spec, status = _dict(lq.get("metadata")), _dict(lq.get("spec")), _dict(lq.get("status"))
    return LocalQueueInfo(
        name=meta.get("name") or "", namespace=meta.get("namespace") or "",
        cluster_queue=spec.get("clusterQueue"), status=queue_status(lq),
        usage=_flavor_amounts(status.get("flavorsUsage") or status.get("flavorUsage"), with_borrowed=False),
        pending=status.get("pendingWorkloads"), admitted=status.get("admittedWorkloads"),
        reservation=_flavor_amounts(status.get("flavorsReservation"), with_borrowed=False),
        reserving=status.get("reservingWorkloads"),
    )


# ---- visibility API (facts §7) ------------------------------------------------------------------

def pending_positions(items):
    """{workload name: Position, ("pod", owner pod name): Position}; positions count from 1."""
    positions = {}
    for item in map(_dict, _list(items)):
        meta = _dict(item.get("metadata"))
        position = Position(local_queue=_one_based(item.get("positionInLocalQueue")),
                            cluster_queue=_one_based(item.get("positionInClusterQueue")))
        if isinstance(meta.get("name"), str) and meta["name"]:
            positions[meta["name"]] = position
        for ref in _owner_refs(meta):
            if ref.get("kind") == "Pod" and isinstance(ref.get("name"), str) and ref["name"]:
                positions[("pod", ref["name"])] = position
    return positions


def workloads_ahead(items, workload_name):
    """Items queued before `workload_name` (a Workload or owner pod name) in LocalQueue order."""
    if not workload_name:
        return []
    ordered, first_index = queue_index(items)
    index = first_index.get(workload_name) if isinstance(workload_name, str) else None
    return ordered[:index] if index is not None else []


# The LocalQueue order of the last few visibility lists: explaining every pending step of a queue
# asks for the same list once per step, and sorting it each time made that quadratic (1,000
# pending Workloads: a million key calls). A snapshot's lists are not changed once read.
_QUEUE_INDEX_CACHE = []
_QUEUE_INDEX_CACHE_SIZE = 4


def queue_index(items):
    """(items in LocalQueue order, {Workload or owner pod name: index of its first item})."""
    cacheable = isinstance(items, list)
    if cacheable:
        for cached, length, ordered, first_index in _QUEUE_INDEX_CACHE:
            if cached is items and length == len(items):
                return ordered, first_index
    ordered = [item for _, item in sorted(enumerate(map(_dict, _list(items))),
                                          key=lambda pair: _queue_order(pair[1], pair[0]))]
    first_index = {}
    for index, item in enumerate(ordered):
        meta = _dict(item.get("metadata"))
        names = [meta.get("name")] + [ref.get("name") for ref in _owner_refs(meta) if ref.get("kind") == "Pod"]
        for name in names:
            if isinstance(name, str) and name not in first_index:
                first_index[name] = index
    if cacheable:
        _QUEUE_INDEX_CACHE.insert(0, (items, len(items), ordered, first_index))
        del _QUEUE_INDEX_CACHE[_QUEUE_INDEX_CACHE_SIZE:]
    return ordered, first_index


def _queue_order(item, index):
    position = item.get("positionInLocalQueue")
    return (position if isinstance(position, int) and not isinstance(position, bool) else index, index)


def _one_based(position):
    return position + 1 if isinstance(position, int) and not isinstance(position, bool) else None


def closest_name(name, candidates):
    """The candidate most like `name` (a mistyped LocalQueue), or None."""
    if not isinstance(name, str) or not name:
        return None
    names = [c for c in candidates or () if isinstance(c, str)]
    matches = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return matches[0] if matches else None


def _owner_refs(meta):
    return [ref for ref in _list(meta.get("ownerReferences")) if isinstance(ref, dict)]


def _conditions(status):
    return {c["type"]: c for c in _list(status.get("conditions")) if isinstance(c, dict) and isinstance(c.get("type"), str)}
