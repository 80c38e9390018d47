"""What every `explain WF` rule needs, built once per diagnosis, and the phrasing helpers they share (pure).

Rules get a StepStatus and this context; they return Findings. No I/O, no clock: `now` is passed in.
"""
import re

from kubectl_kueue_argo.interpret.argo import workflow as argo
from kubectl_kueue_argo.interpret.argo.spec import SpecResolver
from kubectl_kueue_argo.interpret.diagnose.cause import group_members, seconds_since  # noqa: F401 (for the rules)
from kubectl_kueue_argo.interpret.kueue.workloads import cluster_queue_info, local_queue_info
from kubectl_kueue_argo.interpret.kueue.config import parse_manager_config
from kubectl_kueue_argo.model import Finding
from kubectl_kueue_argo.quantity import format_quantity
from kubectl_kueue_argo.wording import ordinal, prose_duration  # noqa: F401  (one import point for the rules)

ACTIVE_PHASES = ("Pending", "Running")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600}


class DiagnosisContext:
    def __init__(self, report, snapshot, now):
        self.report = report
        self.snapshot = snapshot
        self.now = now
        self.namespace = snapshot.namespace
        self.workflow = snapshot.workflow or {}
        self.workflow_name = report.workflow.get("name") or ""
        self.local_queues = _by_name(local_queue_info, snapshot.local_queues)
        self.cluster_queues = _by_name(cluster_queue_info, snapshot.cluster_queues)
        self.config, self.config_problem = _config(snapshot.manager_config)
        self.resolver = _resolver(self.workflow, snapshot.workflow_templates)
        self.nodes = argo.decode_nodes(self.workflow).nodes
        self.steps_by_pod = {step.pod_name: step for step in report.steps if step.pod_name and step.type == "Pod"}
        self.admission_checks = ({(c.get("metadata") or {}).get("name"): c for c in snapshot.admission_checks
                                  if isinstance(c, dict)} if snapshot.admission_checks is not None else None)
        self.related_pods = snapshot.related_pods or {}
        self.events = snapshot.events
        self.group_members = group_members(snapshot.pods)
        self.cache = {}      # per-diagnosis memo of the rules (e.g. who is ahead in each LocalQueue)

    # -- Workflow spec ----------------------------------------------------------------------------

    @property
    def spec(self):
        if self.resolver is not None:
            return self.resolver.spec
        return self.workflow.get("spec") or {}

    def resolved_template(self, node):
        """The ResolvedTemplate a node runs, or None (unknown template, odd spec)."""
        if self.resolver is None or not node:
            return None
        try:
            return self.resolver.resolve(template_name=node.get("templateName") or None,
                                         template_ref=node.get("templateRef") or None,
                                         template_scope=node.get("templateScope") or None)
        except Exception:  # a partial spec must not stop the diagnosis of the other steps
            return None

    def template(self, node):
        resolved = self.resolved_template(node)
        return resolved.template if resolved else {}

    def spec_queue(self, step):
        """The queue label the Workflow spec gives this step's pod (None: the spec sets none)."""
        if step.type in argo.AGENT_TYPES:
            return self.resolver.agent_labels().get("kueue.x-k8s.io/queue-name") if self.resolver else None
        resolved = self.resolved_template(step.node)
        return resolved.queue_name if resolved else None

    # -- Kueue objects ----------------------------------------------------------------------------

    def local_queue(self, name):
        return (self.local_queues or {}).get(name) if name else None

    def cluster_queue(self, name):
        return (self.cluster_queues or {}).get(name) if name else None

    def cluster_queue_name(self, step):
        """The step's ClusterQueue: from its admission, else from its LocalQueue (None when unknown)."""
        if step.cluster_queue:
            return step.cluster_queue
        info = self.local_queue(step.local_queue)
        return info.cluster_queue if info else None

    def check_controller(self, name):
        """spec.controllerName of an AdmissionCheck, when it was readable."""
        check = (self.admission_checks or {}).get(name) or {}
        return (check.get("spec") or {}).get("controllerName")

    def pending_items(self, local_queue):
        """Visibility API items of a LocalQueue; None when unknown."""
        return self.snapshot.pending_workloads.get((self.namespace, local_queue))


