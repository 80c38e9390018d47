"""Kueue Workloads as plain facts (pure: dicts in, dataclasses out): state, reason, quota messages,
and which Workload belongs to a pod. Queues live in kueue.queues and the manager configuration in
kueue.config; both are re-exported here, so callers have one import point.

Facts: reference/facts/kueue.md §2-§7. Messages come from clusters of many versions: parse, never raise.
"""
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from kubectl_kueue_argo.quantity import quantity_or_none as _quantity
from kubectl_kueue_argo.interpret.dicts import mapping as _dict, sequence as _list
from kubectl_kueue_argo.interpret.kueue.config import (  # noqa: F401  (re-exported: one import point for callers)
    ManagerConfig, kueue_version_hint, label_selector_matches, namespace_management, parse_manager_config,
)
from kubectl_kueue_argo.interpret.kueue.queues import (  # noqa: F401  (re-exported: one import point for callers)
    ClusterQueueInfo, LocalQueueInfo, Quota, QueueStatus, closest_name, cluster_queue_info, local_queue_info,
    pending_positions, queue_status, workloads_ahead,
)
from kubectl_kueue_argo.interpret.kueue.resources import pod_requests

PREBUILT_WORKLOAD_KEY = "kueue.x-k8s.io/prebuilt-workload-name"
POD_GROUP_KEY = "kueue.x-k8s.io/pod-group-name"
WORKLOAD_ANNOTATION = "kueue.x-k8s.io/workload"
JOB_UID_LABEL = "kueue.x-k8s.io/job-uid"
GROUP_ANNOTATION = "kueue.x-k8s.io/is-group-workload"
NOT_EVALUATED_MESSAGE = "waiting to be evaluated by the Kueue scheduler"

# ---- quota messages (facts §3.2, flavorassigner.go) ---------------------------------------------

_NAME = r"[^\s,;]+"
_QTY = r"[^\s,;()]+"
_POD_SET_HEADER = re.compile(r"(?:couldn't|failed to) assign flavors to pod set ([^\s:;]+):\s*")
_PROBLEM_PATTERNS = (
    ("insufficient_unused_cohort", re.compile(
        rf"insufficient unused quota in cohort for (?P<resource>{_NAME}) in flavor (?P<flavor>{_NAME}),"
        rf" (?P<more>{_QTY}) more needed")),
    ("insufficient_unused", re.compile(
        rf"insufficient unused quota for (?P<resource>{_NAME}) in flavor (?P<flavor>{_NAME}),"
        rf" (?P<more>{_QTY}) more needed")),
    ("exceeds_max_capacity", re.compile(     # v0.15+
        rf"insufficient quota for (?P<resource>{_NAME}) in flavor (?P<flavor>{_NAME}), previously considered"
        rf" podsets requests \((?P<previous>{_QTY})\) \+ current podset request \((?P<requested>{_QTY})\)"
        rf" > maximum capacity \((?P<capacity>{_QTY})\)")),
    ("exceeds_max_capacity", re.compile(     # v0.10-v0.14
        rf"insufficient quota for (?P<resource>{_NAME}) in flavor (?P<flavor>{_NAME}), request > maximum"
        rf" capacity \((?P<requested>{_QTY}) > (?P<capacity>{_QTY})\)")),
    ("exceeds_max_capacity", re.compile(     # <= v0.9
        rf"insufficient quota for (?P<resource>{_NAME}) in flavor (?P<flavor>{_NAME}) in ClusterQueue")),
    ("resource_unavailable", re.compile(rf"resource (?P<resource>{_NAME}) unavailable in ClusterQueue")),
    ("untolerated_taint", re.compile(rf"untolerated taint (?P<taint>.+?) in flavor (?P<flavor>{_NAME})")),
    ("node_affinity", re.compile(rf"flavor (?P<flavor>{_NAME}) doesn't match node affinity")),
    ("flavor_not_found", re.compile(rf"flavor (?P<flavor>{_NAME}) not found")),
)
_WAITING_KINDS = {"insufficient_unused", "insufficient_unused_cohort", "other"}


@dataclass
class QuotaProblem:
    kind: str
    pod_set: Optional[str] = None
    resource: Optional[str] = None
    flavor: Optional[str] = None
    more_needed: Optional[Fraction] = None
    requested: Optional[Fraction] = None
    capacity: Optional[Fraction] = None
    previously_considered: Optional[Fraction] = None
    taint: Optional[str] = None
    raw: str = ""


def parse_quota_message(message):
    """Problems named in a flavor-assigner message; [] when it names none. Never raises."""
    if not isinstance(message, str) or not message:
        return []
    headers = list(_POD_SET_HEADER.finditer(message))
    if not headers:
        return _problems_in(message, None, keep_leftover=False)
    problems = []
    for header, following in zip(headers, headers[1:] + [None]):
        body = message[header.end(): following.start() if following else len(message)]
        problems.extend(_problems_in(body, header.group(1), keep_leftover=True))
    return problems


