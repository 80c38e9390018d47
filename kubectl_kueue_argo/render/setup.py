"""`explain setup`: how to configure Kueue for Argo Workflows, and the checks of one cluster (pure).

The guide follows reference/facts/kueue.md §1.2-§1.3 (selection, version table), §6 (RBAC),
§7 (visibility), §8 (manager configuration) and §10 (kueue#9565).
"""
from dataclasses import dataclass
from typing import Optional

from kubectl_kueue_argo.interpret.diagnose.setup_check import kueue_era
from kubectl_kueue_argo.render.limitations import wrap
from kubectl_kueue_argo.render.text import escape_terminal, paint

_STATUS_LABEL = {"ok": "ok", "problem": "PROBLEM", "unknown": "unknown"}
_STATUS_COLOR = {"ok": "green", "unknown": "dim"}
_PROBLEM_COLOR = {"error": "red", "warning": "yellow", "info": "cyan"}


@dataclass(frozen=True)
class GuideStep:
    id: str
    title: str
    text: str
    versions: str                   # which Kueue versions it concerns, in words
    era: Optional[str] = None       # "legacy" (<= v0.14) or "current" (>= v0.15) when only one is concerned
    example: Optional[str] = None   # YAML or shell; "{namespace}" is filled in

    def applies(self, era):
        """True/False for a known era, None when the version is unknown."""
        if self.era is None:
            return True
        return None if era is None else self.era == era


GUIDE = (
    GuideStep(
        "pod-framework", "Enable Kueue's pod integration",
        'Argo pods are plain pods: Kueue manages them only when integrations.frameworks lists "pod". Edit the '
        "ConfigMap kueue-system/kueue-manager-config (key controller_manager_config.yaml; with Helm, "
        "<release>-manager-config) and restart the kueue-controller-manager Deployment. Listing deployment, "
        "statefulset or leaderworkerset enables pods only for those owners (v0.15+), not for Argo's.",
        'all versions; the shipped configuration has "pod" commented out through v0.15 and enabled from v0.16',
        example='integrations:\n  frameworks:\n  - "batch/job"\n  - "pod"'),
    GuideStep(
        "namespace-selector", "Choose the namespaces with managedJobsNamespaceSelector",
        "managedJobsNamespaceSelector decides which namespaces' pods Kueue handles; unset, it is every namespace "
        "but kube-system and Kueue's own. A pod in a namespace outside it is never queued, even with a queue label. "
        "Helm copies the selector into the pod webhook's namespaceSelector.",
        "v0.10+; from v0.15 the only namespace selection for pods",
        example="managedJobsNamespaceSelector:\n  matchExpressions:\n  - key: kubernetes.io/metadata.name\n"
                "    operator: In\n    values: [{namespace}]"),
    GuideStep(
        "pod-options", "Kueue <= v0.14: integrations.podOptions",
        "Up to v0.14 the v1beta1 Configuration's integrations.podOptions.namespaceSelector and podSelector also "
        "restrict which pods are managed (deprecated in v0.11). v0.15 ignores them and the v1beta2 Configuration "
        "has no such field: before upgrading, move the restriction to managedJobsNamespaceSelector, or pods it "
        "kept out become managed (kueue#9565).",
        "v0.5-v0.14; ignored from v0.15", era="legacy"),
    GuideStep(
        "queue-name-required", "Keep manageJobsWithoutQueueName: false",
        "With the default false, only pods that carry kueue.x-k8s.io/queue-name are queued. With true, every pod "
        "in a managed namespace is gated, including Argo's agent pod and other applications' pods.",
        "all versions"),
    GuideStep(
        "default-local-queue", "Avoid a LocalQueue named \"default\" unless every pod should queue",
        "LocalQueue defaulting gives every pod without a queue label in a namespace that has a LocalQueue named "
        "\"default\" the label kueue.x-k8s.io/queue-name=default, Argo agent pods and non-Argo pods included, and "
        "the label can then not be removed (kueue#9565).",
        "feature gate LocalQueueDefaulting: on by default from v0.12, GA v0.17, always on from v0.19"),
    GuideStep(
        "queue-label", "Put the queue label on the pods, not on the Workflow",
        "Set kueue.x-k8s.io/queue-name in spec.podMetadata.labels (every step, and the shared agent pod of HTTP and "
        "plugin steps) or in spec.templates[].metadata.labels (one template; it wins over podMetadata, except in "
        "Argo 3.7.x as released, argo-workflows#15870). A label in the Workflow's own metadata does nothing. "
        "Each namespace needs a LocalQueue for it, pointing at a ClusterQueue whose namespaceSelector admits the "
        "namespace.",
        "all versions",
        example="spec:\n  podMetadata:\n    labels:\n      kueue.x-k8s.io/queue-name: team-queue\n  templates:\n"
                "  - name: train\n    metadata:\n      labels:\n        kueue.x-k8s.io/queue-name: gpu-queue"),
    GuideStep(
        "visibility-api", "Serve the visibility API for queue positions",
        "Positions of waiting steps come from visibility.kueue.x-k8s.io (APIService -> kueue-visibility-server, "
        "feature gate VisibilityOnDemand). Users need `get` on localqueues/pendingworkloads, which Kueue "
        "aggregates into the view, edit and admin roles.",
        "v1beta1 from v0.9, v1beta2 from v0.15 (v1alpha1 in v0.6-v0.8, off by default)"),
    GuideStep(
        "rbac", "Give batch users read access to Kueue objects",
        "Bind kueue-batch-user-role in the user's namespace: it covers Workloads and LocalQueues. ClusterQueues and "
        "ResourceFlavors are cluster-scoped and reach only admin and kueue-batch-admin-role, so quota details need "
        "a ClusterRoleBinding. Reading the manager ConfigMap needs `get configmaps` in kueue-system, which no Kueue "
        "role grants.",
        "all versions",
        example="kubectl create rolebinding kueue-batch-user -n {namespace} --clusterrole=kueue-batch-user-role "
                "--group=TEAM"),
)


