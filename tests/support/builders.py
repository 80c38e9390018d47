"""Builders for realistic Argo / Kueue / Kubernetes objects (plain dicts), for tests and benchmarks.

The objects look like `kubectl get -o yaml` shows them for Argo Workflows 3.7 (POD_NAMES=v2,
emissary executor) and Kueue v0.19.2 with its shipped configuration and default feature gates
(`kueue_minor` selects the behaviour of older Kueue releases where it matters). The rules come
from /work/shared/reference/facts/{argo-workflows,kueue}.md; the section numbers quoted in the
comments below refer to those fact sheets.

Everything is deterministic: timestamps are offsets (seconds) from BASE_TIME and UIDs are uuid5s
of the object's kind/namespace/name. Every builder is O(size of its output), so a 20,000 step
workflow can be built in linear time (use `compact=True` on pods for smaller objects).
"""
import base64
import copy
import gzip
import hashlib
import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from fractions import Fraction

from kubectl_kueue_argo.interpret.names import agent_pod_name, node_id, pod_name_v2, pod_workload_name
from kubectl_kueue_argo.quantity import parse_quantity

BASE_TIME = datetime(2026, 8, 24, 10, 0, 0, tzinfo=timezone.utc)
UID_NAMESPACE = uuid.UUID("6f0c3a52-9d1e-4b7a-8e2f-5c4d3b2a1908")

ARGO_VERSION = "v3.7.3"
EXECUTOR_IMAGE = f"quay.io/argoproj/argoexec:{ARGO_VERSION}"
KUEUE_V1BETA2 = "kueue.x-k8s.io/v1beta2"
KUEUE_V1BETA1 = "kueue.x-k8s.io/v1beta1"
VISIBILITY_V1BETA2 = "visibility.kueue.x-k8s.io/v1beta2"
VISIBILITY_V1BETA1 = "visibility.kueue.x-k8s.io/v1beta1"

QUEUE_LABEL = "kueue.x-k8s.io/queue-name"
MANAGED_LABEL = "kueue.x-k8s.io/managed"
ADMISSION_GATE = "kueue.x-k8s.io/admission"
TOPOLOGY_GATE = "kueue.x-k8s.io/topology"
WORKLOAD_FINALIZER = "kueue.x-k8s.io/resource-in-use"
WF_LABEL = "workflows.argoproj.io/workflow"
COMPLETED_LABEL = "workflows.argoproj.io/completed"

# Workload states understood by workload_for_pod.
WORKLOAD_STATES = ("unattempted", "pending", "inadmissible", "quota_reserved", "admitted",
                   "finished", "failed", "evicted", "deactivated", "max_exec_deactivated")


# --------------------------------------------------------------------------------------------
# clock and ids

def ts(offset=0):
    """ISO timestamp `offset` seconds after BASE_TIME (int or float seconds)."""
    return (BASE_TIME + timedelta(seconds=offset)).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_uid(kind, namespace, name, salt=""):
    return str(uuid.uuid5(UID_NAMESPACE, f"{kind}/{namespace or ''}/{name}/{salt}"))


def _short_hash(text, length=5):
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


# --------------------------------------------------------------------------------------------
# Argo templates

def container_template(name, *, image="docker/whalesay", command=("cowsay",), args=None, requests=None,
                       limits=None, queue=None, labels=None, annotations=None, inputs=None, **extra):
    """A container template. `queue` puts the Kueue label in the template's metadata.labels."""
    tmpl = {"name": name}
    meta_labels = dict(labels or {})
    if queue:
        meta_labels[QUEUE_LABEL] = queue
    if meta_labels or annotations:
        tmpl["metadata"] = {}
        if annotations:
            tmpl["metadata"]["annotations"] = dict(annotations)
        if meta_labels:
            tmpl["metadata"]["labels"] = meta_labels
    if inputs:
        tmpl["inputs"] = {"parameters": [{"name": p} for p in inputs]}
    container = {"image": image}
    if command:
        container["command"] = list(command)
    if args is not None:
        container["args"] = list(args)
    resources = {}
    if limits:
        resources["limits"] = dict(limits)
    if requests:
        resources["requests"] = dict(requests)
    container["resources"] = resources
    tmpl["container"] = container
    tmpl.update(extra)
    return tmpl


def steps_template(name, groups, **extra):
    """groups: list of step groups; each group a list of {name, template|templateRef, arguments?}."""
    return dict({"name": name, "steps": [list(g) for g in groups]}, **extra)


def dag_template(name, tasks, **extra):
    return dict({"name": name, "dag": {"tasks": list(tasks)}}, **extra)


def step_ref(name, template=None, *, message=None, template_ref=None, **extra):
    step = {"name": name}
    if template_ref:
        step["templateRef"] = dict(template_ref)
    else:
        step["template"] = template
    if message is not None:
        step["arguments"] = {"parameters": [{"name": "message", "value": message}]}
    step.update(extra)
    return step


def suspend_template(name, duration=None):
    return {"name": name, "suspend": {"duration": duration} if duration else {}}


def resource_template(name, manifest, *, action="create", queue=None, set_owner_reference=True):
    tmpl = {"name": name, "resource": {"action": action, "manifest": manifest,
                                       "setOwnerReference": set_owner_reference}}
    if queue:
        tmpl["metadata"] = {"labels": {QUEUE_LABEL: queue}}
    return tmpl


def http_template(name, url, *, method="GET", success_condition="response.statusCode == 200"):
    return {"name": name, "http": {"url": url, "method": method, "successCondition": success_condition}}


# --------------------------------------------------------------------------------------------
# Argo nodes (status.nodes)

_DISPLAY_STRIP = re.compile(r"^(\[\d+\])?\.")


def display_name(name, boundary_name):
    """Argo's initializeNode: drop the boundary node's name, then a leading `[N].` or `.`."""
    if boundary_name is None:
        return name
    rest = name[len(boundary_name):] if name.startswith(boundary_name) else name
    return _DISPLAY_STRIP.sub("", rest, count=1)


def node(workflow_name, name, node_type, *, boundary=None, template_name=None, template_ref=None,
         template_scope=None, phase="Running", started=0, finished=None, message=None, **fields):
    """One NodeStatus. `boundary` is the enclosing Steps/DAG node dict (None for the root)."""
    nid = node_id(workflow_name, name)
    out = {"id": nid, "name": name,
           "displayName": display_name(name, boundary["name"] if boundary else None),
           "type": node_type}
    if template_name:
        out["templateName"] = template_name
    if template_ref:
        out["templateRef"] = dict(template_ref)
    if template_scope is None:
        template_scope = f"local/{workflow_name}"
    if template_scope:
        out["templateScope"] = template_scope
    out["phase"] = phase
    if boundary is not None:
        out["boundaryID"] = boundary["id"]
    if message:
        out["message"] = message
    out["startedAt"] = ts(started)
    if finished is not None:
        out["finishedAt"] = ts(finished)
    out.update(fields)
    return out


