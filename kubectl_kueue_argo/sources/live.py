"""Read the objects a command needs from a live cluster into a Snapshot of plain dicts.

Lists are read once with label selectors and joined in memory later: never one GET per pod.
Essential reads (the workflow, its pods) raise; optional ones (queues, positions, the Kueue
configuration) degrade to a note in the Snapshot.
"""
import gc
from contextlib import contextmanager

from kubectl_kueue_argo.errors import ApiError, NotFoundError, PluginError, UnreachableError
from kubectl_kueue_argo.interpret.kueue import pods as podfacts
from kubectl_kueue_argo.model import Finding, Snapshot

ARGO_GROUP = "argoproj.io"
ARGO_VERSION = "v1alpha1"
KUEUE_GROUP = "kueue.x-k8s.io"
VISIBILITY_GROUP = "visibility.kueue.x-k8s.io"
KUEUE_VERSIONS = ("v1beta2", "v1beta1")
VISIBILITY_VERSIONS = ("v1beta2", "v1beta1", "v1alpha1")
WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
JOB_UID_LABEL = "kueue.x-k8s.io/job-uid"
PAGE_SIZE = 500
SELECTOR_CHUNK = 500  # ~19 KB of request line: within the API server's limit, few requests
VISIBILITY_PAGE = 1000
VISIBILITY_MAX_PAGES = 100
MANAGER_CONFIGMAP = ("kueue-system", "kueue-manager-config")
_GROUP_NAME_KEYS = ("kueue.x-k8s.io/prebuilt-workload-name", "kueue.x-k8s.io/pod-group-name")


class Discovery:
    def __init__(self, groups):
        self.groups = groups  # group -> list of served versions, preferred first

    def served(self, group, candidates):
        versions = self.groups.get(group) or []
        for candidate in candidates:
            if candidate in versions:
                return candidate
        return None

    @property
    def argo_installed(self):
        return ARGO_VERSION in (self.groups.get(ARGO_GROUP) or [])

    @property
    def kueue_version(self):
        return self.served(KUEUE_GROUP, KUEUE_VERSIONS)

    @property
    def visibility_version(self):
        return self.served(VISIBILITY_GROUP, VISIBILITY_VERSIONS)


