"""Run the real CLI: in-process (fast) or as a subprocess (exact exit codes, real streams)."""
import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from unittest import mock

from kubectl_kueue_argo.cli import main

FIXED_NOW = "2026-08-24T10:20:00Z"


class _Utf8Capture(io.StringIO):
    """Captured output that reports UTF-8, as a terminal or pipe on a UTF-8 locale does."""

    encoding = "utf-8"


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self):
        return json.loads(self.stdout)


def run_cli(*args, env=None, stdin=""):
    """Call main() with captured streams; KUEUE_ARGO_NOW pins the clock unless env overrides it."""
    environment = {"KUEUE_ARGO_NOW": FIXED_NOW, "NO_COLOR": "1"}
    environment.update(env or {})
    stdout, stderr = _Utf8Capture(), _Utf8Capture()
    code = 0
    with mock.patch.dict(os.environ, environment), redirect_stdout(stdout), redirect_stderr(stderr), \
            mock.patch.object(sys, "stdin", io.StringIO(stdin)):
        try:
            main([str(arg) for arg in args])
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    return Result(code, stdout.getvalue(), stderr.getvalue())


def run_subprocess(*args, env=None, stdin="", timeout=60):
    environment = dict(os.environ)
    environment.update({"KUEUE_ARGO_NOW": FIXED_NOW, "NO_COLOR": "1"})
    environment.update(env or {})
    completed = subprocess.run([sys.executable, "-m", "kubectl_kueue_argo", *map(str, args)], input=stdin,
                               capture_output=True, text=True, env=environment, timeout=timeout)
    return Result(completed.returncode, completed.stdout, completed.stderr)
