"""Measuring many photographs in parallel: worker processes of this computer, or Dask.

:func:`measured_rows` gives the rows of :func:`rootmass.measuring.measure_file` as they
finish, a few photographs ahead per worker so that memory stays bounded, and keeps the
command's promise that every photograph ends with exactly one row: when a worker dies (the
kernel's out-of-memory killer, a crash in a decoder), the photographs it may have been
measuring are measured again one at a time, so that the one that kills its worker is found
and gets a ``problem`` row of its own, and the run goes on (:func:`_surviving`).

The pool is a library's: :class:`concurrent.futures.ProcessPoolExecutor` on this computer,
a :class:`distributed.Client` on a cluster; :func:`_surviving` works the same on both. What
this module adds to them, and why:

- a window of ``2 x workers`` photographs in flight (``Executor.map`` would submit all
  20,000 at once, and keep their rows until they are read);
- a broken pool's in-flight photographs measured again one at a time, in a fresh pool
  (``BrokenProcessPool`` says that a worker died, not which photograph killed it);
- a watchdog thread in each worker (:func:`_exit_when_orphaned`): a worker blocked on the
  pool's queue does not notice that the command was killed with SIGKILL, and would live on;
- :func:`stop_workers`, for a second Ctrl-C: ``shutdown`` can only wait for the photographs
  in flight (``terminate_workers`` arrives in Python 3.14);
- glibc's ``mallopt`` in each worker (:func:`keep_freed_memory`), kept because
  ``python -m benchmarks.rootmass`` shows that it pays: its "without mallopt / with"
  ratio was 1.37 in wall-clock time and 1.31 in CPU time (40 photographs of 2000 x 3000,
  2 cores shared with other work, load average 7; December 2026).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent import futures
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager, nullcontext
from typing import Any

import rootmass.measuring

#: How often, in seconds, a worker process checks that the command still runs.
_WATCHDOG_PERIOD = 0.2
#: glibc's ``mallopt`` parameters (``man 3 mallopt``), and the values a worker sets: arrays
#: up to 32 MB (glibc's largest) from the heap, and up to 1 GB of freed heap kept.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_KEEP = {_M_MMAP_THRESHOLD: 32 << 20, _M_TRIM_THRESHOLD: 1 << 30}


def _exit_when_orphaned(parent: int) -> None:
    """Exit this worker process as soon as its parent, the command ``parent``, has gone (at
    once if it went before this started)."""
    while os.getppid() == parent:
        time.sleep(_WATCHDOG_PERIOD)
    os._exit(1)


def keep_freed_memory() -> bool:
    """Let this process keep the memory one photograph frees for the next (glibc only).

    A photograph needs about 100 MB of arrays. By default glibc hands them back to the
    kernel, and the next photograph faults them in again page by page: 265,000 page faults
    and 0.5 s of CPU for 40 photographs of 2000 x 3000 (``python -m benchmarks.rootmass``),
    against 31,000 with this. True if glibc took the settings; False elsewhere.

    Examples
    --------
    >>> isinstance(keep_freed_memory(), bool)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # a C library without mallopt
        return False
    return all(mallopt(parameter, value) == 1 for parameter, value in _KEEP.items())


