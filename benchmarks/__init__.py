"""Speed scripts: ``make bench``, or ``python -m benchmarks.<name>`` from the repository."""
