"""Kueue manager Configuration, label selectors and version hints (pure: dicts in, values out).

Facts: reference/facts/kueue.md §1.2 (pod selection), §8 (Configuration, version fingerprint).
"""
from dataclasses import dataclass, field
from typing import Optional

import yaml

from kubectl_kueue_argo import yamlio
from kubectl_kueue_argo.interpret.dicts import mapping as _mapping

CONFIG_DATA_KEY = "controller_manager_config.yaml"
DEFAULT_KUEUE_NAMESPACE = "kueue-system"
DEFAULT_FRAMEWORKS = ("batch/job",)          # what Kueue enables when integrations.frameworks is empty
NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name"
# Listing one of these enables `pod` only for their own pods (v0.15+), not for Argo's.
IMPLICIT_POD_FRAMEWORKS = ("deployment", "statefulset", "leaderworkerset.x-k8s.io/leaderworkerset")


@dataclass
class ManagerConfig:
    api_version: Optional[str] = None
    namespace: str = DEFAULT_KUEUE_NAMESPACE
    frameworks: list = field(default_factory=lambda: list(DEFAULT_FRAMEWORKS))
    pod_integration: bool = False
    pod_implicit: bool = False
    manage_jobs_without_queue_name: bool = False
    managed_jobs_namespace_selector: Optional[dict] = None
    pod_options_namespace_selector: Optional[dict] = None   # v1beta1 podOptions; read by Kueue <= v0.14 only
    feature_gates: dict = field(default_factory=dict)
    external_frameworks: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)


def parse_manager_config(configmap):
    """ManagerConfig from the kueue-manager-config ConfigMap (or an already parsed Configuration)."""
    if not isinstance(configmap, dict):
        raise ValueError(f"Kueue manager config: expected a ConfigMap object, got {type(configmap).__name__}")
    if "data" not in configmap and ("integrations" in configmap or configmap.get("kind") == "Configuration"):
        return manager_config_from_dict(configmap)
    key, text = _config_text(configmap)
    if text and not isinstance(text, str):
        raise ValueError(f"Kueue manager config: data[{key!r}] is not text")
    try:
        document = yamlio.safe_load(text) if text else {}
    except yaml.YAMLError as error:
        raise ValueError(f"Kueue manager config: data[{key!r}] is not valid YAML: {error}") from None
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ValueError(f"Kueue manager config: data[{key!r}] is not a YAML mapping")
    return manager_config_from_dict(document)


def _config_text(configmap):
    data = configmap.get("data") or {}
    if not isinstance(data, dict):
        raise ValueError("Kueue manager config: ConfigMap .data is not a mapping")
    if CONFIG_DATA_KEY in data:
        return CONFIG_DATA_KEY, data[CONFIG_DATA_KEY]
    if len(data) == 1:       # Helm or a custom install may use another key name
        return next(iter(data.items()))
    raise ValueError(f"Kueue manager config: ConfigMap has no data[{CONFIG_DATA_KEY!r}] "
                     f"(keys: {sorted(data) or 'none'})")


def manager_config_from_dict(document):
    integrations = _mapping(document.get("integrations"))
    frameworks = [str(name) for name in (integrations.get("frameworks") or DEFAULT_FRAMEWORKS)]
    pod_listed = "pod" in frameworks
    return ManagerConfig(
        api_version=document.get("apiVersion"),
        namespace=document.get("namespace") or DEFAULT_KUEUE_NAMESPACE,
        frameworks=frameworks,
        pod_integration=pod_listed,
        pod_implicit=not pod_listed and any(name in frameworks for name in IMPLICIT_POD_FRAMEWORKS),
        manage_jobs_without_queue_name=document.get("manageJobsWithoutQueueName") is True,
        managed_jobs_namespace_selector=_mapping_or_none(document.get("managedJobsNamespaceSelector")),
        pod_options_namespace_selector=_mapping_or_none(
            _mapping(integrations.get("podOptions")).get("namespaceSelector")),
        feature_gates=dict(_mapping(document.get("featureGates"))),
        external_frameworks=list(integrations.get("externalFrameworks") or []),
        raw=document,
    )


def default_namespace_selector(kueue_namespace=DEFAULT_KUEUE_NAMESPACE):
    """managedJobsNamespaceSelector Kueue applies when the field is unset (v0.10+)."""
    return {"matchExpressions": [{"key": NAMESPACE_NAME_LABEL, "operator": "NotIn",
                                  "values": ["kube-system", kueue_namespace]}]}


# ---- label selectors -------------------------------------------------------------------------

def label_selector_matches(selector, labels):
    """Kubernetes LabelSelector semantics: None matches nothing, {} matches everything."""
    if not isinstance(selector, dict):
        return False
    labels = labels if isinstance(labels, dict) else {}
    match_labels = selector.get("matchLabels") or {}
    if not isinstance(match_labels, dict):
        return False
    if any(labels.get(key) != value for key, value in match_labels.items()):
        return False
    return all(_expression_matches(expression, labels) for expression in selector.get("matchExpressions") or [])


