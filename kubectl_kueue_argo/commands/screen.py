"""Where `--watch` draws: a terminal's alternate screen, or frames printed one after another.

On a terminal the view lives in the alternate screen, as `watch` and k9s keep it: nothing is left
in the scrollback, the terminal is restored on exit (Ctrl-C included), only the lines that changed
are rewritten, and a window resize (SIGWINCH) redraws. Piped, each new view is printed once after a
timestamp line. A handful of escape sequences do all of it, so no terminal library is needed.

Signal handlers only record what arrived (`StopSignals`, `resized`); the watch loop acts on it
between waits. A handler that raises, or sets a threading.Event, can fire while the main thread
holds that Event's lock, and the watch then hangs instead of ending.
"""
import select
import shutil
import signal
import threading

ENTER = "\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[H\x1b[2J"   # alternate screen, hide cursor, no autowrap, clear
LEAVE = "\x1b[?7h\x1b[?25h\x1b[?1049l"                # autowrap, cursor, main screen back
_CLEAR_TO_END_OF_LINE = "\x1b[K"
_CLEAR_BELOW = "\x1b[J"


class TerminalScreen:
    """Draws a clock line and the view in the alternate screen, rewriting only the changed lines."""

    def __init__(self, stream):
        self.stream = stream
        self.resized = False   # set by SIGWINCH; the watch loop redraws within a check interval
        self._shown = []
        self._previous_handler = None

    def __enter__(self):
        self._write(ENTER)
        if hasattr(signal, "SIGWINCH") and _in_main_thread():
            self._previous_handler = signal.signal(signal.SIGWINCH, self._on_resize)
        return self

    def __exit__(self, *exc):
        if self._previous_handler is not None:
            signal.signal(signal.SIGWINCH, self._previous_handler)
        try:
            self._write(LEAVE)
        except (BrokenPipeError, OSError, ValueError):
            pass
        return False

    def _on_resize(self, *_):
        self.resized = True

    def show(self, clock, text):
        """Draw `clock` on the first line and `text` below, cut to the window's height."""
        size = shutil.get_terminal_size((80, 24))
        lines = [clock] + text.rstrip("\n").split("\n")
        if len(lines) > size.lines:
            hidden = len(lines) - size.lines + 1
            lines = lines[:size.lines - 1] + [f"… {hidden} more line{'s' if hidden != 1 else ''} (pipe the output "
                                              f"to see every line)"]
        if self.resized:
            self.resized, self._shown = False, []
            self._write("\x1b[H\x1b[2J")
        parts = [f"\x1b[{row + 1};1H{line}{_CLEAR_TO_END_OF_LINE}" for row, line in enumerate(lines)
                 if row >= len(self._shown) or self._shown[row] != line]
        if len(self._shown) > len(lines):
            parts.append(f"\x1b[{len(lines) + 1};1H{_CLEAR_BELOW}")
        if parts:
            self._write("".join(parts))
        self._shown = lines

    def reader_gone(self):
        return False

    def _write(self, data):
        self.stream.write(data)
        self.stream.flush()


def _in_main_thread():
    return threading.current_thread() is threading.main_thread()


class StopSignals:
    """Ctrl-C (SIGINT) and SIGTERM while watching: recorded by the handler, raised by `check()` at a
    point of the loop's choosing, so the screen is restored and nothing is left locked."""

    _SIGNALS = ("SIGINT", "SIGTERM")

    def __init__(self):
        self.received = None
        self._previous = {}

    def __enter__(self):
        if _in_main_thread():
            for name in self._SIGNALS:
                if hasattr(signal, name):
                    number = getattr(signal, name)
                    self._previous[number] = signal.signal(number, self._record)
        return self

    def __exit__(self, *exc):
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        return False

    def _record(self, number, _frame):
        self.received = number

    def check(self):
        """Raise what a default handler would have: KeyboardInterrupt (exit 130), SystemExit(143)."""
        if self.received == signal.SIGINT:
            raise KeyboardInterrupt()
        if self.received is not None:
            raise SystemExit(128 + self.received)


class PipedScreen:
    """Prints each new view once, after a timestamp line, with a blank line between frames."""

    def __init__(self, stream):
        self.stream = stream
        self.resized = False
        self._last = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def show(self, stamp, text):
        if text == self._last:
            return
        separator = "\n" if self._last is not None else ""
        self.stream.write(f"{separator}{stamp}\n{text}")
        self.stream.flush()
        self._last = text

    def reader_gone(self):
        """Whether the reading end of a pipe was closed (`| head` is done): poll reports an error."""
        if not hasattr(select, "poll"):
            return False
        try:
            poller = select.poll()
            poller.register(self.stream.fileno(), 0)
            return any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll(0))
        except (OSError, ValueError, AttributeError):
            return False
