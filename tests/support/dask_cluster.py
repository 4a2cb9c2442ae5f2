"""A local Dask cluster for the tests: on the loopback interface only, its ports free ones.

``dashboard_address=None`` does not turn the scheduler's HTTP server off (distributed
2026.8 falls back to port 8787), so two test runs side by side, or any other Dask on the
machine, met there, and distributed's "Port 8787 is already in use" warning is an error in
the tests: ``127.0.0.1:0`` takes a free port.
"""


def local_cluster(n_workers: int = 1, threads_per_worker: int = 2):
    """A ``distributed.LocalCluster`` on 127.0.0.1, every port chosen by the system."""
    import distributed

    return distributed.LocalCluster(
        n_workers=n_workers,
        threads_per_worker=threads_per_worker,
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    )
