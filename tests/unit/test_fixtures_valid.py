"""Every fixture object must validate against the real CRD schema of its kind and version.

The CRDs' structural openAPIV3Schema is converted to JSON Schema (draft 7) for `jsonschema`:
x-kubernetes-int-or-string, x-kubernetes-preserve-unknown-fields and nullable are honoured, and
objects that list `properties` reject unknown fields (that is what catches typos). Pods,
ConfigMaps and other core objects get basic structural checks only.
"""
import functools
from pathlib import Path

import pytest
import yaml

from tests.support.paths import CRDS, EXAMPLES
from tests.support.scenarios import all_scenarios, load_objects

jsonschema = pytest.importorskip("jsonschema")

CRD_FILES = {
    ("argoproj.io", "Workflow"): "argo/argoproj.io_workflows.yaml",
    ("argoproj.io", "WorkflowTemplate"): "argo/argoproj.io_workflowtemplates.yaml",
    ("argoproj.io", "ClusterWorkflowTemplate"): "argo/argoproj.io_clusterworkflowtemplates.yaml",
    ("argoproj.io", "CronWorkflow"): "argo/argoproj.io_cronworkflows.yaml",
    ("kueue.x-k8s.io", "Workload"): "kueue/kueue.x-k8s.io_workloads.yaml",
    ("kueue.x-k8s.io", "LocalQueue"): "kueue/kueue.x-k8s.io_localqueues.yaml",
    ("kueue.x-k8s.io", "ClusterQueue"): "kueue/kueue.x-k8s.io_clusterqueues.yaml",
    ("kueue.x-k8s.io", "ResourceFlavor"): "kueue/kueue.x-k8s.io_resourceflavors.yaml",
    ("kueue.x-k8s.io", "AdmissionCheck"): "kueue/kueue.x-k8s.io_admissionchecks.yaml",
    ("kueue.x-k8s.io", "Cohort"): "kueue/kueue.x-k8s.io_cohorts.yaml",
    ("kueue.x-k8s.io", "WorkloadPriorityClass"): "kueue/kueue.x-k8s.io_workloadpriorityclasses.yaml",
}
CLUSTER_SCOPED = {"ClusterQueue", "ResourceFlavor", "ClusterWorkflowTemplate", "Namespace", "AdmissionCheck",
                  "Cohort", "WorkloadPriorityClass"}
CORE_KINDS = {"Pod", "ConfigMap", "Namespace", "ResourceQuota", "Event"}
VISIBILITY_KINDS = {"PendingWorkloadsSummary"}

_TYPE_KEYS = ("enum", "required", "maxLength", "minLength", "pattern", "maximum", "minimum",
              "exclusiveMaximum", "exclusiveMinimum", "maxItems", "minItems", "uniqueItems",
              "maxProperties", "minProperties", "multipleOf")


def structural_to_jsonschema(schema):
    """Convert a Kubernetes structural schema node into an equivalent strict JSON Schema node."""
    if not isinstance(schema, dict):
        return {}
    out = {}
    nullable = schema.get("nullable", False)
    if schema.get("x-kubernetes-int-or-string"):
        types = ["integer", "string"]
    elif "type" in schema:
        types = [schema["type"]]
    else:
        types = None
    if types is not None:
        if nullable:
            types = types + ["null"]
        out["type"] = types if len(types) > 1 else types[0]
    for key in _TYPE_KEYS:
        if key in schema:
            out[key] = schema[key]
    if "pattern" in out:
        out["pattern"] = _python_pattern(out["pattern"])
    if "enum" in out and nullable:
        out["enum"] = list(out["enum"]) + [None]
    preserve = schema.get("x-kubernetes-preserve-unknown-fields", False)
    if "properties" in schema:
        out["properties"] = {k: structural_to_jsonschema(v) for k, v in schema["properties"].items()}
        if isinstance(schema.get("additionalProperties"), dict):
            out["additionalProperties"] = structural_to_jsonschema(schema["additionalProperties"])
        elif not preserve:
            out["additionalProperties"] = False
    elif isinstance(schema.get("additionalProperties"), dict):
        out["additionalProperties"] = structural_to_jsonschema(schema["additionalProperties"])
    if "items" in schema:
        out["items"] = structural_to_jsonschema(schema["items"])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema and not schema.get("x-kubernetes-int-or-string"):
            out[key] = [_value_validation(s) for s in schema[key]]
    if "not" in schema:
        out["not"] = _value_validation(schema["not"])
    return out


