"""Is Kueue set up for Argo Workflows in one namespace? (pure: dicts in, dataclasses out).

Facts: reference/facts/kueue.md §1.2 (webhook decision order), §1.5, §7 (visibility), §8 (manager
configuration, version fingerprint), §10 (kueue#9565). Every input may be None ("could not read"):
the checks that need it then say "unknown", never "problem".
"""
from dataclasses import dataclass, field, replace
from typing import List, Optional

from kubectl_kueue_argo.interpret.kueue.config import ManagerConfig, namespace_management

KUEUE_GROUP = "kueue.x-k8s.io"
VISIBILITY_GROUP = "visibility.kueue.x-k8s.io"
ARGO_EXTERNAL_FRAMEWORK = "Workflow.v1alpha1.argoproj.io"
DEFAULT_LOCAL_QUEUE = "default"
CONFIG_V1BETA2 = "config.kueue.x-k8s.io/v1beta2"
STATUSES = ("ok", "problem", "unknown")

# Version hints (kueue.config.kueue_version_hint) sorted into the two eras that matter here:
# "legacy" Kueue <= v0.14 still reads integrations.podOptions; "current" v0.15+ ignores it.
_LEGACY_HINTS = ("v0.9 - v0.14", "v0.6 - v0.8", "<= v0.14")
_CURRENT_HINTS = ("v0.15", ">= v0.15", ">= v0.16")


@dataclass
class Check:
    code: str
    status: str                  # ok | problem | unknown
    severity: str                # info | warning | error
    message: str
    remedy: Optional[str] = None
    evidence: List[str] = field(default_factory=list)

    def as_dict(self):
        return {"code": self.code, "status": self.status, "severity": self.severity, "message": self.message,
                "remedy": self.remedy, "evidence": list(self.evidence)}


@dataclass(frozen=True)
class ConfigUnread:
    """Why the Kueue manager configuration is missing: "forbidden", "not-found", "not-in-files" or
    "error" (with the reader's message)."""

    reason: str
    detail: str = ""


@dataclass
class SetupReport:
    version_hint: Optional[str]
    namespace: Optional[str]
    checks: List[Check] = field(default_factory=list)

    @property
    def has_errors(self):
        return any(check.status == "problem" and check.severity == "error" for check in self.checks)


def kueue_era(version_hint, config=None):
    """"legacy" (<= v0.14), "current" (>= v0.15) or None when neither the hint nor the config tells."""
    if version_hint in _CURRENT_HINTS:
        return "current"
    if config is not None and config.api_version == CONFIG_V1BETA2:   # the v1beta2 Configuration is v0.15+
        return "current"
    if version_hint in _LEGACY_HINTS:
        return "legacy"
    return None


def effective_version_hint(version_hint, config=None):
    if version_hint:
        return version_hint
    if config is not None and config.api_version == CONFIG_V1BETA2:
        return ">= v0.15"
    return None


def check_setup(config: Optional[ManagerConfig], *, kueue_version_hint: Optional[str], namespace: str,
                namespace_labels=None, local_queues: Optional[list] = None,
                served_groups: Optional[dict] = None, config_unread: Optional[ConfigUnread] = None) -> SetupReport:
    """The checks for running Argo pods under Kueue in `namespace`.

    served_groups: API discovery, {group: [versions]}; None when there was no discovery (files).
    Without a configuration, its three checks give way to one ManagerConfig check that says why
    (config_unread) and what to do, once.
    """
    hint = effective_version_hint(kueue_version_hint, config)
    report = SetupReport(version_hint=hint, namespace=namespace)
    installed = _check_installed(served_groups, hint)
    if installed:
        report.checks.append(installed)
        if installed.status == "problem":
            return report
    era = kueue_era(hint, config)
    if config is None:
        report.checks.append(_check_config_unread(config_unread or ConfigUnread("error")))
    else:
        report.checks.append(_check_pod_integration(config, hint))
        report.checks.append(_check_namespace(config, namespace, namespace_labels, era))
        report.checks.extend(_check_pod_options(config, era))
        report.checks.append(_check_queue_name_required(config))
    report.checks.extend(_check_argo_external_framework(config))
    report.checks.append(_check_local_queues(local_queues, namespace))
    report.checks.append(_check_default_local_queue(local_queues, namespace, config))
    visibility = _check_visibility(served_groups)
    if visibility:
        report.checks.append(visibility)
    return report


# ---- the checks -------------------------------------------------------------------------------

