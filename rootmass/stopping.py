"""How a run stops: signals, and standard streams that have gone away.

A research group leaves the command running over a weekend: a scheduler sends SIGTERM, a
closed terminal SIGHUP, an impatient user presses Ctrl-C twice, stderr is closed or piped
into ``head``. The first signal stops the run as Ctrl-C does (the photographs in flight
are finished and written; :class:`Stopped`); any later one kills the worker processes, so
that the run ends within seconds, with every finished row kept. A stream that cannot be
written any more is written no more; the CSV is still completed.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rootmass.parallel import stop_workers

#: The signals that stop a run: exit status (128 + the signal's number) and what to say.
SIGNALS = {
    signal.SIGINT: (130, "Interrupted"),
    signal.SIGTERM: (143, "Terminated"),
    signal.SIGHUP: (129, "Hung up"),
}


class Stopped(KeyboardInterrupt):
    """A signal of :data:`SIGNALS`, raised in the main thread, as Ctrl-C raises
    KeyboardInterrupt: ``status`` is the exit status, ``reason`` what to say."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.status, self.reason = SIGNALS[signum]


@contextmanager
def signals_stop() -> Iterator[None]:
    """Inside, the first signal of :data:`SIGNALS` raises :class:`Stopped` and any later
    one kills the worker processes (:func:`rootmass.parallel.stop_workers`); after a stop
    they are ignored, so that the command can say where the rows are. A signal that was
    ignored (``nohup``) stays ignored; outside the main thread nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    stopping = []

    def handle(signum: int, frame: Any) -> None:
        if stopping:  # the user does not want to wait for the photographs in flight
            stop_workers()
            return
        stopping.append(signum)
        raise Stopped(signum)

    previous = {
        signum: signal.signal(signum, handle)
        for signum in SIGNALS
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():  # once stopped, a late signal must not
            signal.signal(signum, signal.SIG_IGN if stopping else handler)  # kill it now


class _Forgiving:
    """A text stream that stops writing, silently, once writing fails (a closed pipe)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream, self.broken = stream, False

    def write(self, text: str) -> int:
        if not self.broken:
            try:
                self.stream.write(text)
            except (OSError, ValueError):
                self._give_up()
        return len(text)

    def flush(self) -> None:
        if not self.broken:
            try:
                self.stream.flush()
            except (OSError, ValueError):
                self._give_up()

    def _give_up(self) -> None:
        """Write no more; Python's own last flush at exit goes to /dev/null (else its
        failure would change the exit status)."""
        self.broken = True
        try:
            descriptor = os.open(os.devnull, os.O_WRONLY)
            os.dup2(descriptor, self.stream.fileno())
            os.close(descriptor)
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


@contextmanager
def forgiving_stderr() -> Iterator[None]:
    """Inside, ``sys.stderr`` never raises: closed before the start (``2>&-``) it is
    /dev/null, and once a write fails (``2>&1 | head``) nothing more is written. File
    descriptors 0 to 2 are open, so that no file of the run (the CSV) takes their place."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            devnull = os.open(os.devnull, os.O_RDWR)
            if devnull != descriptor:
                os.dup2(devnull, descriptor)
                os.close(devnull)
    original = sys.stderr
    sys.stderr = _Forgiving(original or open(os.devnull, "w"))  # noqa: SIM115
    try:
        yield
    finally:
        sys.stderr = original
