"""An in-process fake Kubernetes API server for integration tests.

Stdlib only.  The real ``kubernetes`` client talks HTTP/1.1 to it through a real kubeconfig
(see ``tests/support/kubeconfig.py``).  It serves:

* discovery (``/version``, ``/api``, ``/api/v1``, ``/apis``, ``/apis/<g>``, ``/apis/<g>/<v>``);
* GET / LIST / WATCH of core Pods, ConfigMaps, Namespaces, Events, the Argo CRDs and the Kueue
  CRDs (Kueue objects at every served version, converting the v1beta1 <-> v1beta2 renames);
* the Kueue visibility API (``pendingworkloads`` for LocalQueues and ClusterQueues);
* metav1.Status errors worded like kube-apiserver (401, 403, 404, 405, 410, ...);
* test hooks: RBAC denial (``forbid``), bearer-token auth, fault injection, latency, request
  recording, watch scripting (``wait_for_watchers``, ``expire_watches``, ``drop_watches``,
  ``compact``).

Objects are plain dicts.  ``add`` copies only the top level and ``metadata`` (to stamp
resourceVersion/uid/creationTimestamp), so do not mutate nested parts of an object after adding
it; call ``update`` with a new dict instead.

Example::

    with FakeApiServer() as server:
        server.add({"apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": "p", "namespace": "ns"}})
        write_kubeconfig(tmp_path / "kubeconfig", server.url)
"""
from __future__ import annotations

import base64
import bisect
import collections
import json
import queue
import re
import socket
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterable, List, Optional, Tuple
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["FakeApiServer", "RequestRecord", "ResourceType", "RESOURCES", "LabelSelectorError"]

CORE = ""
ARGO = "argoproj.io"
KUEUE = "kueue.x-k8s.io"
VISIBILITY = "visibility.kueue.x-k8s.io"

_ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


@dataclass(frozen=True)
class ResourceType:
    kind: str
    group: str
    plural: str
    singular: str
    namespaced: bool
    short_names: Tuple[str, ...] = ()
    verbs: Tuple[str, ...] = tuple(_ALL_VERBS)
    # Field selectors the real apiserver accepts besides metadata.name / metadata.namespace.
    field_labels: Tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        """``pods`` or ``workflows.argoproj.io``: the wording kube-apiserver uses in messages."""
        return self.plural if not self.group else "%s.%s" % (self.plural, self.group)


_POD_FIELDS = ("spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
               "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP",
               "status.podIPs", "status.nominatedNodeName")
_EVENT_FIELDS = ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                 "involvedObject.uid", "involvedObject.apiVersion",
                 "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                 "reportingComponent", "source", "type")

RESOURCES: Dict[str, ResourceType] = {r.kind: r for r in [
    ResourceType("Pod", CORE, "pods", "pod", True, ("po",), field_labels=_POD_FIELDS),
    ResourceType("ConfigMap", CORE, "configmaps", "configmap", True, ("cm",)),
    ResourceType("Namespace", CORE, "namespaces", "namespace", False, ("ns",),
                 verbs=("create", "delete", "get", "list", "patch", "update", "watch"),
                 field_labels=("status.phase",)),
    ResourceType("Event", CORE, "events", "event", True, ("ev",), field_labels=_EVENT_FIELDS),
    ResourceType("ResourceQuota", CORE, "resourcequotas", "resourcequota", True, ("quota",)),
    ResourceType("Workflow", ARGO, "workflows", "workflow", True, ("wf",)),
    ResourceType("WorkflowTemplate", ARGO, "workflowtemplates", "workflowtemplate", True,
                 ("wftmpl",)),
    ResourceType("ClusterWorkflowTemplate", ARGO, "clusterworkflowtemplates",
                 "clusterworkflowtemplate", False, ("clusterwftmpl", "cwft")),
    ResourceType("CronWorkflow", ARGO, "cronworkflows", "cronworkflow", True, ("cwf", "cronwf")),
    ResourceType("Workload", KUEUE, "workloads", "workload", True, ("wl",)),
    ResourceType("LocalQueue", KUEUE, "localqueues", "localqueue", True,
                 ("queue", "queues", "lq")),
    ResourceType("ClusterQueue", KUEUE, "clusterqueues", "clusterqueue", False, ("cq",)),
    ResourceType("ResourceFlavor", KUEUE, "resourceflavors", "resourceflavor", False,
                 ("flavor", "flavors", "rf")),
    ResourceType("Cohort", KUEUE, "cohorts", "cohort", False),
    ResourceType("WorkloadPriorityClass", KUEUE, "workloadpriorityclasses",
                 "workloadpriorityclass", False),
    ResourceType("AdmissionCheck", KUEUE, "admissionchecks", "admissioncheck", False),
]}

_REASONS = {
    400: ("BadRequest", "the server rejected our request for an unknown reason"),
    401: ("Unauthorized", "Unauthorized"),
    403: ("Forbidden", "forbidden"),
    404: ("NotFound", "the server could not find the requested resource"),
    405: ("MethodNotAllowed", "the server does not allow this method on the requested resource"),
    409: ("Conflict", "the server reported a conflict"),
    410: ("Expired", "the resource has expired"),
    422: ("Invalid", "the server rejected our request due to an error in our request"),
    429: ("TooManyRequests", "the server has received too many requests and has asked us to "
                             "try again later"),
    500: ("InternalError", "an error on the server (\"\") has prevented the request from "
                           "succeeding"),
    503: ("ServiceUnavailable", "the server is currently unable to handle the request"),
    504: ("Timeout", "the server was unable to return a response in the time allotted, but may "
                     "still be processing the request"),
}

_CONTINUE_EXPIRED = (
    "The provided continue parameter is too old to display a consistent list result. You can "
    "start a new list without the continue parameter, or use the continue token in this response "
    "to retrieve the remainder of the results. Continuing with the provided token results in an "
    "inconsistent list - objects that were created, modified, or deleted between the time the "
    "first chunk was returned and now may show up in the list.")


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


_ENCODER = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def _dumps(obj: Any) -> bytes:
    return _ENCODER.encode(obj).encode()


def status_body(code: int, message: Optional[str] = None, reason: Optional[str] = None,
                details: Optional[dict] = None) -> dict:
    """A metav1.Status failure object."""
    default_reason, default_message = _REASONS.get(code, ("", "unknown"))
    st: Dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {},
                          "status": "Failure",
                          "message": default_message if message is None else message,
                          "reason": default_reason if reason is None else reason}
    if details is not None:
        st["details"] = details
    st["code"] = code
    return st


def _details(rt_or_name: Any, name: Optional[str], group: Optional[str] = None) -> dict:
    if isinstance(rt_or_name, ResourceType):
        kind, group = rt_or_name.plural, rt_or_name.group
    else:
        kind = rt_or_name
    d: Dict[str, Any] = {}
    if name:
        d["name"] = name
    if group:
        d["group"] = group
    d["kind"] = kind
    return d


# --------------------------------------------------------------------------------------------
# Label and field selectors
# --------------------------------------------------------------------------------------------