class LiveCluster:
    def __init__(self, transport):
        self.transport = transport
        self._discovery = None
        self.listed_workloads = None    # namespace -> its Workloads, when a forecast listed them first
        self._strings = {}   # share_strings' table: one copy of each string the trimmed items hold

    # -- primitives -------------------------------------------------------------------------

    def discovery(self):
        if self._discovery is None:
            document = self.transport.get_json("/apis")
            groups = {}
            for group in document.get("groups") or []:
                versions = [entry.get("version") for entry in group.get("versions") or []]
                preferred = (group.get("preferredVersion") or {}).get("version")
                if preferred in versions:
                    versions.remove(preferred)
                    versions.insert(0, preferred)
                groups[group.get("name")] = versions
            self._discovery = Discovery(groups)
        return self._discovery

    def list_items(self, path, label_selector=None, field_selector=None, slim=None):
        return self.list_with_version(path, label_selector, field_selector, slim)[0]

    def list_with_version(self, path, label_selector=None, field_selector=None, slim=None):
        """All items of a LIST, page by page, and the list's resourceVersion (to watch from).

        `slim(item)` trims each item as its page arrives, so a large list never sits in memory whole,
        and the item's equal strings are then shared with the items read before."""
        items, token, restarted = [], None, False
        while True:
            query = {"labelSelector": label_selector, "fieldSelector": field_selector,
                     "limit": PAGE_SIZE, "continue": token}
            try:
                document = self.transport.get_json(path, query)
            except ApiError as err:
                if err.status == 410 and token and not restarted:  # continue token expired: start over
                    items, token, restarted = [], None, True
                    continue
                raise
            page = document.get("items") or []
            if slim is not None:
                for item in page:
                    share_strings(slim(item), self._strings)
            items.extend(page)
            token = (document.get("metadata") or {}).get("continue")
            if not token:
                return items, (document.get("metadata") or {}).get("resourceVersion")

    def kueue_path(self, resource, namespace=None):
        version = self.discovery().kueue_version
        if namespace:
            return f"/apis/{KUEUE_GROUP}/{version}/namespaces/{namespace}/{resource}"
        return f"/apis/{KUEUE_GROUP}/{version}/{resource}"

    def argo_path(self, resource, namespace=None, name=None):
        path = f"/apis/{ARGO_GROUP}/{ARGO_VERSION}"
        path += f"/namespaces/{namespace}/{resource}" if namespace else f"/{resource}"
        return f"{path}/{name}" if name else path

    def require_argo(self):
        if not self.discovery().argo_installed:
            raise PluginError("the Argo Workflows CRDs are not installed in this cluster "
                              f"(the {ARGO_GROUP}/{ARGO_VERSION} API is not served)")

    # -- reads for one workflow ---------------------------------------------------------------

    def workflow(self, namespace, name):
        self.require_argo()
        try:
            return self.transport.get_json(self.argo_path("workflows", namespace, name))
        except NotFoundError:
            raise NotFoundError(f'workflows.argoproj.io "{name}" not found in namespace "{namespace}"',
                                404, "NotFound") from None

    def workflow_pods(self, namespace, workflow_name, *, nodes_readable=False):
        """`nodes_readable`: the workflow's node status is there, so no pod's ARGO_TEMPLATE is read."""
        return self.list_items(f"/api/v1/namespaces/{namespace}/pods", label_selector=f"{WORKFLOW_LABEL}={workflow_name}",
                               slim=slim_pod_without_argo_template if nodes_readable else slim_pod)

    def workloads_for_pods(self, namespace, pods):
        """The Workloads of these pods only: by job-uid label in chunks, and by name for groups."""
        if self.listed_workloads is not None and namespace in self.listed_workloads:
            return self.listed_workloads[namespace]     # a superset, already read: the pods find theirs
        return self.workloads_for_pods_with_version(namespace, pods)[0]

    def workloads_for_pods_with_version(self, namespace, pods):
        """workloads_for_pods, and the resourceVersion of its first LIST (None without one): a
        watch from there sees every later change of these Workloads."""
        uids = [pod["metadata"]["uid"] for pod in pods
                if (pod.get("metadata") or {}).get("uid") and (podfacts.is_managed(pod) or podfacts.queue_label(pod))]
        path = self.kueue_path("workloads", namespace)
        workloads, versions = [], []

        def read(**selectors):
            items, version = self.list_with_version(path, slim=slim_workload, **selectors)
            workloads.extend(items)
            versions.append(version)

        for start in range(0, len(uids), SELECTOR_CHUNK):
            read(label_selector=f"{JOB_UID_LABEL} in ({','.join(uids[start:start + SELECTOR_CHUNK])})")
        found = {(wl.get("metadata") or {}).get("name") for wl in workloads}
        for name in sorted(_explicit_workload_names(pods) - found):
            read(field_selector=f"metadata.name={name}")
        return workloads, (versions[0] if versions else None)

    def snapshot_for_workflow(self, namespace, name, *, with_cluster_config=False):
        with bulk_read():
            workflow = self.workflow(namespace, name)
            snapshot = Snapshot(namespace=namespace, workflow=workflow, source="live")
            snapshot.pods = self.workflow_pods(namespace, name, nodes_readable=_has_node_status(workflow))
            self.add_kueue_objects(snapshot, snapshot.pods, with_cluster_config=with_cluster_config)
            if with_cluster_config and snapshot.kueue_installed:
                self.add_explain_objects(snapshot)
        return snapshot

    def add_explain_objects(self, snapshot):
        """What only `explain` reads (interpret.diagnose.reads decides): AdmissionChecks, the namespace's
        ErrWorkloadCompose events, and the pods owning the first Workloads queued ahead."""
        from kubectl_kueue_argo.interpret.diagnose.reads import COMPOSE_EVENT_REASON, explain_reads

        wanted, namespace = explain_reads(snapshot), snapshot.namespace
        if wanted.admission_checks:
            snapshot.admission_checks = self.read_optional(
                snapshot, "AdmissionChecksUnreadable", "AdmissionChecks",
                lambda: self.list_items(self.kueue_path("admissionchecks")))
        if wanted.compose_events:
            snapshot.events = self.read_optional(
                snapshot, "EventsUnreadable", f"the events of namespace {namespace}",
                lambda: self.list_items(f"/api/v1/namespaces/{namespace}/events",
                                        field_selector=f"reason={COMPOSE_EVENT_REASON}"))
        for pod_name in wanted.owner_pods:
            pods = self.read_optional(snapshot, "PodsUnreadable", f"pod {namespace}/{pod_name}", lambda: self.list_items(
                f"/api/v1/namespaces/{namespace}/pods", field_selector=f"metadata.name={pod_name}", slim=slim_pod))
            snapshot.related_pods.update({pod["metadata"]["name"]: pod for pod in pods or ()})

    def add_kueue_objects(self, snapshot, pods, *, with_cluster_config=False):
        discovery = self.discovery()
        namespace = snapshot.namespace
        if not discovery.kueue_version:
            snapshot.kueue_installed = False
            snapshot.workloads, snapshot.local_queues, snapshot.cluster_queues = [], [], []
            return
        snapshot.kueue_installed = True
        snapshot.kueue_api_version = f"{KUEUE_GROUP}/{discovery.kueue_version}"
        snapshot.workloads = self.read_optional(snapshot, "WorkloadsUnreadable", "Kueue Workloads",
                                            lambda: self.workloads_for_pods(namespace, pods))
        snapshot.local_queues = self.read_optional(snapshot, "LocalQueuesUnreadable", "LocalQueues",
                                               lambda: self.list_items(self.kueue_path("localqueues", namespace)))
        snapshot.cluster_queues = self.read_optional(snapshot, "ClusterQueuesUnreadable", "ClusterQueues",
                                                 lambda: self.list_items(self.kueue_path("clusterqueues")))
        self.add_positions(snapshot, pods)
        if with_cluster_config or _needs_manager_config(pods, snapshot.workloads):
            self.add_manager_config(snapshot)

    def add_positions(self, snapshot, pods):
        """Queue positions from the visibility API, for the LocalQueues of gated pods."""
        version = self.discovery().visibility_version
        queues = sorted({podfacts.queue_label(pod) for pod in pods if podfacts.has_admission_gate(pod)} - {None})
        if snapshot.local_queues is not None:
            existing = {(lq.get("metadata") or {}).get("name") for lq in snapshot.local_queues}
            queues = [queue for queue in queues if queue in existing]
        if not queues:
            return
        if not version:
            snapshot.notes.append(Finding("VisibilityUnavailable", "info",
                                          "Queue positions are unavailable: the Kueue visibility API is not served."))
            return
        for queue in queues:
            path = (f"/apis/{VISIBILITY_GROUP}/{version}/namespaces/{snapshot.namespace}"
                    f"/localqueues/{queue}/pendingworkloads")
            try:
                items = self._pending_items(path)
            except NotFoundError:
                continue
            except (ApiError, UnreachableError) as err:
                snapshot.notes.append(Finding("VisibilityUnavailable", "info",
                                              f"Queue positions are unavailable: {err.message}"))
                return
            snapshot.pending_workloads[(snapshot.namespace, queue)] = items

    def _pending_items(self, path):
        """Every pending Workload of a LocalQueue: the endpoint pages with limit/offset."""
        items = []
        for _ in range(VISIBILITY_MAX_PAGES):
            page = self.transport.get_json(path, {"limit": VISIBILITY_PAGE, "offset": len(items)}).get("items") or []
            items.extend(page)
            if len(page) < VISIBILITY_PAGE:
                break
        return items

    def add_manager_config(self, snapshot):
        namespace, name = MANAGER_CONFIGMAP
        snapshot.manager_config = self.read_optional(
            snapshot, "KueueConfigUnreadable", f"the Kueue manager configuration (ConfigMap {namespace}/{name})",
            lambda: self.transport.get_json(f"/api/v1/namespaces/{namespace}/configmaps/{name}"))
        if snapshot.manager_config is not None and snapshot.namespace_labels is None:
            namespace_object = self.read_optional(
                snapshot, "NamespaceUnreadable", f"namespace {snapshot.namespace}",
                lambda: self.transport.get_json(f"/api/v1/namespaces/{snapshot.namespace}"))
            if namespace_object is not None:
                snapshot.namespace_labels = (namespace_object.get("metadata") or {}).get("labels") or {}

    def workflow_templates(self, namespace, names, cluster_names):
        """WorkflowTemplates and ClusterWorkflowTemplates by name; missing ones are skipped."""
        found = []
        for resource, scope, wanted in (("workflowtemplates", namespace, names),
                                        ("clusterworkflowtemplates", None, cluster_names)):
            for name in sorted(set(wanted)):
                try:
                    found.append(self.transport.get_json(self.argo_path(resource, scope, name)))
                except NotFoundError:
                    continue
        return found

    @staticmethod
    def read_optional(snapshot, code, what, read):
        """Run an optional read; on failure note it in the snapshot and return None."""
        try:
            return read()
        except (ApiError, UnreachableError) as err:
            status = getattr(err, "status", None)
            snapshot.notes.append(Finding(code, "info", f"Could not read {what}: {err.message}",
                                          evidence=[f"HTTP {status}"] if status else []))
            return None


