"""The root-mass command: measure the root fraction of many photographs at once.

``python -m rootmass 'photos/*.jpg' --sigma 1 --exclude-above 0.9 --out results.csv``
(or the ``rootmass`` console script) measures every photograph as the root-mass episode
does, in parallel, and writes one CSV row per photograph; run it with ``--help``. A tool for
power users, beside the ``helpers`` package that the episodes call:

- :mod:`rootmass.command`: the command line;
- :mod:`rootmass.finding`: the photographs that patterns name;
- :mod:`rootmass.checks`: the options (:class:`~rootmass.checks.Options`) and the
  pre-flight checks, whose :class:`~rootmass.checks.UsageError` is exit status 2;
- :mod:`rootmass.measuring`: measuring one photograph into its CSV row;
- :mod:`rootmass.parallel` and :mod:`rootmass.dask_cluster`: worker processes or Dask;
- :mod:`rootmass.run`: a whole run (:func:`~rootmass.run.measure_files`);
- :mod:`rootmass.reading`: reading photographs quickly as grayscale float32;
- :mod:`rootmass.results_csv`: the CSV's columns, resuming, sorting and its lock;
- :mod:`rootmass.saving` and :mod:`rootmass.montage`: masks and the QC montage (``--qc``).

The measurement itself is :func:`helpers.roots.root_mask`, which the episode's explorer
shares.
"""

from rootmass.command import main
from rootmass.measuring import measure_file
from rootmass.run import measure_files

__all__ = ["main", "measure_file", "measure_files"]
