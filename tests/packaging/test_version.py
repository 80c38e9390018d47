"""`version`: the client part always; the server's Kubernetes, Kueue and Argo APIs when reachable."""
import json

import yaml

from kubectl_kueue_argo import __version__
from tests.support.cli import run_cli, run_subprocess
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig


def test_client_only_never_touches_the_cluster():
    result = run_cli("version", "--client", env={"KUBECONFIG": "/nonexistent"})
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout.splitlines()[0] == f"Client Version: v{__version__}"
    assert "Server Version" not in result.stdout


def test_client_only_json_and_yaml():
    document = run_cli("version", "--client", "-o", "json").json
    assert document["clientVersion"]["version"] == f"v{__version__}"
    assert set(document) == {"clientVersion"}
    assert yaml.safe_load(run_cli("version", "--client", "-o", "yaml").stdout) == document


def test_server_part_from_the_fake_cluster(tmp_path):
    with FakeApiServer(kueue_versions=("v1beta2", "v1beta1"), server_version="v1.33.2") as server:
        kubeconfig = write_kubeconfig(tmp_path / "kc", server.url)
        text = run_cli("version", env={"KUBECONFIG": kubeconfig})
        document = run_cli("version", "-o", "json", env={"KUBECONFIG": kubeconfig}).json
    assert text.exit_code == 0 and text.stderr == ""
    assert "Server Version: v1.33.2" in text.stdout
    assert "kueue.x-k8s.io/v1beta2 (used), kueue.x-k8s.io/v1beta1" in text.stdout
    assert "visibility.kueue.x-k8s.io/v1beta2" in text.stdout
    assert "Argo Workflows APIs: argoproj.io/v1alpha1" in text.stdout
    assert document["serverVersion"]["gitVersion"] == "v1.33.2"
    assert document["kueue"]["apiVersions"] == ["v1beta2", "v1beta1"]
    assert document["kueue"]["usedVersion"] == "v1beta2"
    assert document["kueue"]["visibilityVersions"] == ["v1beta2", "v1beta1"]
    assert document["kueue"]["versionHint"].startswith((">= v0.15", "v0.15"))
    assert document["argo"] == {"installed": True, "apiVersions": ["v1alpha1"], "supported": True}


def test_old_kueue_without_argo(tmp_path):
    with FakeApiServer(kueue_versions=("v1beta1",), visibility_versions=("v1alpha1",), argo=False) as server:
        kubeconfig = write_kubeconfig(tmp_path / "kc", server.url)
        result = run_cli("version", env={"KUBECONFIG": kubeconfig})
        document = run_cli("version", "-o", "yaml", env={"KUBECONFIG": kubeconfig}).stdout
    assert "Kueue APIs: kueue.x-k8s.io/v1beta1 (Kueue v0.6 - v0.8)" in result.stdout
    assert "Argo Workflows APIs: not installed" in result.stdout
    parsed = yaml.safe_load(document)
    assert parsed["argo"]["installed"] is False and parsed["kueue"]["apiVersions"] == ["v1beta1"]


def test_no_kueue(tmp_path):
    with FakeApiServer(kueue_versions=()) as server:
        kubeconfig = write_kubeconfig(tmp_path / "kc", server.url)
        result = run_cli("version", env={"KUBECONFIG": kubeconfig})
    assert "Kueue APIs: not installed" in result.stdout


def test_unreachable_cluster_prints_the_client_part_and_a_note(tmp_path):
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    kubeconfig = write_kubeconfig(tmp_path / "kc", "http://127.0.0.1:%d" % port)
    result = run_cli("version", "--request-timeout", "1s", env={"KUBECONFIG": kubeconfig})
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Client Version: v{__version__}\n") and "Server Version" not in result.stdout
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("note: ")
    assert "refused" in result.stderr


def test_no_kubeconfig_is_not_an_error():
    result = run_subprocess("version", "-o", "json", env={"KUBECONFIG": "/nonexistent/config", "HOME": "/nonexistent"})
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"clientVersion": json.loads(result.stdout)["clientVersion"]}
    assert result.stderr.startswith("note: ") and len(result.stderr.strip().splitlines()) == 1


def test_forbidden_version_endpoint_still_shows_the_apis(tmp_path):
    with FakeApiServer() as server:
        server.inject("GET", r"^/version", status=403)
        kubeconfig = write_kubeconfig(tmp_path / "kc", server.url)
        result = run_cli("version", env={"KUBECONFIG": kubeconfig})
    assert result.exit_code == 0
    assert "Server Version: unknown" in result.stdout and "argoproj.io/v1alpha1" in result.stdout