@contextmanager
def bulk_read():
    """Pause the cyclic garbage collector while a large snapshot is decoded.

    Decoded JSON holds no reference cycles, but as it grows the collector traverses it again and
    again (at 5,000 steps that was about half of the read time). Reference counting still frees
    everything as usual. At the end the objects are moved straight to the oldest generation
    (gc.freeze + gc.unfreeze: nothing stays frozen), so they are traversed once more at most,
    instead of being promoted through every generation."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.unfreeze()
        if enabled:
            gc.enable()


# -- trimming what no command reads -------------------------------------------------------------
# An Argo pod is ~7 KB of JSON and ~36 KB once decoded, mostly the executor's env (ARGO_TEMPLATE
# three times), volumes, volume mounts, images and commands; a pod Workload copies that spec. No
# command reads them, so they are dropped as each page arrives. Kept: everything else, including
# the one env entry interpret.argo.workflow.nodes_from_pods reads (ARGO_TEMPLATE, first container
# that has it).

# Of a container only these are read: its name, what it requests (restartPolicy makes an init
# container a sidecar, whose requests add up) and ARGO_TEMPLATE; image, command, args, probes,
# mounts... are dropped. A Workload's pod templates keep their containers' requests only.
_READ_CONTAINER_FIELDS = frozenset(("name", "resources", "restartPolicy", "env"))
_READ_WORKLOAD_POD_SPEC_FIELDS = ("containers", "initContainers", "resources", "overhead")


_UNREAD_POD_STATUS_FIELDS = ("hostIP", "hostIPs", "podIP", "podIPs", "qosClass")
# Pod conditions read: PodScheduled (when the gate was lifted, and why a pod does not schedule)
# and DisruptionTarget (why a pod was stopped). Ready, Initialized and the like are dropped.
_READ_POD_CONDITIONS = frozenset(("PodScheduled", "DisruptionTarget"))
# The API server adds these two to every pod (DefaultTolerationSeconds): they say nothing.
_DEFAULT_TOLERATIONS = frozenset(("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"))
_UNREAD_CONTAINER_STATUS_FIELDS = ("image", "imageID", "containerID")


def slim_pod(pod, keep_argo_template=True):
    """Drop from a pod (in place) the fields no command reads; returns it. ARGO_TEMPLATE is only
    read when the workflow's node status is offloaded (nodes_from_pods)."""
    if not isinstance(pod, dict):
        return pod
    metadata = pod.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    spec = pod.get("spec")
    if isinstance(spec, dict):
        _slim_pod_spec(spec, keep_argo_template=keep_argo_template)
        tolerations = spec.get("tolerations")
        if isinstance(tolerations, list):
            spec["tolerations"] = [toleration for toleration in tolerations if not _default_toleration(toleration)]
    status = pod.get("status")
    if isinstance(status, dict):
        for field in _UNREAD_POD_STATUS_FIELDS:
            status.pop(field, None)
        conditions = status.get("conditions")
        if isinstance(conditions, list):
            status["conditions"] = [condition for condition in conditions
                                    if not isinstance(condition, dict) or condition.get("type") in _READ_POD_CONDITIONS]
        for key in ("containerStatuses", "initContainerStatuses"):
            for container in status.get(key) or ():
                if isinstance(container, dict):
                    for field in _UNREAD_CONTAINER_STATUS_FIELDS:
                        container.pop(field, None)
    return pod


