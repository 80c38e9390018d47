"""Keep objects up to date with the watch API: LIST, then WATCH from its resourceVersion.

Each resource is watched from its own thread. `410 Gone` lists again from a fresh
resourceVersion; a dropped connection reconnects with capped exponential backoff. The
consumer is told that something changed and reads a consistent copy of the objects.
"""
import json
import threading
from dataclasses import dataclass
from typing import Optional

from kubectl_kueue_argo.errors import ApiError, PluginError, UnreachableError

WATCH_SECONDS = 290
_BACKOFF_START = 0.5
_BACKOFF_MAX = 10.0


@dataclass
class WatchedResource:
    key: str
    path: str
    label_selector: Optional[str] = None
    field_selector: Optional[str] = None


class _Expired(Exception):
    pass


class ResourceWatcher:
    def __init__(self, cluster, resources, *, sleep=None):
        self.cluster = cluster
        self.resources = resources
        self.changed = threading.Event()
        self.stopping = threading.Event()
        self._sleep = sleep or self.stopping.wait
        self._lock = threading.Lock()
        self._objects = {resource.key: {} for resource in resources}
        self._versions = {}
        self._threads = []
        self.errors = []

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

    def _relist(self, resource):
        items, version = self.cluster.list_with_version(resource.path, label_selector=resource.label_selector,
                                                        field_selector=resource.field_selector)
        with self._lock:
            self._objects[resource.key] = {_key(item): item for item in items}
            self._versions[resource.key] = version
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
        with self._lock:
            if version:
                self._versions[resource.key] = version
            if kind in ("ADDED", "MODIFIED"):
                self._objects[resource.key][_key(obj)] = obj
            elif kind == "DELETED":
                self._objects[resource.key].pop(_key(obj), None)
        if kind != "BOOKMARK":
            self.changed.set()


def _key(obj):
    metadata = obj.get("metadata") or {}
    return metadata.get("uid") or f"{metadata.get('namespace')}/{metadata.get('name')}"