def _python_pattern(pattern):
    """Go's RE2 takes global flags anywhere (`^(?i)[a-z]...` in AdmissionCheck parameters.kind); Python only
    at the start of the expression."""
    return "(?i)^" + pattern[len("^(?i)"):] if pattern.startswith("^(?i)") else pattern


def _value_validation(schema):
    """allOf/anyOf/oneOf/not branches of a structural schema carry value validations only."""
    out = {k: schema[k] for k in _TYPE_KEYS if k in schema}
    if "properties" in schema:
        out["properties"] = {k: _value_validation(v) for k, v in schema["properties"].items()}
    if "items" in schema:
        out["items"] = _value_validation(schema["items"])
    for key in ("allOf", "anyOf", "oneOf"):
        if key in schema:
            out[key] = [_value_validation(s) for s in schema[key]]
    if "not" in schema:
        out["not"] = _value_validation(schema["not"])
    return out


@functools.lru_cache(maxsize=None)
def _crd(path):
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(CRDS / path) as handle:
        return yaml.load(handle, Loader=loader)


@functools.lru_cache(maxsize=None)
def validator_for(group, kind, version):
    path = CRD_FILES.get((group, kind))
    if path is None:
        return None
    if not (CRDS / path).exists():
        pytest.skip(f"CRD {path} not found under {CRDS}")
    crd = _crd(path)
    for v in crd["spec"]["versions"]:
        if v["name"] == version:
            if not v.get("served", True):
                raise AssertionError(f"{kind} {version} is not served")
            schema = structural_to_jsonschema(v["schema"]["openAPIV3Schema"])
            return jsonschema.Draft7Validator(schema)
    raise AssertionError(f"CRD {crd['metadata']['name']} has no version {version}")


def _basic_core_checks(obj, where):
    meta = obj.get("metadata") or {}
    assert obj.get("apiVersion") == "v1", f"{where}: apiVersion {obj.get('apiVersion')!r}"
    assert meta.get("name"), f"{where}: metadata.name missing"
    if obj["kind"] not in CLUSTER_SCOPED:
        assert meta.get("namespace"), f"{where}: metadata.namespace missing"
    for key in ("labels", "annotations"):
        for k, v in (meta.get(key) or {}).items():
            assert isinstance(v, str), f"{where}: {key}[{k}] is not a string: {v!r}"
    if obj["kind"] == "Pod":
        spec = obj.get("spec") or {}
        containers = spec.get("containers")
        assert containers and all(c.get("name") and c.get("image") for c in containers), \
            f"{where}: spec.containers needs name and image"
        names = [c["name"] for c in containers + spec.get("initContainers", [])]
        assert len(names) == len(set(names)), f"{where}: duplicate container names"
        for gate in spec.get("schedulingGates", []):
            assert set(gate) == {"name"}, f"{where}: bad scheduling gate {gate}"
        for ref in meta.get("ownerReferences", []):
            assert {"apiVersion", "kind", "name", "uid"} <= set(ref), f"{where}: bad ownerReference"
    if obj["kind"] == "ConfigMap":
        for k, v in (obj.get("data") or {}).items():
            assert isinstance(v, str), f"{where}: data[{k}] must be a string"


def _visibility_checks(obj, where):
    assert obj["apiVersion"] in ("visibility.kueue.x-k8s.io/v1beta1", "visibility.kueue.x-k8s.io/v1beta2")
    for item in obj.get("items", []):
        assert set(item) == {"metadata", "priority", "localQueueName", "positionInClusterQueue",
                             "positionInLocalQueue"}, f"{where}: item keys {sorted(item)}"
        assert item["metadata"].get("name") and item["metadata"].get("namespace"), where
        assert isinstance(item["positionInLocalQueue"], int) and item["positionInLocalQueue"] >= 0
        assert isinstance(item["positionInClusterQueue"], int) and item["positionInClusterQueue"] >= 0