class NodeTree:
    """Builds status.nodes the way the Argo controller names and links them (facts §1.3).

    children are execution edges (Steps -> group 0, group -> its steps, outbound nodes of group i
    -> group i+1, DAG -> root tasks, dependency outbound -> dependent task, Retry -> attempts);
    boundaryID is containment (the enclosing Steps/DAG node).
    """

    def __init__(self, workflow_name):
        self.wf = workflow_name
        self.nodes = {}

    # -- primitives
    def add(self, name, node_type, *, boundary=None, parent=None, **kw):
        n = node(self.wf, name, node_type, boundary=boundary, **kw)
        self.nodes[n["id"]] = n
        if parent is not None:
            parent.setdefault("children", []).append(n["id"])
        return n

    def link(self, src, dst):
        src.setdefault("children", []).append(dst["id"])

    def outbound(self, n):
        """Outbound node ids of a node (Argo getOutboundNodes, simplified)."""
        if n["type"] == "Retry" and n.get("children"):
            return self.outbound(self.nodes[n["children"][-1]])
        if n["type"] in ("Steps", "DAG"):
            return list(n.get("outboundNodes", []))
        return [n["id"]]

    # -- steps
    def steps(self, template_name, *, name=None, boundary=None, parent=None, phase="Running", started=0,
              **kw):
        return self.add(name or self.wf, "Steps", boundary=boundary, parent=parent,
                        template_name=template_name, phase=phase, started=started, **kw)

    def group(self, steps_node, index, *, phase="Running", started=0, after=None, **kw):
        """Step group `[index]`; `after` is the previous group (its steps' outbound nodes link here)."""
        g = self.add(f"{steps_node['name']}[{index}]", "StepGroup", boundary=steps_node,
                     template_scope=steps_node.get("templateScope", ""), phase=phase, started=started, **kw)
        if after is None:
            self.link(steps_node, g)
        else:
            for child in after.get("children", []):
                for out_id in self.outbound(self.nodes[child]):
                    self.link(self.nodes[out_id], g)
        return g

    def step(self, group, step_name, template_name=None, *, node_type="Pod", phase="Pending", started=0,
             **kw):
        boundary = self.nodes[group["boundaryID"]]
        return self.add(f"{group['name']}.{step_name}", node_type, boundary=boundary, parent=group,
                        template_name=template_name, phase=phase, started=started, **kw)

    # -- dag
    def dag(self, template_name, *, name=None, boundary=None, parent=None, phase="Running", started=0, **kw):
        return self.add(name or self.wf, "DAG", boundary=boundary, parent=parent,
                        template_name=template_name, phase=phase, started=started, **kw)

    def task(self, dag_node, task_name, template_name=None, *, depends=(), node_type="Pod", phase="Pending",
             started=0, **kw):
        t = self.add(f"{dag_node['name']}.{task_name}", node_type, boundary=dag_node,
                     template_name=template_name, phase=phase, started=started, **kw)
        if not depends:
            self.link(dag_node, t)
        for dep in depends:
            for out_id in self.outbound(dep):
                self.link(self.nodes[out_id], t)
        return t

    # -- retries
    def attempt(self, retry_node, index, *, node_type="Pod", phase="Pending", started=0, **kw):
        boundary = self.nodes[retry_node["boundaryID"]] if retry_node.get("boundaryID") else None
        kw.setdefault("template_name", retry_node.get("templateName"))
        kw.setdefault("nodeFlag", {"retried": True})
        return self.add(f"{retry_node['name']}({index})", node_type, boundary=boundary, parent=retry_node,
                        phase=phase, started=started, **kw)

    def complete(self, boundary_node, *, phase="Succeeded", finished=0):
        """Mark a Steps/DAG node finished and record its outbound nodes."""
        boundary_node["phase"] = phase
        boundary_node["finishedAt"] = ts(finished)
        if boundary_node["type"] == "Steps":
            groups = [self.nodes[c] for c in self._chain_groups(boundary_node)]
            last = groups[-1] if groups else None
            outs = []
            for child in (last or {}).get("children", []):
                outs.extend(self.outbound(self.nodes[child]))
            boundary_node["outboundNodes"] = outs
        else:
            members = [n for n in self.nodes.values() if n.get("boundaryID") == boundary_node["id"]
                       and n["type"] not in ("TaskGroup",)]
            outs = [n["id"] for n in members if not n.get("children")]
            boundary_node["outboundNodes"] = outs
        return boundary_node

    def _chain_groups(self, steps_node):
        return [n["id"] for n in self.nodes.values()
                if n["type"] == "StepGroup" and n.get("boundaryID") == steps_node["id"]]


def pod_node_done(n, *, finished, phase="Succeeded", host="worker-1", exit_code="0", cpu_s=None, mem_s=None,
                  message=None):
    """Turn a Pod node into a completed one (outputs.exitCode, progress, resourcesDuration)."""
    n["phase"] = phase
    n["finishedAt"] = ts(finished)
    n["progress"] = "1/1" if phase == "Succeeded" else "0/1"
    n["hostNodeName"] = host
    if message:
        n["message"] = message
    n["outputs"] = {"exitCode": exit_code}
    duration = max(1, int(finished) - _offset_of(n["startedAt"]))
    n["resourcesDuration"] = {"cpu": cpu_s if cpu_s is not None else duration,
                              "memory": mem_s if mem_s is not None else duration * 2}
    return n


def _offset_of(timestamp):
    t = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    return int((t - BASE_TIME).total_seconds())


# --------------------------------------------------------------------------------------------
# Workflow objects

def workflow(name, namespace, templates, nodes=None, *, entrypoint=None, phase="Running", started=0,
             finished=None, pod_metadata=None, spec_extra=None, status_extra=None, labels=None,
             annotations=None, node_status="inline", message=None, generate_name=None, uid=None):
    """A Workflow as the controller leaves it. node_status: inline | compressed | offloaded."""
    if isinstance(nodes, NodeTree):
        nodes = nodes.nodes
    if isinstance(nodes, list):
        nodes = {n["id"]: n for n in nodes}
    nodes = nodes or {}
    done = phase in ("Succeeded", "Failed", "Error")
    meta_labels = {COMPLETED_LABEL: "true" if done else "false", "workflows.argoproj.io/phase": phase}
    meta_labels.update(labels or {})
    meta = {"name": name, "namespace": namespace, "uid": uid or make_uid("Workflow", namespace, name),
            "resourceVersion": str(1000 + len(nodes)), "generation": 3,
            "creationTimestamp": ts(started),
            "labels": meta_labels,
            "annotations": dict({"workflows.argoproj.io/pod-name-format": "v2"}, **(annotations or {}))}
    if generate_name or re.search(r"-[a-z0-9]{5}$", name):
        meta["generateName"] = generate_name or name[:-5]
    spec = {"entrypoint": entrypoint or templates[0]["name"], "arguments": {}}
    if pod_metadata:
        spec["podMetadata"] = pod_metadata
    spec["templates"] = list(templates)
    spec.update(spec_extra or {})
    pods = [n for n in nodes.values() if n["type"] == "Pod"]
    succeeded = sum(1 for n in pods if n["phase"] == "Succeeded")
    status = {"phase": phase, "startedAt": ts(started)}
    if finished is not None:
        status["finishedAt"] = ts(finished)
    if message:
        status["message"] = message
    status["progress"] = f"{succeeded}/{len(pods)}"
    if done:
        status["conditions"] = [{"type": "PodRunning", "status": "False"}, {"type": "Completed", "status": "True"}]
    else:
        running = any(n["phase"] == "Running" for n in pods)
        status["conditions"] = [{"type": "PodRunning", "status": "True" if running else "False"}]
    if node_status == "inline":
        status["nodes"] = nodes
    elif node_status == "compressed":
        status["compressedNodes"] = compress_nodes(nodes)
    elif node_status == "offloaded":
        status["offloadNodeStatusVersion"] = "fnv:" + str(int(hashlib.sha1(
            json.dumps(nodes, sort_keys=True).encode()).hexdigest()[:8], 16))
    else:
        raise ValueError(node_status)
    status["artifactRepositoryRef"] = {"default": True, "artifactRepository": {}}
    status.update(status_extra or {})
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "metadata": meta, "spec": spec,
            "status": status}


def compress_nodes(nodes):
    """Argo's packer: base64(gzip(json(nodes)))."""
    raw = json.dumps(nodes, separators=(",", ":"), sort_keys=True).encode()
    return base64.b64encode(gzip.compress(raw, mtime=0)).decode()


def decompress_nodes(text):
    return json.loads(gzip.decompress(base64.b64decode(text)))


def workflow_template(name, namespace, templates, *, pod_metadata=None, created=-86400):
    spec = {"templates": list(templates)}
    if pod_metadata:
        spec["podMetadata"] = pod_metadata
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "WorkflowTemplate",
            "metadata": {"name": name, "namespace": namespace, "uid": make_uid("WorkflowTemplate", namespace, name),
                         "resourceVersion": "512", "generation": 1, "creationTimestamp": ts(created)},
            "spec": spec}


def find_template(wf, name):
    for t in wf["spec"]["templates"]:
        if t["name"] == name:
            return t
    raise KeyError(name)


# --------------------------------------------------------------------------------------------
# Pods

def _fieldref(path):
    return {"valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": path}}}


