"""Is Kueue set up for Argo in a namespace? (interpret/diagnose/setup_check.py) and its rendering (render/setup.py)."""
import ast
import json
import re
from pathlib import Path

import pytest

from kubectl_kueue_argo.interpret.diagnose import setup_check
from kubectl_kueue_argo.interpret.kueue.config import manager_config_from_dict
from kubectl_kueue_argo.interpret.diagnose.setup_check import ConfigUnread, check_setup, kueue_era
from kubectl_kueue_argo.model import Finding
from kubectl_kueue_argo.render.setup import GUIDE, guide_document, render_setup_text, setup_document
from kubectl_kueue_argo.render.structured import dump

NS = "ml-team"
NS_LABELS = {"kubernetes.io/metadata.name": NS}
SERVED = {"kueue.x-k8s.io": ["v1beta2", "v1beta1"], "visibility.kueue.x-k8s.io": ["v1beta2", "v1beta1"],
          "argoproj.io": ["v1alpha1"]}


def config(api="config.kueue.x-k8s.io/v1beta2", frameworks=("batch/job", "pod"), **fields):
    document = {"apiVersion": api, "kind": "Configuration", **fields}
    integrations = document.setdefault("integrations", {})
    integrations.setdefault("frameworks", list(frameworks))
    return manager_config_from_dict(document)


def local_queue(name, namespace=NS):
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue",
            "metadata": {"name": name, "namespace": namespace}, "spec": {"clusterQueue": "team-cq"}}


def run(cfg=None, *, hint=">= v0.16", labels=NS_LABELS, queues=(local_queue("team"),), served=SERVED,
        config_unread=None):
    return check_setup(cfg, kueue_version_hint=hint, namespace=NS, namespace_labels=labels,
                       local_queues=None if queues is None else list(queues), served_groups=served,
                       config_unread=config_unread)


def checks(report):
    return {check.code: check for check in report.checks}


def status_of(report, code):
    check = checks(report)[code]
    return check.status, check.severity


def test_a_well_configured_namespace_passes_every_check():
    report = run(config())
    assert not report.has_errors
    assert {check.status for check in report.checks} == {"ok"}
    assert list(checks(report)) == ["KueueInstalled", "PodIntegration", "NamespaceManaged", "QueueNameRequired",
                                    "LocalQueuePresent", "DefaultLocalQueue", "VisibilityApi"]
    assert report.version_hint == ">= v0.16"
    for check in report.checks:
        assert check.status in setup_check.STATUSES and check.severity in ("info", "warning", "error")


@pytest.mark.parametrize("frameworks, message", [
    (("batch/job",), "is off"),
    (("batch/job", "deployment", "statefulset"), "only implicitly"),
])
def test_pod_integration_missing_is_an_error(frameworks, message):
    report = run(config(frameworks=frameworks))
    check = checks(report)["PodIntegration"]
    assert (check.status, check.severity) == ("problem", "error")
    assert message in check.message
    assert '"pod"' in check.remedy and "integrations.frameworks" in check.evidence[0]
    assert report.has_errors


def test_pod_integration_remedy_follows_the_shipped_default_of_the_version():
    assert "enables it from v0.16" in checks(run(config(frameworks=("batch/job",))))["PodIntegration"].remedy
    old = run(config(frameworks=("batch/job",)), hint="v0.9 - v0.14")
    assert "commented out through v0.15" in checks(old)["PodIntegration"].remedy


def test_namespace_outside_managed_jobs_namespace_selector_is_an_error():
    cfg = config(managedJobsNamespaceSelector={"matchLabels": {"kueue": "on"}})
    report = run(cfg)
    check = checks(report)["NamespaceManaged"]
    assert (check.status, check.severity) == ("problem", "error")
    assert "kueue=on" in " ".join(check.evidence)
    assert report.has_errors
    assert status_of(run(cfg, labels={**NS_LABELS, "kueue": "on"}), "NamespaceManaged") == ("ok", "info")