def validate_object(obj, where):
    kind = obj.get("kind")
    api_version = obj.get("apiVersion", "")
    assert kind and api_version, f"{where}: kind/apiVersion missing"
    if kind in CORE_KINDS:
        _basic_core_checks(obj, where)
        return
    if kind in VISIBILITY_KINDS:
        _visibility_checks(obj, where)
        return
    group, _, version = api_version.rpartition("/")
    validator = validator_for(group, kind, version)
    assert validator is not None, f"{where}: no CRD known for {api_version} {kind}"
    meta = obj.get("metadata") or {}
    assert meta.get("name"), f"{where}: metadata.name missing"
    if kind not in CLUSTER_SCOPED:
        assert meta.get("namespace"), f"{where}: metadata.namespace missing"
    errors = sorted(validator.iter_errors(obj), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"{'.'.join(map(str, e.absolute_path)) or '<root>'}: {e.message[:300]}" for e in errors[:10]]
        pytest.fail(f"{where} ({api_version} {kind} {meta.get('name')}) is invalid:\n  " + "\n  ".join(lines))


def _example_objects():
    out = []
    if not EXAMPLES.exists():
        return out
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        for index, obj in enumerate(load_objects(path)):
            out.append((f"{path.relative_to(EXAMPLES)}#{index}", obj))
    return out


def _scenario_objects():
    out = []
    for scenario in all_scenarios():
        for index, obj in enumerate(scenario.objects):
            out.append((f"{scenario.name}#{index}", obj))
    return out


def test_crds_present():
    if not CRDS.exists():
        pytest.skip(f"no CRDs at {CRDS}")
    for path in CRD_FILES.values():
        assert (CRDS / path).exists(), path


def test_converter_is_strict():
    if not CRDS.exists():
        pytest.skip(f"no CRDs at {CRDS}")
    validator = validator_for("kueue.x-k8s.io", "LocalQueue", "v1beta2")
    good = {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue",
            "metadata": {"name": "q", "namespace": "n"}, "spec": {"clusterQueue": "cq"}}
    assert not list(validator.iter_errors(good))
    typo = {**good, "spec": {"clusterQueues": "cq"}}
    assert list(validator.iter_errors(typo))
    v1 = {**good, "status": {"flavorsUsage": []}}
    assert not list(validator.iter_errors(v1))
    assert list(validator_for("kueue.x-k8s.io", "LocalQueue", "v1beta1").iter_errors(
        {**v1, "apiVersion": "kueue.x-k8s.io/v1beta1"}))
    wl = validator_for("kueue.x-k8s.io", "Workload", "v1beta2")
    bad_qty = {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "Workload", "metadata": {"name": "w", "namespace": "n"},
               "spec": {"podSets": [{"name": "main", "count": 1, "template": {"spec": {"containers": [
                   {"name": "main", "image": "x", "resources": {"requests": {"cpu": 2}}}]}}}]}}
    assert not list(wl.iter_errors(bad_qty))        # int-or-string accepts integers
    bad_qty["spec"]["podSets"][0]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = 2.5
    assert list(wl.iter_errors(bad_qty))


def test_all_scenarios_listed():
    names = [s.name for s in all_scenarios()]
    assert len(names) == len(set(names))
    assert len(names) >= 10


@pytest.mark.parametrize("where,obj", _scenario_objects() + _example_objects(), ids=lambda v: v if isinstance(v, str) else "")
def test_object_valid(where, obj):
    if not CRDS.exists():
        pytest.skip(f"no CRDs at {CRDS}")
    validate_object(obj, where)


def _steps_from_nodes(nodes):
    return {n["displayName"]: n for n in nodes.values()}