class LabelSelectorError(ValueError):
    pass


_KEY_RE = r"[A-Za-z0-9][-A-Za-z0-9_./]*"
_VAL_RE = r"(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?"
_REQ_SET = re.compile(r"^\s*(%s)\s+(in|notin)\s*\((.*)\)\s*$" % _KEY_RE)
_REQ_OP = re.compile(r"^\s*(%s)\s*(==|!=|=|>|<)\s*(%s)\s*$" % (_KEY_RE, _VAL_RE))
_REQ_EXISTS = re.compile(r"^\s*(!?)\s*(%s)\s*$" % _KEY_RE)
_VAL_ONLY = re.compile(r"^%s$" % _VAL_RE)


def _split_top_level(sel: str) -> List[str]:
    parts, depth, cur = [], 0, []
    for ch in sel:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise LabelSelectorError("unbalanced parenthesis in %r" % sel)
        if ch == "," and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if depth:
        raise LabelSelectorError("unbalanced parenthesis in %r" % sel)
    parts.append("".join(cur))
    return parts


# A requirement is (key, op, values) with op in: eq ne in notin exists !exists gt lt
Requirement = Tuple[str, str, Any]


def parse_label_selector(sel: Optional[str]) -> List[Requirement]:
    if not sel or not sel.strip():
        return []
    reqs: List[Requirement] = []
    for part in _split_top_level(sel):
        if not part.strip():
            raise LabelSelectorError("unable to parse requirement: empty requirement in %r" % sel)
        m = _REQ_SET.match(part)
        if m:
            vals = [v.strip() for v in m.group(3).split(",")]
            for v in vals:
                if not _VAL_ONLY.match(v):
                    raise LabelSelectorError("unable to parse requirement: invalid label value "
                                             "%r" % v)
            reqs.append((m.group(1), m.group(2), frozenset(vals)))
            continue
        m = _REQ_OP.match(part)
        if m:
            key, op, val = m.groups()
            if op in (">", "<"):
                try:
                    num = int(val)
                except ValueError:
                    raise LabelSelectorError("unable to parse requirement: for 'Gt', 'Lt' "
                                             "operators, the value must be an integer")
                reqs.append((key, "gt" if op == ">" else "lt", num))
            else:
                reqs.append((key, "ne" if op == "!=" else "eq", val))
            continue
        m = _REQ_EXISTS.match(part)
        if m:
            reqs.append((m.group(2), "!exists" if m.group(1) else "exists", None))
            continue
        raise LabelSelectorError("unable to parse requirement: %r" % part.strip())
    return reqs


def _labels_match(labels: Dict[str, str], reqs: List[Requirement]) -> bool:
    for key, op, val in reqs:
        present = key in labels
        if op == "eq":
            if not present or labels[key] != val:
                return False
        elif op == "in":
            if not present or labels[key] not in val:
                return False
        elif op == "ne":
            if present and labels[key] == val:
                return False
        elif op == "notin":
            if present and labels[key] in val:
                return False
        elif op == "exists":
            if not present:
                return False
        elif op == "!exists":
            if present:
                return False
        else:  # gt / lt
            if not present:
                return False
            try:
                num = int(labels[key])
            except ValueError:
                return False
            if (op == "gt" and not num > val) or (op == "lt" and not num < val):
                return False
    return True


def parse_field_selector(sel: Optional[str], rt: ResourceType) -> List[Tuple[str, bool, str]]:
    """Returns [(field, equal?, value)]; raises LabelSelectorError for unsupported fields."""
    if not sel or not sel.strip():
        return []
    out = []
    for part in sel.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.match(r"^([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*)$", part)
        if not m:
            raise LabelSelectorError("invalid selector: '%s'; can't understand '%s'" % (sel, part))
        fld, op, val = m.groups()
        if fld not in ("metadata.name", "metadata.namespace") and fld not in rt.field_labels:
            raise LabelSelectorError('field label not supported: %s' % fld)
        out.append((fld, op != "!=", val))
    return out


def _field_value(obj: dict, fld: str) -> str:
    if fld == "source":
        fld = "source.component"
    cur: Any = obj
    for p in fld.split("."):
        if not isinstance(cur, dict):
            return ""
        cur = cur.get(p)
    if cur is None:
        return ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def _fields_match(obj: dict, freqs: List[Tuple[str, bool, str]]) -> bool:
    for fld, equal, val in freqs:
        if (_field_value(obj, fld) == val) != equal:
            return False
    return True


# --------------------------------------------------------------------------------------------
# Kueue v1beta1 <-> v1beta2 conversion
# --------------------------------------------------------------------------------------------

_PRIO_SOURCES = {
    "kueue.x-k8s.io/workloadpriorityclass": (KUEUE, "WorkloadPriorityClass"),
    "scheduling.k8s.io/priorityclass": ("scheduling.k8s.io", "PriorityClass"),
}
_PRIO_SOURCE_BY_GK = {v: k for k, v in _PRIO_SOURCES.items()}


def _rename(obj: dict, section: str, old: str, new: str, drop: Iterable[str] = ()) -> dict:
    """Copy-on-write rename of obj[section][old] -> obj[section][new]."""
    sec = obj.get(section)
    if not isinstance(sec, dict):
        return obj
    drop = [d for d in drop if d in sec]
    if old not in sec and not drop:
        return obj
    sec = dict(sec)
    if old in sec:
        sec[new] = sec.pop(old)
    for d in drop:
        del sec[d]
    obj = dict(obj)
    obj[section] = sec
    return obj


def convert_kueue(obj: dict, kind: str, src: str, dst: str) -> dict:
    """Convert a Kueue object between v1beta1 and v1beta2 (copy-on-write, shallow copies)."""
    if src == dst:
        return obj
    out = dict(obj)
    out["apiVersion"] = "%s/%s" % (KUEUE, dst)
    to_v2 = dst == "v1beta2"
    if kind == "ClusterQueue":
        out = (_rename(out, "spec", "cohort", "cohortName")
               if to_v2 else _rename(out, "spec", "cohortName", "cohort"))
        if to_v2:
            out = _rename(out, "status", "pendingWorkloadsStatus", "pendingWorkloadsStatus",
                          drop=("pendingWorkloadsStatus",))
    elif kind == "LocalQueue":
        out = (_rename(out, "status", "flavorUsage", "flavorsUsage", drop=("flavors",))
               if to_v2 else _rename(out, "status", "flavorsUsage", "flavorUsage"))
    elif kind == "Workload":
        spec = out.get("spec")
        if isinstance(spec, dict):
            spec = dict(spec)
            if to_v2 and ("priorityClassName" in spec or "priorityClassSource" in spec):
                name = spec.pop("priorityClassName", None)
                source = spec.pop("priorityClassSource", "") or ""
                if name:
                    group, pkind = _PRIO_SOURCES.get(source, ("scheduling.k8s.io",
                                                              "PriorityClass"))
                    spec["priorityClassRef"] = {"group": group, "kind": pkind, "name": name}
            elif not to_v2 and "priorityClassRef" in spec:
                ref = spec.pop("priorityClassRef") or {}
                if ref.get("name"):
                    spec["priorityClassName"] = ref["name"]
                    spec["priorityClassSource"] = _PRIO_SOURCE_BY_GK.get(
                        (ref.get("group"), ref.get("kind")), "")
            out["spec"] = spec
        out = (_rename(out, "status", "accumulatedPastExexcutionTimeSeconds",
                       "accumulatedPastExecutionTimeSeconds")
               if to_v2 else _rename(out, "status", "accumulatedPastExecutionTimeSeconds",
                                     "accumulatedPastExexcutionTimeSeconds"))
    return out