def _by_name(view, items):
    if items is None:
        return None
    return {info.name: info for info in map(view, items)}


def _config(configmap):
    if not configmap:
        return None, "could not be read"
    try:
        return parse_manager_config(configmap), None
    except ValueError as err:
        return None, f"could not be parsed ({err})"


def _resolver(workflow, templates):
    try:
        return SpecResolver(workflow, templates)
    except Exception:  # the diagnosis works without spec facts, just with fewer of them
        return None


# ---- building findings --------------------------------------------------------------------------

def step_finding(code, severity, message, step, *, evidence=(), remedy=None):
    return Finding(code, severity, message, node_id=step.node_id, template=step.template_label or None,
                   evidence=[line for line in evidence if line], remedy=remedy)


def workload_condition(step, kind, field="message"):
    """Evidence line for a Workload condition field, or None when the condition is absent."""
    workload = step.workload
    condition = (workload.conditions or {}).get(kind) if workload else None
    if not condition or condition.get(field) in (None, ""):
        return None
    return f"Workload {workload.namespace}/{workload.name} status.conditions[{kind}].{field}: {condition[field]}"


def pod_ref(step, ctx):
    return f"Pod {ctx.namespace}/{step.pod_name}"


def node_ref(step, ctx):
    return f"Workflow {ctx.namespace}/{ctx.workflow_name} status.nodes[{step.node_id}]"


def gates_evidence(step, ctx):
    if not step.scheduling_gates:
        return None
    return f"{pod_ref(step, ctx)} spec.schedulingGates: {', '.join(step.scheduling_gates)}"


def amount(value, resource):
    return f"{format_quantity(value, resource)} {resource}" if value is not None else f"? {resource}"


def names_list(names, limit=5):
    names = list(names)
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def label_location(step, ctx):
    """Where a queue label for this step's pod goes in the Workflow spec, in words."""
    if step.type in argo.AGENT_TYPES:
        return "spec.podMetadata.labels (the agent pod gets only workflow-level podMetadata)"
    resolved = ctx.resolved_template(step.node)
    template = step.template_name or "?"
    origin = resolved.origin if resolved else ""
    if origin and not origin.startswith("Workflow/"):
        return (f"spec.templates[name={template}].metadata.labels of {origin}, or spec.podMetadata.labels "
                f"of the Workflow for all its pods")
    return (f"spec.templates[name={template}].metadata.labels (template {template}), or "
            f"spec.podMetadata.labels for every pod of the workflow")


def parse_duration(value):
    """Argo durations: an integer is seconds, else a Go duration ("10m", "1h30m"); None if unparsable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if re.fullmatch(r"\d+", text):
        return float(text)
    parts = _DURATION_PART.findall(text)
    if not parts or "".join(number + unit for number, unit in parts) != text:
        return None      # e.g. an unresolved "{{inputs.parameters.timeout}}"
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


# ---- label selectors in words --------------------------------------------------------------------

def selector_text(selector):
    if selector is None:
        return "null (matches no namespace)"
    if selector == {}:
        return "{} (all namespaces)"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    parts += [f"{e.get('key')} {e.get('operator')} {e.get('values') or ''}".strip()
              for e in selector.get("matchExpressions") or [] if isinstance(e, dict)]
    return "{" + ", ".join(parts) + "}"


def labels_text(labels):
    return "{" + ", ".join(f"{k}={v}" for k, v in sorted((labels or {}).items())) + "}"


def label_hint(selector):
    match = (selector or {}).get("matchLabels") or {}
    return " ".join(f"{k}={v}" for k, v in sorted(match.items())) or None