def _check_installed(served_groups, hint):
    if served_groups is None:
        return None
    versions = list(served_groups.get(KUEUE_GROUP) or [])
    if not versions:
        return Check("KueueInstalled", "problem", "error",
                     f"Kueue is not installed: the {KUEUE_GROUP} API is not served by this cluster.",
                     "Install Kueue (https://kueue.sigs.k8s.io/docs/installation/), then enable its pod integration.",
                     ["API discovery: no kueue.x-k8s.io group"])
    return Check("KueueInstalled", "ok", "info",
                 f"Kueue is installed ({hint or 'version unknown'}).", None,
                 [f"API discovery: {KUEUE_GROUP} serves {', '.join(versions)}"])


MANAGER_CONFIGMAP = "ConfigMap kueue-system/kueue-manager-config"
_SKIPPED = "so the pod integration, namespace and queue-name checks are skipped"


def _check_config_unread(unread):
    """One check for the unread configuration: the reason once, the fix once. A batch user may not
    read it (no Kueue role grants `get configmaps` in kueue-system): that is one quiet line."""
    code = "ManagerConfig"
    if unread.reason == "forbidden":
        return Check(code, "unknown", "info", "Not readable with your permissions: its checks are skipped.",
                     "Reading it needs `get configmaps` in kueue-system, which no Kueue role grants: ask a cluster "
                     "admin, or pass a dump of it with --from-file.",
                     [f"{MANAGER_CONFIGMAP}: forbidden"])
    if unread.reason == "not-found":
        return Check(code, "unknown", "warning",
                     f"The Kueue manager configuration was not found: {MANAGER_CONFIGMAP} does not exist, {_SKIPPED}.",
                     "Kueue installed with Helm names it <release>-manager-config: pass a dump of it with --from-file.",
                     [f"{MANAGER_CONFIGMAP}: not found"])
    if unread.reason == "not-in-files":
        return Check(code, "unknown", "warning",
                     f"The files hold no Kueue manager configuration, {_SKIPPED}.",
                     f"Add a dump of {MANAGER_CONFIGMAP} (kubectl get configmap -n kueue-system kueue-manager-config "
                     "-o yaml) with --from-file.", [f"{MANAGER_CONFIGMAP}: not in the files"])
    detail = f" ({unread.detail})" if unread.detail else ""
    return Check(code, "unknown", "warning", f"The Kueue manager configuration could not be read{detail}, {_SKIPPED}.",
                 "Try again, or pass a dump of it with --from-file.", [f"{MANAGER_CONFIGMAP}: not read"])


def _check_pod_integration(config, hint):
    listed = ", ".join(config.frameworks) or "none"
    evidence = [f"integrations.frameworks: [{listed}]"]
    if config.pod_integration:
        return Check("PodIntegration", "ok", "info", 'The pod integration is enabled: integrations.frameworks lists "pod".',
                     None, evidence)
    shipped = ("the shipped configuration enables it from v0.16" if hint == ">= v0.16"
               else "the shipped configuration has it commented out through v0.15")
    remedy = ('Add "pod" to integrations.frameworks in the kueue-manager-config ConfigMap and restart the '
              f"kueue-controller-manager Deployment ({shipped}).")
    if config.pod_implicit:
        return Check("PodIntegration", "problem", "error",
                     "The pod integration is enabled only implicitly, through deployment/statefulset/leaderworkerset: "
                     "Kueue reconciles only those owners' pods, so Argo pods may be gated but never admitted.",
                     remedy, evidence)
    return Check("PodIntegration", "problem", "error",
                 'The pod integration is off: integrations.frameworks does not list "pod", so Kueue ignores Argo pods '
                 "(they run unqueued, even with a queue-name label).", remedy, evidence)