# --------------------------------------------------------------------------------------------
# Store records, watchers, request records
# --------------------------------------------------------------------------------------------

class _Rec:
    """One stored object version.  Immutable once created (updates create a new _Rec)."""
    __slots__ = ("obj", "version", "labels", "key", "cache")

    def __init__(self, obj: dict, version: str, key: Tuple[str, str]):
        self.obj = obj
        self.version = version
        self.labels = (obj.get("metadata") or {}).get("labels") or {}
        self.key = key  # (namespace, name)
        self.cache: Dict[str, bytes] = {}


class _CIDict(dict):
    """Header dict with case-insensitive lookups (keys stored lower-case)."""

    def __init__(self, items=()):
        super().__init__((k.lower(), v) for k, v in items)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)

    def __contains__(self, key):
        return super().__contains__(key.lower())


@dataclass
class RequestRecord:
    method: str
    path: str
    query: Dict[str, str]
    verb: Optional[str] = None
    group: Optional[str] = None
    version: Optional[str] = None
    resource: Optional[str] = None
    namespace: Optional[str] = None
    name: Optional[str] = None
    status: Optional[int] = None
    bytes_sent: int = 0
    duration: float = 0.0
    headers: Dict[str, str] = field(default_factory=_CIDict)
    client_port: int = 0  # the client's TCP port: equal ports = the same keep-alive connection

    def __getitem__(self, item: str) -> Any:
        return getattr(self, item)


@dataclass
class _Fault:
    method: Optional[str]
    regex: "re.Pattern[str]"
    status: Optional[int]
    times: Optional[int]
    delay: float
    retry_after: Optional[int]
    mode: Optional[str]


class _Watcher:
    def __init__(self, rt: ResourceType, version: str, namespace: Optional[str],
                 lreqs: List[Requirement], freqs, bookmarks: bool):
        self.rt = rt
        self.version = version
        self.namespace = namespace
        self.lreqs = lreqs
        self.freqs = freqs
        self.bookmarks = bookmarks
        self.q: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self.sock: Optional[socket.socket] = None
        self.serial = 0  # registration order (FakeApiServer.watches_opened)

    def matches(self, rec: Optional[_Rec]) -> bool:
        if rec is None:
            return False
        if self.namespace is not None and rec.key[0] != self.namespace:
            return False
        if self.lreqs and not _labels_match(rec.labels, self.lreqs):
            return False
        return not self.freqs or _fields_match(rec.obj, self.freqs)


_EXPIRE, _DROP, _CLOSE, _BOOKMARK = "expire", "drop", "close", "bookmark"


@dataclass
class _Route:
    group: Optional[str] = None
    version: Optional[str] = None
    plural: Optional[str] = None
    namespace: Optional[str] = None
    name: Optional[str] = None
    sub: Optional[str] = None
    discovery: Optional[str] = None  # version|api|apis|group|groupversion|core


def _parse_path(path: str) -> Optional[_Route]:
    parts = [unquote(p) for p in path.strip("/").split("/")] if path.strip("/") else []
    if parts == ["version"]:
        return _Route(discovery="version")
    if not parts:
        return None
    if parts[0] == "api":
        if len(parts) == 1:
            return _Route(group=CORE, discovery="api")
        group, version, rest = CORE, parts[1], parts[2:]
    elif parts[0] == "apis":
        if len(parts) == 1:
            return _Route(discovery="apis")
        if len(parts) == 2:
            return _Route(group=parts[1], discovery="group")
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        return None
    r = _Route(group=group, version=version)
    if not rest:
        r.discovery = "groupversion"
        return r
    if rest[0] == "namespaces" and len(rest) >= 3:
        r.namespace, rest = rest[1], rest[2:]
    if len(rest) > 3 or any(p == "" for p in rest):
        return None
    r.plural = rest[0]
    r.name = rest[1] if len(rest) > 1 else None
    r.sub = rest[2] if len(rest) > 2 else None
    return r


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, addr, handler, fake: "FakeApiServer"):
        self.fake = fake
        super().__init__(addr, handler)

    def handle_error(self, request, client_address):  # pragma: no cover - noise only
        pass

    def get_request(self):
        connection, address = super().get_request()
        tls = self.fake.tls
        if tls is not None:  # the handshake runs in the handler's thread, on its first read
            connection = tls.wrap_socket(connection, server_side=True, do_handshake_on_connect=False)
        return connection, address