def _default_toleration(toleration):
    return (isinstance(toleration, dict) and toleration.get("key") in _DEFAULT_TOLERATIONS
            and toleration.get("operator") == "Exists" and toleration.get("effect") == "NoExecute"
            and toleration.get("tolerationSeconds") == 300)


def slim_pod_without_argo_template(pod):
    return slim_pod(pod, keep_argo_template=False)


def slim_workload(workload):
    """Drop from a Workload (in place) the unread parts of its pod templates; returns it."""
    if not isinstance(workload, dict):
        return workload
    metadata = workload.get("metadata")
    if isinstance(metadata, dict):
        metadata.pop("managedFields", None)
    for pod_set in (workload.get("spec") or {}).get("podSets") or []:
        template = pod_set.get("template") if isinstance(pod_set, dict) else None
        spec = template.get("spec") if isinstance(template, dict) else None
        if isinstance(spec, dict):
            _slim_pod_spec(spec, keep_argo_template=False)
            pod_set["template"] = {"spec": {key: spec[key] for key in _READ_WORKLOAD_POD_SPEC_FIELDS if key in spec}}
    return workload


def _slim_pod_spec(spec, keep_argo_template):
    spec.pop("volumes", None)
    template_kept = not keep_argo_template
    for key in ("containers", "initContainers"):   # the order nodes_from_pods searches
        containers = spec.get(key)
        if not isinstance(containers, list):
            continue
        for container in containers:
            if not isinstance(container, dict):
                continue
            for field in [field for field in container if field not in _READ_CONTAINER_FIELDS]:
                del container[field]
            env = container.get("env")
            if env is None:
                continue
            kept = []
            if not template_kept and isinstance(env, list):
                for entry in env:
                    if isinstance(entry, dict) and entry.get("name") == "ARGO_TEMPLATE" and entry.get("value"):
                        kept, template_kept = [entry], True
                        break
            if kept:
                container["env"] = kept
            else:
                del container["env"]


