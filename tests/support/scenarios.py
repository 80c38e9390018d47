"""Scenario fixtures: tests/fixtures/scenarios/<name>/{objects.yaml, expected.yaml}.

objects.yaml is what the cluster holds (a multi-document YAML stream or a `kind: List`, as
`kubectl get -o yaml` prints), including `PendingWorkloadsSummary` documents exactly as
GET /apis/visibility.kueue.x-k8s.io/<v>/namespaces/<ns>/localqueues/<lq>/pendingworkloads returns
them (the LocalQueue is identified by items[].metadata.namespace and items[].localQueueName; a
LocalQueue without such a document has no pending Workloads, i.e. the endpoint returns no items).
Objects of other namespaces (e.g. Workloads sharing a ClusterQueue) may be present too.

expected.yaml (the oracle, written from the Argo/Kueue facts, not from the plugin's code):

  description:     one paragraph: what the cluster shows and why
  namespace:       namespace of the workflow
  workflow:        workflow name
  now:             fixed ISO clock for the test (UTC, "Z")
  server:          options for the fake API server
    kueue_versions: kueue.x-k8s.io versions served, e.g. [v1beta2, v1beta1], [v1beta1] or []
                    (visibility is served in the same versions)
    forbid:        list of {verb, resource, group} answered 403 (group "" = core)
  workflow_phase:  status.phase of the Workflow
  node_status:     inline | compressed (status.compressedNodes) | offloaded (offloadNodeStatusVersion)
  steps:           displayName -> subset of the plugin's `-o json` step fields:
                   nodeId, type, templateName, phase, podName (null = no Pod object exists),
                   queueName, gated (pod has the kueue.x-k8s.io/admission gate), workload (name or
                   null), kueueState, reason, localQueue, clusterQueue (null = unknown/none),
                   position {localQueue, clusterQueue} (1-based), cause (one of model.CAUSES,
                   null for a finished step). A field that is absent is not determined by the facts: do not assert it.
  pods:            (optional) podName -> same fields, for pods that have no node to key them by
                   (the agent pod; every pod when nodes are offloaded).
  summary:         (optional) counts by kueueState over the execution nodes only (types Pod,
                   Suspend, HTTP, Plugin); Steps/StepGroup/DAG/TaskGroup/Retry/Skipped are not
                   counted; states with count 0 are omitted.
  status_findings: the exact codes of `status -o json` findings (a multiset; [] = none at all).
  status_messages: (optional) displayName -> fragments the step's MESSAGE cell must show;
  status_messages_not: (optional) displayName -> fragments it must not show.
  explain_findings: displayName -> the exact codes of that step's `explain -o json` findings, in
                   order (the primary one, its cause, first); a step not listed has none.
  workflow_findings: the exact codes of `explain`'s workflow-level findings (nodeId null).
  explain_exit:    the exit code of `explain WF` (0, or 3 when an error finding is expected).
  explain_check:   code -> {message|evidence|remedy: fragments some finding of that code shows,
                   message_not|remedy_not: fragments none of them may show}.
  offline:         (optional) keys whose expectation differs when the objects are read from files
                   (e.g. a forbidden read has no file equivalent); `steps` there overrides fields.
"""
from dataclasses import dataclass, field
from pathlib import Path
from typing import List

import yaml

from tests.support.paths import FIXTURES

SCENARIOS_DIR = FIXTURES / "scenarios"


def _loader():
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_objects(path):
    """All objects of a YAML file; `kind: List` documents are flattened."""
    out = []
    with open(path) as handle:
        for doc in yaml.load_all(handle, Loader=_loader()):
            if not doc:
                continue
            if doc.get("kind") == "List" or (doc.get("kind", "").endswith("List") and "items" in doc
                                            and doc.get("kind") != "PendingWorkloadsSummary"):
                out.extend(doc.get("items") or [])
            else:
                out.append(doc)
    return out


@dataclass
class Scenario:
    name: str
    dir: Path
    objects: List[dict] = field(default_factory=list)
    expected: dict = field(default_factory=dict)

    def of_kind(self, kind, namespace=None):
        return [o for o in self.objects if o.get("kind") == kind
                and (namespace is None or (o.get("metadata") or {}).get("namespace") == namespace)]

    @property
    def workflow(self):
        for o in self.of_kind("Workflow"):
            if o["metadata"]["name"] == self.expected.get("workflow"):
                return o
        return None

    def expectation(self, key, offline=False, default=None):
        """expected[key], or its `offline` override when the objects are read from files."""
        overrides = self.expected.get("offline") or {}
        if offline and key in overrides:
            return overrides[key]
        return self.expected.get(key, default)

    def expected_steps(self, offline=False):
        steps = {name: dict(fields) for name, fields in (self.expected.get("steps") or {}).items()}
        if offline:
            for name, fields in ((self.expected.get("offline") or {}).get("steps") or {}).items():
                steps.setdefault(name, {}).update(fields)
        return steps

    def nodes(self):
        """status.nodes of the scenario's workflow, decompressing compressedNodes; {} if offloaded."""
        wf = self.workflow or {}
        status = wf.get("status") or {}
        if status.get("nodes"):
            return status["nodes"]
        if status.get("compressedNodes"):
            import base64
            import gzip
            import json
            return json.loads(gzip.decompress(base64.b64decode(status["compressedNodes"])))
        return {}


def scenario_names():
    if not SCENARIOS_DIR.exists():
        return []
    return sorted(p.name for p in SCENARIOS_DIR.iterdir() if (p / "expected.yaml").exists())


def load_scenario(name):
    directory = SCENARIOS_DIR / name
    if not (directory / "expected.yaml").exists():
        raise FileNotFoundError(f"no scenario {name!r} in {SCENARIOS_DIR}")
    with open(directory / "expected.yaml") as handle:
        expected = yaml.load(handle, Loader=_loader())
    return Scenario(name=name, dir=directory, objects=load_objects(directory / "objects.yaml"), expected=expected)


def all_scenarios():
    return [load_scenario(name) for name in scenario_names()]