def _problems_in(text, pod_set, keep_leftover):
    found, covered = [], []
    for kind, pattern in _PROBLEM_PATTERNS:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in covered):
                continue      # e.g. "flavor x not found" inside a longer match
            covered.append((match.start(), match.end()))
            found.append((match.start(), _problem_from_match(kind, match, pod_set)))
    found.sort(key=lambda item: item[0])
    problems = [problem for _, problem in found]
    leftover = _uncovered(text, covered).strip(" ,;.\n")
    if keep_leftover and leftover:
        problems.append(QuotaProblem(kind="other", pod_set=pod_set, raw=leftover))
    return problems


def _problem_from_match(kind, match, pod_set):
    groups = match.groupdict()
    return QuotaProblem(
        kind=kind, pod_set=pod_set, resource=groups.get("resource"), flavor=groups.get("flavor"),
        more_needed=_quantity(groups.get("more")), requested=_quantity(groups.get("requested")),
        capacity=_quantity(groups.get("capacity")), previously_considered=_quantity(groups.get("previous")),
        taint=groups.get("taint"), raw=match.group(0),
    )


def _uncovered(text, spans):
    pieces, position = [], 0
    for start, end in sorted(spans):
        pieces.append(text[position:start])
        position = max(position, end)
    pieces.append(text[position:])
    return " ".join(piece.strip(" ,;") for piece in pieces if piece.strip(" ,;"))


# ---- Workload -----------------------------------------------------------------------------------

@dataclass
class WorkloadView:
    name: str
    namespace: str
    uid: Optional[str] = None
    queue_name: Optional[str] = None
    cluster_queue: Optional[str] = None
    state: str = "Pending"
    reason: Optional[str] = None
    message: Optional[str] = None
    flavors: dict = field(default_factory=dict)
    resource_usage: dict = field(default_factory=dict)
    requests: dict = field(default_factory=dict)
    active: bool = True
    created: Optional[str] = None
    quota_reserved_at: Optional[str] = None
    admitted_at: Optional[str] = None
    finished_at: Optional[str] = None
    evicted_at: Optional[str] = None
    eviction_reason: Optional[str] = None
    eviction_message: Optional[str] = None
    preemption_reason: Optional[str] = None
    admission_checks: list = field(default_factory=list)
    owner_pods: list = field(default_factory=list)
    job_uid: Optional[str] = None
    is_group: bool = False
    conditions: dict = field(default_factory=dict)
    quota_problems: list = field(default_factory=list)
    priority: Optional[int] = None
    priority_class: Optional[str] = None     # v1beta2 priorityClassRef.name, v1beta1 priorityClassName
    requeue_at: Optional[str] = None


def workload_view(workload):
    workload = _dict(workload)
    meta, spec, status = _dict(workload.get("metadata")), _dict(workload.get("spec")), _dict(workload.get("status"))
    conditions = _conditions(status)
    active = spec.get("active") is not False
    state, reason, message, problems = _workload_state(conditions, active, status)
    assignments = _list(_dict(status.get("admission")).get("podSetAssignments"))
    usage = _sum_resources(_dict(a).get("resourceUsage") for a in assignments)
    evicted, preempted = _true(conditions, "Evicted"), _true(conditions, "Preempted")
    return WorkloadView(
        name=meta.get("name") or "", namespace=meta.get("namespace") or "", uid=meta.get("uid"),
        queue_name=spec.get("queueName"), cluster_queue=_dict(status.get("admission")).get("clusterQueue"),
        state=state, reason=reason, message=message,
        flavors=_merged_flavors(assignments), resource_usage=usage,
        requests=_workload_requests(spec, status) or dict(usage), active=active,
        created=meta.get("creationTimestamp"),
        quota_reserved_at=_true_since(conditions, "QuotaReserved"), admitted_at=_true_since(conditions, "Admitted"),
        finished_at=_true_since(conditions, "Finished"), evicted_at=_true_since(conditions, "Evicted"),
        eviction_reason=evicted.get("reason"), eviction_message=evicted.get("message"),
        preemption_reason=preempted.get("reason"),
        admission_checks=[{"name": c.get("name"), "state": c.get("state"), "message": c.get("message")}
                          for c in map(_dict, _list(status.get("admissionChecks")))],
        owner_pods=[(r.get("name"), r.get("uid")) for r in _owner_refs(meta) if r.get("kind") == "Pod"],
        job_uid=_dict(meta.get("labels")).get(JOB_UID_LABEL),
        is_group=_dict(meta.get("annotations")).get(GROUP_ANNOTATION) == "true",
        conditions=conditions,
        quota_problems=problems,
        priority=spec.get("priority"),
        priority_class=_dict(spec.get("priorityClassRef")).get("name") or spec.get("priorityClassName"),
        requeue_at=_dict(status.get("requeueState")).get("requeueAt"),
    )