def _argo_env(wf, nid, container, template):
    return [
        dict({"name": "ARGO_POD_NAME"}, **_fieldref("metadata.name")),
        dict({"name": "ARGO_POD_UID"}, **_fieldref("metadata.uid")),
        {"name": "GODEBUG", "value": "x509ignoreCN=0"},
        {"name": "ARGO_WORKFLOW_NAME", "value": wf["metadata"]["name"]},
        {"name": "ARGO_WORKFLOW_UID", "value": wf["metadata"]["uid"]},
        {"name": "ARGO_CONTAINER_NAME", "value": container},
        {"name": "ARGO_TEMPLATE", "value": json.dumps(template, separators=(",", ":"), sort_keys=True)},
        {"name": "ARGO_NODE_ID", "value": nid},
        {"name": "ARGO_INCLUDE_SCRIPT_OUTPUT", "value": "false"},
        {"name": "ARGO_DEADLINE", "value": "0001-01-01T00:00:00Z"},
        {"name": "ARGO_PROGRESS_FILE", "value": "/var/run/argo/progress"},
        {"name": "ARGO_PROGRESS_PATCH_TICK_DURATION", "value": "1m0s"},
        {"name": "ARGO_PROGRESS_FILE_TICK_DURATION", "value": "3s"},
    ]


def _container_defaults(c, image):
    c.setdefault("imagePullPolicy", "Always" if image.endswith(":latest") or ":" not in image.split("/")[-1]
                 else "IfNotPresent")
    c.setdefault("resources", {})
    c["terminationMessagePath"] = "/dev/termination-log"
    c["terminationMessagePolicy"] = "File"
    return c


def _kube_api_volume(pod_name):
    return {"name": "kube-api-access-" + _short_hash(pod_name), "projected": {"defaultMode": 420, "sources": [
        {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1",
                                                                      "fieldPath": "metadata.namespace"}}]}}]}}


def _pod_spec_defaults(spec, pod_name, restart_policy="Never", compact=False):
    spec["restartPolicy"] = restart_policy
    spec["dnsPolicy"] = "ClusterFirst"
    spec["schedulerName"] = "default-scheduler"
    spec["serviceAccountName"] = "default"
    if not compact:
        spec["serviceAccount"] = "default"
        spec["enableServiceLinks"] = True
        spec["preemptionPolicy"] = "PreemptLowerPriority"
        spec["priority"] = 0
        spec["securityContext"] = {}
        spec["terminationGracePeriodSeconds"] = 30
        spec["tolerations"] = [
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute",
             "tolerationSeconds": 300}]
        spec.setdefault("volumes", []).append(_kube_api_volume(pod_name))
        mount = {"name": "kube-api-access-" + _short_hash(pod_name),
                 "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True}
        for c in spec.get("initContainers", []) + spec["containers"]:
            c.setdefault("volumeMounts", []).append(dict(mount))
    return spec


def role_hash(spec):
    """Illustrative kueue.x-k8s.io/role-hash: 8 hex of sha256 over the pod's spec shape."""
    shape = {"containers": [c.get("resources", {}) for c in spec.get("containers", [])],
             "init": [c.get("resources", {}) for c in spec.get("initContainers", [])],
             "nodeSelector": spec.get("nodeSelector"), "tolerations": spec.get("tolerations"),
             "priority": spec.get("priority")}
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()[:8]


def _kueue_gates(kueue_minor):
    gates = [{"name": ADMISSION_GATE}]
    if kueue_minor >= 14:
        gates.append({"name": TOPOLOGY_GATE})
    return gates


# Creation-time pod specs (what the Workload copies), keyed by pod uid.
_CREATION_SPECS = {}


def clear_cache():
    """Forget the creation-time pod specs remembered for workload_for_pod (benchmarks)."""
    _CREATION_SPECS.clear()


def effective_pod_metadata(wf, template, template_pod_metadata=None):
    """Labels/annotations Argo puts on a pod: podMetadata, then template metadata (template wins)."""
    labels, annotations = {}, {}
    pm = wf["spec"].get("podMetadata") or {}
    labels.update(pm.get("labels") or {})
    annotations.update(pm.get("annotations") or {})
    if template_pod_metadata:          # templateRef (3.7+): the WFT's podMetadata folded into the template
        for key, value in (template_pod_metadata.get("labels") or {}).items():
            if key not in ((template or {}).get("metadata") or {}).get("labels", {}):
                labels[key] = value
    tm = (template or {}).get("metadata") or {}
    labels.update(tm.get("labels") or {})
    annotations.update(tm.get("annotations") or {})
    return labels, annotations


def _pod_phase_for_node(node_phase):
    return {"Pending": "Pending", "Running": "Running", "Succeeded": "Succeeded"}.get(node_phase, "Failed")


def argo_pod(workflow, node, template, *, queue=None, managed=None, gated=None, phase=None, uid=None,
             cluster_queue=None, local_queue=None, node_labels=None, tolerations=None, kueue_minor=19,
             host="worker-1", created=None, started=None, finished=None, compact=False, kind="container",
             template_pod_metadata=None, deleting=None, termination=None, exit_code=None):
    """The pod the Argo controller creates for a Pod node, after Kueue's webhook (and admission).

    queue:        the value of kueue.x-k8s.io/queue-name when it is not already given by the
                  workflow's podMetadata / the template's metadata (e.g. LocalQueue defaulting).
    managed:      Kueue manages the pod (default: it has a queue label).
    gated:        pod still carries Kueue's scheduling gates (default: managed, Pending, not admitted).
    cluster_queue: set when Kueue admitted the pod: podset/queue labels, the workload annotation and
                  the flavor's nodeSelector (node_labels) are injected and the gates removed.
    kind:         container | resource (no init/wait, argoexec main) .
    """
    wf_name = workflow["metadata"]["name"]
    namespace = workflow["metadata"]["namespace"]
    tmpl_name = template["name"] if template else None
    name = pod_name_v2(wf_name, node["name"], tmpl_name)
    uid = uid or make_uid("Pod", namespace, name)
    phase = phase or _pod_phase_for_node(node["phase"])
    labels, annotations = effective_pod_metadata(workflow, template, template_pod_metadata)
    base_labels = {WF_LABEL: wf_name, COMPLETED_LABEL: "false"}
    labels = dict(base_labels, **labels)
    managed, admitted, gated = _queueing(labels, queue, managed, gated, cluster_queue, phase)
    created_at = created if created is not None else _offset_of(node["startedAt"])
    annotations = dict({"workflows.argoproj.io/node-id": node["id"],
                        "workflows.argoproj.io/node-name": node["name"],
                        "kubectl.kubernetes.io/default-container": "main"}, **annotations)

    # -- spec as created by Argo
    tmpl_for_env = {k: v for k, v in (template or {}).items() if k != "metadata"}
    containers, init_containers, volumes = [], [], []
    if not compact:
        volumes.append({"name": "var-run-argo", "emptyDir": {}})
    run_mount = [{"name": "var-run-argo", "mountPath": "/var/run/argo"}]
    if kind == "resource":
        main = {"name": "main", "image": EXECUTOR_IMAGE,
                "command": ["argoexec", "resource", template["resource"]["action"]],
                "resources": {}}
        if not compact:
            main["env"] = _argo_env(workflow, node["id"], "main", tmpl_for_env)
        containers.append(_container_defaults(main, EXECUTOR_IMAGE))
    else:
        ctr = (template or {}).get("container") or {}
        init = {"name": "init", "image": EXECUTOR_IMAGE,
                "command": ["argoexec", "init", "--loglevel", "info", "--log-format", "text"],
                "resources": {}}
        wait = {"name": "wait", "image": EXECUTOR_IMAGE,
                "command": ["argoexec", "wait", "--loglevel", "info", "--log-format", "text"],
                "resources": {}}
        main = {"name": "main", "image": ctr.get("image", "busybox"),
                "command": ["/var/run/argo/argoexec", "emissary", "--loglevel", "info", "--log-format", "text",
                            "--"] + list(ctr.get("command") or []),
                "resources": copy.deepcopy(ctr.get("resources") or {})}
        args = _resolve_args(ctr.get("args"), node)
        if args is not None:
            main["args"] = args
        for c in (init, wait, main):
            if not compact:
                c["env"] = _argo_env(workflow, node["id"], c["name"], tmpl_for_env)
                c["volumeMounts"] = [dict(m) for m in run_mount]
        init_containers.append(_container_defaults(init, EXECUTOR_IMAGE))
        containers.append(_container_defaults(wait, EXECUTOR_IMAGE))
        containers.append(_container_defaults(main, main["image"]))
    spec = {}
    if init_containers:
        spec["initContainers"] = init_containers
    spec["containers"] = containers
    if volumes:
        spec["volumes"] = volumes
    _pod_spec_defaults(spec, name, compact=compact)

    finalizers = []
    _kueue_lifecycle(spec, labels, annotations, finalizers, name=name, uid=uid, managed=managed, gated=gated,
                     admitted=admitted, cluster_queue=cluster_queue, node_labels=node_labels, kueue_minor=kueue_minor,
                     local_queue=local_queue, tolerations=tolerations)
    if phase != "Pending" and not gated:
        spec["nodeName"] = host
    if phase in ("Succeeded", "Failed") and managed and not deleting:
        finalizers = []                # Kueue's Finalize removes its finalizer once the pod ended
    if phase in ("Succeeded", "Failed") and not deleting:
        labels[COMPLETED_LABEL] = "true"   # Argo pod cleanup, podGC strategy none (facts argo §2.4)

    meta = {"name": name, "namespace": namespace, "uid": uid, "resourceVersion": str(2000 + created_at),
            "creationTimestamp": ts(created_at), "labels": labels, "annotations": annotations}
    if finalizers:
        meta["finalizers"] = finalizers
    if deleting is not None:
        meta["deletionTimestamp"] = ts(deleting)
        meta["deletionGracePeriodSeconds"] = 30
    meta["ownerReferences"] = [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "name": wf_name,
                                "uid": workflow["metadata"]["uid"], "controller": True,
                                "blockOwnerDeletion": True}]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    pod["status"] = pod_status(spec, phase, gated=gated, created=created_at, started=started, finished=finished,
                               host=host, exit_code=exit_code, termination=termination)
    return pod