def _check_namespace(config, namespace, namespace_labels, era):
    code = "NamespaceManaged"
    # Judge the namespace selection on its own: the framework list has its own check.
    managed, reason, explanation = namespace_management(replace(config, pod_integration=True), namespace,
                                                        namespace_labels)
    evidence = [_selector_evidence(config)]
    if namespace_labels is None:
        evidence.append(f"namespace {namespace}: labels not read, only kubernetes.io/metadata.name assumed")
    else:
        evidence.append(f"namespace {namespace} labels: {_labels_text(namespace_labels)}")
    if managed:
        return Check(code, "ok", "info", f"Kueue's pod webhook handles pods in namespace {namespace}.", None, evidence)
    if reason == "NamespaceExcluded":
        return Check(code, "problem", "error", _sentence(explanation),
                     f"Label namespace {namespace} so it matches managedJobsNamespaceSelector, or widen the selector "
                     "in the kueue-manager-config ConfigMap (the webhook's namespaceSelector must match as well).",
                     evidence)
    if reason == "PodOptionsNamespaceExcluded":
        if era == "current":
            return Check(code, "ok", "info",
                         f"Kueue's pod webhook handles pods in namespace {namespace}: integrations.podOptions "
                         "would exclude it, but Kueue v0.15+ ignores podOptions.", None, evidence)
        remedy = (f"Make namespace {namespace} match integrations.podOptions.namespaceSelector, or move the "
                  "namespace selection to managedJobsNamespaceSelector (v0.10+; the only one read from v0.15).")
        status = "problem" if era == "legacy" else "unknown"
        return Check(code, status, "error" if era == "legacy" else "warning", _sentence(explanation), remedy, evidence)
    return Check(code, "unknown", "warning", _sentence(explanation),
                 f"Check the labels of namespace {namespace} against managedJobsNamespaceSelector.", evidence)


def _check_pod_options(config, era):
    pod_options = _pod_options(config)
    if not pod_options:
        return []
    evidence = [f"integrations.podOptions: {', '.join(sorted(pod_options)) or 'empty'}"]
    if era == "current":
        return [Check("PodOptionsIgnored", "problem", "warning",
                      "integrations.podOptions is set but Kueue v0.15+ ignores it: its selectors no longer keep pods "
                      "out of Kueue (after an upgrade from v0.14, pods it used to exclude can become managed; kueue#9565).",
                      "Move the namespace selection to managedJobsNamespaceSelector and drop podOptions.", evidence)]
    if era == "legacy":
        return [Check("PodOptionsIgnored", "ok", "info",
                      "integrations.podOptions is read by this Kueue version (<= v0.14); it is ignored from v0.15.",
                      "Before upgrading to v0.15, move the namespace selection to managedJobsNamespaceSelector.",
                      evidence)]
    return [Check("PodOptionsIgnored", "unknown", "info",
                  "integrations.podOptions is set: Kueue <= v0.14 applies it, v0.15+ ignores it.",
                  "Use managedJobsNamespaceSelector instead (v0.10+).", evidence)]


def _check_queue_name_required(config):
    code = "QueueNameRequired"
    evidence = [f"manageJobsWithoutQueueName: {'true' if config.manage_jobs_without_queue_name else 'false'}"]
    if config.manage_jobs_without_queue_name:
        return Check(code, "problem", "warning",
                     "manageJobsWithoutQueueName is true: every pod in a managed namespace is gated, including Argo "
                     "agent pods and pods of other applications; those without a queue-name label are never admitted.",
                     "Set manageJobsWithoutQueueName: false (the default) and label Argo pods with "
                     "kueue.x-k8s.io/queue-name, or restrict managedJobsNamespaceSelector to the Argo namespaces.",
                     evidence)
    return Check(code, "ok", "info",
                 "Only pods with a kueue.x-k8s.io/queue-name label are queued: set it in the Workflow's "
                 "spec.podMetadata.labels or spec.templates[].metadata.labels.", None, evidence)


def _check_argo_external_framework(config):
    if config is None or ARGO_EXTERNAL_FRAMEWORK not in config.external_frameworks:
        return []
    return [Check("ArgoExternalFramework", "problem", "warning",
                  f"integrations.externalFrameworks lists {ARGO_EXTERNAL_FRAMEWORK}: the pod webhook then skips pods "
                  "of Workflows that carry a queue label (their owner counts as Kueue-managed), but no controller "
                  "queues those Workflows.",
                  f"Remove {ARGO_EXTERNAL_FRAMEWORK} from integrations.externalFrameworks unless an external "
                  "controller manages Argo Workflows for Kueue.",
                  [f"integrations.externalFrameworks: {', '.join(config.external_frameworks)}"])]


def _check_local_queues(local_queues, namespace):
    code = "LocalQueuePresent"
    if local_queues is None:
        return Check(code, "unknown", "warning", f"The LocalQueues of namespace {namespace} could not be read.",
                     "Reading LocalQueues needs `list localqueues.kueue.x-k8s.io` (granted by the view role).",
                     [f"LocalQueues in {namespace}: not read"])
    names = _queue_names(local_queues)
    if not names:
        return Check(code, "problem", "error",
                     f"Namespace {namespace} has no LocalQueue: pods labelled with a queue name stay gated.",
                     f"Create a LocalQueue in {namespace} pointing at a ClusterQueue whose namespaceSelector "
                     "admits this namespace.", [f"LocalQueues in {namespace}: none"])
    return Check(code, "ok", "info", f"Namespace {namespace} has LocalQueues: {', '.join(names)}.", None,
                 [f"LocalQueues in {namespace}: {', '.join(names)}"])


