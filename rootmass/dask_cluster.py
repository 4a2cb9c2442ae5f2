"""Connecting to a Dask cluster (``--scheduler``), or a usage error within a stated time.

Dask is an optional extra (``pip install -e '.[dask]'``): it is imported only when a
scheduler is given, and its absence is a message that says how to install it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent import futures
from typing import Any

from rootmass.checks import UsageError

#: Seconds to wait for a Dask scheduler to answer (``--scheduler``) before giving up.
SCHEDULER_TIMEOUT = 10.0


async def _handshake(connect: Callable, address: str, timeout: float) -> None:
    """Connect to a Dask scheduler and close again; the whole within ``timeout``."""
    comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
    await comm.close()


def dask_client(address: str, timeout: float = SCHEDULER_TIMEOUT) -> Any:
    """A Dask client of the scheduler at ``address`` with at least one worker, or a
    :class:`UsageError` within about twice ``timeout`` seconds (``Client(timeout=...)``
    alone waits for ever on a port that answers but is not a scheduler, such as the
    dashboard's, and a scheduler without workers makes a run wait for ever)."""
    try:
        from distributed import Client, comm
    except ImportError as error:
        raise UsageError(
            "--scheduler needs Dask, which is not installed. Install it with "
            "pip install 'dask==2026.8.0' 'distributed==2026.8.0' (or, in this repository, "
            "pip install -e '.[dask]'), or leave out --scheduler to use this computer's cores."
        ) from error
    advice = (
        "Give the scheduler's address, such as tcp://192.168.1.10:8786, and check that it "
        "is running (the dashboard, http://...:8787, is another port)."
    )
    if address.lower().startswith(("http://", "https://")):
        raise UsageError(f"--scheduler {address} is a web address, not a scheduler's. {advice}")
    try:
        with futures.ThreadPoolExecutor(1) as thread:  # its own event loop, wherever we are
            thread.submit(asyncio.run, _handshake(comm.connect, address, timeout)).result()
        client = Client(address, timeout=timeout)
    except Exception as error:
        raise UsageError(
            f"No Dask scheduler answered at {address!r} within {timeout:g} s "
            f"({type(error).__name__}: {error}). {advice}"
        ) from None
    # A lost scheduler is the command's to report (exit status 3), not in the tracebacks
    # that the client logs while it tries to reconnect.
    logging.getLogger("distributed.client").setLevel(logging.CRITICAL)
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:
        client.close()
        raise UsageError(
            f"The Dask scheduler at {address!r} has no workers: none joined within "
            f"{timeout:g} s. Start some (dask worker {address}), or leave out --scheduler "
            "to use this computer's cores."
        ) from None
    return client