def guide_document(version_hint, namespace=None):
    era = kueue_era(version_hint)
    return [{"id": step.id, "title": step.title, "text": step.text, "versions": step.versions,
             "appliesToThisVersion": step.applies(era), "example": _example(step, namespace)} for step in GUIDE]


def setup_document(report, notes=(), *, version_hint=None):
    """-o json/yaml. `report` is None when no cluster and no files were checked."""
    hint = report.version_hint if report else version_hint
    namespace = report.namespace if report else None
    return {
        "kueueVersion": hint,
        "namespace": namespace,
        "checks": [check.as_dict() for check in report.checks] if report else [],
        "notes": [{"code": note.code, "message": note.message} for note in notes],
        "guide": guide_document(hint, namespace),
    }


def render_setup_text(report, notes=(), *, version_hint=None, source=None, color=False):
    hint = report.version_hint if report else version_hint
    lines = []
    if report:
        lines += _checks_text(report, source, color)
    for note in notes:
        lines += wrap(_safe(note.message), "  ", first_indent="", label="Note: ", label_color="dim", color=color)
    if lines:
        lines.append("")
    lines += _guide_text(hint, report.namespace if report else None, color)
    return "\n".join(lines) + "\n"


def _checks_text(report, source, color):
    where = f" ({_safe(source)})" if source else ""
    version = f"Kueue {_safe(report.version_hint)}" if report.version_hint else "Kueue version unknown"
    lines = [paint(f"Setup for Argo Workflows in namespace {_safe(report.namespace)}: {version}{where}", "bold", color)]
    width = max((len(check.code) for check in report.checks), default=0)
    for check in report.checks:
        label = _STATUS_LABEL[check.status]
        tint = _PROBLEM_COLOR.get(check.severity) if check.status == "problem" else _STATUS_COLOR.get(check.status)
        prefix = f"  {label:<8} {check.code:<{width}}  "
        body = wrap(_safe(check.message), " " * len(prefix), first_indent=prefix)
        body[0] = body[0].replace(label, paint(label, tint, color), 1)
        lines += body
        indent = " " * len(prefix)
        if check.status == "unknown" and check.severity == "info":
            continue  # quiet: nothing to fix here (the remedy and evidence are in -o json)
        if check.remedy and check.status != "ok":
            lines += wrap(_safe(check.remedy), indent, label="Fix: ", label_color="green", color=color)
        if check.evidence and check.status != "ok":
            lines += wrap("; ".join(_safe(item) for item in check.evidence), indent, label="Evidence: ",
                          label_color="dim", color=color)
    return lines


def _guide_text(version_hint, namespace, color):
    era = kueue_era(version_hint)
    version = f"Kueue {version_hint}" if version_hint else "any Kueue version"
    lines = [paint(f"How to set up Kueue for Argo Workflows ({_safe(version)}):", "bold", color)]
    for number, step in enumerate(GUIDE, 1):
        applies = step.applies(era)
        mark = "" if applies is not False else paint("  (not for this version)", "dim", color)
        lines += ["", paint(f"{number}. {step.title}", "bold", color) + mark]
        lines += wrap(step.text, "   ")
        lines += wrap(step.versions, "   ", label="Versions: ", label_color="dim", color=color)
        example = _example(step, namespace)
        if example:
            lines += ["     " + paint(line, "cyan", color) for line in example.splitlines()]
    return lines


def _example(step, namespace):
    if not step.example:
        return None
    return step.example.replace("{namespace}", _safe(namespace) if namespace else "NAMESPACE")


def _safe(text):
    return escape_terminal(text)
