"""`explain setup` and `explain limitations` through the real CLI: offline from files, live against
the fake API server, and with no cluster at all. The plugin is read-only: only GETs.
"""

import pytest
import yaml
from tests.support.cli import run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig

NS = "ml-team"
EXIT_FINDINGS = 3


def exit_code(*args, env=None):
    return run_cli(*args, env=env).exit_code


def manager_configmap(**configuration):
    document = {"apiVersion": "config.kueue.x-k8s.io/v1beta2", "kind": "Configuration",
                "integrations": {"frameworks": ["batch/job", "pod"]}, **configuration}
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kueue-manager-config", "namespace": "kueue-system"},
            "data": {"controller_manager_config.yaml": yaml.safe_dump(document)}}


def namespace(name=NS, **labels):
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name, **labels}}}


def local_queue(name, ns=NS):
    return {"apiVersion": "kueue.x-k8s.io/v1beta2", "kind": "LocalQueue",
            "metadata": {"name": name, "namespace": ns}, "spec": {"clusterQueue": "team-cq"}}


def write_objects(path, objects):
    path.write_text(yaml.safe_dump_all(objects))
    return path


def by_code(document):
    return {check["code"]: check for check in document["checks"]}


# ---- limitations ---------------------------------------------------------------------------------

def test_limitations_text_and_json():
    text = run_cli("explain", "limitations")
    assert text.exit_code == 0, text.stderr
    assert "Resource steps and the agent pod are queued too" in text.stdout
    document = run_cli("explain", "limitations", "-o", "json")
    assert document.exit_code == 0, document.stderr
    entries = document.json["limitations"]
    assert len(entries) == 9
    assert all(set(entry) == {"id", "title", "summary", "evidence", "remedy"} for entry in entries)


# ---- offline: --from-file ------------------------------------------------------------------------

def test_offline_well_configured_namespace(tmp_path):
    files = write_objects(tmp_path / "cluster.yaml", [manager_configmap(), namespace(), local_queue("team")])
    result = run_cli("explain", "setup", "--from-file", files, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert exit_code("explain", "setup", "--from-file", files, "-o", "json") == 0
    document = result.json
    assert document["namespace"] == NS            # taken from the LocalQueues in the files
    assert document["kueueVersion"] == ">= v0.15"  # kueue.x-k8s.io/v1beta2 objects
    assert {check["status"] for check in document["checks"]} == {"ok"}
    assert "KueueInstalled" not in by_code(document)   # no discovery offline
    assert [step["id"] for step in document["guide"]][0] == "pod-framework"


def test_offline_pod_integration_off_exits_3(tmp_path):
    configmap = manager_configmap(integrations={"frameworks": ["batch/job"]})
    files = write_objects(tmp_path / "cluster.yaml", [configmap, local_queue("team")])
    result = run_cli("explain", "setup", "--from-file", files, "-n", NS)
    assert result.exit_code in (0, EXIT_FINDINGS), result.stderr
    assert exit_code("explain", "setup", "--from-file", files, "-n", NS) == EXIT_FINDINGS
    assert "PROBLEM  PodIntegration" in result.stdout
    assert "Fix: Add \"pod\" to integrations.frameworks" in result.stdout


def test_offline_without_manager_config_reports_unknown(tmp_path):
    files = write_objects(tmp_path / "cluster.yaml", [local_queue("default")])
    result = run_cli("explain", "setup", "--from-file", files, "-o", "json")
    assert result.exit_code == 0, result.stderr
    checks = by_code(result.json)
    assert (checks["ManagerConfig"]["status"], checks["ManagerConfig"]["severity"]) == ("unknown", "warning")
    assert "PodIntegration" not in checks
    assert checks["DefaultLocalQueue"]["status"] == "problem"
    assert result.json["notes"] == []


# ---- no cluster ----------------------------------------------------------------------------------

def test_no_kubeconfig_prints_the_generic_guide(tmp_path):
    env = {"KUBECONFIG": str(tmp_path / "missing"), "HOME": str(tmp_path)}
    text = run_cli("explain", "setup", env=env)
    assert text.exit_code == 0, text.stderr
    assert "No cluster was checked" in text.stdout
    assert "How to set up Kueue for Argo Workflows (any Kueue version):" in text.stdout
    document = run_cli("explain", "setup", "-o", "json", env=env).json
    assert document["checks"] == [] and document["kueueVersion"] is None and document["guide"]


def test_an_explicit_kubeconfig_that_is_missing_is_an_error(tmp_path):
    result = run_cli("explain", "setup", "--kubeconfig", tmp_path / "missing")
    assert result.exit_code == 1
    assert result.stderr.startswith("error:")


# ---- live: the fake API server -------------------------------------------------------------------

@pytest.fixture
def cluster(tmp_path):
    def start(*objects, forbid=(), **server_options):
        server = FakeApiServer(**server_options)
        for obj in objects:
            server.add(obj)
        for verb, resource, ns in forbid:
            server.forbid(verb, resource, namespace=ns)
        started.append(server)
        return server, write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace=NS)

    started = []
    yield start
    for server in started:
        server.close()


def only_gets(server):
    methods = {record.method for record in server.requests}
    assert methods == {"GET"}, methods