def test_namespace_check_is_judged_even_when_pod_integration_is_off():
    cfg = config(frameworks=("batch/job",), managedJobsNamespaceSelector={"matchLabels": {"kueue": "on"}})
    assert status_of(run(cfg), "NamespaceManaged") == ("problem", "error")


def test_unknown_namespace_labels_with_a_label_selector_is_unknown_not_a_problem():
    report = run(config(managedJobsNamespaceSelector={"matchLabels": {"kueue": "on"}}), labels=None)
    assert checks(report)["NamespaceManaged"].status == "unknown"
    assert not report.has_errors


POD_OPTIONS = {"frameworks": ["batch/job", "pod"], "podOptions": {"namespaceSelector": {
    "matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": [NS]}]}}}


@pytest.mark.parametrize("hint, namespace_status, pod_options_status", [
    ("v0.9 - v0.14", ("problem", "error"), ("ok", "info")),          # still read: it excludes the namespace
    (">= v0.16", ("ok", "info"), ("problem", "warning")),             # ignored: kueue#9565 after an upgrade
    (None, ("unknown", "warning"), ("unknown", "info")),
])
def test_pod_options_matter_only_up_to_v0_14(hint, namespace_status, pod_options_status):
    cfg = config(api="config.kueue.x-k8s.io/v1beta1", integrations=POD_OPTIONS)
    report = run(cfg, hint=hint)
    assert status_of(report, "NamespaceManaged") == namespace_status
    assert status_of(report, "PodOptionsIgnored") == pod_options_status


def test_a_v1beta2_configuration_proves_v0_15_without_discovery():
    report = run(config(integrations={"frameworks": ["pod"], "podOptions": POD_OPTIONS["podOptions"]}),
                 hint=None, served=None)
    assert report.version_hint == ">= v0.15"
    assert status_of(report, "PodOptionsIgnored") == ("problem", "warning")
    assert kueue_era(None, config()) == "current"
    assert kueue_era("v0.6 - v0.8") == "legacy"
    assert kueue_era(None) is None


def test_default_local_queue_is_a_warning_unless_defaulting_is_off():
    report = run(config(), queues=[local_queue("default")])
    check = checks(report)["DefaultLocalQueue"]
    assert (check.status, check.severity) == ("problem", "warning")
    assert "kueue#9565" in check.message
    assert not report.has_errors
    gate_off = run(config(featureGates={"LocalQueueDefaulting": False}), queues=[local_queue("default")])
    assert status_of(gate_off, "DefaultLocalQueue") == ("ok", "info")


def test_local_queues_missing_or_unreadable():
    empty = run(config(), queues=[])
    assert status_of(empty, "LocalQueuePresent") == ("problem", "error")
    assert empty.has_errors
    unreadable = run(config(), queues=None)
    assert checks(unreadable)["LocalQueuePresent"].status == "unknown"
    assert checks(unreadable)["DefaultLocalQueue"].status == "unknown"
    assert not unreadable.has_errors


def test_an_unread_manager_config_is_one_check_that_says_why_once():
    forbidden = run(None, config_unread=ConfigUnread("forbidden"))
    codes = list(checks(forbidden))
    assert "ManagerConfig" in codes
    assert not {"PodIntegration", "NamespaceManaged", "QueueNameRequired"} & set(codes)
    assert status_of(forbidden, "ManagerConfig") == ("unknown", "info")
    assert "get configmaps" in checks(forbidden)["ManagerConfig"].remedy
    assert sum("get configmaps" in (check.remedy or "") for check in forbidden.checks) == 1
    assert not forbidden.has_errors
    missing = checks(run(None, config_unread=ConfigUnread("not-found")))["ManagerConfig"]
    assert (missing.status, missing.severity) == ("unknown", "warning")
    assert "not found" in missing.message and "permission" not in missing.message + missing.remedy


def test_kueue_not_installed_stops_the_checks():
    report = run(None, hint=None, queues=None, served={"argoproj.io": ["v1alpha1"]})
    assert [check.code for check in report.checks] == ["KueueInstalled"]
    assert status_of(report, "KueueInstalled") == ("problem", "error")
    assert report.has_errors