def _resolve_args(args, node):
    if args is None:
        return None
    params = {p["name"]: p.get("value", "") for p in (node.get("inputs") or {}).get("parameters", [])}
    out = []
    for a in args:
        for key, value in params.items():
            a = a.replace("{{inputs.parameters.%s}}" % key, value)
        out.append(a)
    return out


def _qos(spec):
    res = [c.get("resources") or {} for c in spec.get("containers", []) + spec.get("initContainers", [])]
    if not any(r.get("requests") or r.get("limits") for r in res):
        return "BestEffort"
    guaranteed = all(r.get("limits") and all(r.get("limits", {}).get(k) == v for k, v in
                                             (r.get("requests") or r.get("limits")).items())
                     and set(r.get("limits", {})) >= {"cpu", "memory"} for r in res)
    return "Guaranteed" if guaranteed else "Burstable"


def pod_status(spec, phase, *, gated, created, started=None, finished=None, host="worker-1", exit_code=None,
               termination=None):
    status = {"phase": phase}
    if phase == "Pending":
        if gated:
            status["conditions"] = [{"type": "PodScheduled", "status": "False", "lastProbeTime": None,
                                     "lastTransitionTime": ts(created), "reason": "SchedulingGated",
                                     "message": "Scheduling is blocked due to non-empty scheduling gates"}]
        status["qosClass"] = _qos(spec)
        return status
    start = started if started is not None else created + 4
    ready = phase == "Running"
    done = phase in ("Succeeded", "Failed")
    conds = [
        {"type": "PodReadyToStartContainers", "status": "True", "lastProbeTime": None,
         "lastTransitionTime": ts(start)},
        {"type": "Initialized", "status": "True", "lastProbeTime": None, "lastTransitionTime": ts(start + 2)},
        {"type": "Ready", "status": "True" if ready else "False", "lastProbeTime": None,
         "lastTransitionTime": ts(start + 3 if ready else (finished or start + 3))},
        {"type": "ContainersReady", "status": "True" if ready else "False", "lastProbeTime": None,
         "lastTransitionTime": ts(start + 3 if ready else (finished or start + 3))},
        {"type": "PodScheduled", "status": "True", "lastProbeTime": None, "lastTransitionTime": ts(start)},
    ]
    if done:
        for c in conds[2:4]:
            c["reason"] = "PodCompleted" if phase == "Succeeded" else "PodFailed"
    if termination:
        conds.insert(0, dict({"type": "TerminationTarget", "status": "True", "lastProbeTime": None,
                              "lastTransitionTime": ts(termination["at"])},
                             reason=termination["reason"], message=termination["message"]))
    status["conditions"] = conds
    status["hostIP"] = "10.128.0.12"
    status["hostIPs"] = [{"ip": "10.128.0.12"}]
    ip = f"10.8.1.{10 + int(created) % 200}"
    status["podIP"] = ip
    status["podIPs"] = [{"ip": ip}]
    status["startTime"] = ts(start)

    def cstatus(c, state):
        image = c["image"] if ":" in c["image"].split("/")[-1] else c["image"] + ":latest"
        return {"name": c["name"], "image": image, "imageID": "", "containerID":
                "containerd://" + hashlib.sha256((c["name"] + str(created)).encode()).hexdigest(),
                "ready": state == "running", "restartCount": 0, "started": state == "running",
                "state": _cstate(state, start, finished, exit_code if c["name"] == "main" else 0),
                "lastState": {}}
    if spec.get("initContainers"):
        status["initContainerStatuses"] = [
            dict(cstatus(c, "completed"), state={"terminated": {
                "exitCode": 0, "reason": "Completed", "startedAt": ts(start), "finishedAt": ts(start + 1),
                "containerID": "containerd://" + hashlib.sha256((c["name"] + str(created)).encode()).hexdigest()}},
                ready=True) for c in spec["initContainers"]]
    state = "running" if phase == "Running" else ("completed" if phase == "Succeeded" else "failed")
    status["containerStatuses"] = [cstatus(c, state) for c in spec["containers"]]
    status["qosClass"] = _qos(spec)
    return status


def _cstate(state, start, finished, exit_code):
    if state == "running":
        return {"running": {"startedAt": ts(start + 2)}}
    code = 0 if state == "completed" else (exit_code if exit_code is not None else 1)
    return {"terminated": {"exitCode": code, "reason": "Completed" if code == 0 else "Error",
                           "startedAt": ts(start + 2), "finishedAt": ts(finished if finished is not None
                                                                         else start + 30)}}


def agent_pod(workflow, *, queue=None, managed=None, gated=None, phase="Pending", created=0, cluster_queue=None,
              node_labels=None, kueue_minor=19, host="worker-1", uid=None):
    """The per-workflow agent pod for HTTP/Plugin nodes (facts argo §2.3): `<wf>-1340600742-agent`."""
    wf_name = workflow["metadata"]["name"]
    namespace = workflow["metadata"]["namespace"]
    name = agent_pod_name(wf_name)
    uid = uid or make_uid("Pod", namespace, name)
    pm = workflow["spec"].get("podMetadata") or {}
    labels = {WF_LABEL: wf_name, COMPLETED_LABEL: "false", "workflows.argoproj.io/component": "agent"}
    labels.update(pm.get("labels") or {})
    annotations = dict(pm.get("annotations") or {})
    managed, admitted, gated = _queueing(labels, queue, managed, gated, cluster_queue, phase)
    env = [{"name": "ARGO_WORKFLOW_NAME", "value": wf_name},
           {"name": "ARGO_WORKFLOW_UID", "value": workflow["metadata"]["uid"]},
           {"name": "ARGO_AGENT_PATCH_RATE", "value": "10s"},
           dict({"name": "ARGO_POD_NAME"}, **_fieldref("metadata.name")),
           {"name": "GODEBUG", "value": "x509ignoreCN=0"}]
    resources = {"limits": {"cpu": "100m", "memory": "256M"}, "requests": {"cpu": "10m", "memory": "64M"}}
    init = {"name": "init", "image": EXECUTOR_IMAGE, "command": ["argoexec", "init", "--loglevel", "info",
                                                                    "--log-format", "text"],
            "env": env + [{"name": "ARGO_CONTAINER_NAME", "value": "init"}],
            "resources": copy.deepcopy(resources),
            "volumeMounts": [{"name": "var-run-argo", "mountPath": "/var/run/argo"}]}
    main = {"name": "main", "image": EXECUTOR_IMAGE, "command": ["argoexec", "agent", "main", "--loglevel", "info",
                                                                    "--log-format", "text"],
            "env": env + [{"name": "ARGO_CONTAINER_NAME", "value": "main"}],
            "resources": copy.deepcopy(resources),
            "volumeMounts": [{"name": "var-run-argo", "mountPath": "/var/run/argo"}]}
    spec = {"initContainers": [_container_defaults(init, EXECUTOR_IMAGE)],
            "containers": [_container_defaults(main, EXECUTOR_IMAGE)],
            "volumes": [{"name": "var-run-argo", "emptyDir": {}}]}
    _pod_spec_defaults(spec, name, restart_policy="OnFailure")
    finalizers = []
    _kueue_lifecycle(spec, labels, annotations, finalizers, name=name, uid=uid, managed=managed, gated=gated,
                     admitted=admitted, cluster_queue=cluster_queue, node_labels=node_labels, kueue_minor=kueue_minor)
    if phase != "Pending":
        spec["nodeName"] = host
    meta = {"name": name, "namespace": namespace, "uid": uid, "resourceVersion": str(2000 + created),
            "creationTimestamp": ts(created), "labels": labels}
    if annotations:
        meta["annotations"] = annotations
    if finalizers:
        meta["finalizers"] = finalizers
    meta["ownerReferences"] = [{"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow", "name": wf_name,
                                "uid": workflow["metadata"]["uid"], "controller": True,
                                "blockOwnerDeletion": True}]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    pod["status"] = pod_status(spec, phase, gated=gated, created=created, host=host)
    return pod


