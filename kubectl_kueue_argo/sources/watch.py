"""Keep objects up to date with the watch API: LIST, then WATCH from its resourceVersion.

Each resource is watched from its own thread. `410 Gone` lists again from a fresh
resourceVersion; a dropped connection reconnects with capped exponential backoff. The
consumer is told that something changed and reads a consistent copy of the objects.

A resource may be selected and trimmed on the client as well: `accept(obj)` keeps only the
objects that belong to the view (the Workloads of the workflow's pods, whatever else the namespace
holds), and `slim(obj)` drops the fields no command reads, as the one-shot LISTs do. An object
that is not accepted yet is parked for a few seconds: its owner may still be on its way in another
stream (a pod's Workload can arrive before the pod), and a change of the resource it depends on
looks at the parked objects again.
"""
import json
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

from kubectl_kueue_argo.errors import ApiError, PluginError, UnreachableError

WATCH_SECONDS = 290
PARK_SECONDS = 10.0
_BACKOFF_START = 0.5
_BACKOFF_MAX = 10.0


@dataclass
class WatchedResource:
    key: str
    path: str
    label_selector: Optional[str] = None
    field_selector: Optional[str] = None
    slim: Optional[Callable[[dict], dict]] = None
    accept: Optional[Callable[[dict], bool]] = None
    lister: Optional[Callable[[], tuple]] = None   # () -> (items, resourceVersion): the initial LIST
    depends_on: Optional[str] = None               # the key whose changes may make parked objects accepted
    recheck_on_change: bool = False                # re-check kept objects on every change of depends_on,
                                                   # not only when objects of it are removed


class _Expired(Exception):
    pass


class ResourceWatcher:
    def __init__(self, cluster, resources, *, sleep=None, clock=time.monotonic):
        self.cluster = cluster
        self.resources = []
        self.changed = threading.Event()
        self.stopping = threading.Event()
        self._sleep = sleep or self.stopping.wait
        self._clock = clock
        self._lock = threading.RLock()
        self._objects, self._parked, self._versions = {}, {}, {}
        self._threads = []
        self.errors = []
        self.generation = 0   # counts applied changes: a consumer can tell whether anything moved
        self.generations = {}
        for resource in resources:
            self.add(resource)

    def add(self, resource):
        """Watch one more resource (before start()); its accept() may ask this watcher about others."""
        self.resources.append(resource)
        self._objects[resource.key], self._parked[resource.key] = {}, {}
        self.generations[resource.key] = 0

    def start(self):
        """List everything once (errors here are the caller's), then watch in the background."""
        for resource in self.resources:
            self._relist(resource)
        for resource in self.resources:
            thread = threading.Thread(target=self._watch_forever, args=(resource,), daemon=True,
                                      name=f"watch-{resource.key}")
            thread.start()
            self._threads.append(thread)

    def stop(self):
        self.stopping.set()
        self.changed.set()

    def objects(self, key):
        with self._lock:
            return list(self._objects[key].values())

    def version(self, key):
        """The resourceVersion the watch of `key` goes on from."""
        return self._versions.get(key)

    def resync(self, skip=()):
        """List the resources again now (a consistent read), except those in `skip`."""
        for resource in self.resources:
            if resource.key not in skip:
                self._relist(resource)

    def contains(self, key, object_key):
        """Whether an object of `key` with this uid (or namespace/name) is held: accept() helpers use it."""
        return object_key in self._objects[key]

    def _relist(self, resource):
        if resource.lister is not None:
            items, version = resource.lister()
        else:
            items, version = self.cluster.list_with_version(resource.path, label_selector=resource.label_selector,
                                                            field_selector=resource.field_selector,
                                                            slim=resource.slim)
        with self._lock:
            accepted = {}
            for item in items:
                if resource.accept is None or resource.accept(item):
                    accepted[_key(item)] = item
            self._objects[resource.key] = accepted
            self._parked[resource.key] = {}
            self._versions[resource.key] = version
            self._count_change(resource.key)
            self._reconsider_dependents(resource.key, removed=True)
        self.changed.set()

    def _watch_forever(self, resource):
        backoff = _BACKOFF_START
        while not self.stopping.is_set():
            try:
                self._watch_once(resource)
                backoff = _BACKOFF_START
            except _Expired:
                self._retry_relist(resource)
            except (UnreachableError, ApiError, OSError, ValueError, PluginError) as err:
                if isinstance(err, ApiError) and err.status == 410:
                    self._retry_relist(resource)
                    continue
                if self.stopping.is_set():
                    return
                self.errors.append(str(getattr(err, "message", err)))
                self._sleep(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)
            except Exception as err:  # urllib3 protocol errors on a dropped stream
                if self.stopping.is_set():
                    return
                self.errors.append(f"{type(err).__name__}: {err}")
                self._sleep(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)

    def _retry_relist(self, resource):
        backoff = _BACKOFF_START
        while not self.stopping.is_set():
            try:
                self._relist(resource)
                return
            except (UnreachableError, ApiError, PluginError) as err:
                self.errors.append(getattr(err, "message", str(err)))
                self._sleep(backoff)
                backoff = min(backoff * 2, _BACKOFF_MAX)

    def _watch_once(self, resource):
        query = {"watch": "true", "resourceVersion": self._versions.get(resource.key),
                 "allowWatchBookmarks": "true", "timeoutSeconds": str(WATCH_SECONDS),
                 "labelSelector": resource.label_selector, "fieldSelector": resource.field_selector}
        response = self.cluster.transport.open_stream(resource.path, query, read_timeout=WATCH_SECONDS + 30)
        try:
            for line in response:
                if self.stopping.is_set():
                    return
                if line.strip():
                    self._apply(resource, json.loads(line))
        finally:
            response.release_conn()

    def _apply(self, resource, event):
        kind, obj = event.get("type"), event.get("object") or {}
        if kind == "ERROR":
            if obj.get("code") == 410:
                raise _Expired()
            raise ApiError(obj.get("message") or "watch error", obj.get("code"), obj.get("reason"))
        version = (obj.get("metadata") or {}).get("resourceVersion")
        changed = removed = False
        with self._lock:
            if version:
                self._versions[resource.key] = version
            if kind in ("ADDED", "MODIFIED"):
                if resource.slim is not None:
                    resource.slim(obj)
                changed = self._store(resource, obj)
            elif kind == "DELETED":
                key = _key(obj)
                self._parked[resource.key].pop(key, None)
                changed = removed = self._objects[resource.key].pop(key, None) is not None
            if changed:
                self._count_change(resource.key)
                self._reconsider_dependents(resource.key, removed=removed)
        if changed:
            self.changed.set()

    def _store(self, resource, obj):
        """Keep, park or drop one object; True when the kept objects changed."""
        key = _key(obj)
        objects = self._objects[resource.key]
        current = objects.get(key)
        if current is not None and _older(obj, current):
            return False   # a replayed event older than what a LIST already gave
        if resource.accept is None or resource.accept(obj):
            objects[key] = obj
            return True
        if current is not None:   # it left the view (its owner is gone)
            del objects[key]
            return True
        if resource.depends_on:
            self._park(resource.key, key, obj)
        return False

    def _park(self, resource_key, key, obj):
        parked = self._parked[resource_key]
        now = self._clock()
        for old in [old for old, (deadline, _) in parked.items() if deadline < now]:
            del parked[old]
        parked[key] = (now + PARK_SECONDS, obj)

    def _count_change(self, key):
        self.generation += 1
        self.generations[key] += 1

    def _reconsider_dependents(self, changed_key, removed):
        """After `changed_key` changed: adopt the parked objects now accepted and, when objects of
        `changed_key` were removed, drop the kept ones that no longer are."""
        for resource in self.resources:
            if resource.depends_on != changed_key or resource.accept is None:
                continue
            parked = self._parked[resource.key]
            objects = self._objects[resource.key]
            adopted = [key for key, (_, obj) in parked.items() if resource.accept(obj)]
            for key in adopted:
                objects[key] = parked.pop(key)[1]
            recheck = removed or resource.recheck_on_change
            dropped = [key for key, obj in objects.items() if not resource.accept(obj)] if recheck else []
            for key in dropped:
                del objects[key]
            if adopted or dropped:
                self._count_change(resource.key)