def _workload_state(conditions, active, status):
    """(state, reason, message, quota problems) by the plugin's precedence (facts §3.4; Evicted wins)."""
    for state, kind in (("Finished", "Finished"), ("Evicted", "Evicted"), ("Admitted", "Admitted")):
        condition = _true(conditions, kind)
        if condition:
            return state, condition.get("reason"), condition.get("message"), []
    reserved = conditions.get("QuotaReserved") or {}
    if reserved.get("status") == "True":
        return ("QuotaReserved",) + _awaiting_admission(conditions, status, reserved) + ([],)
    if not active:
        deactivation = conditions.get("DeactivationTarget") or {}
        return "Inadmissible", "Deactivated", deactivation.get("message") or "The workload is deactivated", []
    if reserved.get("status") == "False":
        return _classify_unreserved(reserved.get("reason"), reserved.get("message"))
    return "Pending", "NotYetEvaluated", NOT_EVALUATED_MESSAGE, []


def _awaiting_admission(conditions, status, reserved):
    admitted = conditions.get("Admitted") or {}
    reason = admitted.get("reason")
    pending_checks = [c for c in map(_dict, _list(status.get("admissionChecks"))) if c.get("state") != "Ready"]
    if reason in ("UnsatisfiedChecks", "NoReservationUnsatisfiedChecks") or (not reason and pending_checks):
        reason = "UnsatisfiedAdmissionChecks"
    return reason or reserved.get("reason"), admitted.get("message") or reserved.get("message")


_QUEUE_MESSAGE = re.compile(r"\b(LocalQueue|ClusterQueue) \S+ (doesn't exist|not found|is inactive|is stopped)")
_QUEUE_REASONS = {"doesn't exist": "NotFound", "not found": "NotFound", "is inactive": "Inactive",
                  "is stopped": "Stopped"}
_INADMISSIBLE_REASONS = {"Inadmissible", "Misconfigured", "Suspended", "AdmissionGated"}
_NEVER_FITS_REASONS = {"ExceedsMaxQuota", "NoMatchingFlavor"}
_PENDING_MESSAGES = (
    ("waiting for all admitted workloads to be in podsready", "WaitingForPodsReady"),
    ("but will fit after these preemptions complete", "WaitingForPreemptedWorkloads"),
    ("pending evaluation", "PendingEvaluation"),
    ("has failed admission checks", "AdmissionChecksFailed"),
)


def _classify_unreserved(reason, message):
    """(state, reason code, message, problems) for QuotaReserved=False, across Kueue versions (facts §3.2)."""
    text = message if isinstance(message, str) else ""
    problems = parse_quota_message(text)
    queue = _QUEUE_MESSAGE.search(text)
    if queue:
        return "Inadmissible", queue.group(1) + _QUEUE_REASONS[queue.group(2)], message, problems
    if "namespace doesn't match ClusterQueue selector" in text:
        return "Inadmissible", "NamespaceNotAllowed", message, problems
    if reason == "AdmissionGated" or text.startswith("Admission is gated by"):
        return "Inadmissible", "AdmissionGated", message, problems
    never_fits = reason if reason in _NEVER_FITS_REASONS else _never_fits_reason(problems)
    if never_fits:
        return "Inadmissible", never_fits, message, problems
    if reason in _INADMISSIBLE_REASONS:
        return "Inadmissible", reason, message, problems
    return "Pending", _pending_reason(reason, text), message, problems


def _never_fits_reason(problems):
    """ExceedsMaxQuota/NoMatchingFlavor when some pod set has no flavor it could ever fit in."""
    by_pod_set = {}
    for problem in problems:
        by_pod_set.setdefault(problem.pod_set, []).append(problem.kind)
    for kinds in by_pod_set.values():
        if not _WAITING_KINDS.intersection(kinds):
            return "ExceedsMaxQuota" if "exceeds_max_capacity" in kinds else "NoMatchingFlavor"
    return None


def _pending_reason(reason, text):
    if reason in ("WaitingForQuota", "WaitingForPodsReady", "WaitingForPreemptedWorkloads", "PendingEvaluation"):
        return reason
    if "insufficient unused quota" in text:
        return "WaitingForQuota"
    if reason == "Waiting":
        return "WaitingForPodsReady"
    lowered = text.lower()
    for fragment, code in _PENDING_MESSAGES:
        if fragment in lowered:
            return code
    return reason or "Pending"


