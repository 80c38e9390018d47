"""The built launcher through a real kubectl (1.35): discovery, dispatch and plugin completion."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import EXAMPLE, clean_env, example_workflow_name, krew_install, python_shim

pytestmark = pytest.mark.slow


@pytest.fixture
def plugin_path(built_dist, kubectl_binary, system_python, tmp_path):
    """PATH dirs: krew's bin (launcher), kubectl, python3; plus the completion wrapper, copied as
    docs/install.md tells users to."""
    root = tmp_path / "krew"
    link = krew_install(built_dist["archive"], built_dist["manifest"], root)
    wrapper = link.resolve().parent / "kubectl_complete-kueue_argo"
    shutil.copy2(wrapper, root / "bin" / wrapper.name)
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "kubectl").symlink_to(kubectl_binary)
    return [root / "bin", tools, python_shim(tmp_path, system_python[0])]


def kubectl(args, env, cwd):
    return subprocess.run(["kubectl", *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120)


def test_kubectl_plugin_list_finds_the_launcher(plugin_path, tmp_path):
    env = clean_env(tmp_path, plugin_path)
    result = kubectl(["plugin", "list"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "kubectl-kueue_argo" in result.stdout
    assert "warning" not in result.stderr.lower(), result.stderr


def test_kubectl_dispatches_status_to_the_plugin(plugin_path, tmp_path):
    workflow = example_workflow_name()
    env = clean_env(tmp_path, plugin_path)
    result = kubectl(["kueue-argo", "status", workflow, "--from-file", str(EXAMPLE)], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert workflow in result.stdout and "STEP" in result.stdout


def test_exit_codes_pass_through_kubectl(plugin_path, tmp_path):
    env = clean_env(tmp_path, plugin_path)
    result = kubectl(["kueue-argo", "no-such-command"], env, tmp_path)
    assert result.returncode == 2
    assert "No such command" in result.stderr


def test_complete_protocol_through_kubectl(plugin_path, tmp_path):
    env = clean_env(tmp_path, plugin_path)
    result = kubectl(["kueue-argo", "__complete", ""], env, tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-1] == ":4"
    assert {"status", "explain", "version", "completion"} <= {line.split("\t")[0] for line in lines[:-1]}


def test_completion_wrapper(plugin_path, tmp_path):
    workflow = example_workflow_name()
    env = clean_env(tmp_path, plugin_path)
    wrapper = ["kubectl_complete-kueue_argo"]
    flags = subprocess.run(wrapper + ["status", "--"], env=env, cwd=tmp_path, capture_output=True, text=True,
                           timeout=60)
    assert flags.returncode == 0, flags.stderr
    values = [line.split("\t")[0] for line in flags.stdout.splitlines()]
    assert "--namespace" in values and "--output" in values and values[-1] == ":4"
    names = subprocess.run(wrapper + ["status", "--from-file", str(EXAMPLE), ""], env=env, cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert names.returncode == 0, names.stderr
    assert names.stdout.splitlines()[0].split("\t")[0] == workflow
    assert names.stdout.splitlines()[-1] == ":4"


def test_kubectl_completes_the_plugin_through_the_wrapper(plugin_path, tmp_path):
    """kubectl's own `__complete` (what its bash/zsh/fish scripts call) asks our wrapper."""
    env = clean_env(tmp_path, plugin_path)
    result = kubectl(["__complete", "kueue-argo", ""], env, tmp_path)
    assert result.returncode == 0, result.stderr
    values = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert {"status", "explain", "version", "completion"} <= set(values), result.stdout
    sub = kubectl(["__complete", "kueue-argo", "explain", ""], env, tmp_path)
    assert {"limitations", "setup"} <= {line.split("\t")[0] for line in sub.stdout.splitlines()}, sub.stdout


def test_kubectl_completes_the_plugin_installed_with_pip(kubectl_binary, tmp_path):
    """`pip install .` puts kubectl_complete-kueue_argo beside kubectl-kueue_argo: nothing to copy."""
    scripts = Path(sys.executable).parent
    if not (scripts / "kubectl_complete-kueue_argo").is_file():
        pytest.skip("the package is not installed in this environment (pip install .)")
    tools = tmp_path / "tools"
    tools.mkdir()
    (tools / "kubectl").symlink_to(kubectl_binary)
    env = clean_env(tmp_path, [scripts, tools])
    result = kubectl(["__complete", "kueue-argo", "explain", ""], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert {"limitations", "setup"} <= {line.split("\t")[0] for line in result.stdout.splitlines()}, result.stdout