@pytest.mark.parametrize("scenario", all_scenarios(), ids=lambda s: s.name)
def test_expected_consistent_with_objects(scenario):
    expected = scenario.expected
    for key in ("description", "namespace", "workflow", "now", "server", "steps"):
        assert key in expected, f"{scenario.name}: expected.yaml lacks {key}"
    workflows = [o for o in scenario.objects if o["kind"] == "Workflow"
                 and o["metadata"]["name"] == expected["workflow"]
                 and o["metadata"]["namespace"] == expected["namespace"]]
    assert len(workflows) == 1, f"{scenario.name}: workflow {expected['workflow']} not found exactly once"
    wf = workflows[0]
    nodes = scenario.nodes()
    node_status = expected.get("node_status", "inline")
    if node_status == "compressed":
        assert not wf["status"].get("nodes") and wf["status"].get("compressedNodes")
    if node_status == "offloaded":
        assert not wf["status"].get("nodes") and wf["status"].get("offloadNodeStatusVersion")
    if "workflow_phase" in expected:
        assert wf["status"]["phase"] == expected["workflow_phase"]
    pods = {o["metadata"]["name"]: o for o in scenario.objects
            if o["kind"] == "Pod" and o["metadata"]["namespace"] == expected["namespace"]}
    workloads = {o["metadata"]["name"]: o for o in scenario.objects
                 if o["kind"] == "Workload" and o["metadata"]["namespace"] == expected["namespace"]}
    by_display = _steps_from_nodes(nodes)
    assert len(by_display) == len(nodes) or not expected["steps"], \
        f"{scenario.name}: displayNames are not unique; steps cannot be keyed by them"
    for display, fields in expected["steps"].items():
        assert display in by_display, f"{scenario.name}: no node with displayName {display!r}"
        n = by_display[display]
        for key, node_key in (("nodeId", "id"), ("type", "type"), ("phase", "phase"), ("templateName", "templateName")):
            if key in fields:
                assert fields[key] == n.get(node_key), f"{scenario.name}/{display}: {key}"
        _check_pod_fields(scenario.name, display, fields, pods, workloads)
    for pod_name, fields in (expected.get("pods") or {}).items():
        assert pod_name in pods, f"{scenario.name}: expected pod {pod_name} missing"
        _check_pod_fields(scenario.name, pod_name, dict(fields, podName=pod_name), pods, workloads)
    summary = expected.get("summary")
    if summary is not None:
        total = sum(summary.values())
        execution = [n for n in nodes.values() if n["type"] in ("Pod", "Suspend", "HTTP", "Plugin")]
        assert total == len(execution), f"{scenario.name}: summary counts {total} != {len(execution)} execution nodes"
        counted = {}
        for display, fields in expected["steps"].items():
            if "kueueState" in fields and by_display[display]["type"] in ("Pod", "Suspend", "HTTP", "Plugin"):
                counted[fields["kueueState"]] = counted.get(fields["kueueState"], 0) + 1
        for state, count in counted.items():
            assert summary.get(state, 0) >= count, f"{scenario.name}: summary {state}"
    for forbid in expected["server"].get("forbid", []):
        assert set(forbid) == {"verb", "resource", "group"}, f"{scenario.name}: bad forbid entry {forbid}"


def _check_pod_fields(name, display, fields, pods, workloads):
    from tests.support.builders import ADMISSION_GATE, QUEUE_LABEL
    pod_name = fields.get("podName")
    if pod_name is None:
        return
    assert pod_name in pods, f"{name}/{display}: pod {pod_name} not in objects"
    pod = pods[pod_name]
    if "gated" in fields:
        gates = [g["name"] for g in pod["spec"].get("schedulingGates", [])]
        assert fields["gated"] == (ADMISSION_GATE in gates), f"{name}/{display}: gated"
    if "queueName" in fields:
        assert fields["queueName"] == pod["metadata"].get("labels", {}).get(QUEUE_LABEL), f"{name}/{display}: queue"
    if fields.get("workload"):
        assert fields["workload"] in workloads, f"{name}/{display}: workload {fields['workload']} missing"
        owners = workloads[fields["workload"]]["metadata"]["ownerReferences"]   # a pod group's: one per pod
        assert pod["metadata"]["uid"] in [owner["uid"] for owner in owners], f"{name}/{display}: workload owner"
