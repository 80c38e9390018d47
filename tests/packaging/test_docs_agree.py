"""The docs and the tool agree: README examples, install steps, completion help, examples/README.md."""
import importlib.util
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import run_cli
from tests.support.paths import REPO

SCRIPT = REPO / "scripts" / "update_readme_examples.py"
COPY_WRAPPER = "cp ~/.krew/store/kueue-argo/v*/kubectl_complete-kueue_argo ~/.krew/bin/"


def _examples_module():
    spec = importlib.util.spec_from_file_location("update_readme_examples", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


EXAMPLES = _examples_module()
README_EXAMPLES = EXAMPLES.examples((REPO / "README.md").read_text(encoding="utf-8"))


def test_the_readme_has_examples_of_status_filters_timeline_and_explain_on_the_bundled_files():
    runnable = [" ".join(example.args) for example in README_EXAMPLES if example.runnable]
    assert any(args.startswith("status ") and "--timeline" not in args and "--waiting" not in args
               for args in runnable)
    assert any("--timeline" in args for args in runnable)
    assert any("--waiting" in args for args in runnable)
    assert any(args.startswith("explain ") for args in runnable)
    explain = [example for example in README_EXAMPLES if example.args[:1] == ["explain"]]
    assert explain and all(example.runnable for example in explain)  # from the bundled example, not a cluster


@pytest.mark.parametrize("example", [example for example in README_EXAMPLES if example.runnable],
                         ids=lambda example: " ".join(example.args))
def test_each_readme_example_shows_what_the_tool_prints(example):
    assert EXAMPLES.run(example) == example.output, (
        "README.md is stale: run `python scripts/update_readme_examples.py`")


def test_the_update_script_checks_and_rewrites(tmp_path):
    example = next(example for example in README_EXAMPLES if example.runnable and "--timeline" in example.args)
    fresh = f"# Example\n\n```\n{example.command_line}\n{example.output}```\n\nThe end.\n"
    readme = tmp_path / "README.md"
    readme.write_text(fresh.replace(example.output, "stale output\n"), encoding="utf-8")
    check = subprocess.run([sys.executable, str(SCRIPT), "--check", "--readme", str(readme)],
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 1 and "-stale output" in check.stdout
    fix = subprocess.run([sys.executable, str(SCRIPT), "--readme", str(readme)], capture_output=True, text=True,
                         timeout=300)
    assert fix.returncode == 0, fix.stderr
    assert readme.read_text(encoding="utf-8") == fresh


def test_completion_help_install_doc_and_krew_caveats_give_the_same_copy_command():
    help_text = run_cli("completion", "--help").stdout
    install = (REPO / "docs" / "install.md").read_text(encoding="utf-8")
    caveats = (REPO / "krew" / "kueue-argo.yaml").read_text(encoding="utf-8")
    for text in (help_text, install, caveats):
        assert COPY_WRAPPER in text
        assert "ln -s" not in text
    assert "pip install" in help_text and "kubectl_complete-kueue_argo" in install.split("## Shell completion")[0]


def test_pip_install_declares_the_kubectl_completion_executable():
    text = (REPO / "setup.cfg").read_text(encoding="utf-8")
    scripts = text.split("console_scripts =", 1)[1].split("\n[", 1)[0]
    entries = dict(line.strip().split(" = ") for line in scripts.strip().splitlines())
    assert entries == {"kubectl-kueue_argo": "kubectl_kueue_argo.cli:main",
                       "kubectl_complete-kueue_argo": "kubectl_kueue_argo.cli:complete_main"}


def test_the_installed_completion_executable_answers_kubectls_protocol():
    executable = Path(sys.executable).parent / "kubectl_complete-kueue_argo"
    if not executable.is_file():
        pytest.skip("the package is not installed in this environment (pip install .)")
    result = subprocess.run([str(executable), "explain", ""], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert {"limitations", "setup"} <= {line.split("\t")[0] for line in lines[:-1]} and lines[-1] == ":4"


def _example_commands():
    text = (REPO / "examples" / "README.md").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip().startswith("kubectl kueue-argo ")]


def test_examples_readme_uses_only_commands_that_exist(monkeypatch):
    monkeypatch.chdir(REPO)  # the commands name examples/... relative to the repository
    commands = _example_commands()
    assert commands
    known = {"status", "explain", "version", "completion"}
    for command in commands:
        words = shlex.split(command)
        assert words[2] in known, command
        result = run_cli(*words[2:], env={"KUEUE_ARGO_NOW": ""})
        assert result.exit_code in (0, 3), (command, result.stderr)
        assert result.stdout.strip()
