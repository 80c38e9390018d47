"""Read cluster state from files (`kubectl get -o yaml` dumps, support bundles) into a Snapshot.

Nothing here touches the network. A kind that is absent from the files counts as unknown,
not as empty, unless the files hold other objects of its API group.
"""
from collections import defaultdict

from kubectl_kueue_argo.errors import NotFoundError, UsageError
from kubectl_kueue_argo.interpret.dicts import mapping, sequence, text
from kubectl_kueue_argo.interpret.kueue import pods as podfacts
from kubectl_kueue_argo.interpret.kueue.workloads import WorkloadIndex
from kubectl_kueue_argo.model import Finding, Snapshot
from kubectl_kueue_argo.timeutil import parse_time

WORKFLOW_LABEL = "workflows.argoproj.io/workflow"
KUEUE_GROUP = "kueue.x-k8s.io"
MANAGER_CONFIG_KEY = "controller_manager_config.yaml"
_TIME_KEYS = ("creationTimestamp", "lastTransitionTime", "startTime", "startedAt", "finishedAt")
_SPEC_WITHOUT_TIMES = ("Pod", "Workload")


class FileCluster:
    def __init__(self, documents):
        self.by_kind = defaultdict(list)
        for document in documents:
            if _well_formed(document):
                self.by_kind[document["kind"]].append(document)
        self.kueue_version = _kueue_version(self.by_kind)
        self._unrelated = None   # ids of the pods, Workloads and Workflows the last snapshot does not use

    def objects(self, kind, namespace=None):
        items = self.by_kind.get(kind, [])
        if namespace is None:
            return list(items)
        return [item for item in items if (item.get("metadata") or {}).get("namespace") == namespace]

    def find_workflow(self, name, namespace=None):
        matches = [wf for wf in self.by_kind.get("Workflow", []) if (wf.get("metadata") or {}).get("name") == name]
        if namespace:
            matches = [wf for wf in matches if (wf.get("metadata") or {}).get("namespace") in (namespace, None)]
        if not matches:
            where = f' in namespace "{namespace}"' if namespace else ""
            raise NotFoundError(f'workflows.argoproj.io "{name}" not found{where} in the given files', 404, "NotFound")
        namespaces = {(wf.get("metadata") or {}).get("namespace") for wf in matches}
        if len(namespaces) > 1:
            raise UsageError(f'workflow "{name}" exists in several namespaces of the files '
                             f'({", ".join(sorted(filter(None, namespaces)))}); pick one with -n')
        return matches[0]

    def snapshot_for_workflow(self, name, namespace=None):
        workflow = self.find_workflow(name, namespace)
        namespace = (workflow.get("metadata") or {}).get("namespace") or namespace or "default"
        snapshot = Snapshot(namespace=namespace, workflow=workflow, source="files")
        snapshot.pods = [pod for pod in self.objects("Pod", namespace)
                         if podfacts.labels_of(pod).get(WORKFLOW_LABEL) == name]
        self.add_kueue_objects(snapshot)
        snapshot.workflow_templates = self.objects("WorkflowTemplate", namespace) + self.objects("ClusterWorkflowTemplate")
        self.add_explain_objects(snapshot)
        self._note_used(workflow, snapshot)
        return snapshot

    def add_explain_objects(self, snapshot):
        """AdmissionChecks, events and the namespace's other pods, when the files hold them (else unknown)."""
        snapshot.admission_checks = self.objects("AdmissionCheck") or None
        snapshot.events = self.objects("Event", snapshot.namespace) or None
        own = {id(pod) for pod in snapshot.pods}
        snapshot.related_pods = {(pod.get("metadata") or {}).get("name"): pod
                                 for pod in self.objects("Pod", snapshot.namespace) if id(pod) not in own}

    def _note_used(self, workflow, snapshot):
        """Remember which pods, Workloads and Workflows this snapshot uses: the snapshot time is
        taken from those (and every other kind), not from a busy namespace's unrelated objects."""
        index = WorkloadIndex(snapshot.workloads or [])
        used = {id(workflow)} | {id(pod) for pod in snapshot.pods}
        used.update(id(index.raw_for_pod(pod)) for pod in snapshot.pods)
        self._unrelated = {id(obj) for kind in ("Pod", "Workload", "Workflow") for obj in self.by_kind.get(kind, ())
                           if id(obj) not in used}

    def add_kueue_objects(self, snapshot):
        namespace = snapshot.namespace
        if self.kueue_version:
            snapshot.kueue_installed = True
            snapshot.kueue_api_version = self.kueue_version
            snapshot.workloads = self.objects("Workload", namespace)
            snapshot.local_queues = self.objects("LocalQueue", namespace)
            snapshot.cluster_queues = self.objects("ClusterQueue") or None
            if snapshot.cluster_queues is None:
                snapshot.notes.append(Finding("ClusterQueuesUnreadable", "info", "The files hold no ClusterQueues."))
        else:
            snapshot.notes.append(Finding("KueueObjectsMissing", "info",
                                          "The files hold no Kueue objects, so Workload states are unknown."))
        for summary in self.by_kind.get("PendingWorkloadsSummary", []):
            for item in map(mapping, sequence(summary.get("items"))):
                key = (text(mapping(item.get("metadata")).get("namespace")), text(item.get("localQueueName")))
                if item and all(key):   # a damaged item answers no queue's position
                    snapshot.pending_workloads.setdefault(key, []).append(item)
        snapshot.manager_config = self.manager_config()
        namespace_object = next((ns for ns in self.by_kind.get("Namespace", [])
                                 if (ns.get("metadata") or {}).get("name") == namespace), None)
        if namespace_object is not None:
            snapshot.namespace_labels = (namespace_object.get("metadata") or {}).get("labels") or {}

    def snapshot_time(self):
        """The latest timestamp in the files: when the snapshot was taken, near enough.
        Waits in a support bundle are measured up to then, not up to today. After a snapshot of
        one workflow, only its own pods, Workloads and Workflow count among those kinds. The spec of
        a pod or Workload holds no timestamp and is not walked."""
        latest = None
        unrelated = self._unrelated or ()
        stack = []
        for kind, items in self.by_kind.items():
            for document in items:
                if id(document) in unrelated:
                    continue
                if kind in _SPEC_WITHOUT_TIMES:
                    stack.extend(value for key, value in document.items() if key != "spec")
                else:
                    stack.append(document)
        while stack:
            value = stack.pop()
            if isinstance(value, dict):
                for key, item in value.items():
                    if key in _TIME_KEYS and isinstance(item, str):
                        moment = parse_time(item)
                        if moment and (latest is None or moment > latest):
                            latest = moment
                    elif isinstance(item, (dict, list)):
                        stack.append(item)
            elif isinstance(value, list):
                stack.extend(item for item in value if isinstance(item, (dict, list)))
        return latest

    def manager_config(self):
        for configmap in self.by_kind.get("ConfigMap", []):
            if MANAGER_CONFIG_KEY in mapping(configmap.get("data")):
                return configmap
        return None


def _well_formed(document):
    """The envelope every reader relies on: a string kind (and apiVersion), a metadata mapping
    with string name/namespace and mappings of labels and annotations. A document that is not
    a Kubernetes object at this level is skipped, as `kubectl` would reject it."""
    if not isinstance(document, dict) or not isinstance(document.get("kind"), str) or not document["kind"]:
        return False
    if not isinstance(document.get("apiVersion", ""), str):
        return False
    metadata = document.get("metadata", {})
    if metadata is None:
        return True
    if not isinstance(metadata, dict):
        return False
    for key in ("name", "namespace", "uid", "creationTimestamp"):
        if metadata.get(key) is not None and not isinstance(metadata[key], str):
            return False
    for key in ("labels", "annotations"):
        value = metadata.get(key)
        if value is not None and not (isinstance(value, dict) and all(isinstance(v, str) for v in value.values())):
            return False
    return True


def _kueue_version(by_kind):
    for items in by_kind.values():
        for item in items:
            api_version = item.get("apiVersion") or ""
            if api_version.startswith(KUEUE_GROUP + "/"):
                return api_version
    return None