def _merged_flavors(assignments):
    flavors = {}
    for assignment in map(_dict, assignments):
        for resource, flavor in _dict(assignment.get("flavors")).items():
            flavors.setdefault(resource, flavor)     # first pod set wins; pod sets rarely disagree
    return flavors


def _workload_requests(spec, status):
    summary = _sum_resources(_dict(r).get("resources") for r in _list(status.get("resourceRequests")))
    if summary:
        return summary
    total = {}
    for pod_set in map(_dict, _list(spec.get("podSets"))):
        count = pod_set.get("count", 1)
        count = count if isinstance(count, int) and not isinstance(count, bool) else 1
        pod_spec = _dict(_dict(pod_set.get("template")).get("spec"))
        for resource, amount in pod_requests(pod_spec).items():
            total[resource] = total.get(resource, 0) + amount * count
    return total


def _sum_resources(mappings):
    total = {}
    for mapping in mappings:
        for resource, value in _dict(mapping).items():
            amount = value if isinstance(value, Fraction) else _quantity(value)
            if amount is not None:
                total[resource] = total.get(resource, 0) + amount
    return {resource: Fraction(amount) for resource, amount in total.items()}


# ---- pod -> Workload ----------------------------------------------------------------------------

class WorkloadIndex:
    """Same-namespace lookups of Workloads for pods; views are built on first use."""

    def __init__(self, workloads, previous=None):
        """`previous`: an index of an earlier moment (status --watch); the views of the Workloads
        that are still the very same objects are taken from it instead of being built again."""
        self._raw, self._views = {}, {}
        self._by_job_uid, self._by_controller_uid, self._by_pod_uid, self._by_pod_name = {}, {}, {}, {}
        for workload in workloads or ():
            self._add(_dict(workload))
        if previous is not None:
            for key, view in previous._views.items():
                if self._raw.get(key) is previous._raw.get(key):
                    self._views[key] = view

    def _add(self, workload):
        meta = _dict(workload.get("metadata"))
        key = (meta.get("namespace") or "", meta.get("name") or "")
        self._raw[key] = workload
        namespace = key[0]
        job_uid = _dict(meta.get("labels")).get(JOB_UID_LABEL)
        if job_uid:
            self._by_job_uid.setdefault((namespace, job_uid), key)
        for ref in _owner_refs(meta):
            if ref.get("controller") is True and ref.get("uid"):
                self._by_controller_uid.setdefault((namespace, ref["uid"]), key)
            if ref.get("kind") == "Pod":
                if ref.get("uid"):
                    self._by_pod_uid.setdefault((namespace, ref["uid"]), key)
                if ref.get("name"):
                    self._by_pod_name.setdefault((namespace, ref["name"]), key)

    def get(self, namespace, name):
        key = (namespace or "", name or "")
        if key not in self._raw:
            return None
        if key not in self._views:
            self._views[key] = workload_view(self._raw[key])
        return self._views[key]

    def for_pod(self, pod):
        key = self._key_for_pod(pod)
        return self.get(*key) if key else None

    def raw_for_pod(self, pod):
        """The Workload object of a pod as read, without building its view."""
        key = self._key_for_pod(pod)
        return self._raw[key] if key else None

    def _key_for_pod(self, pod):
        meta = _dict(_dict(pod).get("metadata"))
        namespace, uid = meta.get("namespace") or "", meta.get("uid")
        labels, annotations = _dict(meta.get("labels")), _dict(meta.get("annotations"))
        for name in (annotations.get(PREBUILT_WORKLOAD_KEY), labels.get(PREBUILT_WORKLOAD_KEY),
                     annotations.get(POD_GROUP_KEY), labels.get(POD_GROUP_KEY), annotations.get(WORKLOAD_ANNOTATION)):
            if name and (namespace, name) in self._raw:
                return namespace, name
        for table, value in ((self._by_job_uid, uid), (self._by_controller_uid, uid),
                             (self._by_pod_uid, uid), (self._by_pod_name, meta.get("name"))):
            if value and (namespace, value) in table:
                return table[(namespace, value)]
        return None

    def views(self):
        return [self.get(*key) for key in self._raw]


# ---- small helpers ------------------------------------------------------------------------------

def _owner_refs(meta):
    return [ref for ref in _list(meta.get("ownerReferences")) if isinstance(ref, dict)]


def _conditions(status):
    return {c["type"]: c for c in _list(status.get("conditions")) if isinstance(c, dict) and c.get("type")}


def _true(conditions, kind):
    condition = conditions.get(kind) or {}
    return condition if condition.get("status") == "True" else {}


def _true_since(conditions, kind):
    return _true(conditions, kind).get("lastTransitionTime")
