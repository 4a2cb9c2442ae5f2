"""The lesson's tests (a package, so that they and the benchmarks import tests.support)."""