def _queueing(labels, queue, managed, gated, cluster_queue, phase):
    """(managed, admitted, gated) of a pod, labelling it with its queue: managed by default when it
    has a queue label, admitted once it has a ClusterQueue, gated while managed and not admitted."""
    if queue:
        labels[QUEUE_LABEL] = queue
    if managed is None:
        managed = QUEUE_LABEL in labels
    admitted = managed and cluster_queue is not None
    if gated is None:
        gated = managed and not admitted and phase == "Pending"
    return managed, admitted, gated


def _kueue_lifecycle(spec, labels, annotations, finalizers, *, name, uid, managed, gated, admitted, cluster_queue,
                     node_labels, kueue_minor, local_queue=None, tolerations=None):
    """A pod as Kueue leaves it: marked by the webhook, gated until admitted, then released."""
    _kueue_webhook(spec, labels, annotations, finalizers, uid=uid, managed=managed, kueue_minor=kueue_minor)
    if not gated:
        spec.pop("schedulingGates", None)
    if admitted:
        _kueue_admission(spec, labels, annotations, name=name, uid=uid, local_queue=local_queue,
                         cluster_queue=cluster_queue, node_labels=node_labels, tolerations=tolerations,
                         kueue_minor=kueue_minor)


def _kueue_webhook(spec, labels, annotations, finalizers, *, uid, managed, kueue_minor):
    """What Kueue's pod webhook adds to a managed pod at creation (facts kueue §1.4)."""
    if managed:
        labels[MANAGED_LABEL] = "true"
        if kueue_minor >= 14:
            annotations["kueue.x-k8s.io/role-hash"] = role_hash(spec)
        finalizers.append("kueue.x-k8s.io/managed")
        spec["schedulingGates"] = _kueue_gates(kueue_minor)
    _CREATION_SPECS[uid] = copy.deepcopy(spec) if managed else None


def _kueue_admission(spec, labels, annotations, *, name, uid, local_queue, cluster_queue, node_labels,
                     kueue_minor, tolerations=None):
    """What Kueue changes on a pod when its Workload is admitted (facts kueue §4.1)."""
    spec.pop("schedulingGates", None)
    if kueue_minor >= 12:
        labels["kueue.x-k8s.io/podset"] = "main"
    if kueue_minor >= 17:
        labels["kueue.x-k8s.io/local-queue-name"] = local_queue or labels.get(QUEUE_LABEL)
        labels["kueue.x-k8s.io/cluster-queue-name"] = cluster_queue
    if kueue_minor >= 14:
        annotations["kueue.x-k8s.io/workload"] = pod_workload_name(name, uid)
    if node_labels:
        spec["nodeSelector"] = dict(node_labels)
    if tolerations:
        spec.setdefault("tolerations", []).extend(copy.deepcopy(tolerations))


def plain_pod(name, namespace, *, requests, queue=None, phase="Pending", created=0, cluster_queue=None,
              node_labels=None, image="python:3.12", command=("python", "train.py"), kueue_minor=19,
              owner=None, priority_class=None):
    """A non-Argo pod (another team's job sharing a ClusterQueue)."""
    uid = make_uid("Pod", namespace, name)
    labels = {"app": name.rsplit("-", 1)[0]}
    if queue:
        labels[QUEUE_LABEL] = queue
    managed = queue is not None
    admitted = managed and cluster_queue is not None
    gated = managed and not admitted and phase == "Pending"
    main = _container_defaults({"name": "main", "image": image, "command": list(command),
                                "resources": {"requests": dict(requests)}}, image)
    spec = {"containers": [main]}
    if priority_class:
        spec["priorityClassName"] = priority_class
    _pod_spec_defaults(spec, name)
    annotations, finalizers = {}, []
    _kueue_lifecycle(spec, labels, annotations, finalizers, name=name, uid=uid, managed=managed, gated=gated,
                     admitted=admitted, cluster_queue=cluster_queue, node_labels=node_labels, kueue_minor=kueue_minor)
    if phase != "Pending":
        spec["nodeName"] = "worker-2"
    meta = {"name": name, "namespace": namespace, "uid": uid, "resourceVersion": str(3000 + created),
            "creationTimestamp": ts(created), "labels": labels}
    if annotations:
        meta["annotations"] = annotations
    if finalizers:
        meta["finalizers"] = finalizers
    if owner:
        meta["ownerReferences"] = [owner]
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    pod["status"] = pod_status(spec, phase, gated=gated, created=created, host="worker-2")
    return pod


# --------------------------------------------------------------------------------------------
# Quantities

def pod_requests(spec):
    """Kubernetes PodRequests: max(sum(containers), max(init containers)); limits fill missing requests."""
    def requests_of(c):
        res = c.get("resources") or {}
        out = {k: parse_quantity(v) for k, v in (res.get("limits") or {}).items()}
        out.update({k: parse_quantity(v) for k, v in (res.get("requests") or {}).items()})
        return out
    total = {}
    for c in spec.get("containers", []):
        for k, v in requests_of(c).items():
            total[k] = total.get(k, 0) + v
    for c in spec.get("initContainers", []):
        for k, v in requests_of(c).items():
            total[k] = max(total.get(k, 0), v)
    return total


def fmt_quantity(value, resource=""):
    """Canonical Kubernetes-ish form: cpu "3"/"500m", memory "1Gi"/"64M"/plain bytes."""
    value = Fraction(value)
    if resource == "memory" or resource.endswith("storage"):
        for suffix, unit in (("Ti", 2**40), ("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
            if value >= unit and value % unit == 0:
                return f"{value // unit}{suffix}"
        for suffix, unit in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3)):
            if value >= unit and value % unit == 0:
                return f"{value // unit}{suffix}"
        return str(int(value))
    if value.denominator == 1:
        return str(value.numerator)
    milli = value * 1000
    if milli.denominator == 1:
        return f"{milli.numerator}m"
    return f"{int(value * 10**9)}n"


def fmt_resources(resources):
    return {k: fmt_quantity(v, k) for k, v in sorted(resources.items())}


# --------------------------------------------------------------------------------------------
# Kueue objects

def _cond(ctype, status, reason, message, at, kueue=True):
    c = {"type": ctype, "status": status, "reason": reason, "message": message, "lastTransitionTime": ts(at)}
    if kueue:
        c["observedGeneration"] = 1
    return c