def _init_worker(command: int) -> None:
    """Set up a worker process: signals are the command's to handle, and the worker does
    not outlive the command (killed with SIGKILL, say), thanks to a watchdog thread.
    ``command`` is the command's process id, taken before the worker started: had the worker
    asked for its parent here, a command killed before then would be replaced by whichever
    process adopted the orphan, and the worker would wait on it for good."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, inherited
    watchdog = threading.Thread(
        target=_exit_when_orphaned, args=(command,), name="watchdog", daemon=True
    )
    watchdog.start()
    keep_freed_memory()


def _finished(
    submit: Callable[[dict[str, Any]], Any],
    wait_first: Callable[[set], tuple[set, set]],
    tasks: Iterator[dict[str, Any]],
    window: int,
    stop: Callable[[], bool],
) -> Iterator[tuple[dict[str, Any], Any]]:
    """``(task, future)`` pairs as they finish, with at most ``window`` in flight; no
    more tasks are taken from ``tasks`` once ``stop()`` is true."""
    pending: dict[Any, dict[str, Any]] = {}

    def fill() -> None:
        while len(pending) < window and not stop():
            task = next(tasks, None)
            if task is None:
                return
            pending[submit(task)] = task

    fill()
    while pending:
        done, _ = wait_first(set(pending))
        for future in done:
            yield pending.pop(future), future
        fill()


def _died(task: dict[str, Any], error: BaseException) -> dict[str, Any]:
    """The row of a photograph whose worker died measuring it, even alone."""
    row = rootmass.measuring.empty_row(
        task["file"], task["sigma"], task["exclude_above"], task["read_path"]
    )
    row["problem"] = (
        f"WorkerDied: {task['file']}: the process measuring it stopped "
        f"({type(error).__name__}), also when it was measured alone: it was killed, "
        "perhaps for lack of memory. The other photographs were measured."
    )
    return row


def _surviving(
    open_workers: Callable[[bool], Any],
    tasks: Iterable[dict[str, Any]],
    window: int,
    death: type[BaseException],
) -> Iterator[dict[str, Any]]:
    """The rows of ``tasks`` as they finish, one each, even when a worker dies.

    ``open_workers(alone)`` is a context manager giving ``(submit, wait_first)``. When a
    future fails with ``death`` (a worker died), no more tasks are started; those that
    died with it are measured again one at a time (``alone``), so that the one that
    kills its worker is found and gets a ``problem`` row; then the run goes on.
    """
    tasks = iter(tasks)
    while True:
        suspects: list[dict[str, Any]] = []
        with open_workers(False) as (submit, wait_first):
            for task, future in _finished(submit, wait_first, tasks, window, suspects.__len__):
                if isinstance(future.exception(), death):
                    suspects.append(task)
                else:
                    yield future.result()
        if not suspects:
            return
        for task in suspects:
            with open_workers(True) as (submit, wait_first):
                future = submit(task)
                wait_first({future})
                error = future.exception()
                yield _died(task, error) if isinstance(error, death) else future.result()


@contextmanager
def _pool(workers: int) -> Iterator[tuple[Callable, Callable]]:
    """``(submit, wait_first)`` on a pool of ``workers`` processes, shut down on leaving
    (the workers finish the photographs they have started; the others are cancelled)."""
    pool = futures.ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(os.getpid(),))

    def submit(task: dict[str, Any]) -> futures.Future:
        try:
            return pool.submit(rootmass.measuring.measure_file, **task)
        except BrokenProcessPool as error:  # a worker died since the last look
            future: futures.Future = futures.Future()
            future.set_exception(error)
            return future

    try:
        yield submit, lambda pending: futures.wait(pending, return_when=futures.FIRST_COMPLETED)
    finally:
        try:
            pool.shutdown(wait=True, cancel_futures=True)
        except BaseException:  # a signal while waiting for the photographs in flight
            stop_workers()
            pool.shutdown(wait=True)
            raise


def stop_workers() -> None:
    """Kill this process's worker processes at once, so that a pool that waits for them
    returns (a second Ctrl-C or SIGTERM: the user does not want to wait)."""
    for worker in multiprocessing.active_children():
        worker.kill()


class ClusterLostError(RuntimeError):
    """The Dask cluster stopped answering in the middle of a run."""


def cores() -> int:
    """The number of cores of this computer: the most worker processes a run starts."""
    return os.cpu_count() or 1


@contextmanager
def measured_rows(
    tasks: list[dict[str, Any]], jobs: int | None, client: Any
) -> Iterator[Iterator[dict]]:
    """The rows of :func:`measure_file` for ``tasks``, in the order they finish.

    Measured on a Dask cluster (``client``), or by ``jobs`` worker processes (at most one
    per core), a few tasks ahead each, so that only about two photographs per worker are
    ever in memory. A worker that dies turns into a ``problem`` row for the photograph it
    was measuring (:func:`_surviving`), and the run goes on.
    """
    if client is not None:
        from distributed import KilledWorker, wait  # optional, and slow to import

        workers = (
            lambda task: client.submit(rootmass.measuring.measure_file, **task, pure=False),
            lambda pending: wait(pending, return_when="FIRST_COMPLETED"),
        )
        window = 2 * max(1, sum(client.nthreads().values()))
        rows = _cluster_rows(
            _surviving(lambda alone: nullcontext(workers), tasks, window, KilledWorker)
        )
    else:
        count = max(1, min(jobs or cores(), cores(), len(tasks)))
        rows = _surviving(
            lambda alone: _pool(1 if alone else count), tasks, 2 * count, BrokenProcessPool
        )
    try:
        yield rows
    finally:
        rows.close()  # shuts the pool down


def _cluster_rows(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The rows from a Dask cluster; a :class:`ClusterLostError` if its scheduler goes away
    (rows never raise otherwise: :func:`rootmass.measuring.measure_file` turns every
    problem into a row)."""
    try:
        yield from rows
    except Exception as error:
        reason = (str(error).splitlines() or [""])[0]
        raise ClusterLostError(
            f"The Dask cluster stopped answering ({type(error).__name__}: {reason})."
        ) from None