class FakeApiServer:
    """In-process fake kube-apiserver.  See the module docstring."""

    def __init__(self, kueue_versions: Tuple[str, ...] = ("v1beta2", "v1beta1"),
                 visibility_versions: Tuple[str, ...] = ("v1beta2", "v1beta1"),
                 argo: bool = True, latency: float = 0.0, token: Optional[str] = None,
                 *, user: str = "alice", history_size: int = 100_000,
                 bookmark_interval: Optional[float] = None,
                 server_version: str = "v1.31.0", tls: Optional["ssl.SSLContext"] = None):
        self.kueue_versions = tuple(kueue_versions)
        self.visibility_versions = tuple(visibility_versions) if self.kueue_versions else ()
        self.argo = argo
        self.latency = latency
        self.token = token
        self.user = user
        self.bookmark_interval = bookmark_interval
        self.server_version = server_version
        self.tls = tls  # a server-side SSLContext: serve HTTPS (tests/support/tls.py)

        self._lock = threading.RLock()
        self._rv = 0
        # kind -> namespace -> name -> _Rec
        self._store: Dict[str, Dict[str, Dict[str, _Rec]]] = {k: {} for k in RESOURCES}
        # kind -> namespace -> sorted list of names (None = dirty)
        self._sorted: Dict[Tuple[str, str], Optional[List[str]]] = {}
        # kind -> label key -> value -> set((ns, name))
        self._lindex: Dict[str, Dict[str, Dict[str, set]]] = {k: {} for k in RESOURCES}
        self._history: "collections.deque[Tuple[int, str, str, Optional[_Rec], Optional[_Rec]]]" \
            = collections.deque()
        self._history_size = history_size
        self._oldest_rv = 0  # a watch/continue from rv < this is expired (410)
        self._watchers: Dict[str, List[_Watcher]] = {k: [] for k in RESOURCES}
        self._watch_serial = 0
        self._watch_cond = threading.Condition(self._lock)
        self._pending: Dict[str, List[dict]] = {}
        self._forbidden: List[Tuple[str, str, str, Optional[str], Optional[str]]] = []
        self._faults: List[_Fault] = []
        self._requests: List[RequestRecord] = []
        self._req_lock = threading.Lock()
        self._bytes_sent = 0
        self._conns: set = set()
        self._closed = False

        self._httpd = _HTTPServer(("127.0.0.1", 0), _Handler, self)
        self.port = self._httpd.server_address[1]
        self.url = "%s://127.0.0.1:%d" % ("https" if tls is not None else "http", self.port)
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="fakeapi-%d" % self.port, daemon=True)
        self._thread.start()

    # ---------------------------------------------------------------- lifecycle
    def __enter__(self) -> "FakeApiServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving, end open watches and close every open connection."""
        if self._closed:
            return
        self._closed = True
        with self._lock:
            for ws in self._watchers.values():
                for w in ws:
                    w.q.put((_CLOSE, None, None))
        self._httpd.shutdown()
        with self._req_lock:
            conns = list(self._conns)
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._httpd.server_close()
        self._thread.join(timeout=2)

    # ---------------------------------------------------------------- served APIs
    def served_versions(self, group: str) -> Tuple[str, ...]:
        if group == CORE:
            return ("v1",)
        if group == ARGO:
            return ("v1alpha1",) if self.argo else ()
        if group == KUEUE:
            return self.kueue_versions
        if group == VISIBILITY:
            return self.visibility_versions
        return ()

    def _resource_for(self, group: str, version: str, plural: str) -> Optional[ResourceType]:
        if version not in self.served_versions(group):
            return None
        for rt in RESOURCES.values():
            if rt.group == group and rt.plural == plural:
                return rt
        return None

    # ---------------------------------------------------------------- object store
    def _kind_of(self, obj: dict) -> ResourceType:
        kind = obj.get("kind")
        if kind not in RESOURCES:
            raise ValueError("FakeApiServer: unknown kind %r" % (kind,))
        return RESOURCES[kind]

    def _next_rv(self) -> int:
        self._rv += 1
        return self._rv

    def _prepare(self, obj: dict, rt: ResourceType, rv: int) -> Tuple[_Rec, str]:
        obj = dict(obj)
        meta = dict(obj.get("metadata") or {})
        if not meta.get("name"):
            raise ValueError("FakeApiServer: object without metadata.name: %r" % (obj,))
        if rt.namespaced:
            meta.setdefault("namespace", "default")
            ns = meta["namespace"]
        else:
            meta.pop("namespace", None)
            ns = ""
        meta["resourceVersion"] = str(rv)
        if not meta.get("uid"):
            meta["uid"] = str(uuid.uuid4())
        if not meta.get("creationTimestamp"):
            meta["creationTimestamp"] = _now()
        obj["metadata"] = meta
        api_version = obj.get("apiVersion")
        if rt.group == CORE:
            version = "v1"
        elif rt.group == ARGO:
            version = "v1alpha1"
        else:
            version = api_version.split("/", 1)[1] if api_version and "/" in api_version \
                else (self.kueue_versions[0] if self.kueue_versions else "v1beta2")
        obj["apiVersion"] = (rt.group + "/" + version) if rt.group else version
        obj["kind"] = rt.kind
        return _Rec(obj, version, (ns, meta["name"])), ns

    def _index(self, kind: str, rec: _Rec, add: bool) -> None:
        idx = self._lindex[kind]
        for k, v in rec.labels.items():
            byval = idx.get(k)
            if add:
                if byval is None:
                    byval = idx[k] = {}
                byval.setdefault(v, set()).add(rec.key)
            elif byval is not None:
                s = byval.get(v)
                if s is not None:
                    s.discard(rec.key)
                    if not s:
                        del byval[v]

    def _record_event(self, rv: int, etype: str, kind: str, old: Optional[_Rec],
                      new: Optional[_Rec]) -> None:
        self._history.append((rv, etype, kind, old, new))
        while len(self._history) > self._history_size:
            dropped = self._history.popleft()
            self._oldest_rv = max(self._oldest_rv, dropped[0])
        for w in self._watchers[kind]:
            was, now = w.matches(old), w.matches(new)
            if now:
                w.q.put(("ADDED" if (etype == "ADDED" or not was) else etype, new, rv))
            elif was:
                # Deleted, or modified so that it no longer matches: kube sends DELETED.
                w.q.put(("DELETED", new if new is not None else old, rv))

    def _put(self, obj: dict, must_exist: Optional[bool]) -> dict:
        rt = self._kind_of(obj)
        with self._lock:
            rv = self._next_rv()
            rec, ns = self._prepare(obj, rt, rv)
            byns = self._store[rt.kind].setdefault(ns, {})
            old = byns.get(rec.key[1])
            if must_exist is True and old is None:
                self._rv -= 1
                raise KeyError("%s %s/%s does not exist" % (rt.kind, ns, rec.key[1]))
            if old is not None:
                self._index(rt.kind, old, False)
            else:
                self._sorted[(rt.kind, ns)] = None
            byns[rec.key[1]] = rec
            self._index(rt.kind, rec, True)
            self._record_event(rv, "MODIFIED" if old is not None else "ADDED", rt.kind, old, rec)
            return rec.obj

    def add(self, obj: dict) -> dict:
        """Add (or replace) an object.  Returns the stored dict (stamped)."""
        return self._put(obj, None)

    def add_all(self, objs: Any) -> List[dict]:
        """Add many objects; also accepts a ``kind: List`` / ``*List`` dict."""
        if isinstance(objs, dict):
            objs = objs.get("items") or []
        return [self._put(o, None) for o in objs]

    def update(self, obj: dict) -> dict:
        """Replace an existing object (KeyError if missing)."""
        return self._put(obj, True)

    def delete(self, kind: str, namespace: Optional[str], name: str) -> dict:
        """Delete an object (KeyError if missing).  Returns the deleted object."""
        rt = RESOURCES[kind]
        ns = (namespace or "default") if rt.namespaced else ""
        with self._lock:
            byns = self._store[kind].get(ns) or {}
            old = byns.get(name)
            if old is None:
                raise KeyError("%s %s/%s does not exist" % (kind, ns, name))
            del byns[name]
            self._sorted[(kind, ns)] = None
            self._index(kind, old, False)
            rv = self._next_rv()
            self._record_event(rv, "DELETED", kind, old, None)
            obj = dict(old.obj)
            obj["metadata"] = dict(obj["metadata"], resourceVersion=str(rv))
            return obj

    def get(self, kind: str, namespace: Optional[str], name: str) -> Optional[dict]:
        rt = RESOURCES[kind]
        ns = (namespace or "default") if rt.namespaced else ""
        with self._lock:
            rec = (self._store[kind].get(ns) or {}).get(name)
            return rec.obj if rec is not None else None

    def objects(self, kind: str, namespace: Optional[str] = None) -> List[dict]:
        with self._lock:
            out = []
            for ns, byns in self._store[kind].items():
                if namespace is None or ns == namespace:
                    out.extend(r.obj for r in byns.values())
            return out

    def warm(self, kind: Optional[str] = None) -> int:
        """Pre-encode stored objects at every served version (so a benchmark times warm lists).

        Returns the number of objects encoded."""
        with self._lock:
            todo = [(RESOURCES[k], rec) for k, byns in self._store.items()
                    if kind is None or k == kind for d in byns.values() for rec in d.values()]
        for rt, rec in todo:
            for v in self.served_versions(rt.group):
                self._encode(rec, rt, v)
        return len(todo)

    @property
    def resource_version(self) -> str:
        return str(self._rv)

    def compact(self) -> None:
        """Forget the watch history: every resourceVersion issued so far becomes expired (410)."""
        with self._lock:
            self._history.clear()
            self._rv += 1
            self._oldest_rv = self._rv

    # ---------------------------------------------------------------- test hooks
    def set_pending_workloads(self, cluster_queue: str, items: List[dict]) -> None:
        """Set the visibility items of a ClusterQueue, in ClusterQueue order."""
        with self._lock:
            self._pending[cluster_queue] = list(items)

    def forbid(self, verb: str, resource: str, group: Optional[str] = None,
               namespace: Optional[str] = None, name: Optional[str] = None) -> None:
        """Make matching requests answer 403.  group None/"" is inferred from the resource."""
        if not group:
            group = self._infer_group(resource)
        with self._lock:
            self._forbidden.append((verb, resource, group, namespace, name))

    def allow_all(self) -> None:
        with self._lock:
            self._forbidden.clear()

    @staticmethod
    def _infer_group(resource: str) -> str:
        base = resource.split("/", 1)[0]
        if "/" in resource and base in ("localqueues", "clusterqueues"):
            return VISIBILITY
        for rt in RESOURCES.values():
            if rt.plural == base:
                return rt.group
        return CORE

    def inject(self, method: Optional[str] = "GET", path_regex: str = r".*",
               status: Optional[int] = None, times: Optional[int] = 1, delay: float = 0.0,
               retry_after: Optional[int] = None, mode: Optional[str] = None) -> None:
        """Add a fault rule.  mode: None (answer `status`), "drop", "truncate", "slow"."""
        if mode not in (None, "drop", "truncate", "slow"):
            raise ValueError("unknown fault mode %r" % (mode,))
        if mode is None and status is None:
            raise ValueError("inject(mode=None) needs a status")
        with self._lock:
            self._faults.append(_Fault(method.upper() if method else None,
                                       re.compile(path_regex), status, times, delay,
                                       retry_after, mode))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, method: str, path: str, target: str) -> Optional[_Fault]:
        with self._lock:
            for f in self._faults:
                if f.method and f.method != method:
                    continue
                if not (f.regex.search(path) or f.regex.search(target)):
                    continue
                if f.times is not None:
                    if f.times <= 0:
                        continue
                    f.times -= 1
                return f
        return None

    @property
    def requests(self) -> List[RequestRecord]:
        with self._req_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._req_lock:
            self._requests.clear()
            self._bytes_sent = 0

    @property
    def bytes_sent(self) -> int:
        with self._req_lock:
            return self._bytes_sent

    def _count_bytes(self, rec: RequestRecord, n: int) -> None:
        with self._req_lock:
            rec.bytes_sent += n
            self._bytes_sent += n

    def watcher_count(self) -> int:
        with self._lock:
            return sum(len(ws) for ws in self._watchers.values())

    @property
    def watches_opened(self) -> int:
        """How many watches were ever registered: pass it as ``opened_after`` to wait for new ones."""
        with self._lock:
            return self._watch_serial

    def wait_for_watchers(self, n: int = 1, timeout: float = 5.0, opened_after: int = 0) -> None:
        """Block until at least n watches registered after the ``opened_after``-th are open
        (TimeoutError otherwise). A watch ended by ``expire_watches``/``drop_watches`` stays registered
        until its handler unwinds, so to see a client reconnect, wait for watches opened after."""
        def opened() -> int:
            return sum(1 for ws in self._watchers.values() for w in ws if w.serial > opened_after)

        self._wait_watch_condition(lambda: opened() >= n, timeout,
                                   lambda: "only %d of %d watches open" % (opened(), n))

    def wait_for_no_watchers(self, timeout: float = 5.0) -> None:
        """Block until every watch has ended and been unregistered (TimeoutError otherwise)."""
        self._wait_watch_condition(lambda: self.watcher_count() == 0, timeout,
                                   lambda: "%d watches still open" % self.watcher_count())

    def _wait_watch_condition(self, condition, timeout: float, describe) -> None:
        deadline = time.monotonic() + timeout
        with self._watch_cond:
            while not condition():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(describe())
                self._watch_cond.wait(left)

    def _broadcast(self, what: str) -> int:
        with self._lock:
            ws = [w for lst in self._watchers.values() for w in lst]
        for w in ws:
            w.q.put((what, None, None))
        return len(ws)

    def expire_watches(self) -> int:
        """Send a 410 Expired ERROR event to every open watch and end it."""
        return self._broadcast(_EXPIRE)

    def drop_watches(self) -> int:
        """Abruptly close every open watch connection (no terminating chunk)."""
        with self._lock:
            ws = [w for lst in self._watchers.values() for w in lst]
        for w in ws:
            w.q.put((_DROP, None, None))
            if w.sock is not None:
                try:
                    w.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        return len(ws)

    def bookmark(self) -> int:
        """Send a BOOKMARK to every open watch that asked for them."""
        return self._broadcast(_BOOKMARK)

    # ---------------------------------------------------------------- LIST
    def _sorted_names(self, kind: str, ns: str) -> List[str]:
        names = self._sorted.get((kind, ns))
        if names is None:
            names = sorted((self._store[kind].get(ns) or {}).keys())
            self._sorted[(kind, ns)] = names
        return names

    def _select(self, rt: ResourceType, namespace: Optional[str], lreqs: List[Requirement],
                freqs) -> List[_Rec]:
        """Matching records in (namespace, name) order.  Caller holds the lock."""
        kind = rt.kind
        store = self._store[kind]
        # Narrow the namespace with a metadata.namespace / metadata.name equality selector.
        fname = None
        for fld, equal, val in freqs:
            if equal and fld == "metadata.namespace" and rt.namespaced:
                if namespace is not None and namespace != val:
                    return []
                namespace = val
            elif equal and fld == "metadata.name":
                fname = val
        # Candidate set from the label index: the smallest eq / in requirement.
        cand: Optional[set] = None
        idx = self._lindex[kind]
        for key, op, val in lreqs:
            if op not in ("eq", "in", "exists"):
                continue
            byval = idx.get(key, {})
            if op == "eq":
                s = byval.get(val, set())
            elif op == "in":
                sets = [byval[v] for v in val if v in byval]
                s = sets[0] if len(sets) == 1 else set().union(*sets)
            else:
                if len(byval) > 64:
                    continue
                s = set().union(*byval.values()) if byval else set()
            if cand is None or len(s) < len(cand):
                cand = s
        out: List[_Rec] = []
        if cand is not None:
            keys = sorted(cand) if namespace is None else sorted(k for k in cand
                                                                   if k[0] == namespace)
            recs = [store[k[0]][k[1]] for k in keys]
        elif fname is not None:
            nss = [namespace] if namespace is not None else sorted(store)
            recs = [store[n][fname] for n in nss if fname in (store.get(n) or {})]
        else:
            nss = [namespace] if namespace is not None else sorted(store)
            recs = []
            for n in nss:
                byns = store.get(n)
                if byns:
                    recs.extend(byns[x] for x in self._sorted_names(kind, n))
        if not lreqs and not freqs:
            return recs
        for rec in recs:
            if lreqs and not _labels_match(rec.labels, lreqs):
                continue
            if freqs and not _fields_match(rec.obj, freqs):
                continue
            out.append(rec)
        return out

    def _encode(self, rec: _Rec, rt: ResourceType, version: str) -> bytes:
        data = rec.cache.get(version)
        if data is None:
            obj = rec.obj
            if rt.group == KUEUE:
                obj = convert_kueue(obj, rt.kind, rec.version, version)
            data = _dumps(obj)
            rec.cache[version] = data
        return data

    def _encode_deleted(self, rec: _Rec, rt: ResourceType, version: str, rv: int) -> bytes:
        obj = rec.obj
        if rt.group == KUEUE:
            obj = convert_kueue(obj, rt.kind, rec.version, version)
        obj = dict(obj)
        obj["metadata"] = dict(obj["metadata"], resourceVersion=str(rv))
        return _dumps(obj)

    # ---------------------------------------------------------------- visibility
    def _visibility(self, route: _Route, query: Dict[str, str]) -> Tuple[int, bytes]:
        try:
            limit = int(query.get("limit", "1000") or 1000)
            offset = int(query.get("offset", "0") or 0)
        except ValueError:
            return 400, _dumps(status_body(400, "limit and offset must be integers"))
        limit = max(0, min(limit, 100000))
        offset = max(0, offset)
        with self._lock:
            if route.plural == "localqueues":
                lq = (self._store["LocalQueue"].get(route.namespace) or {}).get(route.name)
                if lq is None:
                    return 404, _dumps(status_body(
                        404, 'localqueue.%s "%s" not found' % (VISIBILITY, route.name),
                        details=_details("localqueue", route.name, VISIBILITY)))
                cq = (lq.obj.get("spec") or {}).get("clusterQueue")
                if cq not in self._pending:
                    cq = next((c for c, its in self._pending.items() if any(
                        it.get("localQueueName") == route.name and
                        (it.get("metadata") or {}).get("namespace") == route.namespace
                        for it in its)), None)
                items: List[dict] = []
                skipped = 0
                for index, it in enumerate(self._pending.get(cq) or []):
                    if len(items) >= limit:
                        break
                    if (it.get("metadata") or {}).get("namespace") == route.namespace and \
                            it.get("localQueueName") == route.name:
                        if skipped < offset:
                            skipped += 1
                        else:
                            items.append(dict(it, positionInClusterQueue=index,
                                              positionInLocalQueue=len(items) + offset))
            else:
                if route.name not in self._pending and \
                        route.name not in (self._store["ClusterQueue"].get("") or {}):
                    return 404, _dumps(status_body(
                        404, 'clusterqueue.%s "%s" not found' % (VISIBILITY, route.name),
                        details=_details("clusterqueue", route.name, VISIBILITY)))
                items = []
                lq_pos: Dict[str, int] = {}
                pend = self._pending.get(route.name, [])
                for index in range(min(offset + limit, len(pend))):
                    it = pend[index]
                    qn = it.get("localQueueName")
                    p = lq_pos.get(qn, 0)
                    lq_pos[qn] = p + 1
                    if index >= offset:
                        items.append(dict(it, positionInClusterQueue=index,
                                          positionInLocalQueue=p))
        return 200, _dumps({"kind": "PendingWorkloadsSummary",
                            "apiVersion": "%s/%s" % (VISIBILITY, route.version),
                            "metadata": {"creationTimestamp": None}, "items": items})

    # ---------------------------------------------------------------- discovery
    def _discovery(self, route: _Route) -> Tuple[int, Any]:
        d = route.discovery
        if d == "version":
            major, minor = self.server_version.lstrip("v").split(".")[:2]
            return 200, {"major": major, "minor": minor, "gitVersion": self.server_version,
                         "gitCommit": "0000000000000000000000000000000000000000",
                         "gitTreeState": "clean", "buildDate": "2024-08-13T07:28:49Z",
                         "goVersion": "go1.22.5", "compiler": "gc", "platform": "linux/amd64"}
        if d == "api":
            return 200, {"kind": "APIVersions", "versions": ["v1"],
                         "serverAddressByClientCIDRs": [
                             {"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1:%d"
                              % self.port}]}
        if d == "apis":
            return 200, {"kind": "APIGroupList", "apiVersion": "v1",
                         "groups": [self._group_doc(g) for g in (ARGO, KUEUE, VISIBILITY)
                                    if self.served_versions(g)]}
        if d == "group":
            if route.group == CORE or not self.served_versions(route.group):
                return 404, None
            doc = self._group_doc(route.group)
            doc.update({"kind": "APIGroup", "apiVersion": "v1"})
            return 200, doc
        # groupversion
        if route.version not in self.served_versions(route.group):
            return 404, None
        gv = route.version if route.group == CORE else "%s/%s" % (route.group, route.version)
        res = []
        if route.group == VISIBILITY:
            for plural, kind, nsd in (("clusterqueues/pendingworkloads", "PendingWorkloadsSummary",
                                       False),
                                      ("localqueues/pendingworkloads", "PendingWorkloadsSummary",
                                       True)):
                res.append({"name": plural, "singularName": "", "namespaced": nsd,
                            "kind": kind, "verbs": ["get"]})
        else:
            for rt in RESOURCES.values():
                if rt.group != route.group:
                    continue
                entry = {"name": rt.plural, "singularName": rt.singular,
                         "namespaced": rt.namespaced, "kind": rt.kind, "verbs": list(rt.verbs)}
                if rt.short_names:
                    entry["shortNames"] = list(rt.short_names)
                res.append(entry)
                if rt.group != CORE or rt.kind in ("Pod", "Namespace"):
                    res.append({"name": rt.plural + "/status", "singularName": "",
                                "namespaced": rt.namespaced, "kind": rt.kind,
                                "verbs": ["get", "patch", "update"]})
        return 200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv,
                     "resources": res}

    def _group_doc(self, group: str) -> dict:
        vs = self.served_versions(group)
        versions = [{"groupVersion": "%s/%s" % (group, v), "version": v} for v in vs]
        return {"name": group, "versions": versions, "preferredVersion": versions[0]}

    # ---------------------------------------------------------------- authorization
    def _forbidden_message(self, verb: str, resource: str, group: str, namespace: Optional[str],
                           name: Optional[str]) -> Optional[dict]:
        with self._lock:
            hit = False
            for fverb, fres, fgroup, fns, fname in self._forbidden:
                if fverb not in (verb, "*") or fres not in (resource, "*") or fgroup != group:
                    continue
                if fns is not None and fns != namespace:
                    continue
                if fname is not None and fname != name:
                    continue
                hit = True
                break
        if not hit:
            return None
        base = resource.split("/", 1)[0]
        qualified = base if not group else "%s.%s" % (base, group)
        subject = '%s "%s"' % (qualified, name) if name else qualified
        scope = ('in the namespace "%s"' % namespace) if namespace else "at the cluster scope"
        msg = '%s is forbidden: User "%s" cannot %s resource "%s" in API group "%s" %s' % (
            subject, self.user, verb, resource, group, scope)
        return status_body(403, msg, details=_details(base, name, group))


