"""`explain setup` checks as whole values (code, status, severity, message, remedy, evidence) where one
fact changes the wording: unread configurations, empty lists, unset selectors, unknown versions."""
from dataclasses import replace

from kubectl_kueue_argo.interpret.diagnose.setup_check import ConfigUnread
from tests.unit.test_setup_check import NS, checks, config, run

SKIPPED = "so the pod integration, namespace and queue-name checks are skipped"


def check_of(report, code):
    return checks(report)[code].as_dict()


def test_kueue_installed_without_a_version_hint():
    report = run(config(api="config.kueue.x-k8s.io/v1beta1"), hint=None)
    assert check_of(report, "KueueInstalled") == {
        "code": "KueueInstalled", "status": "ok", "severity": "info", "message": "Kueue is installed (version unknown).",
        "remedy": None, "evidence": ["API discovery: kueue.x-k8s.io serves v1beta2, v1beta1"]}


def test_a_configuration_missing_from_the_files_or_unreadable_for_another_reason():
    assert check_of(run(None, config_unread=ConfigUnread("not-in-files")), "ManagerConfig") == {
        "code": "ManagerConfig", "status": "unknown", "severity": "warning",
        "message": f"The files hold no Kueue manager configuration, {SKIPPED}.",
        "remedy": ("Add a dump of ConfigMap kueue-system/kueue-manager-config (kubectl get configmap -n kueue-system "
                   "kueue-manager-config -o yaml) with --from-file."),
        "evidence": ["ConfigMap kueue-system/kueue-manager-config: not in the files"]}
    unread = {"code": "ManagerConfig", "status": "unknown", "severity": "warning",
              "message": f"The Kueue manager configuration could not be read (timed out), {SKIPPED}.",
              "remedy": "Try again, or pass a dump of it with --from-file.",
              "evidence": ["ConfigMap kueue-system/kueue-manager-config: not read"]}
    assert check_of(run(None, config_unread=ConfigUnread("error", "timed out")), "ManagerConfig") == unread
    unread["message"] = f"The Kueue manager configuration could not be read, {SKIPPED}."
    assert check_of(run(None), "ManagerConfig") == unread


def test_no_framework_at_all():
    # The parser gives Kueue's default (batch/job) for an empty list; a ManagerConfig may still hold none.
    no_framework = replace(config(), frameworks=[], pod_integration=False)
    assert check_of(run(no_framework), "PodIntegration")["evidence"] == ["integrations.frameworks: [none]"]
    assert check_of(run(config()), "PodIntegration")["evidence"] == ["integrations.frameworks: [batch/job, pod]"]


def test_no_local_queue_at_all_has_no_default_one():
    assert check_of(run(config(), queues=()), "DefaultLocalQueue") == {
        "code": "DefaultLocalQueue", "status": "ok", "severity": "info",
        "message": f"No LocalQueue named default in namespace {NS}: only pods that ask for a queue are queued.",
        "remedy": None, "evidence": [f"LocalQueues in {NS}: none"]}


def test_the_namespace_evidence_names_the_selector_and_the_labels():
    assert check_of(run(config(), labels={}), "NamespaceManaged")["evidence"] == [
        "managedJobsNamespaceSelector: unset (default: kubernetes.io/metadata.name NotIn [kube-system, kueue-system])",
        f"namespace {NS} labels: none"]
    selector = {"matchLabels": {"team": "ml"}, "matchExpressions": [
        {"key": "tier", "operator": "In", "values": ["gold", "silver"]}, {"key": "env", "operator": "Exists"}]}
    assert check_of(run(config(managedJobsNamespaceSelector=selector), labels={"team": "ml", "tier": "gold",
                                                                              "env": "x"}), "NamespaceManaged") == {
        "code": "NamespaceManaged", "status": "ok", "severity": "info",
        "message": f"Kueue's pod webhook handles pods in namespace {NS}.", "remedy": None,
        "evidence": ["managedJobsNamespaceSelector: team=ml; tier In [gold,silver]; env Exists",
                     f"namespace {NS} labels: env=x, team=ml, tier=gold"]}


def test_an_excluded_namespace_is_said_in_one_sentence():
    selector = {"matchLabels": {"team": "ml"}}
    check = check_of(run(config(managedJobsNamespaceSelector=selector)), "NamespaceManaged")
    assert (check["status"], check["severity"], check["message"]) == (
        "problem", "error", f"Namespace {NS} does not match managedJobsNamespaceSelector: Kueue leaves its pods alone, "
                            f"even those with a queue-name label.")