def test_visibility_not_served_is_informational():
    report = run(config(), served={"kueue.x-k8s.io": ["v1beta1"]}, hint="<= v0.14")
    assert status_of(report, "VisibilityApi") == ("problem", "info")
    assert not report.has_errors


def test_no_discovery_means_no_installed_or_visibility_check():
    codes = set(checks(run(config(), served=None)))
    assert "KueueInstalled" not in codes and "VisibilityApi" not in codes


def test_manage_jobs_without_queue_name_and_argo_external_framework_are_warnings():
    cfg = config(manageJobsWithoutQueueName=True,
                 integrations={"frameworks": ["pod"], "externalFrameworks": ["Workflow.v1alpha1.argoproj.io"]})
    report = run(cfg)
    assert status_of(report, "QueueNameRequired") == ("problem", "warning")
    assert status_of(report, "ArgoExternalFramework") == ("problem", "warning")
    assert not report.has_errors
    assert "ArgoExternalFramework" not in checks(run(config()))


def test_setup_check_is_pure():
    tree = ast.parse(Path(setup_check.__file__).read_text())
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not any(name.startswith(("kubernetes", "kubectl_kueue_argo.sources", "click")) for name in imported)


# ---- rendering ---------------------------------------------------------------------------------

def test_guide_applies_pod_options_only_to_old_versions():
    def applies(hint):
        return {entry["id"]: entry["appliesToThisVersion"] for entry in guide_document(hint)}["pod-options"]
    assert applies("v0.9 - v0.14") is True
    assert applies(">= v0.16") is False
    assert applies(None) is None


def test_guide_covers_the_setup_topics():
    ids = [step.id for step in GUIDE]
    assert ids == ["pod-framework", "namespace-selector", "pod-options", "queue-name-required",
                   "default-local-queue", "queue-label", "visibility-api", "rbac"]
    text = " ".join(step.text + step.versions for step in GUIDE)
    for needle in ("kueue#9565", "spec.podMetadata.labels", "templates[].metadata.labels", "v0.16", "v0.15",
                   "kueue-batch-user-role", "visibility.kueue.x-k8s.io"):
        assert needle in text


def test_document_shape_with_and_without_a_report():
    report = run(config(frameworks=("batch/job",)))
    document = setup_document(report, [Finding("KueueConfigUnreadable", "info", "Could not read it")])
    assert set(document) == {"kueueVersion", "namespace", "checks", "notes", "guide"}
    assert document["kueueVersion"] == ">= v0.16" and document["namespace"] == NS
    assert {"code", "status", "severity", "message", "remedy", "evidence"} == set(document["checks"][0])
    assert document["notes"] == [{"code": "KueueConfigUnreadable", "message": "Could not read it"}]
    assert json.loads(dump(document, "json")) == document
    bare = setup_document(None, [])
    assert bare["checks"] == [] and bare["kueueVersion"] is None and len(bare["guide"]) == len(GUIDE)


def test_text_shows_problems_with_fix_and_evidence_and_escapes_cluster_text():
    report = check_setup(config(frameworks=("batch/job",)), kueue_version_hint="v0.15", namespace="evil\x1b[31m",
                         namespace_labels={}, local_queues=[], served_groups=SERVED)
    text = render_setup_text(report, [Finding("X", "info", "note \x1b]0;title\x07")], source="from the cluster")
    assert "\x1b" not in text
    assert "Kueue v0.15 (from the cluster)" in text
    assert re.search(r"PROBLEM\s+PodIntegration", text)
    assert "Fix: Add \"pod\"" in text and "Evidence: integrations.frameworks" in text
    assert "Note: note ^[]0;title" in text
    assert "How to set up Kueue for Argo Workflows (Kueue v0.15):" in text


def test_text_without_a_report_is_the_generic_guide():
    text = render_setup_text(None, [Finding("NoCluster", "info", "No cluster was checked (no kubeconfig).")])
    assert text.startswith("Note: No cluster was checked")
    assert "How to set up Kueue for Argo Workflows (any Kueue version):" in text
    assert "PROBLEM" not in text and "values: [NAMESPACE]" in text
