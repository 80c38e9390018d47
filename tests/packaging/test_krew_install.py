"""Install the release archive the way krew does and run it with nothing but a host python3."""
import hashlib
import os
import shutil
import subprocess
import tarfile

import pytest

from kubectl_kueue_argo import __version__
from tests.packaging.conftest import (EXAMPLE, REPO, clean_env, example_workflow_name, krew_install, min_python,
                                      pyenv_python, python_shim)

pytestmark = pytest.mark.slow


@pytest.fixture
def installed(built_dist, tmp_path):
    archive = built_dist["archive"]
    manifest = built_dist["manifest"]
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert {p["sha256"] for p in manifest["spec"]["platforms"]} == {digest}, "krew would refuse the archive"
    root = tmp_path / "krew"
    link = krew_install(archive, manifest, root)
    assert link.name == "kubectl-kueue_argo" and link.is_symlink()
    assert os.path.realpath(link) == str(root / "store" / "kueue-argo" / f"v{__version__}" / "kubectl-kueue_argo")
    return root


def run(args, env, cwd, timeout=120):
    return subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_installed_files_follow_the_manifest(installed):
    store = installed / "store" / "kueue-argo" / f"v{__version__}"
    assert sorted(os.listdir(store)) == ["LICENSE", "README.md", "kubectl-kueue_argo", "kubectl_complete-kueue_argo"]
    assert os.access(store / "kubectl-kueue_argo", os.X_OK) and os.access(store / "kubectl_complete-kueue_argo", os.X_OK)


def test_version_and_status_with_the_host_python(installed, system_python, tmp_path):
    interpreter, _ = system_python
    env = clean_env(tmp_path, [installed / "bin", python_shim(tmp_path, interpreter)])
    version = run(["kubectl-kueue_argo", "version", "--client"], env, tmp_path)
    assert version.returncode == 0, version.stderr
    assert f"v{__version__}" in version.stdout and version.stderr == ""

    workflow = example_workflow_name()
    status = run(["kubectl-kueue_argo", "status", workflow, "--from-file", str(EXAMPLE)], env, tmp_path)
    assert status.returncode == 0, status.stderr
    assert workflow in status.stdout and "STEP" in status.stdout
    cache = tmp_path / "home" / ".cache" / "kubectl-kueue_argo"
    assert len(os.listdir(cache)) == 1, "the first run unpacks one payload into the cache"


def test_second_run_uses_the_cache(installed, system_python, tmp_path):
    """Later runs import the unpacked payload (with its .pyc) instead of unpacking again. Their speed
    (~0.1 s, docs/install.md) is measured by benchmarks, not asserted here."""
    interpreter, _ = system_python
    env = clean_env(tmp_path, [installed / "bin", python_shim(tmp_path, interpreter)])
    first = run(["kubectl-kueue_argo", "--help"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    cache = tmp_path / "home" / ".cache" / "kubectl-kueue_argo"
    [payload] = [cache / name for name in os.listdir(cache)]
    unpacked = (payload.stat().st_ino, payload.stat().st_mtime_ns)
    for _ in range(2):
        again = run(["kubectl-kueue_argo", "--help"], env, tmp_path)
        assert (again.returncode, again.stdout) == (0, first.stdout)
    assert os.listdir(cache) == [payload.name]
    assert (payload.stat().st_ino, payload.stat().st_mtime_ns) == unpacked, "unpacked again"
    assert list((payload / "kubectl_kueue_argo" / "__pycache__").glob("cli.*.pyc")), "imported from the zip"


def test_live_command_imports_the_kubernetes_client_without_compiled_extras(installed, system_python, tmp_path):
    """`version` with a kubeconfig imports kubernetes.client/config from the vendored pure wheels."""
    from tests.support.fakeapi import FakeApiServer
    from tests.support.kubeconfig import write_kubeconfig

    interpreter, _ = system_python
    with FakeApiServer() as server:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url)
        env = clean_env(tmp_path, [installed / "bin", python_shim(tmp_path, interpreter)], KUBECONFIG=kubeconfig)
        result = run(["kubectl-kueue_argo", "version", "-o", "yaml"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kueue.x-k8s.io" not in result.stderr
    assert "v1beta2" in result.stdout and "gitVersion: v1.31.0" in result.stdout
    assert "Warning" not in result.stderr, result.stderr


def test_read_only_cache_falls_back_to_the_zip(installed, system_python, tmp_path):
    interpreter, _ = system_python
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache directory would go")
    env = clean_env(tmp_path, [installed / "bin", python_shim(tmp_path, interpreter)],
                    KUBECTL_KUEUE_ARGO_CACHE=str(blocked / "cache"))
    result = run(["kubectl-kueue_argo", "version", "--client"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"v{__version__}" in result.stdout


def test_oldest_supported_python(installed, tmp_path):
    oldest = pyenv_python(lambda version: version[:2] == min_python())
    if not oldest:
        pytest.skip(f"no Python {'.'.join(map(str, min_python()))} from pyenv on this machine")
    env = clean_env(tmp_path, [installed / "bin", python_shim(tmp_path, oldest[0])])
    workflow = example_workflow_name()
    result = run(["kubectl-kueue_argo", "status", workflow, "--from-file", str(EXAMPLE)], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert workflow in result.stdout


def test_too_old_python_gets_a_clear_error(installed, tmp_path):
    older = pyenv_python(lambda version: (3, 6) <= version[:2] < min_python())
    if not older:
        pytest.skip("no older Python 3 from pyenv on this machine")
    env = clean_env(tmp_path, [installed / "bin", python_shim(tmp_path, older[0])])
    result = run(["kubectl-kueue_argo", "version", "--client"], env, tmp_path)
    assert result.returncode == 1
    assert "needs Python %d.%d or newer" % min_python() in result.stderr
    assert "Traceback" not in result.stderr


def test_archive_is_reproducible(built_dist, tmp_path):
    """Same sources and dependency versions -> same bytes -> the manifest's sha256 stays right."""
    import json
    import sys

    out = tmp_path / "again"
    completed = subprocess.run([sys.executable, str(REPO / "scripts" / "build_dist.py"), "--out", str(out),
                                "--no-manifest"], capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stderr
    again = json.loads(completed.stdout)
    if again["vendored"] != built_dist["vendored"]:
        pytest.skip("a dependency was released between the two builds")
    assert again["sha256"] == hashlib.sha256(built_dist["archive"].read_bytes()).hexdigest()


def test_archive_is_small_and_has_no_compiled_code(built_dist, tmp_path):
    import zipfile

    archive = built_dist["archive"]
    assert archive.stat().st_size < 8_000_000
    with tarfile.open(archive) as tar:
        launcher = tar.extractfile("kubectl-kueue_argo").read()
    assert launcher.startswith(b"#!/usr/bin/env python3\n")
    path = tmp_path / "launcher.zip"
    path.write_bytes(launcher)
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
    assert "__main__.py" in names and "lib/kubectl_kueue_argo/cli.py" in names
    bad = [n for n in names if n.endswith((".so", ".pyd", ".pyc", ".dylib")) or "/tests/" in n or "/aio/" in n]
    assert bad == []
    assert not [n for n in names if n.startswith(("lib/aiohttp/", "lib/yarl/", "lib/multidict/"))]
