"""`status -w` on a real pseudo-terminal (os.openpty), read back through a VT emulator (pyte):
the alternate screen is entered and left, the terminal is restored after Ctrl-C, nothing is
redrawn without a change, only changed lines are rewritten, and a resize redraws. Piped, each
frame starts with a timestamp line, and `| head` ends the watch with exit code 0."""
import copy
import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time

import pyte
import pytest

from tests.support.cli import FIXED_NOW
from tests.support.live import serve_scenario
from tests.support.paths import REPO
from tests.support.scenarios import load_scenario

WF = "steps-x7k2p"
ENTER_ALTERNATE = b"\x1b[?1049h"
LEAVE_ALTERNATE = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"


def _set_size(fd, rows, columns):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))


class _Terminal:
    """A child process on a pseudo-terminal of rows x columns, and what it wrote, raw and rendered."""

    def __init__(self, argv, rows=30, columns=220):
        self.master, slave = os.openpty()
        _set_size(slave, rows, columns)
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()
        env = {"PATH": "/usr/bin:/bin", "KUEUE_ARGO_NOW": FIXED_NOW, "NO_COLOR": "1", "HOME": str(REPO),
               "TERM": "xterm-256color", "LANG": "C.UTF-8"}
        self.process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=subprocess.PIPE, cwd=REPO, env=env,
                                        start_new_session=True)
        os.close(slave)

    def pump(self, seconds):
        """Read whatever the child writes for `seconds`; returns the bytes read."""
        got = bytearray()
        deadline = time.monotonic() + seconds
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return bytes(got)
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:   # the child closed the terminal
                return bytes(got)
            if not chunk:
                return bytes(got)
            got += chunk
            self.raw += chunk
            self.stream.feed(chunk)

    def wait_for(self, predicate, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return
            self.pump(0.1)
        raise AssertionError("timed out; screen:\n" + "\n".join(self.screen.display))

    def text(self):
        return "\n".join(line.rstrip() for line in self.screen.display)

    def resize(self, rows, columns):
        _set_size(self.master, rows, columns)
        self.screen.resize(rows, columns)
        self.process.send_signal(signal.SIGWINCH)

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)
        os.close(self.master)


def _watch_argv(kubeconfig):
    return [sys.executable, "-m", "kubectl_kueue_argo", "status", WF, "-n", "ml-team", "--kubeconfig",
            str(kubeconfig), "-w"]


@pytest.fixture
def live(tmp_path):
    scenario = load_scenario("queue-per-template")
    with serve_scenario(scenario, tmp_path) as served:
        yield served


@pytest.mark.parametrize("signal_number, exit_code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)],
                         ids=["ctrl-c", "terminated"])
def test_watch_uses_the_alternate_screen_and_restores_the_terminal_on_exit(live, signal_number, exit_code):
    server, kubeconfig = live
    terminal = _Terminal(_watch_argv(kubeconfig))
    try:
        terminal.wait_for(lambda t: "hello2b" in t.text() and "1st in user-queue-2" in t.text())
        assert terminal.raw.startswith(ENTER_ALTERNATE)
        first_line = terminal.screen.display[0]
        assert f"status {WF} -n ml-team" in first_line and "2026-08-24T10:20:00Z" in first_line   # the clock line
        assert terminal.screen.display[1].startswith("Name:")
        terminal.process.send_signal(signal_number)
        terminal.process.wait(timeout=20)
        terminal.pump(0.5)
        assert terminal.process.returncode == exit_code
        assert bytes(terminal.raw).endswith(b"\x1b[?7h" + SHOW_CURSOR + LEAVE_ALTERNATE)   # the terminal is back
        assert b"Traceback" not in terminal.process.stderr.read()
    finally:
        terminal.close()


def test_watch_redraws_only_what_changed_and_nothing_without_a_change(live):
    server, kubeconfig = live
    terminal = _Terminal(_watch_argv(kubeconfig))
    try:
        terminal.wait_for(lambda t: "1st in user-queue-2" in t.text())
        terminal.pump(3.0)   # positions are polled every 2 s: they did not change, the clock is pinned
        assert terminal.pump(3.0) == b""
        before = terminal.text().splitlines()
        workflow = copy.deepcopy(server.get("Workflow", "ml-team", WF))
        for node in workflow["status"]["nodes"].values():
            if node["displayName"] == "hello2a":
                node["phase"] = "Succeeded"
                node["finishedAt"] = "2026-08-24T10:10:00Z"
        server.update(workflow)
        terminal.wait_for(lambda t: any("✔ hello2a" in line for line in t.screen.display))   # the phase icon
        written = terminal.pump(1.0)
        after = terminal.text().splitlines()
        changed = [row for row, (old, new) in enumerate(zip(before, after)) if old != new]
        assert changed and len(changed) < len(after) / 2
        assert b"\x1b[2J" not in terminal.raw[len(ENTER_ALTERNATE) + 20:]   # no full-screen clear per frame
        assert written == b"" or b"hello2b" not in written
    finally:
        terminal.close()


def test_watch_redraws_on_a_window_resize_and_fits_the_height(live):
    server, kubeconfig = live
    terminal = _Terminal(_watch_argv(kubeconfig), rows=30, columns=220)
    try:
        terminal.wait_for(lambda t: "1st in user-queue-2" in t.text())
        terminal.resize(8, 100)
        terminal.wait_for(lambda t: "more lines" in t.text())
        lines = terminal.screen.display
        assert lines[0].startswith(f"status {WF}") and "more lines" in lines[-1]
        terminal.resize(30, 220)
        terminal.wait_for(lambda t: "hello2b" in t.text() and "more lines" not in t.text())
    finally:
        terminal.close()


def test_piped_watch_prints_a_timestamp_line_before_each_frame(live):
    server, kubeconfig = live
    process = subprocess.Popen(_watch_argv(kubeconfig), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                               env={"PATH": "/usr/bin:/bin", "KUEUE_ARGO_NOW": FIXED_NOW, "NO_COLOR": "1"})
    try:
        first = process.stdout.readline().decode()
        second = process.stdout.readline().decode()
        assert first.rstrip().endswith(FIXED_NOW) and first.startswith(f"status {WF} -n ml-team")
        assert second.startswith("Name:")
        assert b"\x1b" not in process.stdout.peek(1 << 16)   # no escape sequences in a pipe
    finally:
        process.kill()
        process.wait(timeout=10)


def test_watch_piped_into_head_exits_zero(live):
    server, kubeconfig = live
    process = subprocess.Popen(_watch_argv(kubeconfig), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
                               env={"PATH": "/usr/bin:/bin", "KUEUE_ARGO_NOW": FIXED_NOW, "NO_COLOR": "1"})
    try:
        for _ in range(3):
            assert process.stdout.readline()
        process.stdout.close()   # what `head -3` does once it has its lines
        assert process.wait(timeout=30) == 0
        assert process.stderr.read() == b""
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