def _expression_matches(expression, labels):
    if not isinstance(expression, dict):
        return False
    key, operator = expression.get("key"), expression.get("operator")
    values = expression.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False     # unknown operator: the API server would reject the selector


def selector_keys(selector):
    if not isinstance(selector, dict):
        return set()
    keys = set((selector.get("matchLabels") or {}).keys())
    keys.update(e.get("key") for e in selector.get("matchExpressions") or [] if isinstance(e, dict))
    return keys


# ---- is the pod integration on for a namespace? -------------------------------------------------

def namespace_management(config, namespace, namespace_labels=None):
    """(managed?, reason code, explanation) for plain pods created in `namespace`.

    managed is None when the answer depends on facts we do not have (namespace labels, Kueue version).
    """
    if not config.pod_integration:
        return _pod_integration_off(config)
    labels_known = isinstance(namespace_labels, dict)
    labels = namespace_labels if labels_known else {NAMESPACE_NAME_LABEL: namespace}
    selector = config.managed_jobs_namespace_selector
    selector_text = "managedJobsNamespaceSelector"
    if selector is None:
        selector = default_namespace_selector(config.namespace)
        selector_text = f"the default managedJobsNamespaceSelector (NotIn kube-system, {config.namespace})"
    guessed = not labels_known and bool(selector_keys(selector) - {NAMESPACE_NAME_LABEL})
    if not label_selector_matches(selector, labels):
        if guessed:
            return (None, "NamespaceLabelsUnknown",
                    f"{selector_text} uses labels other than {NAMESPACE_NAME_LABEL} and the labels of namespace "
                    f"{namespace} could not be read; with only its name label it would not match")
        return (False, "NamespaceExcluded",
                f"namespace {namespace} does not match {selector_text}: Kueue leaves its pods alone, "
                "even those with a queue-name label")
    if not label_selector_matches(config.pod_options_namespace_selector or {}, labels):
        return (None, "PodOptionsNamespaceExcluded",
                f"namespace {namespace} does not match integrations.podOptions.namespaceSelector: excluded on "
                "Kueue <= v0.14, which still reads podOptions; managed on v0.15+")
    note = ""
    if guessed:
        note = (f" (assumed: namespace labels unknown, only {NAMESPACE_NAME_LABEL}={namespace} was checked "
                f"against a selector using other keys)")
    return True, None, f"pods in namespace {namespace} are managed by Kueue's pod integration{note}"


def _pod_integration_off(config):
    listed = ", ".join(config.frameworks) or "none"
    if config.pod_implicit:
        return (False, "PodIntegrationImplicit",
                "the pod integration is enabled only implicitly (through deployment/statefulset/"
                f"leaderworkerset; frameworks: {listed}): Kueue reconciles only those owners' pods, "
                'so plain Argo pods may be gated but never admitted; add "pod" to integrations.frameworks')
    return (False, "PodIntegrationDisabled",
            f'integrations.frameworks does not list "pod" (frameworks: {listed}): Kueue ignores plain pods')


# ---- version fingerprint from API discovery (facts §8) -----------------------------------------

def kueue_version_hint(served_groups, workload_short_names=None):
    """Rough Kueue version range from the served API group versions.

    served_groups: {"kueue.x-k8s.io": ["v1beta2", "v1beta1"], "visibility.kueue.x-k8s.io": [...]}
    (a list of "group/version" strings is accepted too).
    """
    served = _served_versions(served_groups)
    kueue = served.get("kueue.x-k8s.io", set())
    visibility = served.get("visibility.kueue.x-k8s.io", set())
    short_names = set(workload_short_names or ())
    if not kueue:
        return "not installed"
    if "v1beta2" in kueue or "v1beta2" in visibility:
        if "kwl" in short_names:
            return ">= v0.16"
        return "v0.15" if "wl" in short_names else ">= v0.15"
    if "v1beta1" in visibility:
        return "v0.9 - v0.14"
    if "v1alpha1" in visibility:
        return "v0.6 - v0.8"
    return "<= v0.14"


def _served_versions(served_groups):
    result = {}
    items = served_groups.items() if isinstance(served_groups, dict) else ((g, True) for g in served_groups or ())
    for group, versions in items:
        group = str(group)
        if "/" in group:                      # "group/version" form
            group, version = group.rsplit("/", 1)
            if versions:
                result.setdefault(group, set()).add(version)
            continue
        if isinstance(versions, str):
            versions = [versions]
        result.setdefault(group, set()).update(str(v) for v in versions or ())
    return result


def _mapping_or_none(value):
    return value if isinstance(value, dict) else None
