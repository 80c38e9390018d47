"""`explain -f FILE`: what Kueue would do with the pods of Argo manifests, before submitting (pure).

analyze() lists every template with the pod that runs it, the queue that pod would carry and what
Kueue would count for it, then runs the rules in rules.py over that plan.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from kubectl_kueue_argo.interpret.preflight import rules as preflight_rules
from kubectl_kueue_argo.interpret.preflight.references import template_ref_cycles
from kubectl_kueue_argo.interpret.argo.spec import (
    DEFAULT_ARGO_VERSION, TEMPLATE_HOLDER_KINDS, SpecResolver, workflow_spec,
)
from kubectl_kueue_argo.interpret.argo.pod_spec_patch import apply_patch, inspect_patch
from kubectl_kueue_argo.interpret.kueue.resources import argo_pod_spec, pod_requests
from kubectl_kueue_argo.model import Finding

ARGO_KINDS = ("Workflow", "CronWorkflow") + TEMPLATE_HOLDER_KINDS
DEFAULT_LOCAL_QUEUE = "default"


@dataclass
class ClusterFacts:
    """What the lead's live or snapshot source could read. None = not readable."""
    namespace: Optional[str] = None
    local_queues: Optional[Dict[str, Optional[str]]] = None      # LocalQueue -> ClusterQueue name
    cluster_queues: Optional[Dict[str, Optional[dict]]] = None   # ClusterQueue -> raw object
    namespace_managed: Optional[bool] = None                     # managedJobsNamespaceSelector verdict
    workflow_templates: List[dict] = field(default_factory=list)  # (Cluster)WorkflowTemplates
    templates_from_cluster: bool = False   # the referenced templates were asked of a live cluster


@dataclass
class PreflightOptions:
    argo_version: Tuple[int, int] = DEFAULT_ARGO_VERSION
    # Argo 3.7.x as released lets spec.podMetadata override template metadata (argo-workflows#15870).
    podmetadata_overrides_template: bool = False
    executor_requests: Optional[dict] = None    # None: resources.DEFAULT_EXECUTOR_REQUESTS
    executor_limits: Optional[dict] = None      # None: resources.DEFAULT_EXECUTOR_LIMITS


@dataclass
class TemplateRow:
    workflow: str               # "<Kind>/<name or generateName>"
    name: str
    type: str
    pod: str                    # own | agent | none
    queue_name: Optional[str]
    managed: Optional[bool]     # None: unknown (no cluster facts) or no pod
    requests: Dict[str, object] = field(default_factory=dict)   # resource -> Fraction
    origin: str = ""


@dataclass
class PreflightReport:
    templates: List[TemplateRow] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    documents: List[str] = field(default_factory=list)   # "<Kind>/<name>" of every document analysed


@dataclass
class Step:
    """One template with everything the rules need."""
    row: TemplateRow
    template: dict              # effective template (templateDefaults merged, podMetadata folded)
    label_queue: Optional[str]  # queue from labels only (no LocalQueue defaulting)
    pod_spec: dict
    patch: object               # PatchInfo of the template's own podSpecPatch, or None
    raw: dict = field(default_factory=dict)   # the template as written


@dataclass
class DocumentPlan:
    label: str
    document: dict
    spec: dict                  # merged exec spec
    resolver: SpecResolver
    steps: List[Step]
    spec_patch: object          # PatchInfo of spec.podSpecPatch, or None


def analyze(documents, *, cluster=None, options=None):
    """PreflightReport for Workflow, CronWorkflow, WorkflowTemplate and ClusterWorkflowTemplate
    documents (other kinds are ignored). (source, document) pairs are accepted too."""
    options = options or PreflightOptions()
    docs = [_unwrap(d) for d in documents or ()]
    docs = [d for d in docs if isinstance(d, dict) and d.get("kind") in ARGO_KINDS]
    available = [d for d in docs if d.get("kind") in TEMPLATE_HOLDER_KINDS]
    if cluster is not None:
        available += [d for d in cluster.workflow_templates or () if isinstance(d, dict)]
    plans = [plan_document(d, available, cluster, options) for d in docs]
    findings = []
    for plan in plans:
        findings += preflight_rules.document_findings(plan, cluster, options)
    if cluster is not None:
        findings += preflight_rules.queue_findings(plans, cluster)
    findings += template_ref_cycles(available)
    return PreflightReport(templates=[s.row for p in plans for s in p.steps], findings=findings,
                           documents=[plan.label for plan in plans])


def plan_document(document, available, cluster, options):
    resolver = SpecResolver(document, available, argo_version=options.argo_version,
                            podmetadata_overrides_template=options.podmetadata_overrides_template)
    spec = resolver.spec
    spec_patch = inspect_patch(spec.get("podSpecPatch"))
    raws = [raw for raw, _origin in resolver.templates()]
    steps = [_step(resolver, resolved, spec, spec_patch, cluster, options)
             for resolved in resolver.resolved_templates()]
    for step, raw in zip(steps, raws):
        step.raw = raw
    return DocumentPlan(label=resolver.label, document=document, spec=spec, resolver=resolver,
                        steps=steps, spec_patch=spec_patch)


def _step(resolver, resolved, spec, spec_patch, cluster, options):
    template = resolved.template
    patch = inspect_patch(template.get("podSpecPatch")) if resolved.pod == "own" else None
    pod_spec = {}
    if resolved.pod == "own":
        pod_resources = template.get("podResources") or spec.get("podResources")
        pod_spec = argo_pod_spec(template, executor_requests=options.executor_requests,
                                 executor_limits=options.executor_limits, pod_resources=pod_resources)
    elif resolved.pod == "agent":
        pod_spec = argo_pod_spec(None, agent=True, agent_sidecars=executor_plugin_sidecars(spec))
    for info in (spec_patch, patch):
        if pod_spec and info is not None and info.parsed is not None:
            pod_spec = apply_patch(pod_spec, info.parsed)
    queue, managed = _queue_and_managed(resolved.queue_name, cluster) if resolved.pod != "none" else (None, None)
    row = TemplateRow(workflow=resolver.label, name=resolved.name, type=resolved.type, pod=resolved.pod,
                      queue_name=queue, managed=managed,
                      requests=pod_requests(pod_spec) if pod_spec else {}, origin=resolved.origin)
    return Step(row=row, template=template, label_queue=resolved.queue_name, pod_spec=pod_spec, patch=patch)


def executor_plugin_sidecars(spec):
    """Workflow-level executor plugins run as sidecars of the agent pod. Plugins configured in the
    controller's ConfigMap are not visible in a manifest."""
    sidecars = []
    for plugin in spec.get("executorPlugins") or ():
        container = ((plugin or {}).get("spec") or {}).get("sidecar", {}).get("container")
        if isinstance(container, dict):
            sidecars.append(container)
    return sidecars


def _queue_and_managed(label_queue, cluster):
    """The queue the pod would end in and whether Kueue's webhook would manage it (§1.2)."""
    namespace_managed = None if cluster is None else cluster.namespace_managed
    if label_queue:
        return label_queue, namespace_managed is not False
    if namespace_managed is False:
        return None, False
    if cluster is None or cluster.local_queues is None:
        return None, None
    if DEFAULT_LOCAL_QUEUE in cluster.local_queues:
        return DEFAULT_LOCAL_QUEUE, True
    return None, False


def _unwrap(item):
    if isinstance(item, tuple) and len(item) == 2:
        return item[1]
    return item


__all__ = ["ARGO_KINDS", "ClusterFacts", "PreflightOptions", "TemplateRow", "PreflightReport",
           "analyze", "workflow_spec"]
