"""Run the CLI on a real pseudo-terminal of a given size, and read what it drew."""
import fcntl
import os
import re
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass

from tests.support.cli import FIXED_NOW
from tests.support.paths import REPO

_SGR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass
class TerminalResult:
    exit_code: int
    raw: str             # as the terminal received it (colour codes, \r\n)

    @property
    def lines(self):
        """The lines without colour codes and carriage returns."""
        return [_SGR.sub("", line) for line in self.raw.replace("\r\n", "\n").split("\n")]


def run_in_terminal(*args, columns=80, rows=24, env=None, timeout=60):
    """`kubectl-kueue_argo ARGS` with stdin, stdout and stderr on a pty of `columns` x `rows`;
    COLUMNS agrees with the window size, as a shell sets it."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
    environment = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    environment.update({"COLUMNS": str(columns), "LINES": str(rows), "TERM": "xterm-256color",
                        "KUEUE_ARGO_NOW": FIXED_NOW, "PYTHONIOENCODING": "utf-8"})
    environment.update(env or {})
    process = subprocess.Popen([sys.executable, "-m", "kubectl_kueue_argo", *map(str, args)], cwd=REPO,
                               stdin=slave, stdout=slave, stderr=slave, env=environment, close_fds=True)
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        process.wait(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            process.kill()
        os.close(master)
    return TerminalResult(process.returncode, b"".join(chunks).decode("utf-8", "replace"))