def workload_for_pod(pod, state="pending", cluster_queue=None, message=None, api_version=KUEUE_V1BETA2, *,
                     flavors=None, created=None, reserved_at=None, finished_at=None, evicted_at=None,
                     preemption_reason="InClusterQueue", finish_reason=None, topology_request=True,
                     queue_name=None, eviction_reason="Preempted", checks=None, max_exec_seconds=None,
                     priority=0):
    """The Workload Kueue's pod reconciler creates for a single managed pod (facts kueue §2, §3).

    state: unattempted | pending (QuotaReserved=False Pending, scheduler message) |
           inadmissible (QuotaReserved=False Inadmissible) | quota_reserved | admitted |
           finished (Succeeded) | failed (Finished reason Failed) |
           evicted (quota released; eviction_reason Preempted, LocalQueueStopped, ...) |
           deactivated (spec.active=false while queued: Evicted reason Deactivated; the pod stays gated) |
           max_exec_deactivated (admitted, then deactivated at spec.maximumExecutionTimeSeconds).
    flavors: {resource: flavor} for the admission (default all resources -> "default-flavor").
    queue_name: "" for a pod Kueue manages without a queue label (manageJobsWithoutQueueName): no spec.queueName.
    checks: status.admissionChecks of a quota_reserved Workload (default one Pending "prov-req").
    """
    if state not in WORKLOAD_STATES:
        raise ValueError(state)
    meta_pod = pod["metadata"]
    name = pod_workload_name(meta_pod["name"], meta_pod["uid"])
    created = created if created is not None else _offset_of(meta_pod["creationTimestamp"]) + 1
    spec_copy = _CREATION_SPECS.get(meta_pod["uid"])
    spec_copy = copy.deepcopy(spec_copy) if spec_copy else _reconstruct_spec(pod)
    requests = pod_requests(spec_copy)
    podset = {"name": "main", "count": 1}
    if topology_request:
        podset["topologyRequest"] = {"podIndexLabel": "kueue.x-k8s.io/pod-group-pod-index"}
    podset["template"] = {"metadata": {}, "spec": spec_copy}
    spec = {"active": state not in ("deactivated", "max_exec_deactivated")}
    if max_exec_seconds is not None:
        spec["maximumExecutionTimeSeconds"] = max_exec_seconds
    spec.update({"podSets": [podset], "priority": priority})
    queue = meta_pod["labels"].get(QUEUE_LABEL) if queue_name is None else queue_name
    if queue:
        spec["queueName"] = queue
    if api_version == KUEUE_V1BETA1:
        spec["priorityClassSource"] = ""
    done = state in ("finished", "failed")
    meta = {"name": name, "namespace": meta_pod["namespace"], "uid": make_uid("Workload", meta_pod["namespace"], name),
            "resourceVersion": str(5000 + created), "generation": 1, "creationTimestamp": ts(created),
            "labels": {"kueue.x-k8s.io/job-uid": meta_pod["uid"]}}
    if not done:
        meta["finalizers"] = [WORKLOAD_FINALIZER]
    meta["ownerReferences"] = [{"apiVersion": "v1", "kind": "Pod", "name": meta_pod["name"], "uid": meta_pod["uid"],
                                "controller": True, "blockOwnerDeletion": True}]
    status = {}
    conds = []
    tried = created + 1
    reserved_at = reserved_at if reserved_at is not None else created + 1
    if state == "pending":
        conds.append(_cond("QuotaReserved", "False", "Pending", message, tried))
        status["resourceRequests"] = [{"name": "main", "resources": fmt_resources(requests)}]
    elif state == "inadmissible":
        conds.append(_cond("QuotaReserved", "False", "Inadmissible", message, tried))
    elif state == "deactivated":
        # workload_controller: spec.active=false -> Evicted=True reason Deactivated (pkg/workload/evict).
        at = evicted_at if evicted_at is not None else tried + 60
        conds.append(_cond("QuotaReserved", "False", "Pending", message or "", tried))
        conds.append(_cond("Evicted", "True", "Deactivated", "The workload is deactivated", at))
        conds.append(_cond("Requeued", "False", "Deactivated", "The workload is deactivated", at))
        status["resourceRequests"] = [{"name": "main", "resources": fmt_resources(requests)}]
    elif state == "max_exec_deactivated":
        at = evicted_at if evicted_at is not None else reserved_at + (max_exec_seconds or 600)
        msg = "The workload is deactivated due to exceeding the maximum execution time"
        conds.append(_cond("QuotaReserved", "False", "Pending", msg, at))
        conds.append(_cond("Admitted", "False", "NoReservation", "The workload has no reservation", at))
        conds.append(_cond("Evicted", "True", "DeactivatedDueToMaximumExecutionTimeExceeded", msg, at))
        conds.append(_cond("Requeued", "False", "DeactivatedDueToMaximumExecutionTimeExceeded", msg, at))
        status["accumulatedPastExecutionTimeSeconds" if api_version == KUEUE_V1BETA2
               else "accumulatedPastExexcutionTimeSeconds"] = max_exec_seconds or 600
    elif state in ("quota_reserved", "admitted", "finished", "failed", "evicted"):
        if cluster_queue is None:
            raise ValueError("cluster_queue is required for a Workload that reserved quota")
        flavors = flavors or {k: "default-flavor" for k in requests}
        admission = {"clusterQueue": cluster_queue, "podSetAssignments": [{
            "name": "main", "count": 1, "flavors": {k: flavors.get(k, next(iter(flavors.values())))
                                                    for k in sorted(requests)},
            "resourceUsage": fmt_resources(requests)}]}
        if state != "evicted":
            status["admission"] = admission
            conds.append(_cond("QuotaReserved", "True", "QuotaReserved",
                               f"Quota reserved in ClusterQueue {cluster_queue}", reserved_at))
            if state == "quota_reserved":
                status["admissionChecks"] = [dict({"name": "prov-req", "state": "Pending", "message": "",
                                                   "lastTransitionTime": ts(reserved_at)}, **check)
                                             for check in (checks or [{}])]
            else:
                conds.append(_cond("Admitted", "True", "Admitted", "The workload is admitted", reserved_at))
            if done:
                reason = finish_reason or ("Succeeded" if state == "finished" else "Failed")
                conds.append(_cond("Finished", "True", reason, message or "",
                                   finished_at if finished_at is not None else reserved_at + 60))
        else:
            msg = message
            evicted_at = evicted_at if evicted_at is not None else reserved_at + 120
            conds.append(_cond("Evicted", "True", eviction_reason, msg, evicted_at))
            if eviction_reason == "Preempted":
                conds.append(_cond("Preempted", "True", preemption_reason, msg, evicted_at))
            conds.append(_cond("Requeued", "False", eviction_reason, msg, evicted_at))
            conds.append(_cond("QuotaReserved", "False", "Pending", msg, evicted_at + 2))
            conds.append(_cond("Admitted", "False", "NoReservation", "The workload has no reservation",
                               evicted_at + 2))
            status["schedulingStats"] = {"evictions": [{"reason": eviction_reason,
                                                        "underlyingCause": "", "count": 1}]}
    if conds:
        status["conditions"] = conds
    wl = {"apiVersion": api_version, "kind": "Workload", "metadata": meta, "spec": spec}
    if status:
        wl["status"] = status
    return wl


def _reconstruct_spec(pod):
    spec = copy.deepcopy(pod["spec"])
    spec.pop("nodeName", None)
    return spec


POD_GROUP_LABEL = "kueue.x-k8s.io/pod-group-name"
POD_GROUP_TOTAL = "kueue.x-k8s.io/pod-group-total-count"