# --------------------------------------------------------------------------------------------
# HTTP handler
# --------------------------------------------------------------------------------------------

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-kube-apiserver"
    sys_version = ""
    server: _HTTPServer

    def log_message(self, format, *args):  # noqa: A002 - silence stderr
        pass

    def setup(self):
        super().setup()
        # Headers and body go out in separate writes; without this, Nagle's algorithm and the
        # client's delayed ACK add ~40 ms to every response.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        fake = self.server.fake
        with fake._req_lock:
            fake._conns.add(self.connection)

    def finish(self):
        fake = self.server.fake
        with fake._req_lock:
            fake._conns.discard(self.connection)
        try:
            super().finish()
        except OSError:
            pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (ConnectionError, OSError):
            self.close_connection = True

    # All methods land here.
    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    # ------------------------------------------------------------ helpers
    def _send(self, rec: RequestRecord, code: int, body: bytes,
              headers: Optional[Dict[str, str]] = None, start: float = 0.0) -> None:
        rec.status = code
        length = len(body)
        truncate = getattr(self, "_truncate", False)
        if truncate:  # fault: announce the full length, send half, hang up
            body = body[: length // 2]
            self.close_connection = True
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(length))
        self.send_header("Cache-Control", "no-cache, private")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.server.fake._count_bytes(rec, len(body))
        rec.duration = time.monotonic() - start
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        if truncate:
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _status(self, rec: RequestRecord, st: dict, start: float,
                headers: Optional[Dict[str, str]] = None) -> None:
        self._send(rec, st["code"], _dumps(st), headers, start)

    def _serve(self) -> None:
        fake = self.server.fake
        start = time.monotonic()
        split = urlsplit(self.path)
        path = split.path
        query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
        rec = RequestRecord(method=self.command, path=path, query=query,
                            headers=_CIDict(self.headers.items()),
                            client_port=self.client_address[1])
        route = _parse_path(path)
        is_watch = query.get("watch", "").lower() in ("true", "1")
        if route is not None:
            rec.group, rec.version = route.group, route.version
            if route.plural:
                rec.resource = route.plural + ("/" + route.sub if route.sub else "")
                rec.namespace, rec.name = route.namespace, route.name
        rec.verb = {"POST": "create", "PUT": "update", "PATCH": "patch",
                    "DELETE": "delete"}.get(self.command)
        if rec.verb is None:
            if route is not None and route.plural and route.name is None:
                rec.verb = "watch" if is_watch else "list"
            else:
                rec.verb = "get"
        with fake._req_lock:
            fake._requests.append(rec)

        # Drain a request body so keep-alive stays in sync.
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)

        if fake.latency:
            time.sleep(fake.latency)

        fault = fake._take_fault(self.command, path, self.path)
        self._truncate = fault is not None and fault.mode == "truncate"
        if fault is not None:
            if fault.mode == "drop":
                rec.duration = time.monotonic() - start
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if fault.mode == "slow":
                time.sleep(fault.delay)
            elif fault.mode is None:
                if fault.delay:
                    time.sleep(fault.delay)
                st = status_body(fault.status)
                hdrs = {}
                if fault.retry_after is not None:
                    hdrs["Retry-After"] = str(fault.retry_after)
                    st["details"] = {"retryAfterSeconds": fault.retry_after}
                    st["code"] = st.pop("code")
                self._status(rec, st, start, hdrs)
                return

        if fake.token is not None and \
                self.headers.get("Authorization", "") != "Bearer " + fake.token:
            self._status(rec, status_body(401), start)
            return

        if route is None:
            self._status(rec, status_body(404, details={}), start)
            return

        if self.command not in ("GET", "HEAD"):
            self._status(rec, status_body(405, details={}), start)
            return

        if route.discovery:
            code, doc = fake._discovery(route)
            if code != 200:
                self._status(rec, status_body(404, details={}), start)
            else:
                self._send(rec, 200, _dumps(doc), start=start)
            return

        # Authorization (before existence checks, like the real apiserver).
        st = fake._forbidden_message(rec.verb, rec.resource, route.group, route.namespace,
                                     route.name)
        if st is not None:
            self._status(rec, st, start)
            return

        if route.group == VISIBILITY:
            if route.version in fake.served_versions(VISIBILITY) and route.sub == \
                    "pendingworkloads" and route.name and (
                    (route.plural == "localqueues" and route.namespace) or
                    (route.plural == "clusterqueues" and route.namespace is None)):
                code, body = fake._visibility(route, query)
                self._send(rec, code, body, start=start)
            else:
                self._status(rec, status_body(404, details={}), start)
            return

        rt = fake._resource_for(route.group, route.version, route.plural)
        if rt is None or (route.namespace is not None and not rt.namespaced) or \
                (route.sub not in (None, "status")) or (is_watch and route.name):
            self._status(rec, status_body(404, details={}), start)
            return

        if route.name is not None:
            self._get_one(rec, rt, route, start)
        elif is_watch:
            self._watch(rec, rt, route, query, start)
        else:
            self._list(rec, rt, route, query, start)

    # ------------------------------------------------------------ GET one
    def _get_one(self, rec: RequestRecord, rt: ResourceType, route: _Route, start: float):
        fake = self.server.fake
        ns = route.namespace if rt.namespaced else ""
        if rt.namespaced and ns is None:
            self._status(rec, status_body(404, details={}), start)
            return
        with fake._lock:
            r = (fake._store[rt.kind].get(ns) or {}).get(route.name)
        body = fake._encode(r, rt, route.version) if r is not None else None
        if body is None:
            self._status(rec, status_body(404, '%s "%s" not found' % (rt.qualified, route.name),
                                          details=_details(rt, route.name)), start)
            return
        self._send(rec, 200, body, start=start)

    # ------------------------------------------------------------ LIST
    def _list(self, rec: RequestRecord, rt: ResourceType, route: _Route, query: Dict[str, str],
              start: float):
        fake = self.server.fake
        try:
            lreqs = parse_label_selector(query.get("labelSelector"))
            freqs = parse_field_selector(query.get("fieldSelector"), rt)
            limit = int(query.get("limit") or 0)
        except (LabelSelectorError, ValueError) as e:
            self._status(rec, status_body(400, str(e)), start)
            return
        cont = query.get("continue") or ""
        after: Optional[Tuple[str, str]] = None
        with fake._lock:
            list_rv = fake._rv
            if cont:
                try:
                    tok = json.loads(base64.urlsafe_b64decode(cont.encode()))
                    list_rv, after = int(tok["rv"]), (tok["ns"], tok["name"])
                except Exception:  # noqa: BLE001 - any garbage is a bad token
                    self._status(rec, status_body(400, "continue key is not valid: "
                                                       "incorrect encoded start resourceVersion"
                                                       " (version meta.k8s.io/v1)"), start)
                    return
                if list_rv < fake._oldest_rv:
                    self._status(rec, status_body(410, _CONTINUE_EXPIRED), start)
                    return
            recs = fake._select(rt, route.namespace, lreqs, freqs)
            begin = 0
            if after is not None:
                keys = [r.key for r in recs]
                begin = bisect.bisect_right(keys, after)
            end = len(recs) if limit <= 0 else min(len(recs), begin + limit)
            page = recs[begin:end]
        # Records are immutable: encode outside the lock (a cold 5,000-item page takes ~0.25 s).
        items = [fake._encode(r, rt, route.version) for r in page]
        meta: Dict[str, Any] = {"resourceVersion": str(list_rv)}
        if end < len(recs):
            last = page[-1].key if page else after
            meta["continue"] = base64.urlsafe_b64encode(_dumps(
                {"rv": list_rv, "ns": last[0], "name": last[1]})).decode()
            meta["remainingItemCount"] = len(recs) - end
        gv = route.version if rt.group == CORE else "%s/%s" % (rt.group, route.version)
        head = _dumps({"kind": rt.kind + "List", "apiVersion": gv, "metadata": meta})
        body = b"".join((head[:-1], b',"items":[', b",".join(items), b"]}"))
        self._send(rec, 200, body, start=start)

    # ------------------------------------------------------------ WATCH
    def _chunk(self, rec: RequestRecord, data: bytes) -> None:
        payload = b"%x\r\n%s\r\n" % (len(data), data)
        self.wfile.write(payload)
        self.server.fake._count_bytes(rec, len(data))

    def _watch(self, rec: RequestRecord, rt: ResourceType, route: _Route, query: Dict[str, str],
               start: float):
        fake = self.server.fake
        try:
            lreqs = parse_label_selector(query.get("labelSelector"))
            freqs = parse_field_selector(query.get("fieldSelector"), rt)
            timeout = float(query["timeoutSeconds"]) if query.get("timeoutSeconds") else None
        except (LabelSelectorError, ValueError) as e:
            self._status(rec, status_body(400, str(e)), start)
            return
        rv_param = query.get("resourceVersion") or ""
        bookmarks = query.get("allowWatchBookmarks", "").lower() in ("true", "1")
        w = _Watcher(rt, route.version, route.namespace, lreqs, freqs, bookmarks)
        w.sock = self.connection
        initial: List[Tuple[str, _Rec, Optional[int]]] = []
        expired: Optional[dict] = None
        with fake._lock:
            if rv_param in ("", "0"):
                for r in fake._select(rt, route.namespace, lreqs, freqs):
                    initial.append(("ADDED", r, None))
            else:
                try:
                    since = int(rv_param)
                except ValueError:
                    since = -1
                if since < fake._oldest_rv:
                    expired = status_body(410, "too old resource version: %s (%d)"
                                          % (rv_param, fake._oldest_rv))
                else:
                    for ev_rv, etype, kind, old, new in fake._history:
                        if ev_rv <= since or kind != rt.kind:
                            continue
                        was, now = w.matches(old), w.matches(new)
                        if now:
                            initial.append(("ADDED" if (etype == "ADDED" or not was)
                                            else etype, new, None))
                        elif was:
                            initial.append(("DELETED", new if new is not None else old, ev_rv))
            if expired is None:
                fake._watch_serial += 1
                w.serial = fake._watch_serial
                fake._watchers[rt.kind].append(w)
                fake._watch_cond.notify_all()
        rec.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        ok = True
        try:
            if expired is not None:
                self._chunk(rec, _dumps({"type": "ERROR", "object": expired}) + b"\n")
            else:
                for etype, r, del_rv in initial:
                    self._chunk(rec, self._event(rt, route.version, etype, r, del_rv))
                ok = self._watch_loop(rec, w, rt, route.version, timeout)
            if ok:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            ok = False
        finally:
            if expired is None:
                with fake._lock:
                    try:
                        fake._watchers[rt.kind].remove(w)
                    except ValueError:
                        pass
                    fake._watch_cond.notify_all()
            rec.duration = time.monotonic() - start
            if not ok:
                self.close_connection = True

    def _event(self, rt: ResourceType, version: str, etype: str, r: _Rec,
               del_rv: Optional[int]) -> bytes:
        fake = self.server.fake
        if etype == "DELETED":
            obj = fake._encode_deleted(r, rt, version, del_rv if del_rv is not None else
                                       int(r.obj["metadata"]["resourceVersion"]))
        else:
            obj = fake._encode(r, rt, version)
        return b'{"type":"%s","object":%s}\n' % (etype.encode(), obj)

    def _watch_loop(self, rec: RequestRecord, w: _Watcher, rt: ResourceType, version: str,
                    timeout: Optional[float]) -> bool:
        """Returns True for a clean end (send the final chunk), False to drop the connection."""
        fake = self.server.fake
        deadline = time.monotonic() + timeout if timeout else None
        next_bookmark = (time.monotonic() + fake.bookmark_interval
                         if fake.bookmark_interval and w.bookmarks else None)
        while True:
            now = time.monotonic()
            waits = [d - now for d in (deadline, next_bookmark) if d is not None]
            wait = max(0.0, min(waits)) if waits else None
            try:
                what, r, ev_rv = w.q.get(timeout=wait)
            except queue.Empty:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    return True
                what = _BOOKMARK
                next_bookmark = now + fake.bookmark_interval
            if what == _CLOSE or what == _DROP:
                return False
            if what == _EXPIRE:
                st = status_body(410, "too old resource version: %s (%s)"
                                 % (rec.query.get("resourceVersion", "0"), fake._rv))
                self._chunk(rec, _dumps({"type": "ERROR", "object": st}) + b"\n")
                return True
            if what == _BOOKMARK:
                if w.bookmarks:
                    gv = version if rt.group == CORE else "%s/%s" % (rt.group, version)
                    self._chunk(rec, _dumps({"type": "BOOKMARK", "object": {
                        "kind": rt.kind, "apiVersion": gv,
                        "metadata": {"resourceVersion": str(fake._rv)}}}) + b"\n")
                continue
            self._chunk(rec, self._event(rt, version, what, r, ev_rv))