def share_strings(item, table):
    """Replace each string value in `item` (in place) by the equal one already in `table`.

    Thousands of pods and Workloads repeat the same label values, states, messages, times and
    quantities; the JSON decoder shares only the keys, within one page. Sharing the values cuts
    what a trimmed pod or Workload holds by about a quarter. Returns `item`."""
    stack = [item]
    pop, push, shared = stack.pop, stack.append, table.setdefault
    while stack:
        node = pop()
        if type(node) is dict:
            for key, value in node.items():
                kind = type(value)
                if kind is str:
                    node[key] = shared(value, value)
                elif kind is dict or kind is list:
                    push(value)
        elif type(node) is list:
            for index, value in enumerate(node):
                kind = type(value)
                if kind is str:
                    node[index] = shared(value, value)
                elif kind is dict or kind is list:
                    push(value)
    return item


def _has_node_status(workflow):
    """Inline nodes (compressed ones might not decode: then the pods' ARGO_TEMPLATE is needed)."""
    status = workflow.get("status") if isinstance(workflow, dict) else None
    nodes = status.get("nodes") if isinstance(status, dict) else None
    return isinstance(nodes, dict) and bool(nodes)


def _explicit_workload_names(pods):
    names = set()
    for pod in pods:
        metadata = pod.get("metadata") or {}
        for source in (metadata.get("annotations") or {}, metadata.get("labels") or {}):
            for key in _GROUP_NAME_KEYS:
                if source.get(key):
                    names.add(source[key])
    return names


def _needs_manager_config(pods, workloads):
    """Only pods Kueue should manage but does not (or has not yet) need the manager configuration."""
    owners = {((wl.get("metadata") or {}).get("labels") or {}).get(JOB_UID_LABEL) for wl in workloads or []}
    names = {(wl.get("metadata") or {}).get("name") for wl in workloads or []}
    for pod in pods:
        managed = podfacts.is_managed(pod)
        if podfacts.queue_label(pod) and not managed:
            return True
        if managed and podfacts.has_admission_gate(pod) and (pod.get("metadata") or {}).get("uid") not in owners \
                and not _explicit_workload_names([pod]) & names:    # a pod group's Workload has no job-uid
            return True
    return False