def _older(candidate, current):
    """Whether `candidate` is an older version than `current` (numeric resourceVersions only)."""
    try:
        return int(candidate["metadata"]["resourceVersion"]) < int(current["metadata"]["resourceVersion"])
    except (KeyError, TypeError, ValueError):
        return False


def _key(obj):
    metadata = obj.get("metadata") or {}
    return metadata.get("uid") or f"{metadata.get('namespace')}/{metadata.get('name')}"


class PodOwnedWorkloads:
    """accept() for Workloads: those of the pods a watcher holds (job-uid label, owner pod, or a name
    the pod gives), as `LiveCluster.workloads_for_pods` selects them for one-shot views."""

    JOB_UID_LABEL = "kueue.x-k8s.io/job-uid"
    NAME_KEYS = ("kueue.x-k8s.io/prebuilt-workload-name", "kueue.x-k8s.io/pod-group-name",
                 "kueue.x-k8s.io/workload")

    def __init__(self, watcher, pods_key="pods"):
        self.watcher, self.pods_key = watcher, pods_key
        self._names_of = (None, frozenset())   # (pods generation, names): recomputed after pod changes

    def __call__(self, workload):
        metadata = workload.get("metadata") or {}
        held = self.watcher.contains
        uid = (metadata.get("labels") or {}).get(self.JOB_UID_LABEL)
        if uid and held(self.pods_key, uid):
            return True
        owned_by_a_pod = False
        for ref in metadata.get("ownerReferences") or ():
            if isinstance(ref, dict) and ref.get("uid") and held(self.pods_key, ref["uid"]):
                return True
            owned_by_a_pod = owned_by_a_pod or (isinstance(ref, dict) and ref.get("kind") == "Pod")
        if owned_by_a_pod:
            return False   # another pod's (a pod group's Workload is owned by each of its pods)
        return metadata.get("name") in self._names()

    def _names(self):
        generation = self.watcher.generations[self.pods_key]
        if self._names_of[0] != generation:
            names = set()
            for pod in self.watcher.objects(self.pods_key):
                metadata = pod.get("metadata") or {}
                for source in (metadata.get("annotations") or {}, metadata.get("labels") or {}):
                    for key in self.NAME_KEYS:
                        if source.get(key):
                            names.add(source[key])
            self._names_of = (generation, frozenset(names))
        return self._names_of[1]
