"""Kueue manager configuration, label selectors, namespace management, version hints (interpret/kueue/config.py)."""
import pytest
import yaml

from kubectl_kueue_argo.interpret.kueue.config import (
    ManagerConfig, kueue_version_hint, label_selector_matches, namespace_management, parse_manager_config,
)

FRAMEWORKS_V016 = ["batch/job", "kubeflow.org/mpijob", "ray.io/rayjob", "jobset.x-k8s.io/jobset", "pod",
                   "deployment", "statefulset", "leaderworkerset.x-k8s.io/leaderworkerset"]


def configmap(document, key="controller_manager_config.yaml"):
    text = document if isinstance(document, str) else yaml.safe_dump(document)
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kueue-manager-config", "namespace": "kueue-system"}, "data": {key: text}}


def configuration(api="config.kueue.x-k8s.io/v1beta2", **fields):
    return {"apiVersion": api, "kind": "Configuration", **fields}


V1BETA1_POD_OPTIONS = configuration(
    api="config.kueue.x-k8s.io/v1beta1", namespace="kueue-custom",
    integrations={"frameworks": ["batch/job", "pod"], "externalFrameworks": ["Workflow.v1alpha1.argoproj.io"],
                  "podOptions": {"namespaceSelector": {"matchExpressions": [
                      {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system", "legacy"]}]},
                      "podSelector": {}}},
    manageJobsWithoutQueueName=True, featureGates={"TopologyAwareScheduling": False})

PARSE_CASES = [
    ("shipped-v0.16", configmap(configuration(integrations={"frameworks": FRAMEWORKS_V016})),
     dict(pod_integration=True, pod_implicit=False, namespace="kueue-system", manage_jobs_without_queue_name=False,
          api_version="config.kueue.x-k8s.io/v1beta2")),
    ("pod-commented-out-v0.15", configmap(configuration(integrations={"frameworks": ["batch/job", "deployment"]})),
     dict(pod_integration=False, pod_implicit=True)),
    ("defaults-when-empty", configmap(configuration()),
     dict(frameworks=["batch/job"], pod_integration=False, pod_implicit=False, managed_jobs_namespace_selector=None)),
    ("v1beta1-pod-options", configmap(V1BETA1_POD_OPTIONS),
     dict(api_version="config.kueue.x-k8s.io/v1beta1", namespace="kueue-custom", pod_integration=True,
          manage_jobs_without_queue_name=True, external_frameworks=["Workflow.v1alpha1.argoproj.io"],
          feature_gates={"TopologyAwareScheduling": False},
          pod_options_namespace_selector=V1BETA1_POD_OPTIONS["integrations"]["podOptions"]["namespaceSelector"])),
    ("helm-other-single-key", configmap(configuration(integrations={"frameworks": ["pod"]}), key="config.yaml"),
     dict(pod_integration=True)),
    ("selector", configmap(configuration(managedJobsNamespaceSelector={"matchLabels": {"kueue": "on"}})),
     dict(managed_jobs_namespace_selector={"matchLabels": {"kueue": "on"}})),
    ("already-parsed-configuration", configuration(integrations={"frameworks": ["pod"]}), dict(pod_integration=True)),
    ("empty-document", configmap(""), dict(frameworks=["batch/job"])),
]


@pytest.mark.parametrize("source,expected", [c[1:] for c in PARSE_CASES], ids=[c[0] for c in PARSE_CASES])
def test_parse_manager_config(source, expected):
    config = parse_manager_config(source)
    assert {name: getattr(config, name) for name in expected} == expected


def test_parse_keeps_raw_document():
    assert parse_manager_config(configmap(configuration(foo=1))).raw["foo"] == 1


@pytest.mark.parametrize("source,fragment", [
    (configmap("integrations: [unclosed"), "not valid YAML"),
    (configmap("- a\n- b\n"), "not a YAML mapping"),
    ({"data": {"a": "x: 1", "b": "y: 2"}}, "has no data"),
    ({"data": {}}, "has no data"),
    ({"data": "text"}, "not a mapping"),
    ("not a dict", "expected a ConfigMap"),
])
def test_parse_manager_config_errors(source, fragment):
    with pytest.raises(ValueError, match=fragment):
        parse_manager_config(source)


NS_LABELS = {"kubernetes.io/metadata.name": "ml-team", "team": "ml", "tier": "gold"}
SELECTOR_CASES = [
    ("empty-matches-all", {}, NS_LABELS, True),
    ("none-matches-nothing", None, NS_LABELS, False),
    ("match-labels", {"matchLabels": {"team": "ml"}}, NS_LABELS, True),
    ("match-labels-miss", {"matchLabels": {"team": "web"}}, NS_LABELS, False),
    ("in", {"matchExpressions": [{"key": "tier", "operator": "In", "values": ["gold", "silver"]}]}, NS_LABELS, True),
    ("in-missing-key", {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, NS_LABELS, False),
    ("notin", {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                                     "values": ["kube-system", "kueue-system"]}]}, NS_LABELS, True),
    ("notin-excluded", {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                                              "values": ["ml-team"]}]}, NS_LABELS, False),
    ("notin-missing-key", {"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, {}, True),
    ("exists", {"matchExpressions": [{"key": "team", "operator": "Exists"}]}, NS_LABELS, True),
    ("does-not-exist", {"matchExpressions": [{"key": "team", "operator": "DoesNotExist"}]}, NS_LABELS, False),
    ("labels-and-expressions", {"matchLabels": {"team": "ml"},
                                "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["gold"]}]},
     NS_LABELS, False),
    ("unknown-operator", {"matchExpressions": [{"key": "team", "operator": "Gt", "values": ["1"]}]}, NS_LABELS, False),
    ("labels-none", {"matchExpressions": [{"key": "team", "operator": "DoesNotExist"}]}, None, True),
]


@pytest.mark.parametrize("selector,labels,expected", [c[1:] for c in SELECTOR_CASES],
                         ids=[c[0] for c in SELECTOR_CASES])
def test_label_selector_matches(selector, labels, expected):
    assert label_selector_matches(selector, labels) is expected


def config(**fields):
    base = dict(frameworks=["batch/job", "pod"], pod_integration=True)
    base.update(fields)
    return ManagerConfig(**base)


TEAM_SELECTOR = {"matchLabels": {"kueue": "on"}}
NAMESPACE_CASES = [
    ("default-selector-managed", config(), "ml-team", None, True, None),
    ("default-selector-kube-system", config(), "kube-system", None, False, "NamespaceExcluded"),
    ("default-selector-kueue-ns", config(), "kueue-system", None, False, "NamespaceExcluded"),
    ("default-selector-custom-kueue-ns", config(namespace="kueue"), "kueue", None, False, "NamespaceExcluded"),
    ("pod-disabled", config(frameworks=["batch/job"], pod_integration=False), "ml-team", None, False,
     "PodIntegrationDisabled"),
    ("pod-implicit", config(frameworks=["deployment"], pod_integration=False, pod_implicit=True), "ml-team", None,
     False, "PodIntegrationImplicit"),
    ("custom-selector-match", config(managed_jobs_namespace_selector=TEAM_SELECTOR), "ml-team",
     {"kubernetes.io/metadata.name": "ml-team", "kueue": "on"}, True, None),
    ("custom-selector-miss", config(managed_jobs_namespace_selector=TEAM_SELECTOR), "ml-team",
     {"kubernetes.io/metadata.name": "ml-team"}, False, "NamespaceExcluded"),
    ("custom-selector-labels-unknown", config(managed_jobs_namespace_selector=TEAM_SELECTOR), "ml-team", None,
     None, "NamespaceLabelsUnknown"),
    ("pod-options-exclude-old-versions", config(pod_options_namespace_selector={"matchExpressions": [
        {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["ml-team"]}]}), "ml-team", None,
     None, "PodOptionsNamespaceExcluded"),
]


@pytest.mark.parametrize("cfg,namespace,labels,managed,reason", [c[1:] for c in NAMESPACE_CASES],
                         ids=[c[0] for c in NAMESPACE_CASES])
def test_namespace_management(cfg, namespace, labels, managed, reason):
    result = namespace_management(cfg, namespace, labels)
    assert result[:2] == (managed, reason)
    assert isinstance(result[2], str) and result[2]


def test_namespace_management_says_when_labels_were_assumed():
    selector = {"matchExpressions": [{"key": "team", "operator": "DoesNotExist"}]}
    managed, _, explanation = namespace_management(config(managed_jobs_namespace_selector=selector), "ml-team", None)
    assert managed is True and "assumed" in explanation


def test_namespace_management_from_reference_shipped_config():
    cfg = parse_manager_config(configmap(configuration(integrations={"frameworks": FRAMEWORKS_V016})))
    assert namespace_management(cfg, "ml-team", {"kubernetes.io/metadata.name": "ml-team"})[0] is True


VERSION_CASES = [
    ("v0.16+", {"kueue.x-k8s.io": ["v1beta2", "v1beta1"], "visibility.kueue.x-k8s.io": ["v1beta2", "v1beta1"]},
     None, ">= v0.15"),
    ("v0.16+-short-name", {"kueue.x-k8s.io": ["v1beta2", "v1beta1"]}, ["kwl"], ">= v0.16"),
    ("v0.15-short-name", {"kueue.x-k8s.io": ["v1beta2", "v1beta1"]}, ["wl"], "v0.15"),
    ("v0.9-v0.14", {"kueue.x-k8s.io": ["v1beta1"], "visibility.kueue.x-k8s.io": ["v1beta1"]}, None, "v0.9 - v0.14"),
    ("v0.6-v0.8", {"kueue.x-k8s.io": ["v1beta1"], "visibility.kueue.x-k8s.io": ["v1alpha1"]}, None, "v0.6 - v0.8"),
    ("no-visibility", {"kueue.x-k8s.io": "v1beta1"}, None, "<= v0.14"),
    ("group-version-list", ["kueue.x-k8s.io/v1beta2", "visibility.kueue.x-k8s.io/v1beta2"], None, ">= v0.15"),
    ("not-installed", {"batch": ["v1"]}, None, "not installed"),
    ("nothing", {}, None, "not installed"),
]


@pytest.mark.parametrize("served,short_names,expected", [c[1:] for c in VERSION_CASES],
                         ids=[c[0] for c in VERSION_CASES])
def test_kueue_version_hint(served, short_names, expected):
    assert kueue_version_hint(served, short_names) == expected


def test_reexported_from_kueue_module():
    from kubectl_kueue_argo.interpret.kueue import workloads as kueue
    assert kueue.parse_manager_config is parse_manager_config and kueue.label_selector_matches is label_selector_matches


def test_a_configuration_is_recognised_by_integrations_or_by_kind():
    assert parse_manager_config({"integrations": {"frameworks": ["pod"]}}).pod_integration is True
    assert parse_manager_config({"kind": "Configuration", "namespace": "kq"}).namespace == "kq"
    with pytest.raises(ValueError, match="has no data"):
        parse_manager_config({"kind": "ConfigMap", "metadata": {"name": "x"}})


EXPLANATIONS = [
    (config(), "ml-team", None, (True, None, "pods in namespace ml-team are managed by Kueue's pod integration")),
    (config(namespace="kq"), "kq", None, (
        False, "NamespaceExcluded", "namespace kq does not match the default managedJobsNamespaceSelector (NotIn "
        "kube-system, kq): Kueue leaves its pods alone, even those with a queue-name label")),
    (config(managed_jobs_namespace_selector=TEAM_SELECTOR), "ml-team", {"kueue": "off"}, (
        False, "NamespaceExcluded", "namespace ml-team does not match managedJobsNamespaceSelector: Kueue leaves its "
        "pods alone, even those with a queue-name label")),
    (config(managed_jobs_namespace_selector=TEAM_SELECTOR), "ml-team", None, (
        None, "NamespaceLabelsUnknown", "managedJobsNamespaceSelector uses labels other than "
        "kubernetes.io/metadata.name and the labels of namespace ml-team could not be read; with only its name label "
        "it would not match")),
    (config(managed_jobs_namespace_selector={"matchExpressions": [{"key": "team", "operator": "DoesNotExist"}]}),
     "ml-team", None, (True, None, "pods in namespace ml-team are managed by Kueue's pod integration (assumed: "
                                   "namespace labels unknown, only kubernetes.io/metadata.name=ml-team was checked "
                                   "against a selector using other keys)")),
    (config(pod_options_namespace_selector={"matchLabels": {"x": "y"}}), "ml-team", {}, (
        None, "PodOptionsNamespaceExcluded", "namespace ml-team does not match integrations.podOptions."
        "namespaceSelector: excluded on Kueue <= v0.14, which still reads podOptions; managed on v0.15+")),
    (config(frameworks=[], pod_integration=False), "ml-team", None, (
        False, "PodIntegrationDisabled", 'integrations.frameworks does not list "pod" (frameworks: none): Kueue '
        'ignores plain pods')),
    (config(frameworks=["batch/job", "deployment"], pod_integration=False, pod_implicit=True), "ml-team", None, (
        False, "PodIntegrationImplicit", "the pod integration is enabled only implicitly (through deployment/"
        "statefulset/leaderworkerset; frameworks: batch/job, deployment): Kueue reconciles only those owners' pods, "
        'so plain Argo pods may be gated but never admitted; add "pod" to integrations.frameworks')),
]


@pytest.mark.parametrize("cfg, namespace, labels, expected", EXPLANATIONS,
                         ids=["managed", "kueue-namespace", "selector-miss", "labels-unknown", "assumed",
                              "pod-options", "no-frameworks", "implicit"])
def test_namespace_management_explanations(cfg, namespace, labels, expected):
    assert namespace_management(cfg, namespace, labels) == expected


def test_implicit_pod_frameworks_only_without_pod():
    parsed = parse_manager_config({"integrations": {"frameworks": ["pod", "statefulset"]}})
    assert (parsed.pod_integration, parsed.pod_implicit) == (True, False)
    parsed = parse_manager_config({"integrations": {"frameworks": ["leaderworkerset.x-k8s.io/leaderworkerset"]}})
    assert (parsed.pod_integration, parsed.pod_implicit) == (False, True)
    parsed = parse_manager_config({"integrations": {"frameworks": ["batch/job"]}, "manageJobsWithoutQueueName": "yes"})
    assert (parsed.pod_implicit, parsed.manage_jobs_without_queue_name) == (False, False)


def test_selector_keys_and_default_selector():
    from kubectl_kueue_argo.interpret.kueue.config import default_namespace_selector, selector_keys
    assert selector_keys({"matchLabels": {"a": "1"}, "matchExpressions": [{"key": "b"}, "junk"]}) == {"a", "b"}
    assert selector_keys(None) == set() and selector_keys({}) == set()
    assert default_namespace_selector("kq") == {"matchExpressions": [
        {"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ["kube-system", "kq"]}]}


@pytest.mark.parametrize("selector", [{"matchLabels": ["team"]}, {"matchExpressions": ["junk"]}])
def test_malformed_selectors_match_nothing(selector):
    assert label_selector_matches(selector, {"team": "ml"}) is False


def test_version_hint_from_group_version_strings_without_versions():
    assert kueue_version_hint({"kueue.x-k8s.io/v1beta1": False}) == "not installed"
    assert kueue_version_hint({"kueue.x-k8s.io": None}) == "not installed"
    assert kueue_version_hint(None) == "not installed"


def test_a_document_with_data_is_a_configmap_and_its_keys_are_named_when_none_fits():
    wrapped = {"kind": "Configuration", "data": {"controller_manager_config.yaml": "namespace: from-data\n"}}
    assert parse_manager_config(wrapped).namespace == "from-data"
    with pytest.raises(ValueError) as none:
        parse_manager_config({"data": {}})
    assert str(none.value) == "Kueue manager config: ConfigMap has no data['controller_manager_config.yaml'] (keys: none)"
    with pytest.raises(ValueError) as two:
        parse_manager_config({"data": {"b": "", "a": ""}})
    assert str(two.value) == ("Kueue manager config: ConfigMap has no data['controller_manager_config.yaml'] "
                              "(keys: ['a', 'b'])")
