"""Help, usage errors and exit codes of the real entry point."""
import pytest

from tests.support.cli import run_cli, run_subprocess

COMMANDS = [("status",), ("explain",), ("explain", "limitations"), ("explain", "setup"), ("version",),
            ("completion",)]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_examples(command):
    result = run_cli(*command, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: kubectl kueue-argo {' '.join(command)}")
    assert "Examples:" in result.stdout and "kubectl kueue-argo" in result.stdout.split("Examples:")[1] \
        or "kubectl-kueue_argo" in result.stdout.split("Examples:")[1]


def test_bare_command_prints_help_and_succeeds():
    result = run_cli()
    assert result.exit_code == 0 and result.stdout.startswith("Usage: kubectl kueue-argo")
    assert "status" in result.stdout and "explain" in result.stdout


def test_unknown_command_and_bad_flag_are_usage_errors_with_a_hint():
    unknown = run_cli("bogus")
    assert unknown.exit_code == 2
    assert unknown.stderr.splitlines() == ["error: No such command 'bogus'.",
                                           "See 'kubectl kueue-argo -h' for help and examples."]
    bad = run_cli("status", "wf", "-o", "csv")
    assert bad.exit_code == 2 and "See 'kubectl kueue-argo status -h'" in bad.stderr


def test_version_flag():
    result = run_cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("kubectl kueue-argo ")


def test_real_process_exit_codes_and_no_traceback(tmp_path):
    missing = run_subprocess("status", "wf", "--kubeconfig", tmp_path / "missing")
    assert missing.exit_code == 1 and missing.stderr.startswith("error: ") and "Traceback" not in missing.stderr
    usage = run_subprocess("explain")
    assert usage.exit_code == 2 and "Traceback" not in usage.stderr