def _check_default_local_queue(local_queues, namespace, config):
    code = "DefaultLocalQueue"
    if local_queues is None:
        return Check(code, "unknown", "info",
                     f"Unknown whether namespace {namespace} has a LocalQueue named {DEFAULT_LOCAL_QUEUE}.", None, [])
    if DEFAULT_LOCAL_QUEUE not in _queue_names(local_queues):
        return Check(code, "ok", "info", f"No LocalQueue named {DEFAULT_LOCAL_QUEUE} in namespace {namespace}: "
                                         "only pods that ask for a queue are queued.", None,
                     [f"LocalQueues in {namespace}: {', '.join(_queue_names(local_queues)) or 'none'}"])
    evidence = [f"LocalQueue {namespace}/{DEFAULT_LOCAL_QUEUE} exists"]
    if config is not None and config.feature_gates.get("LocalQueueDefaulting") is False:
        return Check(code, "ok", "info", f"Namespace {namespace} has a LocalQueue named {DEFAULT_LOCAL_QUEUE}, but "
                                         "the LocalQueueDefaulting feature gate is off.", None,
                     evidence + ["featureGates.LocalQueueDefaulting: false"])
    return Check(code, "problem", "warning",
                 f"Namespace {namespace} has a LocalQueue named {DEFAULT_LOCAL_QUEUE}: Kueue labels every pod created "
                 f"there without a queue label with kueue.x-k8s.io/queue-name={DEFAULT_LOCAL_QUEUE} (LocalQueue "
                 "defaulting, on by default from v0.12), including Argo agent pods and other applications' pods "
                 "(kueue#9565).",
                 f"Rename the LocalQueue unless every pod in {namespace} should be queued; the label cannot be "
                 "removed from a pod while it exists.", evidence)


def _check_visibility(served_groups):
    if served_groups is None:
        return None
    versions = list(served_groups.get(VISIBILITY_GROUP) or [])
    if versions:
        return Check("VisibilityApi", "ok", "info", "The visibility API is served: queue positions are available.",
                     None, [f"API discovery: {VISIBILITY_GROUP} serves {', '.join(versions)}"])
    return Check("VisibilityApi", "problem", "info",
                 "The visibility API is not served: queue positions of waiting steps are unavailable.",
                 "Serve visibility.kueue.x-k8s.io (APIService v1beta1/v1beta2.visibility.kueue.x-k8s.io -> "
                 "kueue-visibility-server; feature gate VisibilityOnDemand, on from v0.9).",
                 [f"API discovery: no {VISIBILITY_GROUP} group"])


# ---- helpers ----------------------------------------------------------------------------------

def _pod_options(config):
    if config is None:
        return {}
    integrations = config.raw.get("integrations") if isinstance(config.raw, dict) else None
    pod_options = integrations.get("podOptions") if isinstance(integrations, dict) else None
    return pod_options if isinstance(pod_options, dict) else {}


def _selector_evidence(config):
    if config.managed_jobs_namespace_selector is None:
        return (f"managedJobsNamespaceSelector: unset (default: kubernetes.io/metadata.name NotIn "
                f"[kube-system, {config.namespace}])")
    return f"managedJobsNamespaceSelector: {_selector_text(config.managed_jobs_namespace_selector)}"


def _selector_text(selector):
    parts = [f"{key}={value}" for key, value in sorted((selector.get("matchLabels") or {}).items())]
    for expression in selector.get("matchExpressions") or []:
        if isinstance(expression, dict):
            values = ",".join(str(value) for value in expression.get("values") or [])
            parts.append(f"{expression.get('key')} {expression.get('operator')}" + (f" [{values}]" if values else ""))
    return "; ".join(parts) or "{} (every namespace)"


def _labels_text(labels):
    return ", ".join(f"{key}={value}" for key, value in sorted(labels.items())) or "none"


def _queue_names(local_queues):
    return sorted({(lq.get("metadata") or {}).get("name") for lq in local_queues if isinstance(lq, dict)} - {None})


def _sentence(text):
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."
