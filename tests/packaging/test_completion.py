"""The `__complete` protocol (kubectl plugin completion) and the bash/zsh/fish scripts."""
import os
import socket
import time

import pytest

from tests.support.cli import run_cli
from tests.support.fakeapi import FakeApiServer
from tests.support.kubeconfig import write_kubeconfig


def complete(*words, env=None):
    result = run_cli("__complete", *words, env=env)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and lines[-1].startswith(":"), result.stdout
    candidates = [line.split("\t", 1) for line in lines[:-1]]
    return [c[0] for c in candidates], {c[0]: (c[1] if len(c) > 1 else "") for c in candidates}, int(lines[-1][1:])


@pytest.fixture
def cluster(tmp_path):
    with FakeApiServer() as server:
        for name in ("ml-team", "default", "batch"):
            server.add({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        for name, phase in (("train-a1", "Running"), ("train-b2", "Succeeded"), ("etl-x", "Pending")):
            server.add({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                        "metadata": {"name": name, "namespace": "ml-team"}, "status": {"phase": phase}})
        server.add({"apiVersion": "argoproj.io/v1alpha1", "kind": "Workflow",
                    "metadata": {"name": "elsewhere", "namespace": "batch"}})
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url, namespace="ml-team",
                                      extra_contexts=[{"name": "staging", "namespace": "batch"}])
        yield server, {"KUBECONFIG": kubeconfig}


def test_subcommands_with_descriptions():
    values, helps, directive = complete("")
    assert {"completion", "explain", "status", "version"} <= set(values) and values == sorted(values)
    assert all(helps[value] for value in values)
    assert directive == 4
    assert "__complete" not in values


def test_prefix_filters_subcommands():
    assert complete("ver")[0] == ["version"]


def test_explain_subcommands(cluster):
    _, env = cluster
    values, _, _ = complete("explain", "", env=env)
    assert values[:2] == ["limitations", "setup"]


def test_flags_of_the_current_command():
    values, helps, directive = complete("status", "--")
    assert {"--namespace", "--context", "--output", "--from-file", "--no-headers"} <= set(values)
    assert helps["--namespace"]
    assert directive == 4
    version_flags = complete("version", "--c")[0]
    assert "--client" in version_flags and "--context" in version_flags


def test_output_values():
    assert complete("status", "-o", "")[0] == ["table", "wide", "json", "yaml"]
    assert complete("version", "--output", "j")[0] == ["json"]


def test_completion_shells():
    assert complete("completion", "")[0] == ["bash", "fish", "zsh"]


def test_contexts_clusters_users_from_the_kubeconfig_without_network(tmp_path):
    kubeconfig = write_kubeconfig(tmp_path / "kc", "http://127.0.0.1:9", context="prod",
                                  extra_contexts=[{"name": "dev", "namespace": "team"}, {"name": "stage"}])
    env = {"KUBECONFIG": kubeconfig}
    values, helps, directive = complete("status", "--context", "", env=env)
    assert values == ["prod", "dev", "stage"] and directive == 4
    assert helps["prod"].startswith("current")
    assert "namespace team" in helps["dev"]
    assert complete("--context", "d", env=env)[0] == ["dev"]
    assert complete("status", "--cluster", "", env=env)[0] == ["prod", "dev", "stage"]
    assert complete("status", "--user", "s", env=env)[0] == ["stage"]


def test_explicit_kubeconfig_flag_is_honoured(tmp_path):
    kubeconfig = write_kubeconfig(tmp_path / "other", "http://127.0.0.1:9", context="only-here")
    values = complete("status", "--kubeconfig", kubeconfig, "--context", "", env={"KUBECONFIG": "/nonexistent"})[0]
    assert values == ["only-here"]


def test_namespaces_from_the_cluster(cluster):
    _, env = cluster
    assert complete("status", "-n", "", env=env)[0] == ["batch", "default", "ml-team"]
    assert complete("status", "--namespace=", env=env)[0] == ["batch", "default", "ml-team"]
    assert complete("-n", "m", env=env)[0] == ["ml-team"]


def test_workflow_names_in_the_context_namespace(cluster):
    _, env = cluster
    values, helps, directive = complete("status", "", env=env)
    assert values == ["etl-x", "train-a1", "train-b2"] and directive == 4
    assert helps["train-a1"] == "Workflow, Running"
    assert complete("status", "tr", env=env)[0] == ["train-a1", "train-b2"]
    assert complete("explain", "train-a", env=env)[0] == ["train-a1"]


def test_workflow_names_follow_the_namespace_and_context_typed(cluster):
    _, env = cluster
    assert complete("status", "-n", "batch", "", env=env)[0] == ["elsewhere"]
    assert complete("--context", "staging", "status", "", env=env)[0] == ["elsewhere"]


def test_workflow_names_from_files(tmp_path):
    from tests.packaging.conftest import EXAMPLE, example_workflow_name

    workflow = example_workflow_name()
    values = complete("status", "--from-file", str(EXAMPLE), "", env={"KUBECONFIG": "/nonexistent"})[0]
    assert values == [workflow]


def test_no_candidates_after_the_workflow(cluster):
    _, env = cluster
    values, _, directive = complete("status", "train-a1", "", env=env)
    assert values == [] and directive == 4


def test_file_flags_ask_the_shell_for_files():
    values, _, directive = complete("status", "--from-file", "")
    assert values == [] and directive == 0
    assert complete("explain", "-f", "ex")[2] == 0
    assert complete("status", "--kubeconfig", "")[2] == 0


def test_forbidden_lists_complete_nothing(cluster):
    server, env = cluster
    server.forbid("list", "workflows", "argoproj.io")
    server.forbid("list", "namespaces")
    assert complete("status", "", env=env)[0] == []
    assert complete("status", "-n", "", env=env)[0] == []


def test_no_kubeconfig_completes_nothing_silently():
    result = run_cli("__complete", "status", "", env={"KUBECONFIG": "/nonexistent/kubeconfig"})
    assert result.exit_code == 0 and result.stdout == ":4\n" and result.stderr == ""


def test_unreachable_server_fails_silently_and_fast(tmp_path):
    """A server that accepts connections but never answers: the 2 s budget bounds the wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    try:
        kubeconfig = write_kubeconfig(tmp_path / "kc", "http://127.0.0.1:%d" % listener.getsockname()[1])
        for words in (("status", ""), ("status", "-n", "")):
            started = time.monotonic()
            result = run_cli("__complete", *words, env={"KUBECONFIG": kubeconfig})
            elapsed = time.monotonic() - started
            assert result.exit_code == 0 and result.stdout == ":4\n" and result.stderr == ""
            # Not a speed check: the completion budget (2 s) ends it long before the 30 s request
            # timeout would, and a bound half-way between the two holds on any machine.
            assert elapsed < 15, elapsed
    finally:
        listener.close()


def test_refused_connection_fails_silently(tmp_path):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    kubeconfig = write_kubeconfig(tmp_path / "kc", "http://127.0.0.1:%d" % port)
    started = time.monotonic()
    result = run_cli("__complete", "status", "", env={"KUBECONFIG": kubeconfig})
    assert result.stdout == ":4\n" and result.stderr == ""
    assert time.monotonic() - started < 15  # not retried until the 30 s request timeout


@pytest.mark.parametrize("shell, marker", [("bash", "complete -o nosort -F"), ("zsh", "#compdef kubectl-kueue_argo"),
                                           ("fish", "complete --no-files --command kubectl-kueue_argo")])
def test_completion_scripts(shell, marker):
    result = run_cli("completion", shell)
    assert result.exit_code == 0, result.stderr
    assert marker in result.stdout
    assert "_KUBECTL_KUEUE_ARGO_COMPLETE=%s_complete" % shell in result.stdout
    assert "kubectl-kueue_argo __complete" in result.stdout or "$1 __complete" in result.stdout


def test_unknown_shell_is_a_usage_error():
    result = run_cli("completion", "tcsh")
    assert result.exit_code == 2


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_shell_protocols_answer_through_complete(shell, cluster):
    """What the printed scripts do: env var + COMP_WORDS/COMP_CWORD, then `kubectl-kueue_argo __complete`."""
    _, env = cluster
    words = "kubectl-kueue_argo status -n "
    env = dict(env, _KUBECTL_KUEUE_ARGO_COMPLETE=f"{shell}_complete", COMP_WORDS=words,
               COMP_CWORD="3" if shell != "fish" else "")
    result = run_cli("__complete", env=env)
    assert result.exit_code == 0, result.stderr
    assert "ml-team" in result.stdout and "batch" in result.stdout
    if shell == "bash":
        assert "plain,ml-team" in result.stdout.splitlines()


@pytest.mark.skipif(not os.path.exists("/bin/bash"), reason="needs bash")
def test_bash_script_end_to_end(tmp_path):
    """Source the bash script and run its completion function as bash would on <TAB>."""
    import subprocess
    import sys

    shim = tmp_path / "bin"
    shim.mkdir()
    launcher = shim / "kubectl-kueue_argo"
    launcher.write_text(f"#!/bin/sh\nexec {sys.executable} -m kubectl_kueue_argo \"$@\"\n")
    launcher.chmod(0o755)
    script = run_cli("completion", "bash").stdout
    (tmp_path / "completion.bash").write_text(script)
    program = ('source completion.bash; COMP_WORDS=(kubectl-kueue_argo st); COMP_CWORD=1; '
               '_kubectl_kueue_argo_completion kubectl-kueue_argo; printf "%s\\n" "${COMPREPLY[@]}"')
    env = dict(os.environ, PATH=f"{shim}:{os.environ['PATH']}",
               PYTHONPATH=str(__import__('pathlib').Path(__file__).resolve().parents[2]))
    result = subprocess.run(["/bin/bash", "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["status"]