def test_live_well_configured_namespace(cluster):
    server, kubeconfig = cluster(manager_configmap(), namespace(), local_queue("team"))
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig, "-o", "json")
    assert result.exit_code == 0, result.stderr
    document = result.json
    assert document["kueueVersion"] == "v0.15"       # v1beta2 served, Workload short name "wl"
    assert document["namespace"] == NS
    assert {code: check["status"] for code, check in by_code(document).items()} == {
        "KueueInstalled": "ok", "PodIntegration": "ok", "NamespaceManaged": "ok", "QueueNameRequired": "ok",
        "LocalQueuePresent": "ok", "DefaultLocalQueue": "ok", "VisibilityApi": "ok"}
    only_gets(server)
    paths = {record.path for record in server.requests}
    assert "/api/v1/namespaces/kueue-system/configmaps/kueue-manager-config" in paths
    assert f"/api/v1/namespaces/{NS}" in paths


def test_live_namespace_excluded_exits_3_with_text(cluster):
    configmap = manager_configmap(managedJobsNamespaceSelector={"matchLabels": {"kueue": "on"}})
    server, kubeconfig = cluster(configmap, namespace(), local_queue("team"))
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig)
    assert result.exit_code in (0, EXIT_FINDINGS), result.stderr
    assert exit_code("explain", "setup", "--kubeconfig", kubeconfig) == EXIT_FINDINGS
    assert "Setup for Argo Workflows in namespace ml-team: Kueue v0.15 (from the cluster)" in result.stdout
    assert "PROBLEM  NamespaceManaged" in result.stdout
    assert "kueue=on" in result.stdout
    only_gets(server)


def test_live_unreadable_manager_config_is_unknown_not_an_error(cluster):
    server, kubeconfig = cluster(manager_configmap(), namespace(), local_queue("default"),
                                 forbid=[("get", "configmaps", "kueue-system")])
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig, "-o", "json")
    assert result.exit_code == 0, result.stderr
    checks = by_code(result.json)
    assert (checks["ManagerConfig"]["status"], checks["ManagerConfig"]["severity"]) == ("unknown", "info")
    assert "PodIntegration" not in checks and "NamespaceManaged" not in checks
    assert (checks["DefaultLocalQueue"]["status"], checks["DefaultLocalQueue"]["severity"]) == ("problem", "warning")
    assert "KueueConfigUnreadable" not in [note["code"] for note in result.json["notes"]]
    only_gets(server)


def test_live_a_batch_users_unreadable_config_is_one_quiet_line(cluster):
    server, kubeconfig = cluster(manager_configmap(), namespace(), local_queue("team"),
                                 forbid=[("get", "configmaps", "kueue-system")])
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig)
    assert result.exit_code == 0, result.stderr
    checks_block = result.stdout.split("\n\n")[0]
    mentions = [line for line in result.stdout.splitlines()
                if "kueue-manager-config" in line or "permission" in line or "ManagerConfig" in line]
    assert [line for line in checks_block.splitlines() if "ManagerConfig" in line] == [
        "  unknown  ManagerConfig      Not readable with your permissions: its checks are skipped."]
    assert not [line for line in mentions if line.startswith(("Note:", "  unknown  Pod", "  unknown  Names"))]
    assert result.stdout.count("get configmaps") == 1  # the guide's RBAC step; no check repeats it
    assert "Fix:" not in checks_block


def test_live_a_missing_config_is_not_found_not_a_permission(cluster):
    server, kubeconfig = cluster(namespace(), local_queue("team"))
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig)
    assert result.exit_code == 0, result.stderr
    checks_block = result.stdout.split("\n\n")[0]
    assert "was not found: ConfigMap kueue-system/kueue-manager-config does not exist" in " ".join(
        line.strip() for line in checks_block.splitlines())
    assert "permission" not in checks_block and "forbidden" not in checks_block
    assert checks_block.count("Fix:") == 1
    document = run_cli("explain", "setup", "--kubeconfig", kubeconfig, "-o", "json").json
    assert by_code(document)["ManagerConfig"]["evidence"] == ["ConfigMap kueue-system/kueue-manager-config: not found"]


def test_live_kueue_not_installed_exits_3(cluster):
    server, kubeconfig = cluster(kueue_versions=())
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig, "-o", "json")
    assert result.exit_code in (0, EXIT_FINDINGS), result.stderr
    assert [check["code"] for check in result.json["checks"]] == ["KueueInstalled"]
    assert [record.path for record in server.requests] == ["/apis"]
    assert exit_code("explain", "setup", "--kubeconfig", kubeconfig, "-o", "json") == EXIT_FINDINGS


def test_live_without_visibility_api_and_old_kueue(cluster):
    configmap = manager_configmap(apiVersion="config.kueue.x-k8s.io/v1beta1")
    server, kubeconfig = cluster(configmap, namespace(), local_queue("team"),
                                 kueue_versions=("v1beta1",), visibility_versions=())
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig, "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["kueueVersion"] == "<= v0.14"
    visibility = by_code(result.json)["VisibilityApi"]
    assert (visibility["status"], visibility["severity"]) == ("problem", "info")
    guide = {step["id"]: step["appliesToThisVersion"] for step in result.json["guide"]}
    assert guide["pod-options"] is True
    only_gets(server)


def test_live_unreachable_cluster_still_prints_the_guide(tmp_path):
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", "http://127.0.0.1:9", namespace=NS)
    result = run_cli("explain", "setup", "--kubeconfig", kubeconfig, "--request-timeout", "2s", "-o", "json")
    assert result.exit_code == 0, result.stderr
    assert result.json["checks"] == []
    assert [note["code"] for note in result.json["notes"]] == ["DiscoveryFailed"]