def group_workload(pods, group_name, state="pending", cluster_queue=None, message=None, *,
                   api_version=KUEUE_V1BETA2, flavors=None, created=None, reserved_at=None, priority=0):
    """The one Workload Kueue composes for a complete pod group (facts kueue §5; pod_controller.go
    ConstructComposableWorkload, constructGroupPodSets): named after the group, annotation
    is-group-workload, no job-uid label, a non-controller owner reference to each pod, one pod set per
    role hash (8 hex, sorted) with the count of pods sharing it."""
    if state not in ("pending", "admitted"):
        raise ValueError(state)
    namespace = pods[0]["metadata"]["namespace"]
    roles = {}
    for pod in pods:
        spec = copy.deepcopy(_CREATION_SPECS.get(pod["metadata"]["uid"]) or _reconstruct_spec(pod))
        roles.setdefault(role_hash(spec), [spec, 0])[1] += 1
    pod_sets = [{"name": role, "count": count, "template": {"metadata": {}, "spec": spec}}
                for role, (spec, count) in sorted(roles.items())]
    requests = {}
    for spec, count in roles.values():
        for resource, amount in pod_requests(spec).items():
            requests[resource] = requests.get(resource, 0) + amount * count
    created = created if created is not None else max(_offset_of(p["metadata"]["creationTimestamp"]) for p in pods) + 1
    meta = {"name": group_name, "namespace": namespace, "uid": make_uid("Workload", namespace, group_name),
            "resourceVersion": str(5000 + created), "generation": 1, "creationTimestamp": ts(created),
            "annotations": {"kueue.x-k8s.io/is-group-workload": "true"}, "finalizers": [WORKLOAD_FINALIZER],
            "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": p["metadata"]["name"],
                                 "uid": p["metadata"]["uid"]} for p in pods]}
    spec = {"active": True, "podSets": pod_sets, "priority": priority,
            "queueName": pods[0]["metadata"]["labels"].get(QUEUE_LABEL)}
    if api_version == KUEUE_V1BETA1:
        spec["priorityClassSource"] = ""
    tried = created + 1
    if state == "pending":
        status = {"conditions": [_cond("QuotaReserved", "False", "Pending", message, tried)],
                  "resourceRequests": [{"name": ps["name"], "resources": fmt_resources(
                      {r: v * ps["count"] for r, v in pod_requests(ps["template"]["spec"]).items()})}
                      for ps in pod_sets]}
    else:
        at = reserved_at if reserved_at is not None else tried
        flavors = flavors or {}
        status = {"admission": {"clusterQueue": cluster_queue, "podSetAssignments": [
            {"name": ps["name"], "count": ps["count"],
             "flavors": {r: flavors.get(r, "default-flavor") for r in sorted(pod_requests(ps["template"]["spec"]))},
             "resourceUsage": fmt_resources({r: v * ps["count"] for r, v in pod_requests(ps["template"]["spec"]).items()})}
            for ps in pod_sets]},
            "conditions": [_cond("QuotaReserved", "True", "QuotaReserved", f"Quota reserved in ClusterQueue {cluster_queue}", at),
                           _cond("Admitted", "True", "Admitted", "The workload is admitted", at)]}
    return {"apiVersion": api_version, "kind": "Workload", "metadata": meta, "spec": spec, "status": status}


def admission_check(name, controller_name="kueue.x-k8s.io/provisioning-request", *, parameters=None, active=True,
                    api_version=KUEUE_V1BETA2):
    """A cluster-scoped AdmissionCheck (apis/kueue/v1beta2/admissioncheck_types.go)."""
    spec = {"controllerName": controller_name}
    if parameters:
        spec["parameters"] = dict(parameters)
    condition = _cond("Active", "True" if active else "False", "Active" if active else "ControllerNotReady",
                      "The admission check is active" if active else "The controller is not ready", -86400)
    return {"apiVersion": api_version, "kind": "AdmissionCheck",
            "metadata": {"name": name, "uid": make_uid("AdmissionCheck", None, name), "resourceVersion": "310",
                         "generation": 1, "creationTimestamp": ts(-86400 * 30)},
            "spec": spec, "status": {"conditions": [condition]}}


def pod_event(pod, reason, message, *, at, event_type="Warning", component="pod-kueue-controller", count=1):
    """A core/v1 Event about a pod, as `kubectl get events -o yaml` shows one (Kueue's recorder)."""
    meta = pod["metadata"]
    name = f"{meta['name']}.{hashlib.sha256((reason + str(at)).encode()).hexdigest()[:16]}"
    return {"apiVersion": "v1", "kind": "Event",
            "metadata": {"name": name, "namespace": meta["namespace"], "uid": make_uid("Event", meta["namespace"], name),
                         "resourceVersion": str(7000 + at), "creationTimestamp": ts(at)},
            "involvedObject": {"apiVersion": "v1", "kind": "Pod", "name": meta["name"], "namespace": meta["namespace"],
                               "uid": meta["uid"], "resourceVersion": meta["resourceVersion"]},
            "reason": reason, "message": message, "source": {"component": component},
            "firstTimestamp": ts(at), "lastTimestamp": ts(at), "count": count, "type": event_type,
            "eventTime": None, "reportingComponent": component, "reportingInstance": ""}


def set_scheduling_gates(pod, gates):
    """Leave exactly these scheduling gates on a pod (e.g. only the topology gate, which the TAS
    ungater removes after the admission gate), with the scheduler's SchedulingGated condition."""
    pod["spec"]["schedulingGates"] = [{"name": gate} for gate in gates]
    pod["spec"].pop("nodeName", None)
    created = _offset_of(pod["metadata"]["creationTimestamp"])
    pod["status"] = {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "lastProbeTime": None, "lastTransitionTime": ts(created),
         "reason": "SchedulingGated", "message": "Scheduling is blocked due to non-empty scheduling gates"}],
        "qosClass": _qos(pod["spec"])}
    return pod


def set_unschedulable(pod, message, *, at):
    """A released pod the kube-scheduler cannot place: Pending, PodScheduled=False reason Unschedulable."""
    pod["spec"].pop("nodeName", None)
    pod["status"] = {"phase": "Pending", "conditions": [
        {"type": "PodScheduled", "status": "False", "lastProbeTime": None, "lastTransitionTime": ts(at),
         "reason": "Unschedulable", "message": message}], "qosClass": _qos(pod["spec"])}
    return pod


def preemption_message(preemptor_uid, preemptor_job_uid, cluster_queue, reason="InClusterQueue", cohort=None):
    """v0.15+ Preempted message (facts kueue §3.1)."""
    why = {"InClusterQueue": "prioritization in the ClusterQueue",
           "InCohortReclamation": "reclamation within the cohort",
           "InCohortFairSharing": "Fair Sharing within the cohort",
           "InCohortReclaimWhileBorrowing": "reclamation within the cohort while borrowing"}[reason]
    path = f"/{cohort}/{cluster_queue}" if cohort else f"/{cluster_queue}"
    return (f"Preempted to accommodate a workload (UID: {preemptor_uid}, JobUID: {preemptor_job_uid}) due to "
            f"{why}; preemptor path: {path}; preemptee path: {path}")


def insufficient_quota_message(resource, flavor, more_needed, podset="main"):
    return (f"couldn't assign flavors to pod set {podset}: insufficient unused quota for {resource} in flavor "
            f"{flavor}, {more_needed} more needed")


def resource_flavor(name, node_labels=None, *, api_version=KUEUE_V1BETA2, tolerations=None, node_taints=None):
    spec = {}
    if node_labels:
        spec["nodeLabels"] = dict(node_labels)
    if node_taints:
        spec["nodeTaints"] = list(node_taints)
    if tolerations:
        spec["tolerations"] = list(tolerations)
    return {"apiVersion": api_version, "kind": "ResourceFlavor",
            "metadata": {"name": name, "uid": make_uid("ResourceFlavor", None, name), "resourceVersion": "301",
                         "generation": 1, "creationTimestamp": ts(-86400 * 30),
                         "finalizers": ["kueue.x-k8s.io/resource-in-use"]},
            "spec": spec}


def cluster_queue(name, quotas, *, api_version=KUEUE_V1BETA2, cohort=None, namespace_selector=None,
                  stop_policy="None", queueing_strategy="BestEffortFIFO", preemption=None, usage=None,
                  reserving=0, admitted=0, pending=0, active=True, inactive_reason="Stopped",
                  inactive_message="Can't admit new workloads: is stopped."):
    """quotas: {flavor: {resource: nominal | (nominal, borrowingLimit)}} (one resource group).
    usage: {flavor: {resource: quantity or (total, borrowed)}} of admitted (= reserving here) Workloads.
    v1beta1 spells the cohort `spec.cohort`, v1beta2 `spec.cohortName`."""
    resources = sorted({r for fl in quotas.values() for r in fl})
    flavors = []
    for fname, res in quotas.items():
        entries = []
        for rname in resources:
            q = res.get(rname, 0)
            entry = {"name": rname}
            if isinstance(q, tuple):
                entry["nominalQuota"] = q[0]
                if q[1] is not None:
                    entry["borrowingLimit"] = q[1]
            else:
                entry["nominalQuota"] = q
            entries.append(entry)
        flavors.append({"name": fname, "resources": entries})
    spec = {}
    if cohort:
        spec["cohort" if api_version == KUEUE_V1BETA1 else "cohortName"] = cohort
    spec["flavorFungibility"] = {"whenCanBorrow": "MayStopSearch", "whenCanPreempt": "TryNextFlavor"}
    spec["namespaceSelector"] = {} if namespace_selector is None else namespace_selector
    spec["preemption"] = preemption or {"borrowWithinCohort": {"policy": "Never"}, "reclaimWithinCohort": "Never",
                                        "withinClusterQueue": "Never"}
    spec["queueingStrategy"] = queueing_strategy
    spec["resourceGroups"] = [{"coveredResources": resources, "flavors": flavors}]
    spec["stopPolicy"] = stop_policy
    usage = usage or {}
    flv_usage = []
    for fname in quotas:
        rows = []
        for rname in resources:
            u = usage.get(fname, {}).get(rname, 0)
            total, borrowed = u if isinstance(u, tuple) else (u, 0)
            rows.append({"name": rname, "total": str(total), "borrowed": str(borrowed)})
        flv_usage.append({"name": fname, "resources": rows})
    if active:
        cond = _cond("Active", "True", "Ready", "Can admit new workloads", -86400 * 30)
    else:
        cond = _cond("Active", "False", inactive_reason, inactive_message, -3600)
    status = {"admittedWorkloads": admitted, "conditions": [cond],
              "flavorsReservation": copy.deepcopy(flv_usage), "flavorsUsage": flv_usage,
              "pendingWorkloads": pending, "reservingWorkloads": reserving}
    return {"apiVersion": api_version, "kind": "ClusterQueue",
            "metadata": {"name": name, "uid": make_uid("ClusterQueue", None, name), "resourceVersion": "4410",
                         "generation": 1, "creationTimestamp": ts(-86400 * 30),
                         "finalizers": ["kueue.x-k8s.io/resource-in-use"]},
            "spec": spec, "status": status}


