"""Signals while watching are only recorded by their handlers and acted on by the loop: a handler
that raised (or set a threading.Event) could fire while the main thread holds a lock, and hang."""
import os
import signal
import threading

import pytest

from kubectl_kueue_argo.commands.screen import StopSignals, TerminalScreen


@pytest.mark.parametrize("number, raised, code", [(signal.SIGINT, KeyboardInterrupt, None),
                                                  (signal.SIGTERM, SystemExit, 143)], ids=["sigint", "sigterm"])
def test_a_stop_signal_is_recorded_then_raised_where_the_loop_checks(number, raised, code):
    before = signal.getsignal(number)
    with StopSignals() as stop:
        stop.check()                        # nothing received: nothing raised
        os.kill(os.getpid(), number)        # the handler runs here and must not raise
        assert stop.received == number
        with pytest.raises(raised) as caught:
            stop.check()
    if code is not None:
        assert caught.value.code == code
    assert signal.getsignal(number) is before   # the previous handler is back


def test_signals_are_left_alone_outside_the_main_thread():
    installed = []

    def enter():
        with StopSignals() as stop:
            installed.append(stop._previous)

    thread = threading.Thread(target=enter)
    thread.start()
    thread.join()
    assert installed == [{}]


def test_a_resize_only_marks_the_screen(tmp_path):
    with open(tmp_path / "screen", "w") as stream, TerminalScreen(stream) as screen:
        os.kill(os.getpid(), signal.SIGWINCH)
        assert screen.resized is True