def local_queue(name, namespace, cluster_queue_name, *, api_version=KUEUE_V1BETA2, stop_policy="None",
                usage=None, reserving=0, admitted=0, pending=0, active=True, inactive_reason="Stopped",
                inactive_message="LocalQueue is stopped", kueue_minor=19):
    """usage: {flavor: {resource: quantity}}. v1beta1 spells status.flavorUsage, v1beta2 flavorsUsage."""
    flv = [{"name": f, "resources": [{"name": r, "total": str(v)} for r, v in sorted(res.items())]}
           for f, res in (usage or {}).items()]
    if active:
        msg = "Can submit new workloads to localQueue" if kueue_minor >= 12 else \
            "Can submit new workloads to clusterQueue"
        cond = _cond("Active", "True", "Ready", msg, -86400 * 7)
    else:
        cond = _cond("Active", "False", inactive_reason, inactive_message, -3600)
    status = {"admittedWorkloads": admitted, "conditions": [cond], "flavorsReservation": copy.deepcopy(flv),
              "flavorsUsage" if api_version == KUEUE_V1BETA2 else "flavorUsage": flv,
              "pendingWorkloads": pending, "reservingWorkloads": reserving}
    return {"apiVersion": api_version, "kind": "LocalQueue",
            "metadata": {"name": name, "namespace": namespace, "uid": make_uid("LocalQueue", namespace, name),
                         "resourceVersion": "4420", "generation": 1, "creationTimestamp": ts(-86400 * 7)},
            "spec": {"clusterQueue": cluster_queue_name, "stopPolicy": stop_policy},
            "status": status}


def pending_workloads_summary(namespace, local_queue_name, items, *, api_version=VISIBILITY_V1BETA2):
    """GET .../namespaces/<ns>/localqueues/<lq>/pendingworkloads (facts kueue §7).

    items: Workload dicts in LocalQueue order, or (workload, positionInClusterQueue) pairs.
    positionInLocalQueue is the 0-based index; positionInClusterQueue defaults to it.
    """
    out = []
    for index, item in enumerate(items):
        wl, cq_pos = item if isinstance(item, tuple) else (item, index)
        m = wl["metadata"]
        owners = [{k: o[k] for k in ("apiVersion", "kind", "name", "uid")} for o in m.get("ownerReferences", [])]
        out.append({"metadata": {"name": m["name"], "namespace": namespace,
                                 "creationTimestamp": m["creationTimestamp"], "ownerReferences": owners},
                    "priority": wl["spec"].get("priority", 0), "localQueueName": local_queue_name,
                    "positionInClusterQueue": cq_pos, "positionInLocalQueue": index})
    return {"kind": "PendingWorkloadsSummary", "apiVersion": api_version, "metadata": {"creationTimestamp": None},
            "items": out}


DEFAULT_FRAMEWORKS = ["batch/job", "kubeflow.org/mpijob", "ray.io/rayjob", "ray.io/raycluster",
                      "ray.io/rayservice", "jobset.x-k8s.io/jobset", "workload.codeflare.dev/appwrapper",
                      "trainer.kubeflow.org/trainjob", "pod", "deployment", "statefulset",
                      "leaderworkerset.x-k8s.io/leaderworkerset"]


def manager_config(frameworks=None, *, managed_jobs_namespace_selector=None, manage_jobs_without_queue_name=None,
                   api_version="config.kueue.x-k8s.io/v1beta2", feature_gates=None):
    """The parsed Kueue Configuration (what controller_manager_config.yaml holds)."""
    cfg = {"apiVersion": api_version, "kind": "Configuration",
           "health": {"healthProbeBindAddress": ":8081"}, "metrics": {"bindAddress": ":8443"},
           "webhook": {"port": 9443},
           "leaderElection": {"leaderElect": True, "resourceName": "c1f6bfd2.kueue.x-k8s.io"},
           "controller": {"groupKindConcurrency": {"Job.batch": 5, "Pod": 5, "Workload.kueue.x-k8s.io": 10,
                                                   "LocalQueue.kueue.x-k8s.io": 5, "Cohort.kueue.x-k8s.io": 1,
                                                   "ClusterQueue.kueue.x-k8s.io": 5,
                                                   "ResourceFlavor.kueue.x-k8s.io": 1}},
           "clientConnection": {"qps": 300, "burst": 500}}
    if manage_jobs_without_queue_name is not None:
        cfg["manageJobsWithoutQueueName"] = manage_jobs_without_queue_name
    if managed_jobs_namespace_selector is not None:
        cfg["managedJobsNamespaceSelector"] = managed_jobs_namespace_selector
    if feature_gates:
        cfg["featureGates"] = dict(feature_gates)
    cfg["integrations"] = {"frameworks": list(DEFAULT_FRAMEWORKS if frameworks is None else frameworks)}
    return cfg


def manager_configmap(frameworks=None, *, namespace="kueue-system", name="kueue-manager-config", **kw):
    """ConfigMap kueue-system/kueue-manager-config, data key controller_manager_config.yaml."""
    import yaml
    text = yaml.safe_dump(manager_config(frameworks, **kw), sort_keys=False, default_flow_style=False)
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": name, "namespace": namespace, "uid": make_uid("ConfigMap", namespace, name),
                         "resourceVersion": "220", "creationTimestamp": ts(-86400 * 30),
                         "labels": {"app.kubernetes.io/component": "controller", "app.kubernetes.io/name": "kueue",
                                    "control-plane": "controller-manager"}},
            "data": {"controller_manager_config.yaml": text}}


def namespace_object(name, labels=None):
    lab = {"kubernetes.io/metadata.name": name}
    lab.update(labels or {})
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "uid": make_uid("Namespace", None, name), "resourceVersion": "120",
                         "creationTimestamp": ts(-86400 * 60), "labels": lab},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def resource_quota(name, namespace, hard, used):
    return {"apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": {"name": name, "namespace": namespace, "uid": make_uid("ResourceQuota", namespace, name),
                         "resourceVersion": "330", "creationTimestamp": ts(-86400)},
            "spec": {"hard": dict(hard)}, "status": {"hard": dict(hard), "used": dict(used)}}


def workload_usage(workloads):
    """{cluster_queue: {flavor: {resource: Fraction}}} reserved by the given Workloads (not finished)."""
    out = {}
    for wl in workloads:
        adm = (wl.get("status") or {}).get("admission")
        conds = {c["type"]: c for c in (wl.get("status") or {}).get("conditions", [])}
        if not adm or conds.get("Finished", {}).get("status") == "True":
            continue
        for psa in adm["podSetAssignments"]:
            for res, qty in psa["resourceUsage"].items():
                flv = psa["flavors"].get(res)
                slot = out.setdefault(adm["clusterQueue"], {}).setdefault(flv, {})
                slot[res] = slot.get(res, 0) + parse_quantity(qty)
    return out
